#!/usr/bin/env python3
"""Footprint of the MCU models on embedded targets, from etch-compile --size-report.

Run from the repository root after scripts/setup.sh (and, for the int8 rows,
scripts/setup_quant_env.sh):

    .venv/bin/python bench/footprint.py [--build build] [--no-icount]

Compiles the MLP, DS-CNN and MobileNetV1-0.25 of python/etch_testing/mcu_models.py
(fp32, random weights) for Cortex-M4, Cortex-M55, Cortex-M0+ and bare-metal
AArch64, and tabulates code (the model's kernels and the entry code: argument
checks and the ABI wrappers), weights, static RAM and the arena against its
lower bound (the most bytes simultaneously live in the chosen op order).

int8 rows: the same models quantized by ONNX Runtime's quantize_static (after
its quant_pre_process, which folds BatchNormalization into Conv; per-channel
int8 weights, uint8 activations, QDQ; etch_testing.ort_quantize), compiled
for Cortex-M4 and Cortex-M55 (where --requant=fixedpoint is the default).

Instruction counts (an emulator proxy, not cycles): each model is linked with
bench/cortex-m/icount_main.c for the QEMU board of its core and run under
qemu-system-arm with the TCG plugin bench/cortex-m/qemu_insn_count.c, once with
one inference and once with two; the difference is one inference's guest
instruction count. QEMU does not model caches, wait states or the cost of
each instruction, so this counts work, not time.

Writes bench/results/footprint.json and bench/results/footprint.md.

For scale: TensorFlow Lite Micro publishes its core runtime at about 16 KB of
code on Cortex-M3 before any kernel is linked in; etch has no interpreter, so
its only non-kernel code is the entry code below.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from etch_testing import mcu_models  # noqa: E402

TARGETS = [
    ("cortex-m4", ["--target=thumbv7em-none-eabihf", "--mcpu=cortex-m4"]),
    ("cortex-m55", ["--target=thumbv8.1m.main-none-eabihf", "--mcpu=cortex-m55"]),
    ("cortex-m0plus", ["--target=thumbv6m-none-eabi", "--mcpu=cortex-m0plus"]),
    ("aarch64-none-elf", ["--target=aarch64-none-elf", "--mcpu=cortex-a53"]),
]
INT8_TARGETS = ("cortex-m4", "cortex-m55")
# How each core is linked and run for the instruction count (the boards of
# etch_testing.runner's Cortex-M targets).
QEMU = {
    "cortex-m4": (["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"], "mps2-an386"),
    "cortex-m55": (["-mcpu=cortex-m55", "-mfloat-abi=hard"], "mps3-an547"),
}
CORTEX_M_DIR = os.path.join(ROOT, "test", "e2e", "cortex-m")
BENCH_M_DIR = os.path.join(ROOT, "bench", "cortex-m")


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"footprint: {' '.join(map(str, cmd))} failed:\n{proc.stderr}")
    return proc


def quantize(src: str, dst: str, quant_env: str) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([quant_env, os.path.join(ROOT, "python")]))
    run([sys.executable, "-m", "etch_testing.ort_quantize", src, dst, "--format", "QDQ", "--preprocess"], env=env)


def instructions(obj: str, name: str, target: str, plugin: str, tmp: str) -> int:
    """One inference's guest instruction count under qemu-system-arm."""
    gcc_flags, board = QEMU[target]
    counts = []
    for runs in (1, 2):
        elf = os.path.join(tmp, f"{name}-{target}-{runs}.elf")
        run(["arm-none-eabi-gcc", "-mthumb", *gcc_flags, "-std=c11", "-O2",
             f"-I{os.path.join(ROOT, 'runtime', 'include')}", f"-DETCH_MODEL_SYM={name}_model", f"-DETCH_RUNS={runs}",
             os.path.join(BENCH_M_DIR, "icount_main.c"), os.path.join(ROOT, "runtime", "src", "status.c"), obj,
             os.path.join(CORTEX_M_DIR, "startup.c"), os.path.join(CORTEX_M_DIR, "semihost.c"), f"-L{CORTEX_M_DIR}",
             "-T", f"{board}.ld", "--specs=nosys.specs", "-nostartfiles", "-o", elf])
        proc = run(["qemu-system-arm", "-M", board, "-cpu", target, "-nographic", "-monitor", "none",
                    "-serial", "none", "-semihosting-config", "enable=on,target=native,arg=icount",
                    "-kernel", elf, "-plugin", plugin, "-d", "plugin"], timeout=1800)
        m = re.search(r"insns: (\d+)", proc.stdout + proc.stderr)
        if not m:
            sys.exit(f"footprint: no instruction count from QEMU for {name} on {target}")
        counts.append(int(m.group(1)))
    return counts[1] - counts[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--quant-env", default=os.path.join(ROOT, "build", "quant-env"),
                        help="the newer onnx for ONNX Runtime's quantizer (scripts/setup_quant_env.sh)")
    parser.add_argument("--no-icount", action="store_true", help="skip the instruction counts under QEMU")
    args = parser.parse_args()
    etch_compile = os.path.join(args.build, "bin", "etch-compile")
    icount = not args.no_icount and all(shutil.which(t) for t in ("qemu-system-arm", "arm-none-eabi-gcc", "cc"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        plugin = os.path.join(tmp, "libinsn.so")
        if icount:
            run(["cc", "-shared", "-fPIC", "-O2", "-o", plugin, os.path.join(BENCH_M_DIR, "qemu_insn_count.c")])
        for name, model in mcu_models.mcu_models():
            path = os.path.join(tmp, f"{name}.onnx")
            onnx.save(model, path)
            qpath = os.path.join(tmp, f"{name}_int8.onnx")
            quantize(path, qpath, args.quant_env)
            for precision, src, targets in (("fp32", path, TARGETS),
                                            ("int8", qpath, [t for t in TARGETS if t[0] in INT8_TARGETS])):
                for target, flags in targets:
                    obj = os.path.join(tmp, f"{name}-{precision}-{target}.o")
                    proc = run([etch_compile, src, *flags, f"--name={name}", "-o", obj, "--size-report=json"])
                    report = json.loads(proc.stdout)
                    report["target"] = target
                    report["precision"] = precision
                    if icount and target in QEMU:
                        report["instructions"] = instructions(obj, name, target, plugin, tmp)
                    rows.append(report)
                    print(f"{name} {precision} {target}: kernels {report['code']['kernels']} B, "
                          f"arena {report['arena']['size']} B, instructions {report.get('instructions', '-')}",
                          file=sys.stderr)

    results = os.path.join(ROOT, "bench", "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "footprint.json"), "w") as f:
        json.dump(rows, f, indent=2)
    lines = [
        "| model | precision | target | kernel code | entry code | weights | static RAM | arena | arena lower bound "
        "| arena / bound | instructions / inference (QEMU) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        arena = r["arena"]
        insns = f"{r['instructions'] / 1e6:.2f} M" if "instructions" in r else "-"
        lines.append(f"| {r['model']} | {r['precision']} | {r['target']} | {kib(r['code']['kernels'])} | "
                     f"{r['code']['entry']} B | {kib(r['read_only']['weights'])} | {r['static_ram']} B | "
                     f"{kib(arena['size'])} | {kib(arena['lower_bound'])} | {arena['ratio']:.2f} | {insns} |")
    lines += ["", "int8 against fp32 (the issue's targets: arena <= 0.3x, kernel code <= 1.0x):", "",
              "| model | target | arena int8/fp32 | kernel code int8/fp32 | weights int8/fp32 | instructions int8/fp32 |",
              "|---|---|---:|---:|---:|---:|"]
    by_key = {(r["model"], r["precision"], r["target"]): r for r in rows}
    for r in rows:
        if r["precision"] != "int8":
            continue
        f = by_key[(r["model"], "fp32", r["target"])]
        ins = (f"{r['instructions'] / f['instructions']:.2f}"
               if "instructions" in r and "instructions" in f else "-")
        lines.append(f"| {r['model']} | {r['target']} | {r['arena']['size'] / f['arena']['size']:.2f} | "
                     f"{r['code']['kernels'] / f['code']['kernels']:.2f} | "
                     f"{r['read_only']['weights'] / f['read_only']['weights']:.2f} | {ins} |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(results, "footprint.md"), "w") as f:
        f.write("<!-- Generated by bench/footprint.py; do not edit. -->\n" + table)
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
