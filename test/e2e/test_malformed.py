"""Malformed and hostile models (issue 15): each failure class a fuzzing run
found in etch-compile (signals, aborts, sanitizer reports) must instead be a
clean user error: exit status in 1..127, a message naming the node or tensor,
no .o or .h left behind.

The models are built with onnx.helper and edited as protobufs where the
helper would refuse; nothing here passes onnx.checker.
"""

from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from etch_testing import runner

BIG = 1 << 40  # a representable dim whose products overflow or exhaust memory


def _vi(name: str, shape: Optional[Sequence], dtype: int = TensorProto.FLOAT) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, dtype, shape)


def _model(nodes: List[onnx.NodeProto], inputs: Sequence[onnx.ValueInfoProto],
           outputs: Sequence[onnx.ValueInfoProto], initializers: Sequence[onnx.TensorProto] = (),
           opset: int = 13) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "malformed", list(inputs), list(outputs), initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _weight(name: str, dims: Sequence[int], raw: Optional[bytes] = None,
            floats: Optional[Sequence[float]] = None, dtype: int = TensorProto.FLOAT) -> onnx.TensorProto:
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    if raw is not None:
        t.raw_data = raw
    if floats is not None:
        t.float_data.extend(floats)
    return t


def _ints(name: str, values: Sequence[int]) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def _rejects(etch_compile, tmp_path: Path, model: onnx.ModelProto, words: Sequence[str],
             flags: Sequence[str] = ()) -> str:
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, path, "m", out_dir, extra_flags=flags, timeout=120)
    detail = runner.describe(proc)
    assert 0 < proc.returncode < 128, f"expected a clean user error, not a crash\n{detail}"
    left = sorted(p.name for p in out_dir.iterdir())
    assert not left, f"left {left} behind\n{detail}"
    message = proc.stderr + proc.stdout
    for w in words:
        assert w in message, f"{w!r} not in:\n{message}"
    for bad in ("Sanitizer", "LLVM ERROR", "libprotobuf FATAL", "Stack dump", "PLEASE submit"):
        assert bad not in message, f"internal failure:\n{message}"
    return message


# --- attribute values libonnx and etch divide or index by ----------------------

@pytest.mark.parametrize("op,attrs,bad", [
    ("AveragePool", dict(kernel_shape=[2, 2], strides=[0, 0]), "strides"),   # SIGFPE in libonnx
    ("MaxPool", dict(kernel_shape=[0, 2]), "kernel_shape"),
    ("MaxPool", dict(kernel_shape=[2, 2], dilations=[0, 1]), "dilations"),
    ("AveragePool", dict(kernel_shape=[BIG, 2]), "kernel_shape"),
    ("AveragePool", dict(kernel_shape=[2, 2], pads=[-3, 0, 0, 0]), "pads"),
])
def test_window_attribute_out_of_range(etch_compile, tmp_path, op, attrs, bad):
    n = helper.make_node(op, ["x"], ["y"], name="pool_0", **attrs)
    model = _model([n], [_vi("x", [1, 1, 8, 8])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["pool_0", bad])


def test_conv_group_zero(etch_compile, tmp_path):
    n = helper.make_node("Conv", ["x", "w"], ["y"], name="conv_0", group=0)
    w = numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")
    model = _model([n], [_vi("x", [1, 2, 8, 8])], [_vi("y", None)], [w])
    _rejects(etch_compile, tmp_path, model, ["conv_0", "group"])


def test_depth_to_space_blocksize_zero(etch_compile, tmp_path):
    n = helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s_0", blocksize=0)
    model = _model([n], [_vi("x", [1, 4, 2, 2])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["d2s_0", "blocksize"])


def test_lstm_absurd_hidden_size(etch_compile, tmp_path):
    n = helper.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm_0", hidden_size=BIG)
    w = numpy_helper.from_array(np.ones((1, 8, 3), np.float32), "w")
    r = numpy_helper.from_array(np.ones((1, 8, 2), np.float32), "r")
    model = _model([n], [_vi("x", [4, 1, 3])], [_vi("y", None)], [w, r])
    _rejects(etch_compile, tmp_path, model, ["lstm_0", "hidden_size"])


def test_axis_out_of_rank(etch_compile, tmp_path):
    n = helper.make_node("Concat", ["x", "x"], ["y"], name="concat_0", axis=5)
    model = _model([n], [_vi("x", [2, 3])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["concat_0", "axis"])


def test_flatten_axis_out_of_rank(etch_compile, tmp_path):
    n = helper.make_node("Flatten", ["x"], ["y"], name="flatten_0", axis=-7)
    model = _model([n], [_vi("x", [2, 3])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["flatten_0", "axis"])


def test_scan_without_body(etch_compile, tmp_path):
    # Found by etch-fuzz-import: SIGSEGV in libonnx's ScanInferenceFunction.
    n = helper.make_node("Scan", ["a"], ["y"], name="scan_0", num_scan_inputs=1)
    model = _model([n], [_vi("a", [2, 3, 4])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["scan_0", "'body'"])


def test_attribute_of_wrong_type(etch_compile, tmp_path):
    then_g = helper.make_graph([helper.make_node("Identity", ["x"], ["t"], name="then_id")],
                               "then", [], [_vi("t", [4])])
    n = helper.make_node("If", ["c"], ["y"], name="if_0", then_branch=then_g, else_branch=3)
    model = _model([n], [_vi("x", [4]), _vi("c", [], TensorProto.BOOL)], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["if_0", "'else_branch'", "GRAPH"])


# --- node arity -------------------------------------------------------------------

def test_nonzero_without_inputs(etch_compile, tmp_path):
    # libprotobuf FATAL CHECK in libonnx shape inference before the fix.
    n = helper.make_node("NonZero", [], ["y"], name="nz_0")
    model = _model([n], [], [_vi("y", None, TensorProto.INT64)])
    _rejects(etch_compile, tmp_path, model, ["nz_0", "0 inputs"])


def test_op_newer_than_opset_without_inputs(etch_compile, tmp_path):
    # Found by etch-fuzz-import: NonZero (opset 9) in an opset-7 model has no
    # schema at the model's opset; the importer read its missing input.
    n = helper.make_node("NonZero", [], ["k"], name="nz_0")
    model = _model([n], [], [], opset=7)
    _rejects(etch_compile, tmp_path, model, ["nz_0", "0 inputs"])


def test_too_many_outputs(etch_compile, tmp_path):
    n = helper.make_node("Relu", ["x"], ["y", "z"], name="relu_0")
    model = _model([n], [_vi("x", [2])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["relu_0", "2 outputs"])


# --- tensor data against dims x dtype ------------------------------------------------

def _add_with(w: onnx.TensorProto, shape=(4, 4)) -> onnx.ModelProto:
    n = helper.make_node("Add", ["x", w.name], ["y"], name="add_0")
    return _model([n], [_vi("x", list(shape))], [_vi("y", None)], [w])


def test_raw_data_shorter_than_dims(etch_compile, tmp_path):
    # heap-buffer-overflow in onnx::ParseData before the fix.
    model = _add_with(_weight("w", [4, 4], raw=b"\0" * 12))
    _rejects(etch_compile, tmp_path, model, ["'w'", "raw_data", "12 bytes"])


def test_raw_data_shape_tensor_short(etch_compile, tmp_path):
    # A shape input libonnx data-propagates (ParseData) with too few bytes.
    shape = _weight("shape", [3], raw=b"\1\0\0\0\0\0\0\0", dtype=TensorProto.INT64)
    n = helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_0")
    model = _model([n], [_vi("x", [2, 3])], [_vi("y", None)], [shape])
    _rejects(etch_compile, tmp_path, model, ["'shape'", "raw_data"])


def test_typed_data_count_mismatch(etch_compile, tmp_path):
    model = _add_with(_weight("w", [4, 4], floats=[1.0, 2.0, 3.0]))
    _rejects(etch_compile, tmp_path, model, ["'w'", "float_data", "3"])


def test_scalar_without_data(etch_compile, tmp_path):
    start = _weight("start", [], dtype=TensorProto.INT64)  # no value at all
    n = helper.make_node("Range", ["start", "limit", "delta"], ["y"], name="range_0")
    model = _model([n], [], [_vi("y", None, TensorProto.INT64)],
                   [start, _ints("limit", 4), _ints("delta", 1)])
    model.graph.initializer[1].dims[:] = []
    model.graph.initializer[2].dims[:] = []
    _rejects(etch_compile, tmp_path, model, ["'start'", "int64_data"])


def test_negative_initializer_dim(etch_compile, tmp_path):
    model = _add_with(_weight("w", [-1, 4], floats=[]))
    _rejects(etch_compile, tmp_path, model, ["'w'", "negative"])


def test_initializer_dims_overflow(etch_compile, tmp_path):
    model = _add_with(_weight("w", [BIG, BIG, BIG], raw=b""))
    _rejects(etch_compile, tmp_path, model, ["'w'", "--max-model-bytes"])


def test_invalid_data_type(etch_compile, tmp_path):
    model = _add_with(_weight("w", [4], raw=b"\0" * 16, dtype=999), shape=(4,))
    _rejects(etch_compile, tmp_path, model, ["'w'", "data type 999"])


def test_constant_node_tensor_checked(etch_compile, tmp_path):
    value = _weight("value", [8], raw=b"\0" * 4)
    n = helper.make_node("Constant", [], ["c"], name="const_0", value=value)
    add = helper.make_node("Add", ["x", "c"], ["y"], name="add_0")
    model = _model([n, add], [_vi("x", [8])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["const_0", "raw_data"])


# --- absurd but representable shapes ---------------------------------------------------

def test_absurd_graph_input_shape(etch_compile, tmp_path):
    # "LLVM ERROR: out of memory" / "SmallVector unable to grow" before the fix.
    n = helper.make_node("Relu", ["x"], ["y"], name="relu_0")
    model = _model([n], [_vi("x", [1 << 20, 1 << 20, 1 << 20])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["'x'", "--max-model-bytes"])


def test_absurd_expanded_shape(etch_compile, tmp_path):
    # Shape inference derives a 14 TB tensor from a 3-element constant.
    n = helper.make_node("Expand", ["x", "shape"], ["y"], name="expand_0")
    model = _model([n], [_vi("x", [1])], [_vi("y", None)], [_ints("shape", [1 << 15, 1 << 15, 1 << 15])])
    _rejects(etch_compile, tmp_path, model, ["expand_0", "--max-model-bytes"])


def test_absurd_constant_of_shape(etch_compile, tmp_path):
    n = helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos_0")
    model = _model([n], [], [_vi("y", None)], [_ints("shape", [BIG, BIG])])
    _rejects(etch_compile, tmp_path, model, ["cos_0"])


def test_reshape_target_overflows(etch_compile, tmp_path):
    n = helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_0")
    model = _model([n], [_vi("x", [2, 2])], [_vi("y", None)], [_ints("shape", [1 << 62, 4, -1])])
    _rejects(etch_compile, tmp_path, model, ["reshape_0"])


def test_max_model_bytes_flag(etch_compile, tmp_path):
    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "w")  # 64 bytes
    model = _add_with(w, shape=(1,))
    _rejects(etch_compile, tmp_path, model, ["'w'", "--max-model-bytes"], flags=["--max-model-bytes=32"])


# --- graph structure ----------------------------------------------------------------------

def test_duplicate_graph_output(etch_compile, tmp_path):
    # SIGSEGV in promoteBufferResultsToOutParams before the fix.
    n = helper.make_node("Relu", ["x"], ["y"], name="relu_0")
    model = _model([n], [_vi("x", [4])], [_vi("y", [4]), _vi("y", [4])])
    _rejects(etch_compile, tmp_path, model, ["'y'", "twice"])


def test_dangling_input(etch_compile, tmp_path):
    n = helper.make_node("Add", ["x", "nowhere"], ["y"], name="add_0")
    model = _model([n], [_vi("x", [4])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["add_0", "'nowhere'", "not produced"])


def test_cycle(etch_compile, tmp_path):
    a = helper.make_node("Add", ["x", "b_out"], ["a_out"], name="a_0")
    b = helper.make_node("Relu", ["a_out"], ["b_out"], name="b_0")
    model = _model([a, b], [_vi("x", [4])], [_vi("b_out", None)])
    _rejects(etch_compile, tmp_path, model, ["a_0", "b_0", "cycle"])


def test_value_produced_twice(etch_compile, tmp_path):
    a = helper.make_node("Relu", ["x"], ["y"], name="relu_0")
    b = helper.make_node("Neg", ["x"], ["y"], name="neg_0")
    model = _model([a, b], [_vi("x", [4])], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["neg_0", "'y'"])


def test_duplicate_initializer(etch_compile, tmp_path):
    w = numpy_helper.from_array(np.ones((4,), np.float32), "w")
    model = _add_with(w, shape=(4,))
    model.graph.initializer.append(w)
    _rejects(etch_compile, tmp_path, model, ["'w'", "twice"])


def test_subgraph_dangling_reference(etch_compile, tmp_path):
    then_g = helper.make_graph([helper.make_node("Identity", ["ghost"], ["t"], name="then_id")],
                               "then", [], [_vi("t", [4])])
    else_g = helper.make_graph([helper.make_node("Identity", ["x"], ["e"], name="else_id")],
                               "else", [], [_vi("e", [4])])
    n = helper.make_node("If", ["c"], ["y"], name="if_0", then_branch=then_g, else_branch=else_g)
    model = _model([n], [_vi("x", [4]), _vi("c", [], TensorProto.BOOL)], [_vi("y", None)])
    _rejects(etch_compile, tmp_path, model, ["then_id", "'ghost'"])


# --- raw protobuf damage -----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_byte_flips_never_crash(etch_compile, tmp_path, seed):
    """A valid model with random bytes flipped: any outcome but a crash."""
    w = numpy_helper.from_array(np.arange(16, dtype=np.float32).reshape(4, 4), "w")
    data = bytearray(_add_with(w).SerializeToString())
    rng = np.random.default_rng(seed)
    for pos in rng.integers(0, len(data), size=6):
        data[pos] ^= int(rng.integers(1, 256))
    path = tmp_path / "m.onnx"
    path.write_bytes(bytes(data))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, path, "m", out_dir, timeout=120)
    assert 0 <= proc.returncode < 128, runner.describe(proc)
    if proc.returncode:
        assert not list(out_dir.iterdir()), runner.describe(proc)
