"""Single-op models for the importer's infrastructure: unsigned integer and
float64 tensors (the C ABI's uint8/16/32/64 and float64 dtypes end to end;
integer tensors are signless inside etch, the ops whose results depend on
signedness carry it), Clip with run-time bounds, Pad's run-time value and
its edge/reflect modes.
"""

from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

from .onnx_build import INPUT_DIST_KEY

U8, U16, U32, U64 = TensorProto.UINT8, TensorProto.UINT16, TensorProto.UINT32, TensorProto.UINT64
F32, F64, I8, I32 = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.INT8, TensorProto.INT32

# Values spanning the whole unsigned range (the top half is where signed and
# unsigned arithmetic differ); divisors start at 1.
_FULL = {U8: 255.0, U16: 65535.0, U32: 4.29e9, U64: 1.8e19}


def typed(case: str, op: str, opset: int, inputs: Sequence[Tuple[str, int, List[int]]],
          initializers: Optional[Dict[str, np.ndarray]] = None,
          input_dist: Optional[Dict[str, list]] = None, node_inputs: Optional[Sequence[str]] = None,
          **attrs) -> Tuple[str, onnx.ModelProto]:
    """One node `op` over typed graph inputs (name, TensorProto type, shape)
    and initializers, writing `y` (type and shape from ONNX inference)."""
    initializers = initializers or {}
    name = f"{case}_op{opset}"
    if node_inputs is None:
        node_inputs = [n for n, _, _ in inputs] + list(initializers)
    node = helper.make_node(op, list(node_inputs), ["y"],
                            name=f"{op.lower()}_0", **attrs)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info("y", TensorProto.UNDEFINED, None)],
        initializer=[numpy_helper.from_array(v, k) for k, v in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="etch_testing")
    model.ir_version = 8
    if input_dist:
        helper.set_model_props(model, {INPUT_DIST_KEY: json.dumps(input_dist)})
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    del model.graph.output[:]
    model.graph.output.append(inferred.graph.output[0])
    onnx.checker.check_model(model, full_check=True)
    return name, model


def dtype_models() -> List[Tuple[str, onnx.ModelProto]]:
    out = []
    a, b = [2, 3, 4], [3, 4]
    for t, tn in ((U8, "u8"), (U16, "u16"), (U32, "u32"), (U64, "u64")):
        full = {"a": ["uniform", 0.0, _FULL[t]], "b": ["uniform", 1.0, _FULL[t]]}
        for op in ("Add", "Sub", "Mul", "Div", "Max", "Min"):
            if t == U16 and op in ("Max", "Min"):
                continue  # ONNX Runtime has no uint16 Max/Min kernel
            out.append(typed(f"{op.lower()}_{tn}", op, 14, [("a", t, a), ("b", t, b)], input_dist=full))
        for op in ("Less", "GreaterOrEqual"):
            out.append(typed(f"{op.lower()}_{tn}", op, 16, [("a", t, a), ("b", t, b)], input_dist=full))
        out.append(typed(f"cast_{tn}_f32", "Cast", 13, [("a", t, a)], input_dist=full, to=F32))
    byte = {"a": ["uniform", 0.0, 255.0]}
    out.append(typed("cast_f32_u8", "Cast", 13, [("a", F32, a)], input_dist=byte, to=U8))
    out.append(typed("cast_u8_i32", "Cast", 13, [("a", U8, a)], input_dist=byte, to=I32))
    out.append(typed("cast_i8_u16", "Cast", 13, [("a", I8, a)], input_dist={"a": ["uniform", -128.0, 127.0]},
                     to=U16))
    out.append(typed("cast_u32_f64", "Cast", 13, [("a", U32, a)], input_dist={"a": ["uniform", 0.0, 4.29e9]},
                     to=F64))
    out.append(typed("abs_u8", "Abs", 13, [("a", U8, a)], input_dist=byte))
    out.append(typed("clip_u8", "Clip", 13, [("a", U8, a)],
                     {"lo": np.array(20, np.uint8), "hi": np.array(200, np.uint8)}, input_dist=byte))
    out.append(typed("maxv_u8", "Max", 13, [("a", U8, a), ("b", U8, b), ("c", U8, [4])],
                     input_dist={"a": ["uniform", 0, 255], "b": ["uniform", 0, 255], "c": ["uniform", 0, 255]}))
    # Order-only ops on unsigned integers (the importer flips the sign bit;
    # ONNX Runtime has these kernels for uint8 only).
    out.append(typed("reducemax_u8", "ReduceMax", 13, [("a", U8, a)], input_dist=byte, axes=[1]))
    out.append(typed("reducemin_u8", "ReduceMin", 13, [("a", U8, a)], input_dist=byte, axes=[2]))
    for t, tn in ((U8, "u8"), (U32, "u32"), (U64, "u64")):
        bits = {U8: 8, U32: 32, U64: 64}[t]
        for direction in ("LEFT", "RIGHT"):
            out.append(typed(f"bitshift_{direction.lower()}_{tn}", "BitShift", 11, [("a", t, a), ("b", t, b)],
                             input_dist={"a": ["uniform", 0.0, _FULL[t]], "b": ["uniform", 0.0, bits - 1]},
                             direction=direction))
    out.append(typed("argmax_u8", "ArgMax", 13, [("a", U8, a)], input_dist=byte, axis=1))
    out.append(typed("argmin_u8", "ArgMin", 13, [("a", U8, a)], input_dist=byte, axis=2))
    out.append(typed("maxpool_u8", "MaxPool", 12, [("a", U8, [1, 2, 5, 5])], input_dist=byte,
                     kernel_shape=[2, 2], pads=[1, 1, 0, 0]))
    # Clip's bounds as run-time inputs (not shape-determining): real operands.
    out.append(typed("clip_runtime_bounds", "Clip", 13, [("a", F32, a), ("lo", F32, []), ("hi", F32, [])],
                     input_dist={"a": ["normal", 2.0], "lo": ["uniform", -1.0, -0.5], "hi": ["uniform", 0.5, 1.0]}))
    out.append(typed("clip_runtime_min", "Clip", 13, [("a", F32, a), ("lo", F32, [])],
                     input_dist={"a": ["normal", 2.0], "lo": ["uniform", -1.0, 0.0]}))
    for t, tn in ((U8, "u8"), (U32, "u32")):
        out.append(typed(f"mod_{tn}", "Mod", 13, [("a", t, a), ("b", t, b)],
                         input_dist={"a": ["uniform", 0.0, _FULL[t]], "b": ["uniform", 1.0, _FULL[t]]}))
    pads = np.array([0, 1, 2, 1, 1, 0], np.int64)
    for mode in ("edge", "reflect"):
        out.append(typed(f"pad_{mode}", "Pad", 13, [("a", F32, [2, 3, 4])], {"pads": pads}, mode=mode))
    out.append(typed("pad_runtime_value", "Pad", 13, [("a", F32, [2, 3, 4]), ("v", F32, [])], {"pads": pads},
                     input_dist={"v": ["uniform", 1.0, 2.0]}, node_inputs=["a", "pads", "v"]))
    # float64 through the ops that are generic over float types.
    for op in ("Add", "Sub", "Mul", "Div", "Max", "Min"):
        out.append(typed(f"{op.lower()}_f64", op, 13, [("a", F64, a), ("b", F64, b)],
                         input_dist={"b": ["abs_uniform", 0.5, 2.0]}))
    out.append(typed("cast_f64_f32", "Cast", 13, [("a", F64, a)], to=F32))
    out.append(typed("cast_f32_f64", "Cast", 13, [("a", F32, a)], to=F64))
    out.append(typed("reducesum_f64", "ReduceSum", 13, [("a", F64, a)], {"axes": np.array([1], np.int64)}))
    out.append(typed("relu_f64", "Relu", 14, [("a", F64, a)]))
    # f64 transcendental functions (etch's own f64 exp/log family, no libm).
    for op in ("Exp", "Tanh", "Sigmoid"):
        out.append(typed(f"{op.lower()}_f64", op, 13, [("a", F64, a)], input_dist={"a": ["normal", 4.0]}))
    out.append(typed("log_f64", "Log", 13, [("a", F64, a)], input_dist={"a": ["abs_uniform", 1e-3, 1e3]}))
    out.append(typed("reducelogsumexp_f64", "ReduceLogSumExp", 13, [("a", F64, a)], axes=[1]))
    return out
