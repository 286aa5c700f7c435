"""Small composite graphs (conv -> bn -> relu -> pool -> gemm and friends) that
exercise the graph-level passes: BatchNorm folding, activation fusion,
residual adds, depthwise blocks."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Sequence, Tuple

import numpy as np
import onnx

from .onnx_build import Rand, ints, make_model, node


class GraphBuilder:
    """Appends nodes named ``<op lower>_<i>`` with seeded weights."""

    def __init__(self, name: str, opset: int = 13):
        self.name = f"{name}_op{opset}"
        self.opset = opset
        self.rand = Rand(self.name)
        self.nodes: List[onnx.NodeProto] = []
        self.inits: Dict[str, np.ndarray] = {}
        self.counts: Counter = Counter()

    def op(self, op: str, inputs: Sequence[str], **attrs) -> str:
        i = self.counts[op]
        self.counts[op] += 1
        name = f"{op.lower()}_{i}"
        out = f"{name}_out"
        self.nodes.append(node(op, inputs, [out], name, **attrs))
        return out

    def init(self, key: str, value: np.ndarray) -> str:
        name = f"{key}_{len(self.inits)}"
        self.inits[name] = value
        return name

    def conv(self, x: str, cin: int, cout: int, k: int, group: int = 1, bias: bool = True, **attrs) -> str:
        fan_in = cin // group * k * k
        w = self.init("w", self.rand.normal([cout, cin // group, k, k], 1.0 / np.sqrt(fan_in)))
        inputs = [x, w]
        if bias:
            inputs.append(self.init("b", self.rand.normal([cout], 0.1)))
        return self.op("Conv", inputs, group=group, **attrs)

    def bn(self, x: str, c: int) -> str:
        r = self.rand
        ins = [self.init("scale", r.normal([c], 0.2) + 1.0), self.init("bias", r.normal([c], 0.2)),
               self.init("mean", r.normal([c], 0.2)), self.init("var", r.uniform([c], 0.5, 1.5))]
        return self.op("BatchNormalization", [x] + ins)

    def clip6(self, x: str) -> str:
        lo = self.init("lo", np.array(0.0, dtype=np.float32))
        hi = self.init("hi", np.array(6.0, dtype=np.float32))
        return self.op("Clip", [x, lo, hi])

    def gemm(self, x: str, k: int, n: int) -> str:
        w = self.init("fc_w", self.rand.normal([n, k], 1.0 / np.sqrt(k)))
        b = self.init("fc_b", self.rand.normal([n], 0.1))
        return self.op("Gemm", [x, w, b], transB=1)

    def build(self, inputs: Sequence[Tuple[str, Sequence[int]]], outputs: Sequence[str]) -> Tuple[str, onnx.ModelProto]:
        # Rename the outputs to y, y1, ... so tests see stable names.
        renames = {o: ("y" if i == 0 else f"y{i}") for i, o in enumerate(outputs)}
        for n in self.nodes:
            for j, o in enumerate(n.output):
                if o in renames:
                    n.output[j] = renames[o]
            for j, i in enumerate(n.input):
                if i in renames:
                    n.input[j] = renames[i]
        model = make_model(self.name, self.opset, self.nodes, inputs, list(renames.values()), self.inits)
        return self.name, model


def conv_bn_relu(opset: int = 13):
    g = GraphBuilder("cnn_conv_bn_relu", opset)
    y = g.op("Relu", [g.bn(g.conv("x", 3, 8, 3, pads=[1, 1, 1, 1]), 8)])
    return g.build([("x", [1, 3, 16, 16])], [y])


def small_cnn(opset: int = 13):
    """conv -> bn -> relu -> maxpool -> conv -> bn -> relu -> gap -> flatten -> gemm."""
    g = GraphBuilder("cnn_small", opset)
    t = g.op("Relu", [g.bn(g.conv("x", 1, 8, 3, pads=[1, 1, 1, 1]), 8)])
    t = g.op("MaxPool", [t], kernel_shape=[2, 2], strides=[2, 2])
    t = g.op("Relu", [g.bn(g.conv(t, 8, 16, 3, pads=[1, 1, 1, 1]), 16)])
    t = g.op("Flatten", [g.op("GlobalAveragePool", [t])], axis=1)
    return g.build([("x", [1, 1, 28, 28])], [g.gemm(t, 16, 10)])


def residual_block():
    g = GraphBuilder("cnn_residual")
    t = g.op("Relu", [g.bn(g.conv("x", 8, 8, 3, bias=False, pads=[1, 1, 1, 1]), 8)])
    t = g.bn(g.conv(t, 8, 8, 3, bias=False, pads=[1, 1, 1, 1]), 8)
    return g.build([("x", [1, 8, 12, 12])], [g.op("Relu", [g.op("Add", [t, "x"])])])


def mobilenet_block():
    """Inverted residual: expand 1x1 -> depthwise 3x3 -> project 1x1, + skip."""
    g = GraphBuilder("cnn_mobilenet_block")
    t = g.clip6(g.bn(g.conv("x", 8, 24, 1, bias=False), 24))
    t = g.clip6(g.bn(g.conv(t, 24, 24, 3, group=24, bias=False, pads=[1, 1, 1, 1]), 24))
    t = g.bn(g.conv(t, 24, 8, 1, bias=False), 8)
    return g.build([("x", [1, 8, 10, 10])], [g.op("Add", ["x", t])])


def strided_downsample():
    """Two outputs: a stride-2 conv branch and an average-pooled shortcut."""
    g = GraphBuilder("cnn_downsample")
    a = g.op("LeakyRelu", [g.conv("x", 4, 8, 3, strides=[2, 2], pads=[1, 1, 1, 1])], alpha=0.1)
    b = g.op("AveragePool", ["x"], kernel_shape=[2, 2], strides=[2, 2])
    return g.build([("x", [1, 4, 8, 8])], [a, b])


def mlp_softmax():
    g = GraphBuilder("mlp_softmax")
    t = g.op("Flatten", ["x"], axis=1)
    t = g.op("Relu", [g.gemm(t, 48, 32)])
    return g.build([("x", [2, 3, 4, 4])], [g.op("Softmax", [g.gemm(t, 32, 10)], axis=-1)])


def reshape_transpose_matmul():
    """Attention-like shape juggling around a batched MatMul."""
    g = GraphBuilder("reshape_transpose_matmul")
    t = g.op("Reshape", ["x", g.init("shape", ints([2, 4, 6]))])
    tt = g.op("Transpose", [t], perm=[0, 2, 1])
    t = g.op("MatMul", [t, tt])
    t = g.op("Softmax", [g.op("Mul", [t, g.init("s", np.array(0.25, dtype=np.float32))])], axis=-1)
    return g.build([("x", [2, 24])], [t])


def composite_models():
    return [conv_bn_relu(), conv_bn_relu(17), small_cnn(), small_cnn(17), residual_block(), mobilenet_block(),
            strided_downsample(), mlp_softmax(), reshape_transpose_matmul()]
