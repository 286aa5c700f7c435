"""int4 weights end to end: blocked int4/uint4 DequantizeLinear feeding
MatMul (opset 21) and com.microsoft MatMulNBits written by ONNX Runtime's
4-bit weight quantizer, on x86-64 and AArch64 (qemu).

Checks, per issue 13: SNR >= 40 dB against a float64 evaluation of the
dequantized model (etch_testing.int4_models.evaluate_f64), agreement with
ONNX Runtime, and that the weights stay packed -- the object's read-only
data holds about N*K/2 bytes per weight plus the block scales and zero
points (not an fp32 copy), and the arena holds no unpacked weight."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

from etch_testing import int4_models, reference, runner

REPO = Path(__file__).resolve().parents[2]
QUANT_ENV = Path(os.environ.get("ETCH_QUANT_ENV", runner.build_dir() / "quant-env"))
TARGETS = [runner.HOST, runner.AARCH64_LINUX]
LLVM_SIZE = "/usr/lib/llvm-22/bin/llvm-size"


def _rodata_bytes(obj: Path) -> int:
    out = subprocess.run([LLVM_SIZE, "-A", str(obj)], check=True, capture_output=True, text=True).stdout
    return sum(int(line.split()[1]) for line in out.splitlines() if line.startswith(".rodata"))


def _arena(header: Path, name: str) -> int:
    for line in header.read_text().splitlines():
        if line.startswith(f"#define {name.upper()}_ARENA_SIZE"):
            return int(line.split()[2])
    raise AssertionError(f"no arena size in {header}")


def _weights(model: onnx.ModelProto):
    """(K, N, block_size) of each quantized weight of the model."""
    out = []
    for node in model.graph.node:
        attrs = {a.name: a.i for a in node.attribute}
        if node.op_type == "MatMulNBits":
            out.append((attrs["K"], attrs["N"], attrs["block_size"]))
        elif node.op_type == "DequantizeLinear" and attrs.get("block_size"):
            w = next(t for t in model.graph.initializer if t.name == node.input[0])
            k_axis = attrs.get("axis", 1) % 2
            out.append((w.dims[k_axis], w.dims[1 - k_axis], attrs["block_size"]))
    return out


def _run(name, model, case_dir, etch_compile, target):
    if not target.available():
        pytest.skip(f"{target.id}: toolchain or QEMU missing")
    # run_case compares with ONNX Runtime (the reference writer runs it).
    result = runner.run_case(name, model, case_dir, etch_compile, target, rtol=1e-3)
    feeds = {t.name: reference.read_tensor(str(case_dir / t.file), t) for t in result.manifest.inputs}
    (ref,) = int4_models.evaluate_f64(model, feeds)
    got = result.outputs[0].reshape(ref.shape)
    snr = int4_models.snr_db(got, ref)
    rodata = _rodata_bytes(case_dir / f"{name}.o")
    arena = _arena(case_dir / f"{name}.h", name)
    weights = _weights(model)
    packed = sum(k * n // 2 for k, n, _ in weights)
    # Scales and zero points: two fp32 values per block and column.
    params = sum(-(-k // bs) * n * 8 for k, n, bs in weights)
    smallest = min(k * n * 4 for k, n, _ in weights)
    print(f"{name} {target.id}: SNR {snr:.1f} dB, rodata {rodata} B (packed weights {packed} B + "
          f"block params {params} B), arena {arena} B")
    assert snr >= 40, f"{name}: SNR {snr:.1f} dB against the float64 dequantized model"
    assert packed <= rodata <= packed + params + 64 * 1024, (rodata, packed, params)
    assert arena < smallest, f"arena {arena} B holds an unpacked weight ({smallest} B)"


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
@pytest.mark.parametrize("signed,zero_point,bs", [(True, False, 32), (True, True, 16), (False, True, 32),
                                                  (False, False, 64), (True, True, 128)],
                         ids=["int4-sym-32", "int4-zp-16", "uint4-zp-32", "uint4-64", "int4-zp-128"])
def test_dq_blocked_matmul(signed, zero_point, bs, target, etch_compile, tmp_path):
    """MatMul fed by a blocked int4/uint4 DequantizeLinear made here; K not
    a multiple of 128 pads the last block."""
    model, _, _ = int4_models.dq_matmul(4, 320, 96, bs, signed, zero_point)
    _run(f"dq_{'i' if signed else 'u'}4_{bs}", model, tmp_path, etch_compile, target)


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_dq_blocked_gemm(target, etch_compile, tmp_path):
    """Gemm(X, DequantizeLinear(W int4 [N, K], axis=1), bias, transB=1)."""
    model, _, _ = int4_models.dq_matmul(3, 96, 40, 32, True, True, gemm=True)
    _run("dq_gemm", model, tmp_path, etch_compile, target)


def _ort_quantize_int4(src: Path, dst: Path, bs: int, symmetric: bool, fmt: str) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(QUANT_ENV), str(REPO / "python")]))
    args = ["--int4-block-size", str(bs), "--format", fmt] + (["--int4-symmetric"] if symmetric else [])
    proc = subprocess.run([sys.executable, "-m", "etch_testing.ort_quantize", str(src), str(dst), *args],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        if "ModuleNotFoundError" in proc.stderr or "AttributeError" in proc.stderr:
            pytest.skip(f"ONNX Runtime's quantizer needs a newer onnx and onnx_ir: run "
                        f"scripts/setup_quant_env.sh ({proc.stderr.strip().splitlines()[-1]})")
        raise RuntimeError(proc.stderr)


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
@pytest.mark.parametrize("fmt", ["QOperator", "QDQ"])
@pytest.mark.parametrize("bs,symmetric", [(32, True), (32, False), (128, True), (128, False)],
                         ids=["32-sym", "32-asym", "128-sym", "128-asym"])
@pytest.mark.parametrize("arch", ["mlp", "attention"])
def test_ort_int4(arch, bs, symmetric, fmt, target, etch_compile, tmp_path):
    """ONNX Runtime's MatMulNBitsQuantizer on an fp32 MLP and a
    TransformerEncoder-style block: MatMulNBits (QOperator) or blocked int4
    DequantizeLinear + MatMul (QDQ)."""
    src, dst = tmp_path / "fp32.onnx", tmp_path / "int4.onnx"
    (int4_models.fp32_mlp if arch == "mlp" else int4_models.fp32_attention)(str(src))
    _ort_quantize_int4(src, dst, bs, symmetric, fmt)
    model = onnx.load(str(dst))
    assert _weights(model), "the quantizer quantized no MatMul"
    _run(f"{arch}_{bs}", model, tmp_path / "case", etch_compile, target)


def test_unsupported_bits(etch_compile, tmp_path):
    """MatMulNBits with bits=2 is a clear user error naming the node."""
    from onnx import TensorProto, helper, numpy_helper
    k, n, bs = 64, 8, 32
    inits = [numpy_helper.from_array(np.zeros((n, 2, 8), np.uint8), "B"),
             numpy_helper.from_array(np.ones((n, 2), np.float32), "S")]
    node = helper.make_node("MatMulNBits", ["A", "B", "S"], ["Y"], name="nbits2", domain="com.microsoft",
                            K=k, N=n, bits=2, block_size=bs)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("A", TensorProto.FLOAT, [1, k])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    proc = runner.run([etch_compile, path, "-o", tmp_path / "m.o"])
    assert proc.returncode != 0
    assert "nbits2" in proc.stderr and "bits 2 is not supported" in proc.stderr, proc.stderr
    assert not (tmp_path / "m.o").exists()
