//===- ApproximateMathF64.cpp - f64 exp/log family without libm -----------===//
//
// exp: x = k ln2 + r with |r| <= ln2/2 (ln2 split in a high part with
// trailing zero bits and a low part, so k * ln2_hi is exact), exp(r) by its
// Taylor series to degree 13 (truncation error < 2^-60 on that interval),
// and the result scaled by 2^k in two steps so that subnormal results and
// k = 1024 need no special case.
//
// log: x = 2^e m with m in [sqrt(1/2), sqrt(2)), log(m) = 2 atanh(s) with
// s = (m - 1) / (m + 1), |s| <= 0.1716, summed to s^23 (error < 2^-60)
// as a small correction to the exact m - 1; subnormal inputs are scaled by
// 2^54 first.
//
// expm1, log1p, log2, log10 and tanh are built on those two with the usual
// cancellation-free forms.
//
//===----------------------------------------------------------------------===//
#include "ApproximateMathF64.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

namespace mlir::etch {

namespace {

/// Builds f64 arithmetic on scalars or vectors of `type`'s shape.
struct F64Builder {
  OpBuilder &b;
  Location loc;
  Type type;    // f64 or vector<...xf64>
  Type intType; // i64 or vector<...xi64>

  F64Builder(OpBuilder &b, Location loc, Type type)
      : b(b), loc(loc), type(type) {
    Type i64 = b.getI64Type();
    if (auto shaped = dyn_cast<ShapedType>(type)) {
      intType = shaped.clone(i64);
    } else {
      intType = i64;
    }
  }

  Value f(double value) {
    TypedAttr attr = b.getF64FloatAttr(value);
    if (auto shaped = dyn_cast<ShapedType>(type)) {
      attr = DenseElementsAttr::get(shaped, attr);
    }
    return arith::ConstantOp::create(b, loc, attr);
  }
  Value i(int64_t value) {
    TypedAttr attr = b.getI64IntegerAttr(value);
    if (auto shaped = dyn_cast<ShapedType>(intType)) {
      attr = DenseElementsAttr::get(shaped, attr);
    }
    return arith::ConstantOp::create(b, loc, attr);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value cmp(arith::CmpFPredicate pred, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, pred, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value bitsOf(Value x) { return arith::BitcastOp::create(b, loc, intType, x); }
  Value fromBits(Value x) { return arith::BitcastOp::create(b, loc, type, x); }

  /// Horner: c[0] + x (c[1] + x (c[2] + ...)).
  Value poly(Value x, ArrayRef<double> coefficients) {
    Value acc = f(coefficients.back());
    for (double c : llvm::reverse(coefficients.drop_back())) {
      acc = add(mul(acc, x), f(c));
    }
    return acc;
  }

  /// 2^k for an integer-valued k in [-1022, 1023] (i64).
  Value pow2(Value k) {
    Value biased = arith::AddIOp::create(b, loc, k, i(1023));
    return fromBits(arith::ShLIOp::create(b, loc, biased, i(52)));
  }

  // ln2 = kLn2Hi + kLn2Lo; kLn2Hi has its 32 low mantissa bits zero, so
  // k * kLn2Hi is exact for |k| < 2^20.
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;

  Value exp(Value x) {
    const double inf = std::numeric_limits<double>::infinity();
    // Beyond these the result is inf / 0 (and the scaling below would
    // overflow its integer range).
    Value hi = f(709.782712893384), lo = f(-745.1332191019412);
    Value clamped = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, f(-746.0)), f(710.0));
    Value kf = math::FloorOp::create(
        b, loc, add(mul(clamped, f(1.4426950408889634)), f(0.5)));
    Value r = sub(sub(clamped, mul(kf, f(kLn2Hi))), mul(kf, f(kLn2Lo)));
    SmallVector<double> taylor;
    double term = 1.0;
    for (int n = 0; n <= 13; ++n) {
      if (n > 0) {
        term /= n;
      }
      taylor.push_back(term);
    }
    Value p = poly(r, taylor);
    Value k = arith::FPToSIOp::create(b, loc, intType, kf);
    Value k1 = arith::ShRSIOp::create(b, loc, k, i(1));
    Value k2 = arith::SubIOp::create(b, loc, k, k1);
    Value result = mul(mul(p, pow2(k1)), pow2(k2));
    result = select(cmp(arith::CmpFPredicate::OGT, x, hi), f(inf), result);
    result = select(cmp(arith::CmpFPredicate::OLT, x, lo), f(0.0), result);
    // NaN in, NaN out (the clamp above would have turned it into a number).
    return select(cmp(arith::CmpFPredicate::UNO, x, x), x, result);
  }

  Value log(Value x) {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // Subnormals: scale into the normal range first.
    Value tiny = cmp(arith::CmpFPredicate::OLT, x, f(0x1p-1022));
    Value scaled = select(tiny, mul(x, f(0x1p54)), x);
    Value bits = bitsOf(scaled);
    Value exponent = arith::SubIOp::create(
        b, loc,
        arith::AndIOp::create(b, loc,
                              arith::ShRUIOp::create(b, loc, bits, i(52)),
                              i(0x7ff)),
        i(1023));
    exponent = arith::SubIOp::create(
        b, loc, exponent, arith::SelectOp::create(b, loc, tiny, i(54), i(0)));
    Value mantissa = fromBits(arith::OrIOp::create(
        b, loc, arith::AndIOp::create(b, loc, bits, i((int64_t(1) << 52) - 1)),
        i(int64_t(1023) << 52)));
    Value big = cmp(arith::CmpFPredicate::OGT, mantissa, f(M_SQRT2));
    mantissa = select(big, mul(mantissa, f(0.5)), mantissa);
    exponent = arith::AddIOp::create(
        b, loc, exponent, arith::SelectOp::create(b, loc, big, i(1), i(0)));
    // log(1 + g) = 2 atanh(s) = g - s (g - R), s = g / (2 + g),
    // R = 2/3 s^2 + 2/5 s^4 + ...; written as g - (h - s (h + R)) with
    // h = g^2 / 2 so that the exact g dominates and the rest is a small
    // correction.
    Value g = sub(mantissa, f(1.0));
    Value s = div(g, add(g, f(2.0)));
    Value s2 = mul(s, s);
    SmallVector<double> series;
    for (int n = 1; n <= 11; ++n) {
      series.push_back(2.0 / (2 * n + 1));
    }
    Value r = mul(s2, poly(s2, series));
    Value h = mul(mul(g, g), f(0.5));
    Value logM = sub(g, sub(h, mul(s, add(h, r))));
    Value e = arith::SIToFPOp::create(b, loc, type, exponent);
    Value result =
        add(mul(e, f(kLn2Hi)), add(logM, mul(e, f(kLn2Lo))));
    result = select(cmp(arith::CmpFPredicate::OEQ, x, f(inf)), x, result);
    result = select(cmp(arith::CmpFPredicate::OEQ, x, f(0.0)), f(-inf), result);
    result = select(cmp(arith::CmpFPredicate::OLT, x, f(0.0)), f(nan), result);
    return select(cmp(arith::CmpFPredicate::UNO, x, x), x, result);
  }

  /// expm1: x (1 + x/2! + x^2/3! + ...) to degree 17 where |x| <= 1/2
  /// (truncation error < 2^-60 there), exp(x) - 1 beyond (no cancellation).
  Value expm1(Value x) {
    SmallVector<double> taylor;
    double term = 1.0;
    for (int n = 1; n <= 17; ++n) {
      term /= n;
      taylor.push_back(term);
    }
    Value small = mul(x, poly(x, taylor));
    Value large = cmp(arith::CmpFPredicate::OGT,
                      math::AbsFOp::create(b, loc, x), f(0.5));
    Value result = select(large, sub(exp(x), f(1.0)), small);
    return select(cmp(arith::CmpFPredicate::UNO, x, x), x, result);
  }

  /// log1p: u = 1 + x; log(u) - ((u - 1) - x) / u, exact where u == 1.
  Value log1p(Value x) {
    Value u = add(x, f(1.0));
    Value corrected = sub(log(u), div(sub(sub(u, f(1.0)), x), u));
    Value result =
        select(cmp(arith::CmpFPredicate::OEQ, u, f(1.0)), x, corrected);
    return select(cmp(arith::CmpFPredicate::OEQ, u,
                      f(std::numeric_limits<double>::infinity())),
                  u, result);
  }

  /// tanh(x) = sign(x) * -t / (t + 2), t = expm1(-2|x|).
  Value tanh(Value x) {
    Value ax = math::AbsFOp::create(b, loc, x);
    Value t = expm1(mul(ax, f(-2.0)));
    Value magnitude = div(arith::NegFOp::create(b, loc, t), add(t, f(2.0)));
    return math::CopySignOp::create(b, loc, magnitude, x);
  }
};

bool isF64(Type type) { return getElementTypeOrSelf(type).isF64(); }

template <typename OpTy>
struct F64Pattern : OpRewritePattern<OpTy> {
  using Build = Value (*)(F64Builder &, Value);
  F64Pattern(MLIRContext *ctx, Build build)
      : OpRewritePattern<OpTy>(ctx), build(build) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!isF64(op.getType())) {
      return rewriter.notifyMatchFailure(op, "only f64");
    }
    F64Builder builder(rewriter, op.getLoc(), op.getType());
    rewriter.replaceOp(op, build(builder, op.getOperand()));
    return success();
  }
  Build build;
};

} // namespace

void populateF64MathApproximationPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<F64Pattern<math::ExpOp>>(
      ctx, [](F64Builder &b, Value x) { return b.exp(x); });
  patterns.add<F64Pattern<math::ExpM1Op>>(
      ctx, [](F64Builder &b, Value x) { return b.expm1(x); });
  patterns.add<F64Pattern<math::LogOp>>(
      ctx, [](F64Builder &b, Value x) { return b.log(x); });
  patterns.add<F64Pattern<math::Log1pOp>>(
      ctx, [](F64Builder &b, Value x) { return b.log1p(x); });
  patterns.add<F64Pattern<math::Log2Op>>(ctx, [](F64Builder &b, Value x) {
    return b.mul(b.log(x), b.f(M_LOG2E));
  });
  patterns.add<F64Pattern<math::Log10Op>>(ctx, [](F64Builder &b, Value x) {
    return b.mul(b.log(x), b.f(M_LOG10E));
  });
  patterns.add<F64Pattern<math::TanhOp>>(
      ctx, [](F64Builder &b, Value x) { return b.tanh(x); });
}

} // namespace mlir::etch
