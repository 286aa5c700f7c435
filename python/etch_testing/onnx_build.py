"""Small helpers to build valid, fully shaped single-graph ONNX models.

Every model gets static shapes on its outputs (from ONNX shape inference), a
fixed producer name and passes ``onnx.checker`` (full check).  Seeds come from
the test name, so a model is the same on every run and machine.
"""

from __future__ import annotations

import json
import zlib
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

# Metadata key holding per-input sampling hints for reference.make_inputs:
# {"input name": ["normal", scale] | ["uniform", lo, hi] | ["abs_uniform", lo, hi]}
INPUT_DIST_KEY = "etch_testing.input_dist"

Shape = Sequence[int]


def seed_for(name: str) -> int:
    """A stable 32-bit seed derived from a test name."""
    return zlib.crc32(name.encode("utf-8"))


class Rand:
    """Seeded float32 weights."""

    def __init__(self, name: str):
        self.rng = np.random.default_rng(seed_for(name))

    def normal(self, shape: Shape, scale: float = 1.0) -> np.ndarray:
        return (self.rng.standard_normal(tuple(shape)) * scale).astype(np.float32)

    def uniform(self, shape: Shape, lo: float, hi: float) -> np.ndarray:
        return self.rng.uniform(lo, hi, tuple(shape)).astype(np.float32)

    def abs_uniform(self, shape: Shape, lo: float, hi: float) -> np.ndarray:
        """Magnitude in [lo, hi), random sign: safe divisors."""
        sign = np.where(self.rng.random(tuple(shape)) < 0.5, -1.0, 1.0)
        return (sign * self.rng.uniform(lo, hi, tuple(shape))).astype(np.float32)


def ints(values: Iterable[int]) -> np.ndarray:
    return np.asarray(list(values), dtype=np.int64)


def make_model(
    name: str,
    opset: int,
    nodes: List[onnx.NodeProto],
    inputs: Sequence[Tuple[str, Shape]],
    outputs: Sequence[str],
    initializers: Optional[Dict[str, np.ndarray]] = None,
    input_dist: Optional[Dict[str, list]] = None,
    check: bool = True,
) -> onnx.ModelProto:
    """A model whose graph inputs are float32 tensors of static shape.

    Output shapes are filled in from ONNX shape inference, so a compiler that
    needs static shapes gets them without running inference itself.
    """
    initializers = initializers or {}
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in inputs],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
        initializer=[numpy_helper.from_array(v, k) for k, v in initializers.items()],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="etch_testing",
    )
    # IR 8 is what onnx 1.12 writes for opset 17; keep it fixed so the files do
    # not change with the onnx package.
    model.ir_version = 8
    if input_dist:
        helper.set_model_props(model, {INPUT_DIST_KEY: json.dumps(input_dist)})
    if not check:
        return model
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    known = {vi.name: vi for vi in inferred.graph.output}
    known.update({vi.name: vi for vi in inferred.graph.value_info})
    del model.graph.output[:]
    for o in outputs:
        vi = known.get(o)
        if vi is None or not vi.type.tensor_type.HasField("shape"):
            raise ValueError(f"{name}: shape inference gave no shape for output {o!r}")
        model.graph.output.append(vi)
    onnx.checker.check_model(model, full_check=True)
    return model


def node(op: str, inputs: Sequence[str], outputs: Sequence[str], name: str, **attrs) -> onnx.NodeProto:
    return helper.make_node(op, list(inputs), list(outputs), name=name, **attrs)


def single(
    case: str,
    op: str,
    opset: int,
    inputs: Sequence[Tuple[str, Shape]],
    initializers: Optional[Dict[str, np.ndarray]] = None,
    node_inputs: Optional[Sequence[str]] = None,
    input_dist: Optional[Dict[str, list]] = None,
    **attrs,
) -> Tuple[str, onnx.ModelProto]:
    """(test name, model) for one node named ``<op lower>_0`` writing ``y``.

    The test name is ``<case>_op<opset>``. node_inputs defaults to the graph
    inputs followed by the initializers, in that order.
    """
    initializers = initializers or {}
    if node_inputs is None:
        node_inputs = [n for n, _ in inputs] + list(initializers)
    name = f"{case}_op{opset}"
    n = node(op, node_inputs, ["y"], f"{op.lower()}_0", **attrs)
    return name, make_model(name, opset, [n], inputs, ["y"], initializers, input_dist)
