"""etch-tune against TVM MetaSchedule and Halide's autoschedulers on the five
anchor layers (layers.py), on one core, at the same per-layer trial budget.

  bench/tune_anchors/setup_anchors.sh          # venv with apache-tvm, libhalide14-0-dev
  .venv/bin/python bench/tune_anchors/run_anchors.py --trials 64 --cpu 1

1. etch: bench/tune_gains.py on ResNet-18 and MobileNetV2 (the anchor
   layers' workloads only, `--tasks` by ONNX node) gives each layer's tuned
   time (A/B re-measured), unless --etch-json names an earlier result.
2. TVM: tvm_metaschedule.py in /work/venvs/tvm (or $TVM_PYTHON).
3. Halide: halide/ configured and built with CMake outside etch's build
   (LLVM 14), each autoscheduled layer timed pinned to --cpu with
   HL_NUM_THREADS=1. Halide's autoschedulers measure nothing: the trial
   budget does not apply to them.
Prints a table (us and GFLOP/s per layer and tool, etch / best peer) and
writes bench/results/tune_anchors_<date>.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
from layers import LAYERS, flops  # noqa: E402

SCHEDULERS = ("Adams2019", "Li2018", "Mullapudi2016")


def run(cmd, **kw):
    print("$", " ".join(map(str, cmd)), flush=True)
    return subprocess.run([str(c) for c in cmd], text=True, **kw)


def etch_times(args) -> dict:
    if args.etch_json:
        result = json.loads(Path(args.etch_json).read_text())
    else:
        out = REPO / "build" / "tune-anchors-etch"
        nodes = ",".join(l["node"] for l in LAYERS)
        models = ",".join(sorted({l["model"] for l in LAYERS}))
        proc = run([sys.executable, REPO / "bench" / "tune_gains.py", "--models", models,
                    "--trials", args.trials, "--tasks", nodes, "--runner", f"local:taskset={args.cpu}",
                    "--out", out])
        if proc.returncode != 0:
            raise SystemExit("run_anchors: tune_gains.py failed")
        result = json.loads(sorted(out.glob("tune_gains_*.json"))[-1].read_text())
    times = {}
    for m in result["models"]:
        for e in m["layers"]:
            for node in e["layers"]:
                if "tuned_us" in e:
                    times[node] = {"tuned_us": e["tuned_us"], "heuristic_us": e["heuristic_us"],
                                   "trials": e["trials"]}
    return times


def tvm_times(args) -> dict:
    py = os.environ.get("TVM_PYTHON", "/work/venvs/tvm/bin/python")
    out = REPO / "build" / "tune-anchors-tvm.json"
    proc = run([py, HERE / "tvm_metaschedule.py", "--trials", args.trials, "--cpu", args.cpu,
                "--out", out])
    if proc.returncode != 0:
        print("run_anchors: TVM MetaSchedule failed; its column stays empty", file=sys.stderr)
        return {}
    return {r["layer"]: r for r in json.loads(out.read_text())}


def halide_times(args) -> dict:
    build = REPO / "build" / "halide-anchors"
    if run(["cmake", "-G", "Ninja", "-S", HERE / "halide", "-B", build,
            "-DCMAKE_BUILD_TYPE=Release"]).returncode != 0 or \
            run(["ninja", "-C", build, f"-j{args.jobs}"]).returncode != 0:
        print("run_anchors: the Halide anchors did not build; their columns stay empty", file=sys.stderr)
        return {}
    times = {}
    env = dict(os.environ, HL_NUM_THREADS="1")
    for l in LAYERS:
        if l["kind"] == "matmul":
            shape = ["matmul", l["M"], l["K"], l["N"]]
        else:
            shape = ["conv", l["C"], l["H"], l["W"], l["F"], l["K"], l["stride"], l["pad"],
                     int(l["kind"] == "depthwise")]
        for sched in SCHEDULERS:
            exe = build / f"bench_{l['name']}_{sched}"
            proc = run(["taskset", "-c", args.cpu, exe, *shape], capture_output=True, env=env)
            if proc.returncode == 0 and proc.stdout.startswith("us "):
                times[(l["name"], sched)] = float(proc.stdout.split()[1])
            else:
                print(f"run_anchors: {exe.name}: {proc.stderr.strip()[-300:]}", file=sys.stderr)
    return times


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=64)
    p.add_argument("--cpu", default="1")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--etch-json", help="a tune_gains_*.json to take etch's times from")
    p.add_argument("--skip", default="", help="comma-separated: tvm, halide")
    args = p.parse_args()
    skip = set(args.skip.split(","))
    load_before = os.getloadavg()
    etch = etch_times(args)
    tvm = {} if "tvm" in skip else tvm_times(args)
    halide = {} if "halide" in skip else halide_times(args)
    rows = []
    for l in LAYERS:
        row = {"layer": l["name"], "node": l["node"], "gflop": flops(l) / 1e9,
               "etch_heuristic_us": etch.get(l["node"], {}).get("heuristic_us"),
               "etch_tuned_us": etch.get(l["node"], {}).get("tuned_us"),
               "tvm_us": tvm.get(l["name"], {}).get("us")}
        for sched in SCHEDULERS:
            row[f"halide_{sched}_us"] = halide.get((l["name"], sched))
        peers = [v for k, v in row.items() if v and k.endswith("_us") and not k.startswith("etch")]
        row["etch_over_best_peer"] = (row["etch_tuned_us"] / min(peers)
                                      if peers and row["etch_tuned_us"] else None)
        rows.append(row)
    cols = ["etch_heuristic_us", "etch_tuned_us", "tvm_us"] + [f"halide_{s}_us" for s in SCHEDULERS]
    fmt = lambda v: f"{v:.1f}" if isinstance(v, float) else "-"  # noqa: E731
    lines = [f"anchors, {datetime.datetime.utcnow().isoformat(timespec='seconds')}Z, {args.trials} trials "
             f"per layer, one core (cpu {args.cpu}); load average {load_before[0]:.2f} before, "
             f"{os.getloadavg()[0]:.2f} after. Times in us (lower is better); last column: etch tuned "
             "time over the best peer's (<= 1.0 is the issue 11 target).", "",
             "| layer | GFLOP | " + " | ".join(c[:-3] for c in cols) + " | etch / best peer |",
             "|---|---:|" + "---:|" * len(cols) + "---:|"]
    for r in rows:
        ratio = r["etch_over_best_peer"]
        lines.append(f"| {r['layer']} | {r['gflop']:.3f} | " + " | ".join(fmt(r[c]) for c in cols)
                     + f" | {ratio:.2f} |" if ratio else f"| {r['layer']} | {r['gflop']:.3f} | "
                     + " | ".join(fmt(r[c]) for c in cols) + " | - |")
    text = "\n".join(lines) + "\n"
    print(text)
    stem = REPO / "bench" / "results" / f"tune_anchors_{datetime.date.today().isoformat()}"
    stem.with_suffix(".json").write_text(json.dumps({"rows": rows, "trials": args.trials,
                                                     "cpu": args.cpu}, indent=1) + "\n")
    stem.with_suffix(".md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
