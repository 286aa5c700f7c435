"""What etch-tune gains per layer, measured so that a person can trust it.

  .venv/bin/python bench/tune_gains.py --models resnet18,mobilenet_v2 \\
      --trials 64 --tasks conv,depthwise,matmul --runner local:taskset=1

For each model: etch-tune (layer-level timing) with --report, its wall time;
then, per tuned workload, the heuristic and the tuned layer are built again
and timed in alternating rounds (A B A B ...) on the same pinned core, so a
load change hits both alike and the best-of-N bias of the search (the
winner's time is a minimum over many noisy candidates) does not enter the
speedup. Each layer's heuristic GFLOP/s is put against the single-core FMA
peak measured in the same run. Prints and writes
bench/results/tune_gains_<date>.{json,md}: per layer the heuristic and
tuned time, %peak, the A/B speedup with its round-to-round range, and the
summaries issue 11 asks for (geomean over layers below 80% of peak, layers
slower than the heuristic beyond noise), with the load average before and
after, because on a shared machine the numbers need it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(REPO / "bench"))

from etch_tune.measure import Builder  # noqa: E402
from etch_tune.runners import parse_runner  # noqa: E402

PEAK_C = r"""
#include <stdio.h>
#include <time.h>
#if defined(__AVX512F__)
#define W 16
#elif defined(__AVX__)
#define W 8
#else
#define W 4
#endif
typedef float vf __attribute__((vector_size(W * 4)));
#define K(v) __asm__ volatile("" : "+x"(v))
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9; }
int main(void) {  /* best of many short trials of 12 independent FMA chains */
  vf a, b; for (int i = 0; i < W; ++i) { a[i] = 0.999999f; b[i] = 1e-7f; }
  double best = 0;
  for (int trial = 0; trial < 200; ++trial) {
    vf c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6, c6 = b * 7,
       c7 = b * 8, c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
    double t0 = now();
    for (long i = 0; i < 200000; ++i) {
      c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b; c4 = c4 * a + b;
      c5 = c5 * a + b; c6 = c6 * a + b; c7 = c7 * a + b; c8 = c8 * a + b; c9 = c9 * a + b;
      c10 = c10 * a + b; c11 = c11 * a + b;
      K(c0); K(c1); K(c2); K(c3); K(c4); K(c5); K(c6); K(c7); K(c8); K(c9); K(c10); K(c11);
    }
    double g = 2.0 * W * 12 * 200000 / (now() - t0) / 1e9;
    if (g > best) best = g;
    vf s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    if (s[0] == 12345.0f) best += 1e-9;
  }
  printf("%.2f\n", best);
  return 0;
}
"""


def fma_peak_gflops(workdir: Path, taskset: list) -> float:
    src, exe = workdir / "peak.c", workdir / "peak"
    src.write_text(PEAK_C)
    subprocess.run(["cc", "-O2", "-march=native", str(src), "-o", str(exe)], check=True)
    return float(subprocess.run([*taskset, str(exe)], capture_output=True, text=True,
                                check=True).stdout)


def model_path(name: str, cache: Path) -> Path:
    if name.endswith(".onnx"):
        return Path(name)
    import suite  # bench/suite.py: torchvision models with re-estimated BatchNorm
    for m in suite.suite():
        if m.name == name:
            cache.mkdir(parents=True, exist_ok=True)
            return Path(m.make(str(cache)))
    raise SystemExit(f"tune_gains: unknown model {name}")


def ab_rounds(builder: Builder, key: str, schedules: dict, tag: str, rounds: int,
              min_time_us: float) -> dict:
    """Heuristic (A) and tuned (B) layer, timed A B A B ...; per round the
    median of each, then the median over rounds and the range of B/A."""
    exes = {}
    for name, sched in schedules.items():
        exe, status, message = builder.build({key: sched}, f"{tag}-{name}", key=key)
        if exe is None:
            return {"error": f"{name}: {status}: {message}"}
        exes[name] = exe
    times = {name: [] for name in exes}
    for _ in range(rounds):
        for name, exe in exes.items():
            m = builder.run(exe, 2, 10, min_time_us, timeout=600)
            if m.status != "ok":
                return {"error": f"{name}: {m.status}: {m.message}"}
            times[name].append(m.median_us)
    ratios = [a / b for a, b in zip(times["heuristic"], times["tuned"])]
    return {"heuristic_us": statistics.median(times["heuristic"]),
            "tuned_us": statistics.median(times["tuned"]),
            "speedup": statistics.median(times["heuristic"]) / statistics.median(times["tuned"]),
            "speedup_min": min(ratios), "speedup_max": max(ratios), "rounds": rounds}


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="resnet18,mobilenet_v2",
                   help="bench/suite.py names or .onnx paths, comma-separated")
    p.add_argument("--cache", type=Path, default=REPO / "build" / "bench-models")
    p.add_argument("--trials", type=int, default=64)
    p.add_argument("--tasks", default="conv,depthwise,matmul")
    p.add_argument("--runner", default="local:taskset=1")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--mcpu", default="native")
    p.add_argument("--rounds", type=int, default=5, help="A/B rounds per layer")
    p.add_argument("--min-time-us", type=float, default=20000)
    p.add_argument("--noise", type=float, default=0.05,
                   help="a tuned layer counts as slower only if every A/B round says so by more")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    p.add_argument("--work", type=Path, help="folder for the databases and reports (default: a new "
                   "temporary one); a database already there is continued with etch-tune --resume")
    args = p.parse_args()

    etch_tune = REPO / "build" / "bin" / "etch-tune"
    etch_compile = REPO / "build" / "bin" / "etch-compile"
    runner = parse_runner(args.runner, "x86_64-linux-gnu")
    taskset = ["taskset", "-c", runner.cpus] if getattr(runner, "cpus", None) else []
    work = args.work or Path(tempfile.mkdtemp(prefix="tune-gains-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    peak = fma_peak_gflops(work, taskset)
    print(f"FMA peak (one core{', cpu ' + runner.cpus if taskset else ''}): {peak:.1f} GFLOP/s; "
          f"load average {load_before[0]:.2f}")
    result = {"date": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
              "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                           if l.startswith("model name")), "?"),
              "nproc": os.cpu_count(), "peak_gflops": peak, "args": {k: str(v) for k, v in vars(args).items()},
              "load_before": load_before, "models": []}
    for name in [m for m in args.models.split(",") if m]:
        onnx_path = model_path(name, args.cache)
        db = work / f"{Path(onnx_path).stem}.jsonl"
        report = work / f"{Path(onnx_path).stem}-report"
        cmd = [str(etch_tune), str(onnx_path), "--target=x86_64-linux-gnu", f"--mcpu={args.mcpu}",
               f"--runner={args.runner}", f"--db={db}", f"--trials={args.trials}", f"--jobs={args.jobs}",
               "--seed=1", f"--tasks={args.tasks}", f"--report={report}",
               f"--min-time-us={args.min_time_us}"] + (["--resume"] if db.exists() else [])
        print("$", " ".join(cmd), flush=True)
        t0 = time.monotonic()
        proc = subprocess.run(cmd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        wall = time.monotonic() - t0
        print(proc.stdout[-3000:])
        if proc.returncode != 0:
            print(f"tune_gains: etch-tune failed on {name}", file=sys.stderr)
            return 1
        rows = json.loads((report / "report.json").read_text())
        builder = Builder(str(etch_compile), onnx_path, "x86_64-linux-gnu", args.mcpu, runner,
                          work / f"ab-{Path(onnx_path).stem}")
        layers = []
        for i, r in enumerate(rows):
            entry = {k: r[k] for k in ("key", "layers", "count", "kind", "loops", "flops", "trials",
                                       "statuses", "baseline_us", "best_us", "speedup")}
            entry["tuner_speedup"] = entry.pop("speedup")
            if r["best_schedule"] == r["baseline_schedule"]:
                entry.update({"heuristic_us": r["baseline_us"], "tuned_us": r["baseline_us"],
                              "speedup": 1.0, "speedup_min": 1.0, "speedup_max": 1.0,
                              "note": "the heuristic schedule stayed the best"})
            else:
                error = builder.extract_layer(r["key"])
                entry.update({"error": error} if error else ab_rounds(
                    builder, r["key"], {"heuristic": r["baseline_schedule"], "tuned": r["best_schedule"]},
                    f"ab{i}", args.rounds, args.min_time_us))
            if r["flops"] and "heuristic_us" in entry:
                entry["heuristic_pct_peak"] = 100 * r["flops"] / (entry["heuristic_us"] * 1e3) / peak
                entry["tuned_pct_peak"] = 100 * r["flops"] / (entry["tuned_us"] * 1e3) / peak
            layers.append(entry)
            print(f"  {(r['layers'] or ['?'])[0][:44]:<44} {entry.get('heuristic_us', 0):>9.1f} us "
                  f"-> {entry.get('tuned_us', 0):>9.1f} us  x{entry.get('speedup', 0):.2f} "
                  f"[{entry.get('speedup_min', 0):.2f}, {entry.get('speedup_max', 0):.2f}]"
                  f"  {entry.get('heuristic_pct_peak', 0):.0f}% peak  {entry.get('error', '')}", flush=True)
        low = [e["speedup"] for e in layers if e.get("heuristic_pct_peak", 100) < 80 and "speedup" in e]
        slower = [e["layers"][0] for e in layers if e.get("speedup_max", 1) < 1 - args.noise]
        result["models"].append({"model": name, "onnx": str(onnx_path), "tune_wall_s": wall,
                                 "tasks": len(rows), "layers": layers,
                                 "geomean_speedup_below_80pct_peak": geomean(low),
                                 "layers_below_80pct_peak": len(low),
                                 "slower_beyond_noise": slower})
        print(f"{name}: tune {wall / 60:.1f} min for {len(rows)} tasks; geomean A/B speedup over "
              f"{len(low)} layers below 80% of peak: {geomean(low):.3f}x; slower beyond noise: "
              f"{slower or 'none'}", flush=True)
    result["load_after"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"tune_gains_{result['date'][:10]}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    stem.with_suffix(".md").write_text(markdown(result))
    print(f"wrote {stem}.json and .md")
    return 0


def markdown(result: dict) -> str:
    out = [f"etch-tune gains, {result['date']}, {result['cpu']} ({result['nproc']} cores), "
           f"FMA peak {result['peak_gflops']:.1f} GFLOP/s (one core); load average "
           f"{result['load_before'][0]:.2f} before, {result['load_after'][0]:.2f} after; "
           f"args {result['args']}", ""]
    for m in result["models"]:
        out += [f"### {m['model']}: {m['tasks']} tasks tuned in {m['tune_wall_s'] / 60:.1f} min; "
                f"geomean speedup {m['geomean_speedup_below_80pct_peak']:.3f}x over the "
                f"{m['layers_below_80pct_peak']} layers below 80% of peak; slower than the heuristic "
                f"beyond noise: {', '.join(m['slower_beyond_noise']) or 'none'}", "",
                "| layer | x | kind | heuristic us | %peak | tuned us | %peak | A/B speedup | range | "
                "tuner's | trials |",
                "|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|"]
        for e in m["layers"]:
            if "error" in e and e["error"]:
                out.append(f"| {e['layers'][0]} | {e['count']} | {e['kind']} | | | | | | {e['error'][:60]} | | |")
                continue
            out.append(f"| {e['layers'][0]} | {e['count']} | {e['kind']} | {e['heuristic_us']:.1f} | "
                       f"{e.get('heuristic_pct_peak', float('nan')):.0f} | {e['tuned_us']:.1f} | "
                       f"{e.get('tuned_pct_peak', float('nan')):.0f} | {e['speedup']:.2f}x | "
                       f"{e['speedup_min']:.2f}-{e['speedup_max']:.2f} | {e['tuner_speedup']:.2f}x | "
                       f"{e['trials']} |")
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
