//===- ImportComposite.cpp - ConvTranspose, LRN, Shrink, IsInf/IsNaN ===//
//
// ConvTranspose resolves auto_pad/output_shape/output_padding into explicit
// pads (ONNX's formulas) for etch.conv_transpose. The others are decomposed
// into core etch ops: LRN's window sum over channels is an AveragePool
// (count_include_pad) of x^2 viewed as [N, 1, C, rest].
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

LogicalResult importConvTranspose(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), w = im.input(1);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(w) || failed(outType)) {
    return failure();
  }
  SmallVector<Value> operands = {*x, *w};
  if (im.hasInput(2)) {
    FailureOr<Value> bias = im.input(2);
    if (failed(bias)) {
      return failure();
    }
    operands.push_back(*bias);
  }
  auto xType = cast<RankedTensorType>(x->getType());
  auto wType = cast<RankedTensorType>(w->getType());
  int64_t rank = xType.getRank(), spatial = rank - 2;
  if (rank < 3 || wType.getRank() != rank || outType->getRank() != rank) {
    return im.error() << "expected input, weight and result of equal rank "
                         ">= 3";
  }
  auto ints = [&](StringRef name, int64_t n, int64_t dflt) {
    return im.attrInts(name).value_or(SmallVector<int64_t>(n, dflt));
  };
  SmallVector<int64_t> strides = ints("strides", spatial, 1);
  SmallVector<int64_t> dilations = ints("dilations", spatial, 1);
  SmallVector<int64_t> pads = ints("pads", 2 * spatial, 0);
  SmallVector<int64_t> outPadding = ints("output_padding", spatial, 0);
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  if (auto k = im.attrInts("kernel_shape"); k && *k != kernel) {
    return im.error() << "'kernel_shape' differs from the weight's shape";
  }
  if (strides.size() != size_t(spatial) || dilations.size() != size_t(spatial) ||
      pads.size() != size_t(2 * spatial) ||
      outPadding.size() != size_t(spatial)) {
    return im.error() << "strides, dilations, output_padding need " << spatial
                      << " entries and pads " << 2 * spatial;
  }
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER") {
    return im.unsupportedAttr("auto_pad", "'" + autoPad + "'",
                              "NOTSET, SAME_UPPER, SAME_LOWER, VALID");
  }
  std::optional<SmallVector<int64_t>> outputShape =
      im.attrInts("output_shape");
  if (outputShape && outputShape->size() > size_t(spatial)) {
    outputShape->erase(outputShape->begin(),
                       outputShape->end() - spatial); // [N, C, spatial...]
  }
  if (autoPad == "VALID") {
    pads.assign(2 * spatial, 0);
  } else if (outputShape || autoPad != "NOTSET") {
    // ONNX: total = stride * (in - 1) + output_padding + (k - 1) * d + 1 -
    // out; SAME_LOWER puts the larger half first, SAME_UPPER and NOTSET
    // (output_shape) last, as ONNX's reference does.
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = xType.getDimSize(i + 2);
      int64_t out = outputShape ? (*outputShape)[i] : in * strides[i];
      int64_t total = strides[i] * (in - 1) + outPadding[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - out;
      bool upper = autoPad != "SAME_LOWER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[i + spatial] = upper ? total - total / 2 : total / 2;
    }
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<ConvTransposeOp>(
                      *outType, operands,
                      {im.namedAttr("strides", b.getDenseI64ArrayAttr(strides)),
                       im.namedAttr("pads", b.getDenseI64ArrayAttr(pads)),
                       im.namedAttr("dilations",
                                    b.getDenseI64ArrayAttr(dilations)),
                       im.namedAttr("group", b.getI64IntegerAttr(
                                                 im.attrInt("group", 1)))}));
  return success();
}

FailureOr<Value> floatInput(GraphImporter &im) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  if (!isa<FloatType>(cast<RankedTensorType>(x->getType()).getElementType())) {
    return im.error() << "expected a floating-point input, got "
                      << x->getType();
  }
  return x;
}

Value scalar(GraphImporter &im, Value like, double v) {
  return createScalarConstant(
      im, cast<RankedTensorType>(like.getType()).getElementType(), v);
}

RankedTensorType boolLike(GraphImporter &im, Value x) {
  return RankedTensorType::get(cast<RankedTensorType>(x.getType()).getShape(),
                               im.getBuilder().getI1Type());
}

/// LRN: x / (bias + alpha / size * sum_{window over C} x^2) ^ beta.
LogicalResult importLRN(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t size = im.attrInt("size", 0);
  if (type.getRank() < 3 || size < 1) {
    return im.error() << "expected an input of rank >= 3 and 'size' >= 1";
  }
  int64_t n = type.getDimSize(0), c = type.getDimSize(1);
  int64_t rest = type.getNumElements() / std::max<int64_t>(n * c, 1);
  Type elem = type.getElementType();
  auto viewType = RankedTensorType::get({n, 1, c, rest}, elem);
  Value sq = im.create<MulOp>(type, {*x, *x});
  Value view = im.create<ReshapeOp>(viewType, {sq});
  SmallVector<int64_t> kernel = {size, 1}, ones = {1, 1};
  SmallVector<int64_t> pads = {(size - 1) / 2, 0, size / 2, 0};
  // count_include_pad: the mean is the window sum / size.
  Value mean = AveragePoolOp::create(im.getBuilder(), im.getLoc(), viewType,
                                     view, kernel, ones, pads, ones, false,
                                     true);
  mean = im.create<ReshapeOp>(type, {mean});
  Value t = createBinary<MulOp>(im, mean,
                                scalar(im, *x, im.attrFloat("alpha", 1e-4f)));
  t = createBinary<AddOp>(im, t, scalar(im, *x, im.attrFloat("bias", 1.0f)));
  t = im.create<PowOp>(type, {t, scalar(im, *x, im.attrFloat("beta", 0.75f))});
  im.setOutput(0, im.create<DivOp>(type, {*x, t}));
  return success();
}

/// Shrink: x < -lambd ? x + bias : x > lambd ? x - bias : 0.
LogicalResult importShrink(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(type.getElementType()) &&
      !type.getElementType().isSignlessInteger()) {
    return im.error() << "element type " << type.getElementType()
                      << " is not supported";
  }
  double lambd = im.attrFloat("lambd", 0.5f), bias = im.attrFloat("bias", 0.0f);
  Value low = im.create<LessOp>(boolLike(im, *x), {*x, scalar(im, *x, -lambd)});
  Value high =
      im.create<GreaterOp>(boolLike(im, *x), {*x, scalar(im, *x, lambd)});
  Value plus = createBinary<AddOp>(im, *x, scalar(im, *x, bias));
  Value minus = createBinary<SubOp>(im, *x, scalar(im, *x, bias));
  Value zero = scalar(im, *x, 0.0);
  Value y = im.create<WhereOp>(type, {high, minus, zero});
  im.setOutput(0, im.create<WhereOp>(type, {low, plus, y}));
  return success();
}

LogicalResult importIsNaN(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  RankedTensorType t = boolLike(im, *x);
  im.setOutput(0, im.create<NotOp>(t, {im.create<EqualOp>(t, {*x, *x})}));
  return success();
}

LogicalResult importIsInf(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  RankedTensorType t = boolLike(im, *x);
  double inf = std::numeric_limits<double>::infinity();
  Value result;
  if (im.attrInt("detect_positive", 1)) {
    result = im.create<EqualOp>(t, {*x, scalar(im, *x, inf)});
  }
  if (im.attrInt("detect_negative", 1)) {
    Value neg = im.create<EqualOp>(t, {*x, scalar(im, *x, -inf)});
    result = result ? im.create<OrOp>(t, {result, neg}) : neg;
  }
  if (!result) {
    result = im.create<ConstantOp>(
        t, {}, {im.namedAttr("value", DenseElementsAttr::get(t, false))});
  }
  im.setOutput(0, result);
  return success();
}

} // namespace

void importer::registerCompositeOps(OpTable &table) {
  table["ConvTranspose"] = importConvTranspose;
  table["IsInf"] = importIsInf;
  table["IsNaN"] = importIsNaN;
  table["LRN"] = importLRN;
  table["Shrink"] = importShrink;
}
