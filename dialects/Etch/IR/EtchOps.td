//===- EtchOps.td - etch graph ops -------------------------*- tablegen -*-===//
//
// One op per ONNX operator. Operands and results are statically shaped ranked
// tensors; result types are always explicit (the importer takes them from ONNX
// shape inference), and verifiers check them against the ONNX shape rules.
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_OPS_TD
#define ETCH_OPS_TD

include "dialects/Etch/IR/EtchDialect.td"
include "dialects/Etch/IR/EtchAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Etch_Tensor : RankedTensorOf<[AnyType]>;

// Attributes shared by ops that can absorb a trailing activation
// (etch-graph-fuse-activations). Clip uses alpha=min, beta=max; HardSigmoid
// and LeakyRelu use ONNX's alpha/beta.
defvar ActivationArgs = (ins
    DefaultValuedAttr<Etch_ActivationKindAttr,
                      "::mlir::etch::ActivationKind::None">:$activation,
    DefaultValuedAttr<F32Attr, "0.0f">:$act_alpha,
    DefaultValuedAttr<F32Attr, "0.0f">:$act_beta);

//===----------------------------------------------------------------------===//
// Constants and plumbing
//===----------------------------------------------------------------------===//

def Etch_ConstantOp : Etch_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "output"]>]> {
  let summary = "ONNX Constant and initializers";
  let description = [{
    A constant tensor. Initializers are imported as `DenseResourceElementsAttr`
    blobs so large weights are never copied element by element.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Etch_IdentityOp : Etch_Op<"identity", [Pure, SameOperandsAndResultType]> {
  let summary = "ONNX Identity";
  let arguments = (ins Etch_Tensor:$input);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Etch_ConvOp : Etch_Op<"conv", [Pure]> {
  let summary = "ONNX Conv (N-d, grouped, dilated, with optional bias)";
  let description = [{
    `pads` holds [x1_begin, x2_begin, ..., x1_end, x2_end, ...] as in ONNX;
    auto_pad has already been resolved into explicit pads by the importer.
    Depthwise convolution is `group == C_in` with one filter per group.
    An 8-bit input into an i32 result is sign-extended, or zero-extended
    with `unsigned_input` (uint8 activations of quantized models).
  }];
  let arguments = !con((ins Etch_Tensor:$input, Etch_Tensor:$weight,
                            Optional<Etch_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations,
                            DefaultValuedAttr<I64Attr, "1">:$group,
                            DefaultValuedAttr<BoolAttr, "false">:$unsigned_input),
                       ActivationArgs);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_GemmOp : Etch_Op<"gemm", [Pure]> {
  let summary = "ONNX Gemm: alpha * op(A) * op(B) + beta * C";
  let arguments = !con((ins Etch_Tensor:$a, Etch_Tensor:$b,
                            Optional<Etch_Tensor>:$c,
                            DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                            DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                            DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                            DefaultValuedAttr<BoolAttr, "false">:$trans_b),
                       ActivationArgs);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_MatMulOp : Etch_Op<"matmul", [Pure]> {
  let summary = "ONNX MatMul (numpy.matmul: batched, broadcast, 1-D operands)";
  let description = [{
    8-bit operands into an i32 result are sign-extended; with
    `unsigned_input`, `a` is zero-extended (uint8 activations).
  }];
  let arguments = !con((ins Etch_Tensor:$a, Etch_Tensor:$b,
                            DefaultValuedAttr<BoolAttr, "false">:$unsigned_input),
                       ActivationArgs);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $a `,` $b attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops with NumPy broadcasting
//===----------------------------------------------------------------------===//

class Etch_BinaryOp<string mnemonic, string onnxName, list<Trait> traits = [],
                    dag attrs = (ins)>
    : Etch_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = "ONNX " # onnxName # " with NumPy-style broadcasting";
  let arguments = !con((ins Etch_Tensor:$lhs, Etch_Tensor:$rhs), attrs);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_AddOp : Etch_Op<"add", [Pure, Commutative]> {
  let summary = "ONNX Add with NumPy-style broadcasting and a fused activation";
  let arguments = !con((ins Etch_Tensor:$lhs, Etch_Tensor:$rhs),
                       ActivationArgs);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}
def Etch_SubOp : Etch_BinaryOp<"sub", "Sub">;
def Etch_MulOp : Etch_BinaryOp<"mul", "Mul", [Commutative]>;
// Integer tensors are signless; `is_unsigned` records that the ONNX type was
// unsigned (udiv, unsigned max/min and comparisons).
defvar Etch_SignednessAttr = (ins UnitAttr:$is_unsigned);
def Etch_DivOp : Etch_BinaryOp<"div", "Div", [], Etch_SignednessAttr>;
def Etch_MaxOp : Etch_BinaryOp<"max", "Max (two operands)", [Commutative],
                               Etch_SignednessAttr>;
def Etch_MinOp : Etch_BinaryOp<"min", "Min (two operands)", [Commutative],
                               Etch_SignednessAttr>;

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class Etch_UnaryOp<string mnemonic, string onnxName, dag attrs = (ins)>
    : Etch_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "ONNX " # onnxName;
  let arguments = !con((ins Etch_Tensor:$input), attrs);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Etch_ReluOp : Etch_UnaryOp<"relu", "Relu">;
def Etch_SigmoidOp : Etch_UnaryOp<"sigmoid", "Sigmoid">;
def Etch_TanhOp : Etch_UnaryOp<"tanh", "Tanh">;
def Etch_HardSwishOp : Etch_UnaryOp<"hard_swish", "HardSwish">;
def Etch_ClipOp : Etch_UnaryOp<"clip",
    "Clip (min/max folded to attributes; absent bounds are +-inf)",
    (ins DefaultValuedAttr<F32Attr, "-INFINITY">:$min,
         DefaultValuedAttr<F32Attr, "INFINITY">:$max)>;
def Etch_HardSigmoidOp : Etch_UnaryOp<"hard_sigmoid",
    "HardSigmoid: max(0, min(1, alpha * x + beta))",
    (ins DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5f">:$beta)>;
def Etch_LeakyReluOp : Etch_UnaryOp<"leaky_relu", "LeakyRelu",
    (ins DefaultValuedAttr<F32Attr, "0.01f">:$alpha)>;

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

def Etch_MaxPoolOp : Etch_Op<"max_pool", [Pure]> {
  let summary = "ONNX MaxPool (values only)";
  let description = [{
    `pads` as in Conv. With `ceil_mode` the output may read past the end
    padding; those windows positions never contribute to the max.
  }];
  let arguments = (ins Etch_Tensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_AveragePoolOp : Etch_Op<"average_pool", [Pure]> {
  let summary = "ONNX AveragePool";
  let arguments = (ins Etch_Tensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_GlobalAveragePoolOp : Etch_Op<"global_average_pool", [Pure]> {
  let summary = "ONNX GlobalAveragePool";
  let arguments = (ins Etch_Tensor:$input);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_BatchNormOp : Etch_Op<"batch_norm", [Pure]> {
  let summary = "ONNX BatchNormalization, inference mode";
  let arguments = (ins Etch_Tensor:$input, Etch_Tensor:$scale,
                       Etch_Tensor:$bias, Etch_Tensor:$mean, Etch_Tensor:$var,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_SoftmaxOp : Etch_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "ONNX Softmax (opset 13 semantics: along one axis)";
  let description = [{
    Older opsets' 2-D coercion is expressed by the importer with reshapes.
    `axis` is normalized to be non-negative.
  }];
  let arguments = (ins Etch_Tensor:$input, I64Attr:$axis);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Etch_ReduceOp<string mnemonic, string onnxName>
    : Etch_Op<mnemonic, [Pure]> {
  let summary = "ONNX " # onnxName # " over constant, normalized axes";
  let description = [{
    `axes` are explicit, non-negative, sorted and unique: the importer spells
    out every axis for ONNX's "empty axes = reduce all" and turns
    `noop_with_empty_axes` into no op at all.
  }];
  let arguments = (ins Etch_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_ReduceMeanOp : Etch_ReduceOp<"reduce_mean", "ReduceMean">;
def Etch_ReduceMaxOp : Etch_ReduceOp<"reduce_max", "ReduceMax">;
def Etch_ReduceSumOp : Etch_ReduceOp<"reduce_sum", "ReduceSum">;

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Etch_ReshapeOp : Etch_Op<"reshape", [Pure]> {
  let summary = "Reshape to the (static) result type";
  let description = [{
    Models ONNX Reshape, Flatten, Squeeze and Unsqueeze: the importer
    resolves the target shape, so only the element count must match.
  }];
  let arguments = (ins Etch_Tensor:$input);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Etch_TransposeOp : Etch_Op<"transpose", [Pure]> {
  let summary = "ONNX Transpose";
  let arguments = (ins Etch_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Etch_ConcatOp : Etch_Op<"concat", [Pure]> {
  let summary = "ONNX Concat along a normalized (non-negative) axis";
  let arguments = (ins Variadic<Etch_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_PadOp : Etch_Op<"pad", [Pure]> {
  let summary = "ONNX Pad, constant mode, non-negative static pads";
  let arguments = (ins Etch_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

include "dialects/Etch/IR/EtchMathOps.td"
include "dialects/Etch/IR/EtchTensorOps.td"
include "dialects/Etch/IR/EtchDataOps.td"

#endif // ETCH_OPS_TD
