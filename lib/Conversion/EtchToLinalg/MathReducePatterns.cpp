//===- MathReducePatterns.cpp - ReduceMin/Prod, ArgMax/ArgMin to Linalg ---===//
//
// Like ReductionPatterns.cpp: a `linalg.generic` whose output map drops the
// reduced dims, then a reshape for keepdims. ArgMax/ArgMin carry (value,
// index) through two outputs; the index is `linalg.index` of the axis.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

/// The largest value of `type` (+inf for floats): min's identity.
Value createHighest(OpBuilder &b, Location loc, Type type) {
  if (isa<FloatType>(type)) {
    return createScalar(b, loc, type, std::numeric_limits<double>::infinity());
  }
  unsigned width = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, IntegerAttr::get(type, llvm::APInt::getSignedMaxValue(width)));
}

/// The iteration space: reduced dims are reductions; returns the output map
/// and the shape of the kept dims.
AffineMap keptMap(MLIRContext *ctx, RankedTensorType inType,
                  ArrayRef<int64_t> axes, SmallVector<int64_t> &keptShape,
                  SmallVector<utils::IteratorType> &iterators) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < inType.getRank(); ++d) {
    if (llvm::is_contained(axes, d)) {
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      iterators.push_back(utils::IteratorType::parallel);
      keptShape.push_back(inType.getDimSize(d));
      exprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  return AffineMap::get(inType.getRank(), 0, exprs, ctx);
}

template <typename OpTy>
struct MinProdLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  static constexpr bool isMin = std::is_same_v<OpTy, ReduceMinOp>;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Type elem = inType.getElementType();
    if (!elem.isIntOrFloat()) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    bool isFloat = isa<FloatType>(elem);
    SmallVector<int64_t> keptShape;
    SmallVector<utils::IteratorType> iterators;
    AffineMap outMap = keptMap(ctx, inType, op.getAxes(), keptShape, iterators);
    auto accType = RankedTensorType::get(keptShape, elem);
    Value init = isMin ? createHighest(rewriter, loc, elem)
                       : createScalar(rewriter, loc, elem, 1.0);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType}, ValueRange{adaptor.getInput()},
            ValueRange{createFilled(rewriter, loc, accType, init)},
            {AffineMap::getMultiDimIdentityMap(inType.getRank(), ctx), outMap},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v;
              if (isMin) {
                v = isFloat
                        ? arith::MinimumFOp::create(b, l, args[1], args[0])
                              .getResult()
                        : arith::MinSIOp::create(b, l, args[1], args[0])
                              .getResult();
              } else {
                v = isFloat ? arith::MulFOp::create(b, l, args[1], args[0])
                                  .getResult()
                            : arith::MulIOp::create(b, l, args[1], args[0])
                                  .getResult();
              }
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

template <typename OpTy>
struct ArgReduceLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  static constexpr bool isMax = std::is_same_v<OpTy, ArgMaxOp>;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Type elem = inType.getElementType();
    if (!elem.isIntOrFloat()) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    bool isFloat = isa<FloatType>(elem);
    bool last = op.getSelectLastIndex();
    int64_t axis = op.getAxis();
    SmallVector<int64_t> keptShape;
    SmallVector<utils::IteratorType> iterators;
    AffineMap outMap = keptMap(ctx, inType, {axis}, keptShape, iterators);
    auto valType = RankedTensorType::get(keptShape, elem);
    Type i64 = rewriter.getI64Type();
    auto idxType = RankedTensorType::get(keptShape, i64);
    Value initVal = isMax ? createLowest(rewriter, loc, elem)
                          : createHighest(rewriter, loc, elem);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType},
        ValueRange{adaptor.getInput()},
        ValueRange{createFilled(rewriter, loc, valType, initVal),
                   createFilled(rewriter, loc, idxType,
                                createScalar(rewriter, loc, i64, 0))},
        {AffineMap::getMultiDimIdentityMap(inType.getRank(), ctx), outMap,
         outMap},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIdx = args[2];
          Value better;
          if (isFloat) {
            auto p = isMax ? (last ? arith::CmpFPredicate::OGE
                                   : arith::CmpFPredicate::OGT)
                           : (last ? arith::CmpFPredicate::OLE
                                   : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, p, x, best);
          } else {
            auto p = isMax ? (last ? arith::CmpIPredicate::sge
                                   : arith::CmpIPredicate::sgt)
                           : (last ? arith::CmpIPredicate::sle
                                   : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, p, x, best);
          }
          Value idx = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, idx, bestIdx)});
        });
    rewriter.replaceOp(
        op, reshapeTo(rewriter, loc, generic.getResult(1), op.getType()));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchMathReductionToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MinProdLowering<ReduceMinOp>, MinProdLowering<ReduceProdOp>,
               ArgReduceLowering<ArgMaxOp>, ArgReduceLowering<ArgMinOp>>(
      patterns.getContext());
}
