"""--requant=fixedpoint: int8 ops requantized with TensorFlow Lite's int32
arithmetic (gemmlowp's MultiplyByQuantizedMultiplier), bit for bit, on every
CPU target; the default on targets without an OS.

The reference is an independent numpy implementation of TensorFlow Lite's
reference kernels (QuantizeMultiplier, SaturatingRoundingDoublingHighMul,
RoundingDivideByPOT; the int8 Conv/FullyConnected, Add and Mul kernels), in
int64 numpy arithmetic. ONNX Runtime, which requantizes in float, must agree
within one LSB."""

import dataclasses
import json
import math

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from etch_testing import quant_models, reference, runner
from etch_testing.runner import host_has_vnni
from etch_testing.onnx_build import INPUT_DIST_KEY

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# --- TensorFlow Lite's fixed-point arithmetic ------------------------------

def quantize_multiplier(real: float):
    """tflite::QuantizeMultiplier: real = m * 2^(shift - 31)."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    x = q * float(1 << 31)
    fixed = int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)  # std::round
    if fixed == 1 << 31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return fixed, shift


def multiply_by_quantized_multiplier(x, m, shift):
    """tflite::MultiplyByQuantizedMultiplier (double rounding) on int64 arrays
    holding int32 values; m and shift broadcast against x."""
    x = np.asarray(x, np.int64)
    m = np.asarray(m, np.int64)
    shift = np.asarray(shift, np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    a = ((x << left) + 2**31) % 2**32 - 2**31  # int32 wrap-around
    ab = a * m
    s = ab + np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(s >= 0, s // 2**31, -((-s) // 2**31))  # C++ division
    high = np.where((a == INT32_MIN) & (m == INT32_MIN), INT32_MAX, high)
    mask = (np.int64(1) << right) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + ((high & mask) > threshold)


def saturate(v, dtype):
    info = np.iinfo(dtype)
    return np.clip(v, info.min, info.max).astype(dtype)


def _d(v):
    """A float32 model scale as the double TFLite computes with."""
    return float(np.float32(v))


# --- single-op models -----------------------------------------------------

def _model(name, nodes, inits, inputs, outputs, dists, ms=False):
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid("com.microsoft", 1)] if ms else [])
    graph = helper.make_graph(nodes, name, inputs, outputs, [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=opsets, producer_name="etch-test")
    helper.set_model_props(model, {INPUT_DIST_KEY: json.dumps(dists)})
    return model


def qlinear_conv():
    rng = np.random.default_rng(3)
    c_in, c_out = 8, 16
    w = rng.integers(-127, 128, (c_out, c_in, 3, 3)).astype(np.int8)
    inits = {"xs": np.array(0.02, np.float32), "xz": np.array(131, np.uint8),
             "w": w, "ws": rng.uniform(0.002, 0.02, c_out).astype(np.float32),
             "wz": np.zeros(c_out, np.int8), "ys": np.array(0.35, np.float32),
             "yz": np.array(117, np.uint8), "b": rng.integers(-3000, 3000, c_out).astype(np.int32)}
    node = helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["y"],
                            name="conv", pads=[1, 1, 1, 1], strides=[1, 1])
    model = _model("fp_conv", [node], inits,
                   [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, c_in, 9, 10])],
                   [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, c_out, 9, 10])],
                   {"x": ["uniform", 0, 255.99]})

    def ref(x):
        xc = np.pad(x.astype(np.int64) - 131, [(0, 0), (0, 0), (1, 1), (1, 1)])
        acc = np.zeros((1, c_out, 9, 10), np.int64) + inits["b"].reshape(1, -1, 1, 1)
        for kh in range(3):
            for kw in range(3):
                acc += np.einsum("nchw,oc->nohw", xc[:, :, kh:kh + 9, kw:kw + 10], w[:, :, kh, kw].astype(np.int64))
        ms = [quantize_multiplier(_d(0.02) * _d(s) / _d(0.35)) for s in inits["ws"]]
        m = np.array([a for a, _ in ms]).reshape(1, -1, 1, 1)
        sh = np.array([b for _, b in ms]).reshape(1, -1, 1, 1)
        return saturate(multiply_by_quantized_multiplier(acc, m, sh) + 117, np.uint8)

    return model, ref


def qlinear_matmul():
    rng = np.random.default_rng(4)
    b = rng.integers(-127, 128, (48, 24)).astype(np.int8)
    inits = {"as": np.array(0.05, np.float32), "az": np.array(-3, np.int8), "b": b,
             "bs": np.array(0.004, np.float32), "bz": np.array(0, np.int8),
             "ys": np.array(0.9, np.float32), "yz": np.array(5, np.int8)}
    node = helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"], name="mm")
    model = _model("fp_matmul", [node], inits,
                   [helper.make_tensor_value_info("a", TensorProto.INT8, [6, 48])],
                   [helper.make_tensor_value_info("y", TensorProto.INT8, [6, 24])],
                   {"a": ["uniform", -128, 127.99]})

    def ref(a):
        acc = (a.astype(np.int64) + 3) @ b.astype(np.int64)
        m, s = quantize_multiplier(_d(0.05) * _d(0.004) / _d(0.9))
        return saturate(multiply_by_quantized_multiplier(acc, m, s) + 5, np.int8)

    return model, ref


def qlinear_add():
    sa, za, sb, zb, sc, zc = 0.031, 120, 0.017, 98, 0.06, 90
    inits = {"sa": np.array(sa, np.float32), "za": np.array(za, np.uint8),
             "sb": np.array(sb, np.float32), "zb": np.array(zb, np.uint8),
             "sc": np.array(sc, np.float32), "zc": np.array(zc, np.uint8)}
    node = helper.make_node("QLinearAdd", ["a", "sa", "za", "b", "sb", "zb", "sc", "zc"], ["y"],
                            name="add", domain="com.microsoft")
    model = _model("fp_add", [node], inits,
                   [helper.make_tensor_value_info("a", TensorProto.UINT8, [2, 8, 16]),
                    helper.make_tensor_value_info("b", TensorProto.UINT8, [8, 1])],
                   [helper.make_tensor_value_info("y", TensorProto.UINT8, [2, 8, 16])],
                   {"a": ["uniform", 0, 255.99], "b": ["uniform", 0, 255.99]}, ms=True)

    def ref(a, b):
        left = 20
        twice = 2 * max(_d(sa), _d(sb))
        m1, s1 = quantize_multiplier(_d(sa) / twice)
        m2, s2 = quantize_multiplier(_d(sb) / twice)
        mo, so = quantize_multiplier(twice / (float(1 << left) * _d(sc)))
        x1 = multiply_by_quantized_multiplier((a.astype(np.int64) - za) * (1 << left), m1, s1)
        x2 = multiply_by_quantized_multiplier((b.astype(np.int64) - zb) * (1 << left), m2, s2)
        return saturate(multiply_by_quantized_multiplier(x1 + x2, mo, so) + zc, np.uint8)

    return model, ref


def qlinear_mul():
    # sa * sb / sc = 4: a multiplier above one (the left-shift path).
    sa, za, sb, zb, sc, zc = 0.5, -7, 0.4, 11, 0.05, 3
    inits = {"sa": np.array(sa, np.float32), "za": np.array(za, np.int8),
             "sb": np.array(sb, np.float32), "zb": np.array(zb, np.int8),
             "sc": np.array(sc, np.float32), "zc": np.array(zc, np.int8)}
    node = helper.make_node("QLinearMul", ["a", "sa", "za", "b", "sb", "zb", "sc", "zc"], ["y"],
                            name="mul", domain="com.microsoft")
    model = _model("fp_mul", [node], inits,
                   [helper.make_tensor_value_info("a", TensorProto.INT8, [4, 33]),
                    helper.make_tensor_value_info("b", TensorProto.INT8, [4, 33])],
                   [helper.make_tensor_value_info("y", TensorProto.INT8, [4, 33])],
                   {"a": ["uniform", -12, 6], "b": ["uniform", 2, 20]}, ms=True)

    def ref(a, b):
        m, s = quantize_multiplier(_d(sa) * _d(sb) / _d(sc))
        acc = (a.astype(np.int64) - za) * (b.astype(np.int64) - zb)
        return saturate(multiply_by_quantized_multiplier(acc, m, s) + zc, np.int8)

    return model, ref


def qlinear_global_average_pool():
    sx, zx, sy, zy = 0.03, 100, 0.02, 60
    inits = {"sx": np.array(sx, np.float32), "zx": np.array(zx, np.uint8),
             "sy": np.array(sy, np.float32), "zy": np.array(zy, np.uint8)}
    node = helper.make_node("QLinearGlobalAveragePool", ["x", "sx", "zx", "sy", "zy"], ["y"],
                            name="gap", domain="com.microsoft", channels_last=0)
    model = _model("fp_gap", [node], inits,
                   [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 8, 7, 7])],
                   [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 8, 1, 1])],
                   {"x": ["uniform", 0, 255.99]}, ms=True)

    def ref(x):
        acc = (x.astype(np.int64) - zx).sum(axis=(2, 3), keepdims=True)
        m, s = quantize_multiplier(_d(sx) / (_d(sy) * 49))
        return saturate(multiply_by_quantized_multiplier(acc, m, s) + zy, np.uint8)

    return model, ref


OPS = {"conv": qlinear_conv, "matmul": qlinear_matmul, "add": qlinear_add, "mul": qlinear_mul,
       "global_average_pool": qlinear_global_average_pool}
# Cortex-M targets default to fixedpoint: they are compiled without --requant.
# x86-64 twice: the generic CPU, and this machine's, which with VNNI runs
# uint8 activations through vpdpbusd (skipped without it).
HOST_NATIVE = dataclasses.replace(runner.HOST, compile_flags=["--mcpu=native"], name="x86_64-native")
TARGETS = [runner.HOST, pytest.param(HOST_NATIVE, marks=pytest.mark.skipif(
               not host_has_vnni(), reason="no VNNI on this machine")),
           runner.AARCH64_LINUX, runner.CORTEX_M4, runner.CORTEX_M55]


def test_reference_arithmetic():
    """The numpy reference against values worked out by hand from gemmlowp's
    definitions (the rounding of ties and the one saturating case)."""
    assert quantize_multiplier(0.5) == (1 << 30, 0)
    assert quantize_multiplier(1.0) == (1 << 30, 1)
    assert quantize_multiplier(0.75) == (3 << 29, 0)
    assert quantize_multiplier(0.0) == (0, 0)
    half = 1 << 30  # 0.5 in Q31
    # The doubling high multiply rounds ties up (2.5 -> 3, -2.5 -> -2; its
    # nudge is 1 - 2^30 for negative products, then C++ division truncates)...
    assert multiply_by_quantized_multiplier([5, -5, 7, -7], half, 0).tolist() == [3, -2, 4, -3]
    # ... the shift right rounds ties away from zero (1.5 -> 2, -2.5 -> -3).
    assert multiply_by_quantized_multiplier([6, -6, 10, -10], half, -1).tolist() == [2, -2, 3, -3]
    assert multiply_by_quantized_multiplier([3], half, 2).tolist() == [6]
    assert multiply_by_quantized_multiplier([INT32_MIN], INT32_MIN, 0).tolist() == [INT32_MAX]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
@pytest.mark.parametrize("op", sorted(OPS))
def test_fixedpoint_op(op, target, etch_compile, tmp_path):
    if not target.available():
        pytest.skip(f"{target.id}: toolchain or QEMU missing")
    model, ref = OPS[op]()
    flags = [] if target in runner.BARE_METAL else ["--requant=fixedpoint"]
    # run_case checks against ONNX Runtime (float requantization) within a
    # loose tolerance; the bit-exact check against TFLite's arithmetic follows.
    result = runner.run_case(f"fp_{op}", model, tmp_path, etch_compile, target, extra_flags=flags, rtol=0.05)
    inputs = [reference.read_tensor(str(tmp_path / t.file), t) for t in result.manifest.inputs]
    want = ref(*inputs)
    got = result.outputs[0].reshape(want.shape)
    ort = reference.read_tensor(str(tmp_path / result.manifest.outputs[0].file), result.manifest.outputs[0])
    mismatch = np.flatnonzero(got != want)
    assert mismatch.size == 0, (f"{op} on {target.id}: {mismatch.size} of {want.size} outputs differ from "
                                f"TFLite's arithmetic, first at {mismatch[0]}: got {got.flat[mismatch[0]]}, "
                                f"want {want.flat[mismatch[0]]}")
    off = np.abs(want.astype(np.int32) - ort.reshape(want.shape).astype(np.int32))
    assert off.max() <= 1, f"{op}: TFLite's and ONNX Runtime's arithmetic differ by {off.max()} LSB"
    assert np.unique(want).size > 4, f"{op}: the test data saturates; pick other scales"


def test_requant_unknown_mode(etch_compile, tmp_path):
    model, _ = qlinear_add()
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    proc = runner.run([etch_compile, str(path), "--requant=gemmlowp", "-o", str(tmp_path / "m.o")])
    assert proc.returncode != 0
    assert "--requant=gemmlowp" in proc.stderr and "fixedpoint" in proc.stderr
    assert not (tmp_path / "m.o").exists()


@pytest.mark.parametrize("target", [runner.HOST, runner.CORTEX_M4], ids=["host", "cortex-m4"])
def test_fixedpoint_model(target, etch_compile, model_cache, tmp_path):
    """A CNN quantized by ONNX Runtime's quantize_static, in fixedpoint mode:
    within one LSB of ONNX Runtime (float requantization) everywhere and
    identical almost everywhere."""
    if not target.available():
        pytest.skip(f"{target.id}: toolchain or QEMU missing")
    from test_quant import _ort_int8, _ort_quantize  # noqa: E402 (the quant test's helpers)

    model_cache.mkdir(parents=True, exist_ok=True)
    src = model_cache / "quant_conv_net_fp32.onnx"
    if not src.is_file():
        quant_models.torch_conv_net(src)
    dst = model_cache / "quant_conv_net_QDQ.onnx"
    if not dst.is_file():
        _ort_quantize(src, dst, "QDQ")
    model = quant_models.int_output(onnx.load(str(dst)))
    result = runner.run_case("fp_conv_net", model, tmp_path, etch_compile, target,
                             extra_flags=["--requant=fixedpoint"], rtol=10.0)
    feeds = {t.name: reference.read_tensor(str(tmp_path / t.file), t) for t in result.manifest.inputs}
    (ref,) = _ort_int8(model, feeds)
    diff = np.abs(result.outputs[0].reshape(ref.shape).astype(np.int32) - ref.astype(np.int32))
    print(f"conv_net fixedpoint on {target.id}: {np.mean(diff == 0):.3%} identical to ORT, max {diff.max()} LSB")
    assert diff.max() <= 1
    assert np.mean(diff == 0) >= 0.9
