"""int4 test models: blocked int4/uint4 DequantizeLinear feeding MatMul
(opset 21, made here) and fp32 MLP / attention-block models for ONNX
Runtime's MatMul4BitsQuantizer (MatMulNBits), with a float64 NumPy
evaluator of their dequantized weights as the reference.

The Debian onnx 1.12 the harness uses predates int4, so int4 tensors are
written as TensorProtos by hand (data_type 21/22, packed raw_data)."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

UINT4, INT4 = 21, 22


def pack4(codes: np.ndarray) -> bytes:
    """ONNX's int4 packing: element 2i in the low nibble of byte i."""
    flat = (codes.reshape(-1).astype(np.int64) & 15).astype(np.uint8)
    if flat.size % 2:
        flat = np.concatenate([flat, np.zeros(1, np.uint8)])
    return (flat[0::2] | (flat[1::2] << 4)).tobytes()


def int4_tensor(name: str, codes: np.ndarray, signed: bool) -> TensorProto:
    t = TensorProto()
    t.name = name
    t.data_type = INT4 if signed else UINT4
    t.dims.extend(codes.shape)
    t.raw_data = pack4(codes)
    return t


def block_quantize(w: np.ndarray, bs: int, signed: bool, zero_point: bool, rng):
    """Blocks of bs along axis 0 of w [K, N]: codes, scales [ceil(K/bs), N],
    zero points (or None) and the dequantized float64 weights."""
    k, n = w.shape
    nb = -(-k // bs)
    lo, hi = (-8, 7) if signed else (0, 15)
    scales = np.empty((nb, n), np.float32)
    zps = np.zeros((nb, n), np.int64)
    codes = np.empty((k, n), np.int64)
    for b in range(nb):
        blk = w[b * bs:(b + 1) * bs]
        if zero_point:
            mn, mx = np.minimum(blk.min(0), 0), np.maximum(blk.max(0), 0)
            s = np.maximum((mx - mn) / 15, 1e-8)
            z = np.clip(np.round(lo - mn / s), lo, hi)
        else:
            s = np.maximum(np.abs(blk).max(0) / (7 if signed else 15), 1e-8)
            z = np.zeros(n)
        if not zero_point and not signed:
            blk = np.abs(blk)  # uint4 without a zero point holds only >= 0
        scales[b] = s
        zps[b] = z
        codes[b * bs:(b + 1) * bs] = np.clip(np.round(blk / s) + z, lo, hi)
    rep = np.repeat(np.arange(nb), bs)[:k]
    deq = (codes - zps[rep]).astype(np.float64) * scales[rep].astype(np.float64)
    if not zero_point:
        zps = None
    # Random inputs keep every code in use.
    del rng
    return codes, scales, zps, deq


def dq_matmul(m: int, k: int, n: int, bs: int, signed: bool, zero_point: bool, seed: int = 0,
              gemm: bool = False):
    """Y = X @ DequantizeLinear(W int4/uint4 [K, N], block_size=bs, axis=0)
    + bias, opset 21; with `gemm`, Gemm(X, DequantizeLinear(W [N, K],
    axis=1), bias, transB=1). Returns the model and the float64 dequantized W."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((k, n)) * 0.1
    codes, scales, zps, deq = block_quantize(w, bs, signed, zero_point, rng)
    if gemm:
        codes, scales = codes.T.copy(), scales.T.copy()
        zps = None if zps is None else zps.T.copy()
    bias = (rng.standard_normal(n) * 0.1).astype(np.float32)
    inits = [int4_tensor("W", codes, signed), numpy_helper.from_array(scales, "W_scale"),
             numpy_helper.from_array(bias, "bias")]
    dq_inputs = ["W", "W_scale"]
    if zps is not None:
        inits.append(int4_tensor("W_zp", zps, signed))
        dq_inputs.append("W_zp")
    if gemm:
        nodes = [helper.make_node("DequantizeLinear", dq_inputs, ["Wf"], name="dq", axis=1, block_size=bs),
                 helper.make_node("Gemm", ["X", "Wf", "bias"], ["Y"], name="gemm", transB=1)]
    else:
        nodes = [helper.make_node("DequantizeLinear", dq_inputs, ["Wf"], name="dq", axis=0, block_size=bs),
                 helper.make_node("MatMul", ["X", "Wf"], ["XW"], name="mm"),
                 helper.make_node("Add", ["XW", "bias"], ["Y"], name="add")]
    graph = helper.make_graph(nodes, "int4_dq_matmul",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [m, k])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    return model, deq, bias.astype(np.float64)


def fp32_mlp(path: str, batch: int = 4, dims=(256, 512, 512, 128), seed: int = 0) -> None:
    """MatMul + Add (+ Relu) layers in fp32."""
    rng = np.random.default_rng(seed)
    nodes, inits, x = [], [], "X"
    for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
        inits += [numpy_helper.from_array((rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32), f"W{i}"),
                  numpy_helper.from_array((rng.standard_normal(b) * 0.1).astype(np.float32), f"B{i}")]
        nodes += [helper.make_node("MatMul", [x, f"W{i}"], [f"mm{i}"]),
                  helper.make_node("Add", [f"mm{i}", f"B{i}"], [f"h{i}"])]
        x = f"h{i}"
        if i + 2 < len(dims):
            nodes.append(helper.make_node("Relu", [x], [f"r{i}"]))
            x = f"r{i}"
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [batch, dims[0]])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, [batch, dims[-1]])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def fp32_attention(path: str, seq: int = 8, d: int = 256, ff: int = 512, seed: int = 1) -> None:
    """A TransformerEncoder-style block's MatMuls: Q/K/V projections,
    softmax(QK^T / sqrt(d)) V, the output projection and a Relu FFN, with
    residual adds."""
    rng = np.random.default_rng(seed)
    inits = []

    def weight(name, a, b):
        inits.append(numpy_helper.from_array((rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32), name))
        return name

    inits.append(numpy_helper.from_array(np.array(1 / np.sqrt(d), np.float32), "scale"))
    mk = helper.make_node
    nodes = [mk("MatMul", ["X", weight("Wq", d, d)], ["q"]), mk("MatMul", ["X", weight("Wk", d, d)], ["k"]),
             mk("MatMul", ["X", weight("Wv", d, d)], ["v"]), mk("Transpose", ["k"], ["kt"], perm=[1, 0]),
             mk("MatMul", ["q", "kt"], ["qk"]), mk("Mul", ["qk", "scale"], ["qks"]),
             mk("Softmax", ["qks"], ["p"], axis=-1), mk("MatMul", ["p", "v"], ["att"]),
             mk("MatMul", ["att", weight("Wo", d, d)], ["o"]), mk("Add", ["X", "o"], ["h"]),
             mk("MatMul", ["h", weight("W1", d, ff)], ["f1"]), mk("Relu", ["f1"], ["f1r"]),
             mk("MatMul", ["f1r", weight("W2", ff, d)], ["f2"]), mk("Add", ["h", "f2"], ["Y"])]
    graph = helper.make_graph(nodes, "attention", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [seq, d])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [seq, d])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def _nbits_weight(node, inits) -> np.ndarray:
    """MatMulNBits' B dequantized to float64 [K, N] (ContribOperators.md)."""
    attrs = {a.name: a.i for a in node.attribute}
    k, n, bs = attrs["K"], attrs["N"], attrs["block_size"]
    assert attrs.get("bits", 4) == 4
    nb = -(-k // bs)
    packed = inits[node.input[1]].reshape(n, nb * bs // 2).astype(np.uint8)
    codes = np.stack([packed & 15, packed >> 4], -1).reshape(n, nb * bs).astype(np.float64)
    scales = inits[node.input[2]].reshape(n, nb).astype(np.float64)
    if len(node.input) > 3 and node.input[3]:
        zp = inits[node.input[3]]
        if zp.dtype == np.uint8:
            zp = zp.reshape(n, -1)
            zp = np.stack([zp & 15, zp >> 4], -1).reshape(n, -1)[:, :nb].astype(np.float64)
        else:
            zp = zp.reshape(n, nb).astype(np.float64)
    else:
        zp = np.full((n, nb), 8.0)
    w = (codes - np.repeat(zp, bs, 1)) * np.repeat(scales, bs, 1)
    return w[:, :k].T


def int4_codes(t: TensorProto) -> np.ndarray:
    """The codes of an int4/uint4 initializer (raw_data or int32_data)."""
    raw = np.frombuffer(t.raw_data, np.uint8) if t.raw_data else np.array(t.int32_data, np.uint8)
    codes = np.stack([raw & 15, raw >> 4], -1).reshape(-1).astype(np.int64)
    n = int(np.prod(t.dims))
    codes = codes[:n]
    if t.data_type == INT4:
        codes = np.where(codes > 7, codes - 16, codes)
    return codes.reshape(tuple(t.dims))


def evaluate_f64(model: onnx.ModelProto, feeds: dict) -> list:
    """Evaluates the MLP / attention models (fp32 or with MatMulNBits, or
    int4 DequantizeLinear made by dq_matmul) in float64."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type not in (UINT4, INT4)}
    env = {k: np.asarray(v, np.float64) for k, v in feeds.items()}
    env.update({k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in inits.items()})
    env.update({t.name: int4_codes(t) for t in model.graph.initializer if t.data_type in (UINT4, INT4)})
    for node in model.graph.node:
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if op == "MatMulNBits":
            out = ins[0] @ _nbits_weight(node, inits)
            if len(ins) > 5 and ins[5] is not None:
                out = out + ins[5]
        elif op == "DequantizeLinear":
            x, scale = ins[0].astype(np.float64), ins[1]
            zp = ins[2].astype(np.float64) if len(ins) > 2 and ins[2] is not None else 0.0
            axis = attrs.get("axis", 1) % x.ndim
            bs = attrs.get("block_size", 0)
            if bs:
                scale = np.repeat(scale, bs, axis).take(np.arange(x.shape[axis]), axis)
                if not np.isscalar(zp):
                    zp = np.repeat(zp, bs, axis).take(np.arange(x.shape[axis]), axis)
            out = (x - zp) * scale
        elif op == "Gemm":
            b = ins[1].T if attrs.get("transB", 0) else ins[1]
            out = ins[0] @ b + (ins[2] if len(ins) > 2 and ins[2] is not None else 0)
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Transpose":
            out = np.transpose(ins[0], attrs.get("perm"))
        elif op == "Softmax":
            e = np.exp(ins[0] - ins[0].max(-1, keepdims=True))
            out = e / e.sum(-1, keepdims=True)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output]


def snr_db(got: np.ndarray, ref: np.ndarray) -> float:
    ref = ref.astype(np.float64)
    noise = np.sum((got.astype(np.float64) - ref) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(np.sum(ref ** 2) / noise)
