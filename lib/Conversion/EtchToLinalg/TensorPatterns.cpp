//===- TensorPatterns.cpp - etch Slice/Gather to Linalg/tensor ------------===//
//
// Slice with positive steps → tensor.extract_slice (strided); with a negative
// step → linalg.generic reading `start + i * step` through tensor.extract.
// Gather → linalg.generic over the result reading the index operand and
// extracting from the data (negative indices wrap, as in ONNX).
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

struct SliceOpLowering : public OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type));
      return success();
    }
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        strides.push_back(rewriter.getIndexAttr(steps[d]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, adaptor.getInput(), offsets, sizes, strides);
      return success();
    }
    Value input = adaptor.getInput();
    auto identity = rewriter.getMultiDimIdentityMap(rank);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        ValueRange{createEmpty(rewriter, loc, type)}, {identity},
        parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> idx;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            Value step = arith::ConstantIndexOp::create(b, l, steps[d]);
            Value start = arith::ConstantIndexOp::create(b, l, starts[d]);
            idx.push_back(arith::AddIOp::create(
                b, l, start, arith::MulIOp::create(b, l, i, step)));
          }
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, idx).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct GatherOpLowering : public OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto inType = cast<RankedTensorType>(input.getType());
    auto idxType = cast<RankedTensorType>(indices.getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    int64_t q = idxType.getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t j = 0; j < q; ++j) {
      idxExprs.push_back(getAffineDimExpr(axis + j, ctx));
    }
    auto idxMap = AffineMap::get(rank, 0, idxExprs, ctx);
    int64_t dim = inType.getDimSize(axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices},
        ValueRange{createEmpty(rewriter, loc, type)},
        {idxMap, rewriter.getMultiDimIdentityMap(rank)},
        parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value k = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value size = arith::ConstantIndexOp::create(b, l, dim);
          Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, k,
                                            zero);
          k = arith::SelectOp::create(
              b, l, neg, arith::AddIOp::create(b, l, k, size), k);
          SmallVector<Value> idx;
          for (int64_t d = 0; d < axis; ++d) {
            idx.push_back(linalg::IndexOp::create(b, l, d));
          }
          idx.push_back(k);
          for (int64_t d = axis + 1; d < inType.getRank(); ++d) {
            idx.push_back(linalg::IndexOp::create(b, l, d + q - 1));
          }
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, idx).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchTensorToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SliceOpLowering, GatherOpLowering>(patterns.getContext());
}
