"""e2e models for import-time shape arithmetic and the ceil_mode pool shape.

``tensor_models()`` returns ``(test_name, onnx.ModelProto)`` cases like
``models.single_op_models()``; it is one of that function's generators.
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import onnx

from .onnx_build import ints, make_model, node, single

Case = Tuple[str, onnx.ModelProto]


def _scalar(v: int) -> np.ndarray:
    return np.array(v, dtype=np.int64)


def _with_output_shapes(model: onnx.ModelProto) -> onnx.ModelProto:
    """Output shapes from ONNX inference with data propagation (what etch's
    importer runs); make_model's plain inference cannot see computed shapes."""
    inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    known = {vi.name: vi for vi in inferred.graph.value_info}
    known.update({vi.name: vi for vi in inferred.graph.output})
    outs = [o if o.type.tensor_type.shape.dim else known.get(o.name, o) for o in model.graph.output]
    del model.graph.output[:]
    model.graph.output.extend(outs)
    return model


def shape_fold_models() -> List[Case]:
    """Shape computations exporters emit, folded to constants at import."""
    out = []
    x = [2, 3, 4, 5]
    for opset in (13, 17):
        name = f"fold_flatten_idiom_op{opset}"
        out.append((name, make_model(name, opset, [
            node("Shape", ["x"], ["s"], "shape_0"),
            node("Gather", ["s", "zero"], ["n"], "gather_0", axis=0),
            node("Unsqueeze", ["n", "axes0"], ["n1"], "unsqueeze_0"),
            node("Concat", ["n1", "minus1"], ["target"], "concat_0", axis=0),
            node("Reshape", ["x", "target"], ["y"], "reshape_0"),
        ], [("x", x)], ["y"], {"zero": _scalar(0), "axes0": ints([0]), "minus1": ints([-1])},
            check=False)))
    # Reverse the shape with a negative-step Slice, Range/Cast/Mul, and a
    # ConstantOfShape operand broadcast in an Add.
    name = "fold_slice_cos_op13"
    model = make_model(name, 13, [
        node("Shape", ["x"], ["s"], "shape_0"),
        node("Slice", ["s", "st", "en", "ax", "stp"], ["rev"], "slice_0"),
        node("Reshape", ["x", "rev"], ["xr"], "reshape_0"),
        node("ConstantOfShape", ["rev"], ["half"], "constantofshape_0",
             value=onnx.helper.make_tensor("v", onnx.TensorProto.FLOAT, [1], [0.5])),
        node("Add", ["xr", "half"], ["y"], "add_0"),
    ], [("x", [2, 3])], ["y"],
        {"st": ints([-1]), "en": ints([-100]), "ax": ints([0]), "stp": ints([-1])},
        check=False)
    # ONNX 1.12 data propagation does not see through Slice: declare y.
    del model.graph.output[:]
    model.graph.output.append(onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [3, 2]))
    out.append((name, model))
    return [(n, _with_output_shapes(m)) for n, m in out]


def ceil_pool_models() -> List[Case]:
    """ceil_mode where the last window would start in the end padding."""
    x = [1, 2, 4, 4]
    out = []
    for op in ("MaxPool", "AveragePool"):
        case = f"{op.lower()}_ceil_dropped"
        out.append(single(case, op, 13, [("x", x)], kernel_shape=[2, 2], strides=[2, 2],
                          pads=[0, 0, 1, 1], ceil_mode=1))
    return out


def tensor_models() -> List[Case]:
    from .data_models import data_models
    return shape_fold_models() + ceil_pool_models() + data_models()
