"""Single-op and small composite ONNX models for etch's e2e tests.

``single_op_models()`` and ``composite_models()`` return lists of
``(test_name, onnx.ModelProto)``. Test names are C identifiers
(``conv_depthwise_op13``) and are used as ``etch-compile --name``. Node names
are ``<op lower>_<i>`` (``conv_0``), weights are seeded from the test name.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Tuple

import numpy as np
import onnx

from .onnx_build import Rand, ints, make_model, node, single

Case = Tuple[str, onnx.ModelProto]

X4 = [1, 4, 9, 9]


def conv_models() -> List[Case]:
    out = []

    def conv(case, x, w, opset=13, bias=True, **attrs):
        r = Rand(case)
        inits = {"w": r.normal(w, 0.3)}
        if bias:
            inits["b"] = r.normal([w[0]], 0.5)
        out.append(single(case, "Conv", opset, [("x", x)], inits, **attrs))

    conv("conv_basic", X4, [8, 4, 3, 3])
    conv("conv_basic", X4, [8, 4, 3, 3], opset=17)
    conv("conv_nobias", X4, [8, 4, 3, 3], bias=False)
    conv("conv_pads", X4, [8, 4, 3, 3], pads=[1, 1, 1, 1])
    conv("conv_pads_asym", X4, [8, 4, 3, 3], pads=[0, 1, 2, 1])
    conv("conv_stride2", X4, [8, 4, 3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    conv("conv_dilation2", X4, [6, 4, 3, 3], dilations=[2, 2], pads=[2, 2, 2, 2])
    conv("conv_groups2", X4, [8, 2, 3, 3], group=2, pads=[1, 1, 1, 1])
    conv("conv_depthwise", X4, [4, 1, 3, 3], group=4, pads=[1, 1, 1, 1])
    conv("conv_depthwise_s2", [1, 4, 10, 10], [4, 1, 3, 3], group=4, strides=[2, 2], pads=[1, 1, 1, 1])
    conv("conv_depthwise_mult2", X4, [8, 1, 3, 3], group=4)
    # 10 wide, 3 tall kernel, stride 2: total padding 1, so UPPER and LOWER differ.
    conv("conv_same_upper_s2", [1, 4, 10, 10], [8, 4, 3, 3], auto_pad="SAME_UPPER", strides=[2, 2])
    conv("conv_same_lower_s2", [1, 4, 10, 10], [8, 4, 3, 3], auto_pad="SAME_LOWER", strides=[2, 2])
    conv("conv_same_upper_k4", X4, [5, 4, 4, 4], auto_pad="SAME_UPPER")
    conv("conv_same_lower_k4", X4, [5, 4, 4, 4], auto_pad="SAME_LOWER")
    conv("conv_valid_s2", X4, [8, 4, 3, 3], auto_pad="VALID", strides=[2, 2])
    conv("conv_1x1", X4, [16, 4, 1, 1])
    conv("conv_rect", X4, [6, 4, 3, 1], strides=[2, 1], pads=[1, 0, 1, 0])
    conv("conv_batch2", [2, 3, 8, 8], [4, 3, 3, 3], pads=[1, 1, 1, 1])
    conv("conv_1d", [1, 3, 16], [5, 3, 3], pads=[1, 1])
    conv("conv_1d_s2_dil2", [1, 3, 20], [4, 3, 3], strides=[2], dilations=[2])
    return out


def gemm_models() -> List[Case]:
    out = []
    m, k, n = 3, 5, 4

    def gemm(case, a_shape, b_shape, c_shape=None, b_input=False, **attrs):
        r = Rand(case)
        inputs = [("a", a_shape)]
        inits = {}
        if b_input:
            inputs.append(("b", b_shape))
        else:
            inits["b"] = r.normal(b_shape, 0.5)
        if c_shape is not None:
            inits["c"] = r.normal(c_shape)
        node_inputs = ["a", "b"] + (["c"] if c_shape is not None else [])
        out.append(single(case, "Gemm", 13, inputs, inits, node_inputs, **attrs))

    gemm("gemm_basic", [m, k], [k, n], [n])
    gemm("gemm_transb", [m, k], [n, k], [n], transB=1)
    gemm("gemm_transa", [k, m], [k, n], [n], transA=1)
    gemm("gemm_transab", [k, m], [n, k], [m, n], transA=1, transB=1)
    gemm("gemm_alpha_beta", [m, k], [k, n], [m, n], alpha=0.5, beta=2.0)
    gemm("gemm_c_scalar", [m, k], [k, n], [], beta=1.5)
    gemm("gemm_c_one", [m, k], [k, n], [1])
    gemm("gemm_c_col", [m, k], [k, n], [m, 1])
    gemm("gemm_c_row", [m, k], [k, n], [1, n])
    gemm("gemm_noc", [m, k], [n, k], transB=1)
    gemm("gemm_noc_alpha", [m, k], [k, n], alpha=-2.0)
    gemm("gemm_b_input", [m, k], [k, n], [n], b_input=True)
    gemm("gemm_fc", [1, 64], [10, 64], [10], transB=1)
    return out


def matmul_models() -> List[Case]:
    out = []

    def matmul(case, a_shape, b_shape, b_input=False):
        r = Rand(case)
        if b_input:
            out.append(single(case, "MatMul", 13, [("a", a_shape), ("b", b_shape)]))
        else:
            out.append(single(case, "MatMul", 13, [("a", a_shape)], {"b": r.normal(b_shape, 0.5)}))

    matmul("matmul_2d", [3, 5], [5, 4])
    matmul("matmul_2d_inputs", [3, 5], [5, 4], b_input=True)
    matmul("matmul_batched", [2, 3, 5], [2, 5, 4], b_input=True)
    matmul("matmul_bcast_b", [2, 3, 5], [5, 4])
    matmul("matmul_bcast_batch", [2, 1, 3, 5], [3, 5, 4], b_input=True)
    matmul("matmul_1d_left", [5], [5, 4])
    matmul("matmul_1d_right", [3, 5], [5], b_input=True)
    matmul("matmul_1d_batched", [2, 3, 5], [5], b_input=True)
    matmul("matmul_1d_both", [5], [5], b_input=True)
    return out


BINARY_OPS = ["Add", "Sub", "Mul", "Div", "Max", "Min"]


def binary_models() -> List[Case]:
    out = []
    for op in BINARY_OPS:
        lo = op.lower()
        # A divisor away from zero keeps Div well conditioned.
        safe = {"b": ["abs_uniform", 0.5, 2.0]} if op == "Div" else None

        def const(r, shape):
            return r.abs_uniform(shape, 0.5, 2.0)

        for opset in (13, 17) if op in ("Add", "Mul") else (13,):
            out.append(single(f"{lo}_same", op, opset, [("a", [2, 3, 4]), ("b", [2, 3, 4])], input_dist=safe))
        out.append(single(f"{lo}_bcast_last", op, 13, [("a", [2, 3, 4]), ("b", [4])], input_dist=safe))
        out.append(single(f"{lo}_bcast_both", op, 13, [("a", [2, 1, 4]), ("b", [3, 1])], input_dist=safe))
        out.append(single(f"{lo}_bcast_rank0", op, 13, [("a", [2, 3]), ("b", [])], input_dist=safe))
        r = Rand(f"{lo}_const_scalar")
        out.append(single(f"{lo}_const_scalar", op, 13, [("a", [2, 3, 4])], {"b": const(r, [])}))
        r = Rand(f"{lo}_const_channel")
        out.append(single(f"{lo}_const_channel", op, 13, [("a", [1, 3, 4, 4])], {"b": const(r, [3, 1, 1])}))
        # Constant on the left: order matters for Sub and Div.
        r = Rand(f"{lo}_const_left")
        left_dist = {"a": ["abs_uniform", 0.5, 2.0]} if op == "Div" else None
        out.append(single(f"{lo}_const_left", op, 13, [("a", [2, 3, 4])], {"c": const(r, [4])},
                          node_inputs=["c", "a"], input_dist=left_dist))
    for op in ("Max", "Min"):
        out.append(single(f"{op.lower()}_three", op, 13, [("a", [2, 3, 4]), ("b", [3, 4]), ("c", [2, 1, 4])]))
        out.append(single(f"{op.lower()}_one", op, 13, [("a", [2, 3, 4])]))
    return out


def scalar(v: float) -> np.ndarray:
    return np.array(v, dtype=np.float32)


def activation_models() -> List[Case]:
    x = [2, 3, 4, 5]
    wide = {"x": ["normal", 4.0]}
    out = []
    for opset in (13, 17):
        out.append(single("relu", "Relu", opset, [("x", x)]))
    out.append(single("sigmoid", "Sigmoid", 13, [("x", x)], input_dist=wide))
    out.append(single("tanh", "Tanh", 13, [("x", x)], input_dist=wide))
    out.append(single("hardsigmoid", "HardSigmoid", 13, [("x", x)], input_dist=wide))
    out.append(single("hardsigmoid_ab", "HardSigmoid", 13, [("x", x)], input_dist=wide, alpha=0.1, beta=0.6))
    for opset in (14, 17):
        out.append(single("hardswish", "HardSwish", opset, [("x", x)], input_dist=wide))
    for opset in (13, 17):
        out.append(single("leakyrelu", "LeakyRelu", opset, [("x", x)]))
    out.append(single("leakyrelu_a02", "LeakyRelu", 13, [("x", x)], alpha=0.2))
    out.append(single("clip_minmax", "Clip", 13, [("x", x)], {"lo": scalar(-0.5), "hi": scalar(0.7)}, input_dist=wide))
    out.append(single("clip_relu6", "Clip", 13, [("x", x)], {"lo": scalar(0.0), "hi": scalar(6.0)}, input_dist=wide))
    out.append(single("clip_min", "Clip", 13, [("x", x)], {"lo": scalar(-0.25)}))
    out.append(single("clip_max", "Clip", 13, [("x", x)], {"hi": scalar(0.3)}, node_inputs=["x", "", "hi"]))
    out.append(single("clip_none", "Clip", 13, [("x", x)]))
    return out


def pool_models() -> List[Case]:
    x9, x10 = [1, 3, 9, 9], [1, 3, 10, 10]
    out = [
        single("maxpool_k2s2", "MaxPool", 13, [("x", x9)], kernel_shape=[2, 2], strides=[2, 2]),
        single("maxpool_k3_pads", "MaxPool", 13, [("x", x9)], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        single("maxpool_k3s2_pads", "MaxPool", 13, [("x", x9)], kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1]),
        single("maxpool_ceil", "MaxPool", 13, [("x", x10)], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        single("maxpool_dilation2", "MaxPool", 13, [("x", x9)], kernel_shape=[2, 2], dilations=[2, 2]),
        single("maxpool_same_upper", "MaxPool", 13, [("x", x10)], kernel_shape=[3, 3], strides=[2, 2],
               auto_pad="SAME_UPPER"),
        single("maxpool_rect", "MaxPool", 13, [("x", x9)], kernel_shape=[3, 2], strides=[2, 1]),
        # All-negative inputs: padding must not look like a 0 maximum.
        single("maxpool_negative_pads", "MaxPool", 13, [("x", x9)], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
               input_dist={"x": ["uniform", -3.0, -1.0]}),
        single("avgpool_k2s2", "AveragePool", 13, [("x", x9)], kernel_shape=[2, 2], strides=[2, 2]),
        single("avgpool_pads_excl", "AveragePool", 13, [("x", x9)], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
               count_include_pad=0),
        single("avgpool_pads_incl", "AveragePool", 13, [("x", x9)], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
               count_include_pad=1),
        single("avgpool_ceil_excl", "AveragePool", 13, [("x", x10)], kernel_shape=[3, 3], strides=[2, 2],
               ceil_mode=1),
        single("avgpool_ceil_pads_incl", "AveragePool", 13, [("x", x10)], kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1),
        single("avgpool_same_upper", "AveragePool", 13, [("x", x10)], kernel_shape=[3, 3], strides=[2, 2],
               auto_pad="SAME_UPPER"),
        single("globalavgpool", "GlobalAveragePool", 13, [("x", [1, 8, 7, 7])]),
        single("globalavgpool_batch2", "GlobalAveragePool", 13, [("x", [2, 3, 5, 5])]),
        single("globalmaxpool", "GlobalMaxPool", 13, [("x", [2, 3, 5, 5])]),
    ]
    return out


def reduce_models() -> List[Case]:
    x = [2, 3, 4, 5]
    out = []
    for op in ("ReduceMean", "ReduceMax"):
        lo = op.lower()
        for opset in (13, 17):  # axes is an attribute up to opset 17
            out.append(single(f"{lo}_axis1", op, opset, [("x", x)], axes=[1], keepdims=1))
        out.append(single(f"{lo}_hw_nokeep", op, 13, [("x", x)], axes=[2, 3], keepdims=0))
        out.append(single(f"{lo}_neg", op, 13, [("x", x)], axes=[-1], keepdims=1))
        out.append(single(f"{lo}_neg_nokeep", op, 13, [("x", x)], axes=[-3, -1], keepdims=0))
        out.append(single(f"{lo}_all", op, 13, [("x", x)], keepdims=1))
        out.append(single(f"{lo}_all_nokeep", op, 13, [("x", x)], keepdims=0))
    # ReduceSum: axes is an attribute in opset 11, an input from opset 13.
    out.append(single("reducesum_axis1", "ReduceSum", 11, [("x", x)], axes=[1], keepdims=1))
    out.append(single("reducesum_neg_nokeep", "ReduceSum", 11, [("x", x)], axes=[-1, 0], keepdims=0))
    for opset in (13, 17):
        out.append(single("reducesum_axis1", "ReduceSum", opset, [("x", x)], {"axes": ints([1])}, keepdims=1))
    out.append(single("reducesum_hw_nokeep", "ReduceSum", 13, [("x", x)], {"axes": ints([2, 3])}, keepdims=0))
    out.append(single("reducesum_neg", "ReduceSum", 13, [("x", x)], {"axes": ints([-2])}, keepdims=1))
    out.append(single("reducesum_all", "ReduceSum", 13, [("x", x)], keepdims=0))
    return out


def shape_models() -> List[Case]:
    x = [2, 3, 4, 5]
    out = []
    for axis in range(0, 5):
        out.append(single(f"flatten_axis{axis}", "Flatten", 13, [("x", x)], axis=axis))
    out.append(single("flatten_neg", "Flatten", 13, [("x", x)], axis=-1))
    out.append(single("flatten_default", "Flatten", 13, [("x", x)]))
    for case, shape in (("2d", [2, 60]), ("zero_neg", [0, -1]), ("zero_zero_neg", [0, 0, -1]),
                        ("neg", [-1]), ("zero_mid", [4, 0, 10]), ("expand", [2, 3, 2, 2, 5])):
        out.append(single(f"reshape_{case}", "Reshape", 13, [("x", x)], {"shape": ints(shape)}))
    out.append(single("reshape_zero_neg", "Reshape", 17, [("x", x)], {"shape": ints([0, -1])}))
    out.append(single("reshape_allowzero", "Reshape", 17, [("x", x)], {"shape": ints([6, 4, -1])}, allowzero=1))
    out.append(single("transpose_nhwc", "Transpose", 13, [("x", x)], perm=[0, 2, 3, 1]))
    out.append(single("transpose_reverse", "Transpose", 13, [("x", x)], perm=[3, 2, 1, 0]))
    out.append(single("transpose_default", "Transpose", 13, [("x", x)]))
    out.append(single("transpose_2d", "Transpose", 13, [("x", [5, 7])], perm=[1, 0]))
    three = [("a", [2, 3, 4]), ("b", [2, 1, 4]), ("c", [2, 5, 4])]
    out.append(single("concat_axis1", "Concat", 13, three, axis=1))
    out.append(single("concat_neg", "Concat", 13, [("a", [2, 3, 4]), ("b", [2, 3, 2])], axis=-1))
    out.append(single("concat_axis0", "Concat", 13, [("a", [1, 3]), ("b", [2, 3]), ("c", [3, 3]),
                                                      ("d", [1, 3])], axis=0))
    r = Rand("concat_const")
    out.append(single("concat_const", "Concat", 13, [("a", [1, 2, 3, 3])], {"k": r.normal([1, 3, 3, 3])},
                      axis=-3))
    s = [2, 1, 4, 1]
    out.append(single("squeeze_axis1", "Squeeze", 13, [("x", s)], {"axes": ints([1])}))
    out.append(single("squeeze_two", "Squeeze", 13, [("x", s)], {"axes": ints([1, 3])}))
    out.append(single("squeeze_neg", "Squeeze", 13, [("x", s)], {"axes": ints([-1])}))
    out.append(single("squeeze_all", "Squeeze", 13, [("x", s)]))
    out.append(single("squeeze_axis1", "Squeeze", 11, [("x", s)], axes=[1]))
    out.append(single("unsqueeze_axis0", "Unsqueeze", 13, [("x", [3, 4])], {"axes": ints([0])}))
    out.append(single("unsqueeze_two", "Unsqueeze", 13, [("x", [3, 4])], {"axes": ints([0, 3])}))
    out.append(single("unsqueeze_neg", "Unsqueeze", 13, [("x", [3, 4])], {"axes": ints([-1])}))
    out.append(single("unsqueeze_axis0", "Unsqueeze", 11, [("x", [3, 4])], axes=[0]))
    for opset in (13, 17):
        out.append(single("identity", "Identity", opset, [("x", [2, 3])]))
    return out


def constant_models() -> List[Case]:
    out = []
    r = Rand("constant_add")
    value = onnx.numpy_helper.from_array(r.normal([3, 4]), "k")
    nodes = [node("Constant", [], ["k"], "constant_0", value=value), node("Add", ["x", "k"], ["y"], "add_0")]
    out.append(("constant_add_op13", make_model("constant_add_op13", 13, nodes, [("x", [2, 3, 4])], ["y"])))
    nodes = [node("Constant", [], ["k"], "constant_0", value_float=2.5), node("Mul", ["x", "k"], ["y"], "mul_0")]
    out.append(("constant_float_op13", make_model("constant_float_op13", 13, nodes, [("x", [2, 3])], ["y"])))
    # A graph output that is a constant, beside one that is computed.
    value = onnx.numpy_helper.from_array(Rand("constant_output").normal([2, 2]), "k")
    nodes = [node("Constant", [], ["k"], "constant_0", value=value), node("Relu", ["x"], ["y"], "relu_0")]
    out.append(("constant_output_op13", make_model("constant_output_op13", 13, nodes, [("x", [4])], ["y", "k"])))
    return out


def batchnorm_inits(r: Rand, c: int) -> Dict[str, np.ndarray]:
    return {"scale": r.normal([c], 0.5) + 1.0, "bias": r.normal([c], 0.5),
            "mean": r.normal([c], 0.5), "var": r.uniform([c], 0.25, 2.0)}


def norm_softmax_pad_models() -> List[Case]:
    out = []
    for case, opset, attrs in (("batchnorm", 13, {}), ("batchnorm_eps", 13, {"epsilon": 1e-3}),
                               ("batchnorm", 15, {})):
        r = Rand(f"{case}_{opset}")
        out.append(single(case, "BatchNormalization", opset, [("x", [2, 4, 5, 5])], batchnorm_inits(r, 4), **attrs))
    x = [2, 3, 4]
    for opset in (13, 17):
        out.append(single("softmax_last", "Softmax", opset, [("x", x)], axis=-1, input_dist={"x": ["normal", 3.0]}))
    out.append(single("softmax_axis1", "Softmax", 13, [("x", x)], axis=1))
    out.append(single("softmax_axis0", "Softmax", 13, [("x", x)], axis=0))
    out.append(single("softmax_default", "Softmax", 13, [("x", x)]))
    # Opset 11: the input is coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])].
    out.append(single("softmax_axis1", "Softmax", 11, [("x", x)], axis=1))
    out.append(single("softmax_default", "Softmax", 11, [("x", x)]))
    out.append(single("softmax_neg", "Softmax", 11, [("x", [2, 3, 4, 2])], axis=-2))
    out.append(single("softmax_2d", "Softmax", 11, [("x", [3, 10])], axis=1))
    x = [1, 3, 4, 5]
    out.append(single("pad_hw", "Pad", 13, [("x", x)], {"pads": ints([0, 0, 1, 1, 0, 0, 1, 1])}))
    out.append(single("pad_asym", "Pad", 13, [("x", x)], {"pads": ints([0, 0, 0, 2, 0, 0, 1, 0])}))
    out.append(single("pad_value", "Pad", 13, [("x", x)],
                      {"pads": ints([0, 1, 1, 0, 0, 0, 2, 1]), "value": scalar(1.5)},
                      mode="constant"))
    out.append(single("pad_nchw", "Pad", 11, [("x", x)], {"pads": ints([1, 0, 0, 1, 0, 2, 1, 0])}))
    return out


def single_op_models() -> List[Case]:
    """Every foundation op, several attribute combinations each."""
    gens: List[Callable[[], List[Case]]] = [
        conv_models, gemm_models, matmul_models, binary_models, activation_models, pool_models,
        reduce_models, shape_models, constant_models, norm_softmax_pad_models,
    ]
    from .tensor_models import tensor_models
    gens.append(tensor_models)
    from .math_models import math_models
    gens.append(math_models)
    from .dtype_models import dtype_models
    gens.append(dtype_models)
    from .recurrent_models import recurrent_models
    gens.append(recurrent_models)
    from .control_models import control_models
    gens.append(control_models)
    cases = [c for g in gens for c in g()]
    names = [n for n, _ in cases]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, f"duplicate test names: {sorted(dup)}"
    return cases


def composite_models() -> List[Case]:
    """Small CNN graphs for the graph-level fusions (Conv+BN, activations)."""
    from .composites import composite_models as _composites

    return _composites()
