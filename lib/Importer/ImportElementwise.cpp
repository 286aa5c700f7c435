//===- ImportElementwise.cpp - Gemm, MatMul, elementwise ops, Softmax -----===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

/// Add/Sub/Mul/Div, and Max/Min with any number of inputs: a left-to-right
/// chain of binary ops (one input: the input itself).
template <typename OpTy>
static LogicalResult importBinaryChain(GraphImporter &im,
                                       const onnx::NodeProto &node) {
  if (node.input_size() < 1) {
    return im.error() << "needs at least one input";
  }
  FailureOr<RankedTensorType> outType = im.outputType(0);
  FailureOr<Value> acc = im.input(0);
  if (failed(outType) || failed(acc)) {
    return failure();
  }
  for (int i = 1; i < node.input_size(); ++i) {
    FailureOr<Value> rhs = im.input(i);
    if (failed(rhs)) {
      return failure();
    }
    if (node.op_type() != "Max" && node.op_type() != "Min") {
      rhs = legacyBroadcastRhs(im, *acc, *rhs);
      if (failed(rhs)) {
        return failure();
      }
    }
    Type type = *outType;
    if (i + 1 < node.input_size()) {
      auto l = cast<RankedTensorType>(acc->getType());
      auto r = cast<RankedTensorType>(rhs->getType());
      type = RankedTensorType::get(broadcastShape(l.getShape(), r.getShape()),
                                   l.getElementType());
    }
    SmallVector<NamedAttribute> attrs;
    if constexpr (std::is_same_v<OpTy, DivOp> || std::is_same_v<OpTy, MaxOp> ||
                  std::is_same_v<OpTy, MinOp>) {
      if (im.isUnsignedOutput(0)) {
        attrs.push_back(
            im.namedAttr("is_unsigned", im.getBuilder().getUnitAttr()));
      }
    }
    acc = im.create<OpTy>(type, {*acc, *rhs}, attrs);
  }
  im.setOutput(0, *acc);
  return success();
}

template <typename OpTy>
static LogicalResult importUnary(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  SmallVector<NamedAttribute> attrs;
  OpBuilder &b = im.getBuilder();
  if constexpr (std::is_same_v<OpTy, HardSigmoidOp>) {
    attrs.push_back(im.namedAttr(
        "alpha", b.getF32FloatAttr(im.attrFloat("alpha", 0.2f))));
    attrs.push_back(
        im.namedAttr("beta", b.getF32FloatAttr(im.attrFloat("beta", 0.5f))));
  } else if constexpr (std::is_same_v<OpTy, LeakyReluOp>) {
    attrs.push_back(im.namedAttr(
        "alpha", b.getF32FloatAttr(im.attrFloat("alpha", 0.01f))));
  }
  im.setOutput(0, im.create<OpTy>(x->getType(), *x, attrs));
  return success();
}

/// Clip. Constant bounds on floats and signed integers become etch.clip's
/// attributes; bounds computed at run time (graph inputs, other nodes) and
/// unsigned tensors become max(x, min) then min(., max) on the bound
/// tensors, so they stay real operands.
static LogicalResult importClip(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  OpBuilder &b = im.getBuilder();
  bool isUnsigned = im.isUnsignedInput(0);
  if (im.getOpset() < 11) {
    lo = im.attrFloat("min", lo);
    hi = im.attrFloat("max", hi);
  } else {
    bool runtimeBounds = false;
    for (unsigned i : {1u, 2u}) {
      if (im.hasInput(i) && !im.constantInput(i)) {
        runtimeBounds = true;
      }
    }
    if (runtimeBounds || isUnsigned) {
      Value v = *x;
      auto elemType = cast<RankedTensorType>(v.getType()).getElementType();
      SmallVector<NamedAttribute> attrs;
      if (isUnsigned) {
        attrs.push_back(im.namedAttr("is_unsigned", b.getUnitAttr()));
      }
      for (unsigned i : {1u, 2u}) {
        if (!im.hasInput(i)) {
          continue;
        }
        FailureOr<Value> bound = im.input(i);
        if (failed(bound)) {
          return failure();
        }
        auto boundType = cast<RankedTensorType>(bound->getType());
        if (boundType.getNumElements() != 1 ||
            boundType.getElementType() != elemType) {
          return im.error() << "the '" << (i == 1 ? "min" : "max")
                            << "' input must be a scalar of the input's "
                               "element type, got "
                            << boundType;
        }
        if (boundType.getRank() != 0) {
          bound = im.create<ReshapeOp>(RankedTensorType::get({}, elemType),
                                       *bound);
        }
        v = i == 1 ? im.create<MaxOp>(v.getType(), {v, *bound}, attrs)
                   : im.create<MinOp>(v.getType(), {v, *bound}, attrs);
      }
      im.setOutput(0, v);
      return success();
    }
    for (unsigned i : {1u, 2u}) {
      if (!im.hasInput(i)) {
        continue;
      }
      StringRef what = i == 1 ? "min" : "max";
      FailureOr<SmallVector<double>> v = im.constantFloats(i, what);
      if (failed(v)) {
        return failure();
      }
      if (v->size() != 1) {
        return im.error() << "the '" << what << "' input must be a scalar";
      }
      (i == 1 ? lo : hi) = static_cast<float>(v->front());
    }
  }
  im.setOutput(0, im.create<ClipOp>(
                      x->getType(), *x,
                      {im.namedAttr("min", b.getF32FloatAttr(lo)),
                       im.namedAttr("max", b.getF32FloatAttr(hi))}));
  return success();
}

static LogicalResult importGemm(GraphImporter &im,
                                const onnx::NodeProto &) {
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 3; ++i) {
    if (i == 2 && !im.hasInput(2)) {
      break;
    }
    FailureOr<Value> v = im.input(i);
    if (failed(v)) {
      return failure();
    }
    operands.push_back(*v);
  }
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(outType)) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(
      0, im.create<GemmOp>(
             *outType, operands,
             {im.namedAttr("alpha",
                           b.getF32FloatAttr(im.attrFloat("alpha", 1.0f))),
              im.namedAttr("beta",
                           b.getF32FloatAttr(im.attrFloat("beta", 1.0f))),
              im.namedAttr("trans_a",
                           b.getBoolAttr(im.attrInt("transA", 0) != 0)),
              im.namedAttr("trans_b",
                           b.getBoolAttr(im.attrInt("transB", 0) != 0))}));
  return success();
}

static LogicalResult importMatMul(GraphImporter &im,
                                  const onnx::NodeProto &) {
  FailureOr<Value> a = im.input(0), b = im.input(1);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(a) || failed(b) || failed(outType)) {
    return failure();
  }
  im.setOutput(0, im.create<MatMulOp>(*outType, {*a, *b}));
  return success();
}

/// Softmax. Before opset 13 ONNX coerces the input to 2-D at `axis` and
/// normalizes each row: expressed as reshape -> softmax(last axis) ->
/// reshape, which is a plain last-axis softmax when `axis` is the last one.
static LogicalResult importSoftmax(GraphImporter &im,
                                   const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (rank == 0) {
    return im.error() << "expected an input of rank >= 1";
  }
  bool coerce = im.getOpset() < 13;
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", coerce ? 1 : -1), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  if (!coerce || *axis == rank - 1) {
    im.setOutput(0, im.create<SoftmaxOp>(
                        type, *x,
                        {im.namedAttr("axis", b.getI64IntegerAttr(*axis))}));
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  }
  auto flatType =
      RankedTensorType::get({outer, inner}, type.getElementType());
  Value flat = im.create<ReshapeOp>(flatType, *x);
  Value soft = im.create<SoftmaxOp>(
      flatType, flat, {im.namedAttr("axis", b.getI64IntegerAttr(1))});
  im.setOutput(0, im.create<ReshapeOp>(type, soft));
  return success();
}

void importer::registerElementwiseOps(OpTable &table) {
  table["Add"] = importBinaryChain<AddOp>;
  table["Sub"] = importBinaryChain<SubOp>;
  table["Mul"] = importBinaryChain<MulOp>;
  table["Div"] = importBinaryChain<DivOp>;
  table["Max"] = importBinaryChain<MaxOp>;
  table["Min"] = importBinaryChain<MinOp>;
  table["Relu"] = importUnary<ReluOp>;
  table["Sigmoid"] = importUnary<SigmoidOp>;
  table["Tanh"] = importUnary<TanhOp>;
  table["HardSwish"] = importUnary<HardSwishOp>;
  table["HardSigmoid"] = importUnary<HardSigmoidOp>;
  table["LeakyRelu"] = importUnary<LeakyReluOp>;
  table["Clip"] = importClip;
  table["Gemm"] = importGemm;
  table["MatMul"] = importMatMul;
  table["Softmax"] = importSoftmax;
}
