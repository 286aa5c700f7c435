#!/usr/bin/env python3
"""etch's OpenCL target on PoCL against etch's own CPU path, same machine.

Run from the repository root after scripts/setup.sh:

    .venv/bin/python bench/opencl_bench.py [--runs 20] [--models mobilenet_v2,resnet18]
        [--mcpu generic] [--threads 1]

No mobile GPU is here, so this is a sanity ratio, not a GPU benchmark: PoCL
runs the OpenCL kernels on the CPU (its pthread device, --threads compute
units, default 1 to match the single-threaded CPU object). Both objects are
timed with bench/bench_harness.c on the same input, median of --runs runs
after --warmup runs (the OpenCL object's first run selects the device, builds
the program and uploads the weights: that is in the warm-up, and is reported
separately as the first run of a whole process). Writes
bench/results/opencl_<mcpu>_<date>.json and bench/results/opencl_<mcpu>_latest.md.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from run_bench import count_macs, export_model, find_runtime_lib, find_tool  # noqa: E402


def build_and_time(compiler, model_path, name, work, flags, link, env, warmup, runs, in_path):
    obj = os.path.join(work, f"{name}.o")
    t0 = time.monotonic()
    subprocess.run([compiler, model_path, *flags, f"--name={name}", "-o", obj], check=True)
    compile_s = time.monotonic() - t0
    exe = os.path.join(work, f"{name}.bench")
    subprocess.run(["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
                    f"-DETCH_MODEL_SYM={name}_model", os.path.join(ROOT, "bench", "bench_harness.c"),
                    obj, *link, "-o", exe], check=True)
    # One run alone measures the first call (device setup + program build).
    t0 = time.monotonic()
    subprocess.run([exe, "0", "1", in_path], check=True, capture_output=True, env=env)
    first_s = time.monotonic() - t0
    out = subprocess.run([exe, str(warmup), str(runs), in_path], check=True, capture_output=True,
                         text=True, env=env).stdout
    result = json.loads(out)
    result["compile_s"] = compile_s
    result["first_process_s"] = first_s
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.environ.get("ETCH_BUILD_DIR", os.path.join(ROOT, "build")))
    p.add_argument("--models", default="mobilenet_v2,resnet18")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--mcpu", default="generic", help="OpenCL device preset")
    p.add_argument("--threads", type=int, default=1, help="PoCL compute units")
    p.add_argument("--keep", help="work directory to keep")
    args = p.parse_args()

    compiler = find_tool(args.build, "etch-compile")
    runtime = find_runtime_lib(args.build)
    cl_runtime = os.path.join(args.build, "runtime", "opencl", "libetch_runtime_opencl.a")
    if not os.path.exists(cl_runtime):
        sys.exit(f"opencl_bench: {cl_runtime} not built")
    env = dict(os.environ)
    env["POCL_MAX_PTHREAD_COUNT"] = str(args.threads)
    env["POCL_CPU_MAX_CU_COUNT"] = str(args.threads)
    work = args.keep or tempfile.mkdtemp(prefix="etch-opencl-bench-")
    os.makedirs(work, exist_ok=True)
    rows = []
    for name in args.models.split(","):
        model_path = os.path.join(work, f"{name}.onnx")
        if not os.path.exists(model_path):
            export_model(name, model_path, args.opset)
        x = np.random.default_rng(0).standard_normal((1, 3, 224, 224), dtype=np.float32)
        in_path = os.path.join(work, f"{name}.input.bin")
        x.tofile(in_path)
        cpu = build_and_time(compiler, model_path, f"{name}_cpu", work,
                             ["--target=x86_64-linux-gnu", "--mcpu=native"], [runtime], env,
                             args.warmup, args.runs, in_path)
        cl = build_and_time(compiler, model_path, f"{name}_cl", work,
                            ["--target=opencl", f"--mcpu={args.mcpu}", "--host=x86_64-linux-gnu"],
                            [cl_runtime, runtime, "-lOpenCL"], env, args.warmup, args.runs, in_path)
        macs = count_macs(model_path)
        rows.append({"model": name, "macs": macs, "cpu_median_ms": cpu["median_ms"],
                     "opencl_median_ms": cl["median_ms"],
                     "ratio_opencl_over_cpu": cl["median_ms"] / cpu["median_ms"],
                     "opencl_gflops": 2 * macs / cl["median_ms"] / 1e6,
                     "opencl_first_process_s": cl["first_process_s"],
                     "cpu_compile_s": cpu["compile_s"], "opencl_compile_s": cl["compile_s"]})
        r = rows[-1]
        print(f"{name}: CPU {r['cpu_median_ms']:.2f} ms, OpenCL/PoCL {r['opencl_median_ms']:.2f} ms "
              f"({r['ratio_opencl_over_cpu']:.2f}x), first process {r['opencl_first_process_s']:.1f} s",
              flush=True)

    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cpu": platform.processor() or platform.machine()},
              "pocl_compute_units": args.threads, "preset": args.mcpu, "runs": args.runs,
              "warmup": args.warmup, "rows": rows}
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    stamp = datetime.date.today().isoformat()
    with open(os.path.join(ROOT, "bench", "results", f"opencl_{args.mcpu}_{stamp}.json"), "w") as f:
        json.dump(result, f, indent=2)
    table = ["| model | etch CPU ms | etch OpenCL (PoCL) ms | OpenCL/CPU | OpenCL GFLOP/s | first run s |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r['model']} | {r['cpu_median_ms']:.2f} | {r['opencl_median_ms']:.2f} | "
                     f"{r['ratio_opencl_over_cpu']:.2f}x | {r['opencl_gflops']:.1f} | "
                     f"{r['opencl_first_process_s']:.1f} |")
    note = (f"\nMedian of {args.runs} runs after {args.warmup} warm-up, batch 1; CPU object "
            f"--mcpu=native single thread; OpenCL object --mcpu={args.mcpu} on PoCL with "
            f"{args.threads} compute unit(s). `first run s`: a whole process's first run "
            f"(device selection, program build, weight upload).\n")
    text = "\n".join(table) + "\n" + note
    with open(os.path.join(ROOT, "bench", "results", f"opencl_{args.mcpu}_latest.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
