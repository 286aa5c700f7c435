#!/usr/bin/python3
"""Generates the ONNX models under Inputs/ for the opset 1-6 (legacy.mlir),
unsigned integer (unsigned.mlir) importer tests.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_legacy_models.py
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from gen_models import ints, save, vi

U8 = TensorProto.UINT8


def legacy_models():
    # Opset-6 broadcasting: B aligned at `axis`, or at A's trailing dims.
    save("legacy_broadcast", [
        helper.make_node("Add", ["a", "b"], ["s"], name="add_axis",
                         broadcast=1, axis=1),
        helper.make_node("Mul", ["s", "c"], ["m"], name="mul_suffix",
                         broadcast=1),
        helper.make_node("Sub", ["m", "a"], ["d"], name="sub_same"),
        helper.make_node("Gemm", ["x", "w", "bias"], ["g"], name="gemm_0",
                         broadcast=1, transB=1),
        helper.make_node("BatchNormalization", ["a", "sc", "bi", "mu", "va"],
                         ["bn"], name="bn_0", is_test=1),
    ], [vi("a", [2, 3, 4, 5]), vi("b", [3, 4]), vi("c", [5]), vi("x", [2, 4])],
        [vi("d", None), vi("g", None), vi("bn", None)],
        [numpy_helper.from_array(np.ones([3, 4], np.float32), "w"),
         numpy_helper.from_array(np.zeros([3], np.float32), "bias")] +
        [numpy_helper.from_array(np.full([3], v, np.float32), n)
         for n, v in (("sc", 1.0), ("bi", 0.0), ("mu", 0.0), ("va", 1.0))],
        opset=6)
    # Opset 1: consumed_inputs (a memory hint), Reshape's shape attribute,
    # Pad's paddings, Concat's default axis 1, Cast's string `to`.
    save("legacy_opset1", [
        helper.make_node("Relu", ["x"], ["r"], name="relu_0",
                         consumed_inputs=[1]),
        helper.make_node("Reshape", ["r"], ["rs"], name="reshape_0",
                         shape=[3, 2]),
        helper.make_node("Pad", ["rs"], ["p"], name="pad_0",
                         paddings=[0, 1, 0, 1], value=2.0),
        helper.make_node("Concat", ["p", "p"], ["c"], name="concat_0"),
        helper.make_node("Cast", ["c"], ["i"], name="cast_0", to="INT32"),
    ], [vi("x", [2, 3])], [vi("i", None)], opset=1)
    save("legacy_bad_attr", [
        helper.make_node("Add", ["a", "b"], ["s"], name="add_bad", foo=1),
    ], [vi("a", [2, 3]), vi("b", [2, 3])], [vi("s", None)], opset=6)
    save("legacy_bad_broadcast", [
        helper.make_node("Add", ["a", "b"], ["s"], name="add_nobcast"),
    ], [vi("a", [2, 3]), vi("b", [3])], [vi("s", None)], opset=6)
    save("legacy_training_bn", [
        helper.make_node("BatchNormalization", ["a", "s", "s", "s", "s"],
                         ["bn"], name="bn_train"),
    ], [vi("a", [2, 3]), vi("s", [3])], [vi("bn", None)], opset=6)
    save("legacy_prelu", [
        helper.make_node("PRelu", ["a", "s"], ["y"], name="prelu_6"),
    ], [vi("a", [2, 3, 4]), vi("s", [3])], [vi("y", None)], opset=6)
    save("legacy_upsample", [
        helper.make_node("Upsample", ["a"], ["y"], name="upsample_1",
                         width_scale=2.0, height_scale=2.0),
    ], [vi("a", [1, 1, 2, 2])], [vi("y", None)], opset=1)


def unsigned_models():
    save("unsigned", [
        helper.make_node("Div", ["a", "b"], ["q"], name="div_0"),
        helper.make_node("Max", ["q", "b"], ["mx"], name="max_0"),
        helper.make_node("Less", ["mx", "a"], ["lt"], name="less_0"),
        helper.make_node("Abs", ["mx"], ["ab"], name="abs_0"),
        helper.make_node("Clip", ["ab", "lo", "hi"], ["cl"], name="clip_0"),
        helper.make_node("Cast", ["cl"], ["f"], name="cast_0",
                         to=TensorProto.FLOAT),
        helper.make_node("Add", ["a", "b"], ["s"], name="add_0"),
    ], [vi("a", [4], U8), vi("b", [4], U8)],
        [vi("lt", None, TensorProto.BOOL), vi("f", None),
         vi("s", None, U8)],
        [helper.make_tensor("lo", U8, [], [20]),
         helper.make_tensor("hi", U8, [], [200])], opset=14)
    save("unsigned_reduce", [
        helper.make_node("ReduceMax", ["a"], ["r"], name="reducemax_0"),
    ], [vi("a", [4], U8)], [vi("r", None, U8)], opset=13)
    save("unsigned_mean", [
        helper.make_node("ReduceMean", ["a"], ["r"], name="reducemean_0"),
    ], [vi("a", [4], U8)], [vi("r", None, U8)], opset=13)


if __name__ == "__main__":
    legacy_models()
    unsigned_models()
