//===- DataPatterns.cpp - gathers, CumSum/CumProd, TopK, Mod, Einsum ------===//
//
// All are linalg.generic ops over the result. Gathers read their index
// operand through an indexing map (GatherElements) or tensor.extract
// (GatherND) and the data through tensor.extract. CumSum and CumProd are a
// reduction over a second copy of the scanned axis that masks by position
// (O(n^2) along the axis, no loop-carried state). TopK ranks every element
// against its axis (ties: lower index first), then picks rank j for output j.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

/// `k` (an integer index value) as an index, negative values wrapped by
/// `size`.
Value wrapIndex(OpBuilder &b, Location l, Value k, int64_t size) {
  k = arith::IndexCastOp::create(b, l, b.getIndexType(), k);
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, k, zero);
  Value wrapped = arith::AddIOp::create(
      b, l, k, arith::ConstantIndexOp::create(b, l, size));
  return arith::SelectOp::create(b, l, neg, wrapped, k);
}

/// The identity map over `rank` dims with dim `axis` replaced by dim `with`.
AffineMap replacedMap(MLIRContext *ctx, int64_t numDims, int64_t rank,
                      int64_t axis, int64_t with) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    exprs.push_back(getAffineDimExpr(d == axis ? with : d, ctx));
  }
  return AffineMap::get(numDims, 0, exprs, ctx);
}

struct ExpandLowering : public OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{adaptor.getInput()},
        ValueRange{createEmpty(rewriter, op.getLoc(), type)},
        {getBroadcastMap(rewriter.getContext(), inType.getShape(),
                         type.getShape()),
         rewriter.getMultiDimIdentityMap(rank)},
        parallelIterators(rank), [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct GatherElementsLowering : public OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    int64_t dim = inType.getDimSize(axis);
    auto identity = rewriter.getMultiDimIdentityMap(rank);
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type},
        ValueRange{adaptor.getIndices()},
        ValueRange{createEmpty(rewriter, op.getLoc(), type)},
        {identity, identity}, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> idx;
          for (int64_t d = 0; d < rank; ++d) {
            idx.push_back(d == axis ? wrapIndex(b, l, args[0], dim)
                                    : linalg::IndexOp::create(b, l, d));
          }
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, idx).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct GatherNDLowering : public OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto inType = cast<RankedTensorType>(input.getType());
    auto idxType = cast<RankedTensorType>(indices.getType());
    int64_t rank = type.getRank(), batch = op.getBatchDims();
    int64_t q = idxType.getRank(), k = idxType.getShape().back();
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{},
        ValueRange{createEmpty(rewriter, op.getLoc(), type)},
        {rewriter.getMultiDimIdentityMap(rank)}, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> outIdx;
          for (int64_t d = 0; d < rank; ++d) {
            outIdx.push_back(linalg::IndexOp::create(b, l, d));
          }
          SmallVector<Value> at(outIdx.begin(), outIdx.begin() + q - 1);
          at.push_back(Value());
          SmallVector<Value> dataIdx(outIdx.begin(), outIdx.begin() + batch);
          for (int64_t j = 0; j < k; ++j) {
            at.back() = arith::ConstantIndexOp::create(b, l, j);
            Value v = tensor::ExtractOp::create(b, l, indices, at);
            dataIdx.push_back(
                wrapIndex(b, l, v, inType.getDimSize(batch + j)));
          }
          dataIdx.append(outIdx.begin() + q - 1, outIdx.end());
          linalg::YieldOp::create(
              b, l,
              tensor::ExtractOp::create(b, l, input, dataIdx).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// `acc` combined with `update` by a scatter reduction.
Value combineScatter(OpBuilder &b, Location l, StringRef reduction, Value acc,
                     Value update) {
  bool isFloat = isa<FloatType>(acc.getType());
  if (reduction == "add") {
    return isFloat ? Value(arith::AddFOp::create(b, l, acc, update))
                   : Value(arith::AddIOp::create(b, l, acc, update));
  }
  if (reduction == "mul") {
    return isFloat ? Value(arith::MulFOp::create(b, l, acc, update))
                   : Value(arith::MulIOp::create(b, l, acc, update));
  }
  if (reduction == "max") {
    return isFloat ? Value(arith::MaximumFOp::create(b, l, acc, update))
                   : Value(arith::MaxSIOp::create(b, l, acc, update));
  }
  if (reduction == "min") {
    return isFloat ? Value(arith::MinimumFOp::create(b, l, acc, update))
                   : Value(arith::MinSIOp::create(b, l, acc, update));
  }
  return update;
}

/// Yields `acc` combined with `update` where `hit`, else `acc`.
void yieldScatter(OpBuilder &b, Location l, StringRef reduction, Value hit,
                  Value acc, Value update) {
  linalg::YieldOp::create(
      b, l,
      arith::SelectOp::create(b, l, hit,
                              combineScatter(b, l, reduction, acc, update), acc)
          .getResult());
}

/// Scatters as reductions over the updates that can land on each output
/// element: the result starts as `data` (the generic's init) and every
/// output element scans its candidate updates, keeping (or combining) those
/// whose index hits it. No data-dependent writes, so tiling, bufferization
/// and the OpenCL path see an ordinary linalg.generic.
/// ScatterElements: out[p] scans u = p with coordinate `axis` replaced by r
/// (indices and updates padded to data's extent on the other axes, with an
/// index that hits nothing). ScatterND: out[p] scans every index row b.
struct ScatterElementsLowering
    : public OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto updType = cast<RankedTensorType>(op.getUpdates().getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (updType.getNumElements() == 0) {
      rewriter.replaceOp(op, adaptor.getData());
      return success();
    }
    Value indices = adaptor.getIndices(), updates = adaptor.getUpdates();
    // Pad to data's extent on every axis but `axis`.
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)), high;
    bool pad = false;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t extra = d == axis ? 0 : type.getDimSize(d) - updType.getDimSize(d);
      high.push_back(rewriter.getIndexAttr(extra));
      pad |= extra != 0;
    }
    if (pad) {
      auto padTo = [&](Value v, TypedAttr fill) {
        auto t = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[axis] = t.getDimSize(axis);
        Value value = arith::ConstantOp::create(rewriter, loc, fill);
        return tensor::PadOp::create(
                   rewriter, loc,
                   RankedTensorType::get(shape, t.getElementType()), v, low,
                   high, value)
            .getResult();
      };
      Type idxElem = cast<RankedTensorType>(indices.getType()).getElementType();
      // An index of data's extent on `axis` matches no output coordinate.
      indices = padTo(indices, rewriter.getIntegerAttr(
                                   idxElem, type.getDimSize(axis)));
      updates = padTo(updates, rewriter.getZeroAttr(type.getElementType()));
    }
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> outExprs, inExprs;
    for (int64_t d = 0; d < rank; ++d) {
      outExprs.push_back(getAffineDimExpr(d, ctx));
      inExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    AffineMap inMap = AffineMap::get(rank + 1, 0, inExprs, ctx);
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    StringRef reduction = op.getReduction();
    int64_t axisSize = type.getDimSize(axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices, updates},
        ValueRange{adaptor.getData()},
        {inMap, inMap, AffineMap::get(rank + 1, 0, outExprs, ctx)}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value target = wrapIndex(b, l, args[0], axisSize);
          Value hit = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, target,
              linalg::IndexOp::create(b, l, axis));
          yieldScatter(b, l, reduction, hit, args[2], args[1]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct ScatterNDLowering : public OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t rank = type.getRank(), q = idxType.getRank();
    int64_t k = idxType.getShape().back();
    if (idxType.getNumElements() == 0) {
      rewriter.replaceOp(op, adaptor.getData());
      return success();
    }
    Value indices = adaptor.getIndices();
    StringRef reduction = op.getReduction();
    // Loops: output coordinates p (parallel), then index rows b (reduction).
    int64_t loops = rank + q - 1;
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> outExprs, updExprs;
    for (int64_t d = 0; d < rank; ++d) {
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    for (int64_t d = rank; d < loops; ++d) {
      updExprs.push_back(getAffineDimExpr(d, ctx));
    }
    for (int64_t d = k; d < rank; ++d) {
      updExprs.push_back(getAffineDimExpr(d, ctx));
    }
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.append(q - 1, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type},
        ValueRange{adaptor.getUpdates()}, ValueRange{adaptor.getData()},
        {AffineMap::get(loops, 0, updExprs, ctx),
         AffineMap::get(loops, 0, outExprs, ctx)},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> at;
          for (int64_t d = rank; d < loops; ++d) {
            at.push_back(linalg::IndexOp::create(b, l, d));
          }
          at.push_back(Value());
          Value hit = arith::ConstantIntOp::create(b, l, 1, 1);
          for (int64_t j = 0; j < k; ++j) {
            at.back() = arith::ConstantIndexOp::create(b, l, j);
            Value target = wrapIndex(
                b, l, tensor::ExtractOp::create(b, l, indices, at),
                type.getDimSize(j));
            hit = arith::AndIOp::create(
                b, l, hit,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, target,
                                      linalg::IndexOp::create(b, l, j)));
          }
          yieldScatter(b, l, reduction, hit, args[1], args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

Value addValues(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType())) {
    return arith::AddFOp::create(b, l, x, y);
  }
  return arith::AddIOp::create(b, l, x, y);
}

Value mulValues(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType())) {
    return arith::MulFOp::create(b, l, x, y);
  }
  return arith::MulIOp::create(b, l, x, y);
}

/// CumSum and CumProd: a reduction over a second copy of the scanned axis
/// that combines the positions before (or, reversed, after) each output
/// position, and substitutes the identity for the others.
template <typename OpTy, int Identity>
struct ScanLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!elem.isIntOrFloat() || elem.isInteger(1)) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank(), axis = op.getAxis();
    // Dims 0..rank-1: the result; dim `rank`: the combined position.
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    AffineMap outMap = AffineMap::get(
        rank + 1, 0, rewriter.getMultiDimIdentityMap(rank).getResults(), ctx);
    arith::CmpIPredicate pred =
        op.getReverse() ? (op.getExclusive() ? arith::CmpIPredicate::sgt
                                             : arith::CmpIPredicate::sge)
                        : (op.getExclusive() ? arith::CmpIPredicate::slt
                                             : arith::CmpIPredicate::sle);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getInput()},
        ValueRange{createFilled(rewriter, loc, type,
                                createScalar(rewriter, loc, elem, Identity))},
        {replacedMap(ctx, rank + 1, rank, axis, rank), outMap}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value j = linalg::IndexOp::create(b, l, rank);
          Value i = linalg::IndexOp::create(b, l, axis);
          Value take = arith::CmpIOp::create(b, l, pred, j, i);
          Value identity = createScalar(b, l, elem, Identity);
          Value x = arith::SelectOp::create(b, l, take, args[0], identity);
          linalg::YieldOp::create(b, l,
                                  Identity == 0 ? addValues(b, l, args[1], x)
                                                : mulValues(b, l, args[1], x));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// x "beats" y for TopK: strictly better, or equal at a lower position.
Value beats(OpBuilder &b, Location l, Value x, Value y, Value xPos, Value yPos,
            bool largest) {
  Value better, equal;
  if (isa<FloatType>(x.getType())) {
    better = arith::CmpFOp::create(b, l,
                                   largest ? arith::CmpFPredicate::OGT
                                           : arith::CmpFPredicate::OLT,
                                   x, y);
    equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x, y);
  } else {
    better = arith::CmpIOp::create(b, l,
                                   largest ? arith::CmpIPredicate::sgt
                                           : arith::CmpIPredicate::slt,
                                   x, y);
    equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, y);
  }
  Value lower =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, xPos, yPos);
  return arith::OrIOp::create(b, l, better,
                              arith::AndIOp::create(b, l, equal, lower));
}

struct TopKLowering : public OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type elem = inType.getElementType();
    if (!elem.isIntOrFloat() || elem.isInteger(1)) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    int64_t rank = inType.getRank(), axis = op.getAxis();
    bool largest = op.getLargest();
    Type i64 = rewriter.getI64Type();
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    AffineMap self = AffineMap::get(
        rank + 1, 0, rewriter.getMultiDimIdentityMap(rank).getResults(), ctx);
    AffineMap other = replacedMap(ctx, rank + 1, rank, axis, rank);

    // rank[i] = #elements along the axis that beat element i.
    auto rankType = RankedTensorType::get(inType.getShape(), i64);
    Value ranks =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rankType}, ValueRange{input, input},
            ValueRange{createFilled(rewriter, loc, rankType,
                                    createScalar(rewriter, loc, i64, 0))},
            {self, other, self}, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value mine = linalg::IndexOp::create(b, l, axis);
              Value theirs = linalg::IndexOp::create(b, l, rank);
              Value win = beats(b, l, args[1], args[0], theirs, mine, largest);
              Value one = arith::ExtUIOp::create(b, l, i64, win);
              linalg::YieldOp::create(
                  b, l, arith::AddIOp::create(b, l, args[2], one).getResult());
            })
            .getResult(0);

    // Output j along the axis: the element whose rank is j.
    auto valType = cast<RankedTensorType>(op.getValues().getType());
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    auto picked = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, ValueRange{ranks, input},
        ValueRange{createFilled(rewriter, loc, valType,
                                createScalar(rewriter, loc, elem, 0)),
                   createFilled(rewriter, loc, idxType,
                                createScalar(rewriter, loc, i64, 0))},
        {other, other, self, self}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value j = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value pos = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, rank));
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, args[0], j);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, hit, args[1], args[2]),
                         arith::SelectOp::create(b, l, hit, pos, args[3])});
        });
    rewriter.replaceOp(op, picked.getResults());
    return success();
  }
};

/// `body(lhs, rhs)` per element of `type` as one linalg.generic, the
/// operands read with NumPy broadcasting.
Value broadcastBinary(OpBuilder &builder, Location loc, RankedTensorType type,
                      Value lhs, Value rhs,
                      function_ref<Value(OpBuilder &, Location, Value, Value)>
                          body) {
  MLIRContext *ctx = builder.getContext();
  int64_t rank = type.getRank();
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  return linalg::GenericOp::create(
             builder, loc, TypeRange{type}, ValueRange{lhs, rhs},
             ValueRange{createEmpty(builder, loc, type)},
             {getBroadcastMap(ctx, shapeOf(lhs), type.getShape()),
              getBroadcastMap(ctx, shapeOf(rhs), type.getShape()),
              builder.getMultiDimIdentityMap(rank)},
             parallelIterators(rank),
             [&](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(b, l, body(b, l, args[0], args[1]));
             })
      .getResult(0);
}

struct BitShiftLowering : public OpConversionPattern<BitShiftOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BitShiftOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    bool left = op.getLeft();
    rewriter.replaceOp(
        op, broadcastBinary(
                rewriter, op.getLoc(), type, adaptor.getLhs(), adaptor.getRhs(),
                [&](OpBuilder &b, Location l, Value x, Value y) -> Value {
                  // arith shifts by >= the width are poison: 0 instead.
                  Value width =
                      createScalar(b, l, elem, elem.getIntOrFloatBitWidth());
                  Value inRange = arith::CmpIOp::create(
                      b, l, arith::CmpIPredicate::ult, y, width);
                  Value shifted =
                      left ? Value(arith::ShLIOp::create(b, l, x, y))
                           : Value(arith::ShRUIOp::create(b, l, x, y));
                  return arith::SelectOp::create(b, l, inRange, shifted,
                                                 createScalar(b, l, elem, 0));
                }));
    return success();
  }
};

/// x mod y for one element (see ModOp).
Value buildMod(OpBuilder &b, Location l, ModOp op, Value x, Value y) {
  Type elem = x.getType();
  if (isa<FloatType>(elem)) {
    // Narrow floats through f32: LLVM would promote their frem to a
    // fmodf call, which the libm-free remf expansion never sees.
    Type f32 = b.getF32Type();
    bool narrow = elem.getIntOrFloatBitWidth() < 32;
    if (narrow) {
      x = arith::ExtFOp::create(b, l, f32, x);
      y = arith::ExtFOp::create(b, l, f32, y);
    }
    Value r = arith::RemFOp::create(b, l, x, y);
    return narrow ? Value(arith::TruncFOp::create(b, l, elem, r)) : r;
  }
  if (op.getIsUnsigned()) {
    return arith::RemUIOp::create(b, l, x, y);
  }
  Value r = arith::RemSIOp::create(b, l, x, y);
  if (op.getFmod()) {
    return r;
  }
  // Python's %: a non-zero remainder takes the divisor's sign.
  Value zero = createScalar(b, l, elem, 0);
  Value nonZero =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, r, zero);
  Value rNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, r, zero);
  Value yNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, y, zero);
  Value fix = arith::AndIOp::create(b, l, nonZero,
                                    arith::XOrIOp::create(b, l, rNeg, yNeg));
  return arith::SelectOp::create(b, l, fix, arith::AddIOp::create(b, l, r, y),
                                 r);
}

struct ModLowering : public OpConversionPattern<ModOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ModOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!elem.isIntOrFloat() || elem.isInteger(1)) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    rewriter.replaceOp(
        op, broadcastBinary(rewriter, op.getLoc(), type, adaptor.getLhs(),
                            adaptor.getRhs(),
                            [&](OpBuilder &b, Location l, Value x, Value y) {
                              return buildMod(b, l, op, x, y);
                            }));
    return success();
  }
};


/// Einsum: one generic, a loop per label (the output's first), the product
/// of the operands summed into the result.
struct EinsumLowering : public OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!elem.isIntOrFloat() || elem.isInteger(1)) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> loops(op.getOutputLabels());
    for (Attribute attr : op.getInputLabels()) {
      for (int64_t label : cast<DenseI64ArrayAttr>(attr).asArrayRef()) {
        if (!llvm::is_contained(loops, label)) {
          loops.push_back(label);
        }
      }
    }
    auto dimOf = [&](int64_t label) {
      return getAffineDimExpr(llvm::find(loops, label) - loops.begin(), ctx);
    };
    int64_t numLoops = loops.size();
    SmallVector<AffineMap> maps;
    for (Attribute attr : op.getInputLabels()) {
      SmallVector<AffineExpr> exprs;
      for (int64_t label : cast<DenseI64ArrayAttr>(attr).asArrayRef()) {
        exprs.push_back(dimOf(label));
      }
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
    }
    int64_t rank = type.getRank();
    maps.push_back(AffineMap::get(
        numLoops, 0, rewriter.getMultiDimIdentityMap(rank).getResults(), ctx));
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.append(numLoops - rank, utils::IteratorType::reduction);
    Location loc = op.getLoc();
    bool isFloat = isa<FloatType>(elem);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, adaptor.getInputs(),
        ValueRange{createFilled(rewriter, loc, type,
                                createScalar(rewriter, loc, elem, 0))},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value prod = args[0];
          for (Value v : args.drop_front().drop_back()) {
            prod = isFloat ? arith::MulFOp::create(b, l, prod, v).getResult()
                           : arith::MulIOp::create(b, l, prod, v).getResult();
          }
          linalg::YieldOp::create(b, l, addValues(b, l, args.back(), prod));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchDataToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandLowering, GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering,
               ScanLowering<CumSumOp, 0>, ScanLowering<CumProdOp, 1>,
               TopKLowering, ModLowering, BitShiftLowering, EinsumLowering>(
      patterns.getContext());
}
