//===- LLVMCPUVectorize.cpp - vectorize static tiles down to FMAs ---------===//
#include "LLVMCPUPatterns.h"
#include "etch/codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#define DEBUG_TYPE "etch-llvmcpu-vectorize"

namespace mlir::etch::llvmcpu {
#define GEN_PASS_DEF_LLVMCPUVECTORIZEPASS
#include "codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::etch::llvmcpu

using namespace mlir;
using namespace mlir::etch::llvmcpu;

namespace {

bool hasStaticShapes(Operation *op) {
  auto isStatic = [](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    return !shaped || shaped.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}

/// Canonicalization patterns of the dialects the vector code touches.
void addCleanupPatterns(RewritePatternSet &patterns, MLIRContext *ctx) {
  for (Dialect *dialect : ctx->getLoadedDialects()) {
    dialect->getCanonicalizationPatterns(patterns);
  }
  for (RegisteredOperationName op : ctx->getRegisteredOperations()) {
    op.getCanonicalizationPatterns(patterns, ctx);
  }
}

struct LLVMCPUVectorizePass
    : public mlir::etch::llvmcpu::impl::LLVMCPUVectorizePassBase<LLVMCPUVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();

    {
      RewritePatternSet patterns(ctx);
      populateDecomposeUnitWindowPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }

    SmallVector<Operation *> candidates;
    func.walk([&](Operation *op) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
          !hasStaticShapes(op) || !linalg::hasVectorizationImpl(op)) {
        return;
      }
      int64_t elements = 1;
      for (int64_t r : linalgOp.getStaticLoopRanges()) {
        elements *= r;
      }
      if (elements <= maxVectorElements) {
        candidates.push_back(op);
      }
    });
    IRRewriter rewriter(ctx);
    for (Operation *op : candidates) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op);
      if (failed(result)) {
        // Ops the vectorizer cannot handle stay for the backend's loops.
        continue;
      }
      if (op->getNumResults() != 0) {
        rewriter.replaceOp(op, result->replacements);
      } else {
        rewriter.eraseOp(op);
      }
    }

    // Reductions to contractions, slices folded into transfers, then
    // loop-invariant accumulator transfers hoisted out of reduction loops.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    func.walk([&](LoopLikeOpInterface loop) {
      // Post-order: inner loops first, so hoisted pairs move outward.
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    });

    if (lowerContractions) {
      RewritePatternSet patterns(ctx);
      populateLLVMCPUVectorLoweringPatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
  }
};
} // namespace
