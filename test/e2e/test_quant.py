"""QDQ-quantized models end to end (QuantizeLinear/DequantizeLinear around
float ops, as ONNX Runtime's quantizer writes them) against ONNX Runtime.

Both sides compute in float between the Q/DQ boundaries, but in different
orders, so an activation that lands within float rounding of a .5 step can
quantize one step apart: outputs must match within two output-scale steps
and almost all of them exactly (to 1e-4)."""

import numpy as np
import pytest

from etch_testing import quant_models, runner

MODELS = quant_models.quant_models()
TARGETS = [runner.HOST, runner.AARCH64_LINUX, runner.opencl_target()]


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
@pytest.mark.parametrize("name,model", MODELS, ids=[m[0] for m in MODELS])
def test_qdq_model(name, model, target, etch_compile, tmp_path):
    if not target.available():
        pytest.skip(f"{target.id}: toolchain, QEMU or OpenCL runtime missing")
    # A loose tolerance for run_case; the real checks follow.
    result = runner.run_case(name, model, tmp_path, etch_compile, target, rtol=0.1)
    ref = np.fromfile(tmp_path / result.manifest.outputs[0].file, dtype=np.float32)
    got = result.outputs[0].reshape(-1)
    err = np.abs(got - ref)
    step = 0.05  # two output steps of the last activation scale times |w|, generously
    print(f"{name} {target.id}: max err {err.max():.3g}, exact {np.mean(err <= 1e-4):.1%}")
    assert err.max() <= step, f"{name}: max |err| {err.max():.4g}"
    assert np.mean(err <= 1e-4) >= 0.9, f"{name}: only {np.mean(err <= 1e-4):.0%} of outputs match to 1e-4"


# --- Models quantized by ONNX Runtime's quantize_static -------------------
#
# ONNX Runtime fuses each DQ -> op -> Q group into an integer op (its QDQ
# transformers, on by default) and etch does the same (lib/Importer/
# QdqFusion.cpp), so with the final DequantizeLinear removed the uint8 outputs
# compare as integers against ONNX Runtime with its default optimizations.

import os
import subprocess
import sys
from pathlib import Path

import onnx

from etch_testing import reference, torchvision_models

REPO = Path(__file__).resolve().parents[2]
QUANT_ENV = Path(os.environ.get("ETCH_QUANT_ENV", runner.build_dir() / "quant-env"))


def _ort_quantize(src: Path, dst: Path, fmt: str) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(QUANT_ENV), str(REPO / "python")]))
    proc = subprocess.run([sys.executable, "-m", "etch_testing.ort_quantize", str(src), str(dst),
                           "--format", fmt], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        if "ModuleNotFoundError" in proc.stderr or "AttributeError" in proc.stderr:
            pytest.skip(f"ONNX Runtime's quantizer needs a newer onnx: run scripts/setup_quant_env.sh "
                        f"({proc.stderr.strip().splitlines()[-1]})")
        raise RuntimeError(proc.stderr)


def _ort_int8(model: onnx.ModelProto, feeds):
    import onnxruntime as ort

    opts = ort.SessionOptions()  # default optimizations: ORT's QDQ fusion
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def _arena_size(header: Path, name: str) -> int:
    for line in header.read_text().splitlines():
        if line.startswith(f"#define {name.upper()}_ARENA_SIZE"):
            return int(line.split()[2])
    raise AssertionError(f"no arena size in {header}")


def _compile_run(name, model, case_dir, etch_compile, flags=(), target=runner.HOST):
    manifest = reference.write_case(model, str(case_dir), name)
    proc = runner.compile_model(etch_compile, case_dir / manifest.model, name, case_dir, target=target,
                                extra_flags=flags)
    assert proc.returncode == 0, runner.describe(proc)
    exe = runner.build_harness(name, case_dir, manifest, target)
    outs = runner.run_harness(exe, case_dir, manifest, target)
    feeds = {t.name: reference.read_tensor(str(case_dir / t.file), t) for t in manifest.inputs}
    return outs, feeds, _arena_size(case_dir / f"{name}.h", name)


ORT_CASES = [("conv_net", False), ("mlp", False), ("mobilenet_v2", True), ("resnet18", True)]


# The generic x86-64 CPU (integer SIMD without dot products) and this
# machine's (with VNNI: the vpdpbusd kernels of codegen/LLVMCPU/
# Int8DotProduct.cpp) run different int8 code; so do AArch64 CPUs with
# dotprod (cortex-a76: sdot kernels), with i8mm too (neoverse-n2: usdot on
# unflipped uint8 activations) and without (cortex-a53: widening
# multiply-adds), under qemu-aarch64 (the small models only: emulated).
def _aarch64(target):
    return pytest.param((target, []), id=target.id, marks=pytest.mark.skipif(
        not target.available(), reason="aarch64 toolchain or qemu-aarch64 missing"))


CPUS = [pytest.param((runner.HOST, []), id="generic"),
        pytest.param((runner.HOST, ["--mcpu=native"]), id="native",
                     marks=pytest.mark.skipif(not runner.host_has_vnni(), reason="no VNNI on this machine")),
        _aarch64(runner.AARCH64_DOTPROD), _aarch64(runner.AARCH64_I8MM), _aarch64(runner.AARCH64_NODOT)]


def _ort_cases():
    """(arch, fmt, cpu) for every case; whole networks (MobileNetV2,
    ResNet-18) run on the host CPUs only, not under qemu-aarch64 (too slow
    emulated)."""
    for arch, slow in ORT_CASES:
        for fmt in ("QDQ", "QOperator"):
            for cpu in CPUS:
                if cpu.values[0][0] is not runner.HOST and slow:
                    continue
                marks = list(cpu.marks) + ([pytest.mark.slow] if slow else [])
                yield pytest.param(arch, fmt, cpu.values[0], id=f"{arch}-{fmt}-{cpu.id}", marks=marks)


@pytest.mark.parametrize("arch,fmt,cpu", list(_ort_cases()))
def test_ort_quantized(arch, fmt, cpu, etch_compile, model_cache, tmp_path):
    """int8 outputs: >= 99.9% identical to ONNX Runtime's, all within 1 LSB,
    same argmax; the int8 arena is a fraction of the fp32 model's."""
    target, flags = cpu
    model_cache.mkdir(parents=True, exist_ok=True)
    src = model_cache / f"quant_{arch}_fp32.onnx"
    if not src.is_file():
        if arch == "conv_net":
            quant_models.torch_conv_net(src)
        elif arch == "mlp":
            quant_models.torch_mlp(src)
        else:
            torchvision_models.export(arch, 13, src)
    dst = model_cache / f"quant_{arch}_{fmt}.onnx"
    if not dst.is_file():
        _ort_quantize(src, dst, fmt)
    model = quant_models.int_output(onnx.load(str(dst)))
    name = f"q_{arch}_{fmt.lower()}"
    outs, feeds, arena = _compile_run(name, model, tmp_path / "int8", etch_compile, flags, target)
    (ref,) = _ort_int8(model, feeds)
    got = outs[0].reshape(ref.shape).astype(np.int32)
    diff = np.abs(got - ref.astype(np.int32))
    same = np.mean(diff == 0)
    print(f"{name}: {same:.4%} identical, max |diff| {diff.max()}, arena {arena} B")
    assert diff.max() <= 1, f"{name}: max |diff| {diff.max()} LSB"
    assert same >= 0.999, f"{name}: only {same:.3%} identical"
    assert (got.reshape(got.shape[0], -1).argmax(1) == ref.reshape(ref.shape[0], -1).argmax(1)).all()
    if fmt == "QDQ":
        _, _, arena32 = _compile_run(f"f_{arch}", onnx.load(str(src)), tmp_path / "fp32", etch_compile,
                                     flags, target)
        print(f"{name}: fp32 arena {arena32} B, int8/fp32 {arena / arena32:.2f}")
        assert arena <= 0.5 * arena32, f"int8 arena {arena} B vs fp32 {arena32} B"


def test_qdq_elementwise_groups(etch_compile, tmp_path):
    """QLinearMul, QLinearAdd (broadcast) and QLinearConcat (inputs with
    other scales) made of QDQ groups: uint8 outputs equal ONNX Runtime's."""
    model = quant_models.qdq_elementwise()
    outs, feeds, _ = _compile_run("qdq_elementwise", model, tmp_path, etch_compile)
    (ref,) = _ort_int8(model, feeds)
    diff = np.abs(outs[0].reshape(ref.shape).astype(np.int32) - ref.astype(np.int32))
    print(f"qdq_elementwise: {np.mean(diff == 0):.4%} identical, max |diff| {diff.max()}")
    assert diff.max() <= 1 and np.mean(diff == 0) >= 0.999


@pytest.mark.parametrize("target", [runner.HOST, runner.CORTEX_M4], ids=["host", "cortex-m4"])
def test_qdq_window_pool(target, etch_compile, tmp_path):
    """An AveragePool whose window is the whole unpadded input, between DQ
    and Q, runs as QLinearGlobalAveragePool (int32 sums of the uint8 input,
    no float copy of it) and equals ONNX Runtime (float requantization on
    the host; fixedpoint, within one LSB, on Cortex-M); a smaller window
    stays a float pool between the Q/DQ."""
    if not target.available():
        pytest.skip(f"{target.id}: toolchain or QEMU missing")
    model = quant_models.qdq_window_pool()
    result = runner.run_case("qdq_window_pool", model, tmp_path, etch_compile, target, rtol=10.0)
    feeds = {t.name: reference.read_tensor(str(tmp_path / t.file), t) for t in result.manifest.inputs}
    refs = _ort_int8(model, feeds)
    for got, ref in zip(result.outputs, refs):
        diff = np.abs(got.reshape(ref.shape).astype(np.int32) - ref.astype(np.int32))
        print(f"qdq_window_pool {target.id}: {np.mean(diff == 0):.4%} identical, max |diff| {diff.max()}")
        assert diff.max() <= 1
        if target is runner.HOST:
            assert np.mean(diff == 0) >= 0.999
