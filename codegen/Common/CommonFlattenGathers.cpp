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
/// the k-D base indices under the flat reading.
Value linearOffset(OpBuilder &b, Location loc, ValueRange indices,
                   ArrayRef<int64_t> shape) {
  int64_t stride = 1;
  int64_t constant = 0;
  Value sum;
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    Value index = indices[d];
    if (std::optional<int64_t> c = getConstantIntValue(index)) {
      constant += *c * stride;
    } else {
      Value term = index;
      if (stride != 1) {
        term = arith::MulIOp::create(
            b, loc, index, arith::ConstantIndexOp::create(b, loc, stride));
      }
      sum = sum ? arith::AddIOp::create(b, loc, sum, term).getResult() : term;
    }
    stride *= shape[d];
  }
  Value c = arith::ConstantIndexOp::create(b, loc, constant);
  if (!sum) {
    return c;
  }
  return constant == 0 ? sum : arith::AddIOp::create(b, loc, sum, c);
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
      auto type = cast<RankedTensorType>(g.getBase().getType());
      if (!type.hasStaticShape()) {
        // Static shapes only reach codegen; a dynamic one would need
        // tensor.dim strides. Say so instead of gathering wrongly.
        g.emitOpError("etch-common-flatten-gathers: dynamic base shape");
        return signalPassFailure();
      }
      Value flat = collapsedBase(g.getBase(), cache);
      // Inside vector.mask the region holds the gather alone: compute the
      // offset before the mask op.
      Operation *anchor = g;
      if (isa_and_nonnull<vector::MaskOp>(g->getParentOp())) {
        anchor = g->getParentOp();
      }
      OpBuilder b(anchor);
      Value offset =
          linearOffset(b, g.getLoc(), g.getOffsets(), type.getShape());
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
