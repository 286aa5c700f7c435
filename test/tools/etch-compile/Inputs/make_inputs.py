#!/usr/bin/python3
"""Regenerates the tiny ONNX models the etch-compile lit tests use.

    /usr/bin/python3 test/tools/etch-compile/Inputs/make_inputs.py

Weights are fixed numbers (not random) so the C harnesses next to the models
can recompute every output in plain C.
"""
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent


def save(graph, name, opset=13):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="etch-lit")
    onnx.checker.check_model(model)
    onnx.save(model, str(HERE / name))


def mlp():
    """logits = softmax(relu(x @ W1 + b1)) @ W2 + b2 and double-x = x * 2:
    two outputs, ONNX names that are not C identifiers, intermediates that
    need an arena."""
    w1 = (np.arange(4 * 8, dtype=np.float32).reshape(4, 8) % 7 - 3) / 4
    b1 = (np.arange(8, dtype=np.float32) - 4) / 8
    w2 = (np.arange(8 * 3, dtype=np.float32).reshape(8, 3) % 5 - 2) / 3
    b2 = np.array([0.5, -0.25, 0.125], dtype=np.float32)
    two = np.array([2.0], dtype=np.float32)
    nodes = [
        helper.make_node("MatMul", ["input.1", "W1"], ["h0"], name="fc1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
        helper.make_node("Relu", ["h1"], ["h2"], name="relu1"),
        helper.make_node("Softmax", ["h2"], ["h2s"], name="softmax1", axis=1),
        helper.make_node("MatMul", ["h2s", "W2"], ["h3"], name="fc2"),
        helper.make_node("Add", ["h3", "b2"], ["logits"], name="fc2_bias"),
        helper.make_node("Mul", ["input.1", "two"], ["double-x"], name="double"),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [2, 3]),
         helper.make_tensor_value_info("double-x", TensorProto.FLOAT, [2, 4])],
        [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "W2"), numpy_helper.from_array(b2, "b2"),
         numpy_helper.from_array(two, "two")])
    save(graph, "mlp.onnx")


def activations():
    """Activations whose lowering goes through exp/tanh (libm-free check)."""
    nodes = [
        helper.make_node("Sigmoid", ["x"], ["sigmoid"], name="sigmoid_0"),
        helper.make_node("Tanh", ["x"], ["tanh"], name="tanh_0"),
        helper.make_node("Softmax", ["x"], ["softmax"], name="softmax_0", axis=0),
    ]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [64])
               for n in ("sigmoid", "tanh", "softmax")]
    graph = helper.make_graph(
        nodes, "activations",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64])], outputs)
    save(graph, "activations.onnx")


def cnn():
    """conv3x3(pad 1) -> relu -> maxpool 2x2 -> conv1x1 on 1x1x8x8: the
    intermediates live in the arena."""
    w1 = ((np.arange(4 * 1 * 3 * 3, dtype=np.float32) % 5) - 2).reshape(4, 1, 3, 3) / 4
    b1 = np.array([0.1, -0.2, 0.3, -0.4], dtype=np.float32)
    w2 = ((np.arange(2 * 4, dtype=np.float32) % 3) - 1).reshape(2, 4, 1, 1) / 2
    b2 = np.array([0.25, -0.5], dtype=np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["y"], name="conv2",
                         kernel_shape=[1, 1]),
    ]
    graph = helper.make_graph(
        nodes, "cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(b2, "b2")])
    save(graph, "cnn.onnx")


def dynamic():
    """An input with a symbolic batch dim: needs --input-shape."""
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="relu_0")], "dynamic",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])])
    save(graph, "dynamic.onnx")


def identity():
    """Output = input: the output must be copied, and the arena is empty."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"], name="id_0")], "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 5])])
    save(graph, "identity.onnx")


if __name__ == "__main__":
    mlp()
    activations()
    cnn()
    dynamic()
    identity()
