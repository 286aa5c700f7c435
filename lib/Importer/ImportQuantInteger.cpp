//===- ImportQuantInteger.cpp - integer convolutions and matmuls ----------===//
//
// QLinearConv, QLinearMatMul, ConvInteger and MatMulInteger: i32
// accumulation of 8-bit operands, then (QLinear*) a float requantization
// computed as ONNX Runtime's MLAS computes it. With a constant int8 weight
// whose zero point is 0 the contraction takes the 8-bit operands themselves
// and the zero-point term is a constant bias; otherwise both operands are
// widened to i32 minus their zero points.
//
//===----------------------------------------------------------------------===//
#include "ImportQuant.h"

#include "ImportMath.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;
using namespace mlir::etch::importer::quant;

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

/// The 8-bit activation operand `i` of QLinearConv/QLinearMatMul with its
/// (constant, per-tensor) zero point and whether it is uint8. With
/// unsigned activations (targets with x86's u8 x s8 vpdpbusd) the
/// contraction zero-extends a uint8 x (`unsigned_input`); otherwise a uint8
/// x becomes x - 128, an exact sign-bit flip, its zero point with it, so one
/// signed i8 x i8 -> i32 contraction (the named linalg ops) serves both.
/// Absent when the zero point is not a constant scalar.
struct Activation8 {
  Value value;
  int64_t zeroPoint;
  bool isUnsigned;
};
std::optional<Activation8> activation8(GraphImporter &im, Value x, unsigned i,
                                       unsigned zp) {
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
    return Activation8{x, (*zs)[0], false};
  }
  if (im.getUnsignedActivations()) {
    return Activation8{x, (*zs)[0], true};
  }
  Type i8 = im.getBuilder().getIntegerType(8);
  return Activation8{
      createBinary<AddOp>(im, x, createScalarConstant(im, i8, -128)),
      (*zs)[0] - 128, false};
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
  std::optional<Activation8> x = activation8(im, *av, a, aZp);
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
      correction[j] -= x->zeroPoint * v;
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
      {x->value, weight},
      {im.namedAttr("unsigned_input", builder.getBoolAttr(x->isUnsigned))});
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
  if (im.getRequantMode() == RequantMode::FixedPoint) {
    // TensorFlow Lite: multiplier = double(sx) * double(sw[c]) / double(sy),
    // acc * multiplier in fixed point, + zy, clamped.
    FailureOr<SmallVector<double>> sx = fixedPointScales(im, s1, "the input scale"),
                                   sw = fixedPointScales(im, s2, "the weight scale"),
                                   sy = fixedPointScales(im, ys, "the output scale");
    if (failed(sx) || failed(sw) || failed(sy)) {
      return failure();
    }
    int64_t channels = accType.getDimSize(dim);
    if (sx->size() != 1 || sy->size() != 1 ||
        (sw->size() != 1 && static_cast<int64_t>(sw->size()) != channels)) {
      return im.error() << "expected per-tensor input and output scales and "
                           "a weight scale per tensor or per output channel ("
                        << channels << ")";
    }
    SmallVector<double> reals;
    for (double w : *sw) {
      reals.push_back((*sx)[0] * w / (*sy)[0]);
    }
    FailureOr<Value> scaled = fixedPointScale(im, acc, reals, dim);
    if (failed(scaled)) {
      return failure();
    }
    im.setOutput(0, saturateInt(im, *scaled,
                                toI32(im, *z, im.isUnsignedInput(yzp)),
                                outType->getElementType(),
                                im.isUnsignedOutput(0)));
    return success();
  }
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
  std::optional<Activation8> x = activation8(im, *xIn, 0, 2);
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
    bias[c] -= x->zeroPoint * sum;
  }
  FailureOr<Value> acc = buildConv(im, x->value, *wIn, i32Constant(im, bias),
                                   im.getBuilder().getI32Type());
  if (failed(acc)) {
    return failure();
  }
  auto conv = acc->getDefiningOp<ConvOp>();
  conv.setUnsignedInput(x->isUnsigned);
  // Padding is the zero point (x - zx = 0 there), not 0.
  ArrayRef<int64_t> pads = conv.getPads();
  if (x->zeroPoint != 0 && llvm::any_of(pads, [](int64_t p) { return p; })) {
    auto xType = cast<RankedTensorType>(x->value.getType());
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
        x->value, b.getDenseI64ArrayAttr(full),
        // The pad value is stored as an i8: a uint8 zero point as its
        // two's-complement byte.
        b.getF32FloatAttr(static_cast<float>(
            x->isUnsigned && x->zeroPoint > 127 ? x->zeroPoint - 256
                                                : x->zeroPoint)));
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

void importer::registerIntegerQuantOps(OpTable &table) {
  table["ConvInteger"] = importConvInteger;
  table["MatMulInteger"] = importMatMulInteger;
  table["QLinearConv"] = importQLinearConv;
  table["QLinearMatMul"] = importQLinearMatMul;
}
