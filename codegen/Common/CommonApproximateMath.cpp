//===- CommonApproximateMath.cpp - math ops without libm ------------------===//
//
// Every math op whose LLVM intrinsic can become a libm call on some target is
// rewritten into arith ops here. Beyond the upstream expansions and
// polynomial approximations, this file adds trunc/floor/ceil (upstream has no
// expansion for the first two and LLVM calls truncf/floorf where SSE4.1 or
// VFPv5 is missing), arith.remf (fmodf), and math.fma (fmaf where the target
// has no fused multiply-add): it becomes a contractable mul+add, which LLVM
// fuses on targets that have the instruction.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "ApproximateMathF64.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "etch-common-approximate-math"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONAPPROXIMATEMATHPASS
#include "codegen/Common/Passes.h.inc"

namespace {

/// A float constant of `type` (scalar or shaped).
Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  auto elemType = cast<FloatType>(getElementTypeOrSelf(type));
  TypedAttr attr = b.getFloatAttr(elemType, value);
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    attr = DenseElementsAttr::get(shaped, attr);
  }
  return arith::ConstantOp::create(b, loc, attr);
}

/// The same shape as `type` with element type `elem`.
Type withElementType(Type type, Type elem) {
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    return shaped.clone(elem);
  }
  return elem;
}

/// trunc(x) without a libm call: values of magnitude >= 2^mantissa (and NaN,
/// inf) are already integral; the rest round-trip through an integer.
Value buildTrunc(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  auto elemType = cast<FloatType>(getElementTypeOrSelf(type));
  unsigned width = elemType.getWidth();
  // f16/bf16 computed in f32 by the caller's type; here only f32 and f64 get
  // an integer of their width.
  unsigned intWidth = width <= 32 ? 32 : 64;
  double limit = std::ldexp(1.0, elemType.getFPMantissaWidth() - 1);
  Type intType = withElementType(type, b.getIntegerType(intWidth));
  Value asInt = arith::FPToSIOp::create(b, loc, intType, x);
  Value back = arith::SIToFPOp::create(b, loc, type, asInt);
  // Keep the sign of -0.5 -> -0.0.
  Value signed_ = math::CopySignOp::create(b, loc, back, x);
  Value absX = math::AbsFOp::create(b, loc, x);
  Value small = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, absX,
                                      floatConst(b, loc, type, limit));
  return arith::SelectOp::create(b, loc, small, signed_, x);
}

struct TruncPattern : OpRewritePattern<math::TruncOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::TruncOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<Float32Type, Float64Type>(getElementTypeOrSelf(op.getType()))) {
      return rewriter.notifyMatchFailure(op, "only f32/f64");
    }
    rewriter.replaceOp(op, buildTrunc(rewriter, op.getLoc(), op.getOperand()));
    return success();
  }
};

/// floor(x) = t - (t > x), ceil(x) = t + (t < x), with t = trunc(x).
template <typename OpTy, bool isFloor>
struct FloorCeilPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!isa<Float32Type, Float64Type>(getElementTypeOrSelf(type))) {
      return rewriter.notifyMatchFailure(op, "only f32/f64");
    }
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value t = buildTrunc(rewriter, loc, x);
    Value one = floatConst(rewriter, loc, type, 1.0);
    Value adjust = arith::CmpFOp::create(
        rewriter, loc,
        isFloor ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, t, x);
    Value moved = isFloor ? Value(arith::SubFOp::create(rewriter, loc, t, one))
                          : Value(arith::AddFOp::create(rewriter, loc, t, one));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, adjust, moved, t);
    return success();
  }
};

/// remf(x, y) = x - trunc(x / y) * y (C fmod: the sign of x).
struct RemFPattern : OpRewritePattern<arith::RemFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::RemFOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<Float32Type, Float64Type>(getElementTypeOrSelf(op.getType()))) {
      return rewriter.notifyMatchFailure(op, "only f32/f64");
    }
    Location loc = op.getLoc();
    Value quotient = arith::DivFOp::create(rewriter, loc, op.getLhs(), op.getRhs());
    Value whole = buildTrunc(rewriter, loc, quotient);
    Value product = arith::MulFOp::create(rewriter, loc, whole, op.getRhs());
    rewriter.replaceOpWithNewOp<arith::SubFOp>(op, op.getLhs(), product);
    return success();
  }
};

/// math.fma -> contractable mulf + addf (llvm.fma is a libcall without FMA
/// hardware; a contractable pair becomes an FMA wherever one exists).
struct FmaPattern : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto flags = arith::FastMathFlagsAttr::get(
        rewriter.getContext(),
        op.getFastmath() | arith::FastMathFlags::contract);
    Value product =
        arith::MulFOp::create(rewriter, loc, op.getA(), op.getB(), flags);
    rewriter.replaceOpWithNewOp<arith::AddFOp>(op, product, op.getC(), flags);
    return success();
  }
};

struct CommonApproximateMathPass
    : public impl::CommonApproximateMathPassBase<CommonApproximateMathPass> {
  using Base::Base;

  /// trunc/floor/ceil by hand, unless the target has rounding instructions
  /// (LLVM then selects them; elsewhere it would call truncf/floorf/ceilf).
  void addRoundingPatterns(RewritePatternSet &patterns) {
    if (!nativeRounding) {
      patterns.add<TruncPattern, FloorCeilPattern<math::FloorOp, true>,
                   FloorCeilPattern<math::CeilOp, false>>(
          patterns.getContext());
    }
  }

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Stage 1: algebraic expansions into the ops that have approximations
    // (tanh stays: its polynomial is better than the exp-based expansion).
    {
      RewritePatternSet patterns(ctx);
      SmallVector<StringRef> expansions = {
          "ctlz", "sinh",   "cosh",  "tan",   "asinh", "acosh",
          "atanh", "exp2", "powf", "fpowi", "round", "rsqrt", "clampf"};
      if (!nativeRounding) {
        expansions.push_back("roundeven");
      }
      math::populateExpansionPatterns(patterns, expansions);
      populateMathAlgebraicSimplificationPatterns(patterns);
      patterns.add<RemFPattern>(ctx);
      addRoundingPatterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    // Stage 2: polynomial approximations (f16/bf16 go through f32).
    {
      RewritePatternSet patterns(ctx);
      auto all = [](StringRef) { return true; };
      populateMathF32ExpansionPatterns(patterns, all);
      populateF64MathApproximationPatterns(patterns);
      populateMathPolynomialApproximationPatterns(patterns, all);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    // Stage 3: the approximations emit math.fma; make those libm-free too,
    // and clean up trunc/floor the approximations may have introduced.
    {
      RewritePatternSet patterns(ctx);
      patterns.add<FmaPattern>(ctx);
      addRoundingPatterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
        return signalPassFailure();
      }
    }
  }
};

} // namespace
} // namespace mlir::etch
