//===- ElementwisePatterns.cpp - elementwise etch ops to Linalg -----------===//
//
// Binary ops with NumPy broadcasting and unary activations become one
// `linalg.generic` each; standalone BatchNorm is a per-channel
// `x * scale + shift` generic (scale/shift computed at compile time when the
// parameters are constants); constants keep their (resource) attribute.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/Transforms/ConstantData.h"
#include "etch/Transforms/ScalarActivation.h"
#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

/// The scalar op of a binary etch op on `elementType`, or null.
Value createBinary(OpBuilder &b, Location loc, Operation *op, Value lhs,
                   Value rhs) {
  Type type = lhs.getType();
  bool isFloat = isa<FloatType>(type);
  // Integer tensors are signless; Div/Max/Min say when ONNX's were unsigned.
  bool isUnsigned = op->hasAttr("is_unsigned");
  if (isa<AddOp>(op)) {
    return isFloat ? arith::AddFOp::create(b, loc, lhs, rhs).getResult()
                   : arith::AddIOp::create(b, loc, lhs, rhs).getResult();
  }
  if (isa<SubOp>(op)) {
    return isFloat ? arith::SubFOp::create(b, loc, lhs, rhs).getResult()
                   : arith::SubIOp::create(b, loc, lhs, rhs).getResult();
  }
  if (isa<MulOp>(op)) {
    return isFloat ? arith::MulFOp::create(b, loc, lhs, rhs).getResult()
                   : arith::MulIOp::create(b, loc, lhs, rhs).getResult();
  }
  if (isa<DivOp>(op)) {
    if (isFloat) {
      return arith::DivFOp::create(b, loc, lhs, rhs);
    }
    return isUnsigned ? arith::DivUIOp::create(b, loc, lhs, rhs).getResult()
                      : arith::DivSIOp::create(b, loc, lhs, rhs).getResult();
  }
  if (isa<MaxOp>(op)) {
    if (isFloat) {
      return arith::MaximumFOp::create(b, loc, lhs, rhs);
    }
    return isUnsigned ? arith::MaxUIOp::create(b, loc, lhs, rhs).getResult()
                      : arith::MaxSIOp::create(b, loc, lhs, rhs).getResult();
  }
  if (isa<MinOp>(op)) {
    if (isFloat) {
      return arith::MinimumFOp::create(b, loc, lhs, rhs);
    }
    return isUnsigned ? arith::MinUIOp::create(b, loc, lhs, rhs).getResult()
                      : arith::MinSIOp::create(b, loc, lhs, rhs).getResult();
  }
  return {};
}

template <typename OpTy>
struct BinaryOpLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    if (!elementType.isIntOrFloat()) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    ActivationKind act = ActivationKind::None;
    float actAlpha = 0.0f, actBeta = 0.0f;
    if constexpr (std::is_same_v<OpTy, AddOp>) {
      act = op.getActivation();
      actAlpha = op.getActAlpha().convertToFloat();
      actBeta = op.getActBeta().convertToFloat();
      if (act != ActivationKind::None && !isa<FloatType>(elementType)) {
        return rewriter.notifyMatchFailure(op, "activation on integers");
      }
    }
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    SmallVector<AffineMap> maps{
        getBroadcastMap(ctx, cast<RankedTensorType>(lhs.getType()).getShape(),
                        outType.getShape()),
        getBroadcastMap(ctx, cast<RankedTensorType>(rhs.getType()).getShape(),
                        outType.getShape()),
        AffineMap::getMultiDimIdentityMap(outType.getRank(), ctx)};
    Operation *etchOp = op.getOperation();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{lhs, rhs},
        ValueRange{createEmpty(rewriter, loc, outType)}, maps,
        parallelIterators(outType.getRank()),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = createBinary(b, l, etchOp, args[0], args[1]);
          v = applyActivation(b, l, v, act, actAlpha, actBeta);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// Integer Relu/Clip: bounds rounded toward the inside of the range and
/// clamped to the type's range (ONNX Clip on int8 etc.).
Value applyIntegerClamp(OpBuilder &b, Location loc, Value x,
                        const ScalarActivation &act) {
  auto type = cast<IntegerType>(x.getType());
  unsigned width = type.getWidth();
  bool isUnsigned = type.isUnsigned();
  double typeMin = isUnsigned ? 0.0
                              : static_cast<double>(
                                    llvm::APInt::getSignedMinValue(width)
                                        .getSExtValue());
  double typeMax =
      isUnsigned
          ? static_cast<double>(llvm::APInt::getMaxValue(width).getZExtValue())
          : static_cast<double>(
                llvm::APInt::getSignedMaxValue(width).getSExtValue());
  double lo = act.kind == ActivationKind::Relu ? 0.0 : std::ceil(act.alpha);
  double hi = act.kind == ActivationKind::Relu ? typeMax : std::floor(act.beta);
  lo = std::max(lo, typeMin);
  hi = std::min(hi, typeMax);
  Value v = x;
  if (lo > typeMin) {
    Value c = createScalar(b, loc, type, lo);
    v = isUnsigned ? arith::MaxUIOp::create(b, loc, v, c).getResult()
                   : arith::MaxSIOp::create(b, loc, v, c).getResult();
  }
  if (hi < typeMax) {
    Value c = createScalar(b, loc, type, hi);
    v = isUnsigned ? arith::MinUIOp::create(b, loc, v, c).getResult()
                   : arith::MinSIOp::create(b, loc, v, c).getResult();
  }
  return v;
}

/// Relu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, LeakyRelu.
template <typename OpTy>
struct UnaryOpLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    std::optional<ScalarActivation> act = getScalarActivation(op);
    bool isInt = isa<IntegerType>(elementType);
    if (!act || (!isa<FloatType>(elementType) &&
                 !(isInt && (act->kind == ActivationKind::Relu ||
                             act->kind == ActivationKind::Clip)))) {
      return rewriter.notifyMatchFailure(
          op, "only float activations, and integer relu/clip");
    }
    Location loc = op.getLoc();
    auto identity =
        AffineMap::getMultiDimIdentityMap(outType.getRank(), op.getContext());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{adaptor.getInput()},
        ValueRange{createEmpty(rewriter, loc, outType)}, {identity, identity},
        parallelIterators(outType.getRank()),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v =
              isInt ? applyIntegerClamp(b, l, args[0], *act)
                    : applyActivation(b, l, args[0], act->kind, act->alpha,
                                      act->beta);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

std::optional<SmallVector<float>> constantFloats(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr))) {
    return std::nullopt;
  }
  return getConstantFloats(attr);
}

struct BatchNormOpLowering : public OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    if (!isa<FloatType>(elementType) || outType.getRank() < 2) {
      return rewriter.notifyMatchFailure(op, "only float [N, C, ...] input");
    }
    int64_t channels = outType.getDimSize(1);
    auto channelType = RankedTensorType::get({channels}, elementType);
    float eps = op.getEpsilon().convertToFloat();
    Value scale, shift;
    // ORT: inv_std = 1 / sqrt(var + eps); scale = gamma * inv_std;
    // shift = beta - mean * scale; y = x * scale + shift.
    auto gamma = constantFloats(adaptor.getScale());
    auto beta = constantFloats(adaptor.getBias());
    auto mean = constantFloats(adaptor.getMean());
    auto var = constantFloats(adaptor.getVar());
    if (elementType.isF32() && gamma && beta && mean && var) {
      SmallVector<float> s(channels), t(channels);
      for (int64_t c = 0; c < channels; ++c) {
        float invStd = 1.0f / std::sqrt((*var)[c] + eps);
        s[c] = (*gamma)[c] * invStd;
        t[c] = (*beta)[c] - (*mean)[c] * s[c];
      }
      auto attr = [&](ArrayRef<float> v) {
        return cast<TypedAttr>(
            makeFloatConstantAttr(channelType, v, "bn", /*threshold=*/1 << 30));
      };
      scale = arith::ConstantOp::create(rewriter, loc, attr(s));
      shift = arith::ConstantOp::create(rewriter, loc, attr(t));
    } else {
      auto id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
      auto params = linalg::GenericOp::create(
          rewriter, loc, TypeRange{channelType, channelType},
          ValueRange{adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                     adaptor.getVar()},
          ValueRange{createEmpty(rewriter, loc, channelType),
                     createEmpty(rewriter, loc, channelType)},
          SmallVector<AffineMap>(6, id1), parallelIterators(1),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value one = createScalar(b, l, elementType, 1.0);
            Value v = arith::AddFOp::create(
                b, l, args[3], createScalar(b, l, elementType, eps));
            Value invStd =
                arith::DivFOp::create(b, l, one, math::SqrtOp::create(b, l, v));
            Value s = arith::MulFOp::create(b, l, args[0], invStd);
            Value ms = arith::MulFOp::create(b, l, args[2], s);
            Value t = arith::SubFOp::create(b, l, args[1], ms);
            linalg::YieldOp::create(b, l, ValueRange{s, t});
          });
      scale = params.getResult(0);
      shift = params.getResult(1);
    }
    int64_t rank = outType.getRank();
    auto identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    auto channelMap = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{adaptor.getInput(), scale, shift},
        ValueRange{createEmpty(rewriter, loc, outType)},
        {identity, channelMap, channelMap, identity}, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::MulFOp::create(b, l, args[0], args[1]);
          v = arith::AddFOp::create(b, l, v, args[2]);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct ConstantOpLowering : public OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value) {
      return rewriter.notifyMatchFailure(op, "untyped constant");
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct IdentityOpLowering : public OpConversionPattern<IdentityOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchElementwiseToLinalgPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryOpLowering<AddOp>, BinaryOpLowering<SubOp>,
               BinaryOpLowering<MulOp>, BinaryOpLowering<DivOp>,
               BinaryOpLowering<MaxOp>, BinaryOpLowering<MinOp>>(ctx);
  patterns.add<UnaryOpLowering<ReluOp>, UnaryOpLowering<ClipOp>,
               UnaryOpLowering<SigmoidOp>, UnaryOpLowering<TanhOp>,
               UnaryOpLowering<HardSigmoidOp>, UnaryOpLowering<HardSwishOp>,
               UnaryOpLowering<LeakyReluOp>>(ctx);
  patterns.add<BatchNormOpLowering, ConstantOpLowering, IdentityOpLowering>(
      ctx);
}
