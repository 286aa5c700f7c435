"""QDQ-quantized models (the ONNX Runtime quantizer's QDQ format, built
directly): int8 per-channel weights behind DequantizeLinear, uint8
activations through QuantizeLinear/DequantizeLinear pairs, float ops in
between. etch computes them in float between the boundaries, as ONNX Runtime
does with graph optimizations off.
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class _Graph:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []

    def init(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs, name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def qdq(self, x: str, scale: float, zero_point: int) -> str:
        """uint8 Q -> DQ of activation x."""
        s = self.init(f"{x}_s", np.array(scale, np.float32))
        z = self.init(f"{x}_z", np.array(zero_point, np.uint8))
        q = self.node("QuantizeLinear", [x, s, z], f"{x}_q")
        return self.node("DequantizeLinear", [q, s, z], f"{x}_dq")

    def weight(self, name: str, w: np.ndarray, axis: int = 0) -> str:
        """int8 symmetric per-channel (along axis) weight behind a DequantizeLinear."""
        red = tuple(d for d in range(w.ndim) if d != axis)
        scale = (np.abs(w).max(axis=red) / 127.0).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        qn = self.init(f"{name}_q", q)
        sn = self.init(f"{name}_s", scale)
        zn = self.init(f"{name}_z", np.zeros(scale.shape, np.int8))
        return self.node("DequantizeLinear", [qn, sn, zn], f"{name}_dq", axis=axis)

    def model(self, name: str, inputs, outputs) -> onnx.ModelProto:
        g = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="etch_testing")
        m.ir_version = 7
        onnx.checker.check_model(m)
        return m


def qdq_cnn() -> onnx.ModelProto:
    g = _Graph(7)
    r = g.rng
    x = g.qdq("x", 4.0 / 255, 128)
    c1 = g.node("Conv", [x, g.weight("w1", r.normal(0, 0.3, (8, 3, 3, 3)).astype(np.float32)),
                         g.init("b1", r.normal(0, 0.1, 8).astype(np.float32))], "conv1", pads=[1, 1, 1, 1])
    a1 = g.qdq(g.node("Relu", [c1], "relu1"), 3.0 / 255, 0)
    c2 = g.node("Conv", [a1, g.weight("w2", r.normal(0, 0.2, (16, 8, 3, 3)).astype(np.float32))], "conv2",
                pads=[1, 1, 1, 1], strides=[2, 2])
    a2 = g.qdq(g.node("Relu", [c2], "relu2"), 4.0 / 255, 0)
    p = g.qdq(g.node("GlobalAveragePool", [a2], "gap"), 2.0 / 255, 0)
    f = g.node("Flatten", [p], "flat")
    y = g.node("Gemm", [f, g.weight("wf", r.normal(0, 0.3, (10, 16)).astype(np.float32)),
                        g.init("bf", np.zeros(10, np.float32))], "fc", transB=1)
    return g.model("qdq_cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                   [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, 10])])


def qdq_mlp() -> onnx.ModelProto:
    g = _Graph(11)
    r = g.rng
    x = g.qdq("x", 6.0 / 255, 128)
    h = g.node("MatMul", [x, g.weight("w1", r.normal(0, 0.2, (32, 64)).astype(np.float32), axis=1)], "mm1")
    h = g.qdq(g.node("Relu", [g.node("Add", [h, g.init("b1", r.normal(0, 0.1, 64).astype(np.float32))], "add1")],
                     "relu1"), 4.0 / 255, 0)
    y = g.node("MatMul", [h, g.weight("w2", r.normal(0, 0.2, (64, 10)).astype(np.float32), axis=1)], "mm2")
    return g.model("qdq_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 32])],
                   [helper.make_tensor_value_info(y, TensorProto.FLOAT, [4, 10])])


def qop_cnn() -> onnx.ModelProto:
    """The QOperator format: QLinearConv (per-channel int8 weights, int32
    bias, uint8 activations) and QLinearMatMul between Quantize/Dequantize."""
    g = _Graph(13)
    r = g.rng
    f = lambda *a: g.init(*a)  # noqa: E731
    q = g.node("QuantizeLinear", ["x", f("xs", np.array(4.0 / 255, np.float32)),
                                  f("xz", np.array(128, np.uint8))], "quant_x")
    prev_scale, prev_zp, prev, in_scale = "xs", "xz", q, 4.0 / 255
    for i, (cout, cin, stride) in enumerate([(8, 3, 1), (16, 8, 2)]):
        w = r.normal(0, 0.3, (cout, cin, 3, 3)).astype(np.float32)
        ws = (np.abs(w).max(axis=(1, 2, 3)) / 127.0).astype(np.float32)
        wq = np.clip(np.round(w / ws[:, None, None, None]), -127, 127).astype(np.int8)
        # int32 bias in units of input scale * weight scale.
        bias = np.round(r.normal(0, 0.1, cout) / (in_scale * ws)).astype(np.int32)
        prev = g.node("QLinearConv", [prev, prev_scale, prev_zp, f(f"w{i}", wq), f(f"w{i}s", ws),
                                      f(f"w{i}z", np.zeros(cout, np.int8)), f(f"y{i}s", np.array(0.05, np.float32)),
                                      f(f"y{i}z", np.array(10, np.uint8)), f(f"b{i}", bias)],
                      f"qconv{i}", pads=[1, 1, 1, 1], strides=[stride, stride])
        prev_scale, prev_zp, in_scale = f"y{i}s", f"y{i}z", 0.05
    flat = g.node("Reshape", [prev, f("shape", np.array([1, 16 * 8 * 8], np.int64))], "flatten")
    wm = np.clip(np.round(r.normal(0, 40, (16 * 8 * 8, 10))), -127, 127).astype(np.int8)
    mm = g.node("QLinearMatMul", [flat, prev_scale, prev_zp, f("wm", wm), f("wms", np.array(0.002, np.float32)),
                                  f("wmz", np.array(0, np.int8)), f("ms", np.array(0.1, np.float32)),
                                  f("mz", np.array(128, np.uint8))], "qmatmul")
    y = g.node("DequantizeLinear", [mm, "ms", "mz"], "dequant_y")
    from onnx import TensorProto, helper as h
    return g.model("qop_cnn", [h.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                   [h.make_tensor_value_info(y, TensorProto.FLOAT, [1, 10])])


def quant_models() -> List[Tuple[str, onnx.ModelProto]]:
    return [("qdq_cnn", qdq_cnn()), ("qdq_mlp", qdq_mlp()), ("qop_cnn", qop_cnn())]


# --- fp32 models for ONNX Runtime's quantizer (test_quant.py) -------------

def torch_conv_net(path) -> None:
    """A small CNN with what ORT's QDQ transformers fuse: Conv+Relu, MaxPool,
    a strided Conv, a depthwise Conv+Clip(0, 6), a residual Add,
    GlobalAveragePool, Flatten and a Linear head."""
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 16, 3, padding=1)
            self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
            self.c3 = nn.Conv2d(32, 32, 3, padding=1, groups=32)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(32, 10)

        def forward(self, x):
            x = self.pool(torch.relu(self.c1(x)))
            y = torch.relu(self.c2(x))
            x = y + torch.clamp(self.c3(y), 0, 6)
            x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
            return self.fc(x)

    torch.manual_seed(3)
    torch.onnx.export(Net().eval(), torch.randn(1, 3, 32, 32), str(path), opset_version=13,
                      input_names=["x"], output_names=["y"])


def torch_mlp(path) -> None:
    """Linear-ReLU-Linear-ReLU-Linear on a batch of 4 (Gemm or MatMul+Add)."""
    import torch
    import torch.nn as nn

    torch.manual_seed(5)
    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)).eval()
    torch.onnx.export(net, torch.randn(4, 64), str(path), opset_version=13, input_names=["x"],
                      output_names=["y"])


def int_output(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with each final DequantizeLinear removed: its outputs are the
    quantized tensors themselves (so results compare as integers)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    for out in g.output:
        dq = next((n for n in g.node if out.name in n.output and n.op_type == "DequantizeLinear"), None)
        if dq is None:
            continue
        zp = next(i for i in g.initializer if i.name == dq.input[2])
        g.node.remove(dq)
        out.name = dq.input[0]
        out.type.tensor_type.elem_type = zp.data_type
    return m


def qdq_elementwise() -> onnx.ModelProto:
    """uint8 inputs through DQ -> Mul -> Q, DQ -> Add -> Q (broadcast) and
    DQ -> Concat -> Q with other scales: the groups ORT fuses into
    QLinearMul, QLinearAdd and QLinearConcat."""
    g = _Graph(17)
    U8 = np.uint8

    count = iter(range(100))

    def dq(x, s, z):
        i = next(count)
        return g.node("DequantizeLinear", [x, g.init(f"{x}_s{i}", np.array(s, np.float32)),
                                           g.init(f"{x}_z{i}", np.array(z, U8))], f"{x}_dq{i}")

    def q(x, s, z, name):
        return g.node("QuantizeLinear", [x, g.init(f"{name}_s", np.array(s, np.float32)),
                                         g.init(f"{name}_z", np.array(z, U8))], name)

    a, b = dq("a", 0.031, 120), dq("b", 0.017, 98)
    m = q(g.node("Mul", [a, b], "mul"), 0.023, 130, "m")
    c = dq("c", 0.042, 7)
    s = q(g.node("Add", [dq(m, 0.023, 130), c], "add"), 0.06, 90, "s")
    cat = q(g.node("Concat", [dq(s, 0.06, 90), dq("a", 0.031, 120), dq(m, 0.023, 130)], "cat", axis=1),
            0.05, 100, "y")
    inputs = [helper.make_tensor_value_info("a", TensorProto.UINT8, [1, 4, 8, 8]),
              helper.make_tensor_value_info("b", TensorProto.UINT8, [1, 4, 8, 8]),
              helper.make_tensor_value_info("c", TensorProto.UINT8, [1, 4, 1, 8])]
    return g.model("qdq_elementwise", inputs, [helper.make_tensor_value_info(cat, TensorProto.UINT8, [1, 12, 8, 8])])


def qdq_window_pool() -> onnx.ModelProto:
    """uint8 input through DQ -> AveragePool -> Q twice: a window covering
    the whole unpadded 5x7 input (what Keras exports for a global average
    pool; ONNX Runtime and etch both run it as QLinearGlobalAveragePool's
    arithmetic) and a 2x2 window (left in float between the Q/DQ)."""
    g = _Graph(13)
    U8 = np.uint8

    def dq(x, s, z, tag):
        return g.node("DequantizeLinear", [x, g.init(f"{tag}_s", np.array(s, np.float32)),
                                           g.init(f"{tag}_z", np.array(z, U8))], f"{tag}_dq")

    def q(x, s, z, name):
        return g.node("QuantizeLinear", [x, g.init(f"{name}_s", np.array(s, np.float32)),
                                         g.init(f"{name}_z", np.array(z, U8))], name)

    whole = q(g.node("AveragePool", [dq("x", 0.037, 117, "a")], "pool_whole", kernel_shape=[5, 7]),
              0.011, 121, "y")
    small = q(g.node("AveragePool", [dq("x", 0.037, 117, "b")], "pool_2x2", kernel_shape=[2, 2]),
              0.02, 110, "z")
    inputs = [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 16, 5, 7])]
    return g.model("qdq_window_pool", inputs,
                   [helper.make_tensor_value_info(whole, TensorProto.UINT8, [1, 16, 1, 1]),
                    helper.make_tensor_value_info(small, TensorProto.UINT8, [1, 16, 4, 6])])
