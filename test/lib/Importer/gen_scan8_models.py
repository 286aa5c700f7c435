#!/usr/bin/python3
"""Generates the opset-8 Scan models under Inputs/ for scan8.mlir.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_scan8_models.py
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from gen_models import save, vi


def main():
    body = helper.make_graph(
        [helper.make_node("Add", ["s", "a"], ["s_new"]),
         helper.make_node("Identity", ["s_new"], ["y"])],
        "body", [vi("s", [2]), vi("a", [2])], [vi("s_new", [2]), vi("y", [2])])
    # Batch 2, sequence 3; batch element 1 stops after 2 steps (its scan
    # output is zero-padded), scanned in reverse.
    save("scan8_lens", [
        helper.make_node("Scan", ["lens", "s0", "x"], ["s", "z"], name="scan8",
                         body=body, num_scan_inputs=1, directions=[1]),
    ], [vi("s0", [2, 2]), vi("x", [2, 3, 2])],
        [vi("s", [2, 2]), vi("z", [2, 3, 2])],
        [numpy_helper.from_array(np.array([3, 2], np.int64), "lens")],
        opset=8)
    save("scan8_bad_lens", [
        helper.make_node("Scan", ["lens", "s0", "x"], ["s", "z"],
                         name="scan8_bad", body=body, num_scan_inputs=1),
    ], [vi("s0", [2, 2]), vi("x", [2, 3, 2])],
        [vi("s", [2, 2]), vi("z", [2, 3, 2])],
        [numpy_helper.from_array(np.array([3, 4], np.int64), "lens")],
        opset=8)


if __name__ == "__main__":
    main()
