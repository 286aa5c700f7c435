//===- ImportMicrosoft.cpp - com.microsoft ops ORT's tools emit -----------===//
//
// The com.microsoft contrib ops that ONNX Runtime's optimizer and exporters
// write into models, imported with their documented semantics
// (onnxruntime/docs/ContribOperators.md) as etch ops: Gelu, BiasGelu,
// FastGelu, QuickGelu, BiasAdd, FusedConv, FusedGemm, FusedMatMul,
// SkipLayerNormalization,
// SkipSimplifiedLayerNormalization and SimplifiedLayerNormalization (which
// ORT registers in the default domain). Table keys are
// "com.microsoft.<op>" (opTableKey).
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

Value scalar(GraphImporter &im, Value like, double v) {
  return createScalarConstant(im, typeOf(like).getElementType(), v);
}

/// Input `i` added to `x` when present.
FailureOr<Value> plusOptional(GraphImporter &im, Value x, unsigned i) {
  if (!im.hasInput(i)) {
    return x;
  }
  FailureOr<Value> v = im.input(i);
  if (failed(v)) {
    return failure();
  }
  return createBinary<AddOp>(im, x, *v);
}

FailureOr<Value> floatInput(GraphImporter &im, unsigned i) {
  FailureOr<Value> x = im.input(i);
  if (failed(x)) {
    return failure();
  }
  if (!isa<FloatType>(typeOf(*x).getElementType())) {
    return im.error() << "expected a floating-point input, got "
                      << x->getType();
  }
  return *x;
}

/// Gelu(X) (erf); BiasGelu(A, B) = Gelu(A + B); FastGelu(X, bias?) with the
/// tanh approximation.
template <bool Tanh>
LogicalResult importGeluFamily(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im, 0);
  if (failed(x)) {
    return failure();
  }
  FailureOr<Value> sum = plusOptional(im, *x, 1);
  if (failed(sum)) {
    return failure();
  }
  im.setOutput(0, buildGelu(im, *sum, Tanh));
  return success();
}

/// QuickGelu: x * sigmoid(alpha * x).
LogicalResult importQuickGelu(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im, 0);
  if (failed(x)) {
    return failure();
  }
  Value ax = createBinary<MulOp>(im, *x,
                                 scalar(im, *x, im.attrFloat("alpha", 1.702f)));
  im.setOutput(
      0, createBinary<MulOp>(im, *x, im.create<SigmoidOp>(ax.getType(), ax)));
  return success();
}

/// BiasAdd: X + bias + skip.
LogicalResult importBiasAdd(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), bias = im.input(1), skip = im.input(2);
  if (failed(x) || failed(bias) || failed(skip)) {
    return failure();
  }
  im.setOutput(
      0, createBinary<AddOp>(im, createBinary<AddOp>(im, *x, *bias), *skip));
  return success();
}

/// FusedMatMul: alpha * op(A) @ op(B), op moving the first dim in front of
/// the last (transBatchA/B), then transposing the last two (transA/B).
LogicalResult importFusedMatMul(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> a = floatInput(im, 0), b = floatInput(im, 1);
  if (failed(a) || failed(b)) {
    return failure();
  }
  // transBatch: the first dim moves in front of the last one
  // ([d0, d1, .., dn-2, dn-1] -> [d1, .., dn-2, d0, dn-1]), before transA/B.
  auto batchFirst = [&](Value v) {
    int64_t rank = typeOf(v).getRank();
    SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(1, rank - 1));
    perm.append({0, rank - 1});
    return transposeBy(im, v, perm);
  };
  auto swapLast = [&](Value v) {
    int64_t rank = typeOf(v).getRank();
    SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    std::swap(perm[rank - 1], perm[rank - 2]);
    return transposeBy(im, v, perm);
  };
  for (Value *v : {&*a, &*b}) {
    if (typeOf(*v).getRank() < 2) {
      return im.error() << "expected operands of rank >= 2, got "
                        << v->getType();
    }
  }
  if (im.attrInt("transBatchA", 0) && typeOf(*a).getRank() > 2) {
    *a = batchFirst(*a);
  }
  if (im.attrInt("transBatchB", 0) && typeOf(*b).getRank() > 2) {
    *b = batchFirst(*b);
  }
  if (im.attrInt("transA", 0)) {
    *a = swapLast(*a);
  }
  if (im.attrInt("transB", 0)) {
    *b = swapLast(*b);
  }
  ArrayRef<int64_t> as = typeOf(*a).getShape(), bs = typeOf(*b).getShape();
  std::optional<SmallVector<int64_t>> batch =
      tryBroadcastShape(as.drop_back(2), bs.drop_back(2));
  if (!batch || as.back() != bs[bs.size() - 2]) {
    return im.error() << "operands " << a->getType() << " and " << b->getType()
                      << " do not multiply";
  }
  SmallVector<int64_t> shape = *batch;
  shape.append({as[as.size() - 2], bs.back()});
  Value y = im.create<MatMulOp>(
      RankedTensorType::get(shape, typeOf(*a).getElementType()), {*a, *b});
  float alpha = im.attrFloat("alpha", 1.0f);
  if (alpha != 1.0f) {
    y = createBinary<MulOp>(im, y, scalar(im, y, alpha));
  }
  im.setOutput(0, y);
  return success();
}

/// x normalized over its last axis: (x - mean) / sqrt(var + eps), or, for
/// the simplified (RMS) form, x / sqrt(mean(x^2) + eps). `invStd` receives
/// 1 / sqrt(...) (keepdims).
Value normalizeLast(GraphImporter &im, Value x, float eps, bool simplified,
                    Value *invStd) {
  RankedTensorType t = typeOf(x);
  OpBuilder &b = im.getBuilder();
  SmallVector<int64_t> kept(t.getShape());
  kept.back() = 1;
  auto mean = [&](Value v) {
    return im.create<ReduceMeanOp>(
        RankedTensorType::get(kept, t.getElementType()), v,
        {im.namedAttr("axes", b.getDenseI64ArrayAttr({t.getRank() - 1})),
         im.namedAttr("keepdims", b.getBoolAttr(true))});
  };
  Value centered = simplified ? x : createBinary<SubOp>(im, x, mean(x));
  Value var = mean(createBinary<MulOp>(im, centered, centered));
  Value std = im.create<SqrtOp>(
      var.getType(), createBinary<AddOp>(im, var, scalar(im, var, eps)));
  if (invStd) {
    *invStd = im.create<ReciprocalOp>(std.getType(), std);
  }
  return createBinary<DivOp>(im, centered, std);
}

/// SkipLayerNormalization (input, skip, gamma, beta?, bias?) and
/// SkipSimplifiedLayerNormalization (input, skip, gamma, bias?): the
/// normalized input + skip + bias times gamma (+ beta); output 3 is the sum.
template <bool Simplified>
LogicalResult importSkipNorm(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> x = floatInput(im, 0), skip = im.input(1),
                   gamma = im.input(2);
  if (failed(x) || failed(skip) || failed(gamma)) {
    return failure();
  }
  FailureOr<Value> sum =
      plusOptional(im, createBinary<AddOp>(im, *x, *skip), Simplified ? 3 : 4);
  if (failed(sum)) {
    return failure();
  }
  Value invStd;
  Value y = normalizeLast(im, *sum, im.attrFloat("epsilon", 1e-12f), Simplified,
                          &invStd);
  y = createBinary<MulOp>(im, y, *gamma);
  if (!Simplified) {
    FailureOr<Value> withBeta = plusOptional(im, y, 3);
    if (failed(withBeta)) {
      return failure();
    }
    y = *withBeta;
  }
  im.setOutput(0, y);
  if (node.output_size() > 1 && !node.output(1).empty()) {
    return im.error() << "the mean output is not supported";
  }
  if (node.output_size() > 2 && !node.output(2).empty()) {
    im.setOutput(2, invStd);
  }
  if (node.output_size() > 3 && !node.output(3).empty()) {
    im.setOutput(3, *sum);
  }
  return success();
}

/// SimplifiedLayerNormalization (X, scale; axis -1, epsilon): RMS
/// normalization; output 1 is 1 / rms.
LogicalResult importSimplifiedLayerNorm(GraphImporter &im,
                                        const onnx::NodeProto &node) {
  FailureOr<Value> x = floatInput(im, 0), scale = im.input(1);
  if (failed(x) || failed(scale)) {
    return failure();
  }
  int64_t rank = typeOf(*x).getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", -1), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  if (*axis != rank - 1) {
    return im.error() << "only the last axis is supported, got axis "
                      << im.attrInt("axis", -1);
  }
  Value invStd;
  Value y =
      normalizeLast(im, *x, im.attrFloat("epsilon", 1e-5f), true, &invStd);
  im.setOutput(0, createBinary<MulOp>(im, y, *scale));
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, invStd);
  }
  return success();
}

/// The activation an ORT fusion (FusedConv, FusedGemm) names, on `y`:
/// Relu, Tanh, Sigmoid, LeakyRelu(alpha), Clip(min, max),
/// HardSigmoid(alpha, beta); an empty name is none.
FailureOr<Value> fusedActivation(GraphImporter &im, Value y, StringRef name,
                                 ArrayRef<float> params) {
  Type t = y.getType();
  OpBuilder &b = im.getBuilder();
  auto param = [&](size_t i, float dflt) {
    return b.getF32FloatAttr(i < params.size() ? params[i] : dflt);
  };
  if (name.empty()) {
    return y;
  }
  if (name == "Relu") {
    return im.create<ReluOp>(t, y);
  }
  if (name == "Tanh") {
    return im.create<TanhOp>(t, y);
  }
  if (name == "Sigmoid") {
    return im.create<SigmoidOp>(t, y);
  }
  if (name == "LeakyRelu") {
    return im.create<LeakyReluOp>(t, y, {im.namedAttr("alpha", param(0, 0.01f))});
  }
  if (name == "HardSigmoid") {
    return im.create<HardSigmoidOp>(t, y,
                                    {im.namedAttr("alpha", param(0, 0.2f)),
                                     im.namedAttr("beta", param(1, 0.5f))});
  }
  if (name == "Clip" && params.size() == 2) {
    return im.create<ClipOp>(t, y,
                             {im.namedAttr("min", param(0, 0.0f)),
                              im.namedAttr("max", param(1, 0.0f))});
  }
  return im.unsupportedAttr(
      "activation", "'" + name.str() + "'" +
                        (name == "Clip" ? " without 2 parameters" : ""),
      "Relu, Tanh, Sigmoid, LeakyRelu, HardSigmoid, Clip(min, max)");
}

/// FusedConv (X, W, B?, Z?): activation(Conv(X, W) + B + Z), as ONNX
/// Runtime's Conv+activation(+Add) fusions write it.
LogicalResult importFusedConv(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im, 0), w = im.input(1);
  if (failed(x) || failed(w)) {
    return failure();
  }
  Value bias;
  if (im.hasInput(2)) {
    FailureOr<Value> v = im.input(2);
    if (failed(v)) {
      return failure();
    }
    bias = *v;
  }
  FailureOr<Value> y = buildConv(im, *x, *w, bias, typeOf(*x).getElementType());
  if (failed(y)) {
    return failure();
  }
  FailureOr<Value> sum = plusOptional(im, *y, 3);
  if (failed(sum)) {
    return failure();
  }
  SmallVector<float> params;
  if (const onnx::AttributeProto *a = im.attr("activation_params")) {
    params.assign(a->floats().begin(), a->floats().end());
  }
  FailureOr<Value> out =
      fusedActivation(im, *sum, im.attrString("activation", ""), params);
  if (failed(out)) {
    return failure();
  }
  im.setOutput(0, *out);
  return success();
}

/// FusedGemm (A, B, C?): activation(alpha * A' B' + beta * C) with
/// activation_alpha/_beta as the activation's parameters.
LogicalResult importFusedGemm(GraphImporter &im, const onnx::NodeProto &) {
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 3 && (i < 2 || im.hasInput(i)); ++i) {
    FailureOr<Value> v = i == 0 ? floatInput(im, 0) : im.input(i);
    if (failed(v)) {
      return failure();
    }
    operands.push_back(*v);
  }
  bool transA = im.attrInt("transA", 0) != 0;
  bool transB = im.attrInt("transB", 0) != 0;
  RankedTensorType a = typeOf(operands[0]), bt = typeOf(operands[1]);
  if (a.getRank() != 2 || bt.getRank() != 2) {
    return im.error() << "expected 2-D A and B, got " << a << " and " << bt;
  }
  int64_t k = a.getDimSize(transA ? 0 : 1);
  if (k != bt.getDimSize(transB ? 1 : 0)) {
    return im.error() << "A " << a << " and B " << bt
                      << " do not multiply (transA " << transA << ", transB "
                      << transB << ")";
  }
  auto outType = RankedTensorType::get(
      {a.getDimSize(transA ? 1 : 0), bt.getDimSize(transB ? 0 : 1)},
      a.getElementType());
  OpBuilder &b = im.getBuilder();
  Value y = im.create<GemmOp>(
      outType, operands,
      {im.namedAttr("alpha", b.getF32FloatAttr(im.attrFloat("alpha", 1.0f))),
       im.namedAttr("beta", b.getF32FloatAttr(im.attrFloat("beta", 1.0f))),
       im.namedAttr("trans_a", b.getBoolAttr(transA)),
       im.namedAttr("trans_b", b.getBoolAttr(transB))});
  std::string activation = im.attrString("activation", "");
  SmallVector<float> params;
  if (im.attr("activation_alpha")) {
    params.push_back(im.attrFloat("activation_alpha", 0.0f));
    if (im.attr("activation_beta")) {
      params.push_back(im.attrFloat("activation_beta", 0.0f));
    }
  }
  FailureOr<Value> out = fusedActivation(im, y, activation, params);
  if (failed(out)) {
    return failure();
  }
  im.setOutput(0, *out);
  return success();
}

} // namespace

void importer::registerMicrosoftOps(OpTable &table) {
  table["com.microsoft.FusedConv"] = importFusedConv;
  table["com.microsoft.FusedGemm"] = importFusedGemm;
  table["com.microsoft.BiasAdd"] = importBiasAdd;
  table["com.microsoft.BiasGelu"] = importGeluFamily<false>;
  table["com.microsoft.FastGelu"] = importGeluFamily<true>;
  table["com.microsoft.FusedMatMul"] = importFusedMatMul;
  table["com.microsoft.Gelu"] = importGeluFamily<false>;
  table["com.microsoft.QuickGelu"] = importQuickGelu;
  table["com.microsoft.SimplifiedLayerNormalization"] =
      importSimplifiedLayerNorm;
  table["com.microsoft.SkipLayerNormalization"] = importSkipNorm<false>;
  table["com.microsoft.SkipSimplifiedLayerNormalization"] =
      importSkipNorm<true>;
  table["SimplifiedLayerNormalization"] = importSimplifiedLayerNorm;
}
