#!/usr/bin/env python3
"""etch at 1 thread vs N threads (`etch-compile --threads`) on torchvision models.

    .venv/bin/python bench/threads_bench.py [--threads 2] [--models resnet18,mobilenet_v2]

Each model (exported as in run_bench.py: random weights, batch 1, 3x224x224,
opset 13) is compiled with --mcpu=native at --threads=1 and at --threads=N;
the N-thread object links the runtime's thread pool (ETCH_NUM_THREADS=N).
Both binaries run on the same input, alternating for --rounds rounds of
--runs timed runs each (median per round, then the median over rounds), so
slow phases of a shared machine hit both alike. The outputs of the two are
not compared here (test/e2e/test_threads.py checks they are bit-identical).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import ROOT, export_model, find_tool  # noqa: E402


def build(compiler, model_path, name, threads, work, runtime_dir):
    obj = os.path.join(work, f"{name}_t{threads}.o")
    subprocess.run([compiler, model_path, "--target=x86_64-linux-gnu", "--mcpu=native",
                    f"--threads={threads}", f"--name={name}", "-o", obj], check=True)
    exe = os.path.join(work, f"{name}_t{threads}.bench")
    libs = ([f"-L{runtime_dir}", "-letch_runtime_threads", "-letch_runtime", "-lpthread"]
            if threads > 1 else [f"-L{runtime_dir}", "-letch_runtime"])
    subprocess.run(["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
                    f"-DETCH_MODEL_SYM={name}_model", os.path.join(ROOT, "bench", "bench_harness.c"),
                    obj, *libs, "-o", exe], check=True)
    return exe


def time_once(exe, threads, warmup, runs, in_path):
    env = {**os.environ, "ETCH_NUM_THREADS": str(threads)}
    out = subprocess.run([exe, str(warmup), str(runs), in_path], check=True, capture_output=True,
                         text=True, env=env).stdout
    return json.loads(out)["median_ms"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="resnet18,mobilenet_v2")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--keep", help="keep artifacts in this directory")
    args = ap.parse_args()
    compiler = find_tool(args.build, "etch-compile")
    runtime_dir = os.path.join(args.build, "runtime")
    work = args.keep or tempfile.mkdtemp(prefix="etch-threads-bench-")
    os.makedirs(work, exist_ok=True)
    rows = []
    for name in args.models.split(","):
        model_path = os.path.join(work, f"{name}.onnx")
        if not os.path.exists(model_path):
            export_model(name, model_path, 13)
        x = np.random.default_rng(0).standard_normal((1, 3, 224, 224), dtype=np.float32)
        in_path = os.path.join(work, f"{name}.input.bin")
        x.tofile(in_path)
        exes = {t: build(compiler, model_path, name, t, work, runtime_dir) for t in (1, args.threads)}
        medians = {t: [] for t in exes}
        for _ in range(args.rounds):
            for t, exe in exes.items():
                medians[t].append(time_once(exe, t, args.warmup, args.runs, in_path))
        one, many = statistics.median(medians[1]), statistics.median(medians[args.threads])
        rows.append({"model": name, "ms_1": one, f"ms_{args.threads}": many, "speedup": one / many,
                     "rounds_1": medians[1], f"rounds_{args.threads}": medians[args.threads]})
        print(f"{name}: 1 thread {one:.2f} ms, {args.threads} threads {many:.2f} ms, "
              f"speedup {one / many:.2f}x", flush=True)
    print(json.dumps({"nproc": os.cpu_count(), "loadavg": os.getloadavg(), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
