//===- GraphFoldBatchNorm.cpp - fold BatchNorm into Conv/Gemm weights -----===//
//
// Inference BatchNorm after a convolution is an affine map per output
// channel; folding it into the weights and bias at compile time removes a
// whole pass over the activation tensor.
//
//===----------------------------------------------------------------------===//
#include "etch/Transforms/ConstantData.h"
#include "etch/Transforms/Passes.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

#define DEBUG_TYPE "etch-graph-fold-batch-norm"

namespace mlir::etch {
#define GEN_PASS_DEF_GRAPHFOLDBATCHNORMPASS
#include "lib/Transforms/Passes.h.inc"
} // namespace mlir::etch

using namespace mlir;
using namespace mlir::etch;

namespace {

constexpr int64_t kResourceThreshold = 64;

std::optional<SmallVector<float>> constantFloats(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr))) {
    return std::nullopt;
  }
  return getConstantFloats(attr);
}

/// Per-channel `scale` and `shift` of a batch_norm with constant parameters:
/// y = x * scale + shift.
struct ChannelAffine {
  SmallVector<float> scale, shift, mean;
};

std::optional<ChannelAffine> getChannelAffine(BatchNormOp bn, int64_t channels) {
  auto gamma = constantFloats(bn.getScale());
  auto beta = constantFloats(bn.getBias());
  auto mean = constantFloats(bn.getMean());
  auto var = constantFloats(bn.getVar());
  if (!gamma || !beta || !mean || !var) {
    return std::nullopt;
  }
  auto size = static_cast<size_t>(channels);
  if (gamma->size() != size || beta->size() != size || mean->size() != size ||
      var->size() != size) {
    return std::nullopt;
  }
  float eps = bn.getEpsilon().convertToFloat();
  ChannelAffine affine;
  affine.mean = *mean;
  for (size_t c = 0; c < size; ++c) {
    // Same operation order as ORT's BatchNormalization kernel.
    float invStd = 1.0f / std::sqrt((*var)[c] + eps);
    float s = (*gamma)[c] * invStd;
    affine.scale.push_back(s);
    affine.shift.push_back((*beta)[c] - (*mean)[c] * s);
  }
  return affine;
}

std::string blobName(Operation *op, StringRef suffix) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc())) {
    return (name.getName().strref() + suffix).str();
  }
  return ("bn" + suffix).str();
}

Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, ArrayRef<float> values,
                   StringRef name) {
  return ConstantOp::create(
      rewriter, loc, type,
      makeFloatConstantAttr(type, values, name, kResourceThreshold));
}

struct FoldConvBatchNorm : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse() ||
        conv.getActivation() != ActivationKind::None) {
      return rewriter.notifyMatchFailure(bn, "no single-use plain conv");
    }
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!weightType.getElementType().isF32() ||
        conv.getType() != bn.getType()) {
      return rewriter.notifyMatchFailure(bn, "only f32 is folded");
    }
    int64_t channels = weightType.getDimSize(0);
    std::optional<ChannelAffine> affine = getChannelAffine(bn, channels);
    std::optional<SmallVector<float>> weight = constantFloats(conv.getWeight());
    if (!affine || !weight) {
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    }
    SmallVector<float> bias(channels, 0.0f);
    if (conv.getBias()) {
      std::optional<SmallVector<float>> b = constantFloats(conv.getBias());
      if (!b || b->size() != static_cast<size_t>(channels)) {
        return rewriter.notifyMatchFailure(bn, "non-constant conv bias");
      }
      bias = *b;
    }
    int64_t perChannel = weightType.getNumElements() / channels;
    for (int64_t f = 0; f < channels; ++f) {
      for (int64_t i = 0; i < perChannel; ++i) {
        (*weight)[f * perChannel + i] *= affine->scale[f];
      }
      bias[f] = bias[f] * affine->scale[f] + affine->shift[f];
    }
    Location loc = rewriter.getFusedLoc({conv->getLoc(), bn->getLoc()});
    Value newWeight = makeConstant(rewriter, conv.getWeight().getLoc(),
                                   weightType, *weight, blobName(bn, "_w"));
    Value newBias = makeConstant(
        rewriter, bn.getBias().getLoc(),
        RankedTensorType::get({channels}, rewriter.getF32Type()), bias,
        blobName(bn, "_b"));
    auto folded = ConvOp::create(
        rewriter, loc, TypeRange{conv.getType()},
        ValueRange{conv.getInput(), newWeight, newBias}, conv->getAttrs());
    rewriter.replaceOp(bn, folded->getResults());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// Gemm + BatchNorm over the columns (the BN input is [M, N]).
struct FoldGemmBatchNorm : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto gemm = bn.getInput().getDefiningOp<GemmOp>();
    if (!gemm || !gemm->hasOneUse() ||
        gemm.getActivation() != ActivationKind::None ||
        gemm.getType() != bn.getType()) {
      return rewriter.notifyMatchFailure(bn, "no single-use plain gemm");
    }
    auto outType = cast<RankedTensorType>(gemm.getType());
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    if (!outType.getElementType().isF32() || outType.getRank() != 2) {
      return rewriter.notifyMatchFailure(bn, "only 2-D f32 gemm");
    }
    int64_t n = outType.getDimSize(1);
    std::optional<ChannelAffine> affine = getChannelAffine(bn, n);
    std::optional<SmallVector<float>> b = constantFloats(gemm.getB());
    if (!affine || !b) {
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    }
    // C must be the same for every row: absent, scalar, [N] or [1, N].
    SmallVector<float> c(n, 0.0f);
    float beta = gemm.getBeta().convertToFloat();
    if (gemm.getC()) {
      auto cType = cast<RankedTensorType>(gemm.getC().getType());
      if (cType.getRank() == 2 && cType.getDimSize(0) != 1) {
        return rewriter.notifyMatchFailure(bn, "C varies along rows");
      }
      std::optional<SmallVector<float>> cv = constantFloats(gemm.getC());
      if (!cv || (cv->size() != 1 && cv->size() != static_cast<size_t>(n))) {
        return rewriter.notifyMatchFailure(bn, "non-constant C");
      }
      for (int64_t j = 0; j < n; ++j) {
        c[j] = beta * (*cv)[cv->size() == 1 ? 0 : j];
      }
    }
    bool transB = gemm.getTransB();
    int64_t k = bType.getNumElements() / n;
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t j = 0; j < n; ++j) {
        (*b)[transB ? j * k + kk : kk * n + j] *= affine->scale[j];
      }
    }
    for (int64_t j = 0; j < n; ++j) {
      c[j] = c[j] * affine->scale[j] + affine->shift[j];
    }
    Location loc = rewriter.getFusedLoc({gemm->getLoc(), bn->getLoc()});
    Value newB = makeConstant(rewriter, gemm.getB().getLoc(), bType, *b,
                              blobName(bn, "_w"));
    Value newC = makeConstant(
        rewriter, bn.getBias().getLoc(),
        RankedTensorType::get({n}, rewriter.getF32Type()), c,
        blobName(bn, "_b"));
    auto folded = GemmOp::create(rewriter, loc, TypeRange{gemm.getType()},
                                 ValueRange{gemm.getA(), newB, newC},
                                 gemm->getAttrs());
    folded.setBetaAttr(rewriter.getF32FloatAttr(1.0f));
    rewriter.replaceOp(bn, folded->getResults());
    rewriter.eraseOp(gemm);
    return success();
  }
};

/// 2-D MatMul + BatchNorm over the columns becomes a Gemm with a bias.
struct FoldMatMulBatchNorm : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto matmul = bn.getInput().getDefiningOp<MatMulOp>();
    if (!matmul || !matmul->hasOneUse() ||
        matmul.getActivation() != ActivationKind::None ||
        matmul.getType() != bn.getType()) {
      return rewriter.notifyMatchFailure(bn, "no single-use plain matmul");
    }
    auto outType = cast<RankedTensorType>(matmul.getType());
    auto aType = cast<RankedTensorType>(matmul.getA().getType());
    auto bType = cast<RankedTensorType>(matmul.getB().getType());
    if (!outType.getElementType().isF32() || outType.getRank() != 2 ||
        aType.getRank() != 2 || bType.getRank() != 2) {
      return rewriter.notifyMatchFailure(bn, "only 2-D f32 matmul");
    }
    int64_t n = outType.getDimSize(1);
    std::optional<ChannelAffine> affine = getChannelAffine(bn, n);
    std::optional<SmallVector<float>> b = constantFloats(matmul.getB());
    if (!affine || !b) {
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    }
    int64_t k = bType.getDimSize(0);
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t j = 0; j < n; ++j) {
        (*b)[kk * n + j] *= affine->scale[j];
      }
    }
    Location loc = rewriter.getFusedLoc({matmul->getLoc(), bn->getLoc()});
    Value newB = makeConstant(rewriter, matmul.getB().getLoc(), bType, *b,
                              blobName(bn, "_w"));
    Value newC = makeConstant(
        rewriter, bn.getBias().getLoc(),
        RankedTensorType::get({n}, rewriter.getF32Type()), affine->shift,
        blobName(bn, "_b"));
    auto gemm = GemmOp::create(rewriter, loc, TypeRange{outType},
                               ValueRange{matmul.getA(), newB, newC});
    rewriter.replaceOp(bn, gemm->getResults());
    rewriter.eraseOp(matmul);
    return success();
  }
};

struct GraphFoldBatchNormPass
    : public etch::impl::GraphFoldBatchNormPassBase<GraphFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConvBatchNorm, FoldGemmBatchNorm, FoldMatMulBatchNorm>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("batch-norm folding did not converge");
      signalPassFailure();
    }
  }
};

} // namespace
