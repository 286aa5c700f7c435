"""Transcendental numerics over the whole fp32 range, against the C library.

exp, tanh, erf and sigmoid are polynomial approximations inside etch's
objects (no target needs libm). Each op is compiled as a 4096-element
single-op model and test/e2e/ulp/ulp_sweep.c feeds it every STRIDE-th float
bit pattern (all exponents, both signs, subnormals, infinities), comparing with
libm evaluated in double: the error must stay within max(8 ulp, 1e-7 absolute)
(issue: ONNX coverage, "honest failures"). The same objects are checked on
x86-64 (natively), AArch64 (qemu-aarch64) and Cortex-M4 (qemu-system-arm,
where the reference comes from newlib's libm and the model has none).
"""

import os
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from etch_testing import runner

ULP_DIR = Path(__file__).resolve().parent / "ulp"
FUNCTIONS = {"exp": "Exp", "tanh": "Tanh", "erf": "Erf", "sigmoid": "Sigmoid"}
# Inputs checked per function: 2^32 / stride (x86-64 ~70 M; emulated targets fewer).
STRIDES = {"x86_64-linux-gnu": 61, "aarch64": 4099, "cortex-m4": 262147}
TARGETS = [runner.HOST, runner.AARCH64_LINUX, runner.CORTEX_M4]


def unary_model(op: str) -> onnx.ModelProto:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4096])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4096])
    graph = helper.make_graph([helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}_0")], "ulp", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
@pytest.mark.parametrize("fn", sorted(FUNCTIONS))
def test_ulp_sweep(fn, target, etch_compile, tmp_path):
    if not target.available():
        if os.environ.get("ETCH_REQUIRE_EMBEDDED") == "1":
            pytest.fail(f"{target.id}: toolchain or QEMU missing (scripts/setup.sh)")
        pytest.skip(f"{target.id}: toolchain or QEMU missing")
    name = f"ulp_{fn}"
    model_path = tmp_path / f"{name}.onnx"
    onnx.save(unary_model(FUNCTIONS[fn]), str(model_path))
    proc = runner.compile_model(etch_compile, model_path, name, tmp_path, target)
    assert proc.returncode == 0, runner.describe(proc)
    exe = tmp_path / f"{name}.elf"
    proc = runner.run([*target.cc, "-std=c11", "-O2", *target.cflags, f"-I{runner.RUNTIME_INCLUDE}",
                       f"-I{tmp_path}", f"-DMODEL={name}", f"-DARENA_SIZE={name.upper()}_ARENA_SIZE", f"-DFN={fn}", f"-DSTRIDE={STRIDES[target.id]}",
                       ULP_DIR / "ulp_sweep.c", tmp_path / f"{name}.o", *target.ldflags, "-lm", "-o", exe])
    assert proc.returncode == 0, runner.describe(proc)
    proc = runner.run(target.run_command(exe, []), timeout=600)
    assert proc.returncode == 0, runner.describe(proc)
    print(proc.stdout)
    assert f"{fn}: " in proc.stdout and ", 0 outside" in proc.stdout, runner.describe(proc)
