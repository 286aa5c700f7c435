//===- CommonFlattenGathers.cpp - 1-D bases for tensor vector.gathers ----===//
//
// linalg::vectorize lowers `tensor.extract %t[i, j, ...]` of a k-D tensor to
// `vector.gather %t[0, ..., 0] [linear offsets]`: the offsets are row-major
// linear indices into %t, so the gather is right only while %t's buffer is
// contiguous with an identity layout. One-shot bufferization does not know
// that: once empty-tensor elimination makes %t's producer write into a
// strided subview (the interior of a padded buffer, a slice of a
// concatenation), the gather reads that subview with flat offsets, i.e.
// other elements. Collapsing the base to rank 1 states the requirement in
// the IR: tensor.collapse_shape bufferizes to a view of a contiguous buffer
// and to a copy into a new contiguous buffer otherwise.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "etch-common-flatten-gathers"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONFLATTENGATHERSPASS
#include "codegen/Common/Passes.h.inc"

namespace {

/// The rank-1 view of `base`, built once right after `base` is defined (at
/// the start of its block for a block argument): out of the loops that
/// gather from it, so that a copy, where bufferization needs one, is made
/// once.
Value collapsedBase(Value base, DenseMap<Value, Value> &cache) {
  if (Value flat = cache.lookup(base)) {
    return flat;
  }
  OpBuilder b(base.getContext());
  if (auto arg = dyn_cast<BlockArgument>(base)) {
    b.setInsertionPointToStart(arg.getOwner());
  } else {
    b.setInsertionPointAfter(base.getDefiningOp());
  }
  auto type = cast<RankedTensorType>(base.getType());
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    all.push_back(d);
  }
  Value flat = tensor::CollapseShapeOp::create(
      b, base.getLoc(), base, SmallVector<ReassociationIndices>{all});
  cache[base] = flat;
  return flat;
}

/// sum(indices[d] * rowMajorStride[d]) at the gather: the same element as
/// the k-D base indices under the flat reading. Constant parts fold.
Value linearOffset(OpBuilder &b, Location loc, Value base, ValueRange indices) {
  auto shape = cast<RankedTensorType>(base.getType()).getShape();
  int64_t staticStride = 1; // the static factor of the stride
  Value dynamicStride;      // the product of the dynamic sizes, if any
  int64_t constant = 0;
  Value sum;
  auto add = [&](Value term) {
    sum = sum ? arith::AddIOp::create(b, loc, sum, term).getResult() : term;
  };
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    Value index = indices[d];
    std::optional<int64_t> c = getConstantIntValue(index);
    if (c && !dynamicStride) {
      constant += *c * staticStride;
    } else if (!c || *c != 0) {
      Value term = index;
      if (staticStride != 1) {
        term = arith::MulIOp::create(
            b, loc, term, arith::ConstantIndexOp::create(b, loc, staticStride));
      }
      if (dynamicStride) {
        term = arith::MulIOp::create(b, loc, term, dynamicStride);
      }
      add(term);
    }
    if (ShapedType::isDynamic(shape[d])) {
      Value size = tensor::DimOp::create(b, loc, base, d);
      dynamicStride = dynamicStride ? arith::MulIOp::create(b, loc,
                                                            dynamicStride, size)
                                          .getResult()
                                    : size;
    } else {
      staticStride *= shape[d];
    }
  }
  if (constant != 0 || !sum) {
    add(arith::ConstantIndexOp::create(b, loc, constant));
  }
  return sum;
}

struct CommonFlattenGathersPass
    : public impl::CommonFlattenGathersPassBase<CommonFlattenGathersPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<vector::GatherOp> gathers;
    getOperation().walk([&](vector::GatherOp g) {
      auto type = dyn_cast<RankedTensorType>(g.getBase().getType());
      if (type && type.getRank() > 1) {
        gathers.push_back(g);
      }
    });
    DenseMap<Value, Value> cache;
    for (vector::GatherOp g : gathers) {
      Value flat = collapsedBase(g.getBase(), cache);
      // Inside vector.mask the region holds the gather alone: compute the
      // offset before the mask op.
      Operation *anchor = g;
      if (isa_and_nonnull<vector::MaskOp>(g->getParentOp())) {
        anchor = g->getParentOp();
      }
      OpBuilder b(anchor);
      Value offset = linearOffset(b, g.getLoc(), g.getBase(), g.getOffsets());
      b.setInsertionPoint(g);
      auto flatGather = vector::GatherOp::create(
          b, g.getLoc(), g.getVectorType(), flat, ValueRange{offset},
          g.getIndices(), g.getMask(), g.getPassThru(), g.getAlignmentAttr());
      g.replaceAllUsesWith(flatGather.getResult());
      g.erase();
    }
  }
};

} // namespace
} // namespace mlir::etch
