"""e2e single-op models for Resize/Upsample, Split, Tile, Expand, the gathers,
CumSum, TopK, DepthToSpace/SpaceToDepth, ConvTranspose, Einsum, LRN, Shrink,
Mod and MaxPool's indices, compared with ONNX Runtime.

Graph inputs are float32; integer operands (indices, repeats, scales, sizes,
axes) are initializers. Integer-tensor variants are covered by the ONNX node
tests (conformance). ``data_models()`` is one of ``tensor_models()``'s
generators.
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import onnx

from .onnx_build import Rand, ints, make_model, node, single

Case = Tuple[str, onnx.ModelProto]


def _f32(values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def resize_models() -> List[Case]:
    out = []
    x = [1, 2, 4, 5]
    empty = _f32([])
    up = {"roi": empty, "scales": _f32([1, 1, 2, 1.5])}
    down = {"roi": empty, "scales": _f32([1, 1, 0.6, 0.8])}
    # ONNX's reference (the node tests' data) takes align_corners' resized
    # length as scale * length, ONNX Runtime as the output size: they agree
    # only where that product is whole.
    whole = {"up": {"roi": empty, "scales": _f32([1, 1, 2, 2])},
             "down": {"roi": empty, "scales": _f32([1, 1, 0.5, 0.6])}}
    for mode, ctm, extra in [
        ("nearest", "asymmetric", {"nearest_mode": "floor"}),
        ("nearest", "half_pixel", {"nearest_mode": "round_prefer_ceil"}),
        ("nearest", "align_corners", {"nearest_mode": "ceil"}),
        ("linear", "half_pixel", {}),
        ("linear", "align_corners", {}),
        ("linear", "pytorch_half_pixel", {}),
        ("cubic", "half_pixel", {}),
        ("cubic", "asymmetric", {"cubic_coeff_a": -0.5, "exclude_outside": 1}),
    ]:
        for tag, inits in (("up", up), ("down", down)):
            if ctm == "align_corners":
                inits = whole[tag]
            out.append(single(f"resize_{mode}_{ctm}_{tag}", "Resize", 13, [("x", x)], inits,
                              mode=mode, coordinate_transformation_mode=ctm, **extra))
    # sizes instead of scales (opset 11 needs the roi and scales inputs).
    out.append(single("resize_sizes_linear", "Resize", 11, [("x", x)],
                      {"roi": empty, "scales": empty, "sizes": ints([1, 2, 7, 3])},
                      mode="linear"))
    out.append(single("resize_crop_linear", "Resize", 13, [("x", x)],
                      {"roi": _f32([0, 0, 0.2, 0.1, 1, 1, 0.9, 0.7]), "scales": empty,
                       "sizes": ints([1, 2, 3, 4])},
                      mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
                      extrapolation_value=-1.0))
    out.append(single("resize_opset10_nearest", "Resize", 10, [("x", x)],
                      {"scales": _f32([1, 1, 2, 3])}, mode="nearest"))
    out.append(single("upsample_linear", "Upsample", 9, [("x", x)],
                      {"scales": _f32([1, 1, 2, 2])}, mode="linear"))
    return out


def _multi(name: str, opset: int, nodes, inputs, outputs, inits) -> Case:
    return name, make_model(name, opset, nodes, inputs, outputs, inits)


def data_movement_models() -> List[Case]:
    out = []
    x = [2, 6, 3]
    for opset, inits, attrs in [(13, {"split": ints([1, 2, 3])}, {}),
                                (11, {}, {"split": [4, 2]})]:
        outs = [f"y{i}" for i in range(3 if inits else 2)]
        name = f"split_axis1_op{opset}"
        out.append(_multi(name, opset, [node("Split", ["x", *inits], outs, "split_0", axis=1,
                                              **attrs)], [("x", x)], outs, inits))
    out.append(_multi("split_equal_op13", 13, [node("Split", ["x"], ["a", "b", "c"], "split_0",
                                                    axis=-1)],
                      [("x", [2, 6, 3])], ["a", "b", "c"], {}))
    out.append(single("tile", "Tile", 13, [("x", [2, 1, 3])], {"r": ints([2, 3, 1])}))
    out.append(single("expand_rank_up", "Expand", 13, [("x", [3, 1])], {"s": ints([2, 1, 4])}))
    out.append(single("expand_ones", "Expand", 13, [("x", [2, 1, 3])], {"s": ints([1, 4, 1])}))
    r = Rand("gathers")
    idx = r.uniform([2, 5, 3], -6, 6).astype(np.int64)
    out.append(single("gather_elements_axis1", "GatherElements", 13, [("x", x)], {"i": idx},
                      axis=1))
    out.append(single("gather_elements_last", "GatherElements", 13, [("x", [3, 4])],
                      {"i": ints([[0, -1], [3, 2], [1, 1]])}, axis=-1))
    out.append(single("gathernd", "GatherND", 13, [("x", [3, 4, 2])],
                      {"i": ints([[[0, 1], [2, -1]], [[1, 3], [0, 0]]])}))
    out.append(single("gathernd_batch1", "GatherND", 13, [("x", [2, 4, 3])],
                      {"i": ints([[[1], [3]], [[0], [2]]])}, batch_dims=1))
    for excl, rev in [(0, 0), (1, 0), (0, 1), (1, 1)]:
        out.append(single(f"cumsum_e{excl}_r{rev}", "CumSum", 14, [("x", [3, 5])],
                          {"axis": np.array(1, np.int64)}, exclusive=excl, reverse=rev))
    out.append(single("cumsum_axis0", "CumSum", 14, [("x", [3, 5])],
                      {"axis": np.array(-2, np.int32)}))
    for largest in (1, 0):
        name = f"topk_largest{largest}_op11"
        out.append(_multi(name, 11, [node("TopK", ["x", "k"], ["v", "i"], "topk_0", axis=1,
                                          largest=largest)],
                          [("x", [3, 6, 2])], ["v"], {"k": ints([4])}))
    for mode in ("DCR", "CRD"):
        out.append(single(f"depthtospace_{mode.lower()}", "DepthToSpace", 13, [("x", [2, 8, 3, 2])],
                          blocksize=2, mode=mode))
    out.append(single("spacetodepth", "SpaceToDepth", 13, [("x", [2, 3, 4, 6])], blocksize=2))
    out.append(single("mod_fmod", "Mod", 13, [("a", [2, 5]), ("b", [5])], fmod=1,
                      input_dist={"b": ["abs_uniform", 0.5, 2.0]}))
    return out


def conv_models() -> List[Case]:
    out = []
    r = Rand("convtranspose")
    x = [1, 4, 5, 5]
    w = r.normal([4, 3, 3, 3], 0.5)
    out.append(single("convtranspose", "ConvTranspose", 13, [("x", x)], {"w": w}))
    out.append(single("convtranspose_strided", "ConvTranspose", 13, [("x", x)],
                      {"w": w, "b": r.normal([3])}, strides=[2, 3], pads=[1, 0, 2, 1],
                      output_padding=[1, 2]))
    out.append(single("convtranspose_group_dil", "ConvTranspose", 13, [("x", x)],
                      {"w": r.normal([4, 2, 2, 3], 0.5)}, group=2, dilations=[2, 1],
                      strides=[2, 2]))
    out.append(single("convtranspose_same_upper", "ConvTranspose", 13, [("x", x)], {"w": w},
                      strides=[2, 2], auto_pad="SAME_UPPER"))
    out.append(single("convtranspose_output_shape", "ConvTranspose", 13, [("x", x)], {"w": w},
                      strides=[2, 2], output_shape=[12, 11]))
    out.append(single("convtranspose_1d", "ConvTranspose", 13, [("x", [2, 3, 7])],
                      {"w": r.normal([3, 2, 4], 0.5)}, strides=[3]))
    out.append(single("lrn", "LRN", 13, [("x", [2, 5, 3, 4])], size=3))
    out.append(single("lrn_size5", "LRN", 13, [("x", [1, 6, 2, 3])], size=5, alpha=0.01,
                      beta=0.5, bias=2.0))
    out.append(single("shrink", "Shrink", 13, [("x", [3, 7])], lambd=0.7, bias=0.2))
    name = "maxpool_with_indices_op12"
    out.append((name, make_model(name, 12, [node("MaxPool", ["x"], ["y", "i"], "maxpool_0",
                                                 kernel_shape=[3, 3], strides=[2, 2],
                                                 pads=[1, 1, 1, 1])],
                                 [("x", [1, 2, 7, 7])], ["y"])))
    return out


def einsum_models() -> List[Case]:
    out = []
    for case, eq, shapes in [
        ("einsum_bmm", "bij,bjk->bik", [[2, 3, 4], [2, 4, 5]]),
        ("einsum_ellipsis", "...ij,...jk->...ik", [[2, 3, 4, 5], [2, 3, 5, 2]]),
        ("einsum_transpose", "ij->ji", [[3, 4]]),
        ("einsum_reduce", "bij->b", [[2, 3, 4]]),
        ("einsum_implicit", "ij,kj", [[3, 4], [5, 4]]),
        ("einsum_diag", "bii->bi", [[2, 3, 3]]),
    ]:
        names = [f"x{i}" for i in range(len(shapes))]
        out.append(single(case, "Einsum", 12, list(zip(names, shapes)), equation=eq))
    return out


def _compress(case: str, x, cond, out_shape, **attrs) -> Case:
    """Compress's result shape depends on the condition, which ONNX shape
    inference does not read: the output's shape is given."""
    from onnx import TensorProto, helper
    name = f"{case}_op13"
    model = make_model(name, 13, [node("Compress", ["x", "c"], ["y"], "compress_0", **attrs)], [("x", x)], ["y"],
                       {"c": cond}, check=False)
    del model.graph.output[:]
    model.graph.output.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape))
    onnx.checker.check_model(model, full_check=True)
    return name, model


def _stft() -> Case:
    """STFT with a Hann window; ONNX 1.12's shape inference ignores onesided,
    so the output shape is given."""
    from onnx import TensorProto, helper
    name = "stft_hann_op17"
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(32) / 32)).astype(np.float32)
    model = make_model(name, 17, [node("STFT", ["x", "step", "w"], ["y"], "stft_0")], [("x", [1, 256, 1])],
                       ["y"], {"step": np.array(16, np.int64), "w": window}, check=False)
    del model.graph.output[:]
    model.graph.output.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 15, 17, 2]))
    return name, model


def indexing_models() -> List[Case]:
    """Ops whose index pattern comes from values known at compile time."""
    x = [4, 5]
    cond = np.array([True, False, True, True], np.bool_)
    return [
        single("eyelike_k1", "EyeLike", 13, [("x", [4, 6])], k=1),
        _compress("compress_axis0", x, cond, [3, 5], axis=0),
        _compress("compress_flat", x, np.array([0, 1, 1, 0, 0, 1], np.bool_), [3]),
        single("reversesequence_time", "ReverseSequence", 13, [("x", [5, 3, 2])],
               {"lens": np.array([5, 2, 0], np.int64)}, time_axis=0, batch_axis=1),
        single("reversesequence_batch", "ReverseSequence", 13, [("x", [3, 5, 2])],
               {"lens": np.array([1, 4, 5], np.int64)}, time_axis=1, batch_axis=0),
        single("hannwindow_periodic", "HannWindow", 17, [("x", [10])], {"n": np.array(10, np.int64)},
               node_inputs=["n"]),
        single("blackmanwindow_symmetric", "BlackmanWindow", 17, [("x", [7])], {"n": np.array(7, np.int64)},
               node_inputs=["n"], periodic=0),
        # GridSample, grid partly outside [-1, 1] to exercise the padding.
        *[single(f"gridsample_{m}_{pm}_{'ac' if ac else 'nac'}", "GridSample", 16,
                 [("x", [1, 2, 5, 6]), ("g", [1, 4, 3, 2])], input_dist={"g": ["uniform", -1.3, 1.3]},
                 mode=m, padding_mode=pm, align_corners=ac)
          for m, pm, ac in [("bilinear", "zeros", 0), ("bilinear", "border", 1), ("nearest", "reflection", 0),
                            ("bicubic", "zeros", 1), ("bicubic", "reflection", 0), ("nearest", "border", 1)]],
        # Spectral ops as matmuls with constant bases.
        single("dft_real_onesided_padded", "DFT", 17, [("x", [2, 12, 1])], {"n": np.array(16, np.int64)},
               node_inputs=["x", "n"], axis=1, onesided=1),
        single("dft_complex_inverse_axis2", "DFT", 17, [("x", [2, 3, 8, 2])], axis=2, inverse=1),
        _stft(),
        single("melweightmatrix_40x257", "MelWeightMatrix", 17, [("x", [1])],
               {"m": np.array(40, np.int64), "n": np.array(512, np.int64), "r": np.array(16000, np.int64),
                "lo": np.array(20.0, np.float32), "hi": np.array(7600.0, np.float32)},
               node_inputs=["m", "n", "r", "lo", "hi"]),
        # Scatters (run-time lowering; updates smaller than data on the other
        # axes, negative indices, reductions).
        single("scatterelements_axis1", "ScatterElements", 13, [("x", [4, 5]), ("u", [3, 2])],
               {"i": np.array([[0, 4], [-1, 2], [1, 0]], np.int64)}, node_inputs=["x", "i", "u"], axis=1),
        single("scatterelements_add", "ScatterElements", 16, [("x", [4, 3]), ("u", [4, 3])],
               {"i": np.array([[0, 1, 2], [0, 0, 0], [3, 3, 1], [2, 0, 3]], np.int64)},
               node_inputs=["x", "i", "u"], axis=0, reduction="add"),
        single("scatternd_rows", "ScatterND", 13, [("x", [5, 4, 3]), ("u", [2, 4, 3])],
               {"i": np.array([[3], [-5]], np.int64)}, node_inputs=["x", "i", "u"]),
        single("scatternd_elements_mul", "ScatterND", 16, [("x", [3, 4]), ("u", [3])],
               {"i": np.array([[0, 1], [2, 3], [0, 1]], np.int64)}, node_inputs=["x", "i", "u"],
               reduction="mul"),
    ]


def data_models() -> List[Case]:
    return resize_models() + data_movement_models() + conv_models() + einsum_models() + indexing_models()
