#!/usr/bin/python3
"""Tiny ONNX models for the data-movement, resize and composite importer tests
(data.mlir, resize.mlir, composite.mlir).

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_data_models.py
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from gen_models import ints, save, vi, weight

I64 = TensorProto.INT64


def data_models():
    # Split sizes, Tile repeats, Expand shape and TopK k are run-time inputs:
    # the declared result shapes decide them.
    save("data_ops", [
        helper.make_node("Split", ["x", "split"], ["s0", "s1"], name="split",
                         axis=1),
        helper.make_node("Tile", ["x", "reps"], ["tiled"], name="tile"),
        helper.make_node("Expand", ["b", "shape"], ["expanded"], name="expand"),
        helper.make_node("TopK", ["x", "k"], ["vals", "idx"], name="topk",
                         axis=1, largest=0),
        helper.make_node("GatherElements", ["x", "ge_idx"], ["ge"],
                         name="gather_elements", axis=-1),
        helper.make_node("GatherND", ["x", "nd_idx"], ["nd"], name="gather_nd",
                         batch_dims=1),
        helper.make_node("CumSum", ["x", "axis"], ["cs"], name="cumsum",
                         exclusive=1, reverse=1),
        helper.make_node("Mod", ["xi", "yi"], ["mod"], name="mod"),
        helper.make_node("DepthToSpace", ["img"], ["d2s"], name="d2s",
                         blocksize=2, mode="CRD"),
        helper.make_node("SpaceToDepth", ["d2s"], ["s2d"], name="s2d",
                         blocksize=2),
    ], [vi("x", [2, 6]), vi("split", [2], I64), vi("reps", [2], I64),
        vi("b", [3, 1]), vi("shape", [2], I64), vi("k", [1], I64),
        vi("ge_idx", [2, 2], I64), vi("nd_idx", [2, 1], I64),
        vi("xi", [4], TensorProto.INT32), vi("yi", [1], TensorProto.INT32),
        vi("img", [1, 8, 2, 3])],
        [vi("s0", [2, 2]), vi("s1", [2, 4]), vi("tiled", [4, 12]),
         vi("expanded", [3, 4]), vi("vals", [2, 3]), vi("idx", [2, 3], I64),
         vi("ge", [2, 2]), vi("nd", [2]), vi("cs", [2, 6]),
         vi("mod", [4], TensorProto.INT32), vi("d2s", [1, 2, 4, 6]),
         vi("s2d", [1, 8, 2, 3])],
        [helper.make_tensor("axis", I64, [], [1])])
    # A run-time CumSum axis on a 2-D input: one scan per axis and a select.
    save("cumsum_runtime_axis", [
        helper.make_node("CumSum", ["x", "axis"], ["y"], name="cumsum_rt"),
    ], [vi("x", [2, 3]), vi("axis", [], TensorProto.INT32)], [vi("y", [2, 3])])
    scan_models()
    save("onehot", [
        helper.make_node("OneHot", ["idx", "depth", "values"], ["y"],
                         name="onehot", axis=0),
    ], [vi("idx", [3], I64), vi("depth", [], I64), vi("values", [2])],
        [vi("y", [4, 3])])
    save("mod_float_no_fmod", [
        helper.make_node("Mod", ["x", "y"], ["z"], name="mod_f"),
    ], [vi("x", [3]), vi("y", [3])], [vi("z", [3])])


def resize_models():
    save("resize", [
        helper.make_node("Resize", ["x", "", "scales"], ["linear"],
                         name="resize_linear", mode="linear",
                         coordinate_transformation_mode="align_corners"),
        helper.make_node("Resize", ["x", "", "", "sizes"], ["nearest"],
                         name="resize_nearest", mode="nearest",
                         nearest_mode="ceil"),
        helper.make_node("Resize", ["x", "", "rt_scales"], ["cubic"],
                         name="resize_cubic", mode="cubic",
                         exclude_outside=1, cubic_coeff_a=-0.5),
    ], [vi("x", [1, 1, 2, 4]), vi("rt_scales", [4])],
        [vi("linear", [1, 1, 4, 8]), vi("nearest", [1, 1, 3, 3]),
         vi("cubic", [1, 1, 4, 8])],
        [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales"),
         ints("sizes", [1, 1, 3, 3])])
    # sizes from shape arithmetic that ONNX 1.12 inference does not follow
    # (Slice): the folded constant gives the result shape.
    save("resize_folded_sizes", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Slice", ["s", "st", "en"], ["nc"], name="slice"),
        helper.make_node("Concat", ["nc", "hw"], ["sizes"], name="concat",
                         axis=0),
        helper.make_node("Resize", ["x", "", "", "sizes"], ["y"],
                         name="resize_folded", mode="nearest"),
    ], [vi("x", [1, 2, 3, 4])], [vi("y", None)],
        [ints("st", [0]), ints("en", [2]), ints("hw", [6, 8])])
    save("upsample_opset7", [
        helper.make_node("Upsample", ["x"], ["y"], name="upsample",
                         mode="bilinear", scales=[1.0, 1.0, 2.0, 2.0]),
    ], [vi("x", [1, 1, 2, 2])], [vi("y", [1, 1, 4, 4])], opset=7)
    save("resize_bad_mode", [
        helper.make_node("Resize", ["x", "", "scales"], ["y"],
                         name="resize_bad", mode="area"),
    ], [vi("x", [1, 1, 2, 2])], [vi("y", [1, 1, 4, 4])],
        [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32),
                                 "scales")])


def composite_models():
    save("composite", [
        helper.make_node("ConvTranspose", ["x", "w", "bias"], ["ct"],
                         name="convt", strides=[2, 2], output_padding=[1, 0],
                         pads=[1, 0, 0, 1], group=2),
        helper.make_node("LRN", ["x"], ["lrn"], name="lrn", size=3),
        helper.make_node("Shrink", ["x"], ["shrink"], name="shrink",
                         lambd=0.5, bias=0.25),
        helper.make_node("IsNaN", ["x"], ["nan"], name="isnan"),
        helper.make_node("IsInf", ["x"], ["inf"], name="isinf",
                         detect_negative=0),
    ], [vi("x", [1, 4, 3, 3])],
        [vi("ct", [1, 6, 7, 6]), vi("lrn", [1, 4, 3, 3]),
         vi("shrink", [1, 4, 3, 3]), vi("nan", [1, 4, 3, 3], TensorProto.BOOL),
         vi("inf", [1, 4, 3, 3], TensorProto.BOOL)],
        [weight("w", [4, 3, 3, 3]), weight("bias", [6])], opset=17)


def einsum_models():
    # Explicit output with ellipsis and a diagonal; implicit output.
    save("einsum", [
        helper.make_node("Einsum", ["a", "b"], ["y"], name="einsum_bmm",
                         equation="...ij, ...jk -> ...ik"),
        helper.make_node("Einsum", ["c"], ["diag"], name="einsum_diag",
                         equation="bii->bi"),
        helper.make_node("Einsum", ["a", "d"], ["z"], name="einsum_implicit",
                         equation="bij,kj"),
    ], [vi("a", [2, 3, 4]), vi("b", [2, 4, 5]), vi("c", [2, 3, 3]),
        vi("d", [6, 4])],
        [vi("y", [2, 3, 5]), vi("diag", [2, 3]), vi("z", [2, 3, 6])])


def function_models():
    # Function ops without an importer are replaced by their ONNX bodies:
    # NLL's depends on its attributes (no ignore_index: no masking), MVN's
    # takes the schema's default axes.
    save("function_ops", [
        helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"],
                         name="nll", reduction="sum"),
        helper.make_node("MeanVarianceNormalization", ["img"], ["mvn"],
                         name="mvn"),
    ], [vi("x", [3, 5]), vi("t", [3], I64), vi("img", [2, 3, 2, 2])],
        [vi("loss", []), vi("mvn", [2, 3, 2, 2])])
    # A body with an op etch lacks (RandomUniformLike) is not expanded: the
    # error names the model's op.
    save("function_unsupported", [
        helper.make_node("Bernoulli", ["x"], ["y"], name="bernoulli"),
    ], [vi("x", [4])], [vi("y", [4])], opset=15)


def scan_models():
    # CumProd-26 on int32 with a constant negative axis, exclusive and
    # reversed; and with a run-time axis.
    save("cumprod_26", [
        helper.make_node("CumProd", ["x", "axis"], ["y"], name="cumprod",
                         exclusive=1, reverse=1),
        helper.make_node("CumProd", ["f", "rt_axis"], ["z"], name="cumprod_rt"),
    ], [vi("x", [2, 3], TensorProto.INT32), vi("f", [2, 3]),
        vi("rt_axis", [], I64)],
        [vi("y", [2, 3], TensorProto.INT32), vi("z", [2, 3])],
        [helper.make_tensor("axis", I64, [], [-1])], opset=26, ir_version=11)
    # A bool input: a user error naming the node.
    save("cumprod_bool", [
        helper.make_node("CumProd", ["x", "axis"], ["y"], name="cumprod_bool"),
    ], [vi("x", [3], TensorProto.BOOL)], [vi("y", [3], TensorProto.BOOL)],
        [helper.make_tensor("axis", I64, [], [0])], opset=26, ir_version=11)


if __name__ == "__main__":
    function_models()
    einsum_models()
    data_models()
    resize_models()
    composite_models()
