//===- ImportModern.cpp - ops added in opsets 18 to 24 --------------------===//
//
// Gelu (20), Mish (18), Swish (24), SwiGLU (28), Bitwise{And,Or,Xor,Not} (18),
// CenterCropPad (18) and LpNormalization (1, 22), composed of etch ops. Every
// result type is computed here: libonnx 1.12 has no schema for these ops.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

FailureOr<Value> floatInput(GraphImporter &im) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  if (!isa<FloatType>(cast<RankedTensorType>(x->getType()).getElementType())) {
    return im.error() << "expected a floating-point input, got "
                      << x->getType();
  }
  return *x;
}

template <typename OpTy>
Value unary(GraphImporter &im, Value x) {
  return im.create<OpTy>(x.getType(), x);
}

Value scalar(GraphImporter &im, Value like, double v) {
  return createScalarConstant(
      im, cast<RankedTensorType>(like.getType()).getElementType(), v);
}

LogicalResult importGelu(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  std::string approximate = im.attrString("approximate", "none");
  if (approximate != "none" && approximate != "tanh") {
    return im.unsupportedAttr("approximate", "'" + approximate + "'",
                              "none, tanh");
  }
  im.setOutput(0, buildGelu(im, *x, approximate == "tanh"));
  return success();
}

/// Mish: x * tanh(softplus(x)).
LogicalResult importMish(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  im.setOutput(0, createBinary<MulOp>(
                      im, *x, unary<TanhOp>(im, unary<SoftplusOp>(im, *x))));
  return success();
}

/// Swish: x * sigmoid(alpha * x).
LogicalResult importSwish(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  float alpha = im.attrFloat("alpha", 1.0f);
  Value ax =
      alpha == 1.0f ? *x : createBinary<MulOp>(im, *x, scalar(im, *x, alpha));
  im.setOutput(0, createBinary<MulOp>(im, *x, unary<SigmoidOp>(im, ax)));
  return success();
}

/// SwiGLU (28): a * sigmoid(alpha * a) * b, a and b of one shape.
LogicalResult importSwiGLU(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> a = floatInput(im), b = im.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  if (a->getType() != b->getType()) {
    return im.error() << "A and B must have one type, got " << a->getType()
                      << " and " << b->getType();
  }
  float alpha = im.attrFloat("alpha", 1.0f);
  Value aa =
      alpha == 1.0f ? *a : createBinary<MulOp>(im, *a, scalar(im, *a, alpha));
  Value swish = createBinary<MulOp>(im, *a, unary<SigmoidOp>(im, aa));
  im.setOutput(0, createBinary<MulOp>(im, swish, *b));
  return success();
}

/// Bitwise{And,Or,Xor}: etch's logic ops on integer tensors are bitwise.
template <typename OpTy>
LogicalResult importBitwise(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> a = im.input(0), b = im.input(1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  auto at = cast<RankedTensorType>(a->getType());
  auto bt = cast<RankedTensorType>(b->getType());
  if (!isa<IntegerType>(at.getElementType()) ||
      at.getElementType() != bt.getElementType()) {
    return im.error() << "expected two integer tensors of one type, got " << at
                      << " and " << bt;
  }
  im.setOutput(0, createBinary<OpTy>(im, *a, *b));
  return success();
}

LogicalResult importBitwiseNot(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  if (!isa<IntegerType>(
          cast<RankedTensorType>(x->getType()).getElementType())) {
    return im.error() << "expected an integer tensor, got " << x->getType();
  }
  im.setOutput(0, unary<NotOp>(im, *x));
  return success();
}

/// CenterCropPad: per axis, crop the centered window or pad symmetrically
/// (the extra element of an odd difference goes to the end for padding and
/// is taken from the start for cropping, as ONNX's function body does).
LogicalResult importCenterCropPad(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<SmallVector<int64_t>> shape = im.constantInts(1, "shape");
  if (failed(x) || failed(shape)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  if (std::optional<SmallVector<int64_t>> a = im.attrInts("axes")) {
    for (int64_t axis : *a) {
      FailureOr<int64_t> n = normalizeAxis(im, axis, rank, "axes");
      if (failed(n)) {
        return failure();
      }
      axes.push_back(*n);
    }
  } else {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  if (axes.size() != shape->size()) {
    return im.error() << "'shape' has " << shape->size()
                      << " entries, expected " << axes.size();
  }
  Value y = *x;
  SmallVector<int64_t> pads(2 * rank, 0);
  bool padded = false;
  for (auto [a, want] : llvm::zip(axes, *shape)) {
    int64_t have = type.getDimSize(a);
    if (want < 0) {
      return im.error() << "negative target size " << want;
    }
    if (want < have) {
      y = slice(im, y, a, (have - want) / 2, want);
    } else if (want > have) {
      pads[a] = (want - have) / 2;
      pads[rank + a] = want - have - pads[a];
      padded = true;
    }
  }
  if (padded) {
    auto yType = cast<RankedTensorType>(y.getType());
    SmallVector<int64_t> outShape(yType.getShape());
    for (int64_t d = 0; d < rank; ++d) {
      outShape[d] += pads[d] + pads[rank + d];
    }
    OpBuilder &b = im.getBuilder();
    y = im.create<PadOp>(
        RankedTensorType::get(outShape, yType.getElementType()), y,
        {im.namedAttr("pads", b.getDenseI64ArrayAttr(pads)),
         im.namedAttr("value", b.getF32FloatAttr(0.0f))});
  }
  im.setOutput(0, y);
  return success();
}

/// LpNormalization: x / (sum |x|^p)^(1/p) along `axis`, p 1 or 2.
LogicalResult importLpNormalization(GraphImporter &im,
                                    const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", -1), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  int64_t p = im.attrInt("p", 2);
  if (p != 1 && p != 2) {
    return im.unsupportedAttr("p", std::to_string(p), "1, 2");
  }
  Value powered =
      p == 1 ? unary<AbsOp>(im, *x) : createBinary<MulOp>(im, *x, *x);
  SmallVector<int64_t> kept(type.getShape());
  kept[*axis] = 1;
  OpBuilder &b = im.getBuilder();
  Value norm = im.create<ReduceSumOp>(
      RankedTensorType::get(kept, type.getElementType()), powered,
      {im.namedAttr("axes", b.getDenseI64ArrayAttr({*axis})),
       im.namedAttr("keepdims", b.getBoolAttr(true))});
  if (p == 2) {
    norm = unary<SqrtOp>(im, norm);
  }
  im.setOutput(0, createBinary<DivOp>(im, *x, norm));
  return success();
}

} // namespace

Value importer::buildGelu(GraphImporter &im, Value x, bool tanh) {
  Value inner;
  if (!tanh) {
    inner =
        unary<ErfOp>(im, createBinary<MulOp>(im, x, scalar(im, x, M_SQRT1_2)));
  } else {
    Value cube = createBinary<MulOp>(im, createBinary<MulOp>(im, x, x), x);
    Value poly = createBinary<AddOp>(
        im, x, createBinary<MulOp>(im, cube, scalar(im, x, 0.044715)));
    inner = unary<TanhOp>(
        im, createBinary<MulOp>(im, poly, scalar(im, x, std::sqrt(M_2_PI))));
  }
  Value half = createBinary<MulOp>(im, x, scalar(im, x, 0.5));
  return createBinary<MulOp>(
      im, half, createBinary<AddOp>(im, inner, scalar(im, x, 1.0)));
}

void importer::registerModernOps(OpTable &table) {
  table["BitwiseAnd"] = importBitwise<AndOp>;
  table["BitwiseNot"] = importBitwiseNot;
  table["BitwiseOr"] = importBitwise<OrOp>;
  table["BitwiseXor"] = importBitwise<XorOp>;
  table["CenterCropPad"] = importCenterCropPad;
  table["Gelu"] = importGelu;
  table["LpNormalization"] = importLpNormalization;
  table["Mish"] = importMish;
  table["SwiGLU"] = importSwiGLU;
  table["Swish"] = importSwish;
}
