//===- MatmulPatterns.cpp - etch.gemm / etch.matmul to Linalg -------------===//
//
// Gemm's transposes become the indexing maps of one `linalg.matmul` (no
// transposed copy of the weights); beta*C initializes the accumulator.
// MatMul uses `linalg.matmul` when the right operand is 2-D (batch dims of
// the left one are folded into M), `linalg.batch_matmul` for equal batch
// dims, and a broadcasting contraction generic otherwise.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

struct GemmOpLowering : public OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    if (!isa<FloatType>(elementType) || outType.getRank() != 2) {
      return rewriter.notifyMatchFailure(op, "only 2-D float gemm");
    }
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    Value c = adaptor.getC();
    if (c && beta == 0.0f) {
      c = nullptr;
    }
    auto identity = AffineMap::getMultiDimIdentityMap(2, ctx);
    auto cMap = [&]() {
      return getBroadcastMap(ctx,
                             cast<RankedTensorType>(c.getType()).getShape(),
                             outType.getShape());
    };
    // beta * C broadcast to [M, N] as the accumulator when alpha == 1.
    Value init;
    bool cInInit = c && alpha == 1.0f;
    if (cInInit) {
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{outType}, ValueRange{c},
                 ValueRange{createEmpty(rewriter, loc, outType)},
                 {cMap(), identity}, parallelIterators(2),
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v = args[0];
                   if (beta != 1.0f) {
                     v = arith::MulFOp::create(
                         b, l, v, createScalar(b, l, elementType, beta));
                   }
                   linalg::YieldOp::create(b, l, v);
                 })
                 .getResult(0);
    } else {
      init = createFilled(rewriter, loc, outType,
                          createScalar(rewriter, loc, elementType, 0.0));
    }
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<AffineExpr> aExprs{m, k}, bExprs{k, n};
    if (op.getTransA()) {
      aExprs = {k, m};
    }
    if (op.getTransB()) {
      bExprs = {n, k};
    }
    auto matmul = linalg::MatmulOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{adaptor.getA(), adaptor.getB()}, ValueRange{init});
    if (op.getTransA() || op.getTransB()) {
      matmul.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(
          {AffineMap::get(3, 0, aExprs, ctx), AffineMap::get(3, 0, bExprs, ctx),
           AffineMap::get(3, 0, {m, n}, ctx)}));
    }
    Value result = matmul.getResult(0);
    ActivationKind act = op.getActivation();
    float actAlpha = op.getActAlpha().convertToFloat();
    float actBeta = op.getActBeta().convertToFloat();
    if (alpha != 1.0f) {
      // alpha * (A B) + beta * C, with the activation, in one epilogue.
      SmallVector<Value> ins{result};
      SmallVector<AffineMap> maps{identity};
      if (c) {
        ins.push_back(c);
        maps.push_back(cMap());
      }
      maps.push_back(identity);
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{outType}, ins,
                   ValueRange{createEmpty(rewriter, loc, outType)}, maps,
                   parallelIterators(2),
                   [&](OpBuilder &b, Location l, ValueRange args) {
                     Value v = arith::MulFOp::create(
                         b, l, args[0], createScalar(b, l, elementType, alpha));
                     if (c) {
                       Value bc = args[1];
                       if (beta != 1.0f) {
                         bc = arith::MulFOp::create(
                             b, l, bc, createScalar(b, l, elementType, beta));
                       }
                       v = arith::AddFOp::create(b, l, v, bc);
                     }
                     v = applyActivation(b, l, v, act, actAlpha, actBeta);
                     linalg::YieldOp::create(b, l, v);
                   })
                   .getResult(0);
    } else {
      result =
          applyActivationToTensor(rewriter, loc, result, act, actAlpha, actBeta);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MatMulOpLowering : public OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    if (!isMatmulElementType(elementType) ||
        (!isa<FloatType>(elementType) &&
         op.getActivation() != ActivationKind::None)) {
      return rewriter.notifyMatchFailure(
          op, "only float matmul, or integer matmul without activation");
    }
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = cast<RankedTensorType>(a.getType());
    auto bType = cast<RankedTensorType>(b.getType());
    // numpy.matmul: a 1-D left operand is a row, a 1-D right one a column.
    if (aType.getRank() == 1) {
      aType = RankedTensorType::get({1, aType.getDimSize(0)},
                                    aType.getElementType());
      a = reshapeTo(rewriter, loc, a, aType);
    }
    if (bType.getRank() == 1) {
      bType = RankedTensorType::get({bType.getDimSize(0), 1},
                                    bType.getElementType());
      b = reshapeTo(rewriter, loc, b, bType);
    }
    ArrayRef<int64_t> aShape = aType.getShape(), bShape = bType.getShape();
    int64_t aBatchRank = aShape.size() - 2, bBatchRank = bShape.size() - 2;
    int64_t batchRank = std::max(aBatchRank, bBatchRank);
    int64_t mSize = aShape[aBatchRank], kSize = aShape[aBatchRank + 1];
    int64_t nSize = bShape[bBatchRank + 1];
    SmallVector<int64_t> batch(batchRank, 1);
    for (int64_t i = 0; i < batchRank; ++i) {
      int64_t ai = i - (batchRank - aBatchRank);
      int64_t bi = i - (batchRank - bBatchRank);
      int64_t ad = ai >= 0 ? aShape[ai] : 1, bd = bi >= 0 ? bShape[bi] : 1;
      batch[i] = std::max(ad, bd);
    }
    int64_t batchSize = 1;
    for (int64_t d : batch) {
      batchSize *= d;
    }
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value result;
    // A uint8 `a` (zero-extended) has no named op: the generic form.
    bool unsignedA = op.getUnsignedInput();
    if (bBatchRank == 0 && !unsignedA) {
      // [..., M, K] x [K, N]: fold the batch dims into M.
      auto a2 = RankedTensorType::get({batchSize * mSize, kSize},
                                      aType.getElementType());
      auto o2 = RankedTensorType::get({batchSize * mSize, nSize}, elementType);
      result = linalg::MatmulOp::create(
                   rewriter, loc, TypeRange{o2},
                   ValueRange{reshapeTo(rewriter, loc, a, a2), b},
                   ValueRange{createFilled(rewriter, loc, o2, zero)})
                   .getResult(0);
    } else if (aShape.drop_back(2) == bShape.drop_back(2) && !unsignedA) {
      auto a3 = RankedTensorType::get({batchSize, mSize, kSize},
                                      aType.getElementType());
      auto b3 = RankedTensorType::get({batchSize, kSize, nSize},
                                      bType.getElementType());
      auto o3 = RankedTensorType::get({batchSize, mSize, nSize}, elementType);
      result = linalg::BatchMatmulOp::create(
                   rewriter, loc, TypeRange{o3},
                   ValueRange{reshapeTo(rewriter, loc, a, a3),
                              reshapeTo(rewriter, loc, b, b3)},
                   ValueRange{createFilled(rewriter, loc, o3, zero)})
                   .getResult(0);
    } else {
      // Broadcast batch dims: loops (batch..., m, n, k).
      SmallVector<int64_t> oShape(batch);
      oShape.push_back(mSize);
      oShape.push_back(nSize);
      auto oType = RankedTensorType::get(oShape, elementType);
      int64_t numLoops = batchRank + 3;
      auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      auto operandMap = [&](ArrayRef<int64_t> shape, AffineExpr row,
                            AffineExpr col) {
        int64_t rank = shape.size();
        SmallVector<AffineExpr> exprs;
        for (int64_t d = 0; d < rank - 2; ++d) {
          int64_t ld = d + batchRank - (rank - 2);
          exprs.push_back(shape[d] == 1 && batch[ld] != 1
                              ? getAffineConstantExpr(0, ctx)
                              : dim(ld));
        }
        exprs.push_back(row);
        exprs.push_back(col);
        return AffineMap::get(numLoops, 0, exprs, ctx);
      };
      AffineExpr m = dim(batchRank), n = dim(batchRank + 1),
                 k = dim(batchRank + 2);
      SmallVector<AffineExpr> outExprs;
      for (int64_t i = 0; i < batchRank; ++i) {
        outExprs.push_back(dim(i));
      }
      outExprs.push_back(m);
      outExprs.push_back(n);
      SmallVector<utils::IteratorType> iterators(
          numLoops, utils::IteratorType::parallel);
      iterators.back() = utils::IteratorType::reduction;
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{oType}, ValueRange{a, b},
                   ValueRange{createFilled(rewriter, loc, oType, zero)},
                   {operandMap(aShape, m, k), operandMap(bShape, k, n),
                    AffineMap::get(numLoops, 0, outExprs, ctx)},
                   iterators,
                   [&](OpBuilder &nb, Location nloc, ValueRange args) {
                     linalg::YieldOp::create(
                         nb, nloc,
                         createMulAdd(nb, nloc, args[2], args[0], args[1],
                                      unsignedA));
                   })
                   .getResult(0);
    }
    result = reshapeTo(rewriter, loc, result, outType);
    result = applyActivationToTensor(
        rewriter, loc, result, op.getActivation(),
        op.getActAlpha().convertToFloat(), op.getActBeta().convertToFloat());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchMatmulToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<GemmOpLowering, MatMulOpLowering>(patterns.getContext());
}
