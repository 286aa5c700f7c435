#!/usr/bin/python3
"""Generates the tiny ONNX models under Inputs/ used by the importer lit tests.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_models.py
The outputs are committed; rerun after changing a model here.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Inputs")
RNG = np.random.RandomState(0)
F = TensorProto.FLOAT


def vi(name, shape, dtype=F):
    return helper.make_tensor_value_info(name, dtype, shape)


def weight(name, shape, raw=True):
    data = RNG.uniform(-1, 1, size=shape).astype(np.float32)
    if raw:
        return numpy_helper.from_array(data, name)
    return helper.make_tensor(name, F, shape, data.flatten().tolist())


def ints(name, values, dtype=TensorProto.INT64):
    return helper.make_tensor(name, dtype, [len(values)], values)


def save(name, nodes, inputs, outputs, inits=(), opset=13, **kw):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)],
        producer_name="etch-gen-models", **kw)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save_model(model, path)
    assert os.path.getsize(path) < 10 * 1024, path
    return model


def conv_models():
    save("conv", [
        helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv_0",
                         pads=[1, 1, 1, 1], strides=[2, 2],
                         kernel_shape=[3, 3]),
    ], [vi("x", [1, 3, 8, 8])], [vi("y", [1, 8, 4, 4])],
        [weight("w", [8, 3, 3, 3]), weight("b", [8])])
    # auto_pad variants, depthwise groups, dilations, default kernel_shape.
    save("conv_autopad", [
        helper.make_node("Conv", ["x", "w"], ["su"], name="same_upper",
                         auto_pad="SAME_UPPER", strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["sl"], name="same_lower",
                         auto_pad="SAME_LOWER", strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["va"], name="valid",
                         auto_pad="VALID"),
        helper.make_node("Conv", ["x", "dw"], ["dw_out"], name="depthwise",
                         group=4, pads=[2, 2, 2, 2], dilations=[2, 2]),
    ], [vi("x", [1, 4, 6, 6])],
        [vi("su", None), vi("sl", None), vi("va", None), vi("dw_out", None)],
        [weight("w", [2, 4, 3, 3]), weight("dw", [4, 1, 3, 3])])
    save("conv_bad_autopad", [
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bad",
                         auto_pad="SAME_WEIRD"),
    ], [vi("x", [1, 4, 6, 6])], [vi("y", None)], [weight("w", [2, 4, 2, 2])])


def linalg_models():
    save("gemm_matmul", [
        helper.make_node("Gemm", ["a", "b", "c"], ["g"], name="gemm_0",
                         alpha=0.5, beta=2.0, transB=1),
        helper.make_node("MatMul", ["x", "m"], ["mm"], name="matmul_batched"),
        helper.make_node("MatMul", ["x", "v"], ["mv"], name="matmul_vec"),
    ], [vi("a", [2, 3]), vi("x", [4, 2, 3])],
        [vi("g", None), vi("mm", None), vi("mv", None)],
        [weight("b", [5, 3]), weight("c", [5]), weight("m", [3, 6]),
         weight("v", [3], raw=False)])


def elementwise_models():
    save("elementwise", [
        helper.make_node("Add", ["x", "bias"], ["add"], name="add_0"),
        helper.make_node("Sub", ["add", "x"], ["sub"], name="sub_0"),
        helper.make_node("Mul", ["sub", "row"], ["mul"], name="mul_0"),
        helper.make_node("Div", ["mul", "x"], ["div"], name="div_0"),
        helper.make_node("Max", ["div", "x", "row"], ["max"], name="max_0"),
        helper.make_node("Min", ["max"], ["min"], name="min_0"),
        helper.make_node("Relu", ["min"], ["relu"], name="relu_0"),
        helper.make_node("Sigmoid", ["relu"], ["sig"], name="sigmoid_0"),
        helper.make_node("Tanh", ["sig"], ["tanh"], name="tanh_0"),
        helper.make_node("HardSigmoid", ["tanh"], ["hsig"], name="hsig_0",
                         alpha=0.25, beta=0.375),
        helper.make_node("HardSwish", ["hsig"], ["hswish"], name="hswish_0"),
        helper.make_node("LeakyRelu", ["hswish"], ["leaky"], name="leaky_0",
                         alpha=0.125),
    ], [vi("x", [2, 3])], [vi("leaky", None)],
        [weight("bias", [3]), weight("row", [2, 1])], opset=14)
    # Clip: attributes before opset 11, constant inputs from 11 on.
    save("clip_opset7", [
        helper.make_node("Clip", ["x"], ["y"], name="clip_0", min=0.0,
                         max=6.0),
    ], [vi("x", [4])], [vi("y", None)], opset=7)
    save("clip_opset13", [
        helper.make_node("Constant", [], ["lo"], name="lo_const",
                         value=helper.make_tensor("lo", F, [], [-1.0])),
        helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="clip_both"),
        helper.make_node("Clip", ["y", "", "hi"], ["z"], name="clip_max"),
        helper.make_node("Clip", ["z"], ["w"], name="clip_none"),
    ], [vi("x", [4])], [vi("w", None)],
        [helper.make_tensor("hi", F, [], [6.0])])
    save("clip_dynamic_min", [
        helper.make_node("Clip", ["x", "lo"], ["y"], name="clip_dyn"),
    ], [vi("x", [4]), vi("lo", [])], [vi("y", None)])


def pool_norm_models():
    save("pools", [
        helper.make_node("MaxPool", ["x"], ["mp"], name="maxpool_ceil",
                         kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
        helper.make_node("MaxPool", ["x"], ["mp_same"], name="maxpool_same",
                         kernel_shape=[3, 3], strides=[2, 2],
                         auto_pad="SAME_UPPER"),
        helper.make_node("AveragePool", ["x"], ["ap"], name="avgpool_pad",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         count_include_pad=1),
        helper.make_node("GlobalAveragePool", ["x"], ["gap"], name="gap_0"),
    ], [vi("x", [1, 2, 5, 5])],
        [vi("mp", None), vi("mp_same", None), vi("ap", None), vi("gap", None)])
    save("maxpool_indices", [
        helper.make_node("MaxPool", ["x"], ["y", "idx"], name="pool_idx",
                         kernel_shape=[2, 2]),
    ], [vi("x", [1, 2, 4, 4])], [vi("y", None), vi("idx", None, TensorProto.INT64)])
    save("batchnorm", [
        helper.make_node("BatchNormalization",
                         ["x", "scale", "bias", "mean", "var"], ["y"],
                         name="bn_0", epsilon=1e-3),
    ], [vi("x", [1, 3, 4, 4])], [vi("y", None)],
        [weight("scale", [3]), weight("bias", [3]), weight("mean", [3]),
         numpy_helper.from_array(np.ones([3], np.float32), "var")], opset=15)
    save("batchnorm_training", [
        helper.make_node("BatchNormalization",
                         ["x", "scale", "bias", "mean", "var"], ["y"],
                         name="bn_train", training_mode=1),
    ], [vi("x", [1, 3, 4, 4])], [vi("y", None)],
        [weight("scale", [3]), weight("bias", [3]), weight("mean", [3]),
         weight("var", [3])], opset=15)
    for opset in (11, 13):
        save(f"softmax_opset{opset}", [
            helper.make_node("Softmax", ["x"], ["y"], name="softmax_axis1",
                             axis=1),
            helper.make_node("Softmax", ["x"], ["z"], name="softmax_last",
                             axis=-1),
        ], [vi("x", [2, 3, 4])], [vi("y", None), vi("z", None)],
            opset=opset)


def reduce_models():
    save("reduce", [
        helper.make_node("ReduceMean", ["x"], ["mean"], name="mean_0",
                         axes=[1, 2]),
        helper.make_node("ReduceMax", ["x"], ["max"], name="max_0",
                         axes=[-1, 0], keepdims=0),
        helper.make_node("ReduceSum", ["x", "axes"], ["sum"], name="sum_0",
                         keepdims=0),
        helper.make_node("ReduceSum", ["x"], ["sum_all"], name="sum_all"),
        helper.make_node("ReduceSum", ["x", "empty"], ["sum_noop"],
                         name="sum_noop", noop_with_empty_axes=1),
    ], [vi("x", [2, 3, 4])],
        [vi("mean", None), vi("max", None), vi("sum", None),
         vi("sum_all", None), vi("sum_noop", None)],
        [ints("axes", [1]), ints("empty", [])])


def shape_models():
    save("shape_ops", [
        helper.make_node("Flatten", ["x"], ["flat"], name="flatten_0",
                         axis=2),
        helper.make_node("Reshape", ["x", "shape"], ["reshaped"],
                         name="reshape_0"),
        helper.make_node("Unsqueeze", ["x", "uaxes"], ["unsq"],
                         name="unsqueeze_0"),
        helper.make_node("Squeeze", ["unsq"], ["sq"], name="squeeze_all"),
        helper.make_node("Transpose", ["x"], ["tr"], name="transpose_rev"),
        helper.make_node("Transpose", ["x"], ["tr2"], name="transpose_perm",
                         perm=[0, 2, 1]),
        helper.make_node("Concat", ["x", "x"], ["cat"], name="concat_0",
                         axis=-2),
        helper.make_node("Identity", ["cat"], ["ident"], name="identity_0"),
    ], [vi("x", [2, 3, 4])],
        [vi(n, None) for n in ["flat", "reshaped", "unsq", "sq", "tr",
                               "tr2", "ident"]],
        [ints("shape", [0, -1]), ints("uaxes", [0, -1])])
    save("shape_opset11", [
        helper.make_node("Unsqueeze", ["x"], ["unsq"], name="unsqueeze_0",
                         axes=[1]),
        helper.make_node("Squeeze", ["unsq"], ["sq"], name="squeeze_0",
                         axes=[1]),
        helper.make_node("Dropout", ["sq"], ["drop"], name="dropout_0"),
    ], [vi("x", [2, 3])], [vi("drop", None)], opset=11)
    save("reshape_allowzero", [
        helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_az",
                         allowzero=1),
    ], [vi("x", [0, 3])], [vi("y", None)], [ints("shape", [3, 0])],
        opset=14)
    save("reshape_dynamic_shape", [
        helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape_dyn"),
    ], [vi("x", [2, 3]), vi("s", [2], TensorProto.INT64)], [vi("y", None)])


def constant_models():
    i8 = helper.make_tensor("i8", TensorProto.INT8, [3], [-1, 2, -3])
    u8 = helper.make_tensor("u8", TensorProto.UINT8, [2], [7, 255])
    flags = helper.make_tensor("flags", TensorProto.BOOL, [2], [True, False])
    i32 = helper.make_tensor("i32", TensorProto.INT32, [2], [5, -6])
    big_i64 = numpy_helper.from_array(np.arange(20, dtype=np.int64), "big")
    save("constants", [
        helper.make_node("Constant", [], ["c_tensor"], name="const_tensor",
                         value=helper.make_tensor("t", F, [2], [1.5, -2.0])),
        helper.make_node("Constant", [], ["c_float"], name="const_float",
                         value_float=0.25),
        helper.make_node("Constant", [], ["c_ints"], name="const_ints",
                         value_ints=[1, 2, 3]),
        helper.make_node("Add", ["x", "c_tensor"], ["sum"], name="add_0"),
    ], [vi("x", [2])],
        [vi("sum", None), vi("x", None), vi("c_float", None),
         vi("c_ints", None, TensorProto.INT64),
         vi("i8", None, TensorProto.INT8), vi("u8", None, TensorProto.UINT8),
         vi("flags", None, TensorProto.BOOL),
         vi("i32", None, TensorProto.INT32),
         vi("big", None, TensorProto.INT64)],
        [i8, u8, flags, i32, big_i64])


def pad_models():
    save("pad", [
        helper.make_node("Pad", ["x", "pads", "val"], ["y"], name="pad_0"),
    ], [vi("x", [1, 2, 3])], [vi("y", None)],
        [ints("pads", [0, 1, 2, 0, 0, 1]),
         helper.make_tensor("val", F, [], [0.5])], opset=13)
    save("pad_opset7", [
        helper.make_node("Pad", ["x"], ["y"], name="pad_0",
                         pads=[1, 0, 0, 1], value=-1.0),
    ], [vi("x", [2, 3])], [vi("y", None)], opset=7)
    save("pad_reflect", [
        helper.make_node("Pad", ["x", "pads"], ["y"], name="pad_reflect",
                         mode="reflect"),
    ], [vi("x", [2, 3])], [vi("y", None)], [ints("pads", [0, 1, 0, 1])])
    save("pad_negative", [
        helper.make_node("Pad", ["x", "pads"], ["y"], name="pad_neg"),
    ], [vi("x", [2, 3])], [vi("y", None)], [ints("pads", [0, -1, 0, 0])])


def error_models():
    save("unsupported_op", [
        helper.make_node("Relu", ["boxes"], ["r"], name="relu_0"),
        helper.make_node("NonMaxSuppression", ["r", "scores"], ["sel"],
                         name="nms_0"),
    ], [vi("boxes", [1, 4, 4]), vi("scores", [1, 1, 4])],
        [vi("sel", None, TensorProto.INT64)])
    save("missing_input", [
        helper.make_node("Relu", ["nowhere"], ["y"], name="relu_orphan"),
    ], [vi("x", [2])], [vi("y", [2])])
    save("custom_domain", [
        helper.make_node("FusedThing", ["x"], ["y"], name="fused_0",
                         domain="com.example"),
    ], [vi("x", [2])], [vi("y", [2])])
    save("dynamic_input", [
        helper.make_node("Relu", ["x"], ["y"], name="relu_0"),
    ], [vi("x", ["N", 3, None])], [vi("y", None)])
    save("opset_too_new", [
        helper.make_node("Relu", ["x"], ["y"], name="relu_0"),
    ], [vi("x", [2])], [vi("y", [2])], opset=29)
    # A protobuf cut in the middle of a field.
    data = open(os.path.join(OUT, "conv.onnx"), "rb").read()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])


def external_data_model():
    graph = helper.make_graph([
        helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul_ext"),
        helper.make_node("Add", ["y", "b"], ["z"], name="add_ext"),
    ], "external", [vi("x", [1, 16])], [vi("z", None)],
        [weight("w", [16, 8]), weight("b", [8])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    for name in ("external.onnx", "external.onnx.data"):
        if os.path.exists(os.path.join(OUT, name)):
            os.remove(os.path.join(OUT, name))
    onnx.save_model(model, os.path.join(OUT, "external.onnx"),
                    save_as_external_data=True,
                    all_tensors_to_one_file=True,
                    location="external.onnx.data", size_threshold=0)


def recurrent_models():
    # Its own generator so that adding it changes no other model's weights.
    rng = np.random.RandomState(1)

    def w(name, shape):
        return numpy_helper.from_array(
            rng.uniform(-1, 1, size=shape).astype(np.float32), name)
    save("lstm", [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["y", "y_h", "y_c"],
                         name="lstm_0", hidden_size=2),
    ], [vi("x", [2, 1, 3])],
        [vi("y", [2, 1, 1, 2]), vi("y_h", [1, 1, 2]), vi("y_c", [1, 1, 2])],
        [w("W", [1, 8, 3]), w("R", [1, 8, 2]), w("B", [1, 16])], opset=14)


def control_models():
    then_g = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["t"], name="then_relu")], "then", [],
        [vi("t", None)])
    else_g = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["e"], name="else_neg")], "else", [],
        [vi("e", None)])
    # cond = (x.shape[0] == 1), folded at import: the then branch is taken.
    save("if_shape", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Equal", ["n", "one"], ["c"], name="equal"),
        helper.make_node("If", ["c"], ["y"], name="if_0", then_branch=then_g,
                         else_branch=else_g),
    ], [vi("x", [1, 4])], [vi("y", [1, 4])],
        [helper.make_tensor("zero", TensorProto.INT64, [], [0]),
         helper.make_tensor("one", TensorProto.INT64, [], [1])])
    # Loop with a constant trip count of 2: unrolled into two adds.
    body = helper.make_graph(
        [helper.make_node("Identity", ["c_in"], ["c_out"], name="cond_id"),
         helper.make_node("Add", ["acc_in", "acc_in"], ["acc_out"],
                          name="double")], "body",
        [vi("i", [], TensorProto.INT64), vi("c_in", [], TensorProto.BOOL),
         vi("acc_in", None)],
        [vi("c_out", [], TensorProto.BOOL), vi("acc_out", None)])
    save("loop", [
        helper.make_node("Loop", ["trip", "", "x"], ["y"], name="loop_0",
                         body=body),
    ], [vi("x", [1, 4])], [vi("y", [1, 4])],
        [helper.make_tensor("trip", TensorProto.INT64, [], [2])])
    # cond is a graph input: both branches, selected at run time (or the
    # taken one alone with --input-value).
    save("if_input", [
        helper.make_node("If", ["c"], ["y"], name="if_1", then_branch=then_g,
                         else_branch=else_g),
    ], [vi("x", [1, 4]), vi("c", [], TensorProto.BOOL)], [vi("y", [1, 4])])

    scan_constant_state_models()


def scan_constant_state_models():
    # Scan whose state starts as a constant (ConstantOfShape, folded at
    # import) and whose body reads an outer-scope constant (Unsqueeze's
    # axes), which ONNX's inference of the whole model cannot: the body's
    # Add is inferred alone, the state bound to the outer constant.
    body = helper.make_graph(
        [helper.make_node("Unsqueeze", ["x_t", "axes"], ["u"], name="unsq"),
         helper.make_node("Add", ["state_in", "u"], ["state_out"],
                          name="acc"),
         helper.make_node("Identity", ["state_out"], ["y_t"], name="out")],
        "body",
        [helper.make_empty_tensor_value_info("state_in"),
         helper.make_empty_tensor_value_info("x_t")],
        [helper.make_empty_tensor_value_info("state_out"),
         helper.make_empty_tensor_value_info("y_t")])
    save("scan_const_state", [
        helper.make_node("ConstantOfShape", ["shape"], ["zeros"],
                         name="zeros"),
        helper.make_node("Scan", ["zeros", "xs"], ["final", "ys"],
                         name="scan_0", num_scan_inputs=1, body=body),
    ], [vi("xs", [4, 2, 3])], [vi("final", None), vi("ys", None)],
        [ints("shape", [1, 2, 3]), ints("axes", [0])], opset=16)


def sequence_models():
    # split x [4, 3] into rows, take row 1, and concatenate the reversed
    # pair (row 3, row 0) along a new axis.
    save("sequence", [
        helper.make_node("SplitToSequence", ["x"], ["rows"], name="split",
                         axis=0, keepdims=0),
        helper.make_node("SequenceAt", ["rows", "one"], ["r1"], name="at"),
        helper.make_node("SequenceErase", ["rows", "one"], ["s1"],
                         name="erase"),
        helper.make_node("SequenceErase", ["s1", "one"], ["s2"],
                         name="erase2"),
        helper.make_node("SequenceInsert", ["s2", "r1"], ["s3"],
                         name="insert"),
        helper.make_node("ConcatFromSequence", ["s3"], ["y"], name="concat",
                         axis=0, new_axis=1),
        helper.make_node("SequenceLength", ["s3"], ["n"], name="length"),
    ], [vi("x", [4, 3])], [vi("y", [3, 3]), vi("n", [], TensorProto.INT64)],
        [helper.make_tensor("one", TensorProto.INT64, [], [1])], opset=14)
    save("sequence_output", [
        helper.make_node("SplitToSequence", ["x"], ["rows"], name="split_out"),
    ], [vi("x", [4, 3])],
        [helper.make_tensor_sequence_value_info("rows", F, None)], opset=14)
    save("identity_sequence", [
        helper.make_node("Identity", ["x"], ["y"], name="identity_seq"),
    ], [helper.make_tensor_sequence_value_info("x", F, None)],
        [helper.make_tensor_sequence_value_info("y", F, None)], opset=14)


def indexing_models():
    save("indexing", [
        helper.make_node("Compress", ["x", "keep"], ["c"], name="compress",
                         axis=1),
        helper.make_node("ReverseSequence", ["x", "lens"], ["r"],
                         name="reverse", time_axis=1, batch_axis=0),
        helper.make_node("EyeLike", ["x"], ["e"], name="eye", k=-1),
    ], [vi("x", [2, 3])],
        [vi("c", [2, 2]), vi("r", [2, 3]), vi("e", [2, 3])],
        [helper.make_tensor("keep", TensorProto.BOOL, [3], [1, 0, 1]),
         helper.make_tensor("lens", TensorProto.INT64, [2], [3, 2])])


def spectral_models():
    save("dft", [
        helper.make_node("DFT", ["x"], ["y"], name="dft_0", axis=1,
                         onesided=1),
    ], [vi("x", [2, 4, 1])], [vi("y", [2, 3, 2])], opset=17)


def integer_models():
    U8, I8 = TensorProto.UINT8, TensorProto.INT8
    save("qlinear_matmul", [
        helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz",
                                           "ys", "yz"], ["y"], name="qmm"),
    ], [vi("a", [2, 3], U8)], [vi("y", [2, 4], U8)],
        [helper.make_tensor("as", F, [], [0.5]),
         helper.make_tensor("az", U8, [], [128]),
         helper.make_tensor("b", I8, [3, 4], list(range(-6, 6))),
         helper.make_tensor("bs", F, [4], [0.1, 0.2, 0.3, 0.4]),
         helper.make_tensor("bz", I8, [4], [0, 0, 0, 0]),
         helper.make_tensor("ys", F, [], [0.25]),
         helper.make_tensor("yz", U8, [], [10])])

    # A uint8 x int8 convolution wide enough in channels for dot-product
    # instructions (test/codegen/LLVMCPU/int8-dot.test).
    cw = bytes(((i * 5) % 13 - 6) & 0xFF for i in range(16 * 16 * 3 * 3))
    save("qlinear_conv_u8", [
        helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz",
                                         "ys", "yz"], ["y"], name="qconv",
                         pads=[1, 1, 1, 1]),
    ], [vi("x", [1, 16, 8, 16], U8)], [vi("y", [1, 16, 8, 16], U8)],
        [helper.make_tensor("xs", F, [], [0.02]),
         helper.make_tensor("xz", U8, [], [120]),
         helper.make_tensor("w", I8, [16, 16, 3, 3], cw, raw=True),
         helper.make_tensor("ws", F, [], [0.01]),
         helper.make_tensor("wz", I8, [], [0]),
         helper.make_tensor("ys", F, [], [0.3]),
         helper.make_tensor("yz", U8, [], [128])])

    # ONNX Runtime's QDQ format: DQ -> op -> Q groups (QdqFusion.cpp).
    w = [((i * 7) % 11) - 5 for i in range(3 * 2 * 3 * 3)]
    save("qdq_fusion", [
        helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["xf"], name="dq_x"),
        helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wf"], name="dq_w", axis=0),
        helper.make_node("DequantizeLinear", ["b", "bs", "bz"], ["bf"], name="dq_b", axis=0),
        helper.make_node("Conv", ["xf", "wf", "bf"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("QuantizeLinear", ["r", "cs", "cz"], ["cq"], name="q_c"),
        helper.make_node("DequantizeLinear", ["cq", "cs", "cz"], ["cf"], name="dq_c"),
        helper.make_node("MaxPool", ["cf"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("QuantizeLinear", ["p", "cs", "cz"], ["pq"], name="q_p"),
        helper.make_node("DequantizeLinear", ["pq", "cs", "cz"], ["pf"], name="dq_p"),
        helper.make_node("Add", ["pf", "pf"], ["s"], name="add"),
        helper.make_node("QuantizeLinear", ["s", "ss", "sz"], ["sq"], name="q_s"),
        helper.make_node("DequantizeLinear", ["sq", "ss", "sz"], ["sf"], name="dq_s"),
        helper.make_node("GlobalAveragePool", ["sf"], ["g"], name="gap"),
        helper.make_node("QuantizeLinear", ["g", "gs", "gz"], ["y"], name="q_g"),
    ], [vi("x", [1, 2, 4, 4], U8)], [vi("y", [1, 3, 1, 1], U8)],
        [helper.make_tensor("xs", F, [], [0.02]),
         helper.make_tensor("xz", U8, [], [100]),
         helper.make_tensor("w", I8, [3, 2, 3, 3], w),
         helper.make_tensor("ws", F, [3], [0.01, 0.02, 0.03]),
         helper.make_tensor("wz", I8, [3], [0, 0, 0]),
         helper.make_tensor("b", TensorProto.INT32, [3], [50, -20, 7]),
         helper.make_tensor("bs", F, [3], [0.0002, 0.0004, 0.0006]),
         helper.make_tensor("bz", TensorProto.INT32, [3], [0, 0, 0]),
         helper.make_tensor("cs", F, [], [0.05]),
         helper.make_tensor("cz", U8, [], [0]),
         helper.make_tensor("ss", F, [], [0.1]),
         helper.make_tensor("sz", U8, [], [0]),
         helper.make_tensor("gs", F, [], [0.08]),
         helper.make_tensor("gz", U8, [], [0])])


def main():
    os.makedirs(OUT, exist_ok=True)
    conv_models()
    linalg_models()
    elementwise_models()
    pool_norm_models()
    reduce_models()
    shape_models()
    constant_models()
    pad_models()
    error_models()
    external_data_model()
    recurrent_models()
    control_models()
    sequence_models()
    indexing_models()
    spectral_models()
    integer_models()


if __name__ == "__main__":
    main()
