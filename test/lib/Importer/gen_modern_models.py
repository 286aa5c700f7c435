#!/usr/bin/python3
"""Generates the opset 18-28 models under Inputs/ for modern.mlir.

Run with Debian's python (onnx 1.12, which writes newer opsets' nodes without
checking them): /usr/bin/python3 gen_modern_models.py
"""
import os

import onnx
from onnx import TensorProto, helper

from gen_models import OUT, ints, save, vi


def main():
    # ReduceMean-18: axes as a constant input; its Relu consumer's shape
    # comes from the reduction etch computed.
    save("reduce_mean_18", [
        helper.make_node("ReduceMean", ["x", "axes"], ["m"], name="mean18", keepdims=0),
        helper.make_node("Relu", ["m"], ["y"], name="relu18"),
    ], [vi("x", [2, 3, 4])], [vi("y", None)], [ints("axes", [1])], opset=18)
    # noop_with_empty_axes=1 without axes: the identity.
    save("reduce_noop_18", [
        helper.make_node("ReduceMax", ["x"], ["y"], name="noop18", noop_with_empty_axes=1),
    ], [vi("x", [2, 3])], [vi("y", None)], opset=20)
    # Split-18 num_outputs with a remainder: 7 -> 3, 3, 1.
    save("split_18", [
        helper.make_node("Split", ["x"], ["a", "b", "c"], name="split18", axis=1, num_outputs=3),
    ], [vi("x", [2, 7])], [vi("a", None), vi("b", None), vi("c", None)], opset=18)
    # Pad-18 axes and Pad-19 wrap.
    save("pad_19", [
        helper.make_node("Pad", ["x", "pads", "", "axes"], ["y"], name="pad19", mode="wrap"),
    ], [vi("x", [2, 3])], [vi("y", None)], [ints("pads", [1, 2]), ints("axes", [-1])], opset=19)
    save("gelu_20", [
        helper.make_node("Gelu", ["x"], ["y"], name="gelu20", approximate="tanh"),
    ], [vi("x", [4])], [vi("y", None)], opset=20)
    # Resize-18 with antialias when downscaling: etch.resize's antialias.
    save("resize_antialias_18", [
        helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize18", mode="linear",
                         antialias=1),
    ], [vi("x", [1, 1, 4, 4])], [vi("y", None)],
       [helper.make_tensor("scales", TensorProto.FLOAT, [4], [1, 1, 0.5, 0.5])], opset=18)
    # An op of a newer opset etch does not import.
    save("image_decoder_20", [
        helper.make_node("ImageDecoder", ["encoded"], ["y"], name="imagedecoder20"),
    ], [vi("encoded", [16], TensorProto.UINT8)], [vi("y", None)], opset=20)
    # Col2Im-18: a grouped ConvTranspose with a one-hot kernel.
    save("col2im_18", [
        helper.make_node("Col2Im", ["x", "shape", "block"], ["y"], name="col2im18"),
    ], [vi("x", [1, 4, 9])], [vi("y", None)], [ints("shape", [4, 4]), ints("block", [2, 2])],
       opset=18)
    # An input dimension written as dim_value -1 is symbolic.
    save("dim_minus_one", [
        helper.make_node("Relu", ["x"], ["y"], name="relu_m1"),
    ], [vi("x", [-1, 3])], [vi("y", None)], opset=21)

    # If on a run-time condition whose branches give different shapes.
    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["t"], name="then_relu")],
                               "then", [], [vi("t", [1, 4])])
    else_g = helper.make_graph([helper.make_node("ReduceSum", ["x"], ["e"], name="else_sum",
                                                 keepdims=0)], "else", [], [vi("e", [])])
    save("if_mismatch", [
        helper.make_node("Less", ["a", "b"], ["c"], name="less"),
        helper.make_node("If", ["c"], ["y"], name="if_mm", then_branch=then_g, else_branch=else_g),
    ], [vi("x", [1, 4]), vi("a", []), vi("b", [])], [vi("y", None)], opset=21)

    # com.microsoft BiasAdd (ONNX Runtime has it on CUDA only): X + bias + skip.
    bias_add = helper.make_node("BiasAdd", ["x", "b", "s"], ["y"], name="bias_add",
                                domain="com.microsoft")
    graph = helper.make_graph([bias_add], "ms_bias_add", [vi("x", [2, 3, 4]), vi("s", [2, 3, 4])],
                              [vi("y", None)],
                              [helper.make_tensor("b", TensorProto.FLOAT, [4], [1, 2, 3, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)],
                              producer_name="etch-gen-models")
    onnx.save_model(model, os.path.join(OUT, "ms_bias_add.onnx"))


if __name__ == "__main__":
    main()
