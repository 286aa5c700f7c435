#!/usr/bin/python3
"""Tiny ONNX models for the import-time shape-arithmetic folding tests
(shape-fold.mlir) and the ceil_mode pool shape test.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_tensor_models.py
"""
import os

from onnx import TensorProto, helper

from gen_models import OUT, ints, save, vi

I64 = TensorProto.INT64


def shape_fold_models():
    # The PyTorch flatten idiom: Shape -> Gather -> Unsqueeze -> Concat ->
    # Reshape, with the batch dim taken from the runtime tensor's shape.
    save("fold_reshape", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"],
                         name="concat", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
    ], [vi("x", [2, 3, 4, 5])], [vi("y", [2, 60])],
        [helper.make_tensor("zero", I64, [], [0]), ints("axes0", [0]),
         ints("minus1", [-1])])
    # Size, Slice (negative step), Range, ConstantOfShape, Cast, Mul, Where,
    # Equal and Expand all on constants; the results feed a runtime Reshape
    # and Add so they are materialized.
    save("fold_misc", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Slice", ["s", "st", "en", "ax", "stp"], ["rev"],
                         name="slice_rev"),
        helper.make_node("Size", ["x"], ["size"], name="size"),
        helper.make_node("Range", ["r0", "size", "r2"], ["range"],
                         name="range"),
        helper.make_node("ConstantOfShape", ["rev"], ["ones"], name="cos",
                         value=helper.make_tensor("v", TensorProto.FLOAT, [1],
                                                  [1.5])),
        helper.make_node("Cast", ["range"], ["rangef"], name="cast",
                         to=TensorProto.FLOAT),
        helper.make_node("Equal", ["rev", "three"], ["is3"], name="equal"),
        helper.make_node("Where", ["is3", "minus1", "rev"], ["tgt"],
                         name="where"),
        helper.make_node("Mul", ["rev", "two"], ["rev2"], name="mul"),
        helper.make_node("Reshape", ["x", "tgt"], ["xr"], name="reshape"),
        helper.make_node("Add", ["xr", "ones"], ["y"], name="add"),
    ], [vi("x", [2, 3])],
        [vi("y", [3, 2]), vi("rangef", [3]), vi("rev2", [2], I64)],
        [ints("st", [-1]), ints("en", [-100]), ints("ax", [0]),
         ints("stp", [-1]), helper.make_tensor("r0", I64, [], [0]),
         helper.make_tensor("r2", I64, [], [2]), ints("three", [3]),
         ints("minus1", [-1]), ints("two", [2])])
    # Shape on a non-constant input whose consumer cannot fold stays an error
    # that names the op.
    save("fold_gather_runtime", [
        helper.make_node("Gather", ["x", "idx"], ["y"], name="gather_rt"),
    ], [vi("x", [4, 3])], [vi("y", [2, 3])], [ints("idx", [0, 2])])
    # Runtime data: Slice (clamped ends, negative step, omitted axis) and
    # Shape with opset-15 start/end.
    save("slice_runtime", [
        helper.make_node("Slice", ["x", "st", "en", "ax", "stp"], ["y"],
                         name="slice_rt"),
        helper.make_node("Shape", ["x"], ["s"], name="shape15", start=-2),
    ], [vi("x", [4, 6, 5])], [vi("y", [4, 2, 3]), vi("s", [2], I64)],
        [ints("st", [1, 100]), ints("en", [3, -100]),
         ints("ax", [1, -1]), ints("stp", [1, -2])], opset=15)
    save("fold_range_runtime", [
        helper.make_node("Range", ["s", "l", "d"], ["y"], name="range_rt"),
    ], [vi("s", [])], [vi("y", None)],
        [helper.make_tensor("l", TensorProto.FLOAT, [], [4.0]),
         helper.make_tensor("d", TensorProto.FLOAT, [], [1.0])])
    # ceil_mode: ONNX 1.12 shape inference says 3, ONNX Runtime 2 (the last
    # window would start in the end padding).
    save("pool_ceil", [
        helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                         kernel_shape=[2], strides=[2], pads=[0, 1],
                         ceil_mode=1),
    ], [vi("x", [1, 1, 4])], [vi("y", None)], opset=13)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    shape_fold_models()
