//===- DecomposeUnitWindow.cpp - window-op register tiles to generics -----===//
//
// After tiling, a register tile of an NCHW window op has batch, output-row
// and window extents of 1. Such a tile reads one strided input row per
// channel: rewrite it into a 2-D linalg.generic over rank-reducing slices
// (the input slice carries the stride):
//   conv / grouped conv:  out[f, ow] += in[c, ow * sw] * w[f, c]   (matmul)
//   depthwise conv:       out[c, ow] += in[c, ow * sw] * w[c]
//   pool:                 out[c, ow]  = max/add(out[c, ow], in[c, ow * sw])
// The vectorizer then emits an outer-product contraction along the output
// width (the contiguous dimension) instead of the 1-D convolution path.
//
//===----------------------------------------------------------------------===//
#include "LLVMCPUPatterns.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// The stride along the spatial dimension `fromBack` places before the last
/// (0: width, 1: height).
int64_t getSpatialStride(Operation *op, unsigned fromBack) {
  auto strides = op->getAttrOfType<DenseIntElementsAttr>("strides");
  if (!strides) {
    return 1;
  }
  SmallVector<int64_t> values(strides.getValues<int64_t>());
  return values.size() <= fromBack ? 1 : values[values.size() - 1 - fromBack];
}

/// Rank-reducing slice of `source` at offset 0 with `sizes` and `strides`,
/// keeping only the dimensions listed in `keep`.
Value sliceAndReduce(RewriterBase &rewriter, Location loc, Value source,
                     ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                     ArrayRef<unsigned> keep) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<int64_t> shape;
  for (unsigned d : keep) {
    shape.push_back(sizes[d]);
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> offsets(sizes.size(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizeAttrs = llvm::map_to_vector(
      sizes, [&](int64_t s) -> OpFoldResult { return rewriter.getIndexAttr(s); });
  SmallVector<OpFoldResult> strideAttrs = llvm::map_to_vector(
      strides,
      [&](int64_t s) -> OpFoldResult { return rewriter.getIndexAttr(s); });
  return tensor::ExtractSliceOp::create(rewriter, loc, resultType, source,
                                        offsets, sizeAttrs, strideAttrs);
}

/// Builds the generic with `op`'s payload; `argMap[i]` is the named op's
/// block argument index feeding the generic's block argument i.
Value buildGeneric(RewriterBase &rewriter, linalg::LinalgOp op,
                   ValueRange inputs, Value init, ArrayRef<AffineMap> maps,
                   ArrayRef<utils::IteratorType> iterators,
                   ArrayRef<unsigned> argMap) {
  Block *body = op.getBlock();
  auto generic = linalg::GenericOp::create(
      rewriter, op.getLoc(), TypeRange{init.getType()}, inputs,
      ValueRange{init}, maps, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        IRMapping mapping;
        for (auto [i, oldIdx] : llvm::enumerate(argMap)) {
          mapping.map(body->getArgument(oldIdx), args[i]);
        }
        for (Operation &inner : body->without_terminator()) {
          b.clone(inner, mapping);
        }
        SmallVector<Value> yields = llvm::map_to_vector(
            body->getTerminator()->getOperands(),
            [&](Value v) { return mapping.lookupOrDefault(v); });
        linalg::YieldOp::create(b, loc, yields);
      });
  // The tile keeps its root's schedule (and any other discardable
  // attribute) so that reports still see which root it belongs to.
  generic->setDiscardableAttrs(op->getDiscardableAttrDictionary());
  return generic->getResult(0);
}

bool allStatic(linalg::LinalgOp op) {
  return llvm::all_of(op->getOperandTypes(), [](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    return !shaped || shaped.hasStaticShape();
  });
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

struct DecomposeUnitWindowOp
    : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    bool isConv = isa<linalg::Conv2DNchwFchwOp>(op);
    bool isGroupConv = isa<linalg::Conv2DNgchwGfchwOp>(op);
    bool isDepthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(op);
    bool isPool = isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op);
    if (!(isConv || isGroupConv || isDepthwise || isPool) ||
        !op.hasPureTensorSemantics() || !allStatic(op)) {
      return rewriter.notifyMatchFailure(op, "not a static NCHW window op");
    }
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getDpsInputOperand(0)->get();
    Value filter = op.getDpsInputOperand(1)->get();
    Value init = op.getDpsInitOperand(0)->get();
    ArrayRef<int64_t> inShape = shapeOf(input);
    ArrayRef<int64_t> fShape = shapeOf(filter);
    ArrayRef<int64_t> outShape = shapeOf(init);
    int64_t rank = outShape.size();
    // Batch (and group) extents 1, one output row, 1x1 window.
    for (int64_t i = 0; i < rank - 3; ++i) {
      if (outShape[i] != 1) {
        return rewriter.notifyMatchFailure(op, "batch/group extent is not 1");
      }
    }
    if (fShape[fShape.size() - 1] != 1 || fShape[fShape.size() - 2] != 1) {
      return rewriter.notifyMatchFailure(op, "window extent is not 1");
    }
    // The column is the output width, or the height of an image one column
    // wide (a [k, 1] kernel over an H x 1 image): the other one must be 1.
    unsigned fromBack = 0;
    if (outShape[rank - 2] != 1) {
      if (outShape[rank - 1] != 1) {
        return rewriter.notifyMatchFailure(op, "row and width extents are not 1");
      }
      fromBack = 1;
    }
    int64_t sw = getSpatialStride(op, fromBack);
    int64_t ow = outShape[rank - 1 - fromBack];
    if (isPool && !op.getBlock()->getArgument(1).use_empty()) {
      return rewriter.notifyMatchFailure(op, "pool body reads its window");
    }

    // Input slice [.., C, 1, OW] (stride sw along W) -> [C, OW], or
    // [.., C, OH, 1] (stride sh along H) -> [C, OH].
    unsigned inRank = inShape.size();
    SmallVector<int64_t> inSizes(inRank, 1), inStrides(inRank, 1);
    inSizes[inRank - 3] = inShape[inRank - 3];
    inSizes[inRank - 1 - fromBack] = ow;
    inStrides[inRank - 1 - fromBack] = sw;
    Value in2d = sliceAndReduce(rewriter, loc, input, inSizes, inStrides,
                                {inRank - 3, inRank - 1 - fromBack});
    SmallVector<int64_t> outStrides(rank, 1);
    Value out2d = sliceAndReduce(rewriter, loc, init, outShape, outStrides,
                                 {static_cast<unsigned>(rank - 3),
                                  static_cast<unsigned>(rank - 1 - fromBack)});

    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    Value result;
    if (isConv || isGroupConv) {
      // Filter [.., F, C, 1, 1] -> [F, C]; loops (f, ow, c).
      unsigned fRank = fShape.size();
      SmallVector<int64_t> fStrides(fRank, 1);
      Value w2d = sliceAndReduce(rewriter, loc, filter, fShape, fStrides,
                                 {fRank - 4, fRank - 3});
      // Operands in matmul order (A = filter, B = input) so that the
      // vectorizer can specialize the generic back to linalg.matmul.
      SmallVector<AffineMap> maps = {
          AffineMap::get(3, 0, {d0, d2}, ctx),
          AffineMap::get(3, 0, {d2, d1}, ctx),
          AffineMap::get(3, 0, {d0, d1}, ctx)};
      result = buildGeneric(rewriter, op, {w2d, in2d}, out2d, maps,
                            {par, par, red}, {1, 0, 2});
    } else if (isDepthwise) {
      // Filter [C, 1, 1] -> [C]; loops (c, ow).
      Value w1d = sliceAndReduce(rewriter, loc, filter, fShape, {1, 1, 1}, {0});
      SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {d0, d1}, ctx),
                                     AffineMap::get(2, 0, {d0}, ctx),
                                     AffineMap::get(2, 0, {d0, d1}, ctx)};
      result = buildGeneric(rewriter, op, {in2d, w1d}, out2d, maps, {par, par},
                            {0, 1, 2});
    } else {
      SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {d0, d1}, ctx),
                                     AffineMap::get(2, 0, {d0, d1}, ctx)};
      result = buildGeneric(rewriter, op, {in2d}, out2d, maps, {par, par},
                            {0, 2});
    }
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = llvm::map_to_vector(
        outShape,
        [&](int64_t s) -> OpFoldResult { return rewriter.getIndexAttr(s); });
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(op, result, init,
                                                       offsets, sizes, strides);
    return success();
  }
};
/// Any other statically shaped convolution or pooling tile (1-D, 3-D,
/// channels-last, the importer's grouped N-d generic): loops of extent 1 are
/// replaced by 0; each operand dimension must then be 0 (a unit dimension,
/// sliced away) or `d * s` of one remaining loop (a slice with stride s).
/// What is left is a generic over the remaining loops whose maps are
/// projected permutations: a contraction (conv), an elementwise FMA
/// (depthwise) or max/add (pool), all of which the vectorizer handles.
struct DecomposeUnitLoopsWindowOp
    : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp,
            linalg::DepthwiseConv2DNchwChwOp, linalg::PoolingNchwMaxOp,
            linalg::PoolingNchwSumOp>(op)) {
      return rewriter.notifyMatchFailure(op, "handled by the NCHW pattern");
    }
    if (!linalg::isaConvolutionOpInterface(op) ||
        !op.hasPureTensorSemantics() || !allStatic(op) ||
        op->getNumResults() != 1 || op.getNumDpsInits() != 1) {
      return rewriter.notifyMatchFailure(op, "not a static window op");
    }
    MLIRContext *ctx = op.getContext();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    unsigned numLoops = ranges.size();
    SmallVector<unsigned> kept;
    SmallVector<AffineExpr> replacements;
    for (unsigned d = 0; d < numLoops; ++d) {
      if (ranges[d] == 1) {
        replacements.push_back(getAffineConstantExpr(0, ctx));
      } else {
        replacements.push_back(getAffineDimExpr(kept.size(), ctx));
        kept.push_back(d);
      }
    }
    if (kept.size() == numLoops) {
      return rewriter.notifyMatchFailure(op, "no unit loops to drop");
    }

    Location loc = op.getLoc();
    SmallVector<Value> operands;
    SmallVector<AffineMap> maps;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      ArrayRef<int64_t> shape = shapeOf(operand.get());
      SmallVector<int64_t> sizes, strides;
      SmallVector<unsigned> keepDims;
      SmallVector<AffineExpr> exprs;
      bool isInit = op.isDpsInit(&operand);
      for (auto [j, expr] : llvm::enumerate(map.getResults())) {
        AffineExpr e = simplifyAffineExpr(
            expr.replaceDims(replacements), kept.size(), 0);
        if (auto c = dyn_cast<AffineConstantExpr>(e)) {
          if (c.getValue() != 0 || shape[j] != 1) {
            return rewriter.notifyMatchFailure(op, "unit dim is not at 0");
          }
          sizes.push_back(1);
          strides.push_back(1);
          continue;
        }
        AffineExpr dimExpr = e;
        int64_t stride = 1;
        if (auto mul = dyn_cast<AffineBinaryOpExpr>(e);
            mul && mul.getKind() == AffineExprKind::Mul) {
          auto c = dyn_cast<AffineConstantExpr>(mul.getRHS());
          if (!c || c.getValue() < 1) {
            return rewriter.notifyMatchFailure(op, "non-strided access");
          }
          dimExpr = mul.getLHS();
          stride = c.getValue();
        }
        auto dim = dyn_cast<AffineDimExpr>(dimExpr);
        if (!dim || (isInit && stride != 1)) {
          return rewriter.notifyMatchFailure(op, "compound access remains");
        }
        int64_t extent = ranges[kept[dim.getPosition()]];
        if ((extent - 1) * stride + 1 > shape[j]) {
          return rewriter.notifyMatchFailure(op, "slice exceeds operand");
        }
        sizes.push_back(extent);
        strides.push_back(stride);
        keepDims.push_back(j);
        exprs.push_back(dim);
      }
      Value v = operand.get();
      bool identity = keepDims.size() == shape.size() &&
                      llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
                      ArrayRef<int64_t>(sizes) == shape;
      if (!identity) {
        v = sliceAndReduce(rewriter, loc, v, sizes, strides, keepDims);
      }
      operands.push_back(v);
      maps.push_back(AffineMap::get(kept.size(), 0, exprs, ctx));
    }
    SmallVector<utils::IteratorType> iterators;
    SmallVector<utils::IteratorType> all = op.getIteratorTypesArray();
    for (unsigned d : kept) {
      iterators.push_back(all[d]);
    }
    SmallVector<unsigned> argMap;
    for (unsigned i = 0, e = operands.size(); i < e; ++i) {
      argMap.push_back(i);
    }
    Value init = op.getDpsInitOperand(0)->get();
    ValueRange inputs = ValueRange(operands).drop_back();
    Value result = buildGeneric(rewriter, op, inputs, operands.back(), maps,
                                iterators, argMap);
    if (result.getType() == init.getType()) {
      rewriter.replaceOp(op, result);
      return success();
    }
    ArrayRef<int64_t> outShape = shapeOf(init);
    SmallVector<OpFoldResult> offsets(outShape.size(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = llvm::map_to_vector(
        outShape,
        [&](int64_t s) -> OpFoldResult { return rewriter.getIndexAttr(s); });
    SmallVector<OpFoldResult> strides(outShape.size(), rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(op, result, init,
                                                       offsets, sizes, strides);
    return success();
  }
};
} // namespace

void mlir::etch::llvmcpu::populateDecomposeUnitWindowPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeUnitWindowOp>(patterns.getContext());
  patterns.add<DecomposeUnitLoopsWindowOp>(patterns.getContext());
}
