#!/usr/bin/python3
"""Generates the AffineGrid (20) and DeformConv (19) models under Inputs/ for
deform-conv.mlir.

Run with Debian's python (onnx 1.12, which writes newer opsets' nodes without
checking them): /usr/bin/python3 gen_deform_models.py
"""
from onnx import helper

from gen_models import ints, save, vi


def main():
    # 2-D AffineGrid, align_corners=1: a (1, 6, 3) base grid times theta^T.
    save("affine_grid_2d_20", [
        helper.make_node("AffineGrid", ["theta", "size"], ["y"], name="affine2d",
                         align_corners=1),
    ], [vi("theta", [2, 2, 3])], [vi("y", None)], [ints("size", [2, 1, 2, 3])], opset=20)
    save("affine_grid_3d_20", [
        helper.make_node("AffineGrid", ["theta", "size"], ["y"], name="affine3d"),
    ], [vi("theta", [1, 3, 4])], [vi("y", None)], [ints("size", [1, 1, 2, 2, 2])], opset=20)
    # theta (N, 2, 3) but a 3-D size: a clear error.
    save("affine_grid_bad_20", [
        helper.make_node("AffineGrid", ["theta", "size"], ["y"], name="affinebad"),
    ], [vi("theta", [1, 2, 3])], [vi("y", None)], [ints("size", [1, 1, 2, 2, 2])], opset=20)
    # DeformConv with 2 conv groups, 2 offset groups, a mask and a bias.
    save("deform_conv_19", [
        helper.make_node("DeformConv", ["x", "w", "offset", "b", "mask"], ["y"], name="deform",
                         group=2, offset_group=2, pads=[1, 0, 1, 0], strides=[1, 2]),
    ], [vi("x", [1, 4, 5, 6]), vi("w", [6, 2, 3, 2]), vi("offset", [1, 24, 5, 3]),
        vi("b", [6]), vi("mask", [1, 12, 5, 3])], [vi("y", None)], opset=19)
    # 1-D DeformConv: not supported, a clear error.
    save("deform_conv_1d_19", [
        helper.make_node("DeformConv", ["x", "w", "offset"], ["y"], name="deform1d"),
    ], [vi("x", [1, 1, 5]), vi("w", [1, 1, 2]), vi("offset", [1, 2, 4])], [vi("y", None)],
       opset=19)


if __name__ == "__main__":
    main()
