//===- ReductionPatterns.cpp - etch reductions and softmax to Linalg ------===//
//
// Reductions are a `linalg.generic` whose output map drops the reduced dims
// (mean divides afterwards, keepdims is an expand_shape). Softmax is the
// numerically stable max / exp(x - max) / sum / divide sequence.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

enum class ReduceKind { Sum, Max };

/// The narrow integer tensor that `value` is an elementwise sign or zero
/// extension of (a linalg.generic that only extends), and the extension;
/// null otherwise. A sum of int8 values in int32 (a quantized
/// average pool) then extends each element as it adds it, so the int32 copy
/// of the input is never stored: tile-and-fuse would otherwise fuse the
/// extension into its producer and keep a full-size int32 tensor (4x the
/// int8 one) between the two.
std::pair<Value, Operation *> extendedSource(Value value) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic->getNumResults() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); })) {
    return {};
  }
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2) {
    return {};
  }
  Operation *ext = &body.front();
  if (!isa<arith::ExtSIOp, arith::ExtUIOp>(ext) ||
      ext->getOperand(0) != body.getArgument(0) ||
      body.getTerminator()->getOperand(0) != ext->getResult(0)) {
    return {};
  }
  return {generic.getDpsInputOperand(0)->get(), ext};
}

/// Reduces `input` over `axes` into a tensor of the kept dims.
Value buildReduce(OpBuilder &b, Location loc, Value input,
                  ArrayRef<int64_t> axes, ReduceKind kind) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type elementType = inType.getElementType();
  Operation *extension = nullptr;
  if (kind == ReduceKind::Sum) {
    auto [source, ext] = extendedSource(input);
    if (source) {
      input = source;
      extension = ext;
    }
  }
  MLIRContext *ctx = b.getContext();
  int64_t rank = inType.getRank();
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      iterators.push_back(utils::IteratorType::parallel);
      keptShape.push_back(inType.getDimSize(d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  auto outType = RankedTensorType::get(keptShape, elementType);
  Value initValue = kind == ReduceKind::Max
                        ? createLowest(b, loc, elementType)
                        : createScalar(b, loc, elementType, 0.0);
  bool isFloat = isa<FloatType>(elementType);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{input},
             ValueRange{createFilled(b, loc, outType, initValue)},
             {AffineMap::getMultiDimIdentityMap(rank, ctx),
              AffineMap::get(rank, 0, outExprs, ctx)},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v;
               if (kind == ReduceKind::Max) {
                 v = isFloat ? arith::MaximumFOp::create(nb, l, args[1],
                                                         args[0])
                                   .getResult()
                             : arith::MaxSIOp::create(nb, l, args[1], args[0])
                                   .getResult();
               } else {
                 Value x = args[0];
                 if (extension) {
                   IRMapping map;
                   map.map(extension->getOperand(0), x);
                   x = nb.clone(*extension, map)->getResult(0);
                 }
                 v = isFloat
                         ? arith::AddFOp::create(nb, l, args[1], x).getResult()
                         : arith::AddIOp::create(nb, l, args[1], x).getResult();
               }
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

/// An elementwise in-place generic dividing `tensor` by `divisor`.
Value divideBy(OpBuilder &b, Location loc, Value tensor, int64_t divisor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value d = createScalar(b, loc, type.getElementType(), divisor);
  bool isFloat = isa<FloatType>(type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{tensor},
             {AffineMap::getMultiDimIdentityMap(type.getRank(),
                                                b.getContext())},
             parallelIterators(type.getRank()),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v = isFloat ? arith::DivFOp::create(nb, l, args[0], d)
                                       .getResult()
                                 : arith::DivSIOp::create(nb, l, args[0], d)
                                       .getResult();
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

template <typename OpTy, ReduceKind Kind, bool IsMean>
struct ReduceOpLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (!inType.getElementType().isIntOrFloat()) {
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    SmallVector<int64_t> axes(op.getAxes());
    if (axes.empty()) {
      // ONNX: no axes reduces everything.
      for (int64_t d = 0; d < inType.getRank(); ++d) {
        axes.push_back(d);
      }
    }
    Value result =
        buildReduce(rewriter, loc, adaptor.getInput(), axes, Kind);
    if (IsMean) {
      int64_t count = 1;
      for (int64_t d : axes) {
        count *= inType.getDimSize(d);
      }
      result = divideBy(rewriter, loc, result, count);
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result, outType));
    return success();
  }
};

struct SoftmaxOpLowering : public OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    if (!isa<FloatType>(type.getElementType())) {
      return rewriter.notifyMatchFailure(op, "only float softmax");
    }
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    Value input = adaptor.getInput();
    Value max = buildReduce(rewriter, loc, input, {axis}, ReduceKind::Max);
    SmallVector<AffineExpr> keptExprs;
    for (int64_t d = 0; d < rank; ++d) {
      if (d != axis) {
        keptExprs.push_back(getAffineDimExpr(d, ctx));
      }
    }
    auto identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    auto keptMap = AffineMap::get(rank, 0, keptExprs, ctx);
    Value exp = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{type}, ValueRange{input, max},
                    ValueRange{createEmpty(rewriter, loc, type)},
                    {identity, keptMap, identity}, parallelIterators(rank),
                    [&](OpBuilder &b, Location l, ValueRange args) {
                      Value v = arith::SubFOp::create(b, l, args[0], args[1]);
                      v = math::ExpOp::create(b, l, v);
                      linalg::YieldOp::create(b, l, v);
                    })
                    .getResult(0);
    Value sum = buildReduce(rewriter, loc, exp, {axis}, ReduceKind::Sum);
    Value result = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{type}, ValueRange{sum},
                       ValueRange{exp}, {keptMap, identity},
                       parallelIterators(rank),
                       [&](OpBuilder &b, Location l, ValueRange args) {
                         Value v =
                             arith::DivFOp::create(b, l, args[1], args[0]);
                         linalg::YieldOp::create(b, l, v);
                       })
                       .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchReductionToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ReduceOpLowering<ReduceSumOp, ReduceKind::Sum, false>,
               ReduceOpLowering<ReduceMeanOp, ReduceKind::Sum, true>,
               ReduceOpLowering<ReduceMaxOp, ReduceKind::Max, false>,
               SoftmaxOpLowering>(patterns.getContext());
}
