#!/usr/bin/env python3
"""etch int8 vs etch fp32 vs ONNX Runtime int8 (issue 13's first milestone).

Quantizes each fp32 model with ORT's quantize_static (QDQ, per-channel int8
weights, uint8 activations; python/etch_testing/ort_quantize.py, which needs
build/quant-env from scripts/setup_quant_env.sh), compiles the fp32 and the
int8 model with etch-compile --mcpu=native, links bench/bench_harness.c, and
times the three on one core (pinned to CPU 1) in alternating rounds; each
number is the best of the rounds' medians (the machine is shared).

    .venv/bin/python bench/quant_bench.py [--models conv_net,mobilenet_v2] [--rounds 5]

Writes bench/results/quant_latest.json and prints a table of times and
ratios, with each model's arena sizes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from etch_testing import quant_models, runner, torchvision_models  # noqa: E402


def fp32_model(arch, path):
    if arch == "conv_net":
        quant_models.torch_conv_net(path)
    elif arch == "mlp":
        quant_models.torch_mlp(path)
    else:
        torchvision_models.export(arch, 13, path)


def quantize(src, dst):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.environ.get("ETCH_QUANT_ENV", os.path.join(ROOT, "build", "quant-env")), os.path.join(ROOT, "python")]))
    subprocess.run([sys.executable, "-m", "etch_testing.ort_quantize", src, dst, "--format", "QDQ"],
                   env=env, check=True, capture_output=True)


def build(compiler, model_path, name, work):
    obj = os.path.join(work, name + ".o")
    subprocess.run([compiler, model_path, "--target=x86_64-linux-gnu", "--mcpu=native", f"--name={name}",
                    "-o", obj], check=True, capture_output=True)
    exe = os.path.join(work, name + ".bench")
    subprocess.run(["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
                    f"-DETCH_MODEL_SYM={name}_model", os.path.join(ROOT, "bench", "bench_harness.c"), obj,
                    f"-L{runner.build_dir() / 'runtime'}", "-letch_runtime", "-o", exe], check=True)
    arena = next(int(line.split()[2]) for line in open(os.path.join(work, name + ".h"))
                 if line.startswith(f"#define {name.upper()}_ARENA_SIZE"))
    return exe, arena


def time_etch(exe, inp, runs):
    out = subprocess.run(["taskset", "-c", "1", exe, "5", str(runs), inp], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)["median_ms"]


def time_ort(path, x, runs):
    code = f"""
import json, time, numpy as np, onnxruntime as ort
o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
s = ort.InferenceSession({path!r}, o, providers=["CPUExecutionProvider"])
x = np.fromfile({x!r}, dtype=np.float32).reshape({list(np.load(x + '.npy', allow_pickle=False).shape)!r})
n = s.get_inputs()[0].name
for _ in range(5): s.run(None, {{n: x}})
t = []
for _ in range({runs}):
    a = time.perf_counter(); s.run(None, {{n: x}}); t.append((time.perf_counter() - a) * 1e3)
print(json.dumps(sorted(t)[len(t) // 2]))
"""
    out = subprocess.run(["taskset", "-c", "1", sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="conv_net,mobilenet_v2")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=50)
    args = p.parse_args()
    compiler = runner.find_etch_compile()
    results = []
    with tempfile.TemporaryDirectory() as work:
        for arch in args.models.split(","):
            src, dst = os.path.join(work, arch + ".onnx"), os.path.join(work, arch + "_int8.onnx")
            fp32_model(arch, src)
            quantize(src, dst)
            shape = [d.dim_value for d in onnx.load(src).graph.input[0].type.tensor_type.shape.dim]
            inp = os.path.join(work, arch + "_in.bin")
            x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            x.tofile(inp)
            np.save(inp + ".npy", x)
            f32_exe, f32_arena = build(compiler, src, arch + "_f32", work)
            i8_exe, i8_arena = build(compiler, dst, arch + "_i8", work)
            best = {"etch_fp32": 1e9, "etch_int8": 1e9, "ort_int8": 1e9, "ort_fp32": 1e9}
            for _ in range(args.rounds):
                best["etch_fp32"] = min(best["etch_fp32"], time_etch(f32_exe, inp, args.runs))
                best["etch_int8"] = min(best["etch_int8"], time_etch(i8_exe, inp, args.runs))
                best["ort_int8"] = min(best["ort_int8"], time_ort(dst, inp, args.runs))
                best["ort_fp32"] = min(best["ort_fp32"], time_ort(src, inp, args.runs))
            row = {"model": arch, **{k: round(v, 4) for k, v in best.items()},
                   "etch_fp32_over_int8": round(best["etch_fp32"] / best["etch_int8"], 2),
                   "etch_int8_over_ort_int8": round(best["etch_int8"] / best["ort_int8"], 2),
                   "arena_fp32": f32_arena, "arena_int8": i8_arena}
            results.append(row)
            print(json.dumps(row), flush=True)
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"], capture_output=True, text=True)
    out = {"date": time.strftime("%Y-%m-%d"), "cpu": cpu.stdout.split(":")[-1].strip(), "threads": 1,
           "results": results}
    with open(os.path.join(ROOT, "bench", "results", "quant_latest.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(f"{'model':14} {'etch fp32':>10} {'etch int8':>10} {'ORT int8':>10} {'ORT fp32':>10} "
          f"{'fp32/int8':>9} {'int8/ORT':>9} {'arena fp32':>11} {'arena int8':>11}")
    for r in results:
        print(f"{r['model']:14} {r['etch_fp32']:10.3f} {r['etch_int8']:10.3f} {r['ort_int8']:10.3f} "
              f"{r['ort_fp32']:10.3f} {r['etch_fp32_over_int8']:9.2f} {r['etch_int8_over_ort_int8']:9.2f} "
              f"{r['arena_fp32']:11} {r['arena_int8']:11}")


if __name__ == "__main__":
    main()
