"""Single-op models for the math/normalization ops (ops-math section).

Float32 graph inputs only (the e2e harness feeds float inputs); the integer
and bool variants are covered by the ONNX node tests (conformance).
"""

from __future__ import annotations

from typing import List

import numpy as np

from .onnx_build import Rand, single

X = [2, 3, 4, 5]


def math_models() -> List:
    out = []
    pos = {"x": ["abs_uniform", 0.5, 3.0]}
    wide = {"x": ["normal", 3.0]}
    unary = [
        ("sqrt", "Sqrt", pos), ("exp", "Exp", None), ("log", "Log", pos),
        ("erf", "Erf", None), ("sin", "Sin", wide), ("cos", "Cos", wide),
        ("abs", "Abs", None), ("neg", "Neg", None), ("sign", "Sign", None),
        ("reciprocal", "Reciprocal", pos), ("floor", "Floor", wide),
        ("ceil", "Ceil", wide), ("round", "Round", wide),
        ("softplus", "Softplus", None), ("softsign", "Softsign", wide),
        ("elu", "Elu", wide), ("selu", "Selu", wide), ("celu", "Celu", wide),
        ("thresholdedrelu", "ThresholdedRelu", wide),
        ("tan", "Tan", {"x": ["uniform", -1.4, 1.4]}), ("asin", "Asin", {"x": ["uniform", -1.0, 1.0]}),
        ("acos", "Acos", {"x": ["uniform", -1.0, 1.0]}), ("atan", "Atan", wide),
        ("sinh", "Sinh", {"x": ["uniform", -5.0, 5.0]}), ("cosh", "Cosh", {"x": ["uniform", -5.0, 5.0]}),
        ("asinh", "Asinh", wide), ("acosh", "Acosh", {"x": ["uniform", 1.0, 10.0]}),
        ("atanh", "Atanh", {"x": ["uniform", -0.95, 0.95]}),
    ]
    for name, op, dist in unary:
        out.append(single(name, op, 13, [("x", X)], input_dist=dist))
    out.append(single("elu_a05", "Elu", 13, [("x", X)], input_dist=wide, alpha=0.5))
    out.append(single("selu_ag", "Selu", 13, [("x", X)], input_dist=wide, alpha=2.0, gamma=3.0))
    out.append(single("celu_a2", "Celu", 13, [("x", X)], input_dist=wide, alpha=2.0))
    out.append(single("thresholdedrelu_a05", "ThresholdedRelu", 13, [("x", X)], input_dist=wide, alpha=0.5))
    out.append(single("pow_same", "Pow", 13, [("x", [2, 3]), ("p", [2, 3])],
                      input_dist={"x": ["abs_uniform", 0.5, 2.0]}))
    out.append(single("pow_bcast", "Pow", 13, [("x", [2, 3])], {"p": np.array([2.0, 0.5, 3.0], np.float32)},
                      input_dist={"x": ["abs_uniform", 0.5, 2.0]}))
    out.append(single("prelu_channel", "PRelu", 13, [("x", [1, 3, 4, 4])],
                      {"slope": Rand("prelu").normal([3, 1, 1], 0.5)}))
    out.append(single("prelu_scalar", "PRelu", 13, [("x", X)], {"slope": np.array([0.2], np.float32)}))
    out.append(single("sum_three", "Sum", 13, [("a", [2, 3, 4]), ("b", [3, 4]), ("c", [2, 1, 4])]))
    out.append(single("mean_two", "Mean", 13, [("a", [2, 3, 4]), ("b", [4])]))
    for op in ("ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp"):
        lo = op.lower()
        out.append(single(f"{lo}_axis1", op, 13, [("x", [2, 3, 4])], axes=[1]))
        out.append(single(f"{lo}_all_nokeep", op, 13, [("x", [2, 3, 4])], keepdims=0))
        out.append(single(f"{lo}_neg", op, 13, [("x", [2, 3, 4])], axes=[-1, 0], keepdims=0))
    # ArgMax/ArgMin (i64 outputs) are covered by the ONNX node tests.
    for opset in (11, 13):
        out.append(single("logsoftmax_axis1", "LogSoftmax", opset, [("x", [2, 3, 4])], axis=1))
        out.append(single("logsoftmax_last", "LogSoftmax", opset, [("x", [2, 3, 4])], axis=-1))
        out.append(single("hardmax_axis1", "Hardmax", opset, [("x", [2, 3, 4])], axis=1))
    r = Rand("layernorm")
    out.append(single("layernorm_last", "LayerNormalization", 17, [("x", [2, 3, 8])],
                      {"s": r.normal([8]), "b": r.normal([8])}))
    out.append(single("layernorm_axis1", "LayerNormalization", 17, [("x", [2, 3, 4])],
                      {"s": r.normal([3, 4])}, axis=1, epsilon=1e-3))
    out.append(single("instancenorm", "InstanceNormalization", 13, [("x", [2, 3, 4, 5])],
                      {"s": r.normal([3]), "b": r.normal([3])}))
    out.append(single("trilu_upper", "Trilu", 14, [("x", [2, 4, 5])]))
    out.append(single("trilu_lower_k", "Trilu", 14, [("x", [4, 5])], {"k": np.array(1, np.int64)}, upper=0))
    return out
