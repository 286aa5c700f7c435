#!/usr/bin/env python3
"""etch vs ONNX Runtime: latency, compile time and compiler peak memory.

Run from the repository root after scripts/setup.sh:

    .venv/bin/python bench/run_bench.py [--runs 50] [--models mobilenet_v2,resnet18]

For each model (torchvision, random weights, batch 1, 3x224x224, opset 13) it
compiles with etch-compile (--mcpu=native, single thread), links
bench/bench_harness.c, and times etch and ONNX Runtime (intra_op_num_threads=1,
all graph optimizations on) on the same input bytes in the same run: median of
--runs runs after --warmup runs. It prints a table with the etch/ORT latency
ratio and writes bench/results/<date>.json plus bench/results/latest.md.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_tool(build, name):
    path = os.path.join(build, "bin", name)
    if not os.path.exists(path):
        sys.exit(f"run_bench: {path} not found; build first (scripts/setup.sh)")
    return path


def find_runtime_lib(build):
    hits = glob.glob(os.path.join(build, "**", "libetch_runtime.a"), recursive=True)
    if not hits:
        sys.exit("run_bench: libetch_runtime.a not found in the build tree")
    return hits[0]


def export_model(name, path, opset):
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=opset,
                          input_names=["input"], output_names=["logits"])


def count_macs(model_path):
    """Multiply-accumulates of Conv/Gemm/MatMul, from ONNX shape inference."""
    m = shape_inference.infer_shapes(onnx.load(model_path))
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for init in m.graph.initializer:
        shapes[init.name] = list(init.dims)
    macs = 0
    for n in m.graph.node:
        if n.op_type == "Conv":
            w, y = shapes[n.input[1]], shapes[n.output[0]]
            macs += int(np.prod(y)) * int(np.prod(w[1:]))
        elif n.op_type in ("Gemm", "MatMul"):
            a, y = shapes[n.input[0]], shapes[n.output[0]]
            macs += int(np.prod(y)) * a[-1]
    return macs


def run_measured(cmd):
    """Runs cmd, returns (seconds, peak RSS MiB) of that child alone."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"run_bench: {' '.join(cmd)} failed:\n{err.decode()}{out.decode()}")
    return seconds, usage.ru_maxrss / 1024.0


def time_ort(model_path, inputs, warmup, runs):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])
    feed = {i.name: x for i, x in zip(sess.get_inputs(), inputs)}
    for _ in range(warmup):
        sess.run(None, feed)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feed)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return {"median_ms": times[len(times) // 2], "min_ms": times[0],
            "version": ort.__version__}


def peak_gflops(work):
    src = os.path.join(os.path.dirname(ROOT), "shared", "tools", "peak_flops.c")
    if not os.path.exists(src):
        return None
    exe = os.path.join(work, "peak_flops")
    subprocess.run(["cc", "-O2", "-march=native", src, "-o", exe], check=True)
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    for tok in out.split():
        if tok.startswith("peak_gflops_1core="):
            return float(tok.split("=", 1)[1])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="mobilenet_v2,resnet18")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--keep", help="keep artifacts in this directory")
    args = ap.parse_args()
    if args.runs < 20:
        sys.exit("run_bench: use at least 20 timed runs")

    compiler = find_tool(args.build, "etch-compile")
    runtime = find_runtime_lib(args.build)
    work = args.keep or tempfile.mkdtemp(prefix="etch-bench-")
    os.makedirs(work, exist_ok=True)
    peak = peak_gflops(work)
    rows = []
    for name in args.models.split(","):
        model_path = os.path.join(work, f"{name}.onnx")
        if not os.path.exists(model_path):
            export_model(name, model_path, args.opset)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((1, 3, 224, 224), dtype=np.float32)
        in_path = os.path.join(work, f"{name}.input.bin")
        x.tofile(in_path)

        obj = os.path.join(work, f"{name}.o")
        compile_s, compile_mib = run_measured(
            [compiler, model_path, "--target=x86_64-linux-gnu", "--mcpu=native",
             f"--name={name}", "-o", obj])
        exe = os.path.join(work, f"{name}.bench")
        subprocess.run(
            ["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
             f"-DETCH_MODEL_SYM={name}_model",
             os.path.join(ROOT, "bench", "bench_harness.c"), obj, runtime, "-o", exe],
            check=True)
        out = subprocess.run([exe, str(args.warmup), str(args.runs), in_path],
                             check=True, capture_output=True, text=True).stdout
        etch = json.loads(out)
        ort = time_ort(model_path, [x], args.warmup, args.runs)
        macs = count_macs(model_path)
        rows.append({
            "model": name, "opset": args.opset, "macs": macs,
            "etch_median_ms": etch["median_ms"], "etch_min_ms": etch["min_ms"],
            "etch_arena_bytes": etch["arena_bytes"],
            "ort_median_ms": ort["median_ms"], "ort_min_ms": ort["min_ms"],
            "ratio_etch_over_ort": etch["median_ms"] / ort["median_ms"],
            "etch_gflops": 2 * macs / etch["median_ms"] / 1e6,
            "compile_s": compile_s, "compile_peak_mib": compile_mib,
        })
        print(f"{name}: etch {etch['median_ms']:.2f} ms, ORT {ort['median_ms']:.2f} ms, "
              f"ratio {rows[-1]['ratio_etch_over_ort']:.2f}x, compile {compile_s:.1f} s "
              f"/ {compile_mib:.0f} MiB", flush=True)

    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": platform.processor() or platform.machine(),
                    "cores_used": 1, "peak_gflops_fp32": peak},
        "onnxruntime": ort["version"], "runs": args.runs, "warmup": args.warmup,
        "rows": rows,
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    stamp = datetime.date.today().isoformat()
    with open(os.path.join(ROOT, "bench", "results", f"{stamp}.json"), "w") as f:
        json.dump(result, f, indent=2)
    table = ["| model | etch ms | ORT ms | etch/ORT | etch GFLOP/s | compile s | compiler peak MiB | arena KiB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(
            f"| {r['model']} | {r['etch_median_ms']:.2f} | {r['ort_median_ms']:.2f} | "
            f"{r['ratio_etch_over_ort']:.2f}x | {r['etch_gflops']:.1f} | {r['compile_s']:.1f} | "
            f"{r['compile_peak_mib']:.0f} | {r['etch_arena_bytes'] / 1024:.0f} |")
    text = "\n".join(table)
    note = (f"\nMedian of {args.runs} runs after {args.warmup} warm-up, batch 1, one thread, "
            f"ONNX Runtime {ort['version']}; single-core FMA peak "
            f"{peak if peak else 'n/a'} GFLOP/s. `{' '.join(['.venv/bin/python'] + sys.argv)}`\n")
    with open(os.path.join(ROOT, "bench", "results", "latest.md"), "w") as f:
        f.write(text + "\n" + note)
    print(text + "\n" + note)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
