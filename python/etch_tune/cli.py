"""etch-tune command line.

  etch-tune model.onnx --target=<triple> --mcpu=<cpu> --runner=local \\
      --db=tune.jsonl [--trials=N | --time-budget=30m] [--resume] [--jobs=N] \\
      [--seed=S] [--report=DIR]
  etch-tune db stats|best|merge ...   (see dbtool.py)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

from . import cost_model
from .db import Database
from .measure import Builder
from .runners import RunnerError, parse_runner
from .search import Tuner


def parse_duration(text: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(s|m|h)?", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration like 90s, 30m or 2h")
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def find_etch_compile() -> Optional[str]:
    env = os.environ.get("ETCH_COMPILE")
    if env:
        return env
    here = Path(sys.argv[0]).resolve().parent / "etch-compile"
    if here.exists():
        return str(here)
    repo_build = Path(__file__).resolve().parents[2] / "build" / "bin" / "etch-compile"
    if repo_build.exists():
        return str(repo_build)
    return shutil.which("etch-compile")


def lanes_for(target: str, mcpu: str) -> int:
    if target.startswith("x86_64") and any(s in mcpu for s in ("avx512", "skylake-avx512", "icelake",
                                                                "sapphirerapids", "znver4")):
        return 16
    if target.startswith("x86_64") and mcpu not in ("generic", "x86-64"):
        return 8
    return 4


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="etch-tune", description="Autotune the #etch.schedule of every "
                                "workload of an ONNX model for one target and write a tuning database "
                                "for etch-compile --tuning-db.")
    p.add_argument("model", type=Path)
    p.add_argument("--target", required=True, help="target triple (as for etch-compile)")
    p.add_argument("--mcpu", required=True, help="target CPU (as for etch-compile; 'native' for this machine)")
    p.add_argument("--runner", default="local",
                   help="local[:taskset=CPUS] | ssh://[user@]host[:port] | exec:'<template>' | qemu-aarch64 | "
                        "ray[:address=HOST:PORT][,resource=NAME][,taskset=CPUS]")
    p.add_argument("--db", required=True, type=Path, help="JSONL tuning database (appended to)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--trials", type=int, help="measured candidates per task (default 16)")
    budget.add_argument("--time-budget", type=parse_duration, help="wall-clock budget, e.g. 30m")
    p.add_argument("--resume", action="store_true", help="continue a database: nothing recorded is measured again")
    p.add_argument("--jobs", type=int, default=1, help="candidates compiled in parallel")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=10, help="timed runs per measurement (at least)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--min-time-us", type=float, default=20000, help="timed runs last at least this long")
    p.add_argument("--measure", choices=("layer", "model"), default="layer",
                   help="time each candidate as its layer alone (default: cut out of the model by "
                        "etch-compile --extract-workload) or as the whole model with only that "
                        "workload's schedule changed")
    p.add_argument("--tasks", help="tune only these workloads: a comma-separated list of kinds "
                   "(conv, depthwise, matmul, pool, reduction, elementwise), workload keys or "
                   "ONNX node names; the others keep their heuristic schedules")
    p.add_argument("--report", type=Path, help="write report.json and report.md here")
    p.add_argument("--input-shape", action="append", default=[], help="passed to etch-compile")
    p.add_argument("--keep", action="store_true", help="keep the build folder")
    return p


def macs_flops(task: dict) -> Optional[int]:
    """FLOPs of one run of a conv/depthwise/matmul workload: every point of
    its loop nest is one multiply-add. None for other kinds."""
    if task.get("kind") not in ("conv", "depthwise", "matmul") or not task.get("loops"):
        return None
    n = 2
    for extent in task["loops"]:
        n *= extent
    return n


def etch_version(etch_compile: str) -> str:
    proc = subprocess.run([etch_compile, "--version"], capture_output=True, text=True)
    m = re.search(r"etch-compile (\S+)", proc.stdout + proc.stderr)
    return m.group(1) if m else "unknown"


def plot_curves(path: Path, rows: List[dict]) -> Optional[str]:
    """tuning.png: each task's speedup over its heuristic schedule (best so
    far) against its trials, and the whole model's, estimated from the
    tasks' gains: layer times weighted by how often each layer occurs, or
    (tasks timed as the whole model, each with the other tasks on their
    heuristic schedules) the gains added up. None, or why there is no
    plot."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (scripts/setup.sh puts it in .venv-tune)"
    rows = [r for r in rows if r["curve"] and r["baseline_us"] > 0]
    if not rows:
        return "no measured task"
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    longest = max(len(r["curve"]) for r in rows)
    for r in rows:
        ax.plot(range(len(r["curve"])), [r["baseline_us"] / b for b in r["curve"]],
                label=f"{', '.join(r['layers'])[:40]} (x{r['count']})", linewidth=1)
    def at(r, i):
        return r["curve"][min(i, len(r["curve"]) - 1)]

    e2e = []
    if all(r.get("measure") == "layer" for r in rows):
        # The layers' time, each as often as it occurs (the rest of the
        # model is not tuned and not counted).
        base = sum(r["count"] * r["baseline_us"] for r in rows)
        for i in range(longest):
            e2e.append(base / max(sum(r["count"] * at(r, i) for r in rows), 1e-9))
    else:
        # A task's times are the whole model's with all its layers changed.
        base = sum(r["baseline_us"] for r in rows) / len(rows)
        for i in range(longest):
            gain = sum(r["baseline_us"] - at(r, i) for r in rows)
            e2e.append(base / max(base - gain, 1e-9))
    label = ("tuned layers, weighted by count" if all(r.get("measure") == "layer" for r in rows)
             else "whole model (estimate)")
    ax.plot(range(longest), e2e, color="black", linewidth=2.5, label=label)
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xlabel("trials per task")
    ax.set_ylabel("speedup over the heuristic schedule")
    ax.set_title("etch-tune: best so far")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return None


def write_report(directory: Path, rows: List[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(json.dumps(rows, indent=2) + "\n")
    why = plot_curves(directory / "tuning.png", rows)
    if why:
        print(f"etch-tune: note: no tuning.png: {why}", file=sys.stderr)
    lines = ["| task | layers | baseline us | best us | speedup | trials | statuses |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        st = ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items()))
        lines.append(f"| {r['key']} | {', '.join(r['layers'])} | {r['baseline_us']:.1f} | "
                     f"{r['best_us']:.1f} | {r['speedup']:.2f}x | {r['trials']} | {st} |")
    (directory / "report.md").write_text("\n".join(lines) + "\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["db"]:
        from . import dbtool
        return dbtool.main(argv[1:])
    args = build_parser().parse_args(argv)

    def fail(msg: str) -> int:
        print(f"etch-tune: error: {msg}", file=sys.stderr)
        return 1

    if not args.model.exists():
        return fail(f"{args.model}: no such file")
    if args.trials is None and args.time_budget is None:
        args.trials = 16
    if args.trials is None:
        args.trials = 1 << 30
    if args.trials < 0 or args.jobs < 1:
        return fail("--trials must be >= 0 and --jobs >= 1")
    etch_compile = find_etch_compile()
    if not etch_compile:
        return fail("etch-compile not found (put it next to etch-tune, on PATH, or in $ETCH_COMPILE)")
    try:
        runner = parse_runner(args.runner, args.target)
        if hasattr(runner, "check"):
            runner.check()
    except RunnerError as e:
        return fail(str(e))
    args.etch_version = etch_version(etch_compile)
    db = Database.open(args.db)
    for w in db.warnings:
        print(f"etch-tune: warning: {w}", file=sys.stderr)

    log = print if sys.stdout.isatty() else (lambda s: print(s, flush=True))
    work = Path(tempfile.mkdtemp(prefix="etch-tune-"))
    try:
        extra = [f"--input-shape={s}" for s in args.input_shape]
        builder = Builder(etch_compile, args.model, args.target, args.mcpu, runner, work, extra,
                          measure=args.measure)
        try:
            tasks_doc = builder.extract_tasks()
        except RuntimeError as e:
            return fail(str(e))
        tasks = tasks_doc["tasks"]
        if args.tasks:
            wanted = {w.strip() for w in args.tasks.split(",") if w.strip()}
            tasks = [t for t in tasks if t.get("kind") in wanted or t["key"] in wanted
                     or wanted & set(t.get("layers", []))]
            if not tasks:
                return fail(f"--tasks={args.tasks}: no workload of {args.model} matches (kinds: "
                            + ", ".join(sorted({t.get('kind', '?') for t in tasks_doc['tasks']})) + ")")
        known = [t for t in tasks if db.for_key(t["key"])]
        if known and not args.resume:
            return fail(f"{args.db} already has records for {len(known)} of these workloads; "
                        "pass --resume to continue it, or choose another --db")
        layers = sum(t["count"] for t in tasks)
        log(f"etch-tune: {args.model.name}: {layers} layers, {len(tasks)} unique workloads, "
            f"target {tasks_doc.get('triple', args.target)} cpu {tasks_doc.get('cpu', args.mcpu)}, "
            f"runner {runner.name}, timing each {args.measure}" + ("" if runner.timing_valid else " (emulated: timings not valid, "
                                        "correctness only)"))
        if not cost_model.available():
            log("etch-tune: note: xgboost is not installed (scripts/setup.sh puts it in .venv-tune); "
                "candidates are picked at random")
        tuner = Tuner(builder, db, args, log)
        tuner.all_tasks = tasks_doc["tasks"]
        tty = sys.stdout.isatty()
        if tty:
            width = shutil.get_terminal_size((100, 20)).columns

            def redraw(line: str) -> None:
                sys.stdout.write("\r" + line[:width - 1].ljust(width - 1))
                sys.stdout.flush()

            def log_above(line: str) -> None:  # a message, then the bar again below
                sys.stdout.write("\r" + " " * (width - 1) + "\r" + line + "\n")
                sys.stdout.flush()
            tuner.progress = redraw
            tuner.log = log_above
        states = tuner.run(tasks, lanes_for(args.target, args.mcpu))
        if tty:
            sys.stdout.write("\n")
        if tasks and not states:
            return fail(f"no workload's heuristic schedule could be built and run on the runner "
                        f"{runner.name} (see the messages above); nothing was tuned")
        rows = []
        log("")
        log(f"{'task':<24} {'baseline us':>12} {'best us':>10} {'speedup':>8} {'trials':>7}  statuses")
        for st in states:
            speedup = st.baseline_us / st.best_us if st.best_us > 0 else 0
            statuses = dict(st.statuses)
            rows.append({"key": st.key, "layers": st.task["layers"], "count": st.task["count"],
                         "kind": st.task.get("kind", ""), "loops": st.task.get("loops", []),
                         "flops": macs_flops(st.task), "measure": st.measure,
                         "baseline_us": st.baseline_us, "best_us": st.best_us, "speedup": speedup,
                         "trials": st.trials, "statuses": statuses, "curve": st.curve,
                         "best_schedule": st.best_schedule, "baseline_schedule": st.task["schedule"],
                         "timing_valid": runner.timing_valid})
            log(f"{st.label:<24} {st.baseline_us:>12.1f} {st.best_us:>10.1f} {speedup:>7.2f}x "
                f"{st.trials:>7}  " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
        if args.report:
            write_report(args.report, rows)
        log(f"\netch-tune: {len(db.records)} records in {args.db}; use them with\n"
            f"  etch-compile {args.model} --target={args.target} --mcpu={args.mcpu} --tuning-db={args.db}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
