//===- ImportQuant.cpp - QuantizeLinear, DequantizeLinear ------------------===//
//
// The ONNX quantization boundary ops of QDQ models, as float arithmetic on
// etch ops (the ops between them compute in float):
//   DequantizeLinear:     y = (float(x) - float(zero_point)) * scale
//   QuantizeLinear:       y = saturate(round_half_even(x / scale) + zero_point)
//   DynamicQuantizeLinear: uint8 with scale and zero point from x's range.
// Scales and zero points are per tensor (scalars) or per axis (1-D, along
// `axis`); uint8 tensors are signless i8 with unsigned casts.
//
//===----------------------------------------------------------------------===//
#include "ImportQuant.h"

#include "ImportMath.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;
using namespace mlir::etch::importer::quant;

namespace {

RankedTensorType withElement(Value v, Type elem) {
  return RankedTensorType::get(cast<RankedTensorType>(v.getType()).getShape(),
                               elem);
}

} // namespace

Value quant::toF32(GraphImporter &im, Value v, bool isUnsigned) {
  OpBuilder &b = im.getBuilder();
  if (cast<RankedTensorType>(v.getType()).getElementType().isF32()) {
    return v;
  }
  return im.create<CastOp>(withElement(v, b.getF32Type()), v,
                           {im.namedAttr("unsigned_input",
                                         b.getBoolAttr(isUnsigned))});
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
/// `shape`: scalars stay, a 1-D tensor runs along `axisAttr`.
FailureOr<Value> perAxis(GraphImporter &im, Value param, ArrayRef<int64_t> shape,
                         int64_t axisAttr, StringRef what) {
  auto type = cast<RankedTensorType>(param.getType());
  int64_t rank = shape.size();
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
  return perAxis(im, toF32(im, *zp, im.isUnsignedInput(2)), shape, axis,
                 "the zero point");
}

} // namespace

Value quant::saturateCast(GraphImporter &im, Value t, Value zp, Type outElem,
                   bool isUnsigned) {
  OpBuilder &b = im.getBuilder();
  unsigned width = outElem.getIntOrFloatBitWidth();
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

namespace {

/// Opset 21's blocked quantization (block_size > 0) is not imported.
LogicalResult rejectBlocked(GraphImporter &im) {
  int64_t blockSize = im.attrInt("block_size", 0);
  if (blockSize == 0 || im.getOpset() < 21) {
    return success();
  }
  return im.error() << "blocked quantization (block_size " << blockSize
                    << ", opset " << im.getOpset()
                    << ") is not supported; supported: block_size 0 "
                       "(per-tensor or per-axis scales)";
}

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
  if (failed(x) || failed(scale) || failed(rejectBlocked(im))) {
    return failure();
  }
  FailureOr<RankedTensorType> outType = quantResultType(
      im, *x, cast<RankedTensorType>(scale->getType()).getElementType());
  if (failed(outType)) {
    return failure();
  }
  if (!outType->getElementType().isF32()) {
    return im.error() << "only float32 results are supported, got "
                      << *outType;
  }
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t axis = im.attrInt("axis", 1);
  FailureOr<Value> s = perAxis(im, *scale, xType.getShape(), axis, "x_scale");
  if (failed(s)) {
    return failure();
  }
  Value y = toF32(im, *x, im.isUnsignedInput(0));
  FailureOr<Value> z = floatZeroPoint(im, xType.getShape(), axis);
  if (failed(z)) {
    return failure();
  }
  if (*z) {
    y = createBinary<SubOp>(im, y, *z);
  }
  im.setOutput(0, createBinary<MulOp>(im, y, *s));
  return success();
}

LogicalResult importQuantizeLinear(GraphImporter &im,
                                   const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0), scale = im.input(1);
  if (failed(x) || failed(scale) || failed(rejectBlocked(im))) {
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
  if (!outElem.isInteger(8) && !outElem.isInteger(16)) {
    return im.error() << "only 8- and 16-bit integer results are supported, "
                         "got "
                      << *outType;
  }
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t axis = im.attrInt("axis", 1);
  FailureOr<Value> s = perAxis(im, *scale, xType.getShape(), axis, "y_scale");
  if (failed(s)) {
    return failure();
  }
  Value t = createBinary<DivOp>(im, toF32(im, *x, false), *s);
  FailureOr<Value> z = floatZeroPoint(im, xType.getShape(), axis);
  if (failed(z)) {
    return failure();
  }
  // Without a zero point the result is output_dtype, by default uint8.
  int64_t dtype = im.attrInt("output_dtype", 0);
  bool isUnsigned = im.hasInput(2) ? im.isUnsignedInput(2)
                                   : dtype == 0 || isUnsignedType(dtype);
  im.setOutput(0, saturateCast(im, t, *z, outElem, isUnsigned));
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

Value quant::toI32(GraphImporter &im, Value v, bool isUnsigned) {
  OpBuilder &b = im.getBuilder();
  if (cast<RankedTensorType>(v.getType()).getElementType().isInteger(32)) {
    return v;
  }
  return im.create<CastOp>(withElement(v, b.getI32Type()), v,
                           {im.namedAttr("unsigned_input",
                                         b.getBoolAttr(isUnsigned))});
}

FailureOr<Value> quant::centered(GraphImporter &im, unsigned i, unsigned zp,
                          int64_t dim) {
  FailureOr<Value> v = im.input(i);
  if (failed(v)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(v->getType());
  if (!type.getElementType().isInteger(8)) {
    return im.error() << "expected an 8-bit integer operand, got " << type;
  }
  Value wide = toI32(im, *v, im.isUnsignedInput(i));
  if (!im.hasInput(zp)) {
    return wide;
  }
  FailureOr<Value> z = im.input(zp);
  if (failed(z)) {
    return failure();
  }
  FailureOr<Value> shaped =
      alongDim(im, toI32(im, *z, im.isUnsignedInput(zp)), type.getRank(), dim,
               type.getDimSize(dim), "the zero point");
  if (failed(shaped)) {
    return failure();
  }
  return createBinary<SubOp>(im, wide, *shaped);
}

namespace {

FailureOr<Value> integerMatMul(GraphImporter &im, unsigned a, unsigned aZp,
                               unsigned b, unsigned bZp) {
  FailureOr<Value> av = im.input(a), bv = im.input(b);
  if (failed(av) || failed(bv)) {
    return failure();
  }
  int64_t aRank = cast<RankedTensorType>(av->getType()).getRank();
  int64_t bRank = cast<RankedTensorType>(bv->getType()).getRank();
  if (aRank < 2 || bRank < 2) {
    return im.error() << "expected operands of rank >= 2";
  }
  // a's zero point per row (M), b's per column (N).
  FailureOr<Value> ac = centered(im, a, aZp, aRank - 2);
  FailureOr<Value> bc = centered(im, b, bZp, bRank - 1);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(ac) || failed(bc) || failed(outType)) {
    return failure();
  }
  return im.create<MatMulOp>(RankedTensorType::get(outType->getShape(),
                                                   im.getBuilder().getI32Type()),
                             {*ac, *bc});
}

LogicalResult importMatMulInteger(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> y = integerMatMul(im, 0, 2, 1, 3);
  if (failed(y)) {
    return failure();
  }
  im.setOutput(0, *y);
  return success();
}

LogicalResult importConvInteger(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = centered(im, 0, 2, 1), w = centered(im, 1, 3, 0);
  if (failed(x) || failed(w)) {
    return failure();
  }
  FailureOr<Value> y =
      buildConv(im, *x, *w, Value(), im.getBuilder().getI32Type());
  if (failed(y)) {
    return failure();
  }
  im.setOutput(0, *y);
  return success();
}

} // namespace

namespace {

/// The activation operand `i` of QLinearConv/QLinearMatMul as signed i8 with
/// its (constant, per-tensor) zero point: a uint8 x becomes x - 128, an exact
/// sign-bit flip, and its zero point moves with it, so that one signed
/// i8 x i8 -> i32 contraction serves both. Absent when the zero point is not
/// a constant scalar.
std::optional<std::pair<Value, int64_t>>
signedActivation(GraphImporter &im, Value x, unsigned i, unsigned zp) {
  const onnx::TensorProto *z = im.constantInput(zp);
  if (!z) {
    return std::nullopt;
  }
  FailureOr<SmallVector<int64_t>> zs =
      tensorToInts(*z, im.getModelDir(), im.getLoc());
  if (failed(zs) || zs->size() != 1) {
    return std::nullopt;
  }
  if (!im.isUnsignedInput(i)) {
    return std::make_pair(x, (*zs)[0]);
  }
  Type i8 = im.getBuilder().getIntegerType(8);
  return std::make_pair(createBinary<AddOp>(im, x,
                                            createScalarConstant(im, i8, -128)),
                        (*zs)[0] - 128);
}

/// The constant signed int8 weight input `w` with zero points 0 (or none),
/// as integers; absent otherwise.
std::optional<SmallVector<int64_t>> constantWeight(GraphImporter &im,
                                                   unsigned w, unsigned zp) {
  const onnx::TensorProto *t = im.constantInput(w);
  if (!t || im.isUnsignedInput(w) ||
      t->data_type() != onnx::TensorProto::INT8) {
    return std::nullopt;
  }
  if (im.hasInput(zp)) {
    const onnx::TensorProto *z = im.constantInput(zp);
    if (!z) {
      return std::nullopt;
    }
    FailureOr<SmallVector<int64_t>> zs =
        tensorToInts(*z, im.getModelDir(), im.getLoc());
    if (failed(zs) || llvm::any_of(*zs, [](int64_t v) { return v != 0; })) {
      return std::nullopt;
    }
  }
  FailureOr<SmallVector<int64_t>> values =
      tensorToInts(*t, im.getModelDir(), im.getLoc());
  if (failed(values)) {
    return std::nullopt;
  }
  return std::move(*values);
}

Value i32Constant(GraphImporter &im, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    im.getBuilder().getI32Type());
  SmallVector<int32_t> data(values.begin(), values.end());
  return im.create<ConstantOp>(
      type, {},
      {im.namedAttr("value", DenseElementsAttr::get(type, ArrayRef(data)))});
}

} // namespace

/// acc = sum (x - zx) w over K = sum x w - zx sum w: with a constant weight
/// and zero point the second term is a constant per output channel, so the
/// contraction runs on the i8 operands themselves (extended to i32 in the
/// loop body) and the correction joins the bias.
FailureOr<std::optional<Value>>
quant::constantWeightMatMul(GraphImporter &im, unsigned a, unsigned aZp,
                            unsigned b, unsigned bZp, bool transB,
                            ArrayRef<int64_t> outShape,
                            const onnx::TensorProto *bias) {
  FailureOr<Value> av = im.input(a), bv = im.input(b);
  if (failed(av) || failed(bv)) {
    return failure();
  }
  auto bType = cast<RankedTensorType>(bv->getType());
  std::optional<SmallVector<int64_t>> w = constantWeight(im, b, bZp);
  if (!w || bType.getRank() != 2 ||
      !cast<RankedTensorType>(av->getType()).getElementType().isInteger(8)) {
    return std::optional<Value>();
  }
  std::optional<std::pair<Value, int64_t>> x = signedActivation(im, *av, a, aZp);
  if (!x) {
    return std::optional<Value>();
  }
  int64_t k = bType.getDimSize(transB ? 1 : 0);
  int64_t n = bType.getDimSize(transB ? 0 : 1);
  SmallVector<int64_t> correction(n, 0);
  if (bias) {
    FailureOr<SmallVector<int64_t>> c =
        tensorToInts(*bias, im.getModelDir(), im.getLoc());
    if (failed(c) || static_cast<int64_t>(c->size()) != n) {
      return std::optional<Value>();
    }
    correction = *c;
  }
  OpBuilder &builder = im.getBuilder();
  Type i8 = builder.getIntegerType(8);
  SmallVector<int8_t> kn(k * n);
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      int64_t v = transB ? (*w)[j * k + i] : (*w)[i * n + j];
      kn[i * n + j] = static_cast<int8_t>(v);
      correction[j] -= x->second * v;
    }
  }
  Value weight = *bv;
  if (transB) {
    // Transposed at compile time: the constant is the [K, N] operand.
    auto type = RankedTensorType::get({k, n}, i8);
    weight = im.create<ConstantOp>(
        type, {},
        {im.namedAttr("value", DenseElementsAttr::get(type, ArrayRef(kn)))});
  }
  Value acc = im.create<MatMulOp>(
      RankedTensorType::get(outShape, builder.getI32Type()),
      {x->first, weight});
  if (llvm::any_of(correction, [](int64_t v) { return v != 0; })) {
    acc = createBinary<AddOp>(im, acc, i32Constant(im, correction));
  }
  return std::optional<Value>(acc);
}

LogicalResult quant::requantize(GraphImporter &im, Value acc, unsigned s1,
                         unsigned s2, int64_t dim, unsigned ys, unsigned yzp) {
  FailureOr<Value> a = im.input(s1), b = im.input(s2), y = im.input(ys),
                   z = im.input(yzp);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(a) || failed(b) || failed(y) || failed(z) || failed(outType)) {
    return failure();
  }
  auto accType = cast<RankedTensorType>(acc.getType());
  FailureOr<Value> bs = alongDim(im, *b, accType.getRank(), dim,
                                 accType.getDimSize(dim), "the weight scale");
  FailureOr<Value> as = alongDim(im, *a, 0, 0, 1, "the input scale");
  if (failed(bs) || failed(as)) {
    return failure();
  }
  Value scale = createBinary<DivOp>(im, createBinary<MulOp>(im, *as, *bs), *y);
  Value t = createBinary<MulOp>(im, toF32(im, acc, false), scale);
  Value zp = toF32(im, *z, im.isUnsignedInput(yzp));
  im.setOutput(0, saturateCast(im, t, zp, outType->getElementType(),
                               im.isUnsignedOutput(0)));
  return success();
}

namespace {

FailureOr<bool> fastQLinearMatMul(GraphImporter &im) {
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(outType)) {
    return failure();
  }
  FailureOr<std::optional<Value>> acc = constantWeightMatMul(
      im, 0, 2, 3, 5, /*transB=*/false, outType->getShape(), nullptr);
  if (failed(acc)) {
    return failure();
  }
  if (!*acc) {
    return false;
  }
  if (failed(requantize(im, **acc, 1, 4, outType->getRank() - 1, 6, 7))) {
    return failure();
  }
  return true;
}

FailureOr<bool> fastQLinearConv(GraphImporter &im) {
  FailureOr<Value> xIn = im.input(0), wIn = im.input(3);
  if (failed(xIn) || failed(wIn)) {
    return failure();
  }
  auto wType = cast<RankedTensorType>(wIn->getType());
  std::optional<SmallVector<int64_t>> w = constantWeight(im, 3, 5);
  const onnx::TensorProto *biasTensor = im.constantInput(8);
  if (!w || (im.hasInput(8) && !biasTensor) || !wType.hasStaticShape() ||
      !cast<RankedTensorType>(xIn->getType()).getElementType().isInteger(8)) {
    return false;
  }
  std::optional<std::pair<Value, int64_t>> x =
      signedActivation(im, *xIn, 0, 2);
  if (!x) {
    return false;
  }
  int64_t cOut = wType.getDimSize(0);
  int64_t perChannel = wType.getNumElements() / cOut;
  SmallVector<int64_t> bias(cOut, 0);
  if (biasTensor) {
    FailureOr<SmallVector<int64_t>> b =
        tensorToInts(*biasTensor, im.getModelDir(), im.getLoc());
    if (failed(b) || static_cast<int64_t>(b->size()) != cOut) {
      return false;
    }
    bias = *b;
  }
  for (int64_t c = 0; c < cOut; ++c) {
    int64_t sum = 0;
    for (int64_t e = 0; e < perChannel; ++e) {
      sum += (*w)[c * perChannel + e];
    }
    bias[c] -= x->second * sum;
  }
  FailureOr<Value> acc = buildConv(im, x->first, *wIn, i32Constant(im, bias),
                                   im.getBuilder().getI32Type());
  if (failed(acc)) {
    return failure();
  }
  // Padding is the zero point (x - zx = 0 there), not 0.
  auto conv = acc->getDefiningOp<ConvOp>();
  ArrayRef<int64_t> pads = conv.getPads();
  if (x->second != 0 && llvm::any_of(pads, [](int64_t p) { return p; })) {
    auto xType = cast<RankedTensorType>(x->first.getType());
    int64_t rank = xType.getRank(), spatial = rank - 2;
    SmallVector<int64_t> shape(xType.getShape()), full(2 * rank, 0);
    for (int64_t d = 0; d < spatial; ++d) {
      full[2 + d] = pads[d];
      full[rank + 2 + d] = pads[spatial + d];
      shape[2 + d] += pads[d] + pads[spatial + d];
    }
    OpBuilder &b = im.getBuilder();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(conv);
    Value padded = PadOp::create(
        b, conv.getLoc(), RankedTensorType::get(shape, xType.getElementType()),
        x->first, b.getDenseI64ArrayAttr(full),
        b.getF32FloatAttr(static_cast<float>(x->second)));
    conv.getInputMutable().assign(padded);
    conv.setPadsAttr(b.getDenseI64ArrayAttr(SmallVector<int64_t>(pads.size(), 0)));
  }
  if (failed(requantize(im, *acc, 1, 4, 1, 6, 7))) {
    return failure();
  }
  return true;
}

LogicalResult importQLinearMatMul(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<bool> fast = fastQLinearMatMul(im);
  if (failed(fast) || *fast) {
    return failure(failed(fast));
  }
  FailureOr<Value> acc = integerMatMul(im, 0, 2, 3, 5);
  if (failed(acc)) {
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(acc->getType()).getRank();
  return requantize(im, *acc, 1, 4, rank - 1, 6, 7);
}

LogicalResult importQLinearConv(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<bool> fast = fastQLinearConv(im);
  if (failed(fast) || *fast) {
    return failure(failed(fast));
  }
  FailureOr<Value> x = centered(im, 0, 2, 1), w = centered(im, 3, 5, 0);
  if (failed(x) || failed(w)) {
    return failure();
  }
  Value bias;
  if (im.hasInput(8)) {
    FailureOr<Value> b = im.input(8);
    if (failed(b)) {
      return failure();
    }
    bias = *b;
  }
  FailureOr<Value> acc =
      buildConv(im, *x, *w, bias, im.getBuilder().getI32Type());
  if (failed(acc)) {
    return failure();
  }
  return requantize(im, *acc, 1, 4, 1, 6, 7);
}

} // namespace

void importer::registerQuantOps(OpTable &table) {
  table["MatMulInteger"] = importMatMulInteger;
  table["ConvInteger"] = importConvInteger;
  table["QLinearMatMul"] = importQLinearMatMul;
  table["QLinearConv"] = importQLinearConv;
  table["DequantizeLinear"] = importDequantizeLinear;
  table["QuantizeLinear"] = importQuantizeLinear;
  table["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
  registerQLinearOps(table);
}
