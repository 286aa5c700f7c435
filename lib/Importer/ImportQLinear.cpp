//===- ImportQLinear.cpp - com.microsoft QLinear* ops and QGemm -----------===//
//
// The QOperator ops that ONNX Runtime's quantizer writes beyond the ONNX
// standard ones, and that QdqFusion.cpp makes of QDQ groups. Each computes
// what ONNX Runtime's CPU kernels (MLAS) compute, in the same fp32 order,
// so that results are bit-identical:
//   QLinearAdd:  y = round((zc - (rA*za + rB*zb)) + a*rA + b*rB),
//                rA = sa/sc, rB = sb/sc (MlasQLinearAdd)
//   QLinearMul:  y = round(float((a-za)*(b-zb)) * (sa*sb/sc)) + zc
//   QLinearGlobalAveragePool: y = round(float(sum x - N*zx) * (sx/(sy*N))) + zy
//   QLinearConcat: inputs with other scales go through y = round(sx*(x-zx)/sy)+zy
//   QGemm:       int32 A*B + C, requantized like QLinearMatMul
// all saturated to the output type. With --requant=fixedpoint, QLinearAdd,
// QLinearMul and QLinearGlobalAveragePool (and QGemm through requantize)
// compute TensorFlow Lite's int32 fixed-point arithmetic instead (see
// fixedPointAdd); QLinearConcat stays in float, as TFLite's is.
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"
#include "ImportQuant.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;
using namespace mlir::etch::importer::quant;

namespace {

/// The one value of constant input `i` (a per-tensor scale or zero point).
FailureOr<double> constantScalar(GraphImporter &im, unsigned i,
                                 StringRef what) {
  FailureOr<SmallVector<double>> v = im.constantFloats(i, what);
  if (failed(v)) {
    return failure();
  }
  if (v->size() != 1) {
    return im.error() << what << " must have one element, got "
                      << v->size();
  }
  return (*v)[0];
}

/// Output 0 as an 8-bit tensor of `shape` whose ONNX type (uint8 or int8)
/// is that of zero-point input `zp`. ONNX inference cannot type these
/// com.microsoft ops, so the type is recorded for the users; returns whether
/// it is unsigned.
bool typeOutput(GraphImporter &im, ArrayRef<int64_t> shape, unsigned zp) {
  int32_t onnxType = im.onnxElementType(im.getNode().input(zp));
  im.recordOutputType(0, shape, onnxType);
  return isUnsignedType(onnxType);
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// TensorFlow Lite's int8 Add: both inputs, centered and shifted left by
/// 20 bits, are brought to twice the larger input scale by fixed-point
/// multipliers below one, added, and the sum requantized to the output.
LogicalResult fixedPointAdd(GraphImporter &im, double sa, double sb, double sc,
                            double zc, Type outElem, bool isUnsigned) {
  FailureOr<Value> a = centered(im, 0, 2, 0), b = centered(im, 3, 5, 0);
  if (failed(a) || failed(b)) {
    return failure();
  }
  constexpr int kLeftShift = 20;
  double twiceMax = 2.0 * std::max(sa, sb);
  Type i32 = im.getBuilder().getI32Type();
  Value shift = createScalarConstant(im, i32, double(1 << kLeftShift));
  FailureOr<Value> scaledA = fixedPointScale(
      im, createBinary<MulOp>(im, *a, shift), {sa / twiceMax}, 0);
  FailureOr<Value> scaledB = fixedPointScale(
      im, createBinary<MulOp>(im, *b, shift), {sb / twiceMax}, 0);
  if (failed(scaledA) || failed(scaledB)) {
    return failure();
  }
  FailureOr<Value> out = fixedPointScale(
      im, createBinary<AddOp>(im, *scaledA, *scaledB),
      {twiceMax / (double(1 << kLeftShift) * sc)}, 0);
  if (failed(out)) {
    return failure();
  }
  im.setOutput(0, saturateInt(im, *out, createScalarConstant(im, i32, zc),
                              outElem, isUnsigned));
  return success();
}

LogicalResult importQLinearAdd(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> a = im.input(0), b = im.input(3);
  FailureOr<double> sa = constantScalar(im, 1, "A_scale"),
                    za = constantScalar(im, 2, "A_zero_point"),
                    sb = constantScalar(im, 4, "B_scale"),
                    zb = constantScalar(im, 5, "B_zero_point"),
                    sc = constantScalar(im, 6, "C_scale"),
                    zc = constantScalar(im, 7, "C_zero_point");
  if (failed(a) || failed(b) || failed(sa) || failed(za) || failed(sb) ||
      failed(zb) || failed(sc) || failed(zc)) {
    return failure();
  }
  Type i8 = im.getBuilder().getIntegerType(8);
  bool isUnsigned =
      typeOutput(im, broadcastShape(shapeOf(*a), shapeOf(*b)), 7);
  if (im.getRequantMode() == RequantMode::FixedPoint) {
    return fixedPointAdd(im, *sa, *sb, *sc, *zc, i8, isUnsigned);
  }
  // fp32, in MLAS's order.
  float rA = static_cast<float>(*sa) / static_cast<float>(*sc);
  float rB = static_cast<float>(*sb) / static_cast<float>(*sc);
  float prodA = rA * static_cast<float>(*za);
  float prodB = rB * static_cast<float>(*zb);
  float fixed = static_cast<float>(*zc) - (prodA + prodB);
  Type f32 = im.getBuilder().getF32Type();
  Value ta = createBinary<MulOp>(im, toF32(im, *a, im.isUnsignedInput(0)),
                                 createScalarConstant(im, f32, rA));
  Value tb = createBinary<MulOp>(im, toF32(im, *b, im.isUnsignedInput(3)),
                                 createScalarConstant(im, f32, rB));
  Value t = createBinary<AddOp>(im, createScalarConstant(im, f32, fixed), ta);
  t = createBinary<AddOp>(im, t, tb);
  im.setOutput(0, saturateCast(im, t, Value(), i8, isUnsigned));
  return success();
}

LogicalResult importQLinearMul(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> a = centered(im, 0, 2, 0), b = centered(im, 3, 5, 0);
  FailureOr<double> sa = constantScalar(im, 1, "A_scale"),
                    sb = constantScalar(im, 4, "B_scale"),
                    sc = constantScalar(im, 6, "C_scale");
  FailureOr<Value> zc = im.input(7);
  if (failed(a) || failed(b) || failed(sa) || failed(sb) || failed(sc) ||
      failed(zc)) {
    return failure();
  }
  bool isUnsigned =
      typeOutput(im, broadcastShape(shapeOf(*a), shapeOf(*b)), 7);
  Value acc = createBinary<MulOp>(im, *a, *b);
  if (im.getRequantMode() == RequantMode::FixedPoint) {
    // TensorFlow Lite: (a - za) * (b - zb) times double(sa) * sb / sc.
    FailureOr<Value> scaled = fixedPointScale(im, acc, {*sa * *sb / *sc}, 0);
    if (failed(scaled)) {
      return failure();
    }
    im.setOutput(0, saturateInt(im, *scaled,
                                toI32(im, *zc, im.isUnsignedInput(7)),
                                im.getBuilder().getIntegerType(8), isUnsigned));
    return success();
  }
  float ratio = static_cast<float>(*sa) * static_cast<float>(*sb) /
                static_cast<float>(*sc);
  Type f32 = im.getBuilder().getF32Type();
  Value t = createBinary<MulOp>(im, toF32(im, acc, false),
                                createScalarConstant(im, f32, ratio));
  im.setOutput(0, saturateCast(im, t, toF32(im, *zc, im.isUnsignedInput(7)),
                               im.getBuilder().getIntegerType(8),
                               isUnsigned));
  return success();
}

LogicalResult importQLinearGlobalAveragePool(GraphImporter &im,
                                             const onnx::NodeProto &) {
  if (im.attrInt("channels_last", 0) != 0) {
    return im.unsupportedAttr("channels_last", "1", "0 (NCHW)");
  }
  FailureOr<Value> x = im.input(0), zy = im.input(4);
  FailureOr<double> sx = constantScalar(im, 1, "x_scale"),
                    zx = constantScalar(im, 2, "x_zero_point"),
                    sy = constantScalar(im, 3, "y_scale");
  if (failed(x) || failed(zy) || failed(sx) || failed(zx) || failed(sy)) {
    return failure();
  }
  auto xType = cast<RankedTensorType>(x->getType());
  if (xType.getRank() < 3) {
    return im.error() << "expected an input of rank >= 3, got " << xType;
  }
  SmallVector<int64_t> axes, shape(xType.getShape());
  int64_t size = 1;
  for (int64_t d = 2; d < xType.getRank(); ++d) {
    axes.push_back(d);
    size *= shape[d];
    shape[d] = 1;
  }
  bool isUnsigned = typeOutput(im, shape, 4);
  OpBuilder &b = im.getBuilder();
  Value wide = toI32(im, *x, im.isUnsignedInput(0));
  Value sum = im.create<ReduceSumOp>(
      RankedTensorType::get(shape, b.getI32Type()), wide,
      {im.namedAttr("axes", b.getDenseI64ArrayAttr(axes)),
       im.namedAttr("keepdims", b.getBoolAttr(true))});
  Value acc = createBinary<AddOp>(
      im, sum,
      createScalarConstant(im, b.getI32Type(),
                           -static_cast<double>(*zx) * size));
  if (im.getRequantMode() == RequantMode::FixedPoint) {
    // The centered sum times sx / (sy * N) in fixed point (one rounding).
    FailureOr<Value> scaled =
        fixedPointScale(im, acc, {*sx / (*sy * double(size))}, 0);
    if (failed(scaled)) {
      return failure();
    }
    im.setOutput(0, saturateInt(im, *scaled,
                                toI32(im, *zy, im.isUnsignedInput(4)),
                                b.getIntegerType(8), isUnsigned));
    return success();
  }
  float scale = static_cast<float>(*sx) /
                (static_cast<float>(*sy) * static_cast<float>(size));
  Value t = createBinary<MulOp>(im, toF32(im, acc, false),
                                createScalarConstant(im, b.getF32Type(), scale));
  im.setOutput(0, saturateCast(im, t, toF32(im, *zy, im.isUnsignedInput(4)),
                               b.getIntegerType(8), isUnsigned));
  return success();
}

LogicalResult importQLinearConcat(GraphImporter &im,
                                  const onnx::NodeProto &node) {
  FailureOr<double> sy = constantScalar(im, 0, "Y_scale"),
                    zy = constantScalar(im, 1, "Y_zero_point");
  if (failed(sy) || failed(zy)) {
    return failure();
  }
  if (node.input_size() < 5 || (node.input_size() - 2) % 3 != 0) {
    return im.error() << "expected Y_scale, Y_zero_point and (X, X_scale, "
                         "X_zero_point) triples, got "
                      << node.input_size() << " inputs";
  }
  FailureOr<Value> first = im.input(2);
  if (failed(first)) {
    return failure();
  }
  SmallVector<int64_t> shape(shapeOf(*first));
  int64_t rank = shape.size();
  int64_t axis = im.attrInt("axis", 0);
  if (axis < 0) {
    axis += rank;
  }
  if (axis < 0 || axis >= rank) {
    return im.error() << "axis " << im.attrInt("axis", 0)
                      << " is out of range for rank " << rank;
  }
  shape[axis] = 0;
  for (int i = 2; i < node.input_size(); i += 3) {
    FailureOr<Value> x = im.input(i);
    if (failed(x)) {
      return failure();
    }
    shape[axis] += shapeOf(*x)[axis];
  }
  bool isUnsigned = typeOutput(im, shape, 1);
  auto outType =
      RankedTensorType::get(shape, im.getBuilder().getIntegerType(8));
  Type f32 = im.getBuilder().getF32Type();
  SmallVector<Value> parts;
  for (int i = 2; i < node.input_size(); i += 3) {
    FailureOr<Value> x = im.input(i);
    FailureOr<double> sx = constantScalar(im, i + 1, "X_scale"),
                      zx = constantScalar(im, i + 2, "X_zero_point");
    if (failed(x) || failed(sx) || failed(zx)) {
      return failure();
    }
    if (static_cast<float>(*sx) == static_cast<float>(*sy) && *zx == *zy) {
      parts.push_back(*x);
      continue;
    }
    // ORT's lookup table: QuantizeLinear(DequantizeLinear(x)) in fp32.
    Value t = createBinary<SubOp>(im, toF32(im, *x, im.isUnsignedInput(i)),
                                  createScalarConstant(im, f32, *zx));
    t = createBinary<MulOp>(im, createScalarConstant(im, f32, *sx), t);
    t = createBinary<DivOp>(im, t, createScalarConstant(im, f32, *sy));
    parts.push_back(saturateCast(im, t, createScalarConstant(im, f32, *zy),
                                 outType.getElementType(), isUnsigned));
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<ConcatOp>(outType, parts,
                                      {im.namedAttr("axis",
                                                    b.getI64IntegerAttr(axis))}));
  return success();
}

LogicalResult importQGemm(GraphImporter &im, const onnx::NodeProto &) {
  if (!im.hasInput(7)) {
    return im.error() << "QGemm without y_scale (a float output) is not "
                         "supported; supported: quantized outputs";
  }
  if (im.attrFloat("alpha", 1.0f) != 1.0f) {
    return im.unsupportedAttr("alpha", std::to_string(im.attrFloat("alpha", 1)),
                              "1");
  }
  bool transA = im.attrInt("transA", 0), transB = im.attrInt("transB", 0);
  FailureOr<Value> aIn = im.input(0), bIn = im.input(3);
  if (failed(aIn) || failed(bIn)) {
    return failure();
  }
  if (shapeOf(*aIn).size() != 2 || shapeOf(*bIn).size() != 2) {
    return im.error() << "expected rank-2 A and B";
  }
  SmallVector<int64_t> shape{shapeOf(*aIn)[transA ? 1 : 0],
                             shapeOf(*bIn)[transB ? 0 : 1]};
  typeOutput(im, shape, 8);
  const onnx::TensorProto *bias = im.constantInput(6);
  if (!transA && (!im.hasInput(6) || bias)) {
    FailureOr<std::optional<Value>> acc =
        constantWeightMatMul(im, 0, 2, 3, 5, transB, shape, bias);
    if (failed(acc)) {
      return failure();
    }
    if (*acc) {
      return requantize(im, **acc, 1, 4, 1, 7, 8);
    }
  }
  // B's zero point runs along N: dim 0 of a transposed B, else dim 1.
  FailureOr<Value> a = centered(im, 0, 2, transA ? 1 : 0),
                   b = centered(im, 3, 5, transB ? 0 : 1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  Value av = transA ? transposeBy(im, *a, {1, 0}) : *a;
  Value bv = transB ? transposeBy(im, *b, {1, 0}) : *b;
  OpBuilder &builder = im.getBuilder();
  Value acc = im.create<MatMulOp>(
      RankedTensorType::get(shape, builder.getI32Type()), {av, bv});
  if (im.hasInput(6)) {
    FailureOr<Value> c = im.input(6);
    if (failed(c)) {
      return failure();
    }
    acc = createBinary<AddOp>(im, acc, *c);
  }
  return requantize(im, acc, 1, 4, 1, 7, 8);
}

} // namespace

void importer::registerQLinearOps(OpTable &table) {
  table["com.microsoft.QGemm"] = importQGemm;
  table["com.microsoft.QLinearAdd"] = importQLinearAdd;
  table["com.microsoft.QLinearConcat"] = importQLinearConcat;
  table["com.microsoft.QLinearGlobalAveragePool"] =
      importQLinearGlobalAveragePool;
  table["com.microsoft.QLinearMul"] = importQLinearMul;
}
