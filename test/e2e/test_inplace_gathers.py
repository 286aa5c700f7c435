"""Gathers (Resize, GridSample) from maps that bufferization places inside a
bigger buffer, compiled by etch-compile and compared with ONNX Runtime.

Linalg's vectorizer reads a gathered map with flat row-major offsets, right
only on a contiguous buffer; empty-tensor elimination may make the map's
producer write into a strided view instead: the interior of a padded buffer
(etch-common-decompose-pads) or its slice of a Concat. PP-OCRv4 det's FPN
(Add -> padded 3x3 Conv + nearest Resize -> Concat) gave max relative error
1.0 that way (it was fenced off by not decomposing such pads), and a map
both concatenated and resized or grid-sampled went wrong even without pads
(the last two cases, on main before the fix; GridSample got batch 0 right
and batch 1 wrong). etch-common-flatten-gathers
now gives each gather a contiguous (rank-1) base; see
test/codegen/Common/flatten-gathers.mlir."""

import numpy as np
import pytest

from etch_testing import runner
from etch_testing.onnx_build import Rand, make_model, node


def _resize(name, x, out):
    """A nearest 2x Resize node and its scales initializer."""
    return (node("Resize", [x, "", f"{name}_scales"], [out], name, mode="nearest"),
            {f"{name}_scales": np.array([1, 1, 2, 2], np.float32)})


def _cases():
    r = Rand("inplace_gathers")
    c = 8
    # The FPN top-down path, cut down: two levels, each map both padded for a
    # 3x3 convolution and resized (c5 into the c4 sum, both outputs into the
    # concatenation).
    inits = {"one": np.ones([1, c, 1, 1], np.float32),
             "w5": r.normal([c, c, 3, 3], 0.3), "w4": r.normal([c, c, 3, 3], 0.3)}
    up5, s5 = _resize("up5", "a5", "u5")
    up_p5, s_p5 = _resize("up_p5", "p5", "up_p5_out")
    inits.update({**s5, **s_p5})
    nodes = [node("Add", ["c5", "one"], ["a5"], "in5"),
             node("Add", ["c4", "one"], ["a4"], "in4"),
             up5,
             node("Add", ["a4", "u5"], ["o4"], "sum4"),
             node("Conv", ["a5", "w5"], ["p5"], "conv5", pads=[1, 1, 1, 1]),
             node("Conv", ["o4", "w4"], ["p4"], "conv4", pads=[1, 1, 1, 1]),
             up_p5,
             node("Concat", ["up_p5_out", "p4"], ["fuse"], "concat", axis=1)]
    yield "fpn_pad_resize_concat", make_model(
        "fpn_pad_resize_concat", 13, nodes, [("c5", [1, c, 4, 4]), ("c4", [1, c, 8, 8])],
        ["fuse"], inits)
    # A map resized and also concatenated along W: its slice of the
    # concatenation is strided in every dimension but the last.
    n, i = _resize("up", "a", "r")
    yield "resize_of_concat_w_slice", make_model("resize_of_concat_w_slice", 13, [
        node("Add", ["x", "one"], ["a"], "add_a"), node("Add", ["y", "one"], ["b"], "add_b"),
        node("Concat", ["b", "a"], ["cat"], "concat_w", axis=3), n,
    ], [("x", [1, 4, 8, 10]), ("y", [1, 4, 8, 10])], ["r", "cat"],
        {"one": np.ones([1, 1, 1, 1], np.float32), **i})
    # GridSample of a batch-2 map that is also concatenated along channels:
    # its slice holds batch 0 at the right place and batch 1 one map too far
    # for flat offsets (the symptom: batch 0 right, batch 1 wrong).
    yield "gridsample_of_concat_c_slice", make_model("gridsample_of_concat_c_slice", 16, [
        node("Add", ["x", "one"], ["a"], "add_a"), node("Add", ["y", "one"], ["b"], "add_b"),
        node("Concat", ["b", "a"], ["cat"], "concat_c", axis=1),
        node("GridSample", ["a", "grid"], ["s"], "sample", mode="bilinear", align_corners=0),
    ], [("x", [2, 3, 6, 7]), ("y", [2, 2, 6, 7]), ("grid", [2, 5, 4, 2])], ["s", "cat"],
        {"one": np.ones([1, 1, 1, 1], np.float32)}, input_dist={"grid": ["uniform", -1.0, 1.0]})


CASES = list(_cases())
# The generic x86-64 CPU and this machine's (what the benchmark compiles
# for): the vector widths decide which maps the elimination moves in place
# (resize_of_concat_w_slice went wrong only with AVX2 and wider).
CPUS = ["default", "native"]


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("name,model", CASES, ids=[n for n, _ in CASES])
def test_inplace_gather(name, model, cpu, etch_compile, tmp_path):
    flags = [] if cpu == "default" else [f"--mcpu={cpu}"]
    runner.run_case(name, model, tmp_path, etch_compile, extra_flags=flags)
