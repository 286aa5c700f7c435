//===- ConvPatterns.cpp - etch.conv to Linalg -----------------------------===//
//
// 2-D convolutions map onto the named NCHW ops (plain, depthwise with
// multiplier 1, grouped through expand_shape); 1-D/3-D ones onto one grouped
// `linalg.generic`. The output starts as the broadcast bias and the conv
// accumulates into it; a fused activation follows as an in-place generic.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/Transforms/ConstantData.h"
#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

/// Pads the spatial dims (from dim 2 on) of `input` with zeros.
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, Value padValue) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t spatial = type.getRank() - 2;
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; })) {
    return input;
  }
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t i = 0; i < spatial; ++i) {
    low[2 + i] = pads[i];
    high[2 + i] = pads[spatial + i];
    shape[2 + i] += pads[i] + pads[spatial + i];
  }
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> lowOfr, highOfr;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    lowOfr.push_back(b.getIndexAttr(low[i]));
    highOfr.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(b, loc, paddedType, input, lowOfr, highOfr,
                               padValue);
}

/// The output init: the bias broadcast along every dim but `channelDims`
/// (reshaped to those dims first), or zeros.
Value createConvInit(OpBuilder &b, Location loc, RankedTensorType type,
                     Value bias, ArrayRef<int64_t> channelDims) {
  Type elementType = type.getElementType();
  if (!bias) {
    return createFilled(b, loc, type,
                        createScalar(b, loc, elementType, 0.0));
  }
  SmallVector<int64_t> biasShape;
  for (int64_t d : channelDims) {
    biasShape.push_back(type.getDimSize(d));
  }
  Value shaped = reshapeTo(b, loc, bias,
                           RankedTensorType::get(biasShape, elementType));
  SmallVector<int64_t> broadcastDims;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(channelDims, d)) {
      broadcastDims.push_back(d);
    }
  }
  return linalg::BroadcastOp::create(b, loc, shaped, createEmpty(b, loc, type),
                                     broadcastDims)
      .getResult()[0];
}

/// The convolution generic `out += in * w` over `numLoops` loops, those
/// from `firstReduction` on reductions; a uint8 `in` is zero-extended.
Value buildConvGeneric(OpBuilder &b, Location loc, Value input, Value weight,
                       Value init, int64_t numLoops, int64_t firstReduction,
                       ArrayRef<AffineExpr> inExprs, ArrayRef<AffineExpr> wExprs,
                       ArrayRef<AffineExpr> outExprs, bool unsignedInput) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inExprs, ctx),
                              AffineMap::get(numLoops, 0, wExprs, ctx),
                              AffineMap::get(numLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  for (int64_t i = firstReduction; i < numLoops; ++i) {
    iterators[i] = utils::IteratorType::reduction;
  }
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{input, weight},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nloc, createMulAdd(nb, nloc, args[2], args[0], args[1],
                                          unsignedInput));
             })
      .getResult(0);
}

/// Grouped N-d convolution as one generic on
/// input [N, G, C/G, S...], weight [G, F/G, C/G, K...], out [N, G, F/G, O...];
/// with `grouped` false, one group without its dimension: input [N, C, S...],
/// weight [F, C, K...] (or [F, K..., C] with `channelsLastWeight`),
/// out [N, F, O...].
Value buildGenericConv(OpBuilder &b, Location loc, Value input, Value weight,
                       Value init, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> dilations, bool unsignedInput,
                       bool grouped = true, bool channelsLastWeight = false) {
  auto outType = cast<RankedTensorType>(init.getType());
  int64_t spatial = outType.getRank() - (grouped ? 3 : 2);
  MLIRContext *ctx = b.getContext();
  // Loops: n, [g,] f, o_0..o_{s-1}, c, k_0..k_{s-1}.
  int64_t lead = grouped ? 3 : 2;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr n = dim(0), f = dim(lead - 1), c = dim(lead + spatial);
  SmallVector<AffineExpr> inExprs{n, c}, wExprs{f, c}, outExprs{n, f};
  if (grouped) {
    AffineExpr g = dim(1);
    inExprs.insert(inExprs.begin() + 1, g);
    wExprs.insert(wExprs.begin(), g);
    outExprs.insert(outExprs.begin() + 1, g);
  }
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(lead + i), k = dim(lead + 1 + spatial + i);
    inExprs.push_back(o * strides[i] + k * dilations[i]);
    wExprs.push_back(k);
    outExprs.push_back(o);
  }
  if (channelsLastWeight) {
    // [F, K..., C]: the channels of one filter tap are contiguous.
    wExprs.erase(wExprs.begin() + (grouped ? 2 : 1));
    wExprs.push_back(c);
  }
  return buildConvGeneric(b, loc, input, weight, init, lead + 1 + 2 * spatial,
                          lead + spatial, inExprs, wExprs, outExprs,
                          unsignedInput);
}

/// Depthwise N-d convolution (one filter per channel) as one generic on
/// input [N, C, S...], weight [C, K...], out [N, C, O...]: the form of a
/// zero-extended (uint8) input, which the named depthwise op cannot express.
Value buildGenericDepthwise(OpBuilder &b, Location loc, Value input,
                            Value weight, Value init, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilations, bool unsignedInput) {
  int64_t spatial = cast<RankedTensorType>(init.getType()).getRank() - 2;
  MLIRContext *ctx = b.getContext();
  // Loops: n, c, o_0..o_{s-1}, k_0..k_{s-1}.
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs{dim(0), dim(1)}, wExprs{dim(1)},
      outExprs{dim(0), dim(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = dim(2 + i), k = dim(2 + spatial + i);
    inExprs.push_back(o * strides[i] + k * dilations[i]);
    wExprs.push_back(k);
    outExprs.push_back(o);
  }
  return buildConvGeneric(b, loc, input, weight, init, 2 + 2 * spatial,
                          2 + spatial, inExprs, wExprs, outExprs,
                          unsignedInput);
}

/// The constant 8-bit weight [F, C, K...] of an integer convolution
/// repacked at compile time as [F, K..., C], so that the input channels a
/// dot-product instruction reduces over (4 per i32 lane) are contiguous;
/// null when the weight is not a constant.
Value packChannelsLast(OpBuilder &b, Location loc, Value weight) {
  ElementsAttr attr;
  if (auto c = weight.getDefiningOp<ConstantOp>()) {
    attr = c.getValue();
  } else if (auto c = weight.getDefiningOp<arith::ConstantOp>()) {
    attr = dyn_cast<ElementsAttr>(c.getValue());
  }
  auto type = cast<RankedTensorType>(weight.getType());
  if (!attr || !type.getElementType().isInteger(8) || !type.hasStaticShape()) {
    return Value();
  }
  std::optional<SmallVector<char>> bytes = getConstantBytes(attr);
  if (!bytes) {
    return Value();
  }
  ArrayRef<int64_t> shape = type.getShape();
  int64_t f = shape[0], c = shape[1], taps = type.getNumElements() / (f * c);
  SmallVector<char> packed(bytes->size());
  for (int64_t i = 0; i < f; ++i) {
    for (int64_t j = 0; j < c; ++j) {
      for (int64_t t = 0; t < taps; ++t) {
        packed[(i * taps + t) * c + j] = (*bytes)[(i * c + j) * taps + t];
      }
    }
  }
  SmallVector<int64_t> packedShape{f};
  packedShape.append(shape.begin() + 2, shape.end());
  packedShape.push_back(c);
  auto packedType = RankedTensorType::get(packedShape, type.getElementType());
  return arith::ConstantOp::create(
      b, loc, packedType,
      makeConstantAttr(packedType, packed, "packed_weight",
                       /*resourceThreshold=*/4096));
}

struct ConvOpLowering : public OpConversionPattern<ConvOp> {
  ConvOpLowering(MLIRContext *ctx, bool packInt8Weights)
      : OpConversionPattern(ctx), packInt8Weights(packInt8Weights) {}
  /// Signed int8 convolutions with a constant weight as a generic on the
  /// weight packed channels-last (targets with sdot/udot).
  bool packInt8Weights;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elementType = outType.getElementType();
    if (!isMatmulElementType(elementType) ||
        (!isa<FloatType>(elementType) &&
         op.getActivation() != ActivationKind::None)) {
      return rewriter.notifyMatchFailure(
          op, "only float convolutions, or integer ones without activation");
    }
    int64_t rank = inType.getRank();
    int64_t spatial = rank - 2;
    int64_t group = op.getGroup();
    int64_t cIn = inType.getDimSize(1), cOut = outType.getDimSize(1);
    if (spatial < 1 || group < 1 || cIn % group != 0 || cOut % group != 0) {
      return rewriter.notifyMatchFailure(op, "unsupported conv shape");
    }
    SmallVector<int64_t> strides = valuesOrOnes(op.getStrides(), spatial);
    SmallVector<int64_t> dilations = valuesOrOnes(op.getDilations(), spatial);
    SmallVector<int64_t> pads(op.getPads());
    pads.resize(2 * spatial, 0);
    // Integer convs may take i8 operands into an i32 result.
    Type inElement = inType.getElementType(), wElement = wType.getElementType();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), pads,
                             createScalar(rewriter, loc, inElement, 0.0));
    Value weight = adaptor.getWeight();
    Value bias = adaptor.getBias();
    Value result;
    // A uint8 input (zero-extended) has no named op: the generic form.
    bool unsignedInput = op.getUnsignedInput();
    // Signed int8 on sdot targets: channels-last weights as for uint8 ones,
    // where there are enough input channels for dot products (8: what
    // Int8DotProduct takes; a first layer's 3 keep the named op).
    Value packed;
    if (group == 1 && !unsignedInput && packInt8Weights && cIn >= 8 &&
        inElement.isInteger(8) && elementType.isInteger(32)) {
      packed = packChannelsLast(rewriter, loc, weight);
    }
    if (spatial == 2 && group == 1 && !unsignedInput && !packed) {
      Value init = createConvInit(rewriter, loc, outType, bias, {1});
      result = linalg::Conv2DNchwFchwOp::create(
                   rewriter, loc, TypeRange{outType},
                   ValueRange{input, weight}, ValueRange{init},
                   getI64Vector(rewriter, strides),
                   getI64Vector(rewriter, dilations))
                   .getResult(0);
    } else if (group == cIn && cOut == cIn && unsignedInput) {
      // Depthwise, multiplier 1, uint8 input: weight [C, 1, K...] -> [C, K...].
      Value init = createConvInit(rewriter, loc, outType, bias, {1});
      SmallVector<int64_t> wShape{wType.getDimSize(0)};
      for (int64_t i = 0; i < spatial; ++i) {
        wShape.push_back(wType.getDimSize(2 + i));
      }
      Value filter = reshapeTo(rewriter, loc, weight,
                               RankedTensorType::get(wShape, wElement));
      result = buildGenericDepthwise(rewriter, loc, input, filter, init,
                                     strides, dilations, unsignedInput);
    } else if (group == 1 && (unsignedInput || packed)) {
      Value init = createConvInit(rewriter, loc, outType, bias, {1});
      if (!packed) {
        packed = packChannelsLast(rewriter, loc, weight);
      }
      result = buildGenericConv(rewriter, loc, input, packed ? packed : weight,
                                init, strides, dilations, unsignedInput,
                                /*grouped=*/false, /*channelsLastWeight=*/!!packed);
    } else if (spatial == 2 && group == cIn && cOut == cIn && !unsignedInput) {
      // Depthwise, multiplier 1: weight [C, 1, KH, KW] -> [C, KH, KW].
      Value init = createConvInit(rewriter, loc, outType, bias, {1});
      auto w3 = RankedTensorType::get(
          {wType.getDimSize(0), wType.getDimSize(2), wType.getDimSize(3)},
          wElement);
      Value filter = reshapeTo(rewriter, loc, weight, w3);
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   rewriter, loc, TypeRange{outType},
                   ValueRange{input, filter}, ValueRange{init},
                   getI64Vector(rewriter, strides),
                   getI64Vector(rewriter, dilations))
                   .getResult(0);
    } else {
      // Grouped: split the channel dims into [G, C/G].
      auto inPadded = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> inShape{inPadded.getDimSize(0), group,
                                   cIn / group};
      SmallVector<int64_t> wShape{group, cOut / group, wType.getDimSize(1)};
      SmallVector<int64_t> outShape{outType.getDimSize(0), group,
                                    cOut / group};
      for (int64_t i = 0; i < spatial; ++i) {
        inShape.push_back(inPadded.getDimSize(2 + i));
        wShape.push_back(wType.getDimSize(2 + i));
        outShape.push_back(outType.getDimSize(2 + i));
      }
      Value gInput = reshapeTo(rewriter, loc, input,
                               RankedTensorType::get(inShape, inElement));
      Value gWeight = reshapeTo(rewriter, loc, weight,
                                RankedTensorType::get(wShape, wElement));
      auto gOutType = RankedTensorType::get(outShape, elementType);
      Value init = createConvInit(rewriter, loc, gOutType, bias, {1, 2});
      Value gResult;
      if (spatial == 2 && !unsignedInput) {
        gResult = linalg::Conv2DNgchwGfchwOp::create(
                      rewriter, loc, TypeRange{gOutType},
                      ValueRange{gInput, gWeight}, ValueRange{init},
                      getI64Vector(rewriter, strides),
                      getI64Vector(rewriter, dilations))
                      .getResult(0);
      } else {
        gResult = buildGenericConv(rewriter, loc, gInput, gWeight, init,
                                   strides, dilations, unsignedInput);
      }
      result = reshapeTo(rewriter, loc, gResult, outType);
    }
    result = applyActivationToTensor(
        rewriter, loc, result, op.getActivation(),
        op.getActAlpha().convertToFloat(), op.getActBeta().convertToFloat());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchConvToLinalgPatterns(RewritePatternSet &patterns,
                                                  bool packInt8Weights) {
  patterns.add<ConvOpLowering>(patterns.getContext(), packInt8Weights);
}
