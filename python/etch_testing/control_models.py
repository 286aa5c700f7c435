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


def control_models() -> List[Tuple[str, onnx.ModelProto]]:
    return [_if_on_shape("if_then", 1), _if_on_shape("if_else", 2)]
