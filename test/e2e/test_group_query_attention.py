"""com.microsoft GroupQueryAttention with a static KV cache (the form
onnxruntime-genai style exports use: past_key/past_value of a fixed maximum
length, seqlens_k and total_sequence_length as inputs or constants, fewer
key/value heads than query heads), compiled by etch-compile and compared with
ONNX Runtime, present_key/present_value included (ORT writes zeros past each
batch's total length)."""

import json

import numpy as np
import pytest
from onnx import TensorProto, helper

from etch_testing import runner
from etch_testing.onnx_build import INPUT_DIST_KEY, Rand, make_model

MS = "com.microsoft"


def _gqa(name, inputs, shapes, inits, dists=None, **attrs):
    n = helper.make_node("GroupQueryAttention", inputs, ["y", "present_key", "present_value"],
                         name=name, domain=MS, **attrs)
    model = make_model(name, 17, [n], shapes, ["y", "present_key", "present_value"], inits,
                       check=False)
    model.opset_import.append(helper.make_opsetid(MS, 1))
    if dists:
        for vi in model.graph.input:
            if vi.name in dists:
                vi.type.tensor_type.elem_type = TensorProto.INT32
        entry = model.metadata_props.add()
        entry.key = INPUT_DIST_KEY
        entry.value = json.dumps(dists)
    return model


def _i32(values):
    return np.array(values, np.int32)


def _cases():
    r = Rand("gqa")
    # Decode step: one token per batch, 8 query heads over 2 kv heads, a
    # cache of 12, seqlens_k a run-time input (each batch its own length),
    # total_sequence_length a constant.
    yield "gqa_decode", _gqa("gqa_decode", ["q", "k", "v", "pk", "pv", "seqlens", "total"],
                             [("q", [3, 1, 64]), ("k", [3, 1, 16]), ("v", [3, 1, 16]),
                              ("pk", [3, 2, 12, 8]), ("pv", [3, 2, 12, 8]), ("seqlens", [3])],
                             {"total": _i32(12)}, {"seqlens": ["uniform", 1.0, 12.0]},
                             num_heads=8, kv_num_heads=2)
    # Continuation of 3 tokens after 4 cached ones, packed QKV, a scale and
    # softcap; total_sequence_length a run-time input.
    yield "gqa_packed_continue", _gqa(
        "gqa_packed_continue", ["qkv", "", "", "pk", "pv", "seqlens", "total"],
        [("qkv", [1, 3, 64]), ("pk", [1, 2, 10, 8]), ("pv", [1, 2, 10, 8]), ("total", [])],
        {"seqlens": _i32([6])}, {"total": ["uniform", 7.0, 7.5]},
        num_heads=4, kv_num_heads=2, scale=0.2, softcap=3.0)
    # First prompt (S == total_sequence_length) of a right-padded batch:
    # batch 1 has 3 real tokens of 5; the cache's old contents are ignored.
    yield "gqa_prompt_padded", _gqa(
        "gqa_prompt_padded", ["q", "k", "v", "pk", "pv", "seqlens", "total"],
        [("q", [2, 5, 32]), ("k", [2, 5, 8]), ("v", [2, 5, 8]), ("pk", [2, 1, 8, 8]),
         ("pv", [2, 1, 8, 8])],
        {"seqlens": _i32([4, 2]), "total": _i32([5])}, num_heads=4, kv_num_heads=1)


CASES = list(_cases())


@pytest.mark.parametrize("name,model", CASES, ids=[n for n, _ in CASES])
def test_group_query_attention(name, model, etch_compile, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile)


def test_gqa_rotary_is_an_error(etch_compile, tmp_path):
    model = _gqa("gqa_rotary", ["q", "k", "v", "pk", "pv", "seqlens", "total", "cos", "sin"],
                 [("q", [1, 1, 32]), ("k", [1, 1, 16]), ("v", [1, 1, 16]), ("pk", [1, 2, 4, 8]),
                  ("pv", [1, 2, 4, 8])],
                 {"seqlens": _i32([2]), "total": _i32(4),
                  "cos": np.ones([4, 4], np.float32), "sin": np.zeros([4, 4], np.float32)},
                 num_heads=4, kv_num_heads=2, do_rotary=1)
    path = tmp_path / "gqa_rotary.onnx"
    path.write_bytes(model.SerializeToString())
    proc = runner.run([etch_compile, str(path), "-o", str(tmp_path / "x.o")])
    assert proc.returncode != 0
    assert ("node 'gqa_rotary' (GroupQueryAttention): attribute 'do_rotary' = 1 is not supported"
            in proc.stderr), proc.stderr
    assert not (tmp_path / "x.o").exists()
