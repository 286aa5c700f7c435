//===- CommonDecomposePads.cpp - tensor.pad -> border fills + insert_slice ===//
//
// A tensor.pad with a constant value bufferizes to a fill of the whole padded
// buffer followed by a copy of the source into its interior: for the input of
// a 3x3 depthwise convolution on a 56x56 map that is a memset and a memcpy of
// ~1.9 MB each, as long as the convolution itself. This pass rewrites each
// function-level pad into
//   - fills of the border strips only (per padded dimension d: the low and
//     high strips, with the dimensions before d restricted to their interior,
//     so that the strips and the interior tile the buffer exactly once), and
//   - a tensor.insert_slice of the source into the interior.
// One-shot bufferization's empty-tensor elimination then lets each strip's
// fill and, where the source is computed here, the source's producer write
// straight into the padded buffer: no copy is left. The strips are built
// right before the source's producer so that the buffer they fill dominates
// the producer's destination (what the elimination needs). The source may
// have other users (PP-OCRv4's FPN pads maps that it also resizes and adds):
// they then read the interior of the padded buffer, a strided view, which is
// sound for every op whose bufferization honours layouts; vector.gather's
// flat offsets do not, which is why etch-common-flatten-gathers runs first.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "etch-common-decompose-pads"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONDECOMPOSEPADSPASS
#include "codegen/Common/Passes.h.inc"

namespace {

SmallVector<OpFoldResult> indices(OpBuilder &b, ArrayRef<int64_t> values) {
  return getAsIndexOpFoldResult(b.getContext(), values);
}

/// Fills the strips of `dest` (shape `padded`) outside the interior
/// [low, low + size) with `value`; returns the updated tensor.
Value fillBorder(OpBuilder &b, Location loc, Value dest, Value value,
                 ArrayRef<int64_t> padded, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> size) {
  unsigned rank = padded.size();
  auto elementType = cast<RankedTensorType>(dest.getType()).getElementType();
  for (unsigned d = 0; d < rank; ++d) {
    // Dimensions before d: interior only (their borders are filled already);
    // d: one side's strip; after d: everything.
    auto strip = [&](int64_t offset, int64_t extent) {
      if (extent == 0) {
        return;
      }
      SmallVector<int64_t> offsets(rank, 0), sizes(padded);
      for (unsigned e = 0; e < d; ++e) {
        offsets[e] = low[e];
        sizes[e] = size[e];
      }
      offsets[d] = offset;
      sizes[d] = extent;
      Value empty = tensor::EmptyOp::create(b, loc, sizes, elementType);
      Value filled =
          linalg::FillOp::create(b, loc, value, empty).getResult(0);
      dest = tensor::InsertSliceOp::create(
          b, loc, filled, dest, indices(b, offsets), indices(b, sizes),
          indices(b, SmallVector<int64_t>(rank, 1)));
    };
    strip(0, low[d]);
    strip(low[d] + size[d], padded[d] - low[d] - size[d]);
  }
  return dest;
}

struct CommonDecomposePadsPass
    : public impl::CommonDecomposePadsPassBase<CommonDecomposePadsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // One tensor.empty per use: CSE merges equal empties, and each use is
    // its own candidate for empty-tensor elimination (one producer moved
    // into a padded buffer must not drag an unrelated producer along).
    SmallVector<tensor::EmptyOp> empties;
    func.walk([&](tensor::EmptyOp e) { empties.push_back(e); });
    for (tensor::EmptyOp e : empties) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : e->getUses()) {
        uses.push_back(&use);
      }
      for (OpOperand *use : llvm::drop_begin(uses)) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*e)->getResult(0));
      }
    }
    SmallVector<tensor::PadOp> pads;
    for (Operation &op : func.getBody().getOps()) {
      if (auto pad = dyn_cast<tensor::PadOp>(op)) {
        pads.push_back(pad);
      }
    }
    for (tensor::PadOp pad : pads) {
      Value value = pad.getConstantPaddingValue();
      RankedTensorType type = pad.getResultType();
      auto sourceType = pad.getSourceType();
      if (!value || !type.hasStaticShape() || !sourceType.hasStaticShape() ||
          pad.getNofold()) {
        continue;
      }
      SmallVector<int64_t> low(pad.getStaticLow());
      if (llvm::any_of(low, ShapedType::isDynamic) ||
          llvm::any_of(pad.getStaticHigh(), ShapedType::isDynamic) ||
          llvm::any_of(low, [](int64_t v) { return v < 0; }) ||
          llvm::any_of(pad.getStaticHigh(), [](int64_t v) { return v < 0; })) {
        continue;
      }
      // The border goes right before the source's producer (or before the
      // pad when the source is an argument or computed elsewhere); the
      // padding value must be available there.
      Operation *anchor = pad;
      if (Operation *def = pad.getSource().getDefiningOp();
          def && def->getBlock() == pad->getBlock()) {
        anchor = def;
      }
      if (Operation *valueDef = value.getDefiningOp();
          valueDef && (valueDef->getBlock() != anchor->getBlock() ||
                       !valueDef->isBeforeInBlock(anchor))) {
        anchor = pad;
      }
      OpBuilder b(anchor);
      Location loc = pad.getLoc();
      Value dest = tensor::EmptyOp::create(b, loc, type.getShape(),
                                           type.getElementType());
      dest = fillBorder(b, loc, dest, value, type.getShape(), low,
                        sourceType.getShape());
      b.setInsertionPoint(pad);
      unsigned rank = type.getRank();
      Value result = tensor::InsertSliceOp::create(
          b, loc, pad.getSource(), dest, indices(b, low),
          indices(b, sourceType.getShape()),
          indices(b, SmallVector<int64_t>(rank, 1)));
      pad.replaceAllUsesWith(result);
      pad.erase();
    }
  }
};

} // namespace
} // namespace mlir::etch
