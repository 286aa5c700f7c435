//===- EtchMathOps.td - math, logic and reduction ops ------*- tablegen -*-===//
//
// Included from EtchOps.td. Elementwise math (float unless noted), logic on
// i1 tensors, comparisons, Where, Cast, PRelu/Pow, extra reductions and
// ArgMax/ArgMin. Composite ONNX ops (LayerNormalization, LogSoftmax, Mean,
// ReduceL2, ...) are decomposed by the importer into these and the core ops.
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_MATH_OPS_TD
#define ETCH_MATH_OPS_TD

//===----------------------------------------------------------------------===//
// Elementwise unary math
//===----------------------------------------------------------------------===//

def Etch_SqrtOp : Etch_UnaryOp<"sqrt", "Sqrt">;
def Etch_ExpOp : Etch_UnaryOp<"exp", "Exp">;
def Etch_LogOp : Etch_UnaryOp<"log", "Log">;
def Etch_ErfOp : Etch_UnaryOp<"erf", "Erf">;
def Etch_SinOp : Etch_UnaryOp<"sin", "Sin">;
def Etch_CosOp : Etch_UnaryOp<"cos", "Cos">;
def Etch_TanOp : Etch_UnaryOp<"tan", "Tan">;
def Etch_AsinOp : Etch_UnaryOp<"asin", "Asin">;
def Etch_AcosOp : Etch_UnaryOp<"acos", "Acos">;
def Etch_AtanOp : Etch_UnaryOp<"atan", "Atan">;
def Etch_SinhOp : Etch_UnaryOp<"sinh", "Sinh">;
def Etch_CoshOp : Etch_UnaryOp<"cosh", "Cosh">;
def Etch_AsinhOp : Etch_UnaryOp<"asinh", "Asinh">;
def Etch_AcoshOp : Etch_UnaryOp<"acosh", "Acosh">;
def Etch_AtanhOp : Etch_UnaryOp<"atanh", "Atanh">;
def Etch_AbsOp : Etch_UnaryOp<"abs", "Abs (floats and integers)">;
def Etch_NegOp : Etch_UnaryOp<"neg", "Neg (floats and integers)">;
def Etch_SignOp : Etch_UnaryOp<"sign", "Sign (floats and integers)">;
def Etch_ReciprocalOp : Etch_UnaryOp<"reciprocal", "Reciprocal">;
def Etch_FloorOp : Etch_UnaryOp<"floor", "Floor">;
def Etch_CeilOp : Etch_UnaryOp<"ceil", "Ceil">;
def Etch_RoundOp : Etch_UnaryOp<"round", "Round (half to even)">;
def Etch_NotOp : Etch_UnaryOp<"not", "Not (i1)">;
def Etch_SoftplusOp : Etch_UnaryOp<"softplus", "Softplus: log(exp(x) + 1)">;
def Etch_SoftsignOp : Etch_UnaryOp<"softsign", "Softsign: x / (1 + |x|)">;
def Etch_EluOp : Etch_UnaryOp<"elu", "Elu",
    (ins DefaultValuedAttr<F32Attr, "1.0f">:$alpha)>;
def Etch_SeluOp : Etch_UnaryOp<"selu", "Selu",
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625f">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875f">:$gamma)>;
def Etch_CeluOp : Etch_UnaryOp<"celu", "Celu",
    (ins DefaultValuedAttr<F32Attr, "1.0f">:$alpha)>;
def Etch_ThresholdedReluOp : Etch_UnaryOp<"thresholded_relu",
    "ThresholdedRelu: x > alpha ? x : 0",
    (ins DefaultValuedAttr<F32Attr, "1.0f">:$alpha)>;

//===----------------------------------------------------------------------===//
// Elementwise binary ops with NumPy broadcasting
//===----------------------------------------------------------------------===//

// Operands share one element type; the result has it too (arithmetic,
// logic), or is i1 (comparisons).
class Etch_MathBinaryOp<string mnemonic, string onnxName,
                        list<Trait> traits = [], dag attrs = (ins)>
    : Etch_BinaryOp<mnemonic, onnxName, traits, attrs>;

def Etch_PowOp : Etch_MathBinaryOp<"pow", "Pow (exponent cast to the base type)">;
def Etch_PReluOp : Etch_MathBinaryOp<"prelu", "PRelu (slope broadcast to x)">;
def Etch_AndOp : Etch_MathBinaryOp<"and", "And (i1)", [Commutative]>;
def Etch_OrOp : Etch_MathBinaryOp<"or", "Or (i1)", [Commutative]>;
def Etch_XorOp : Etch_MathBinaryOp<"xor", "Xor (i1)", [Commutative]>;
def Etch_EqualOp : Etch_MathBinaryOp<"equal", "Equal (i1 result)", [Commutative]>;
def Etch_LessOp : Etch_MathBinaryOp<"less", "Less (i1 result)", [],
                                    Etch_SignednessAttr>;
def Etch_LessOrEqualOp : Etch_MathBinaryOp<"less_or_equal",
                                           "LessOrEqual (i1 result)", [],
                                           Etch_SignednessAttr>;
def Etch_GreaterOp : Etch_MathBinaryOp<"greater", "Greater (i1 result)", [],
                                       Etch_SignednessAttr>;
def Etch_GreaterOrEqualOp : Etch_MathBinaryOp<"greater_or_equal",
                                              "GreaterOrEqual (i1 result)", [],
                                              Etch_SignednessAttr>;

def Etch_WhereOp : Etch_Op<"where", [Pure]> {
  let summary = "ONNX Where: condition ? x : y, with NumPy broadcasting";
  let arguments = (ins Etch_Tensor:$condition, Etch_Tensor:$x,
                       Etch_Tensor:$y);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_FixedPointMulOp : Etch_Op<"fixed_point_mul", [Pure]> {
  let summary = "x * multiplier * 2^shift in int32 fixed point (gemmlowp)";
  let description = [{
    The requantization of `--requant=fixedpoint`: TensorFlow Lite's
    MultiplyByQuantizedMultiplier on i32 tensors, with NumPy broadcasting of
    `multiplier` (a Q31 value in [2^30, 2^31), or 0) and `shift` (in
    [-31, 30]) against `x`:

      left = max(shift, 0), right = max(-shift, 0)
      h = SaturatingRoundingDoublingHighMul(x << left, multiplier)
          (x * m / 2^31 rounded to nearest, ties up: the i64 product plus
          2^30, or 1 - 2^30 when negative, divided by 2^31 truncating;
          INT32_MIN * INT32_MIN saturates to INT32_MAX)
      y = RoundingDivideByPOT(h, right)
          (round half away from zero of h / 2^right)

    so y = round(x * multiplier * 2^(shift - 31)) with gemmlowp's two
    roundings, bit for bit.
  }];
  let arguments = (ins Etch_Tensor:$x, Etch_Tensor:$multiplier,
                       Etch_Tensor:$shift);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = [{
    $x `,` $multiplier `,` $shift attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Etch_CastOp : Etch_Op<"cast", [Pure]> {
  let summary = "ONNX Cast to the result element type";
  let description = [{
    Float to integer rounds toward zero; to i1 is `x != 0`; i1 to a number is
    0 or 1. Integer tensors are signless: `unsigned_input` /
    `unsigned_output` record that the ONNX type was unsigned, which decides
    zero- vs sign-extension and unsigned float conversions.

    Float8 types (f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU) follow
    ONNX Cast-19/24: round to nearest even; with `saturate` (the default)
    values beyond the largest finite value, infinities included, become it,
    without it they become NaN (or infinity for f8E5M2); f8E8M0FNU rounds
    as `round_mode` says ("up", "down" or "nearest"). The sub-byte ONNX
    types travel as one i8 per element and are named by `input_storage` /
    `output_storage`: "i4", "ui4", "i2", "ui2" (the value, sign- or
    zero-extended; a float out of their range casts to 0, an integer wraps)
    and "f4E2M1FN" (the 4-bit code, saturating).
  }];
  let arguments = (ins Etch_Tensor:$input,
                       DefaultValuedAttr<BoolAttr, "false">:$unsigned_input,
                       DefaultValuedAttr<BoolAttr, "false">:$unsigned_output,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate,
                       DefaultValuedAttr<StrAttr, "\"up\"">:$round_mode,
                       DefaultValuedAttr<StrAttr, "\"\"">:$input_storage,
                       DefaultValuedAttr<StrAttr, "\"\"">:$output_storage);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_BitCastOp : Etch_Op<"bitcast", [Pure]> {
  let summary = "ONNX BitCast: the same bits read as another element type";
  let description = [{
    Input and result have the same shape and element types of the same bit
    width (signless integers or floats), so each element is `arith.bitcast`.
    ONNX types narrower than a byte, and bool, are not bitcast here: the
    importer turns the cases that are plain value conversions into casts.
  }];
  let arguments = (ins Etch_Tensor:$input);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and index reductions
//===----------------------------------------------------------------------===//

def Etch_ReduceMinOp : Etch_ReduceOp<"reduce_min", "ReduceMin">;
def Etch_ReduceProdOp : Etch_ReduceOp<"reduce_prod", "ReduceProd">;

class Etch_ArgReduceOp<string mnemonic, string onnxName>
    : Etch_Op<mnemonic, [Pure]> {
  let summary = "ONNX " # onnxName # " (i64 indices along a normalized axis)";
  let description = [{
    Ties pick the first index, or the last with `select_last_index`.
  }];
  let arguments = (ins Etch_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Etch_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Etch_ArgMaxOp : Etch_ArgReduceOp<"arg_max", "ArgMax">;
def Etch_ArgMinOp : Etch_ArgReduceOp<"arg_min", "ArgMin">;

#endif // ETCH_MATH_OPS_TD
