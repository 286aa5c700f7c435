//===- GraphFuseActivations.cpp - fuse activations into producers ---------===//
//
// Folding the activation into conv/gemm/matmul/add lets the lowering apply it
// in the producer's epilogue instead of in a separate pass over memory.
//
//===----------------------------------------------------------------------===//
#include "etch/Transforms/Passes.h"
#include "etch/Transforms/ScalarActivation.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "etch-graph-fuse-activations"

namespace mlir::etch {
#define GEN_PASS_DEF_GRAPHFUSEACTIVATIONSPASS
#include "lib/Transforms/Passes.h.inc"
} // namespace mlir::etch

using namespace mlir;
using namespace mlir::etch;

namespace {

template <typename ProducerOp>
LogicalResult fuseInto(ProducerOp producer, Operation *activationOp,
                       const ScalarActivation &act,
                       PatternRewriter &rewriter) {
  if (producer.getActivation() != ActivationKind::None) {
    return rewriter.notifyMatchFailure(activationOp,
                                       "producer already has an activation");
  }
  if (producer.getType() != activationOp->getResult(0).getType()) {
    return rewriter.notifyMatchFailure(activationOp, "type mismatch");
  }
  rewriter.modifyOpInPlace(producer, [&] {
    producer.setActivation(act.kind);
    producer.setActAlphaAttr(rewriter.getF32FloatAttr(act.alpha));
    producer.setActBetaAttr(rewriter.getF32FloatAttr(act.beta));
    producer->setLoc(rewriter.getFusedLoc(
        {producer->getLoc(), activationOp->getLoc()}));
  });
  rewriter.replaceOp(activationOp, producer->getResults());
  return success();
}

struct FuseActivation : public RewritePattern {
  explicit FuseActivation(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    std::optional<ScalarActivation> act = getScalarActivation(op);
    if (!act) {
      return failure();
    }
    Value input = op->getOperand(0);
    // Fused activations are float formulas (integer clip/relu stay ops).
    if (!isa<FloatType>(getElementTypeOrSelf(input.getType()))) {
      return rewriter.notifyMatchFailure(op, "not a float activation");
    }
    Operation *producer = input.getDefiningOp();
    if (!producer || !input.hasOneUse()) {
      return rewriter.notifyMatchFailure(op, "no single-use producer");
    }
    if (auto conv = dyn_cast<ConvOp>(producer)) {
      return fuseInto(conv, op, *act, rewriter);
    }
    if (auto gemm = dyn_cast<GemmOp>(producer)) {
      return fuseInto(gemm, op, *act, rewriter);
    }
    if (auto matmul = dyn_cast<MatMulOp>(producer)) {
      return fuseInto(matmul, op, *act, rewriter);
    }
    if (auto add = dyn_cast<AddOp>(producer)) {
      return fuseInto(add, op, *act, rewriter);
    }
    return rewriter.notifyMatchFailure(op, "producer cannot absorb it");
  }
};

struct GraphFuseActivationsPass
    : public etch::impl::GraphFuseActivationsPassBase<
          GraphFuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseActivation>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("activation fusion did not converge");
      signalPassFailure();
    }
  }
};

} // namespace
