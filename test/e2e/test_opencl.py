"""The OpenCL target on PoCL (pocl-opencl-icd, a CPU device): every foundation
single-op model, the composite CNNs and MobileNetV2 / ResNet-18 compiled with
--target=opencl, linked with libetch_runtime_opencl.a and -lOpenCL, run and
compared with ONNX Runtime; the runtime's failure paths (no platform, a
kernel that does not build) give a status and a message, not a crash."""

import os
import shutil
import subprocess
from pathlib import Path

import onnx
import pytest

from etch_testing import models, runner, torchvision_models

REPO = Path(__file__).resolve().parents[2]
OPENCL = runner.opencl_target()
CASES = models.single_op_models()
COMPOSITES = models.composite_models()


@pytest.fixture(scope="module")
def opencl_runtime():
    lib = runner.build_dir() / "runtime" / "opencl" / "libetch_runtime_opencl.a"
    if not lib.is_file():
        pytest.fail(f"{lib} is not built (the OpenCL headers and ICD loader come from scripts/setup.sh)")
    return lib


@pytest.mark.parametrize("name,model", CASES, ids=[n for n, _ in CASES])
def test_opencl_single_op(name, model, etch_compile, opencl_runtime, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile, OPENCL)


@pytest.mark.parametrize("name,model", COMPOSITES, ids=[n for n, _ in COMPOSITES])
def test_opencl_composite(name, model, etch_compile, opencl_runtime, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile, OPENCL)


def _single_node_model(op: str, shape, out_shape, **attrs) -> onnx.ModelProto:
    x = onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, shape)
    y = onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, out_shape)
    node = onnx.helper.make_node(op, ["x"], ["y"], **attrs)
    graph = onnx.helper.make_graph([node], op.lower(), [x], [y])
    return onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 13)])


# Reductions long enough (>= 64 elements) for one work-group per output.
WORKGROUP_REDUCTIONS = [
    ("softmax_last_wide", "softmax", _single_node_model("Softmax", [4, 300], [4, 300], axis=-1)),
    ("softmax_axis1_wide", "softmax", _single_node_model("Softmax", [2, 100, 3], [2, 100, 3], axis=1)),
    ("reducemax_last_wide", "reduction", _single_node_model("ReduceMax", [3, 70], [3, 1], axes=[1], keepdims=1)),
    ("reducemean_hw_wide", "reduction", _single_node_model("ReduceMean", [2, 4, 9, 9], [2, 4, 1, 1], axes=[2, 3])),
    ("reducemin_last_wide", "reduction", _single_node_model("ReduceMin", [5, 1000], [5], axes=[1], keepdims=0)),
    ("globalavgpool_wide", "reduction", _single_node_model("GlobalAveragePool", [1, 16, 10, 10], [1, 16, 1, 1])),
    ("logsoftmax_wide", None, _single_node_model("LogSoftmax", [3, 200], [3, 200], axis=-1)),
]


@pytest.mark.parametrize("name,pattern,model", [c for c in WORKGROUP_REDUCTIONS if c[2] is not None],
                         ids=[c[0] for c in WORKGROUP_REDUCTIONS if c[2] is not None])
def test_opencl_workgroup_reductions(name, pattern, model, etch_compile, opencl_runtime, tmp_path):
    """Softmax and reductions over 64+ elements run one work-group per output
    row (a __local tree) and match ONNX Runtime."""
    cl = tmp_path / "cl"
    runner.run_case(name, model, tmp_path, etch_compile, OPENCL, extra_flags=[f"--emit-opencl={cl}"])
    text = (cl / f"{name}.cl").read_text()
    if pattern:
        assert f"pattern={pattern}" in text, text
        assert "__local" in text and "barrier(CLK_LOCAL_MEM_FENCE)" in text, text


def test_opencl_run_checks_its_arguments(etch_compile, opencl_runtime, tmp_path):
    name, model = next((n, m) for n, m in COMPOSITES if n == "cnn_small_op13")
    runner.run_case(name, model, tmp_path, etch_compile, OPENCL, check_args=True)


@pytest.mark.slow
@pytest.mark.parametrize("name,arch,opset", torchvision_models.cases(),
                         ids=[c[0] for c in torchvision_models.cases()])
def test_opencl_torchvision(name, arch, opset, etch_compile, opencl_runtime, model_cache, tmp_path):
    path = torchvision_models.export(arch, opset, model_cache / f"{name}.onnx")
    runner.run_case(name, onnx.load(str(path)), tmp_path, etch_compile, OPENCL)


def test_opencl_no_platform(etch_compile, opencl_runtime, tmp_path):
    """Without any OpenCL platform (the ICD loader finds no vendor file), run
    returns ETCH_ERR_DEVICE with a message instead of crashing."""
    name, model = next((n, m) for n, m in CASES if n == "relu_op13")
    with pytest.raises(runner.CaseFailure) as info:
        case = tmp_path / "case"
        manifest = runner.reference.write_case(model, str(case), name)
        proc = runner.compile_model(etch_compile, case / manifest.model, name, case, OPENCL)
        assert proc.returncode == 0, runner.describe(proc)
        exe = runner.build_harness(name, case, manifest, OPENCL)
        empty = tmp_path / "no-vendors"
        empty.mkdir()
        runner.run_harness(exe, case, manifest, OPENCL, env={"OCL_ICD_VENDORS": str(empty)})
    text = str(info.value)
    assert "exit status 1" in text, text
    assert "no OpenCL platform found" in text, text
    assert "ETCH_ERR_DEVICE" in text, text


def test_opencl_build_failure_reports_log(opencl_runtime, tmp_path):
    """A kernel that does not compile: ETCH_ERR_DEVICE, no state, and the
    build log reaches the log hook."""
    exe = tmp_path / "build_failure"
    src = REPO / "test" / "e2e" / "opencl" / "build_failure.c"
    cmd = ["cc", "-std=c11", "-O1", f"-I{runner.RUNTIME_INCLUDE}", f"-I{REPO / 'runtime' / 'opencl' / 'include'}",
           src, runner.STATUS_C, opencl_runtime, "-lOpenCL", "-o", exe]
    proc = runner.run(cmd)
    assert proc.returncode == 0, runner.describe(proc)
    proc = runner.run([exe])
    assert proc.returncode == 0, runner.describe(proc)
    assert "status 4 (ETCH_ERR_DEVICE)" in proc.stdout


def test_opencl_runtime_entry_points(opencl_runtime, tmp_path):
    """The entry points the generated host code calls: a hand-written launch
    sequence computes the right values; bad indices, work_dim and NULL state
    are statuses with messages; fp16 falls back to the fp32 source or is
    ETCH_ERR_UNSUPPORTED without one."""
    exe = tmp_path / "entry_points"
    src = REPO / "test" / "e2e" / "opencl" / "entry_points.c"
    cmd = ["cc", "-std=c11", "-O1", "-Wall", "-Werror", f"-I{runner.RUNTIME_INCLUDE}",
           f"-I{REPO / 'runtime' / 'opencl' / 'include'}", src, runner.STATUS_C, opencl_runtime, "-lOpenCL",
           "-o", exe]
    proc = runner.run(cmd)
    assert proc.returncode == 0, runner.describe(proc)
    proc = runner.run([exe])
    assert proc.returncode == 0, runner.describe(proc)
    assert "ok (fp16 " in proc.stdout, proc.stdout


def test_opencl_aarch64_host_object(etch_compile, tmp_path):
    """--host=aarch64-linux-gnu gives an AArch64 object with the same ABI."""
    name, model = next((n, m) for n, m in CASES if n == "conv_basic_op13")
    manifest = runner.reference.write_case(model, str(tmp_path), name)
    target = runner.opencl_target(host="aarch64-linux-gnu")
    proc = runner.compile_model(etch_compile, tmp_path / manifest.model, name, tmp_path, target)
    assert proc.returncode == 0, runner.describe(proc)
    header = (tmp_path / f"{name}.h").read_text()
    assert f"etch_status_t {name}_init(const char *device);" in header
    assert f"void {name}_release(void);" in header
    if runner.shutil.which("aarch64-linux-gnu-readelf"):
        proc = runner.run(["aarch64-linux-gnu-readelf", "-h", tmp_path / f"{name}.o"])
        assert "AArch64" in proc.stdout, proc.stdout


def test_opencl_emit_and_presets(etch_compile, tmp_path):
    """--emit-opencl writes the program; every preset compiles; a bad preset
    is a clean error."""
    name, model = next((n, m) for n, m in CASES if n == "conv_basic_op13")
    manifest = runner.reference.write_case(model, str(tmp_path), name)
    for preset in ("adreno640", "adreno740", "mali-g76", "mali-g710", "generic"):
        proc = runner.run([etch_compile, tmp_path / manifest.model, "--target=opencl", f"--mcpu={preset}",
                           f"--name={name}", "-o", tmp_path / f"{preset}.o", f"--emit-opencl={tmp_path / preset}"])
        assert proc.returncode == 0, runner.describe(proc)
        text = (tmp_path / preset / f"{name}.cl").read_text()
        assert "pattern=conv" in text, text
        # Mali presets read operands from global memory; the others stage them.
        assert ("__local float" in text) == (not preset.startswith("mali")), text
    proc = runner.run([etch_compile, tmp_path / manifest.model, "--target=opencl", "--mcpu=nope",
                       "-o", tmp_path / "bad.o"])
    assert proc.returncode == 1
    assert "etch-compile: error:" in proc.stderr and "adreno640" in proc.stderr
    assert not (tmp_path / "bad.o").exists()


def _device_reports_fp16() -> bool:
    """Whether clinfo lists cl_khr_fp16 for any device (not on PoCL's CPU
    device, whose fp16 support is off)."""
    clinfo = shutil.which("clinfo")
    if not clinfo:
        pytest.skip("clinfo is not installed: cannot tell whether the fp16 fallback must run")
    return "cl_khr_fp16" in runner.run([clinfo]).stdout


FP16_CASES = ["tanh_op13", "conv_basic_op13", "gemm_basic_op13", "conv_depthwise_op13"]


@pytest.mark.parametrize("name", FP16_CASES)
def test_opencl_fp16(name, etch_compile, opencl_runtime, tmp_path):
    """--opencl-fp16: the object carries the half program and an fp32 one.
    On a device without cl_khr_fp16 (PoCL's CPU device here) init builds the
    fp32 program, says so through the log hook (stderr by default) and the
    results match ONNX Runtime at the CPU tolerance; on an fp16 device the
    half program runs and matches at half precision."""
    model = dict(CASES)[name]
    has_fp16 = _device_reports_fp16()
    target = runner.opencl_target(extra=["--opencl-fp16"])
    result = runner.run_case(name, model, tmp_path, etch_compile, target,
                             rtol=1e-2 if has_fp16 else runner.RTOL)
    ins = [tmp_path / t.file for t in result.manifest.inputs]
    outs = [tmp_path / f"again{k}.bin" for k in range(len(result.manifest.outputs))]
    proc = runner.run([tmp_path / "run", *ins, "--", *outs])
    assert proc.returncode == 0, runner.describe(proc)
    fell_back = "does not report cl_khr_fp16: falling back to the fp32 program" in proc.stderr
    assert fell_back != has_fp16, runner.describe(proc)


def _clang_cl() -> str:
    for cand in ("/usr/lib/llvm-22/bin/clang", shutil.which("clang-22"), shutil.which("clang")):
        if cand and Path(cand).is_file():
            return str(cand)
    pytest.skip("no clang to check OpenCL C syntax with")


def _check_fp16_program(etch_compile, onnx_path: Path, name: str, out: Path) -> None:
    """Compiles with --opencl-fp16 --emit-opencl and checks both programs
    with clang's OpenCL C 1.2 front end (fp16 with cl_khr_fp16 enabled)."""
    proc = runner.run([etch_compile, onnx_path, "--target=opencl", "--opencl-fp16", f"--name={name}",
                       "-o", out / f"{name}.o", f"--emit-opencl={out / 'cl'}"])
    assert proc.returncode == 0, runner.describe(proc)
    fp16 = out / "cl" / f"{name}.cl"
    fp32 = out / "cl" / f"{name}.fp32.cl"
    text16, text32 = fp16.read_text(), fp32.read_text()
    assert "#pragma OPENCL EXTENSION cl_khr_fp16 : enable" in text16
    assert "__global half *" in text16 and "const half v" in text16, text16[:2000]
    assert "half" not in text32 and "cl_khr_fp16" not in text32
    clang = _clang_cl()
    for path, ext in ((fp16, "+cl_khr_fp16"), (fp32, "-cl_khr_fp16")):
        proc = runner.run([clang, "-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header",
                           "-Xclang", f"-cl-ext={ext}", "-fsyntax-only", "-Werror", path])
        assert proc.returncode == 0, runner.describe(proc)


def test_opencl_fp16_kernels_compile(etch_compile, tmp_path):
    """The fp16 and fp32 programs of a conv + GEMM model are valid OpenCL C
    1.2 (clang's front end; no fp16 device is here to run them)."""
    for name in ("cnn_small_op13", "cnn_mobilenet_block_op13"):
        model = dict(COMPOSITES)[name]
        case = tmp_path / name
        manifest = runner.reference.write_case(model, str(case), name)
        _check_fp16_program(etch_compile, case / manifest.model, name, case)


def test_opencl_fp16_every_model_compiles(etch_compile, tmp_path):
    """Every single-op and composite model's fp16 and fp32 programs pass
    clang's OpenCL C 1.2 front end (-Werror): the half code path covers every
    op the OpenCL backend prints, not only the ones PoCL can run."""
    clang = _clang_cl()
    failures = []
    for name, model in CASES + COMPOSITES:
        case = tmp_path / name
        manifest = runner.reference.write_case(model, str(case), name)
        proc = runner.run([etch_compile, case / manifest.model, "--target=opencl", "--opencl-fp16",
                           f"--name={name}", "-o", case / f"{name}.o", f"--emit-opencl={case}"])
        if proc.returncode != 0:
            failures.append(runner.describe(proc))
            continue
        for path, ext in ((case / f"{name}.cl", "+cl_khr_fp16"), (case / f"{name}.fp32.cl", "-cl_khr_fp16")):
            proc = runner.run([clang, "-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header",
                               "-Xclang", f"-cl-ext={ext}", "-fsyntax-only", "-Werror", path])
            if proc.returncode != 0:
                failures.append(runner.describe(proc))
    assert not failures, "\n".join(failures[:5])


@pytest.mark.slow
def test_opencl_fp16_mobilenet_v2_kernels_compile(etch_compile, model_cache, tmp_path):
    """MobileNetV2's fp16 and fp32 programs are valid OpenCL C 1.2."""
    path = torchvision_models.export("mobilenet_v2", 13, model_cache / "mobilenet_v2_op13.onnx")
    _check_fp16_program(etch_compile, path, "mobilenet_v2", tmp_path)


def test_opencl_binary_cache(etch_compile, opencl_runtime, tmp_path):
    """With ETCH_OPENCL_CACHE_DIR the built program binary is stored, and a
    later process loads it and still computes the right results."""
    name, model = next((n, m) for n, m in CASES if n == "conv_pads_op13")
    case = tmp_path / "case"
    result = runner.run_case(name, model, case, etch_compile, OPENCL)
    cache = tmp_path / "cache"
    cache.mkdir()
    exe = case / "run"
    first = runner.run_harness(exe, case, result.manifest, OPENCL, env={"ETCH_OPENCL_CACHE_DIR": str(cache)})
    binaries = list(cache.glob(f"etch-{name}-*.bin"))
    assert len(binaries) == 1, list(cache.iterdir())
    second = runner.run_harness(exe, case, result.manifest, OPENCL, env={"ETCH_OPENCL_CACHE_DIR": str(cache)})
    for a, b, ref in zip(first, second, result.outputs):
        assert (a == ref).all() and (b == ref).all()
