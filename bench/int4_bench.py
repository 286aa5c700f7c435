#!/usr/bin/env python3
"""int4 vs int8 vs fp32 MatMul at small M (issue 13's int4 target: int4
MatMul with M <= 8 at least 1.3x faster than int8 at the same shape).

For each M in --ms, three one-node models of Y = A x W with W [K, N]:
  fp32  MatMul, W fp32;
  int8  QLinearMatMul, uint8 A x int8 W -> uint8 (the integer kernel:
        vpdpbusd with VNNI);
  int4  com.microsoft MatMulNBits, bits 4, block_size --block-size, packed
        uint4 zero points (fp32 FMAs on weights unpacked in registers).
Each is compiled with etch-compile --mcpu=native, linked with
bench/bench_harness.c and timed on one pinned core (CPU 1) in --rounds
alternating rounds; a round's number is the harness's median over --runs
calls, and the reported number is the median over rounds. The machine is
shared with other jobs: expect noise of several percent.

    .venv/bin/python bench/int4_bench.py [--ms 1,4,8] [--k 4096] [--n 4096] [--rounds 5]

Writes bench/results/int4_<date>.json and prints times and ratios.
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
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from etch_testing import runner  # noqa: E402


def model(kind, m, k, n, bs, rng):
    inits = []
    if kind == "fp32":
        inits.append(numpy_helper.from_array((rng.standard_normal((k, n)) * 0.02).astype(np.float32), "W"))
        nodes = [helper.make_node("MatMul", ["A", "W"], ["Y"])]
        io = (TensorProto.FLOAT, TensorProto.FLOAT)
    elif kind == "int8":
        sc = lambda name, v: numpy_helper.from_array(np.array(v, np.float32), name)  # noqa: E731
        zp = lambda name, v, t: numpy_helper.from_array(np.array(v, t), name)  # noqa: E731
        inits += [sc("as", 0.02), zp("az", 128, np.uint8),
                  numpy_helper.from_array(rng.integers(-127, 128, (k, n)).astype(np.int8), "W"),
                  sc("ws", 0.01), zp("wz", 0, np.int8), sc("ys", 2.0), zp("yz", 128, np.uint8)]
        nodes = [helper.make_node("QLinearMatMul", ["A", "as", "az", "W", "ws", "wz", "ys", "yz"], ["Y"])]
        io = (TensorProto.UINT8, TensorProto.UINT8)
    else:
        nb = -(-k // bs)
        inits += [numpy_helper.from_array(rng.integers(0, 256, (n, nb, bs // 2)).astype(np.uint8), "W"),
                  numpy_helper.from_array(rng.uniform(0.001, 0.01, (n, nb)).astype(np.float32), "S"),
                  numpy_helper.from_array(rng.integers(0, 256, (n, (nb + 1) // 2)).astype(np.uint8), "Z")]
        nodes = [helper.make_node("MatMulNBits", ["A", "W", "S", "Z"], ["Y"], domain="com.microsoft",
                                  K=k, N=n, bits=4, block_size=bs)]
        io = (TensorProto.FLOAT, TensorProto.FLOAT)
    graph = helper.make_graph(nodes, f"{kind}_m{m}", [helper.make_tensor_value_info("A", io[0], [m, k])],
                              [helper.make_tensor_value_info("Y", io[1], [m, n])], inits)
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid("com.microsoft", 1)] if kind == "int4" else [])
    return helper.make_model(graph, opset_imports=opsets), io[0]


def build(compiler, path, name, work):
    obj = os.path.join(work, name + ".o")
    subprocess.run([compiler, path, "--target=x86_64-linux-gnu", "--mcpu=native", f"--name={name}", "-o", obj],
                   check=True, capture_output=True)
    exe = os.path.join(work, name + ".bench")
    subprocess.run(["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
                    f"-DETCH_MODEL_SYM={name}_model", os.path.join(ROOT, "bench", "bench_harness.c"), obj,
                    f"-L{runner.build_dir() / 'runtime'}", "-letch_runtime", "-o", exe], check=True)
    size = subprocess.run(["/usr/lib/llvm-22/bin/llvm-size", "-A", obj], check=True, capture_output=True,
                          text=True).stdout
    rodata = sum(int(line.split()[1]) for line in size.splitlines() if line.startswith(".rodata"))
    arena = next(int(line.split()[2]) for line in open(os.path.join(work, name + ".h"))
                 if line.startswith(f"#define {name.upper()}_ARENA_SIZE"))
    return exe, rodata, arena


def time_once(exe, inp, runs):
    out = subprocess.run(["taskset", "-c", "1", exe, "3", str(runs), inp], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)["median_ms"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ms", default="1,4,8")
    p.add_argument("--k", type=int, default=4096)
    p.add_argument("--n", type=int, default=4096)
    p.add_argument("--block-size", type=int, default=32)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    compiler = runner.find_etch_compile()
    rng = np.random.default_rng(0)
    kinds = ["fp32", "int8", "int4"]
    results = []
    with tempfile.TemporaryDirectory() as work:
        for m in map(int, args.ms.split(",")):
            exes, row = {}, {"M": m, "K": args.k, "N": args.n, "block_size": args.block_size}
            for kind in kinds:
                mdl, in_type = model(kind, m, args.k, args.n, args.block_size, rng)
                path = os.path.join(work, f"{kind}_{m}.onnx")
                onnx.save(mdl, path)
                inp = os.path.join(work, f"{kind}_{m}.bin")
                if in_type == TensorProto.FLOAT:
                    rng.standard_normal((m, args.k)).astype(np.float32).tofile(inp)
                else:
                    rng.integers(0, 256, (m, args.k)).astype(np.uint8).tofile(inp)
                exe, rodata, arena = build(compiler, path, f"{kind}_m{m}", work)
                exes[kind] = (exe, inp)
                row[f"{kind}_rodata"], row[f"{kind}_arena"] = rodata, arena
            times = {kind: [] for kind in kinds}
            for _ in range(args.rounds):  # alternate the kinds within each round
                for kind in kinds:
                    times[kind].append(time_once(*exes[kind], args.runs))
            for kind in kinds:
                row[f"{kind}_ms"] = round(statistics.median(times[kind]), 4)
                row[f"{kind}_rounds_ms"] = [round(t, 4) for t in times[kind]]
            row["int8_over_int4"] = round(row["int8_ms"] / row["int4_ms"], 2)
            row["fp32_over_int4"] = round(row["fp32_ms"] / row["int4_ms"], 2)
            results.append(row)
            print(json.dumps({k: v for k, v in row.items() if not k.endswith("rounds_ms")}), flush=True)
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"], capture_output=True, text=True)
    date = time.strftime("%Y-%m-%d")
    out = {"date": date, "cpu": cpu.stdout.split(":")[-1].strip(), "threads": 1, "pinned_cpu": 1,
           "note": "shared machine; medians of alternating rounds", "results": results}
    with open(os.path.join(ROOT, "bench", "results", f"int4_{date}.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(f"{'M':>3} {'fp32 ms':>9} {'int8 ms':>9} {'int4 ms':>9} {'int8/int4':>9} {'fp32/int4':>9} "
          f"{'rodata fp32/int8/int4 (KiB)':>28}")
    for r in results:
        print(f"{r['M']:>3} {r['fp32_ms']:9.3f} {r['int8_ms']:9.3f} {r['int4_ms']:9.3f} {r['int8_over_int4']:9.2f} "
              f"{r['fp32_over_int4']:9.2f} {r['fp32_rodata'] // 1024:>10}/{r['int8_rodata'] // 1024}/"
              f"{r['int4_rodata'] // 1024}")


if __name__ == "__main__":
    main()
