//===- EtchTensorOps.td - etch data-movement ops -----------*- tablegen -*-===//
//
// Slicing and gathering. Included from EtchOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_TENSOR_OPS_TD
#define ETCH_TENSOR_OPS_TD

def Etch_SliceOp : Etch_Op<"slice", [Pure]> {
  let summary = "ONNX Slice with normalized, per-dimension starts and steps";
  let description = [{
    The importer resolves ONNX's starts/ends/axes/steps (negative indices,
    clamping, omitted axes) into one `start` and one non-zero `step` per
    input dimension; the result size along a dimension is its length. Element
    `i` along dimension `d` reads input index `starts[d] + i * steps[d]`.
  }];
  let arguments = (ins Etch_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_GatherOp : Etch_Op<"gather", [Pure]> {
  let summary = "ONNX Gather along a normalized axis";
  let description = [{
    `output[i_0..i_{a-1}, j_0..j_{q-1}, i_{a+1}..] =
    input[i_0..i_{a-1}, indices[j...], i_{a+1}..]`; negative indices count
    from the end of `axis`. Indices are i32 or i64, constant or computed.
  }];
  let arguments = (ins Etch_Tensor:$input, Etch_Tensor:$indices,
                       I64Attr:$axis);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // ETCH_TENSOR_OPS_TD
