//===- PoolingPatterns.cpp - etch pooling ops to Linalg -------------------===//
//
// Max/AveragePool pad the input (-inf / 0; ceil_mode windows that run past
// the end padding get extra padding that never wins or counts) and use the
// named NCHW/NCW pooling ops, or a generic for 3-D. AveragePool divides by a
// divisor computed at compile time per output position, exactly as ONNX
// Runtime counts: with count_include_pad the window is clipped to the
// explicitly padded input, without it to the real input.
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

struct PoolParams {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
};

PoolParams getPoolParams(Operation *op, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                         ArrayRef<int64_t> dilations) {
  int64_t spatial = kernel.size();
  PoolParams p;
  p.kernel.assign(kernel.begin(), kernel.end());
  p.strides = valuesOrOnes(strides, spatial);
  p.dilations = valuesOrOnes(dilations, spatial);
  p.padBegin.assign(spatial, 0);
  p.padEnd.assign(spatial, 0);
  for (int64_t i = 0; i < spatial && 2 * spatial == (int64_t)pads.size();
       ++i) {
    p.padBegin[i] = pads[i];
    p.padEnd[i] = pads[spatial + i];
  }
  return p;
}

/// Pads the input so every window of the output lies inside it.
Value padForPooling(OpBuilder &b, Location loc, Value input,
                    RankedTensorType outType, const PoolParams &p,
                    Value padValue) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t spatial = p.kernel.size();
  SmallVector<int64_t> shape(inType.getShape());
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)),
      high(2, b.getIndexAttr(0));
  bool any = false;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t size = inType.getDimSize(2 + i);
    int64_t needed = (outType.getDimSize(2 + i) - 1) * p.strides[i] +
                     (p.kernel[i] - 1) * p.dilations[i] + 1;
    int64_t end = std::max(p.padEnd[i], needed - size - p.padBegin[i]);
    low.push_back(b.getIndexAttr(p.padBegin[i]));
    high.push_back(b.getIndexAttr(end));
    shape[2 + i] = size + p.padBegin[i] + end;
    any |= p.padBegin[i] != 0 || end != 0;
  }
  if (!any) {
    return input;
  }
  auto paddedType = RankedTensorType::get(shape, inType.getElementType());
  return tensor::PadOp::create(b, loc, paddedType, input, low, high, padValue);
}

/// Sliding-window reduction of `input` (already padded) into `init`.
Value buildPooling(OpBuilder &b, Location loc, Value input, Value init,
                   const PoolParams &p, bool isMax) {
  auto outType = cast<RankedTensorType>(init.getType());
  Type elementType = outType.getElementType();
  int64_t spatial = p.kernel.size();
  Value window = tensor::EmptyOp::create(b, loc, p.kernel, elementType);
  SmallVector<Value> ins{input, window};
  auto strides = getI64Vector(b, p.strides);
  auto dilations = getI64Vector(b, p.dilations);
  if (spatial == 2 && isMax) {
    return linalg::PoolingNchwMaxOp::create(b, loc, TypeRange{outType}, ins,
                                            ValueRange{init}, strides,
                                            dilations)
        .getResult(0);
  }
  if (spatial == 2) {
    return linalg::PoolingNchwSumOp::create(b, loc, TypeRange{outType}, ins,
                                            ValueRange{init}, strides,
                                            dilations)
        .getResult(0);
  }
  if (spatial == 1 && isMax) {
    return linalg::PoolingNcwMaxOp::create(b, loc, TypeRange{outType}, ins,
                                           ValueRange{init}, strides,
                                           dilations)
        .getResult(0);
  }
  if (spatial == 1) {
    return linalg::PoolingNcwSumOp::create(b, loc, TypeRange{outType}, ins,
                                           ValueRange{init}, strides,
                                           dilations)
        .getResult(0);
  }
  // Loops: n, c, o..., k...
  MLIRContext *ctx = b.getContext();
  int64_t numLoops = 2 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs{dim(0), dim(1)}, wExprs, outExprs{dim(0),
                                                                    dim(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    inExprs.push_back(o * p.strides[i] + k * p.dilations[i]);
    wExprs.push_back(k);
    outExprs.push_back(o);
  }
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  for (int64_t i = 2 + spatial; i < numLoops; ++i) {
    iterators[i] = utils::IteratorType::reduction;
  }
  bool isFloat = isa<FloatType>(elementType);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ins, ValueRange{init},
             {AffineMap::get(numLoops, 0, inExprs, ctx),
              AffineMap::get(numLoops, 0, wExprs, ctx),
              AffineMap::get(numLoops, 0, outExprs, ctx)},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v;
               if (isMax) {
                 v = isFloat ? arith::MaximumFOp::create(nb, l, args[2],
                                                         args[0])
                                   .getResult()
                             : arith::MaxSIOp::create(nb, l, args[2], args[0])
                                   .getResult();
               } else {
                 v = isFloat
                         ? arith::AddFOp::create(nb, l, args[2], args[0])
                               .getResult()
                         : arith::AddIOp::create(nb, l, args[2], args[0])
                               .getResult();
               }
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

struct MaxPoolOpLowering : public OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    if (!elementType.isIntOrFloat() || outType.getRank() < 3) {
      return rewriter.notifyMatchFailure(op, "unsupported max_pool");
    }
    PoolParams p = getPoolParams(op, op.getKernelShape(), op.getStrides(),
                                 op.getPads(), op.getDilations());
    Value lowest = createLowest(rewriter, loc, elementType);
    Value input =
        padForPooling(rewriter, loc, adaptor.getInput(), outType, p, lowest);
    Value init = createFilled(rewriter, loc, outType, lowest);
    rewriter.replaceOp(op, buildPooling(rewriter, loc, input, init, p, true));
    return success();
  }
};

/// Number of window taps, per output index along one axis, that ONNX
/// Runtime counts: taps inside [lo, hi) in unpadded input coordinates.
SmallVector<int64_t> countTaps(int64_t outSize, int64_t kernel, int64_t stride,
                               int64_t dilation, int64_t padBegin, int64_t lo,
                               int64_t hi) {
  SmallVector<int64_t> counts(outSize, 0);
  for (int64_t o = 0; o < outSize; ++o) {
    for (int64_t k = 0; k < kernel; ++k) {
      int64_t i = o * stride - padBegin + k * dilation;
      counts[o] += (i >= lo && i < hi) ? 1 : 0;
    }
  }
  return counts;
}

struct AveragePoolOpLowering : public OpConversionPattern<AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Type elementType = outType.getElementType();
    if (!isa<FloatType>(elementType) || outType.getRank() < 3) {
      return rewriter.notifyMatchFailure(op, "only float average_pool");
    }
    PoolParams p = getPoolParams(op, op.getKernelShape(), op.getStrides(),
                                 op.getPads(), op.getDilations());
    int64_t spatial = p.kernel.size();
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value input =
        padForPooling(rewriter, loc, adaptor.getInput(), outType, p, zero);
    Value init = createFilled(rewriter, loc, outType, zero);
    Value sum = buildPooling(rewriter, loc, input, init, p, false);

    // Divisor per output position: a product of per-axis counts.
    SmallVector<int64_t> outSpatial(outType.getShape().drop_front(2));
    SmallVector<SmallVector<int64_t>> axisCounts;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t size = inType.getDimSize(2 + i);
      int64_t lo = op.getCountIncludePad() ? -p.padBegin[i] : 0;
      int64_t hi = op.getCountIncludePad() ? size + p.padEnd[i] : size;
      axisCounts.push_back(countTaps(outSpatial[i], p.kernel[i], p.strides[i],
                                     p.dilations[i], p.padBegin[i], lo, hi));
    }
    SmallVector<float> divisors;
    SmallVector<int64_t> idx(spatial, 0);
    int64_t numel = 1;
    for (int64_t d : outSpatial) {
      numel *= d;
    }
    for (int64_t linear = 0; linear < numel; ++linear) {
      int64_t count = 1;
      for (int64_t i = 0; i < spatial; ++i) {
        count *= axisCounts[i][idx[i]];
      }
      divisors.push_back(static_cast<float>(std::max<int64_t>(count, 1)));
      for (int64_t i = spatial - 1; i >= 0; --i) {
        if (++idx[i] < outSpatial[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    int64_t rank = outType.getRank();
    auto identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    bool uniform = llvm::all_equal(divisors);
    Value divisor;
    AffineMap divisorMap;
    if (uniform) {
      divisor = createScalar(rewriter, loc, elementType, divisors.front());
    } else {
      auto divType = RankedTensorType::get(outSpatial, elementType);
      SmallVector<Attribute> values;
      for (float d : divisors) {
        values.push_back(rewriter.getFloatAttr(elementType, d));
      }
      divisor = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(divType, values));
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < spatial; ++i) {
        exprs.push_back(getAffineDimExpr(2 + i, ctx));
      }
      divisorMap = AffineMap::get(rank, 0, exprs, ctx);
    }
    SmallVector<Value> ins;
    SmallVector<AffineMap> maps;
    if (!uniform) {
      ins.push_back(divisor);
      maps.push_back(divisorMap);
    }
    maps.push_back(identity);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outType}, ins, ValueRange{sum}, maps,
            parallelIterators(rank),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value d = uniform ? divisor : args[0];
              Value v = arith::DivFOp::create(b, l, args.back(), d);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GlobalAveragePoolOpLowering
    : public OpConversionPattern<GlobalAveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Type elementType = outType.getElementType();
    int64_t rank = inType.getRank();
    if (!isa<FloatType>(elementType) || rank < 3) {
      return rewriter.notifyMatchFailure(op, "only float [N, C, ...] input");
    }
    auto sumType = RankedTensorType::get(
        {inType.getDimSize(0), inType.getDimSize(1)}, elementType);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    iterators[0] = iterators[1] = utils::IteratorType::parallel;
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{sumType}, ValueRange{adaptor.getInput()},
            ValueRange{createFilled(rewriter, loc, sumType, zero)},
            {AffineMap::getMultiDimIdentityMap(rank, ctx),
             AffineMap::get(rank, 0,
                            {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)},
                            ctx)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v = arith::AddFOp::create(b, l, args[1], args[0]);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    int64_t count = inType.getNumElements() /
                    (inType.getDimSize(0) * inType.getDimSize(1));
    Value divisor = createScalar(rewriter, loc, elementType, count);
    auto id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    Value mean = linalg::GenericOp::create(
                     rewriter, loc, TypeRange{sumType}, ValueRange{},
                     ValueRange{sum}, {id2}, parallelIterators(2),
                     [&](OpBuilder &b, Location l, ValueRange args) {
                       Value v = arith::DivFOp::create(b, l, args[0], divisor);
                       linalg::YieldOp::create(b, l, v);
                     })
                     .getResult(0);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, mean, outType));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchPoolingToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MaxPoolOpLowering, AveragePoolOpLowering,
               GlobalAveragePoolOpLowering>(patterns.getContext());
}
