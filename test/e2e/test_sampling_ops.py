"""AffineGrid (20), DeformConv (19), volumetric GridSample (20) and Resize
antialias (18) beyond the ONNX node tests' small cases, compiled by
etch-compile and compared with ONNX Runtime."""

import numpy as np
import pytest

from etch_testing import runner
from etch_testing.onnx_build import Rand, make_model, node


def _cases():
    r = Rand("sampling_ops")
    # AffineGrid of both ranks and both align_corners, then GridSample of
    # the 2-D grid (the spatial transformer pattern).
    yield "affine_grid_sample", make_model("affine_grid_sample", 20, [
        node("AffineGrid", ["theta2", "size2"], ["g2"], "affine2d", align_corners=0),
        node("GridSample", ["x", "g2"], ["s"], "sample", align_corners=0),
        node("AffineGrid", ["theta3", "size3"], ["g3"], "affine3d", align_corners=1),
    ], [("x", [2, 3, 5, 7]), ("theta2", [2, 2, 3]), ("theta3", [1, 3, 4])], ["g2", "s", "g3"],
        {"size2": np.array([2, 3, 4, 6], np.int64), "size3": np.array([1, 2, 3, 4, 5], np.int64)},
        check=False)
    # Volumetric GridSample (opset 20): trilinear and nearest with every
    # padding mode, the grid reaching outside the volume.
    yield "grid_sample_volumetric", make_model("grid_sample_volumetric", 20, [
        node("GridSample", ["v", "g"], ["lz"], "gs_linear_zeros", mode="linear"),
        node("GridSample", ["v", "g"], ["lb"], "gs_linear_border", mode="linear",
             padding_mode="border", align_corners=1),
        node("GridSample", ["v", "g"], ["nr"], "gs_nearest_reflect", mode="nearest",
             padding_mode="reflection"),
    ], [("v", [2, 3, 4, 5, 6]), ("g", [2, 3, 2, 4, 3])], ["lz", "lb", "nr"],
        input_dist={"g": ["uniform", -1.3, 1.3]}, check=False)
    # Resize-18 antialias when downscaling (non-integer factors, linear and
    # cubic), as ONNX Runtime's CPU kernel does it.
    yield "resize_antialias", make_model("resize_antialias", 18, [
        node("Resize", ["x", "", "", "sizes"], ["lin"], "aa_linear", mode="linear", antialias=1),
        node("Resize", ["x", "", "scales"], ["cub"], "aa_cubic", mode="cubic", antialias=1),
    ], [("x", [1, 2, 11, 13])], ["lin", "cub"],
        {"sizes": np.array([1, 2, 4, 6], np.int64),
         "scales": np.array([1.0, 1.0, 0.6, 0.35], np.float32)}, check=False)
    # DeformConv: conv groups and offset groups, stride, dilation, uneven
    # pads, mask and bias; offsets large enough to sample outside the image.
    yield "deform_conv_groups", make_model("deform_conv_groups", 19, [
        node("DeformConv", ["x", "w", "offset", "b", "mask"], ["y"], "deform", group=2,
             offset_group=2, pads=[1, 0, 2, 1], strides=[1, 2], dilations=[2, 1]),
    ], [("x", [2, 4, 7, 8]), ("offset", [2, 24, 6, 4]), ("mask", [2, 12, 6, 4])], ["y"],
        {"w": r.normal([6, 2, 3, 2], 0.4), "b": r.normal([6], 0.2)},
        input_dist={"offset": ["normal", 1.5]}, check=False)
    yield "deform_conv_plain", make_model("deform_conv_plain", 19, [
        node("DeformConv", ["x", "w", "offset"], ["y"], "deform_plain", pads=[1, 1, 1, 1]),
    ], [("x", [1, 3, 6, 6]), ("offset", [1, 18, 6, 6])], ["y"],
        {"w": r.normal([5, 3, 3, 3], 0.3)}, check=False)


CASES = list(_cases())


@pytest.mark.parametrize("name,model", CASES, ids=[n for n, _ in CASES])
def test_sampling_op(name, model, etch_compile, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile)
