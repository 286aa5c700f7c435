"""etch-compile --profile and etch-bench: the per-layer profile.

A small CNN with named nodes is compiled with --profile and run through
etch-bench: every layer in its table must be an ONNX node of the model, the
shares must account for the whole run, and the conv's FLOPs must be what its
shape says. Objects built without --profile must not reference the profile
runtime, and bare-metal targets must refuse the flag.
"""

import json
import os
import shutil
from pathlib import Path

import onnx
import pytest

from etch_testing import runner
from etch_testing.onnx_build import Rand, make_model, node

# conv_a: 3->16 channels, 3x3, 48x48 output; the rest keeps it small.
CIN, COUT, HW, K = 3, 16, 48, 3


def small_cnn() -> onnx.ModelProto:
    r = Rand("profile_cnn")
    nodes = [
        node("Conv", ["x", "w1", "b1"], ["c1"], "conv_a", pads=[1, 1, 1, 1]),
        node("Relu", ["c1"], ["r1"], "relu_a"),
        node("MaxPool", ["r1"], ["p1"], "pool_a", kernel_shape=[2, 2], strides=[2, 2]),
        node("Conv", ["p1", "w2", "b2"], ["c2"], "conv_b", pads=[1, 1, 1, 1]),
        node("Sigmoid", ["c2"], ["s2"], "sigmoid_b"),
        node("GlobalAveragePool", ["s2"], ["g"], "gap"),
        node("Flatten", ["g"], ["f"], "flatten"),
        node("Gemm", ["f", "wf", "bf"], ["y"], "fc", transB=1),
    ]
    inits = {
        "w1": r.normal([COUT, CIN, K, K], 0.3), "b1": r.normal([COUT], 0.1),
        "w2": r.normal([32, COUT, K, K], 0.1), "b2": r.normal([32], 0.1),
        "wf": r.normal([10, 32], 0.2), "bf": r.normal([10], 0.1),
    }
    return make_model("profile_cnn", 13, nodes, [("x", [1, CIN, HW, HW])], ["y"], inits)


def find_tool(name: str) -> Path:
    path = runner.build_dir() / "bin" / name
    if not path.is_file():
        if os.environ.get("ETCH_REQUIRE_COMPILER") == "1":
            pytest.fail(f"{path} not built")
        pytest.skip(f"{path} not built")
    return path


def undefined_symbols(obj: Path):
    nm = shutil.which("llvm-nm-22") or shutil.which("llvm-nm") or "nm"
    proc = runner.run([nm, "-u", obj])
    assert proc.returncode == 0, runner.describe(proc)
    return [line.split()[-1] for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "profile_cnn.onnx"
    onnx.save(small_cnn(), path)
    return path


def test_etch_bench_layers_are_onnx_nodes(etch_compile, model_path, tmp_path):
    bench = find_tool("etch-bench")
    proc = runner.run([bench, model_path, "--runs=5", "--warmup=1", "--json",
                       "--peak-gflops=100", f"--etch-compile={etch_compile}"])
    assert proc.returncode == 0, runner.describe(proc)
    report = json.loads(proc.stdout)
    nodes = {n.name for n in onnx.load(str(model_path)).graph.node}
    layers = report["layers"]
    names = [layer["name"] for layer in layers]
    assert names, report
    assert set(names) <= nodes, f"not ONNX node names: {set(names) - nodes}"
    assert len(names) == len(set(names)), f"a layer listed twice: {names}"
    # The compute-heavy nodes are their own layers (relu_a may fuse into conv_a).
    assert {"conv_a", "conv_b", "fc"} <= set(names), names
    ops = {layer["name"]: layer["op"] for layer in layers}
    assert ops["conv_a"] == "conv" and ops["fc"] == "gemm", ops
    shares = sum(layer["share"] for layer in layers)
    assert 0.9 <= shares <= 1.0 + 1e-6, f"layer shares sum to {shares:.3f}"
    assert report["profiled_total_ms"] > 0 and report["wall_median_ms"] > 0
    assert report["peak_gflops"] == pytest.approx(100.0)
    # conv_a: 2 flops per multiply-add, plus at most a bias add and a relu
    # per output if they were fused into its layer.
    macs = COUT * HW * HW * CIN * K * K
    gflop = {layer["name"]: layer["gflop"] for layer in layers}
    assert 2 * macs / 1e9 <= gflop["conv_a"] <= (2 * macs + 3 * COUT * HW * HW) / 1e9, gflop
    assert gflop["fc"] >= 2 * 10 * 32 / 1e9, gflop


def test_etch_bench_table(etch_compile, model_path):
    bench = find_tool("etch-bench")
    proc = runner.run([bench, model_path, "--runs=3", "--warmup=1", f"--etch-compile={etch_compile}"])
    assert proc.returncode == 0, runner.describe(proc)
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("#"))
    assert header.split() == ["#", "layer", "op", "ms", "share", "GFLOP/s", "%peak", "fused"], header
    assert any(line.split()[1:3] == ["conv_a", "conv"] for line in lines if line.split()), proc.stdout
    assert any(line.split()[:1] == ["total"] for line in lines), proc.stdout


def test_profile_symbols_only_with_flag(etch_compile, model_path, tmp_path):
    plain = runner.compile_model(etch_compile, model_path, "plain", tmp_path)
    assert plain.returncode == 0, runner.describe(plain)
    prof = runner.compile_model(etch_compile, model_path, "prof", tmp_path, extra_flags=["--profile"])
    assert prof.returncode == 0, runner.describe(prof)
    plain_syms = undefined_symbols(tmp_path / "plain.o")
    assert not [s for s in plain_syms if s.startswith("etch_")], plain_syms
    prof_syms = set(undefined_symbols(tmp_path / "prof.o"))
    assert {"etch_profile_begin", "etch_profile_mark", "etch_profile_end"} <= prof_syms, prof_syms
    header = (tmp_path / "prof.h").read_text()
    assert "#define PROF_PROFILE 1" in header and "prof_profile(void)" in header, header
    assert "_profile" not in (tmp_path / "plain.h").read_text()


@pytest.mark.parametrize("triple", ["thumbv7em-none-eabihf", "aarch64-none-elf"])
def test_profile_rejected_on_bare_metal(etch_compile, model_path, tmp_path, triple):
    out = tmp_path / "out"
    out.mkdir()
    proc = runner.run([etch_compile, model_path, f"--target={triple}", "--profile", "-o", out / "m.o"])
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "bare-metal" in proc.stderr and "--profile" in proc.stderr, proc.stderr
    assert not list(out.iterdir())


def test_profiled_object_matches_onnxruntime(etch_compile, model_path, tmp_path):
    """Instrumenting changes timing only: the outputs still match ONNX Runtime
    (the harness links libetch_runtime.a, which holds etch_profile_*)."""
    lib = runner.build_dir() / "runtime"
    if not (lib / "libetch_runtime.a").is_file():
        pytest.skip("libetch_runtime.a not built")
    runner.run_case("profiled", onnx.load(str(model_path)), tmp_path, etch_compile,
                    extra_flags=["--profile"], link_flags=[f"-L{lib}", "-letch_runtime"])


def test_profiled_object_on_aarch64_linux(etch_compile, model_path, tmp_path):
    """--profile is a host feature, not an x86 one: an AArch64 Linux object
    links the runtime's profile.c (compiled for it here) and still matches
    ONNX Runtime under qemu-aarch64."""
    target = runner.AARCH64_LINUX
    if not target.available():
        msg = f"{target.id}: {target.cc[0]} or {target.run_prefix[0]} not installed (scripts/setup.sh)"
        if os.environ.get("ETCH_REQUIRE_EMBEDDED") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    profile_c = runner.REPO / "runtime" / "src" / "profile.c"
    runner.run_case("profiled_a64", onnx.load(str(model_path)), tmp_path, etch_compile, target,
                    extra_flags=["--profile"], link_flags=[profile_c])
