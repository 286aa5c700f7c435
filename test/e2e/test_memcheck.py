"""Generated code under valgrind memcheck (issue 15).

Objects for a few models, compiled for x86-64-v3 (AVX2/FMA code paths), run
in the e2e harness under `valgrind --error-exitcode`: no invalid read or
write, and no uninitialised value reaching an output. With ETCH_NO_POISON=1
the harness leaves the arena and the output buffers undefined, so memcheck
flags any byte read before it is written, and any output byte never written
(at the write of the output file). The outputs are also compared with ONNX
Runtime.

Skips only where valgrind is missing outside CI (scripts/setup.sh installs it;
scripts/test.sh sets ETCH_REQUIRE_VALGRIND=1).
"""

import os
import shutil
import subprocess
from pathlib import Path

import onnx
import pytest

from etch_testing import models, reference, runner, torchvision_models
from etch_testing.onnx_build import make_model, node

REPO = Path(__file__).resolve().parents[2]
FLAGS = ["--mcpu=x86-64-v3"]


def _valgrind() -> str:
    path = shutil.which("valgrind")
    if path:
        return path
    if os.environ.get("ETCH_REQUIRE_VALGRIND") == "1" or os.environ.get("CI"):
        pytest.fail("valgrind not found (scripts/setup.sh installs it)")
    pytest.skip("valgrind not found")


def _memcheck(name: str, model: onnx.ModelProto, case_dir: Path, etch_compile: str,
              link_flags=(), env=None) -> None:
    valgrind = _valgrind()
    manifest = reference.write_case(model, str(case_dir), name)
    proc = runner.compile_model(etch_compile, case_dir / manifest.model, name, case_dir, extra_flags=FLAGS)
    assert proc.returncode == 0, runner.describe(proc)
    exe = runner.build_harness(name, case_dir, manifest, link_flags=link_flags)
    ins = [str(case_dir / t.file) for t in manifest.inputs]
    outs = [case_dir / f"out{k}.bin" for k in range(len(manifest.outputs))]
    cmd = [valgrind, "--tool=memcheck", "--error-exitcode=99", "--track-origins=yes",
           "--leak-check=no", "-q", str(exe), *ins, "--", *map(str, outs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "ETCH_NO_POISON": "1", **(env or {})})
    detail = runner.describe(proc)
    assert proc.returncode != 99, f"memcheck found errors in the generated code\n{detail}"
    assert proc.returncode == 0, detail
    assert "Invalid" not in proc.stderr and "uninitialised" not in proc.stderr, detail
    for t, o in zip(manifest.outputs, outs):
        got = reference.read_tensor(str(o), t)
        ref = reference.read_tensor(str(case_dir / t.file), t)
        error = runner.compare(t.name, got, ref)
        assert error is None, error


def test_memcheck_mnist_example(etch_compile, tmp_path):
    model = onnx.load(str(REPO / "examples" / "mnist_cnn" / "mnist_cnn.onnx"))
    _memcheck("mnist_cnn", model, tmp_path, etch_compile)


def test_memcheck_kws_example(etch_compile, tmp_path):
    model = onnx.load(str(REPO / "examples" / "cortex-m" / "kws.onnx"))
    _memcheck("kws", model, tmp_path, etch_compile)


@pytest.mark.parametrize("name", ["cnn_small_op13"])
def test_memcheck_composite(name, etch_compile, tmp_path):
    model = dict(models.composite_models())[name]
    _memcheck(name, model, tmp_path, etch_compile)


@pytest.mark.slow
def test_memcheck_squeezenet(etch_compile, model_cache, tmp_path):
    path = torchvision_models.export("squeezenet1_1", 13, model_cache / "squeezenet1_1_op13.onnx")
    _memcheck("squeezenet1_1_op13", onnx.load(str(path)), tmp_path, etch_compile)


def test_memcheck_catches_unwritten_output(tmp_path):
    """The check can fail: the hand-written selftest model that skips its
    last output element is reported (the undefined byte reaches write())."""
    valgrind = _valgrind()
    selftest = Path(__file__).resolve().parent / "selftest"
    name = "fake_relu"
    model = make_model(name, 13, [node("Relu", ["x"], ["y"], "relu_0")], [("x", [2, 3, 4])], ["y"])
    manifest = reference.write_case(model, str(tmp_path), name)
    shutil.copy(selftest / f"{name}.h", tmp_path)
    obj = tmp_path / f"{name}.o"
    subprocess.run(["cc", "-std=c11", "-O2", f"-I{runner.RUNTIME_INCLUDE}", f"-I{tmp_path}",
                    "-DFAKE_RELU_SKIP_LAST", "-c", str(selftest / "fake_model.c"), "-o", str(obj)], check=True)
    exe = runner.build_harness(name, tmp_path, manifest)
    proc = subprocess.run([valgrind, "--error-exitcode=99", "-q", str(exe), str(tmp_path / manifest.inputs[0].file),
                           "--", str(tmp_path / "out0.bin")], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "ETCH_NO_POISON": "1"})
    assert proc.returncode == 99, runner.describe(proc)
    assert "uninitialised" in proc.stderr, proc.stderr
