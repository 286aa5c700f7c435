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

/// addf(mulf(a, b), c) on vectors -> vector.fma(a, b, c): the payloads of
/// depthwise convolutions and bias/scale chains are written as separate
/// multiply and add, and LLVM only fuses them under fast-math contraction.
struct FuseMulAddToFMA : public OpRewritePattern<arith::AddFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::AddFOp add,
                                PatternRewriter &rewriter) const override {
    if (!isa<VectorType>(add.getType())) {
      return failure();
    }
    for (unsigned i = 0; i < 2; ++i) {
      auto mul = add->getOperand(i).getDefiningOp<arith::MulFOp>();
      if (!mul || !mul->hasOneUse()) {
        continue;
      }
      rewriter.replaceOpWithNewOp<vector::FMAOp>(
          add, mul.getLhs(), mul.getRhs(), add->getOperand(1 - i));
      return success();
    }
    return failure();
  }
};

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
      // Bool tensors are one byte per element in memory (the C ABI's
      // ETCH_BOOL), but LLVM packs vector<Nxi1> loads and stores into bits:
      // ops touching i1 tensors stay scalar loops.
      auto isBoolTensor = [](Type t) {
        auto shaped = dyn_cast<ShapedType>(t);
        return shaped && shaped.getElementType().isInteger(1);
      };
      if (llvm::any_of(op->getOperandTypes(), isBoolTensor) ||
          llvm::any_of(op->getResultTypes(), isBoolTensor)) {
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
      if (failed(linalg::vectorizeOpPrecondition(op))) {
        // Ops the vectorizer cannot handle stay for the backend's loops.
        continue;
      }
      rewriter.setInsertionPoint(op);
      // Tiles keep the unit dims of the outer loops (batch, output row):
      // drop them first so that reads and writes of an accumulator have the
      // same vector shape and can be hoisted as a pair.
      Operation *target = op;
      // Contractions are vectorized straight to vector.contract with the
      // op's own maps: generics are specialized back to named contractions.
      if (auto generic = dyn_cast<linalg::GenericOp>(op);
          generic && linalg::isaContractionOpInterface(generic)) {
        // Specialized on a copy: upstream (LLVM 22) turns a generic that
        // reads B transposed (`ij,kj->ik`) into a linalg.matmul with the
        // default maps, which computes something else. Only a named op with
        // the generic's own maps replaces it; the others stay generic and
        // take the broadcast + reduction path, re-formed into a correct
        // vector.contract below.
        auto copy = cast<linalg::GenericOp>(rewriter.clone(*generic));
        FailureOr<linalg::LinalgOp> named =
            linalg::specializeGenericOp(rewriter, copy);
        if (failed(named)) {
          rewriter.eraseOp(copy);
        } else if (isa<linalg::ContractionOpInterface>(
                       named->getOperation()) &&
                   named->getIndexingMapsArray() ==
                       generic.getIndexingMapsArray()) {
          rewriter.replaceOp(generic, named->getOperation()->getResults());
          target = *named;
        } else {
          rewriter.eraseOp(*named);
        }
      }
      bool isNamedContraction = isa<linalg::ContractionOpInterface>(target);
      if (!isNamedContraction && !isa<linalg::GenericOp>(target)) {
        FailureOr<linalg::GenericOp> generic = linalg::generalizeNamedOp(
            rewriter, cast<linalg::LinalgOp>(target));
        if (succeeded(generic)) {
          target = *generic;
        }
      }
      auto generic = dyn_cast<linalg::GenericOp>(target);
      if (generic && !isNamedContraction) {
        linalg::ControlDropUnitDims control;
        control.rankReductionStrategy = linalg::ControlDropUnitDims::
            RankReductionStrategy::ExtractInsertSlice;
        rewriter.setInsertionPoint(generic);
        FailureOr<linalg::DropUnitDimsResult> dropped =
            linalg::dropUnitDims(rewriter, generic, control);
        if (succeeded(dropped)) {
          rewriter.replaceOp(generic, dropped->replacements);
          target = dropped->resultOp;
        }
      }
      rewriter.setInsertionPoint(target);
      // Contractions go straight to vector.contract with the op's maps (no
      // broadcast reads + multi_reduction to re-match).
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, target, /*inputVectorSizes=*/{},
          /*inputScalableVecDims=*/{}, /*vectorizeNDExtract=*/false,
          /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/isNamedContraction);
      if (failed(result)) {
        continue;
      }
      if (target->getNumResults() != 0) {
        rewriter.replaceOp(target, result->replacements);
      } else {
        rewriter.eraseOp(target);
      }
    }

    // Fold slices into transfers, then hoist loop-invariant accumulator
    // transfer pairs out of the reduction loops (inner loops first) while
    // reads and writes still have matching forms.
    {
      RewritePatternSet patterns(ctx);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    func.walk([&](LoopLikeOpInterface loop) {
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    });

    // Reductions to contractions (with broadcasts and transposes split out
    // of the transfers so they fold into the contraction maps); then leading
    // unit dims cast away. The two sets run separately: unit-dim dropping
    // and permutation-map lowering undo each other.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    {
      RewritePatternSet patterns(ctx);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorReductionToContractPatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }

    if (lowerContractions) {
      RewritePatternSet patterns(ctx);
      populateLLVMCPUVectorLoweringPatterns(patterns);
      patterns.add<FuseMulAddToFMA>(ctx);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
  }
};
} // namespace
