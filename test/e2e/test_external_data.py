"""External data is confined to the model's folder (issue 15).

A model names its weight files; etch must open only regular files inside the
model's own folder, check offset + length against the file size before reading,
and fail with a user error (naming the initializer) otherwise. The secret file
below lives next to the model's folder, so a compile that reads it would embed
its bytes in the object: each test checks for that too.
"""

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from etch_testing import runner

SECRET = b"etch-test-secret-0123456789abcdef"  # 32 bytes = 8 floats


def _model_with_external(location: str, offset: int = 0, length: int | None = 32) -> onnx.ModelProto:
    w = TensorProto()
    w.name = "w"
    w.data_type = TensorProto.FLOAT
    w.dims.extend([8])
    w.data_location = TensorProto.EXTERNAL
    entries = [("location", location), ("offset", str(offset))]
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        e = w.external_data.add()
        e.key, e.value = key, value
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add_w")], "ext",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8])], initializer=[w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def _setup(tmp_path: Path, location: str, **kw) -> tuple[Path, Path]:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(SECRET)
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    path = model_dir / "m.onnx"
    path.write_bytes(_model_with_external(location, **kw).SerializeToString())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    return path, out_dir


def _expect_rejected(etch_compile, tmp_path, location, words, **kw):
    path, out_dir = _setup(tmp_path, location, **kw)
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    detail = runner.describe(proc)
    assert 0 < proc.returncode < 128, f"expected a clean user error\n{detail}"
    assert not list(out_dir.iterdir()), f"left output behind\n{detail}"
    message = proc.stderr + proc.stdout
    assert "'w'" in message, message
    for w in words:
        assert w in message, f"{w!r} not in:\n{message}"


def test_escaping_location_rejected(etch_compile, tmp_path):
    _expect_rejected(etch_compile, tmp_path, "../secret.bin", ["leaves the model's folder"])


def test_deep_escape_to_etc_passwd_rejected(etch_compile, tmp_path):
    _expect_rejected(etch_compile, tmp_path, "../../../../../../../../etc/passwd",
                     ["leaves the model's folder"], length=None)


def test_absolute_location_rejected(etch_compile, tmp_path):
    _expect_rejected(etch_compile, tmp_path, str(tmp_path / "secret.bin"), ["is absolute"])


def test_symlink_out_of_folder_rejected(etch_compile, tmp_path):
    path, _ = _setup(tmp_path, "link.bin")
    os.symlink(tmp_path / "secret.bin", path.parent / "link.bin")
    out_dir = tmp_path / "out2"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    message = proc.stderr + proc.stdout
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "outside the model's folder" in message, message
    assert not list(out_dir.iterdir())


def test_symlinked_folder_escape_rejected(etch_compile, tmp_path):
    # A directory symlink inside the folder that points outside it.
    path, _ = _setup(tmp_path, "sub/secret.bin")
    os.symlink(tmp_path, path.parent / "sub")
    out_dir = tmp_path / "out2"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    message = proc.stderr + proc.stdout
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "outside the model's folder" in message, message


@pytest.mark.parametrize("size,offset", [(16, 0), (32, 8), (0, 0)])
def test_short_file_rejected_not_sigbus(etch_compile, tmp_path, size, offset):
    path, _ = _setup(tmp_path, "w.bin", offset=offset)
    (path.parent / "w.bin").write_bytes(SECRET[:size])
    out_dir = tmp_path / "out2"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    message = proc.stderr + proc.stdout
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "lies past its end" in message, message


def test_huge_offset_rejected(etch_compile, tmp_path):
    # offset + length overflows 64 bits: must not wrap around to "fits".
    path, out_dir = _setup(tmp_path, "w.bin", offset=2**64 - 8)
    (path.parent / "w.bin").write_bytes(SECRET)
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "lies past its end" in proc.stderr + proc.stdout
    assert not list(out_dir.iterdir())


def test_directory_location_rejected(etch_compile, tmp_path):
    path, _ = _setup(tmp_path, "d")
    (path.parent / "d").mkdir()
    out_dir = tmp_path / "out2"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "not a regular file" in proc.stderr + proc.stdout


def test_inside_folder_still_works(etch_compile, tmp_path):
    """A well-formed model with data in a subfolder compiles and the object carries it."""
    path, out_dir = _setup(tmp_path, "data/w.bin", offset=4)
    (path.parent / "data").mkdir()
    weights = np.arange(8, dtype=np.float32)
    (path.parent / "data" / "w.bin").write_bytes(b"pad!" + weights.tobytes())
    proc = runner.compile_model(etch_compile, path, "ext", out_dir)
    assert proc.returncode == 0, runner.describe(proc)
    obj = (out_dir / "ext.o").read_bytes()
    assert weights.tobytes() in obj
