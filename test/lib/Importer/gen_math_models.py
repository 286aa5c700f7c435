#!/usr/bin/python3
"""Generates the ONNX models under Inputs/ used by the math importer tests.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_math_models.py
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from gen_models import save, vi, weight

B = TensorProto.BOOL
I64 = TensorProto.INT64


def main():
    save("math_elementwise", [
        helper.make_node("Erf", ["x"], ["e"], name="erf_0"),
        helper.make_node("Elu", ["e"], ["el"], name="elu_0", alpha=0.5),
        helper.make_node("Less", ["x", "y"], ["lt"], name="less_0"),
        helper.make_node("Not", ["lt"], ["nt"], name="not_0"),
        helper.make_node("Where", ["nt", "x", "y"], ["w"], name="where_0"),
        helper.make_node("Cast", ["lt"], ["c"], name="cast_0", to=I64),
        helper.make_node("Pow", ["x", "p"], ["pw"], name="pow_0"),
        helper.make_node("Mean", ["x", "y"], ["mn"], name="mean_0"),
        helper.make_node("ArgMax", ["x"], ["am"], name="argmax_0", axis=-1,
                         keepdims=0, select_last_index=1),
    ], [vi("x", [2, 3]), vi("y", [3])],
        [vi("el", None), vi("w", None), vi("c", None, I64), vi("pw", None),
         vi("mn", None), vi("am", None, I64)],
        [numpy_helper.from_array(np.array([2], np.int64), "p")])
    save("math_decomposed", [
        helper.make_node("ReduceL2", ["x"], ["l2"], name="l2_0", axes=[1],
                         keepdims=0),
        helper.make_node("LogSoftmax", ["x"], ["ls"], name="logsoftmax_0",
                         axis=1),
        helper.make_node("LayerNormalization", ["x", "s"], ["ln"],
                         name="layernorm_0", epsilon=1e-3),
        helper.make_node("Trilu", ["x"], ["tr"], name="trilu_0", upper=0),
    ], [vi("x", [2, 3])],
        [vi("l2", None), vi("ls", None), vi("ln", None), vi("tr", None)],
        [weight("s", [3])], opset=17)


if __name__ == "__main__":
    main()
