"""Microcontroller-sized ONNX models for the Cortex-M e2e tests, built with
onnx.helper and seeded random weights (He-scaled, so activations stay O(1)
through the depth), float32, batch 1:

- ``ds_cnn_kws``: the DS-CNN (small) keyword-spotting network of ARM's "Hello
  Edge" paper: input 1x1x49x10 (49 frames x 10 MFCCs), a 10x4 stride-2 conv,
  four depthwise-separable blocks of 64 channels, average pool, 12 classes,
  softmax. Each conv is followed by BatchNormalization and Relu as exported
  by a framework, so the graph passes have something to fold.
- ``mobilenet_v1_025``: MobileNetV1 with width multiplier 0.25 on a 96x96x1
  image (13 depthwise-separable blocks, Clip(0, 6) activations, 2 classes as
  in Visual Wake Words, softmax).
- ``mlp_kws``: the DNN of the same paper: 490 inputs, three 144-unit
  Gemm+Relu layers, 12 classes, softmax.

``mcu_models()`` returns ``[(name, onnx.ModelProto)]``; names are C
identifiers. Command line: ``python -m etch_testing.mcu_models DIR`` writes
``DIR/<name>.onnx``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx

from .onnx_build import Rand, make_model, node

OPSET = 13
Case = Tuple[str, onnx.ModelProto]


class _Graph:
    """Appends nodes and initializers; every tensor gets a fresh name."""

    def __init__(self, name: str):
        self.name = name
        self.rand = Rand(name)
        self.nodes: List[onnx.NodeProto] = []
        self.inits: Dict[str, np.ndarray] = {}

    def _add(self, op: str, inputs: Sequence[str], **attrs) -> str:
        idx = len(self.nodes)
        out = f"{op.lower()}_{idx}_out"
        self.nodes.append(node(op, inputs, [out], f"{op.lower()}_{idx}", **attrs))
        return out

    def _init(self, hint: str, value: np.ndarray) -> str:
        key = f"{hint}_{len(self.inits)}"
        self.inits[key] = value
        return key

    def conv(self, x: str, cin: int, cout: int, kernel: Tuple[int, int], stride: int = 1,
             pads: Optional[Sequence[int]] = None, group: int = 1, bias: bool = False) -> str:
        kh, kw = kernel
        fan_in = cin // group * kh * kw
        w = self._init("w", self.rand.normal([cout, cin // group, kh, kw], np.sqrt(2.0 / fan_in)))
        ins = [x, w]
        if bias:
            ins.append(self._init("b", self.rand.normal([cout], 0.1)))
        if pads is None:
            pads = [kh // 2, kw // 2, kh // 2, kw // 2]
        return self._add("Conv", ins, kernel_shape=[kh, kw], strides=[stride, stride], pads=list(pads),
                         group=group)

    def batchnorm(self, x: str, c: int) -> str:
        r = self.rand
        ins = [x, self._init("gamma", r.uniform([c], 0.5, 1.5)), self._init("beta", r.uniform([c], -0.1, 0.1)),
               self._init("mean", r.uniform([c], -0.1, 0.1)), self._init("var", r.uniform([c], 0.5, 1.5))]
        return self._add("BatchNormalization", ins, epsilon=1e-5)

    def relu(self, x: str) -> str:
        return self._add("Relu", [x])

    def relu6(self, x: str) -> str:
        lo = self._init("clip_min", np.array(0.0, dtype=np.float32))
        hi = self._init("clip_max", np.array(6.0, dtype=np.float32))
        return self._add("Clip", [x, lo, hi])

    def gemm(self, x: str, k: int, n: int) -> str:
        w = self._init("fc_w", self.rand.normal([n, k], np.sqrt(2.0 / k)))
        b = self._init("fc_b", self.rand.normal([n], 0.1))
        return self._add("Gemm", [x, w, b], transB=1)

    def op(self, op: str, x: str, **attrs) -> str:
        return self._add(op, [x], **attrs)

    def model(self, inputs: Sequence[Tuple[str, Sequence[int]]], out: str) -> onnx.ModelProto:
        # The last node writes the graph output under a stable name.
        self.nodes[-1].output[0] = "probs"
        return make_model(self.name, OPSET, self.nodes, inputs, ["probs"], self.inits)


def ds_cnn_kws() -> Case:
    name = "ds_cnn_kws"
    g = _Graph(name)
    # 49x10 -> 25x5: SAME padding for a 10x4 kernel at stride 2.
    x = g.relu(g.batchnorm(g.conv("mfcc", 1, 64, (10, 4), stride=2, pads=[4, 1, 5, 1], bias=True), 64))
    for _ in range(4):
        x = g.relu(g.batchnorm(g.conv(x, 64, 64, (3, 3), group=64, bias=True), 64))
        x = g.relu(g.batchnorm(g.conv(x, 64, 64, (1, 1), bias=True), 64))
    x = g.op("AveragePool", x, kernel_shape=[25, 5])
    x = g.op("Flatten", x, axis=1)
    x = g.op("Softmax", g.gemm(x, 64, 12), axis=-1)
    return name, g.model([("mfcc", [1, 1, 49, 10])], x)


# (output channels at width 1.0, depthwise stride) of MobileNetV1's 13 blocks.
_MOBILENET_V1_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                        (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


def mobilenet_v1_025() -> Case:
    name = "mobilenet_v1_025"
    alpha, size, classes = 0.25, 96, 2
    g = _Graph(name)
    c = int(32 * alpha)
    x = g.relu6(g.batchnorm(g.conv("image", 1, c, (3, 3), stride=2, pads=[0, 0, 1, 1]), c))
    hw = size // 2
    for width, stride in _MOBILENET_V1_BLOCKS:
        # TensorFlow's SAME padding: at stride 2 on an even size, pad bottom/right only.
        pads = [0, 0, 1, 1] if stride == 2 else [1, 1, 1, 1]
        x = g.relu6(g.batchnorm(g.conv(x, c, c, (3, 3), stride=stride, pads=pads, group=c), c))
        hw //= stride
        cout = int(width * alpha)
        x = g.relu6(g.batchnorm(g.conv(x, c, cout, (1, 1)), cout))
        c = cout
    x = g.op("AveragePool", x, kernel_shape=[hw, hw])
    x = g.op("Flatten", x, axis=1)
    x = g.op("Softmax", g.gemm(x, c, classes), axis=-1)
    return name, g.model([("image", [1, 1, size, size])], x)


def mlp_kws() -> Case:
    name = "mlp_kws"
    g = _Graph(name)
    x, k = "features", 490
    for _ in range(3):
        x, k = g.relu(g.gemm(x, k, 144)), 144
    x = g.op("Softmax", g.gemm(x, k, 12), axis=-1)
    return name, g.model([("features", [1, 490])], x)


def mcu_models() -> List[Case]:
    return [ds_cnn_kws(), mobilenet_v1_025(), mlp_kws()]


def main(argv: Sequence[str]) -> int:
    out = Path(argv[0] if argv else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name, model in mcu_models():
        onnx.save(model, str(out / f"{name}.onnx"))
        print(out / f"{name}.onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
