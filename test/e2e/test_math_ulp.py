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

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from etch_testing import reference, runner

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


# f64: upstream MLIR approximates f32 only, so etch has its own f64 exp/log
# family (codegen/Common/ApproximateMathF64.cpp). Checked on x86-64 against
# numpy (glibc) over random bit patterns of every exponent plus the edges.
F64_FUNCTIONS = {"Exp": np.exp, "Log": np.log, "Tanh": np.tanh}
F64_ULP = 4.0  # measured: exp 2, log 2, tanh 3
F64_COUNT = 1 << 16


def f64_inputs(op: str) -> np.ndarray:
    rng = np.random.default_rng(1234)
    bits = rng.integers(0, 1 << 63, size=F64_COUNT - 16, dtype=np.uint64)
    bits |= rng.integers(0, 2, size=bits.size, dtype=np.uint64) << np.uint64(63)
    x = bits.view(np.float64)
    if op == "Exp":  # where exp is neither 0, 1 nor inf, densely
        x[: x.size // 2] = rng.uniform(-745.2, 709.8, x.size // 2)
        x[x.size // 2: x.size * 3 // 4] = rng.uniform(-1e-3, 1e-3, x.size // 4)
    elif op == "Tanh":
        x[: x.size // 2] = rng.uniform(-40.0, 40.0, x.size // 2)
        x[x.size // 2: x.size * 3 // 4] = rng.uniform(-1e-6, 1e-6, x.size // 4)
    elif op == "Log":
        x[: x.size // 2] = rng.uniform(0.5, 2.0, x.size // 2)
    edges = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5e-324, 2.2250738585072014e-308,
             709.782712893384, 709.79, -745.13, -746.0, 1e-300, 0.5, 2.0]
    return np.concatenate([x, np.array(edges)])


def ulp_error(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    err = np.abs(got - ref) / np.spacing(np.abs(ref).clip(np.finfo(np.float64).tiny))
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    return np.where(same, 0.0, err)


@pytest.mark.parametrize("op", sorted(F64_FUNCTIONS))
def test_f64_ulp(op, etch_compile, tmp_path):
    n = F64_COUNT
    x = helper.make_tensor_value_info("x", TensorProto.DOUBLE, [n])
    y = helper.make_tensor_value_info("y", TensorProto.DOUBLE, [n])
    graph = helper.make_graph([helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}_0")], "ulp64", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    name = f"ulp64_{op.lower()}"
    manifest = reference.write_case(model, str(tmp_path), name)
    inputs = f64_inputs(op)
    reference.write_tensor(str(tmp_path / manifest.inputs[0].file), inputs)
    proc = runner.compile_model(etch_compile, tmp_path / manifest.model, name, tmp_path, runner.HOST)
    assert proc.returncode == 0, runner.describe(proc)
    exe = runner.build_harness(name, tmp_path, manifest)
    (got,) = runner.run_harness(exe, tmp_path, manifest)
    with np.errstate(all="ignore"):
        ref = F64_FUNCTIONS[op](inputs)
        err = ulp_error(got, ref)
    worst = int(np.argmax(err))
    print(f"{op} f64: worst {err[worst]:.2f} ulp at x={inputs[worst]!r}")
    assert err[worst] <= F64_ULP, (f"{op} f64: {err[worst]:.2f} ulp at x={inputs[worst]!r}: "
                                   f"got {got[worst]!r}, libm {ref[worst]!r}; "
                                   f"{int((err > F64_ULP).sum())} inputs over {F64_ULP} ulp")
