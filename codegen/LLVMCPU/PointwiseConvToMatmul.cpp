//===- PointwiseConvToMatmul.cpp - 1x1 NCHW convs as flattened matmuls ----===//
//
// A batch-1, 1x1, unit-stride NCHW convolution is a matmul over the H*W
// positions, which NCHW stores contiguously:
//   out[f, h, w] = sum_c w[f, c] * in[c, h, w]  ==  [F, C] x [C, H*W]
// As a conv its register tile runs along one output row: a 7-wide row fills
// 7 of 16 AVX-512 lanes, a 14-wide one 14. As a matmul the vectors run along
// H*W (49 = 3 x 16 + 1). The elementwise ops after it are collapsed onto the
// same 2-D space by upstream's reshape-by-collapsing patterns, restricted to
// the expand_shapes this pass makes, so they stay fused into its tiles.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::etch::llvmcpu {
#define GEN_PASS_DEF_LLVMCPUPOINTWISECONVTOMATMULPASS
#include "codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::etch::llvmcpu

using namespace mlir;

namespace {

/// [1, F, H, W] <-> [F, H*W].
SmallVector<ReassociationIndices> nchwToRows() { return {{0, 1}, {2, 3}}; }

/// Whether `reshape` is one of this pass's NCHW <-> [F, H*W] reshapes.
bool isRowsReshape(Operation *reshape) {
  RankedTensorType wide, narrow;
  SmallVector<ReassociationIndices> reassociation;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(reshape)) {
    wide = expand.getResultType();
    narrow = expand.getSrcType();
    reassociation = expand.getReassociationIndices();
  } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(reshape)) {
    wide = collapse.getSrcType();
    narrow = collapse.getResultType();
    reassociation = collapse.getReassociationIndices();
  } else {
    return false;
  }
  return wide.getRank() == 4 && narrow.getRank() == 2 &&
         wide.getDimSize(0) == 1 && reassociation == nchwToRows();
}

bool isElementwise(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  return generic && generic.getNumLoops() == generic.getNumParallelLoops();
}

/// Whether `v`, through the elementwise ops that consume it, is padded.
bool feedsPad(Value v, int depth = 0) {
  if (depth > 16) {
    return false;
  }
  for (Operation *user : v.getUsers()) {
    if (isa<tensor::PadOp>(user)) {
      return true;
    }
    if (isElementwise(user) &&
        llvm::any_of(user->getResults(),
                     [&](Value r) { return feedsPad(r, depth + 1); })) {
      return true;
    }
  }
  return false;
}

/// The init of the [F, H*W] matmul: a fill or a per-channel bias broadcast
/// is rebuilt on the 2-D shape (so it stays a cheap producer the tiling
/// fuses), anything else is viewed through a collapse.
Value collapseInit(PatternRewriter &rewriter, Location loc, Value init,
                   RankedTensorType rowsType) {
  Type elementType = rowsType.getElementType();
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    Value empty = tensor::EmptyOp::create(rewriter, loc, rowsType.getShape(),
                                          elementType);
    return linalg::FillOp::create(rewriter, loc, fill.getInputs(),
                                  ValueRange{empty})
        .getResult(0);
  }
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    auto biasType = cast<RankedTensorType>(broadcast.getInput().getType());
    if (biasType.getRank() == 1 &&
        biasType.getDimSize(0) == rowsType.getDimSize(0) &&
        broadcast.getDimensions() == ArrayRef<int64_t>{0, 2, 3}) {
      Value empty = tensor::EmptyOp::create(rewriter, loc,
                                            rowsType.getShape(), elementType);
      return linalg::BroadcastOp::create(rewriter, loc, broadcast.getInput(),
                                         empty, ArrayRef<int64_t>{1})
          .getResult()[0];
    }
  }
  return tensor::CollapseShapeOp::create(rewriter, loc, rowsType, init,
                                         nchwToRows());
}

struct PointwiseConvToMatmul
    : public OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  PointwiseConvToMatmul(MLIRContext *ctx, bool keepPadded)
      : OpRewritePattern(ctx), keepPadded(keepPadded) {}

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics()) {
      return failure();
    }
    Value input = op.getInputs()[0], filter = op.getInputs()[1];
    Value init = op.getOutputs()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto filterType = cast<RankedTensorType>(filter.getType());
    auto outType = cast<RankedTensorType>(init.getType());
    if (!inputType.hasStaticShape() || !filterType.hasStaticShape() ||
        !outType.hasStaticShape() || inputType.getDimSize(0) != 1 ||
        filterType.getDimSize(2) != 1 || filterType.getDimSize(3) != 1 ||
        !llvm::all_of(op.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; })) {
      return rewriter.notifyMatchFailure(op, "not a batch-1 1x1 unit-stride");
    }
    Type elementType = outType.getElementType();
    if (!isa<FloatType>(elementType) ||
        inputType.getElementType() != elementType ||
        filterType.getElementType() != elementType) {
      return rewriter.notifyMatchFailure(op, "not one float type");
    }
    int64_t f = outType.getDimSize(1);
    int64_t positions = outType.getDimSize(2) * outType.getDimSize(3);
    if (positions == 1 || inputType.getDimSize(2) != outType.getDimSize(2) ||
        inputType.getDimSize(3) != outType.getDimSize(3)) {
      return rewriter.notifyMatchFailure(op, "a single position");
    }
    if (keepPadded && feedsPad(op->getResult(0))) {
      return rewriter.notifyMatchFailure(op, "its result is padded");
    }

    Location loc = op.getLoc();
    auto rowsType = RankedTensorType::get({f, positions}, elementType);
    Value rows = tensor::CollapseShapeOp::create(rewriter, loc, input,
                                                 nchwToRows());
    Value weights = tensor::CollapseShapeOp::create(
        rewriter, loc, filter, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Value acc = collapseInit(rewriter, loc, init, rowsType);
    Value product = linalg::MatmulOp::create(rewriter, loc, TypeRange{rowsType},
                                             ValueRange{weights, rows},
                                             ValueRange{acc})
                        .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, outType, product,
                                                       nchwToRows());
    return success();
  }

  bool keepPadded;
};

struct LLVMCPUPointwiseConvToMatmulPass
    : public mlir::etch::llvmcpu::impl::LLVMCPUPointwiseConvToMatmulPassBase<
          LLVMCPUPointwiseConvToMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<PointwiseConvToMatmul>(ctx, keepPadded);
    // Collapse the elementwise ops after this pass's expand_shapes (bias,
    // activation, residual add: the matmul's consumer chain), and nothing
    // else. Not the producers of its collapse_shapes: a depthwise conv's
    // activation would leave that conv's chain and, as a cheap producer of
    // the matmul, be recomputed in every matmul tile (20x slower layers).
    linalg::populateFoldReshapeOpsByCollapsingPatterns(
        patterns, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          return isElementwise(operand->getOwner()) && producer &&
                 isa<tensor::ExpandShapeOp>(producer) &&
                 isRowsReshape(producer);
        });
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      return signalPassFailure();
    }
  }
};

} // namespace
