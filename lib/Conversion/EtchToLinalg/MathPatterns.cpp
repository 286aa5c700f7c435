//===- MathPatterns.cpp - elementwise math/logic/compare/cast to Linalg ---===//
//
// Each op is one `linalg.generic` over the (broadcast) result shape with a
// scalar body of arith/math ops. Integers are signless; comparisons are
// unsigned where the op says `is_unsigned`, casts where Cast's flags say so.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

Value cst(OpBuilder &b, Location loc, Type type, double v) {
  return createScalar(b, loc, type, v);
}

Value select(OpBuilder &b, Location loc, Value c, Value t, Value f) {
  return arith::SelectOp::create(b, loc, c, t, f);
}

Value cmpf(OpBuilder &b, Location loc, arith::CmpFPredicate p, Value l,
           Value r) {
  return arith::CmpFOp::create(b, loc, p, l, r);
}

/// The scalar body of a unary op; null if the element type is unsupported.
Value buildUnary(OpBuilder &b, Location loc, Operation *op, Value x) {
  Type t = x.getType();
  bool isFloat = isa<FloatType>(t);
  if (!isFloat) {
    if (isa<AbsOp>(op)) {
      return math::AbsIOp::create(b, loc, x);
    }
    if (isa<NegOp>(op)) {
      return arith::SubIOp::create(b, loc, cst(b, loc, t, 0), x);
    }
    if (isa<SignOp>(op)) {
      Value zero = cst(b, loc, t, 0);
      Value gt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x,
                                       zero);
      Value lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x,
                                       zero);
      return select(b, loc, gt, cst(b, loc, t, 1),
                    select(b, loc, lt, cst(b, loc, t, -1), zero));
    }
    if (isa<NotOp>(op)) {
      // Logical on i1, bitwise (BitwiseNot) on wider integers: x ^ ~0.
      return arith::XOrIOp::create(
          b, loc, x,
          arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, -1)));
    }
    return {};
  }
  if (isa<SqrtOp>(op)) {
    return math::SqrtOp::create(b, loc, x);
  }
  if (isa<ExpOp>(op)) {
    return math::ExpOp::create(b, loc, x);
  }
  if (isa<LogOp>(op)) {
    return math::LogOp::create(b, loc, x);
  }
  if (isa<ErfOp>(op)) {
    return math::ErfOp::create(b, loc, x);
  }
  if (isa<SinOp>(op)) {
    return math::SinOp::create(b, loc, x);
  }
  if (isa<CosOp>(op)) {
    return math::CosOp::create(b, loc, x);
  }
  if (isa<TanOp>(op)) {
    return math::TanOp::create(b, loc, x);
  }
  if (isa<AsinOp>(op)) {
    return math::AsinOp::create(b, loc, x);
  }
  if (isa<AcosOp>(op)) {
    return math::AcosOp::create(b, loc, x);
  }
  if (isa<AtanOp>(op)) {
    return math::AtanOp::create(b, loc, x);
  }
  if (isa<SinhOp>(op)) {
    return math::SinhOp::create(b, loc, x);
  }
  if (isa<CoshOp>(op)) {
    return math::CoshOp::create(b, loc, x);
  }
  if (isa<AsinhOp>(op)) {
    return math::AsinhOp::create(b, loc, x);
  }
  if (isa<AcoshOp>(op)) {
    return math::AcoshOp::create(b, loc, x);
  }
  if (isa<AtanhOp>(op)) {
    return math::AtanhOp::create(b, loc, x);
  }
  if (isa<AbsOp>(op)) {
    return math::AbsFOp::create(b, loc, x);
  }
  if (isa<NegOp>(op)) {
    return arith::NegFOp::create(b, loc, x);
  }
  if (isa<ReciprocalOp>(op)) {
    return arith::DivFOp::create(b, loc, cst(b, loc, t, 1), x);
  }
  if (isa<FloorOp>(op)) {
    return math::FloorOp::create(b, loc, x);
  }
  if (isa<CeilOp>(op)) {
    return math::CeilOp::create(b, loc, x);
  }
  if (isa<RoundOp>(op)) {
    return math::RoundEvenOp::create(b, loc, x);
  }
  Value zero = cst(b, loc, t, 0), one = cst(b, loc, t, 1);
  if (isa<SignOp>(op)) {
    // NaN and +-0 pass through.
    return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGT, x, zero),
                  one,
                  select(b, loc,
                         cmpf(b, loc, arith::CmpFPredicate::OLT, x, zero),
                         cst(b, loc, t, -1), x));
  }
  if (isa<SoftplusOp>(op)) {
    Value e = math::ExpOp::create(b, loc, x);
    return math::LogOp::create(b, loc, arith::AddFOp::create(b, loc, e, one));
  }
  if (isa<SoftsignOp>(op)) {
    Value d = arith::AddFOp::create(b, loc, one, math::AbsFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, x, d);
  }
  if (auto elu = dyn_cast<EluOp>(op)) {
    Value alpha = cst(b, loc, t, elu.getAlpha().convertToDouble());
    Value em1 =
        arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x), one);
    return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLT, x, zero),
                  arith::MulFOp::create(b, loc, alpha, em1), x);
  }
  if (auto selu = dyn_cast<SeluOp>(op)) {
    Value alpha = cst(b, loc, t, selu.getAlpha().convertToDouble());
    Value gamma = cst(b, loc, t, selu.getGamma().convertToDouble());
    Value neg = arith::SubFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, alpha, math::ExpOp::create(b, loc, x)),
        alpha);
    Value v = select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLE, x, zero),
                     neg, x);
    return arith::MulFOp::create(b, loc, gamma, v);
  }
  if (auto celu = dyn_cast<CeluOp>(op)) {
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    Value alpha = cst(b, loc, t, celu.getAlpha().convertToDouble());
    Value e = math::ExpOp::create(b, loc, arith::DivFOp::create(b, loc, x, alpha));
    Value neg = arith::MulFOp::create(b, loc, alpha,
                                      arith::SubFOp::create(b, loc, e, one));
    return arith::AddFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, zero, x),
        arith::MinimumFOp::create(b, loc, zero, neg));
  }
  if (auto tr = dyn_cast<ThresholdedReluOp>(op)) {
    Value alpha = cst(b, loc, t, tr.getAlpha().convertToDouble());
    return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OGT, x, alpha), x,
                  zero);
  }
  return {};
}

/// The scalar body of a binary op; null if unsupported.
Value buildBinary(OpBuilder &b, Location loc, Operation *op, Value l, Value r) {
  Type t = l.getType();
  bool isFloat = isa<FloatType>(t);
  if (isa<AndOp>(op)) {
    return arith::AndIOp::create(b, loc, l, r);
  }
  if (isa<OrOp>(op)) {
    return arith::OrIOp::create(b, loc, l, r);
  }
  if (isa<XorOp>(op)) {
    return arith::XOrIOp::create(b, loc, l, r);
  }
  if (isa<EqualOp, LessOp, LessOrEqualOp, GreaterOp, GreaterOrEqualOp>(op)) {
    if (isFloat) {
      arith::CmpFPredicate p =
          isa<EqualOp>(op)         ? arith::CmpFPredicate::OEQ
          : isa<LessOp>(op)        ? arith::CmpFPredicate::OLT
          : isa<LessOrEqualOp>(op) ? arith::CmpFPredicate::OLE
          : isa<GreaterOp>(op)     ? arith::CmpFPredicate::OGT
                                   : arith::CmpFPredicate::OGE;
      return cmpf(b, loc, p, l, r);
    }
    arith::CmpIPredicate p = isa<EqualOp>(op)         ? arith::CmpIPredicate::eq
                             : isa<LessOp>(op)        ? arith::CmpIPredicate::slt
                             : isa<LessOrEqualOp>(op) ? arith::CmpIPredicate::sle
                             : isa<GreaterOp>(op)     ? arith::CmpIPredicate::sgt
                                                      : arith::CmpIPredicate::sge;
    if (op->hasAttr("is_unsigned")) {
      switch (p) {
      case arith::CmpIPredicate::slt:
        p = arith::CmpIPredicate::ult;
        break;
      case arith::CmpIPredicate::sle:
        p = arith::CmpIPredicate::ule;
        break;
      case arith::CmpIPredicate::sgt:
        p = arith::CmpIPredicate::ugt;
        break;
      case arith::CmpIPredicate::sge:
        p = arith::CmpIPredicate::uge;
        break;
      default:
        break;
      }
    }
    return arith::CmpIOp::create(b, loc, p, l, r);
  }
  if (isa<PReluOp>(op)) {
    if (isFloat) {
      Value zero = cst(b, loc, t, 0);
      return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OLT, l, zero),
                    arith::MulFOp::create(b, loc, l, r), l);
    }
    Value zero = cst(b, loc, t, 0);
    return select(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, l, zero),
        arith::MulIOp::create(b, loc, l, r), l);
  }
  if (isa<PowOp>(op)) {
    if (isFloat) {
      // pow(|x|, y) with C's sign rules: the backend expands math.powf as
      // exp(y * log(x)), which is NaN for every negative base, while ONNX
      // (std::pow) gives (-2)^2 = 4 and (-2)^3 = -8 (exporters decompose
      // LayerNorm into Pow(x - mean, 2)).
      Value zero = cst(b, loc, t, 0);
      Value one = cst(b, loc, t, 1);
      Value half = cst(b, loc, t, 0.5);
      Value mag = math::PowFOp::create(b, loc, math::AbsFOp::create(b, loc, l), r);
      Value isInt = cmpf(b, loc, arith::CmpFPredicate::OEQ,
                         math::FloorOp::create(b, loc, r), r);
      Value halfR = arith::MulFOp::create(b, loc, r, half);
      Value isEven = cmpf(b, loc, arith::CmpFPredicate::OEQ,
                          math::FloorOp::create(b, loc, halfR), halfR);
      Value nan = arith::ConstantOp::create(
          b, loc, b.getFloatAttr(t, APFloat::getNaN(cast<FloatType>(t).getFloatSemantics())));
      Value negResult =
          select(b, loc, isInt,
                 select(b, loc, isEven, mag, arith::NegFOp::create(b, loc, mag)),
                 nan);
      Value isNeg = cmpf(b, loc, arith::CmpFPredicate::OLT, l, zero);
      Value result = select(b, loc, isNeg, negResult, mag);
      // pow(x, 0) is 1 for every x, NaN included.
      return select(b, loc, cmpf(b, loc, arith::CmpFPredicate::OEQ, r, zero),
                    one, result);
    }
    // Integer pow through f32, which the backend approximates without libm
    // (exact while the result fits in 24 bits).
    Type f32 = b.getF32Type();
    Value lf = arith::SIToFPOp::create(b, loc, f32, l);
    Value rf = arith::SIToFPOp::create(b, loc, f32, r);
    return arith::FPToSIOp::create(b, loc, t,
                                   math::PowFOp::create(b, loc, lf, rf));
  }
  return {};
}

/// Converts scalar `x` to `to` with ONNX Cast semantics.
Value buildCast(OpBuilder &b, Location loc, Value x, Type to, bool uIn,
                bool uOut) {
  Type from = x.getType();
  if (from == to) {
    return x;
  }
  auto fromF = dyn_cast<FloatType>(from);
  auto toF = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    return fromF ? cmpf(b, loc, arith::CmpFPredicate::UNE, x, cst(b, loc, from, 0))
                 : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                         cst(b, loc, from, 0))
                       .getResult();
  }
  bool unsignedIn = uIn || from.isInteger(1);
  if (fromF && toF && to.isBF16() && !from.isBF16()) {
    // f32 -> bf16 by rounding the bits to nearest even: a plain truncf
    // becomes a compiler-rt call (__truncsfbf2) on most targets.
    Type f32 = b.getF32Type();
    Value f = x;
    if (fromF.getWidth() > 32) {
      f = arith::TruncFOp::create(b, loc, f32, x);
    } else if (fromF.getWidth() < 32) {
      f = arith::ExtFOp::create(b, loc, f32, x);
    }
    Type i32 = b.getI32Type();
    Value bits = arith::BitcastOp::create(b, loc, i32, f);
    Value lsb = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, bits, cst(b, loc, i32, 16)),
        cst(b, loc, i32, 1));
    Value bias = arith::AddIOp::create(b, loc, lsb, cst(b, loc, i32, 0x7fff));
    Value rounded = arith::ShRUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, bits, bias), cst(b, loc, i32, 16));
    // NaN stays a quiet NaN instead of rounding into infinity.
    Value isNan = cmpf(b, loc, arith::CmpFPredicate::UNO, f, f);
    rounded = select(b, loc, isNan, cst(b, loc, i32, 0x7fc0), rounded);
    Value half = arith::TruncIOp::create(b, loc, b.getI16Type(), rounded);
    return arith::BitcastOp::create(b, loc, to, half);
  }
  if (fromF && toF) {
    return fromF.getWidth() < toF.getWidth()
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  }
  if (toF) {
    return unsignedIn ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                      : arith::SIToFPOp::create(b, loc, to, x).getResult();
  }
  if (fromF) {
    return uOut ? arith::FPToUIOp::create(b, loc, to, x).getResult()
                : arith::FPToSIOp::create(b, loc, to, x).getResult();
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw > tw) {
    return arith::TruncIOp::create(b, loc, to, x);
  }
  return unsignedIn ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                    : arith::ExtSIOp::create(b, loc, to, x).getResult();
}

/// A parallel generic over the result shape reading every operand with its
/// broadcast map.
template <typename BodyFn>
Value elementwise(OpBuilder &b, Location loc, RankedTensorType outType,
                  ValueRange operands, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands) {
    maps.push_back(getBroadcastMap(
        ctx, cast<RankedTensorType>(v.getType()).getShape(),
        outType.getShape()));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(outType.getRank(), ctx));
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, operands,
             ValueRange{createEmpty(b, loc, outType)}, maps,
             parallelIterators(outType.getRank()),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args));
             })
      .getResult(0);
}

template <typename OpTy>
struct MathUnaryLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    Operation *etchOp = op.getOperation();
    // Probe the element type support on a throwaway builder position.
    bool ok = true;
    Value result = elementwise(
        rewriter, op.getLoc(), outType, ValueRange{adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = buildUnary(b, l, etchOp, args[0]);
          if (!v) {
            ok = false;
            return args[0];
          }
          return v;
        });
    if (!ok) {
      rewriter.eraseOp(result.getDefiningOp());
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

template <typename OpTy>
struct MathBinaryLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    Operation *etchOp = op.getOperation();
    bool ok = true;
    Value result = elementwise(
        rewriter, op.getLoc(), outType,
        ValueRange{adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = buildBinary(b, l, etchOp, args[0], args[1]);
          if (!v) {
            ok = false;
            return args[2];
          }
          return v;
        });
    if (!ok) {
      rewriter.eraseOp(result.getDefiningOp());
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct WhereLowering : public OpConversionPattern<WhereOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(WhereOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        adaptor.getOperands(),
                        [](OpBuilder &b, Location l, ValueRange args) {
                          return select(b, l, args[0], args[1], args[2]);
                        }));
    return success();
  }
};

/// gemmlowp's MultiplyByQuantizedMultiplier on i32 scalars (see
/// FixedPointMulOp): the doubling high multiply in i64 (ties up), then the
/// rounding right shift (ties away from zero).
Value buildFixedPointMul(OpBuilder &b, Location loc, Value x, Value m,
                         Value shift) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(i32, v));
  };
  auto c64 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(i64, v));
  };
  Value zero = c32(0), one = c32(1);
  Value left = arith::MaxSIOp::create(b, loc, shift, zero);
  Value right = arith::MaxSIOp::create(b, loc,
                                       arith::SubIOp::create(b, loc, zero, shift),
                                       zero);
  // x << left wraps in int32, as TFLite's `x * (1 << left_shift)` does.
  Value a = arith::ShLIOp::create(b, loc, x, left);
  // SaturatingRoundingDoublingHighMul(a, m).
  Value ab = arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i64, a),
                                   arith::ExtSIOp::create(b, loc, i64, m));
  Value nonNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                            ab, c64(0));
  Value nudge = select(b, loc, nonNegative, c64(int64_t(1) << 30),
                       c64(1 - (int64_t(1) << 30)));
  Value high = arith::TruncIOp::create(
      b, loc, i32,
      arith::DivSIOp::create(b, loc, arith::AddIOp::create(b, loc, ab, nudge),
                             c64(int64_t(1) << 31)));
  Value intMin = c32(INT32_MIN);
  Value overflow = arith::AndIOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, intMin),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, m, intMin));
  high = select(b, loc, overflow, c32(INT32_MAX), high);
  // RoundingDivideByPOT(high, right).
  Value mask = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, right), one);
  Value remainder = arith::AndIOp::create(b, loc, high, mask);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, high, zero);
  Value threshold = arith::AddIOp::create(
      b, loc, arith::ShRSIOp::create(b, loc, mask, one),
      select(b, loc, negative, one, zero));
  Value up = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                   remainder, threshold);
  return arith::AddIOp::create(b, loc, arith::ShRSIOp::create(b, loc, high, right),
                               select(b, loc, up, one, zero));
}

struct FixedPointMulLowering : public OpConversionPattern<FixedPointMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(FixedPointMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        adaptor.getOperands(),
                        [](OpBuilder &b, Location l, ValueRange args) {
                          return buildFixedPointMul(b, l, args[0], args[1],
                                                    args[2]);
                        }));
    return success();
  }
};

struct CastLowering : public OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    Type from = op.getInput().getType().getElementType();
    bool uIn = op.getUnsignedInput(), uOut = op.getUnsignedOutput();
    NarrowCastOptions opts{op.getSaturate(), op.getRoundMode(),
                           op.getInputStorage(), op.getOutputStorage()};
    bool narrow =
        needsNarrowCast(from, to, opts.inputStorage, opts.outputStorage);
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        ValueRange{adaptor.getInput()},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          if (!narrow) {
                            return buildCast(b, l, args[0], to, uIn, uOut);
                          }
                          return buildNarrowCast(
                              b, l, args[0], to, opts, [&](Value x, Type t) {
                                return buildCast(b, l, x, t, uIn, uOut);
                              });
                        }));
    return success();
  }
};

struct BitCastLowering : public OpConversionPattern<BitCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BitCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        ValueRange{adaptor.getInput()},
                        [&](OpBuilder &b, Location l,
                            ValueRange args) -> Value {
                          return arith::BitcastOp::create(b, l, to, args[0]);
                        }));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchMathToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<MathUnaryLowering<SqrtOp>, MathUnaryLowering<ExpOp>,
               MathUnaryLowering<LogOp>, MathUnaryLowering<ErfOp>,
               MathUnaryLowering<SinOp>, MathUnaryLowering<CosOp>,
               MathUnaryLowering<TanOp>,
               MathUnaryLowering<AsinOp>,
               MathUnaryLowering<AcosOp>,
               MathUnaryLowering<AtanOp>,
               MathUnaryLowering<SinhOp>,
               MathUnaryLowering<CoshOp>,
               MathUnaryLowering<AsinhOp>,
               MathUnaryLowering<AcoshOp>,
               MathUnaryLowering<AtanhOp>,
               MathUnaryLowering<AbsOp>, MathUnaryLowering<NegOp>,
               MathUnaryLowering<SignOp>, MathUnaryLowering<ReciprocalOp>,
               MathUnaryLowering<FloorOp>, MathUnaryLowering<CeilOp>,
               MathUnaryLowering<RoundOp>, MathUnaryLowering<NotOp>,
               MathUnaryLowering<SoftplusOp>, MathUnaryLowering<SoftsignOp>,
               MathUnaryLowering<EluOp>, MathUnaryLowering<SeluOp>,
               MathUnaryLowering<CeluOp>,
               MathUnaryLowering<ThresholdedReluOp>>(ctx);
  patterns.add<MathBinaryLowering<PowOp>, MathBinaryLowering<PReluOp>,
               MathBinaryLowering<AndOp>, MathBinaryLowering<OrOp>,
               MathBinaryLowering<XorOp>, MathBinaryLowering<EqualOp>,
               MathBinaryLowering<LessOp>, MathBinaryLowering<LessOrEqualOp>,
               MathBinaryLowering<GreaterOp>,
               MathBinaryLowering<GreaterOrEqualOp>>(ctx);
  patterns.add<WhereLowering, CastLowering, BitCastLowering,
               FixedPointMulLowering>(ctx);
  populateEtchMathReductionToLinalgPatterns(patterns);
}
