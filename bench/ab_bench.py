#!/usr/bin/env python3
"""A/B of two etch-compile binaries on whole models, with ONNX Runtime beside.

Each model is compiled with every compiler given (--mcpu=native), linked with
bench/bench_harness.c and timed on one pinned core (taskset -c CPU) in
alternating rounds: base, new, ..., ORT, then again, so that load from other
users of a shared machine hits all of them alike. Per engine and model the
JSON keeps every round's median and min of the wall time and of the thread's
CPU time per run (ORT: its 1-thread session runs on the calling thread), and
the load average at each round; the summary takes the median of the rounds'
medians and the min of the mins. On a loaded machine read the CPU times: the
wall time of a pinned run also counts the time other processes held the core.

    .venv/bin/python bench/ab_bench.py --compiler base=/tmp/etch-compile.base \\
        --compiler new=build/bin/etch-compile --ort \\
        --models build/e2e-models/quant_resnet18_QDQ.onnx,build/e2e-models/quant_resnet18_fp32.onnx \\
        --rounds 5 --runs 20 -o bench/results/int8_ab.json
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from etch_testing import runner  # noqa: E402

ORT_CODE = """
import json, sys, time, numpy as np, onnxruntime as ort
path, inp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
x = np.load(inp)
n = s.get_inputs()[0].name
for _ in range(5): s.run(None, {n: x})
t, c = [], []
for _ in range(runs):
    a, b = time.perf_counter(), time.thread_time()
    s.run(None, {n: x})
    c.append((time.thread_time() - b) * 1e3); t.append((time.perf_counter() - a) * 1e3)
t.sort(); c.sort()
print(json.dumps({"median_ms": t[len(t) // 2], "min_ms": t[0], "median_cpu_ms": c[len(c) // 2], "min_cpu_ms": c[0]}))
"""


def build(compiler, model, name, work):
    obj = os.path.join(work, name + ".o")
    subprocess.run([compiler, model, "--target=x86_64-linux-gnu", "--mcpu=native", f"--name={name}", "-o", obj],
                   check=True, capture_output=True)
    exe = os.path.join(work, name + ".bench")
    subprocess.run(["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
                    f"-DETCH_MODEL_SYM={name}_model", os.path.join(ROOT, "bench", "bench_harness.c"), obj,
                    f"-L{runner.build_dir() / 'runtime'}", "-letch_runtime", "-o", exe], check=True)
    return exe


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compiler", action="append", required=True, help="LABEL=PATH (repeatable, in run order)")
    p.add_argument("--models", required=True, help="comma-separated .onnx paths (one float input each)")
    p.add_argument("--ort", action="store_true", help="time ONNX Runtime (1 thread) in the same rounds")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--cpu", default="1")
    p.add_argument("-o", "--output")
    args = p.parse_args()
    compilers = [c.split("=", 1) for c in args.compiler]
    pin = ["taskset", "-c", args.cpu]
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu_pinned": args.cpu,
           "cpu": subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"], capture_output=True,
                                 text=True).stdout.split(":")[-1].strip(),
           "compilers": {label: path for label, path in compilers}, "rounds": args.rounds, "runs": args.runs,
           "models": {}}
    with tempfile.TemporaryDirectory() as work:
        for model in args.models.split(","):
            stem = os.path.splitext(os.path.basename(model))[0]
            dims = [d.dim_value for d in onnx.load(model).graph.input[0].type.tensor_type.shape.dim]
            x = np.random.default_rng(0).standard_normal(dims).astype(np.float32)
            raw, npy = os.path.join(work, stem + ".bin"), os.path.join(work, stem + ".npy")
            x.tofile(raw)
            np.save(npy, x)
            exes = {label: build(path, model, f"m_{i}", work) for i, (label, path) in enumerate(compilers)}
            keys = ("median_ms", "min_ms", "median_cpu_ms", "min_cpu_ms")
            rec = {label: {k: [] for k in keys} for label in exes}
            if args.ort:
                rec["ort"] = {k: [] for k in keys}
            loads = []
            for _ in range(args.rounds):
                loads.append(os.getloadavg()[0])
                for label, exe in exes.items():
                    r = json.loads(subprocess.run(pin + [exe, "3", str(args.runs), raw], check=True,
                                                  capture_output=True, text=True).stdout)
                    for k in keys:
                        rec[label][k].append(round(r[k], 3))
                if args.ort:
                    r = json.loads(subprocess.run(pin + [sys.executable, "-c", ORT_CODE, model, npy, str(args.runs)],
                                                  check=True, capture_output=True, text=True).stdout)
                    for k in keys:
                        rec["ort"][k].append(round(r[k], 3))
            summary = {label: {"median_of_medians_ms": round(statistics.median(v["median_ms"]), 3),
                               "min_ms": min(v["min_ms"]),
                               "cpu_median_of_medians_ms": round(statistics.median(v["median_cpu_ms"]), 3),
                               "cpu_min_ms": min(v["min_cpu_ms"])} for label, v in rec.items()}
            out["models"][stem] = {"path": model, "loadavg_1m": loads, "rounds": rec, "summary": summary}
            print(stem, json.dumps(summary), f"load {min(loads):.1f}-{max(loads):.1f}", flush=True)
    if args.output:
        with open(args.output, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
