"""Layer-level measurement for etch-tune: `etch-compile --extract-workload`
cuts one workload's layer out of a model, and that layer compiled alone
computes what ONNX Runtime computes for the same layer; etch-tune times
layers by default and the whole model with --measure=model. Cost: ~30 s on
2 cores (a few small compiles)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

from etch_testing import reference, runner  # noqa: E402

TRIPLE = "x86_64-linux-gnu"
FLAGS = [f"--target={TRIPLE}", "--mcpu=native"]


def _weights():
    rng = np.random.default_rng(3)
    k = numpy_helper.from_array(rng.standard_normal((8, 6, 3, 3)).astype(np.float32) * 0.3, "k")
    b = numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "b")
    return k, b


def residual_model() -> onnx.ModelProto:
    """Relu -> Conv (padded) -> Add(residual) -> Relu -> MaxPool: the conv's
    layer is the conv with its bias, the Add and the Relu; the Relu before
    it, the pad and the pool are not part of it."""
    k, b = _weights()
    nodes = [
        helper.make_node("Relu", ["x"], ["xr"], name="pre"),
        helper.make_node("Conv", ["xr", "k", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c", "r"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["y"], name="relu"),
        helper.make_node("MaxPool", ["y"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
    ]
    graph = helper.make_graph(
        nodes, "residual",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6, 10, 10]),
         helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, 8, 10, 10])],
        [helper.make_tensor_value_info("p", TensorProto.FLOAT, [1, 8, 5, 5])], [k, b])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def layer_reference_model() -> onnx.ModelProto:
    """The same layer as ONNX: the padded input and the residual as inputs."""
    k, b = _weights()
    nodes = [
        helper.make_node("Conv", ["input0", "k", "b"], ["c"], name="conv"),
        helper.make_node("Add", ["c", "input1"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["output"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes, "layer",
        [helper.make_tensor_value_info("input0", TensorProto.FLOAT, [1, 6, 12, 12]),
         helper.make_tensor_value_info("input1", TensorProto.FLOAT, [1, 8, 10, 10])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 8, 10, 10])], [k, b])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def tasks_of(etch_compile, model_path, out):
    proc = runner.run([etch_compile, model_path, *FLAGS, "--compile-to=schedule",
                       f"--emit-tuning-tasks={out}", "-o", out.with_suffix(".mlir")])
    assert proc.returncode == 0, runner.describe(proc)
    return json.loads(out.read_text())["tasks"]


def test_extracted_layer_matches_onnxruntime(etch_compile, tmp_path):
    model_path = tmp_path / "residual.onnx"
    onnx.save(residual_model(), model_path)
    tasks = tasks_of(etch_compile, model_path, tmp_path / "tasks.json")
    conv = [t for t in tasks if t["kind"] == "conv"]
    assert len(conv) == 1 and conv[0]["layers"] == ["conv"], tasks
    key = conv[0]["key"]

    layer = tmp_path / "layer.mlir"
    proc = runner.run([etch_compile, model_path, *FLAGS, f"--extract-workload={key}",
                       "--compile-to=linalg", "-o", layer])
    assert proc.returncode == 0, runner.describe(proc)
    text = layer.read_text()
    assert 'etch.phase = "linalg"' in text and "linalg.pooling" not in text and "tensor.pad" not in text
    # The layer alone has the model's key: a record tuned on it applies.
    assert [t["key"] for t in tasks_of(etch_compile, layer, tmp_path / "layer.json")] == [key]

    # Compiled alone, with the inputs it reads, it computes the layer.
    case = tmp_path / "case"
    manifest = reference.write_case(layer_reference_model(), str(case), "layer")
    proc = runner.run([etch_compile, layer, *FLAGS, "--name=layer", "-o", case / "layer.o"])
    assert proc.returncode == 0, runner.describe(proc)
    runner.check_header(case / "layer.h", "layer")
    exe = runner.build_harness("layer", case, manifest)
    got = runner.run_harness(exe, case, manifest)
    ref = reference.read_tensor(str(case / manifest.outputs[0].file), manifest.outputs[0])
    assert runner.compare("output", got[0], ref) is None

    # Extraction straight to an object, too.
    proc = runner.run([etch_compile, model_path, *FLAGS, f"--extract-workload={key}",
                       "--name=direct", "-o", tmp_path / "direct.o"])
    assert proc.returncode == 0, runner.describe(proc)
    assert "direct_run(const float *input0, const float *input1, float *output" in \
        (tmp_path / "direct.h").read_text()


@pytest.fixture(scope="module")
def etch_tune(etch_compile):
    path = Path(etch_compile).parent / "etch-tune"
    if not path.exists():
        pytest.skip(f"{path} not built")
    return str(path)


@pytest.mark.parametrize("measure", ["layer", "model"])
def test_tune_measures_layers_or_the_model(etch_compile, etch_tune, tmp_path, measure):
    model_path = tmp_path / "residual.onnx"
    onnx.save(residual_model(), model_path)
    db = tmp_path / "tune.jsonl"
    extra = [] if measure == "layer" else ["--measure=model"]
    proc = subprocess.run([etch_tune, model_path, *FLAGS, "--runner=local", f"--db={db}", "--seed=2",
                           "--trials=2", "--repeats=3", "--warmup=1", "--min-time-us=1000", *extra],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, runner.describe(proc)
    assert f"timing each {measure}" in proc.stdout, proc.stdout
    records = [json.loads(line) for line in db.read_text().splitlines()]
    assert records and all(r["measure"] == measure for r in records), records
    assert all(r["spread"] >= 0 for r in records if r["status"] == "ok")
    # Records of either kind apply to the model.
    out = tmp_path / "out"
    out.mkdir()
    proc = runner.compile_model(etch_compile, model_path, "residual", out,
                                extra_flags=["--mcpu=native", f"--tuning-db={db}", "--tuning-db-strict"])
    assert proc.returncode == 0, runner.describe(proc)
    runner.run_case("residual", residual_model(), tmp_path / "case", etch_compile,
                    extra_flags=["--mcpu=native", f"--tuning-db={db}"])


# -- pure Python: no compiler -------------------------------------------------

def test_spread_ignores_a_few_preempted_samples():
    from etch_tune.measure import Measurement
    steady = [100.0 + (i % 5) for i in range(40)]
    m = Measurement("ok", steady + [5000.0, 9000.0])  # two samples preempted
    assert m.cv > 1.0 and m.spread < 0.05
    assert abs(m.median_us - 102.0) < 1.5


def test_layer_and_model_records_do_not_rank_together(tmp_path):
    from etch_tune.db import Database
    db = Database.open(tmp_path / "t.jsonl")
    db.append({"key": "w1-a", "schedule": {"kind": "conv", "tile": [[1]]}, "status": "ok", "median_us": 900.0})
    db.append({"key": "w1-a", "schedule": {"kind": "conv", "tile": [[2]]}, "status": "ok", "median_us": 40.0,
               "measure": "layer"})
    assert [r["median_us"] for r in db.for_key("w1-a", "model")] == [900.0]  # old records: model
    assert [r["median_us"] for r in db.for_key("w1-a", "layer")] == [40.0]
    assert len(db.measured("w1-a")) == 2 and len(db.measured("w1-a", "layer")) == 1


def test_builder_builds_a_task_on_its_layer(tmp_path):
    from etch_tune.measure import Builder, Layer
    from etch_tune.runners import parse_runner
    b = Builder("etch-compile", tmp_path / "m.onnx", TRIPLE, "native", parse_runner("local", TRIPLE),
                tmp_path, ["--input-shape=x=1x3"])
    b.layers["w1-a"] = Layer(tmp_path / "a.mlir", {"w1-a": {"h": 1}, "w1-z": {"h": 2}})
    cand = {"w1-a": {"c": 1}, "w1-b": {"h": 3}}
    source, flags, schedules = b._input(cand, "w1-a")
    # The layer, without the importer's flags, with the candidate and the
    # heuristic of every other workload in the layer (and nothing else).
    assert source == tmp_path / "a.mlir" and not any("input-shape" in f for f in flags)
    assert schedules == {"w1-a": {"c": 1}, "w1-z": {"h": 2}}
    source, flags, schedules = b._input(cand, "w1-b")  # no layer: the model
    assert source == tmp_path / "m.onnx" and "--input-shape=x=1x3" in flags and schedules == cand


def test_flops_of_a_workload():
    from etch_tune.cli import macs_flops
    assert macs_flops({"kind": "conv", "loops": [1, 64, 56, 56, 64, 3, 3]}) == 2 * 64 * 56 * 56 * 64 * 9
    assert macs_flops({"kind": "depthwise", "loops": [1, 56, 56, 144, 3, 3]}) == 2 * 56 * 56 * 144 * 9
    assert macs_flops({"kind": "pool", "loops": [1, 64, 56, 56, 3, 3]}) is None


def test_a_new_best_must_beat_the_heuristic_in_alternating_runs():
    from types import SimpleNamespace
    from etch_tune.measure import Measurement
    from etch_tune.search import TaskState, Tuner

    class Builder:
        runner = SimpleNamespace(timing_valid=True)

        def __init__(self, times):
            self.times = {k: list(v) for k, v in times.items()}

        def run(self, exe, *args, **kw):
            return Measurement("ok", [self.times[exe].pop(0)] * 5)

    args = SimpleNamespace(seed=0, time_budget=None, repeats=3, warmup=1, min_time_us=1)
    st = TaskState({"key": "w1-a", "count": 1, "schedule": {}}, space=None, baseline_us=100.0,
                   best_us=100.0, baseline_exe="A")
    lucky = Measurement("ok", [60.0] * 5)  # measured in a quiet moment
    # Wins both alternating rounds: kept as measured.
    t = Tuner(Builder({"A": [100, 100], "B": [90, 90]}), None, args, print)
    assert t._confirm(st, "B", lucky).median_us == 60.0
    # Loses the second round: recorded at its losing time, on the baseline's scale.
    t = Tuner(Builder({"A": [100, 80], "B": [90, 96]}), None, args, print)
    m = t._confirm(st, "B", lucky)
    assert m.status == "ok" and m.median_us == 120.0 and "not faster" in m.message
