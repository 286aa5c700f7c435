"""If with a condition known at compile time (a test on a static shape, as
exporters write them): etch imports the taken branch in place."""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper

from .onnx_build import make_model, node


def _branch(name: str, nodes, out: str) -> onnx.GraphProto:
    return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)])


def _if_on_shape(case: str, batch: int) -> Tuple[str, onnx.ModelProto]:
    # cond = (x.shape[0] == 1); then: relu(x) * 2, else: x - mean(x over axis 0).
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    then_g = _branch("then", [node("Relu", ["x"], ["t0"], "then_relu"),
                              node("Constant", [], ["two_c"], "then_two", value=two),
                              node("Mul", ["t0", "two_c"], ["t_out"], "then_mul")], "t_out")
    else_g = _branch("else", [node("ReduceMean", ["x"], ["m"], "else_mean", axes=[0], keepdims=1),
                              node("Sub", ["x", "m"], ["e_out"], "else_sub")], "e_out")
    nodes = [
        node("Shape", ["x"], ["s"], "shape"),
        node("Gather", ["s", "zero"], ["n"], "gather", axis=0),
        node("Equal", ["n", "one"], ["c"], "equal"),
        node("If", ["c"], ["y"], "if", then_branch=then_g, else_branch=else_g),
        node("Sigmoid", ["y"], ["z"], "after"),
    ]
    name = f"{case}_op13"
    inits = {"zero": np.array(0, np.int64), "one": np.array(1, np.int64)}
    return name, make_model(name, 13, nodes, [("x", [batch, 3, 4])], ["z"], inits)


def _with_outputs(name: str, nodes, inputs, outputs, inits=None) -> Tuple[str, onnx.ModelProto]:
    """A model whose output shapes are given (ONNX 1.12 infers no static
    shapes through Loop/Scan bodies)."""
    model = make_model(name, 13, nodes, inputs, [o for o, _ in outputs], inits or {}, check=False)
    del model.graph.output[:]
    for o, shape in outputs:
        model.graph.output.append(helper.make_tensor_value_info(o, TensorProto.FLOAT, shape))
    onnx.checker.check_model(model, full_check=True)
    return name, model


def _loop() -> Tuple[str, onnx.ModelProto]:
    # acc = x; 4 times: acc = acc * 0.5 + tanh(acc); scan out: acc.
    f = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, None)  # noqa: E731
    body = helper.make_graph(
        [node("Identity", ["c_in"], ["c_out"], "body_cond"),
         node("Constant", [], ["half"], "body_half", value=helper.make_tensor("h", TensorProto.FLOAT, [], [0.5])),
         node("Mul", ["acc_in", "half"], ["scaled"], "body_mul"),
         node("Tanh", ["acc_in"], ["t"], "body_tanh"),
         node("Add", ["scaled", "t"], ["acc_out"], "body_add"),
         node("Identity", ["acc_out"], ["scan_out"], "body_scan")],
        "loop_body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("c_in", TensorProto.BOOL, []), f("acc_in")],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), f("acc_out"), f("scan_out")])
    nodes = [node("Loop", ["trip", "cond", "x"], ["final", "steps"], "loop", body=body)]
    inits = {"trip": np.array(4, np.int64), "cond": np.array(True)}
    return _with_outputs("loop_unrolled_op13", nodes, [("x", [2, 3])], [("final", [2, 3]), ("steps", [4, 2, 3])],
                         inits)


def _scan() -> Tuple[str, onnx.ModelProto]:
    # Running sum over axis 1 of x [2, 5, 3], reversed, scan output on axis 1.
    f = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, None)  # noqa: E731
    body = helper.make_graph(
        [node("Add", ["sum_in", "row"], ["sum_out"], "body_add"),
         node("Identity", ["sum_out"], ["out"], "body_out")],
        "scan_body", [f("sum_in"), f("row")], [f("sum_out"), f("out")])
    nodes = [node("Scan", ["init", "x"], ["total", "partial"], "scan", body=body, num_scan_inputs=1,
                  scan_input_axes=[1], scan_input_directions=[1], scan_output_axes=[1])]
    return _with_outputs("scan_reverse_axis1_op13", nodes, [("init", [2, 3]), ("x", [2, 5, 3])],
                         [("total", [2, 3]), ("partial", [2, 5, 3])])


def control_models() -> List[Tuple[str, onnx.ModelProto]]:
    return [_if_on_shape("if_then", 1), _if_on_shape("if_else", 2), _loop(), _scan()]
