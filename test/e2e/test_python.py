"""The `etch` Python package (python/etch) over the C API (lib/CAPI):
compile from a path, bytes and an onnx.ModelProto, run through etch.load and
compare with ONNX Runtime; error records; input checks; concurrent
compiles; and `pip install ./python` into a fresh venv.

Runs from the source tree (conftest puts python/ on sys.path) against
build/lib/libEtchCompilerC.so; one test installs the package for real.
"""

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from etch_testing import reference, runner, torchvision_models
from etch_testing.onnx_build import Rand, make_model, node, seed_for

REPO = Path(__file__).resolve().parents[2]
LIBRARY = runner.build_dir() / "lib" / "libEtchCompilerC.so"
RTOL = 1e-4


@pytest.fixture(scope="module")
def etch():
    if not LIBRARY.is_file():
        msg = f"{LIBRARY} not built (ninja -C build EtchCompilerC)"
        if os.environ.get("ETCH_REQUIRE_COMPILER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    import etch as module

    return module


def conv_model() -> onnx.ModelProto:
    """Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm, float32."""
    r = Rand("python_conv")
    nodes = [
        node("Conv", ["x", "w", "b"], ["c"], "conv1", pads=[1, 1, 1, 1]),
        node("Relu", ["c"], ["r"], "relu1"),
        node("GlobalAveragePool", ["r"], ["p"], "pool1"),
        node("Flatten", ["p"], ["f"], "flatten1"),
        node("Gemm", ["f", "fw", "fb"], ["y"], "fc1", transB=1),
    ]
    inits = {"w": r.normal([8, 3, 3, 3], 0.3), "b": r.normal([8], 0.1),
             "fw": r.normal([5, 8], 0.3), "fb": r.normal([5], 0.1)}
    return make_model("python_conv", 13, nodes, [("x", [1, 3, 8, 8])], ["y"], inits)


def two_output_model() -> onnx.ModelProto:
    nodes = [node("Add", ["a", "b"], ["s"], "add1"), node("Mul", ["a", "b"], ["m"], "mul1")]
    return make_model("python_two", 13, nodes, [("a", [2, 3]), ("b", [2, 3])], ["s", "m"])


def assert_close(got, ref):
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=1e-5)


def test_compile_bytes_run_against_onnxruntime(etch):
    model = conv_model()
    art = etch.compile(model.SerializeToString(), name="conv_bytes")
    assert art.name == "conv_bytes"
    assert art.object_bytes[:4] == b"\x7fELF"
    assert "extern const etch_model_t conv_bytes_model;" in art.header
    mod = etch.load(art)
    assert [(s.name, s.dtype, s.shape) for s in mod.inputs] == [("x", np.dtype(np.float32), (1, 3, 8, 8))]
    assert [(s.name, s.shape) for s in mod.outputs] == [("y", (1, 5))]
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    (ref,) = reference.run_onnxruntime(model, {"x": x})
    (y,) = mod(x)
    assert_close(y, ref)
    # The arena is reused: a second call with other data gives its own answer.
    x2 = x[:, ::-1].copy()
    (ref2,) = reference.run_onnxruntime(model, {"x": x2})
    assert_close(mod(x=x2)[0], ref2)


def test_requant_modes(etch):
    """requant_mode picks the requantization: "fixedpoint" gives TensorFlow
    Lite's int32 arithmetic bit for bit, "float" ONNX Runtime's."""
    import test_requant

    model, tflite = test_requant.qlinear_add()
    rng = np.random.default_rng(5)
    a = rng.integers(0, 256, (2, 8, 16)).astype(np.uint8)
    b = rng.integers(0, 256, (8, 1)).astype(np.uint8)
    (fixed,) = etch.load(etch.compile(model, requant_mode="fixedpoint", name="add_fixed"))(a, b)
    assert np.array_equal(fixed, tflite(a, b))
    (flt,) = etch.load(etch.compile(model, requant_mode="float", name="add_float"))(a, b)
    (ref,) = reference.run_onnxruntime(model, {"a": a, "b": b})
    assert np.array_equal(flt, ref)
    assert not np.array_equal(fixed, flt)  # the two arithmetics round differently here


def test_compile_modelproto_two_outputs(etch):
    model = two_output_model()
    art = etch.compile(model)  # default name for in-memory models
    assert art.name == "model"
    mod = etch.load(art)
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((2, 3)).astype(np.float32) for _ in range(2))
    s, m = mod.run({"a": a, "b": b})
    ref_s, ref_m = reference.run_onnxruntime(model, {"a": a, "b": b})
    assert_close(s, ref_s)
    assert_close(m, ref_m)
    # out=: results written into caller arrays, no new allocations.
    out = [np.empty((2, 3), np.float32), np.empty((2, 3), np.float32)]
    got = mod(a, b, out=out)
    assert got[0] is out[0] and got[1] is out[1]
    assert_close(out[1], ref_m)


def test_compile_path_save_and_load_object(etch, tmp_path):
    path = REPO / "examples" / "mnist_cnn" / "mnist_cnn.onnx"
    art = etch.compile(path, target="x86_64-linux-gnu", mcpu="generic")
    assert art.name == "mnist_cnn"
    report = art.size_report()
    assert report["arena"]["size"] > 0, report
    assert "arena" in art.size_report("text")
    sched = art.schedule_report()
    assert sched and all(e["node"] and e["schedule"].startswith("#etch.schedule") for e in sched), sched
    assert {e["strategy"] for e in sched} >= {"conv", "matmul"}, sched
    assert all(e["vectorized"] for e in sched), sched
    assert "vectorized" in art.schedule_report("text")
    obj = art.save(tmp_path, "digits")
    assert obj == tmp_path / "digits.o" and (tmp_path / "digits.h").is_file()
    # The symbols keep the compiled name: found through the header.
    mod = etch.load(obj)
    assert mod.name == "mnist_cnn"
    model = onnx.load(str(path))
    spec = mod.inputs[0]
    x = np.random.default_rng(2).random(spec.shape).astype(np.float32)
    (ref,) = reference.run_onnxruntime(model, {spec.name: x})
    assert_close(mod(x)[0], ref)


def test_threads_two_equal_one(etch):
    """threads=2 links the runtime's pool; outputs equal threads=1 bit for bit
    and match ONNX Runtime."""
    path = REPO / "examples" / "mnist_cnn" / "mnist_cnn.onnx"
    x = np.random.default_rng(3).random((1, 1, 28, 28), dtype=np.float32)
    one = etch.load(etch.compile(path, threads=1))(x)[0]
    two_art = etch.compile(path, threads=2)
    assert b"etch_parallel_for" in two_art.object_bytes
    two = etch.load(two_art)(x)[0]
    assert np.array_equal(one, two)
    (ref,) = reference.run_onnxruntime(onnx.load(str(path)), {"image": x})
    assert_close(two, ref)


def test_weights_section_and_opt_level(etch):
    art = etch.compile(conv_model(), name="placed", weights_section=".etch_weights", opt_level=1)
    assert b".etch_weights" in art.object_bytes
    assert art.size_report()["read_only"]["weights_section"] == ".etch_weights", art.size_report()
    x = np.ones((1, 3, 8, 8), np.float32)
    (ref,) = reference.run_onnxruntime(conv_model(), {"x": x})
    assert_close(etch.load(art)(x)[0], ref)


def test_input_shapes_and_values(etch):
    # y = Reshape(x, shape): x pinned to 2x6, shape fixed at compile time.
    graph = helper.make_graph(
        [node("Reshape", ["x", "shape"], ["y"], "reshape1")], "reshape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6]),
         helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with pytest.raises(etch.CompileError, match="x"):
        etch.compile(model)
    art = etch.compile(model, input_shapes={"x": [2, 6]}, input_values={"shape": [3, -1]})
    mod = etch.load(art)
    assert [s.name for s in mod.inputs] == ["x"]
    x = np.arange(12, dtype=np.float32).reshape(2, 6)
    np.testing.assert_array_equal(mod(x)[0], x.reshape(3, 4))


def test_float8_and_int4_tensors(etch):
    """float8 arrays are uint8 bits, int4 arrays the packed bytes (two per
    byte, the first element in the low nibble); the specs say so."""
    graph = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT),
         helper.make_node("Cast", ["y"], ["q"], to=22)],  # INT4
        "narrow", [helper.make_tensor_value_info("x", 17, [3])],  # FLOAT8E4M3FN
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3]),
         helper.make_tensor_value_info("q", 22, [3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    mod = etch.load(etch.compile(model))
    x_spec, = mod.inputs
    y_spec, q_spec = mod.outputs
    assert (x_spec.etch_dtype, x_spec.dtype, x_spec.shape) == ("f8e4m3fn", np.uint8, (3,))
    assert (q_spec.etch_dtype, q_spec.shape, q_spec.logical_shape) == ("i4", (2,), (3,))
    # 0x38 = 1.0, 0xC4 = -3.0, 0x4E = 7.0 in float8e4m3fn.
    y, q = mod(np.array([0x38, 0xC4, 0x4E], np.uint8))
    np.testing.assert_array_equal(y, [1.0, -3.0, 7.0])
    np.testing.assert_array_equal(q, [0xD1, 0x07])  # [1, -3 (0xD), 7 (0x7), pad 0]


def test_compile_error_records(etch):
    # An op no ONNX opset has (so the test outlives new importers).
    graph = helper.make_graph(
        [node("Relu", ["x"], ["r"], "relu_0"), node("NoSuchOnnxOp", ["r"], ["y"], "mystery_0")], "bad",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with pytest.raises(etch.CompileError) as info:
        etch.compile(model)
    err = info.value
    assert (err.node, err.op) == ("mystery_0", "NoSuchOnnxOp"), err.diagnostics
    assert "NoSuchOnnxOp" in err.message and "supported" in err.message
    assert err.diagnostics[0].severity == "error"
    assert "mystery_0" in str(err)

    # An op whose input nobody produces: node and op from the record.
    bad = make_model("missing", 13, [node("Add", ["x", "w_missing"], ["y"], "add_0")],
                     [("x", [2, 3])], ["y"], check=False)
    with pytest.raises(etch.CompileError) as info:
        etch.compile(bad.SerializeToString())
    assert (info.value.node, info.value.op) == ("add_0", "Add")
    assert "w_missing" in str(info.value)

    with pytest.raises(etch.CompileError) as info:
        etch.compile(b"definitely not an onnx model")
    assert "etch-capi" not in str(info.value)  # no temporary path leaks
    with pytest.raises(etch.CompileError, match="nonsense"):
        etch.compile(two_output_model(), target="nonsense-unknown-none")
    with pytest.raises(FileNotFoundError):
        etch.compile(REPO / "no_such_model.onnx")
    with pytest.raises(TypeError):
        etch.compile(12345)


def test_option_errors(etch):
    model = two_output_model()
    with pytest.raises(etch.OptionError, match="^threads=0: the thread count must be 1 to 256"):
        etch.compile(model, threads=0)
    with pytest.raises(etch.OptionError, match="1 to 256"):
        etch.compile(model, threads=1000)
    with pytest.raises(etch.CompileError, match="tuning"):
        etch.compile(model, tuning_db="no-such-tune.jsonl")
    with pytest.raises(etch.OptionError, match="requant"):
        etch.compile(model, requant_mode="fixed-point")
    with pytest.raises(etch.OptionError, match="1xq"):
        etch.compile(model, input_shapes={"a": "1xq"})
    with pytest.raises(etch.OptionError, match="C identifier"):
        etch.compile(model, name="9lives")
    with pytest.raises(TypeError, match="unknown option"):
        etch.compile(model, fast=True)
    with pytest.raises(etch.CompileError, match="profile"):
        etch.compile(model, target="thumbv7em-none-eabihf", mcpu="cortex-m4", profile=True)
    with pytest.raises(ValueError, match="repeat"):
        etch.profile(model, repeat=0)
    with pytest.raises(FileNotFoundError, match="no such model"):
        etch.tune("no-such-model.onnx", db="t.jsonl")


def test_profile_records_every_layer(etch):
    """etch.profile: one record per layer under its ONNX node name, times
    that add up to the run, FLOPs of the conv, the total last."""
    recs = etch.profile(conv_model(), repeat=5, warmup=1)
    total = recs[-1]
    assert total["node"] == "(total)" and total["time_us"] > 0
    layers = recs[:-1]
    names = {r["node"] for r in layers} | {f for r in layers for f in r["fused"]}
    assert "conv1" in names and "fc1" in names, names
    assert all(r["time_us"] >= 0 for r in layers)
    assert [r["time_us"] for r in layers] == sorted((r["time_us"] for r in layers), reverse=True)
    assert sum(r["time_us"] for r in layers) <= total["time_us"] * 1.01
    conv = next(r for r in layers if r["node"] == "conv1" or "conv1" in r["fused"])
    # 8 output channels x 8 x 8 positions x 27 multiply-adds.
    assert conv["flops"] >= 2 * 8 * 8 * 8 * 27, conv
    x = np.ones((1, 3, 8, 8), np.float32)
    again = etch.profile(conv_model(), {"x": x}, repeat=2, warmup=0, threads=2)
    assert again[-1]["time_us"] > 0
    with pytest.raises(ValueError, match="unknown input"):
        etch.profile(conv_model(), {"nope": x}, repeat=1)


def test_tune_from_python(etch, tmp_path):
    """etch.tune drives etch-tune: progress records per trial, the report,
    and a database etch.compile applies."""
    model = tmp_path / "conv.onnx"
    onnx.save(conv_model(), model)
    db = tmp_path / "tune.jsonl"
    seen = []
    report = etch.tune(model, db=db, mcpu="x86-64-v3", trials=2, seed=1,
                       extra_args=["--repeats=3", "--warmup=1", "--min-time-us=2000"], progress=seen.append)
    assert report and all(r["trials"] >= 1 and r["best_us"] > 0 for r in report), report
    assert any(r["kind"] == "trial" for r in seen), [r["line"] for r in seen]
    assert any(r["kind"] == "baseline" for r in seen)
    assert db.is_file()
    art = etch.compile(model, mcpu="x86-64-v3", tuning_db=db)
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    (y,) = etch.load(art)(x)
    (ref,) = reference.run_onnxruntime(conv_model(), {"x": x})
    assert_close(y, ref)
    with pytest.raises(etch.TuneError, match="resume"):
        etch.tune(model, db=db, mcpu="x86-64-v3", trials=1)


def test_input_validation(etch):
    mod = etch.load(etch.compile(two_output_model(), name="checked"))
    a = np.ones((2, 3), np.float32)
    with pytest.raises(TypeError, match="'a'.*float32.*float64"):
        mod(a.astype(np.float64), a)
    with pytest.raises(ValueError, match=r"'b'.*\[2, 3\].*\[3, 2\]"):
        mod(a, np.ones((3, 2), np.float32))
    with pytest.raises(ValueError, match="C-contiguous"):
        mod(a, np.ones((3, 2), np.float32).T)
    with pytest.raises(TypeError, match="expected 2 input"):
        mod(a)
    with pytest.raises(TypeError, match="missing"):
        mod.run({"a": a})
    with pytest.raises(ValueError, match="out 's'"):
        mod(a, a, out=[np.empty((2, 2), np.float32), np.empty((2, 3), np.float32)])
    # Lists are converted to the input's dtype.
    s, _ = mod([[1, 2, 3], [4, 5, 6]], a)
    np.testing.assert_array_equal(s, np.array([[2, 3, 4], [5, 6, 7]], np.float32))


def test_load_refuses_foreign_objects(etch, tmp_path):
    art = etch.compile(two_output_model(), target="aarch64-linux-gnu")
    assert art.triple.startswith("aarch64")
    with pytest.raises(etch.LoadError, match="aarch64"):
        etch.load(art)
    bogus = tmp_path / "bogus.o"
    bogus.write_bytes(b"not an object")
    with pytest.raises(etch.LoadError):
        etch.load(bogus)


def test_two_compiles_in_two_threads(etch):
    models = [conv_model(), two_output_model()]
    results, errors = [None, None], []

    def work(i):
        try:
            results[i] = etch.compile(models[i].SerializeToString(), name=f"threaded{i}")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    x = np.random.default_rng(3).standard_normal((1, 3, 8, 8)).astype(np.float32)
    (ref,) = reference.run_onnxruntime(models[0], {"x": x})
    assert_close(etch.load(results[0])(x)[0], ref)
    a = np.full((2, 3), 2.0, np.float32)
    assert_close(etch.load(results[1])(a, a)[1], a * a)


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["mobilenet_v2", "transformer_encoder"])
def test_torchvision_from_python(etch, arch, model_cache):
    """Whole networks from a path (the same exports test_models.py caches)."""
    name = f"{arch}_op17"
    path = torchvision_models.export(arch, 17, model_cache / f"{name}.onnx")
    model = onnx.load(str(path))
    mod = etch.load(etch.compile(path, name=arch))
    feeds = reference.make_inputs(model, seed_for(name))
    refs = reference.run_onnxruntime(model, feeds)
    got = mod.run(feeds)
    for spec, g, r in zip(mod.outputs, got, refs):
        problem = runner.compare(f"{name}:{spec.name}", g, r)
        assert problem is None, problem


def test_pip_install_into_fresh_venv(etch, tmp_path):
    """`pip install ./python` into a new venv (no network: system setuptools
    and numpy), then import it away from the source tree and compile + run."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "python", src, ignore=shutil.ignore_patterns(
        "etch_testing", "build", "*.egg-info", "__pycache__", "_lib"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = dict(os.environ, ETCH_BUILD_DIR=str(runner.build_dir()), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("ETCH_CAPI_LIBRARY", None)
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index", str(src)],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script = (
        "import etch, numpy as np, pathlib\n"
        "print(etch.__version__)\n"
        "assert pathlib.Path(etch.__file__).resolve().is_relative_to(pathlib.Path(r'%s').resolve()), etch.__file__\n"
        "from onnx import helper, TensorProto\n"
        "g = helper.make_graph([helper.make_node('Relu', ['x'], ['y'], name='r')], 'g',\n"
        "    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [4])],\n"
        "    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [4])])\n"
        "m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]); m.ir_version = 8\n"
        "y, = etch.load(etch.compile(m))(np.array([-1, 2, -3, 4], np.float32))\n"
        "assert y.tolist() == [0, 2, 0, 4], y\n"
    ) % venv
    clean = {k: v for k, v in env.items() if k not in ("ETCH_BUILD_DIR", "PYTHONPATH")}
    proc = subprocess.run([str(py), "-c", script], cwd=tmp_path, env=clean, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == etch.__version__


def test_api_reference_is_current():
    """python/API.md is generated from the package; regenerate it with
    scripts/gen_python_api.py after changing a public signature or docstring."""
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_python_api.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
