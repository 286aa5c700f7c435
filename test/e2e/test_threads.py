"""etch-compile --threads: models compiled for 2 threads and linked with the
runtime's thread pool match ONNX Runtime and, bit for bit, the same model
compiled for 1 thread (natively and for aarch64-linux-gnu under qemu-aarch64);
--threads=1 objects need nothing but the C library; bare-metal targets
reject --threads>1."""

import re
import shutil

import numpy as np
import pytest

from etch_testing import composites, runner
from etch_testing.onnx_build import Rand, make_model, single
from onnx import helper


def _models():
    out = [composites.small_cnn(), composites.residual_block(), composites.mobilenet_block(),
           composites.strided_downsample()]
    r = Rand("threads_matmul")
    # Row and column counts that no tile divides: the distributed loop is peeled.
    out.append(single("threads_matmul", "MatMul", 13, [("a", [37, 96])], {"b": r.normal([96, 83], 0.5)}))
    r = Rand("threads_depthwise")
    out.append(single("threads_depthwise", "Conv", 13, [("x", [1, 32, 19, 19])],
                      {"w": r.normal([32, 1, 3, 3], 0.5)}, group=32, pads=[1, 1, 1, 1]))
    r = Rand("threads_conv")
    out.append(single("threads_conv", "Conv", 13, [("x", [1, 24, 15, 15])],
                      {"w": r.normal([40, 24, 3, 3], 0.2), "b": r.normal([40])}, strides=[2, 2]))
    out.append(_two_class_head())
    return out


def _two_class_head():
    """Conv -> GlobalAveragePool -> Gemm to 2 classes -> Softmax: the softmax's
    parallel loop uses a 2-lane vector that loop-invariant hoisting read in
    front of it, which reaches its thread through a stack slot."""
    r = Rand("threads_two_class")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("GlobalAveragePool", ["r"], ["p"], name="gap"),
             helper.make_node("Flatten", ["p"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["g"], name="fc", transB=1),
             helper.make_node("Softmax", ["g"], ["y"], name="softmax", axis=1)]
    inits = {"w": r.normal([8, 3, 3, 3], 0.3), "fw": r.normal([2, 8], 0.3), "fb": r.normal([2], 0.3)}
    return "threads_two_class", make_model("threads_two_class", 13, nodes, [("x", [1, 3, 16, 16])], ["y"], inits)


MODELS = _models()
TARGETS = [runner.HOST, runner.AARCH64_LINUX]


def _require(target):
    if not target.available():
        pytest.skip(f"{target.id}: toolchain or emulator not installed")


def pool_link_flags(target):
    """The thread pool for `target`: the built archives on the host; for
    another target its source, compiled by that target's compiler
    (harness.c's link already compiles runtime/src/status.c the same way)."""
    if target is runner.HOST:
        return runner.threaded_link_flags()
    return [runner.REPO / "runtime" / "src" / "parallel_pthread.c", "-lpthread"]


def undefined_symbols(obj):
    nm = shutil.which("llvm-nm") or shutil.which("llvm-nm-22") or "nm"
    proc = runner.run([nm, "-u", obj])
    assert proc.returncode == 0, runner.describe(proc)
    return {line.split()[-1] for line in proc.stdout.splitlines() if line.strip()}


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
@pytest.mark.parametrize("name,model", MODELS, ids=[n for n, _ in MODELS])
def test_two_threads_match_ort_and_one_thread(name, model, target, etch_compile, tmp_path):
    _require(target)
    two = runner.run_case(name, model, tmp_path / "t2", etch_compile, target, extra_flags=["--threads=2"],
                          link_flags=pool_link_flags(target))
    header = (tmp_path / "t2" / f"{name}.h").read_text()
    assert re.search(rf"#define {name.upper()}_THREADS 2\b", header), header
    obj2 = tmp_path / "t2" / f"{name}.o"
    assert "etch_parallel_for_tid" in undefined_symbols(obj2), \
        f"{name}: the --threads=2 object never calls the thread pool"

    one = runner.run_case(name, model, tmp_path / "t1", etch_compile, target)
    extra = {s for s in undefined_symbols(tmp_path / "t1" / f"{name}.o")
             if not re.fullmatch(r"(memcpy|memset|memmove)", s)}
    assert not extra, f"{name}: the --threads=1 object needs more than the C library: {sorted(extra)}"
    for k, (a, b) in enumerate(zip(two.outputs, one.outputs)):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), \
            f"{name}: output {k} differs between 2 threads and 1 thread"


def test_two_threads_run_on_one_without_pool(etch_compile, tmp_path):
    """A --threads=2 object linked without the pool takes the weak serial
    fallback of libetch_runtime.a and still computes the right outputs."""
    name, model = MODELS[0]
    lib = runner.build_dir() / "runtime"
    runner.run_case(name, model, tmp_path, etch_compile, extra_flags=["--threads=2"],
                    link_flags=[f"-L{lib}", "-letch_runtime"])


@pytest.mark.parametrize("triple", ["thumbv7em-none-eabihf", "aarch64-none-elf"])
def test_bare_metal_rejects_threads(triple, etch_compile, tmp_path):
    name, model = MODELS[0]
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    proc = runner.run([etch_compile, path, f"--target={triple}", "--threads=2", "-o", tmp_path / "m.o"])
    assert proc.returncode != 0
    assert "bare metal" in proc.stderr and "--threads=1" in proc.stderr, proc.stderr
    assert not (tmp_path / "m.o").exists()


@pytest.mark.parametrize("flag", ["--threads=0", "--threads=-3", "--threads=1000"])
def test_bad_thread_count(flag, etch_compile, tmp_path):
    name, model = MODELS[0]
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    proc = runner.run([etch_compile, path, flag, "-o", tmp_path / "m.o"])
    assert proc.returncode != 0
    assert "thread count must be 1 to 256" in proc.stderr, proc.stderr
    assert not (tmp_path / "m.o").exists()


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["mobilenet_v2", "resnet18"])
def test_torchvision_two_threads(arch, etch_compile, model_cache, tmp_path):
    """Whole networks at 2 threads: ONNX Runtime's outputs, and bit for bit
    the 1-thread object's."""
    import onnx

    from etch_testing import torchvision_models

    name = f"{arch}_op13"
    model = onnx.load(str(torchvision_models.export(arch, 13, model_cache / f"{name}.onnx")))
    two = runner.run_case(name, model, tmp_path / "t2", etch_compile, extra_flags=["--threads=2"],
                          link_flags=runner.threaded_link_flags())
    one = runner.run_case(name, model, tmp_path / "t1", etch_compile)
    for a, b in zip(two.outputs, one.outputs):
        assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), f"{name}: 2 threads != 1 thread"
