//===- LLVMCPUTileAndFuse.cpp - tile roots by schedule, fuse around them --===//
//
// Three levels, each over all scheduled ops of the function before the next:
//   0. workgroup: tile the root's consumer chain anchor (last fused
//      elementwise op) and fuse the chain, the root and cheap producers;
//   1. register: the same inside every level-0 tile;
//   2. reduction: tile the root's reduction loops (scf.for with iter_args).
// Loops whose step does not divide their static trip count are peeled, and
// the function is canonicalized after each level, so every tile below has a
// static shape (the vectorizer needs no masks).
//
// With threads > 1 a distribution level comes before level 0: the level-0
// tiles of the schedule's `parallel` loops as one scf.forall, split into a
// forall of whole tiles and one of the remainder (the same static shapes).
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/LLVMCPU/Passes.h"
#include "etch/codegen/LLVMCPU/Schedule.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Utils/AffineCanonicalizationUtils.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/SmallPtrSet.h"

#define DEBUG_TYPE "etch-llvmcpu-tile-and-fuse"

namespace mlir::etch::llvmcpu {
#define GEN_PASS_DEF_LLVMCPUTILEANDFUSEPASS
#include "codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::etch::llvmcpu

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {

SmallVector<OpFoldResult> toOpFoldResults(MLIRContext *ctx,
                                          ArrayRef<int64_t> sizes) {
  Builder b(ctx);
  return llvm::map_to_vector(sizes, [&](int64_t s) -> OpFoldResult {
    return b.getIndexAttr(s);
  });
}

/// Peels every loop of `loops` (innermost first) whose step does not divide
/// its static trip count.
void peelLoops(RewriterBase &rewriter, ArrayRef<LoopLikeOpInterface> loops) {
  for (LoopLikeOpInterface loop : llvm::reverse(loops)) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    if (!forOp) {
      continue;
    }
    scf::ForOp partial;
    rewriter.setInsertionPoint(forOp);
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
  }
}

/// Rewrites the affine.min/max ops of `body` that bound a tile by `iv`,
/// knowing the loop runs [.., ub) by `step` (inside) or is its last,
/// partial iteration (not inside).
void simplifyPeeledMinMax(RewriterBase &rewriter, Block *body, Value iv,
                          Value ub, Value step, bool insideLoop) {
  SmallVector<Operation *> ops;
  body->walk([&](Operation *op) {
    if (isa<affine::AffineMinOp, affine::AffineMaxOp>(op) &&
        llvm::is_contained(op->getOperands(), iv)) {
      ops.push_back(op);
    }
  });
  for (Operation *op : ops) {
    rewriter.setInsertionPoint(op);
    (void)scf::rewritePeeledMinMaxOp(rewriter, op, iv, ub, step, insideLoop);
  }
}

/// Splits `forall`, along every dimension whose step does not divide its
/// static trip count, into a forall of whole steps and one of the rest
/// (which takes the first one's results as its shared outputs), so that
/// every tile has a static shape.
void peelForall(RewriterBase &rewriter, scf::ForallOp forall) {
  SmallVector<scf::ForallOp> foralls = {forall};
  for (unsigned d = 0, rank = forall.getRank(); d < rank; ++d) {
    SmallVector<scf::ForallOp> next;
    for (scf::ForallOp op : foralls) {
      next.push_back(op);
      SmallVector<int64_t> lbs(op.getStaticLowerBound());
      SmallVector<int64_t> ubs(op.getStaticUpperBound());
      SmallVector<int64_t> steps(op.getStaticStep());
      if (ShapedType::isDynamic(lbs[d]) || ShapedType::isDynamic(ubs[d]) ||
          ShapedType::isDynamic(steps[d]) || steps[d] <= 0) {
        continue;
      }
      int64_t split = lbs[d] + (ubs[d] - lbs[d]) / steps[d] * steps[d];
      if (split == ubs[d] || split == lbs[d]) {
        continue; // whole tiles only, or one partial tile
      }
      Location loc = op.getLoc();
      rewriter.setInsertionPoint(op);
      Value splitValue = arith::ConstantIndexOp::create(rewriter, loc, split);
      Value ubValue = arith::ConstantIndexOp::create(rewriter, loc, ubs[d]);
      Value stepValue =
          arith::ConstantIndexOp::create(rewriter, loc, steps[d]);
      rewriter.setInsertionPointAfter(op);
      auto rest = cast<scf::ForallOp>(rewriter.clone(*op));
      for (auto [from, to] : llvm::zip(op.getResults(), rest.getResults())) {
        rewriter.replaceAllUsesExcept(from, to, rest);
      }
      rewriter.modifyOpInPlace(rest, [&] {
        rest.getOutputsMutable().assign(op.getResults());
        SmallVector<int64_t> restLbs(lbs);
        restLbs[d] = split;
        rest.setStaticLowerBound(restLbs);
      });
      rewriter.modifyOpInPlace(op, [&] {
        SmallVector<int64_t> mainUbs(ubs);
        mainUbs[d] = split;
        op.setStaticUpperBound(mainUbs);
      });
      simplifyPeeledMinMax(rewriter, op.getBody(), op.getInductionVar(d),
                           splitValue, stepValue, /*insideLoop=*/true);
      simplifyPeeledMinMax(rewriter, rest.getBody(), rest.getInductionVar(d),
                           ubValue, stepValue, /*insideLoop=*/false);
      next.push_back(rest);
    }
    foralls = std::move(next);
  }
}

/// Tiles `root`'s consumer chain anchor by `rootSizes` (indexed by the
/// root's loops) and fuses the chain, the root and cheap producers; with
/// `forall`, as one scf.forall (the distribution level).
LogicalResult tileAndFuseLevel(RewriterBase &rewriter, linalg::LinalgOp root,
                               ArrayRef<int64_t> rootSizes,
                               ArrayRef<int64_t> interchange,
                               bool forall = false) {
  if (llvm::all_of(rootSizes, [](int64_t s) { return s == 0; })) {
    return success();
  }
  SmallVector<linalg::LinalgOp> chain = getConsumerChain(root);
  linalg::LinalgOp anchor = chain.empty() ? root : chain.back();
  SmallVector<int64_t> anchorSizes(rootSizes);
  SmallVector<int64_t> anchorInterchange(interchange);
  if (anchor != root) {
    AffineMap outMap =
        root.getIndexingMapMatchingResult(cast<OpResult>(root->getResult(0)));
    anchorSizes.clear();
    for (unsigned j = 0, e = outMap.getNumResults(); j < e; ++j) {
      anchorSizes.push_back(rootSizes[outMap.getDimPosition(j)]);
    }
    // Project the root's interchange onto the loops the anchor shares.
    anchorInterchange.clear();
    if (!interchange.empty()) {
      for (int64_t rootLoop : interchange) {
        for (unsigned j = 0, e = outMap.getNumResults(); j < e; ++j) {
          if (outMap.getDimPosition(j) == rootLoop) {
            anchorInterchange.push_back(j);
          }
        }
      }
    }
  }

  llvm::SmallPtrSet<Operation *, 8> group;
  group.insert(root);
  for (linalg::LinalgOp op : chain) {
    group.insert(op);
  }

  scf::SCFTilingOptions tilingOptions;
  tilingOptions.setLoopType(forall ? scf::SCFTilingOptions::LoopType::ForallOp
                                   : scf::SCFTilingOptions::LoopType::ForOp);
  tilingOptions.setTileSizes(toOpFoldResults(root->getContext(), anchorSizes));
  if (!anchorInterchange.empty()) {
    tilingOptions.setInterchange(anchorInterchange);
  }
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tilingOptions);
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer, bool)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        Operation *op = producer.getOwner();
        if (group.contains(op) || isCheapFusableProducer(op)) {
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        }
        return std::nullopt;
      });

  rewriter.setInsertionPoint(anchor);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(anchor.getOperation()), options);
  if (failed(result)) {
    return anchor->emitOpError("failed to tile and fuse at its schedule");
  }
  for (OpResult res : anchor->getResults()) {
    auto it = result->replacements.find(res);
    if (it != result->replacements.end()) {
      rewriter.replaceAllUsesWith(res, it->second);
    }
  }
  // The untiled group is dead now (its only uses were inside the group).
  for (Operation *op : llvm::reverse(chain)) {
    if (op->use_empty()) {
      rewriter.eraseOp(op);
    }
  }
  if (root->use_empty()) {
    rewriter.eraseOp(root);
  }
  if (forall) {
    for (LoopLikeOpInterface loop : result->loops) {
      if (auto op = dyn_cast<scf::ForallOp>(loop.getOperation())) {
        peelForall(rewriter, op);
      }
    }
    return success();
  }
  peelLoops(rewriter, result->loops);
  return success();
}

/// Tiles the reduction loops of `root` (level 2).
LogicalResult tileReductionLevel(RewriterBase &rewriter, linalg::LinalgOp root,
                                 ArrayRef<int64_t> sizes) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; })) {
    return success();
  }
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  options.setTileSizes(toOpFoldResults(root->getContext(), sizes));
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(root.getOperation()), options);
  if (failed(result)) {
    return root->emitOpError("failed to tile its reduction loops");
  }
  rewriter.replaceOp(root, result->replacements);
  peelLoops(rewriter, result->loops);
  return success();
}

struct LLVMCPUTileAndFusePass
    : public mlir::etch::llvmcpu::impl::LLVMCPUTileAndFusePassBase<LLVMCPUTileAndFusePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    OpPassManager cleanup(func::FuncOp::getOperationName());
    cleanup.addPass(createCanonicalizerPass());
    cleanup.addPass(createCSEPass());

    // Level -1 is the distribution over threads.
    for (int level = threads > 1 ? -1 : 0; level < 3; ++level) {
      SmallVector<linalg::LinalgOp> roots;
      func.walk([&](linalg::LinalgOp op) {
        if (ScheduleAttr s = getSchedule(op); s && s.getNumLoops() != 0) {
          roots.push_back(op);
        }
      });
      if (roots.empty()) {
        return;
      }
      for (linalg::LinalgOp root : roots) {
        ScheduleAttr schedule = getSchedule(root);
        if (failed(verifyScheduleForOp(root, schedule))) {
          return signalPassFailure();
        }
        SmallVector<int64_t> sizes = level < 0
                                         ? getDistributedTileSizes(schedule)
                                         : schedule.getTileSizes(level);
        LogicalResult status =
            level == 2
                ? tileReductionLevel(rewriter, root, sizes)
                : tileAndFuseLevel(rewriter, root, sizes,
                                   level <= 0 ? schedule.getInterchange()
                                              : ArrayRef<int64_t>(),
                                   /*forall=*/level < 0);
        if (failed(status)) {
          return signalPassFailure();
        }
      }
      if (failed(runPipeline(cleanup, func))) {
        return signalPassFailure();
      }
    }
  }
};
} // namespace
