#!/usr/bin/python3
"""Generates the com.microsoft GroupQueryAttention models under Inputs/ for
group-query-attention.mlir.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_gqa_models.py
"""
import os

import onnx
from onnx import TensorProto, helper

from gen_models import OUT, vi

MS = "com.microsoft"


def gqa(name, inputs, shapes, inits=(), **attrs):
    node = helper.make_node("GroupQueryAttention", inputs, ["y", "pk_out", "pv_out"],
                            name=name, domain=MS, **attrs)
    graph = helper.make_graph([node], name, shapes,
                              [vi("y", None), vi("pk_out", None), vi("pv_out", None)],
                              list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid(MS, 1)],
                              producer_name="etch-gen-models")
    onnx.save_model(model, os.path.join(OUT, name + ".onnx"))


def main():
    i32 = TensorProto.INT32
    # Decode: 4 query heads over 2 kv heads (H = 8), a cache of 6, seqlens_k
    # and total_sequence_length both run-time inputs.
    gqa("gqa_decode", ["q", "k", "v", "pk", "pv", "seqlens", "total"],
        [vi("q", [2, 1, 32]), vi("k", [2, 1, 16]), vi("v", [2, 1, 16]),
         vi("pk", [2, 2, 6, 8]), vi("pv", [2, 2, 6, 8]), vi("seqlens", [2], i32),
         vi("total", [], i32)], num_heads=4, kv_num_heads=2)
    # A sliding window: a clear error.
    gqa("gqa_window", ["q", "k", "v", "pk", "pv", "seqlens", "total"],
        [vi("q", [1, 1, 32]), vi("k", [1, 1, 16]), vi("v", [1, 1, 16]),
         vi("pk", [1, 2, 6, 8]), vi("pv", [1, 2, 6, 8]), vi("seqlens", [1], i32),
         vi("total", [], i32)], num_heads=4, kv_num_heads=2, local_window_size=3)


if __name__ == "__main__":
    main()
