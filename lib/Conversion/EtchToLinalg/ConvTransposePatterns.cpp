//===- ConvTransposePatterns.cpp - ConvTranspose, MaxPool indices ---------===//
//
// ConvTranspose is a stride-1 convolution (etch.conv, lowered by
// ConvPatterns.cpp) of the input spread out by the strides (zeros between
// elements, tensor.insert_slice with strides into a zero tensor) and padded by
// `dilation * (k - 1) - pad_begin` in front, with the kernel flipped and its
// two channel dims swapped per group.
//
// MaxPool's Indices output is one linalg.generic reduction over the window
// (of the -inf padded input) that carries (max, flat index), as ArgMax does.
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

/// Ceiling division for a positive divisor.
int64_t ceilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

struct ConvTransposeLowering : public OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inType = cast<RankedTensorType>(input.getType());
    auto wType = cast<RankedTensorType>(weight.getType());
    Type elem = outType.getElementType();
    int64_t rank = inType.getRank(), spatial = rank - 2;
    int64_t group = op.getGroup();
    int64_t cIn = inType.getDimSize(1), cg = cIn / group;
    int64_t mg = wType.getDimSize(1);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();

    // The spread-out, padded input.
    SmallVector<int64_t> zShape(inType.getShape());
    SmallVector<OpFoldResult> srcOffsets(rank, rewriter.getIndexAttr(0)),
        srcSizes, dstOffsets(rank, rewriter.getIndexAttr(0)),
        dstStrides(rank, rewriter.getIndexAttr(1)),
        ones(rank, rewriter.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d) {
      srcSizes.push_back(rewriter.getIndexAttr(inType.getDimSize(d)));
    }
    bool empty = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t d = i + 2, s = strides[i];
      int64_t span = dilations[i] * (wType.getDimSize(d) - 1);
      int64_t len = outType.getDimSize(d) + span;
      int64_t off = span - pads[i];
      int64_t first = off < 0 ? ceilDiv(-off, s) : 0;
      int64_t last =
          std::min<int64_t>(inType.getDimSize(d) - 1, (len - 1 - off) / s);
      if (len - 1 - off < 0 || last < first) {
        empty = true;
        last = first;
      }
      zShape[d] = len;
      srcOffsets[d] = rewriter.getIndexAttr(first);
      srcSizes[d] = rewriter.getIndexAttr(last - first + 1);
      dstOffsets[d] = rewriter.getIndexAttr(first * s + off);
      dstStrides[d] = rewriter.getIndexAttr(s);
    }
    auto zType = RankedTensorType::get(zShape, elem);
    Value z = createFilled(rewriter, loc, zType,
                           createScalar(rewriter, loc, elem, 0.0));
    if (!empty) {
      Value part = tensor::ExtractSliceOp::create(rewriter, loc, input,
                                                  srcOffsets, srcSizes, ones);
      z = tensor::InsertSliceOp::create(rewriter, loc, part, z, dstOffsets,
                                        srcSizes, dstStrides);
    }

    // Flipped kernel: w'[g, m, c, k] = w[g, c, m, K - 1 - k], then
    // [G * M/G, C/G, K...] as etch.conv wants it.
    SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
    SmallVector<int64_t> wgShape = {group, cg, mg};
    llvm::append_range(wgShape, kernel);
    SmallVector<int64_t> flipShape = {group, mg, cg};
    llvm::append_range(flipShape, kernel);
    Value wg = reshapeTo(rewriter, loc, weight,
                         RankedTensorType::get(wgShape, elem));
    // (The flip reads through tensor.extract: linalg's shape check does not
    // accept the decreasing map K - 1 - k.)
    auto flipType = RankedTensorType::get(flipShape, elem);
    Value flipped =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{flipType}, ValueRange{},
            ValueRange{createEmpty(rewriter, loc, flipType)},
            {rewriter.getMultiDimIdentityMap(rank + 1)},
            parallelIterators(rank + 1),
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> idx = {linalg::IndexOp::create(b, l, 0),
                                        linalg::IndexOp::create(b, l, 2),
                                        linalg::IndexOp::create(b, l, 1)};
              for (int64_t i = 0; i < spatial; ++i) {
                idx.push_back(arith::SubIOp::create(
                    b, l, arith::ConstantIndexOp::create(b, l, kernel[i] - 1),
                    linalg::IndexOp::create(b, l, 3 + i)));
              }
              linalg::YieldOp::create(
                  b, l, tensor::ExtractOp::create(b, l, wg, idx).getResult());
            })
            .getResult(0);
    SmallVector<int64_t> convWShape = {group * mg, cg};
    llvm::append_range(convWShape, kernel);
    Value convW = reshapeTo(rewriter, loc, flipped,
                            RankedTensorType::get(convWShape, elem));

    SmallVector<Value> operands = {z, convW};
    if (adaptor.getBias()) {
      operands.push_back(adaptor.getBias());
    }
    SmallVector<int64_t> unit(spatial, 1), noPads(2 * spatial, 0);
    Value conv =
        ConvOp::create(
            rewriter, loc, TypeRange{outType}, operands,
            {rewriter.getNamedAttr("strides",
                                   rewriter.getDenseI64ArrayAttr(unit)),
             rewriter.getNamedAttr("pads", rewriter.getDenseI64ArrayAttr(noPads)),
             rewriter.getNamedAttr("dilations",
                                   rewriter.getDenseI64ArrayAttr(dilations)),
             rewriter.getNamedAttr("group", rewriter.getI64IntegerAttr(group))})
            ->getResult(0);
    rewriter.replaceOp(op, conv);
    return success();
  }
};

struct MaxPoolIndicesLowering : public OpConversionPattern<MaxPoolIndicesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolIndicesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type elem = inType.getElementType();
    if (!elem.isIntOrFloat() || elem.isInteger(1)) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    int64_t rank = inType.getRank(), spatial = rank - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads(), dilations = op.getDilations();
    // Pad with the lowest value so padding never wins; windows that run past
    // the padded end (ceil_mode) read through an extra high pad.
    SmallVector<int64_t> paddedShape(inType.getShape());
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)),
        high(rank, rewriter.getIndexAttr(0));
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t need = (outType.getDimSize(i + 2) - 1) * strides[i] +
                     dilations[i] * (kernel[i] - 1) + 1;
      int64_t hi = std::max<int64_t>(
          pads[spatial + i], need - inType.getDimSize(i + 2) - pads[i]);
      low[i + 2] = rewriter.getIndexAttr(pads[i]);
      high[i + 2] = rewriter.getIndexAttr(hi);
      paddedShape[i + 2] += pads[i] + hi;
    }
    Value lowest = createLowest(rewriter, loc, elem);
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, elem), input, low,
        high, lowest);

    // Loops: n, c, o..., k...
    int64_t numLoops = rank + spatial;
    SmallVector<AffineExpr> inExprs = {getAffineDimExpr(0, ctx),
                                       getAffineDimExpr(1, ctx)};
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(getAffineDimExpr(2 + i, ctx) * strides[i] +
                        getAffineDimExpr(rank + i, ctx) * dilations[i]);
    }
    AffineMap outMap = AffineMap::get(
        numLoops, 0, rewriter.getMultiDimIdentityMap(rank).getResults(), ctx);
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.append(spatial, utils::IteratorType::reduction);
    auto valType = RankedTensorType::get(outType.getShape(), elem);
    Type i64 = rewriter.getI64Type();
    bool colMajor = op.getStorageOrder();
    // The window loops need an operand of their own (as the named pooling
    // ops' shape-only window tensor) for the maps to be invertible.
    SmallVector<AffineExpr> winExprs;
    for (int64_t i = 0; i < spatial; ++i) {
      winExprs.push_back(getAffineDimExpr(rank + i, ctx));
    }
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, elem);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, outType}, ValueRange{padded, window},
        ValueRange{createFilled(rewriter, loc, valType, lowest),
                   createFilled(rewriter, loc, outType,
                                createScalar(rewriter, loc, i64, -1))},
        {AffineMap::get(numLoops, 0, inExprs, ctx),
         AffineMap::get(numLoops, 0, winExprs, ctx), outMap, outMap},
        iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[2], bestIdx = args[3];
          Value better =
              isa<FloatType>(elem)
                  ? arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x,
                                          best)
                        .getResult()
                  : arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, x,
                                          best)
                        .getResult();
          // First window element also counts when everything equals lowest.
          Value unset = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, bestIdx,
              createScalar(b, l, i64, 0));
          better = arith::OrIOp::create(b, l, better, unset);
          auto idx = [&](int64_t d) {
            return arith::IndexCastOp::create(b, l, i64,
                                              linalg::IndexOp::create(b, l, d))
                .getResult();
          };
          auto cst = [&](int64_t v) { return createScalar(b, l, i64, v); };
          // Flat index: n, c, then the spatial coordinates (reversed for
          // storage_order = 1) of the unpadded input.
          Value flat = arith::AddIOp::create(
              b, l, arith::MulIOp::create(b, l, idx(0), cst(inType.getDimSize(1))),
              idx(1));
          SmallVector<Value> coords;
          for (int64_t i = 0; i < spatial; ++i) {
            Value c = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, idx(2 + i), cst(strides[i])),
                arith::MulIOp::create(b, l, idx(rank + i), cst(dilations[i])));
            coords.push_back(arith::SubIOp::create(b, l, c, cst(pads[i])));
          }
          for (int64_t j = 0; j < spatial; ++j) {
            int64_t i = colMajor ? spatial - 1 - j : j;
            flat = arith::AddIOp::create(
                b, l,
                arith::MulIOp::create(b, l, flat, cst(inType.getDimSize(2 + i))),
                coords[i]);
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, flat, bestIdx)});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchConvTransposeToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ConvTransposeLowering, MaxPoolIndicesLowering>(
      patterns.getContext());
}
