"""Scan-8 (opset 8: batched states and scan inputs, sequence_lens,
directions) compiled by etch-compile and compared with ONNX Runtime: the
forms ONNX's node tests (test_scan_sum: no sequence_lens) leave out."""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from etch_testing import runner

F = TensorProto.FLOAT


def _scan8(name, seq_lens, directions):
    # Body: state s [2], scan elements a [2], b [2] -> s + a * b, outputs
    # s_new and a - b.
    body = helper.make_graph(
        [helper.make_node("Mul", ["a", "b"], ["ab"]),
         helper.make_node("Add", ["s", "ab"], ["s_new"]),
         helper.make_node("Sub", ["a", "b"], ["d"])],
        "body",
        [helper.make_tensor_value_info(n, F, [2]) for n in ("s", "a", "b")],
        [helper.make_tensor_value_info(n, F, [2]) for n in ("s_new", "d")])
    inits = []
    lens = ""
    if seq_lens is not None:
        inits.append(numpy_helper.from_array(np.array(seq_lens, np.int64), "lens"))
        lens = "lens"
    node = helper.make_node("Scan", [lens, "s0", "x", "y"], ["s", "z"], name=name, body=body,
                            num_scan_inputs=2, directions=directions)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("s0", F, [3, 2]), helper.make_tensor_value_info("x", F, [3, 4, 2]),
         helper.make_tensor_value_info("y", F, [3, 4, 2])],
        [helper.make_tensor_value_info("s", F, [3, 2]), helper.make_tensor_value_info("z", F, [3, 4, 2])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 8)], producer_name="etch_testing")
    model.ir_version = 8
    return model


CASES = [("scan8_full", None, [0, 1]), ("scan8_lens", [4, 2, 3], [0, 0]), ("scan8_lens_reverse", [1, 4, 3], [1, 0])]


@pytest.mark.parametrize("name,lens,dirs", CASES, ids=[c[0] for c in CASES])
def test_scan8(name, lens, dirs, etch_compile, tmp_path):
    runner.run_case(name, _scan8(name, lens, dirs), tmp_path, etch_compile)
