"""User errors: etch-compile must exit non-zero with a message that names the
culprit (ONNX node, op, tensor or file) and leave no .o or .h behind."""

from pathlib import Path

import onnx
from onnx import TensorProto, helper

from etch_testing import models, runner
from etch_testing.onnx_build import make_model, node


def compile_expecting_failure(etch_compile, model_path: Path, name: str, tmp_path: Path) -> str:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, model_path, name, out_dir)
    detail = runner.describe(proc)
    assert 0 < proc.returncode < 128, f"expected a clean non-zero exit (not a crash)\n{detail}"
    left = sorted(p.name for p in out_dir.iterdir())
    assert not left, f"etch-compile left {left} behind after failing\n{detail}"
    message = proc.stderr + proc.stdout
    assert message.strip(), f"etch-compile failed silently\n{detail}"
    return message


def test_truncated_onnx_file(etch_compile, tmp_path):
    _, model = models.single_op_models()[0]
    data = model.SerializeToString()
    path = tmp_path / "truncated.onnx"
    path.write_bytes(data[: len(data) // 2])
    message = compile_expecting_failure(etch_compile, path, "truncated", tmp_path)
    assert "truncated.onnx" in message, message


def test_missing_initializer(etch_compile, tmp_path):
    # add_0 reads "w_missing", which no initializer, input or node provides.
    model = make_model("missing_init", 13, [node("Add", ["x", "w_missing"], ["y"], "add_0")],
                       [("x", [2, 3])], ["y"], check=False)
    path = tmp_path / "missing_init.onnx"
    onnx.save(model, path)
    message = compile_expecting_failure(etch_compile, path, "missing_init", tmp_path)
    assert "add_0" in message, message
    assert "w_missing" in message, message


def test_unsupported_op(etch_compile, tmp_path):
    graph = helper.make_graph(
        [node("NonMaxSuppression", ["boxes", "scores"], ["selected"], "nms_0")],
        "nms",
        [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, 6, 4]),
         helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 1, 6])],
        [helper.make_tensor_value_info("selected", TensorProto.INT64, ["num_selected", 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = tmp_path / "nms.onnx"
    onnx.save(model, path)
    message = compile_expecting_failure(etch_compile, path, "nms", tmp_path)
    assert "nms_0" in message, message
    assert "NonMaxSuppression" in message, message
