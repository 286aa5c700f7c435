//===- ImportQuant.cpp - QuantizeLinear, DequantizeLinear ------------------===//
//
// The ONNX quantization boundary ops of QDQ models, as float arithmetic on
// etch ops (QDQ groups between them are fused into integer ops first,
// QdqFusion.cpp; what is left computes in float):
//   DequantizeLinear:     y = (float(x) - float(zero_point)) * scale
//   QuantizeLinear:       y = saturate(round_half_even(x / scale) + zero_point)
//   DynamicQuantizeLinear: uint8 with scale and zero point from x's range.
// Scales and zero points are per tensor (scalars), per axis (1-D, along
// `axis`) or blocked (opset 21 block_size, ImportInt4.cpp); uint8 tensors
// are signless i8 with unsigned casts.
//
//===----------------------------------------------------------------------===//
#include "ImportQuant.h"

#include "ImportMath.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;
using namespace mlir::etch::importer::quant;

/// float32(v); `isUnsigned` if v's ONNX type is unsigned, `storage` the
/// etch.cast input_storage of a sub-byte type (float4e2m1's codes).
Value quant::toF32(GraphImporter &im, Value v, bool isUnsigned,
                   StringRef storage) {
  OpBuilder &b = im.getBuilder();
  if (cast<RankedTensorType>(v.getType()).getElementType().isF32()) {
    return v;
  }
  return im.create<CastOp>(
      withElement(v, b.getF32Type()), v,
      {im.namedAttr("unsigned_input", b.getBoolAttr(isUnsigned)),
       im.namedAttr("input_storage", b.getStringAttr(storage))});
}

/// The etch.cast storage name of input `i`'s ONNX type (empty unless
/// sub-byte).
static StringRef inputStorage(GraphImporter &im, unsigned i) {
  return im.hasInput(i)
             ? narrowStorageName(im.onnxElementType(im.getNode().input(i)))
             : StringRef();
}

FailureOr<Value> quant::alongDim(GraphImporter &im, Value param, int64_t rank,
                          int64_t dim, int64_t size, StringRef what) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getNumElements() == 1 && type.getRank() <= 1) {
    return type.getRank() == 0
               ? param
               : im.create<ReshapeOp>(
                     RankedTensorType::get({}, type.getElementType()), param);
  }
  if (type.getRank() != 1 || type.getDimSize(0) != size) {
    return im.error() << what << " must be a scalar or have " << size
                      << " elements, got " << type;
  }
  SmallVector<int64_t> shape(rank, 1);
  shape[dim] = size;
  return im.create<ReshapeOp>(
      RankedTensorType::get(shape, type.getElementType()), param);
}

namespace {

/// A scale or zero point shaped for broadcasting against a tensor of
/// `shape`: scalars stay, a 1-D tensor runs along `axisAttr`; with opset
/// 21's block_size, one value per block along `axisAttr`, repeated.
FailureOr<Value> perAxis(GraphImporter &im, Value param, ArrayRef<int64_t> shape,
                         int64_t axisAttr, StringRef what) {
  auto type = cast<RankedTensorType>(param.getType());
  int64_t rank = shape.size();
  if (int64_t blockSize = im.attrInt("block_size", 0);
      blockSize != 0 && im.getOpset() >= 21) {
    FailureOr<int64_t> axis = normalizeAxis(im, axisAttr, rank, "axis");
    if (failed(axis)) {
      return failure();
    }
    return blockedParam(im, param, shape, *axis, blockSize, what);
  }
  if (type.getNumElements() == 1 && type.getRank() <= 1) {
    return alongDim(im, param, rank, 0, 1, what);
  }
  FailureOr<int64_t> axis = normalizeAxis(im, axisAttr, rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  return alongDim(im, param, rank, *axis, shape[*axis], what);
}

/// float32(input 2), the zero point of Quantize/DequantizeLinear, shaped
/// like their scale; null when absent.
FailureOr<Value> floatZeroPoint(GraphImporter &im, ArrayRef<int64_t> shape,
                                int64_t axis) {
  if (!im.hasInput(2)) {
    return Value();
  }
  FailureOr<Value> zp = im.input(2);
  if (failed(zp)) {
    return failure();
  }
  return perAxis(im, toF32(im, *zp, im.isUnsignedInput(2), inputStorage(im, 2)),
                 shape, axis, "the zero point");
}

} // namespace

/// round_half_even(t) + zp (null: none) clamped to the range of `outElem`
/// (of `bits` when non-zero: int4/int2 in an i8) and cast to it.
Value quant::saturateCast(GraphImporter &im, Value t, Value zp, Type outElem,
                          bool isUnsigned, unsigned bits) {
  OpBuilder &b = im.getBuilder();
  unsigned width = bits ? bits : outElem.getIntOrFloatBitWidth();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = isUnsigned ? std::ldexp(1.0, width) - 1
                         : std::ldexp(1.0, width - 1) - 1;
  Value r = im.create<RoundOp>(t.getType(), t);
  if (zp) {
    r = createBinary<AddOp>(im, r, zp);
  }
  Type f32 = b.getF32Type();
  r = createBinary<MaxOp>(im, r, createScalarConstant(im, f32, lo));
  r = createBinary<MinOp>(im, r, createScalarConstant(im, f32, hi));
  return im.create<CastOp>(withElement(r, outElem), r,
                           {im.namedAttr("unsigned_output",
                                         b.getBoolAttr(isUnsigned))});
}

std::pair<int32_t, int32_t> quant::quantizeMultiplier(double real) {
  if (real == 0.0) {
    return {0, 0};
  }
  int shift = 0;
  double q = std::frexp(real, &shift);
  auto fixed = static_cast<int64_t>(std::round(q * double(int64_t(1) << 31)));
  if (fixed == (int64_t(1) << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    return {0, 0};
  }
  if (shift > 30) {
    return {INT32_MAX, 30};
  }
  return {static_cast<int32_t>(fixed), shift};
}

FailureOr<Value> quant::fixedPointScale(GraphImporter &im, Value acc,
                                        ArrayRef<double> reals, int64_t dim) {
  SmallVector<int32_t> multipliers, shifts;
  for (double r : reals) {
    if (!std::isfinite(r) || r < 0) {
      return im.error() << "--requant=fixedpoint: the requantization scale "
                        << r << " is not a finite non-negative number";
    }
    auto [m, s] = quantizeMultiplier(r);
    multipliers.push_back(m);
    shifts.push_back(s);
  }
  auto accType = cast<RankedTensorType>(acc.getType());
  SmallVector<int64_t> shape;
  if (reals.size() != 1) {
    shape.assign(accType.getRank(), 1);
    shape[dim] = static_cast<int64_t>(reals.size());
  }
  auto type = RankedTensorType::get(shape, im.getBuilder().getI32Type());
  auto constant = [&](ArrayRef<int32_t> values) {
    return im.create<ConstantOp>(
        type, {},
        {im.namedAttr("value", DenseElementsAttr::get(type, values))});
  };
  return im.create<FixedPointMulOp>(accType, {acc, constant(multipliers),
                                              constant(shifts)});
}

Value quant::saturateInt(GraphImporter &im, Value v, Value zp, Type outElem,
                         bool isUnsigned) {
  OpBuilder &b = im.getBuilder();
  unsigned width = outElem.getIntOrFloatBitWidth();
  int64_t lo = isUnsigned ? 0 : -(int64_t(1) << (width - 1));
  int64_t hi = isUnsigned ? (int64_t(1) << width) - 1
                          : (int64_t(1) << (width - 1)) - 1;
  Type i32 = b.getI32Type();
  if (zp) {
    v = createBinary<AddOp>(im, v, zp);
  }
  v = createBinary<MaxOp>(im, v, createScalarConstant(im, i32, double(lo)));
  v = createBinary<MinOp>(im, v, createScalarConstant(im, i32, double(hi)));
  return im.create<CastOp>(withElement(v, outElem), v,
                           {im.namedAttr("unsigned_output",
                                         b.getBoolAttr(isUnsigned))});
}

FailureOr<SmallVector<double>> quant::fixedPointScales(GraphImporter &im,
                                                       unsigned i,
                                                       StringRef what) {
  if (!im.constantInput(i)) {
    return im.error() << "--requant=fixedpoint computes the integer "
                         "multipliers at compile time, but "
                      << what << " ('" << im.getNode().input(i)
                      << "') is computed at run time; compile with "
                         "--requant=float";
  }
  return im.constantFloats(i, what);
}

namespace {

/// The result type of (De)QuantizeLinear: the input's shape with element
/// type `onnxType` (output_dtype, opset 21+), else `dflt`.
FailureOr<RankedTensorType> quantResultType(GraphImporter &im, Value x,
                                            Type dflt) {
  Type elem = dflt;
  if (int64_t dtype = im.attrInt("output_dtype", 0); dtype != 0) {
    elem = convertElementType(im.getContext(), dtype);
    if (!elem) {
      return im.error() << "output_dtype " << onnxTypeName(dtype)
                        << " is not supported";
    }
  }
  return RankedTensorType::get(cast<RankedTensorType>(x.getType()).getShape(),
                               elem);
}

LogicalResult importDequantizeLinear(GraphImporter &im,
                                     const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0), scale = im.input(1);
  if (failed(x) || failed(scale)) {
    return failure();
  }
  FailureOr<RankedTensorType> outType = quantResultType(
      im, *x, cast<RankedTensorType>(scale->getType()).getElementType());
  if (failed(outType)) {
    return failure();
  }
  if (!outType->getElementType().isF32() &&
      !outType->getElementType().isF16()) {
    return im.error() << "only float32 and float16 results are supported, "
                         "got "
                      << *outType;
  }
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t axis = im.attrInt("axis", 1);
  FailureOr<Value> s = perAxis(im, *scale, xType.getShape(), axis, "x_scale");
  if (failed(s)) {
    return failure();
  }
  Value y = toF32(im, *x, im.isUnsignedInput(0), inputStorage(im, 0));
  FailureOr<Value> z = floatZeroPoint(im, xType.getShape(), axis);
  if (failed(z)) {
    return failure();
  }
  if (*z) {
    y = createBinary<SubOp>(im, y, *z);
  }
  Type f32 = im.getBuilder().getF32Type();
  y = createBinary<MulOp>(im, y, toF32(im, *s, false), f32);
  if (!outType->getElementType().isF32()) {
    y = im.create<CastOp>(*outType, y);
  }
  im.setOutput(0, y);
  return success();
}

LogicalResult importQuantizeLinear(GraphImporter &im,
                                   const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0), scale = im.input(1);
  if (failed(x) || failed(scale)) {
    return failure();
  }
  // The zero point's type, else output_dtype, else uint8.
  FailureOr<Value> zp =
      im.hasInput(2) ? im.input(2) : FailureOr<Value>(Value());
  if (failed(zp)) {
    return failure();
  }
  FailureOr<RankedTensorType> outType =
      *zp ? RankedTensorType::get(
                cast<RankedTensorType>(x->getType()).getShape(),
                cast<RankedTensorType>(zp->getType()).getElementType())
          : quantResultType(im, *x, im.getBuilder().getIntegerType(8));
  if (failed(outType)) {
    return failure();
  }
  Type outElem = outType->getElementType();
  // The ONNX result type: the zero point's, else output_dtype.
  int64_t dtype = im.attrInt("output_dtype", 0);
  int32_t onnxOut = im.hasInput(2) ? im.onnxElementType(node.input(2))
                                   : static_cast<int32_t>(dtype);
  bool isFloat8 =
      isa<FloatType>(outElem) && outElem.getIntOrFloatBitWidth() == 8;
  bool isFloat4 = onnxOut == kOnnxFloat4E2M1;
  if (!outElem.isInteger(8) && !outElem.isInteger(16) &&
      !(isFloat8 && !isa<Float8E8M0FNUType>(outElem))) {
    return im.error() << "only 16-, 8-, 4- and 2-bit integer, float8 and "
                         "float4e2m1 results are supported, got "
                      << *outType;
  }
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t axis = im.attrInt("axis", 1);
  FailureOr<Value> s = perAxis(im, *scale, xType.getShape(), axis, "y_scale");
  if (failed(s)) {
    return failure();
  }
  Value t = createBinary<DivOp>(im, toF32(im, *x, false), toF32(im, *s, false));
  FailureOr<Value> z = floatZeroPoint(im, xType.getShape(), axis);
  if (failed(z)) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  if (isFloat8 || isFloat4) {
    // A float8 zero point is 0 and ignored (as the reference does); float4's
    // is added.
    if (isFloat4 && *z) {
      t = createBinary<AddOp>(im, t, *z);
    }
    im.setOutput(
        0, im.create<CastOp>(
               *outType, t,
               {im.namedAttr("saturate",
                             b.getBoolAttr(im.attrInt("saturate", 1) != 0)),
                im.namedAttr("output_storage",
                             b.getStringAttr(narrowStorageName(onnxOut)))}));
    im.noteOutputType(0, onnxOut);
    return success();
  }
  // Without a zero point the result is output_dtype, by default uint8.
  bool isUnsigned = im.hasInput(2) ? im.isUnsignedInput(2)
                                   : dtype == 0 || isUnsignedType(dtype);
  im.setOutput(
      0, saturateCast(im, t, *z, outElem, isUnsigned, narrowTypeBits(onnxOut)));
  if (onnxOut != 0) {
    im.noteOutputType(0, onnxOut);
  }
  return success();
}

/// DynamicQuantizeLinear: the range [min(0, min x), max(0, max x)] maps onto
/// [0, 255]: scale = range / 255, zero point = saturate(round(-min / scale)).
LogicalResult importDynamicQuantizeLinear(GraphImporter &im,
                                          const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xType = cast<RankedTensorType>(x->getType());
  if (!xType.getElementType().isF32()) {
    return im.error() << "expected a float32 input, got " << xType;
  }
  OpBuilder &b = im.getBuilder();
  Type f32 = b.getF32Type();
  auto scalarType = RankedTensorType::get({}, f32);
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < xType.getRank(); ++d) {
    all.push_back(d);
  }
  auto reduce = [&](auto tag) {
    using OpTy = decltype(tag);
    return im.create<OpTy>(scalarType, *x,
                           {im.namedAttr("axes", b.getDenseI64ArrayAttr(all)),
                            im.namedAttr("keepdims", b.getBoolAttr(false))});
  };
  Value zero = createScalarConstant(im, f32, 0.0);
  Value hi = createBinary<MaxOp>(im, reduce(ReduceMaxOp()), zero);
  Value lo = createBinary<MinOp>(im, reduce(ReduceMinOp()), zero);
  Value scale = createBinary<DivOp>(im, createBinary<SubOp>(im, hi, lo),
                                    createScalarConstant(im, f32, 255.0));
  Type i8 = b.getIntegerType(8);
  Value negLo = createBinary<SubOp>(im, zero, lo);
  Value zp = saturateCast(im, createBinary<DivOp>(im, negLo, scale), Value(),
                          i8, true);
  Value zpF = toF32(im, zp, true);
  im.setOutput(0, saturateCast(im, createBinary<DivOp>(im, *x, scale), zpF,
                               i8, true));
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, scale);
  }
  if (node.output_size() > 2 && !node.output(2).empty()) {
    im.setOutput(2, zp);
  }
  return success();
}

} // namespace

void importer::registerQuantOps(OpTable &table) {
  table["DequantizeLinear"] = importDequantizeLinear;
  table["QuantizeLinear"] = importQuantizeLinear;
  table["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
  registerIntegerQuantOps(table);
  registerQLinearOps(table);
}
