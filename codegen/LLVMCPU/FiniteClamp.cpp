//===- FiniteClamp.cpp - clamps of values that cannot be NaN ---------------===//
//
// `arith.maximumf`/`arith.minimumf` (ONNX Max/Min/Clip, the clamp of a float
// requantization) must propagate NaN and order -0 below +0; on x86 that is a
// `vmaxps` plus a compare and a blend or two per vector. Where the operands
// provably hold no NaN and the sign of a zero result is never observed, the
// plain `maxnum`/`minnum` with `nnan` is the same function and LLVM selects
// one `vmaxps`/`vminps` (`fmaxnm`/`fminnm` on AArch64).
//
// "Provably no NaN": a magnitude bound computed from the defining ops
// (integers converted to float, constants, sums, products, roundings, other
// clamps) stays finite, so no operation on the way can make an infinity and
// then a NaN. "Sign of zero not observed": every use converts to an integer,
// directly or through more clamps. This is what a float requantization is:
// int32 accumulator -> f32, times the scale, rounded, plus the zero point,
// clamped, converted to int8.
//
//===----------------------------------------------------------------------===//
#include "LLVMCPUPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace {

/// Largest |x| of a float or integer elements attribute (nullopt: unknown or
/// not finite).
std::optional<double> attrBound(Attribute attr) {
  double bound = 0;
  auto note = [&](double v) {
    bound = std::max(bound, std::fabs(v));
    return std::isfinite(v);
  };
  if (auto f = dyn_cast<FloatAttr>(attr)) {
    return note(f.getValueAsDouble()) ? std::optional<double>(bound)
                                      : std::nullopt;
  }
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    note(static_cast<double>(i.getValue().getSExtValue()));
    return bound;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (isa<FloatType>(dense.getElementType())) {
      for (APFloat v : dense.getValues<APFloat>()) {
        if (!note(v.convertToDouble())) {
          return std::nullopt;
        }
      }
      return bound;
    }
    if (isa<IntegerType>(dense.getElementType())) {
      for (APInt v : dense.getValues<APInt>()) {
        note(static_cast<double>(v.getSExtValue()));
      }
      return bound;
    }
    return std::nullopt;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    if (!resource.getElementType().isF32()) {
      return std::nullopt;
    }
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      return std::nullopt;
    }
    ArrayRef<char> data = blob->getData();
    for (size_t off = 0; off + sizeof(float) <= data.size();
         off += sizeof(float)) {
      float v;
      std::memcpy(&v, data.data() + off, sizeof(float));
      if (!note(v)) {
        return std::nullopt;
      }
    }
    return bound;
  }
  return std::nullopt;
}

/// An upper bound on |v| for every element v can hold (nullopt: unknown or
/// possibly NaN/infinite).
std::optional<double> magnitudeBound(Value v, int depth = 0) {
  if (depth > 24) {
    return std::nullopt;
  }
  Operation *def = v.getDefiningOp();
  if (!def) {
    return std::nullopt;
  }
  auto of = [&](Value x) { return magnitudeBound(x, depth + 1); };
  auto finite = [](double b) -> std::optional<double> {
    return b < 1e30 ? std::optional<double>(b) : std::nullopt;
  };
  auto both = [&](Value a, Value b, auto combine) -> std::optional<double> {
    std::optional<double> x = of(a), y = of(b);
    if (!x || !y) {
      return std::nullopt;
    }
    return finite(combine(*x, *y));
  };
  if (auto c = dyn_cast<arith::ConstantOp>(def)) {
    return attrBound(c.getValue());
  }
  if (isa<arith::SIToFPOp, arith::UIToFPOp>(def)) {
    unsigned width = getElementTypeOrSelf(def->getOperand(0)).getIntOrFloatBitWidth();
    return std::ldexp(1.0, static_cast<int>(width));
  }
  if (isa<arith::MulFOp>(def)) {
    return both(def->getOperand(0), def->getOperand(1),
                [](double a, double b) { return a * b; });
  }
  if (isa<arith::AddFOp, arith::SubFOp>(def)) {
    return both(def->getOperand(0), def->getOperand(1),
                [](double a, double b) { return a + b; });
  }
  if (isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
          arith::MinNumFOp>(def)) {
    return both(def->getOperand(0), def->getOperand(1),
                [](double a, double b) { return std::max(a, b); });
  }
  if (auto fma = dyn_cast<vector::FMAOp>(def)) {
    // The accumulator first: a loop-carried one ends the walk before the
    // factors' constants are scanned.
    std::optional<double> c = of(fma.getAcc());
    if (!c) {
      return std::nullopt;
    }
    std::optional<double> p = both(fma.getLhs(), fma.getRhs(),
                                   [](double a, double b) { return a * b; });
    return p ? finite(*p + *c) : std::nullopt;
  }
  if (isa<math::RoundEvenOp, math::RoundOp, math::FloorOp, math::CeilOp,
          math::TruncOp>(def)) {
    std::optional<double> x = of(def->getOperand(0));
    return x ? finite(*x + 1) : std::nullopt;
  }
  if (isa<arith::NegFOp, math::AbsFOp, arith::ExtFOp, vector::BroadcastOp,
          vector::ShapeCastOp, vector::ExtractOp, vector::ExtractStridedSliceOp,
          vector::TransposeOp, tensor::ExtractSliceOp, tensor::ExtractOp,
          tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def)) {
    return of(def->getOperand(0));
  }
  if (auto read = dyn_cast<vector::TransferReadOp>(def)) {
    std::optional<double> src = of(read.getBase());
    if (!src) {
      return std::nullopt;
    }
    bool inBounds = llvm::all_of(read.getInBoundsValues(),
                                 [](bool b) { return b; });
    if (Value pad = read.getPadding(); pad && !inBounds) {
      std::optional<double> p = of(pad);
      return p ? std::optional<double>(std::max(*src, *p)) : std::nullopt;
    }
    return src;
  }
  return std::nullopt;
}

/// Every use of `v` turns it into an integer (fptosi/fptoui), directly or
/// through more clamps whose own uses do.
bool zeroSignUnobserved(Value v, int depth = 0) {
  if (depth > 8 || v.use_empty()) {
    return false;
  }
  for (Operation *user : v.getUsers()) {
    if (isa<arith::FPToSIOp, arith::FPToUIOp>(user)) {
      continue;
    }
    if (isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
            arith::MinNumFOp>(user) &&
        zeroSignUnobserved(user->getResult(0), depth + 1)) {
      continue;
    }
    return false;
  }
  return true;
}

template <typename FromOp, typename ToOp>
struct ClampWithoutNaN : OpRewritePattern<FromOp> {
  using OpRewritePattern<FromOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(FromOp op,
                                PatternRewriter &rewriter) const override {
    // The use check first: it is cheap and rules out every float clamp
    // (ReLU6 and the like), whose operand bounds would walk back into the
    // weight constants.
    if (!zeroSignUnobserved(op.getResult())) {
      return rewriter.notifyMatchFailure(op, "sign of zero observed");
    }
    if (!magnitudeBound(op.getLhs()) || !magnitudeBound(op.getRhs())) {
      return rewriter.notifyMatchFailure(op, "operands may be NaN");
    }
    auto flags = arith::FastMathFlagsAttr::get(
        op.getContext(), op.getFastmath() | arith::FastMathFlags::nnan);
    rewriter.replaceOpWithNewOp<ToOp>(op, op.getLhs(), op.getRhs(), flags);
    return success();
  }
};

} // namespace

void mlir::etch::llvmcpu::populateFiniteClampPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ClampWithoutNaN<arith::MaximumFOp, arith::MaxNumFOp>,
               ClampWithoutNaN<arith::MinimumFOp, arith::MinNumFOp>>(
      patterns.getContext());
}
