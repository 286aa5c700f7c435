"""Reference results from ONNX Runtime, written as raw tensors + a manifest.

ONNX Runtime runs single-threaded with every graph optimization disabled, so
the reference is the plain op-by-op semantics. Inputs are seeded random
tensors; a model can ask for a distribution per input through the
``etch_testing.input_dist`` metadata entry (see onnx_build.py).

Layout of a case directory::

    model.onnx  in0.bin in1.bin ...  ref0.bin ...  manifest.json

``.bin`` files are dense, row-major, little-endian, in graph order: exactly
what test/e2e/harness.c reads and writes.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional

import numpy as np
import onnx

from .onnx_build import INPUT_DIST_KEY, seed_for

_ONNX_TO_NUMPY = {
    onnx.TensorProto.FLOAT: np.float32,
    onnx.TensorProto.DOUBLE: np.float64,
    onnx.TensorProto.FLOAT16: np.float16,
    onnx.TensorProto.INT8: np.int8,
    onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.INT16: np.int16,
    onnx.TensorProto.UINT16: np.uint16,
    onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.UINT32: np.uint32,
    onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.UINT64: np.uint64,
    onnx.TensorProto.BOOL: np.bool_,
}


@dataclass
class TensorInfo:
    name: str
    dtype: str  # numpy dtype name, e.g. "float32"
    shape: List[int]
    file: str


@dataclass
class Manifest:
    model: str
    seed: int
    inputs: List[TensorInfo]
    outputs: List[TensorInfo]

    @staticmethod
    def load(path: str) -> "Manifest":
        with open(path) as f:
            d = json.load(f)
        return Manifest(d["model"], d["seed"], [TensorInfo(**t) for t in d["inputs"]],
                        [TensorInfo(**t) for t in d["outputs"]])


def graph_inputs(model: onnx.ModelProto) -> List[onnx.ValueInfoProto]:
    """Graph inputs that are not initializers (old exporters list both)."""
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def _shape(vi: onnx.ValueInfoProto) -> List[int]:
    dims = vi.type.tensor_type.shape.dim
    shape = [d.dim_value if d.HasField("dim_value") else -1 for d in dims]
    if any(d <= 0 for d in shape):
        raise ValueError(f"input {vi.name!r} has a dynamic or empty shape {shape}")
    return shape


def make_inputs(model: onnx.ModelProto, seed: int) -> Dict[str, np.ndarray]:
    props = {p.key: p.value for p in model.metadata_props}
    dists = json.loads(props.get(INPUT_DIST_KEY, "{}"))
    rng = np.random.default_rng(seed)
    feeds = {}
    for vi in graph_inputs(model):
        shape = _shape(vi)
        dtype = _ONNX_TO_NUMPY[vi.type.tensor_type.elem_type]
        kind, *args = dists.get(vi.name, ["normal", 1.0])
        if kind == "normal":
            x = rng.standard_normal(shape) * args[0]
        elif kind == "uniform":
            x = rng.uniform(args[0], args[1], shape)
        elif kind == "abs_uniform":
            x = np.where(rng.random(shape) < 0.5, -1.0, 1.0) * rng.uniform(args[0], args[1], shape)
        else:
            raise ValueError(f"unknown input distribution {kind!r} for {vi.name!r}")
        feeds[vi.name] = np.asarray(x).astype(dtype)
    return feeds


def run_onnxruntime(model: onnx.ModelProto, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    names = [o.name for o in model.graph.output]
    return [np.asarray(v) for v in sess.run(names, feeds)]


def write_tensor(path: str, value: np.ndarray) -> None:
    np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<")).tofile(path)


def read_tensor(path: str, info: TensorInfo) -> np.ndarray:
    dtype = np.dtype(info.dtype).newbyteorder("<")
    data = np.fromfile(path, dtype=dtype)
    count = int(np.prod(info.shape)) if info.shape else 1
    if data.size != count:
        raise ValueError(f"{path}: {data.size} elements, expected {count} for {info.name} {info.shape}")
    return data.reshape(info.shape)


def write_case(model: onnx.ModelProto, case_dir: str, name: str, seed: Optional[int] = None) -> Manifest:
    """Writes model.onnx, inputs, ORT reference outputs and manifest.json."""
    os.makedirs(case_dir, exist_ok=True)
    seed = seed_for(name) if seed is None else seed
    model_path = os.path.join(case_dir, "model.onnx")
    onnx.save(model, model_path)
    feeds = make_inputs(model, seed)
    refs = run_onnxruntime(model, feeds)
    inputs = []
    for i, vi in enumerate(graph_inputs(model)):
        info = TensorInfo(vi.name, feeds[vi.name].dtype.name, list(feeds[vi.name].shape), f"in{i}.bin")
        write_tensor(os.path.join(case_dir, info.file), feeds[vi.name])
        inputs.append(info)
    outputs = []
    for i, (vi, ref) in enumerate(zip(model.graph.output, refs)):
        info = TensorInfo(vi.name, ref.dtype.name, list(ref.shape), f"ref{i}.bin")
        write_tensor(os.path.join(case_dir, info.file), ref)
        outputs.append(info)
    manifest = Manifest("model.onnx", seed, inputs, outputs)
    with open(os.path.join(case_dir, "manifest.json"), "w") as f:
        json.dump(asdict(manifest), f, indent=1)
    return manifest
