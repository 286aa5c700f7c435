"""Self-test of harness.c and the runner against a hand-written model
(selftest/fake_model.c, y = relu(x)); needs no etch-compile. Also proves the
checks can fail: an unwritten output element and an arena overrun are caught."""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from etch_testing import reference, runner
from etch_testing.onnx_build import make_model, node

SELFTEST = Path(__file__).resolve().parent / "selftest"
NAME = "fake_relu"


def build_fake(tmp_path: Path, *defines: str, link_flags=()):
    """Writes the reference case and fake_relu.{o,h} as etch-compile would;
    returns (harness executable, manifest)."""
    model = make_model(NAME, 13, [node("Relu", ["x"], ["y"], "relu_0")], [("x", [2, 3, 4])], ["y"])
    manifest = reference.write_case(model, str(tmp_path), NAME)
    shutil.copy(SELFTEST / f"{NAME}.h", tmp_path)
    obj = tmp_path / f"{NAME}.o"
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Werror", f"-I{runner.RUNTIME_INCLUDE}",
                    f"-I{tmp_path}", *[f"-D{d}" for d in defines], "-c", str(SELFTEST / "fake_model.c"),
                    "-o", str(obj)], check=True)
    return runner.build_harness(NAME, tmp_path, manifest, link_flags=link_flags), manifest


def outputs_vs_reference(tmp_path, manifest, outs):
    refs = [reference.read_tensor(str(tmp_path / t.file), t) for t in manifest.outputs]
    return [runner.compare(t.name, o, r) for t, o, r in zip(manifest.outputs, outs, refs)]


def test_harness_selftest(tmp_path):
    exe, manifest = build_fake(tmp_path)
    outs = runner.run_harness(exe, tmp_path, manifest, check_args=True)
    assert outputs_vs_reference(tmp_path, manifest, outs) == [None]
    x = reference.read_tensor(str(tmp_path / "in0.bin"), manifest.inputs[0])
    np.testing.assert_array_equal(outs[0], np.maximum(x, 0))
    assert (x < 0).any() and (x > 0).any()


def test_harness_catches_unwritten_output(tmp_path):
    exe, manifest = build_fake(tmp_path, "FAKE_RELU_SKIP_LAST")
    outs = runner.run_harness(exe, tmp_path, manifest)
    [error] = outputs_vs_reference(tmp_path, manifest, outs)
    assert error and "NaN" in error, error


def test_harness_catches_arena_overrun(tmp_path):
    exe, manifest = build_fake(tmp_path, "FAKE_RELU_OVERRUN")
    with pytest.raises(runner.CaseFailure, match="past its arena"):
        runner.run_harness(exe, tmp_path, manifest)


def test_harness_rejects_wrong_input_size(tmp_path):
    exe, manifest = build_fake(tmp_path)
    (tmp_path / manifest.inputs[0].file).write_bytes(b"\0" * 8)
    with pytest.raises(runner.CaseFailure, match="must be 96 bytes"):
        runner.run_harness(exe, tmp_path, manifest)


def test_compare_tolerance():
    ref = np.array([0.0, 2.0, -4.0], dtype=np.float32)
    assert runner.compare("y", ref + np.float32(3e-4), ref) is None  # 1e-4 * 4
    assert "tolerance" in runner.compare("y", ref + np.float32(5e-4), ref)
    assert "shape" in runner.compare("y", ref[:2], ref)


def test_harness_links_only_libc(tmp_path):
    """An object that calls into the runtime does not link with libc alone."""
    with pytest.raises(runner.CaseFailure, match="etch_parallel_for"):
        build_fake(tmp_path, "FAKE_RELU_PARALLEL")


def test_harness_threaded_runtime(tmp_path):
    """The same object links against the built runtime and runs on the pool."""
    flags = runner.threaded_link_flags()
    lib = Path(flags[0][2:]) / "libetch_runtime_threads.a"
    assert lib.is_file(), f"{lib} missing: build the runtime (scripts/setup.sh) or set ETCH_BUILD_DIR"
    exe, manifest = build_fake(tmp_path, "FAKE_RELU_PARALLEL", link_flags=flags)
    outs = runner.run_harness(exe, tmp_path, manifest, env={"ETCH_NUM_THREADS": "3"})
    assert outputs_vs_reference(tmp_path, manifest, outs) == [None]
