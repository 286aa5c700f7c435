//===- Utils.cpp - helpers shared by the etch → Linalg patterns -----------===//
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

Value to_linalg::createEmpty(OpBuilder &b, Location loc,
                             RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value to_linalg::createScalar(OpBuilder &b, Location loc, Type elementType,
                              double value) {
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    return arith::ConstantOp::create(b, loc,
                                     b.getFloatAttr(floatType, value));
  }
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(elementType, static_cast<int64_t>(value)));
}

Value to_linalg::createMulAdd(OpBuilder &b, Location loc, Value acc, Value x,
                              Value y, bool unsignedX) {
  if (isa<FloatType>(acc.getType())) {
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, x, y));
  }
  // i8 operands into an i32 accumulator (the quantized conv/matmul): sign
  // extension in the body, as the named linalg ops do; zero extension of a
  // uint8 x.
  auto widen = [&](Value v, bool isUnsigned) -> Value {
    if (v.getType() == acc.getType()) {
      return v;
    }
    if (isUnsigned) {
      return arith::ExtUIOp::create(b, loc, acc.getType(), v);
    }
    return arith::ExtSIOp::create(b, loc, acc.getType(), v);
  };
  return arith::AddIOp::create(
      b, loc, acc,
      arith::MulIOp::create(b, loc, widen(x, unsignedX), widen(y, false)));
}

bool to_linalg::isMatmulElementType(Type type) {
  return isa<FloatType>(type) ||
         (type.isSignlessInteger() && type.getIntOrFloatBitWidth() >= 8);
}

Value to_linalg::createLowest(OpBuilder &b, Location loc, Type elementType) {
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, llvm::APFloat::getInf(
                                      floatType.getFloatSemantics(),
                                      /*Negative=*/true)));
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  llvm::APInt lowest = elementType.isUnsignedInteger()
                           ? llvm::APInt::getMinValue(width)
                           : llvm::APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc,
                                   b.getIntegerAttr(elementType, lowest));
}

Value to_linalg::createFilled(OpBuilder &b, Location loc,
                              RankedTensorType type, Value value) {
  Value empty = createEmpty(b, loc, type);
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

AffineMap to_linalg::getBroadcastMap(MLIRContext *ctx,
                                     ArrayRef<int64_t> inShape,
                                     ArrayRef<int64_t> outShape) {
  int64_t outRank = outShape.size(), inRank = inShape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < inRank; ++d) {
    int64_t od = d + outRank - inRank;
    if (inShape[d] == 1 && outShape[od] != 1) {
      exprs.push_back(getAffineConstantExpr(0, ctx));
    } else {
      exprs.push_back(getAffineDimExpr(od, ctx));
    }
  }
  return AffineMap::get(outRank, 0, exprs, ctx);
}

SmallVector<utils::IteratorType> to_linalg::parallelIterators(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

Value to_linalg::applyActivation(OpBuilder &b, Location loc, Value x,
                                 ActivationKind kind, float alpha,
                                 float beta) {
  Type type = x.getType();
  auto cst = [&](double v) { return createScalar(b, loc, type, v); };
  // ORT's formulas, op for op. maximumf/minimumf propagate NaN; on NaN-free
  // inputs they equal the std::max/min that ORT's kernels use.
  switch (kind) {
  case ActivationKind::None:
    return x;
  case ActivationKind::Relu:
    return arith::MaximumFOp::create(b, loc, x, cst(0.0));
  case ActivationKind::Clip: {
    Value v = x;
    if (!std::isinf(alpha) || alpha > 0) {
      v = arith::MaximumFOp::create(b, loc, v, cst(alpha));
    }
    if (!std::isinf(beta) || beta < 0) {
      v = arith::MinimumFOp::create(b, loc, v, cst(beta));
    }
    return v;
  }
  case ActivationKind::Sigmoid: {
    Value neg = arith::NegFOp::create(b, loc, x);
    Value e = math::ExpOp::create(b, loc, neg);
    Value one = cst(1.0);
    Value denom = arith::AddFOp::create(b, loc, one, e);
    return arith::DivFOp::create(b, loc, one, denom);
  }
  case ActivationKind::Tanh:
    return math::TanhOp::create(b, loc, x);
  case ActivationKind::HardSigmoid:
  case ActivationKind::HardSwish: {
    float a = kind == ActivationKind::HardSwish ? 1.0f / 6.0f : alpha;
    float c = kind == ActivationKind::HardSwish ? 0.5f : beta;
    Value v = arith::MulFOp::create(b, loc, x, cst(a));
    v = arith::AddFOp::create(b, loc, v, cst(c));
    v = arith::MinimumFOp::create(b, loc, v, cst(1.0));
    v = arith::MaximumFOp::create(b, loc, v, cst(0.0));
    if (kind == ActivationKind::HardSwish) {
      v = arith::MulFOp::create(b, loc, x, v);
    }
    return v;
  }
  case ActivationKind::LeakyRelu: {
    Value nonNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                         cst(0.0));
    Value scaled = arith::MulFOp::create(b, loc, x, cst(alpha));
    return arith::SelectOp::create(b, loc, nonNeg, x, scaled);
  }
  }
  return x;
}

Value to_linalg::applyActivationToTensor(OpBuilder &b, Location loc,
                                         Value tensor, ActivationKind kind,
                                         float alpha, float beta) {
  if (kind == ActivationKind::None) {
    return tensor;
  }
  auto type = cast<RankedTensorType>(tensor.getType());
  MLIRContext *ctx = b.getContext();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{tensor},
      {AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)},
      parallelIterators(type.getRank()),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = applyActivation(nb, nloc, args[0], kind, alpha, beta);
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

Value to_linalg::reshapeTo(OpBuilder &b, Location loc, Value value,
                           RankedTensorType type) {
  auto srcType = cast<RankedTensorType>(value.getType());
  if (srcType == type) {
    return value;
  }
  if (srcType.getRank() == 0) {
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         ArrayRef<ReassociationIndices>{});
  }
  if (type.getRank() == 0) {
    return tensor::CollapseShapeOp::create(b, loc, type, value,
                                           ArrayRef<ReassociationIndices>{});
  }
  if (srcType.getRank() != type.getRank()) {
    if (std::optional<SmallVector<ReassociationIndices>> reassoc =
            getReassociationIndicesForReshape(srcType, type)) {
      if (srcType.getRank() > type.getRank()) {
        return tensor::CollapseShapeOp::create(b, loc, type, value, *reassoc);
      }
      return tensor::ExpandShapeOp::create(b, loc, type, value, *reassoc);
    }
  }
  // Not a pure collapse or expand: go through 1-D.
  auto flatType = RankedTensorType::get({srcType.getNumElements()},
                                        srcType.getElementType());
  ReassociationIndices all;
  for (int64_t d = 0; d < srcType.getRank(); ++d) {
    all.push_back(d);
  }
  Value flat = srcType.getRank() == 1
                   ? value
                   : tensor::CollapseShapeOp::create(
                         b, loc, flatType, value,
                         ArrayRef<ReassociationIndices>{all})
                         .getResult();
  if (type.getRank() == 1) {
    return flat;
  }
  ReassociationIndices allOut;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    allOut.push_back(d);
  }
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       ArrayRef<ReassociationIndices>{allOut});
}

DenseIntElementsAttr to_linalg::getI64Vector(OpBuilder &b,
                                             ArrayRef<int64_t> values) {
  return b.getI64TensorAttr(values);
}

SmallVector<int64_t> to_linalg::valuesOrOnes(ArrayRef<int64_t> values,
                                             int64_t n) {
  if (values.empty()) {
    return SmallVector<int64_t>(n, 1);
  }
  return SmallVector<int64_t>(values);
}
