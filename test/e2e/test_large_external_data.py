"""Models whose external data totals more than 2 GB (issue "Modern ONNX", item 5).

The .onnx protobuf stays tiny (protobuf's 2 GB limit is about the model file,
not its external data); the weights live in one sparse file, so the test costs
no disk blocks and no time to write: 2.2 GiB of zeros with a few values set.
``big`` (2.2 GiB, float32) comes first; ``w`` (4 MiB, float32) lies after it,
at an offset past 2 GiB (past 2^31 in any 32-bit offset arithmetic).

- test_import_maps_large_external_data: the importer maps external data
  instead of reading it, so importing a node that uses all of ``big`` does not
  load it. The graph ends in a node the importer rejects (after ``big`` was
  imported), so the measurement is the import alone, without the back end:
  peak RSS about 100 MiB; the importer that read initializers peaked at 2.3 GiB.
- test_external_data_over_2gb: a full compile; ``w`` is read by a Gather at run
  time and must return the file's values at that offset; ``big`` is only used
  through Shape.
- test_mapped_weights_reach_the_object: a mapped tensor the code reads ends up,
  byte for byte, in the object.

Peak RSS is measured in a fresh Python parent (RUSAGE_CHILDREN of a process
that ran only etch-compile). Cost: about 15 s, no disk beyond small objects.
What a full compile costs when all 2.2 GiB reach the object is in README
("External data").
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper

from etch_testing import reference, runner

BIG_ELEMS = 2_300_000_000 // 4 // 1024 * 1024  # 2.2 GiB of float32
W_ELEMS = 1 << 20  # 4 MiB of float32
# (index, value) pairs written into the sparse file, for w and for big's last
# four elements.
W_VALUES = [(0, 1.5), (7, -2.25), (W_ELEMS // 2 + 3, 3.0), (W_ELEMS - 1, 42.0)]
BIG_VALUES = [(BIG_ELEMS - 4, 0.25), (BIG_ELEMS - 2, -8.0), (BIG_ELEMS - 1, 7.5)]


def _external(name: str, dims, offset: int, length: int) -> TensorProto:
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "weights.bin"), ("offset", str(offset)), ("length", str(length))):
        e = t.external_data.add()
        e.key, e.value = key, value
    return t


def _write_model(model_dir: Path, extra_nodes=(), extra_outputs=()) -> int:
    """Writes model.onnx and the sparse weights.bin; returns w's file offset."""
    model_dir.mkdir()
    big_bytes = BIG_ELEMS * 4
    w_offset = big_bytes  # 4 KiB aligned, like ONNX's own writer aligns large tensors
    with open(model_dir / "weights.bin", "wb") as f:
        f.truncate(big_bytes + W_ELEMS * 4)
        for i, v in BIG_VALUES:
            f.seek(i * 4)
            f.write(np.float32(v).tobytes())
        for i, v in W_VALUES:
            f.seek(w_offset + i * 4)
            f.write(np.float32(v).tobytes())
    nodes = [
        helper.make_node("Gather", ["w", "i"], ["y"], name="gather_w", axis=0),
        helper.make_node("Shape", ["big"], ["n"], name="shape_big"),
        *extra_nodes,
    ]
    graph = helper.make_graph(
        nodes, "large_external",
        [helper.make_tensor_value_info("i", TensorProto.INT64, [len(W_VALUES)])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [len(W_VALUES)]),
         helper.make_tensor_value_info("n", TensorProto.INT64, [1]), *extra_outputs],
        initializer=[helper.make_tensor("starts", TensorProto.INT64, [1], [BIG_ELEMS - 4]),
                     helper.make_tensor("ends", TensorProto.INT64, [1], [BIG_ELEMS]),
                     _external("big", [BIG_ELEMS], 0, big_bytes),
                     _external("w", [W_ELEMS], w_offset, W_ELEMS * 4)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    (model_dir / "model.onnx").write_bytes(model.SerializeToString())
    return w_offset


def _compile_measuring_rss(etch_compile: str, onnx_path: Path, name: str, out_dir: Path):
    """Compiles in a fresh Python parent; returns (process, peak RSS bytes of etch-compile)."""
    cmd = [etch_compile, onnx_path, f"--target={runner.HOST.triple}", *runner.HOST.compile_flags,
           f"--name={name}", "-o", out_dir / f"{name}.o"]
    probe = ("import json, resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr,\n"
             "  'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n")
    proc = subprocess.run([sys.executable, "-c", probe, *map(str, cmd)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    done = subprocess.CompletedProcess(cmd, result["rc"], result["out"], result["err"])
    return done, result["maxrss_kb"] * 1024


def test_import_maps_large_external_data(etch_compile, tmp_path):
    model_dir = tmp_path / "model"
    _write_model(model_dir, extra_nodes=[
        helper.make_node("Slice", ["big", "starts", "ends"], ["z"], name="slice_big_tail"),
        helper.make_node("Gather", ["z", "i"], ["bad"], name="gather_bad_axis", axis=3),
    ], extra_outputs=[helper.make_tensor_value_info("bad", TensorProto.FLOAT, None)])
    data_bytes = (model_dir / "weights.bin").stat().st_size
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc, peak = _compile_measuring_rss(etch_compile, model_dir / "model.onnx", "large_ext", out_dir)
    message = proc.stderr + proc.stdout
    assert 0 < proc.returncode < 128, runner.describe(proc)
    assert "'gather_bad_axis' (Gather): axis 3 is out of range" in message, message
    assert not list(out_dir.iterdir())
    assert peak < data_bytes / 8, (f"importing peaked at {peak / 2**20:.0f} MiB RSS for "
                                   f"{data_bytes / 2**20:.0f} MiB of external data")


def test_external_data_over_2gb(etch_compile, tmp_path):
    model_dir = tmp_path / "model"
    _write_model(model_dir)
    onnx_path = model_dir / "model.onnx"
    assert onnx_path.stat().st_size < 4096  # the protobuf stays small
    data_bytes = (model_dir / "weights.bin").stat().st_size
    assert data_bytes > 2 << 30

    name = "large_ext"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc, peak = _compile_measuring_rss(etch_compile, onnx_path, name, out_dir)
    assert proc.returncode == 0, runner.describe(proc)
    assert peak < data_bytes / 4, (f"etch-compile peaked at {peak / 2**20:.0f} MiB RSS for "
                                   f"{data_bytes / 2**20:.0f} MiB of external data")
    assert (out_dir / f"{name}.o").stat().st_size < 64 << 20  # big's bytes are not in it

    indices = np.array([i for i, _ in W_VALUES], dtype=np.int64)
    reference.write_tensor(str(out_dir / "in0.bin"), indices)
    manifest = reference.Manifest(
        "model.onnx", 0, [reference.TensorInfo("i", "int64", [len(W_VALUES)], "in0.bin")],
        [reference.TensorInfo("y", "float32", [len(W_VALUES)], "ref0.bin"),
         reference.TensorInfo("n", "int64", [1], "ref1.bin")])
    exe = runner.build_harness(name, out_dir, manifest)
    y, n = runner.run_harness(exe, out_dir, manifest)
    np.testing.assert_array_equal(y, np.array([v for _, v in W_VALUES], dtype=np.float32))
    np.testing.assert_array_equal(n, np.array([BIG_ELEMS], dtype=np.int64))


def test_mapped_weights_reach_the_object(etch_compile, tmp_path):
    """A large external tensor (above the 1 MiB mapping threshold, at an
    unaligned-to-the-page but float-aligned offset) that the code reads: its
    bytes, taken from the mapping, are in the object and Gather returns them."""
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    count = 600_000
    offset = 4 * 1001
    values = np.random.default_rng(7).standard_normal(count).astype(np.float32)
    with open(model_dir / "weights.bin", "wb") as f:
        f.write(b"\0" * offset)
        f.write(values.tobytes())
    graph = helper.make_graph(
        [helper.make_node("Gather", ["w", "i"], ["y"], name="gather_w", axis=0)], "mapped",
        [helper.make_tensor_value_info("i", TensorProto.INT64, [5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [5])],
        initializer=[_external("w", [count], offset, count * 4)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    (model_dir / "model.onnx").write_bytes(model.SerializeToString())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = runner.compile_model(etch_compile, model_dir / "model.onnx", "mapped", out_dir)
    assert proc.returncode == 0, runner.describe(proc)
    assert values.tobytes() in (out_dir / "mapped.o").read_bytes()
    indices = np.array([0, 1, 299_999, 500_001, count - 1], dtype=np.int64)
    reference.write_tensor(str(out_dir / "in0.bin"), indices)
    manifest = reference.Manifest("model.onnx", 0, [reference.TensorInfo("i", "int64", [5], "in0.bin")],
                                  [reference.TensorInfo("y", "float32", [5], "ref0.bin")])
    (y,) = runner.run_harness(runner.build_harness("mapped", out_dir, manifest), out_dir, manifest)
    np.testing.assert_array_equal(y, values[indices])
