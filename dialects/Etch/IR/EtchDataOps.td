//===- EtchDataOps.td - gathers, resize, scans, ConvTranspose -*- tablegen -*-===//
//
// Included from EtchOps.td: ONNX ops that move or combine data along computed
// indices (Expand, GatherElements, GatherND, Resize, CumSum, CumProd, TopK),
// Mod, and ConvTranspose. Composite ONNX ops (Split, Tile, DepthToSpace, LRN,
// ...) are decomposed by the importer into these and the core ops.
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_DATA_OPS_TD
#define ETCH_DATA_OPS_TD

def Etch_ExpandOp : Etch_Op<"expand", [Pure]> {
  let summary = "ONNX Expand: NumPy broadcast of the input to the result shape";
  let description = [{
    The result shape is the broadcast of the input shape and ONNX's `shape`
    input (which the importer resolved); Tile is a reshape/expand/reshape.
  }];
  let arguments = (ins Etch_Tensor:$input);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_GatherElementsOp : Etch_Op<"gather_elements", [Pure]> {
  let summary = "ONNX GatherElements along a normalized axis";
  let description = [{
    `output[i...] = input[i_0, .., indices[i...], .., i_(r-1)]` (the index
    replaces coordinate `axis`); negative indices count from the end.
  }];
  let arguments = (ins Etch_Tensor:$input, Etch_Tensor:$indices,
                       I64Attr:$axis);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_ScatterElementsOp : Etch_Op<"scatter_elements", [Pure]> {
  let summary = "ONNX ScatterElements (and Scatter) along a normalized axis";
  let description = [{
    The result is `data` with `updates[u...]` written (or combined with
    `reduction` = add, mul, max, min) at `u` whose coordinate `axis` is
    replaced by `indices[u...]`; negative indices count from the end.
    Duplicate indices with `reduction = none` keep the last update.
  }];
  let arguments = (ins Etch_Tensor:$data, Etch_Tensor:$indices,
                       Etch_Tensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_ScatterNDOp : Etch_Op<"scatter_nd", [Pure]> {
  let summary = "ONNX ScatterND";
  let description = [{
    `indices` is `[b..., k]`: each `indices[b...]` addresses a slice
    `data[i_0, .., i_(k-1), :, ..]`, which becomes (or is combined by
    `reduction` with) `updates[b..., :, ..]`.
  }];
  let arguments = (ins Etch_Tensor:$data, Etch_Tensor:$indices,
                       Etch_Tensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_GatherNDOp : Etch_Op<"gather_nd", [Pure]> {
  let summary = "ONNX GatherND with batch_dims";
  let description = [{
    The last dimension of `indices` (size k) indexes the k dimensions of
    `input` after the `batch_dims` leading (shared) ones; the result shape is
    `indices.shape[:-1] ++ input.shape[batch_dims + k:]`.
  }];
  let arguments = (ins Etch_Tensor:$input, Etch_Tensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_CumSumOp : Etch_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "ONNX CumSum along a normalized axis";
  let arguments = (ins Etch_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Etch_CumProdOp : Etch_Op<"cumprod", [Pure, SameOperandsAndResultType]> {
  let summary = "ONNX CumProd along a normalized axis";
  let arguments = (ins Etch_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Etch_TopKOp : Etch_Op<"topk", [Pure]> {
  let summary = "ONNX TopK with a static k: values and i64 indices";
  let description = [{
    The `k` largest (or smallest) elements along `axis`, sorted; equal
    values keep the lower index first, as ONNX specifies.
  }];
  let arguments = (ins Etch_Tensor:$input, I64Attr:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs Etch_Tensor:$values, Etch_Tensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_ModOp : Etch_Op<"mod", [Pure]> {
  let summary = "ONNX Mod with NumPy broadcasting";
  let description = [{
    `fmod = false` (integers only): the remainder takes the divisor's sign,
    as Python's `%`. `fmod = true`: the dividend's sign, as C's `fmod`.
    Integer tensors are signless; `is_unsigned` records an unsigned ONNX type.
  }];
  let arguments = (ins Etch_Tensor:$lhs, Etch_Tensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod,
                       UnitAttr:$is_unsigned);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_GridSampleOp : Etch_Op<"grid_sample", [Pure]> {
  let summary = "ONNX GridSample (2-D, NCHW)";
  let description = [{
    `output[n, c, h, w]` samples `input[n, c]` at the normalized location
    `grid[n, h, w] = (x, y)` in [-1, 1] (`align_corners`: -1 and 1 are the
    centers of the corner pixels, else their outer edges) with `mode`
    bilinear, nearest (ties to even) or bicubic (A = -0.75), and
    `padding_mode` zeros, border or reflection for locations outside.
  }];
  let arguments = (ins Etch_Tensor:$input, Etch_Tensor:$grid,
                       StrAttr:$mode, StrAttr:$padding_mode,
                       BoolAttr:$align_corners);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $grid attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_BitShiftOp : Etch_Op<"bit_shift", [Pure]> {
  let summary = "ONNX BitShift (unsigned integers) with NumPy broadcasting";
  let description = [{
    `lhs << rhs` (`left = true`) or the logical `lhs >> rhs`; shifts by the
    bit width or more give 0, as NumPy's.
  }];
  let arguments = (ins Etch_Tensor:$lhs, Etch_Tensor:$rhs, BoolAttr:$left);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_ResizeOp : Etch_Op<"resize", [Pure, AttrSizedOperandSegments]> {
  let summary = "ONNX Resize / Upsample to the (static) result shape";
  let description = [{
    Per dimension, output coordinate `x` maps to an input coordinate by
    `coordinate_transformation_mode` with that dimension's scale, then
    `mode` samples there: `nearest` (rounded by `nearest_mode`), `linear`
    (2 taps) or `cubic` (4 taps, `cubic_coeff_a`, `exclude_outside`).
    Scales come from `static_scales`, or at run time from the `scales`
    operand (1-D f32, one per dimension); `tf_crop_and_resize` takes its
    region from `static_roi` or the `roi` operand (starts then ends,
    normalized) and writes `extrapolation_value` outside the input. With
    `antialias` (linear/cubic, static scales), a dimension downscaled by s
    samples with the filter stretched by 1/s (2 - 2 * (floor(-support / s) +
    1) taps, support 1 linear, 2 cubic), its weights normalized, as ONNX's
    reference.
  }];
  let arguments = (ins Etch_Tensor:$input,
                       Optional<Etch_Tensor>:$scales,
                       Optional<Etch_Tensor>:$roi,
                       StrAttr:$mode,
                       StrAttr:$coordinate_transformation_mode,
                       DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<BoolAttr, "false">:$antialias,
                       DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value,
                       OptionalAttr<DenseF32ArrayAttr>:$static_scales,
                       OptionalAttr<DenseF32ArrayAttr>:$static_roi);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input (`scales` $scales^)? (`roi` $roi^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_ConvTransposeOp : Etch_Op<"conv_transpose", [Pure]> {
  let summary = "ONNX ConvTranspose (N-d, grouped, dilated, optional bias)";
  let description = [{
    Weight is `[C_in, C_out / group, k...]`. `pads` holds begin pads then
    end pads, already resolved from auto_pad/output_shape by the importer;
    output_padding is the part of the result shape beyond
    `strides * (in - 1) + dilations * (k - 1) + 1 - pads`.
  }];
  let arguments = (ins Etch_Tensor:$input, Etch_Tensor:$weight,
                       Optional<Etch_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_MaxPoolIndicesOp : Etch_Op<"max_pool_indices", [Pure]> {
  let summary = "ONNX MaxPool's Indices output (i64, flattened NCHW order)";
  let description = [{
    Attributes as etch.max_pool. Each result element is the flat index into
    the input (row-major, or column-major over the spatial dims with
    `storage_order = 1`) of the first maximum of its window.
  }];
  let arguments = (ins Etch_Tensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$storage_order);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_EinsumOp : Etch_Op<"einsum", [Pure]> {
  let summary = "ONNX Einsum with the equation resolved into dimension labels";
  let description = [{
    `input_labels[i][d]` labels dimension `d` of operand `i` (ellipses are
    expanded into labels of their own); `output_labels` labels the result's
    dimensions. Dimensions with the same label are one loop (a repeated label
    within an operand reads its diagonal); labels missing from the output are
    summed over. The result is the sum of the products of the operands.
  }];
  let arguments = (ins Variadic<Etch_Tensor>:$inputs,
                       ArrayAttr:$input_labels,
                       DenseI64ArrayAttr:$output_labels);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // ETCH_DATA_OPS_TD
