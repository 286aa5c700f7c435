//===- ForwardWholeWrite.cpp - reads of a tensor a transfer just wrote ------===//
//
// A register tile's epilogue reads the accumulator tile back from the tensor
// its contraction wrote. When the two transfers have the same form, MLIR's
// own folding forwards the vector and the tensor disappears. When the forms
// differ only in unit dimensions, as at a remainder tile (the contraction
// writes vector<4x1x1xi32> into tensor<1x4x1x1xi32>, the epilogue reads
// vector<4xi32>), nothing folds: the tensor is bufferized as a slice of a
// buffer the size of the whole i32 result, which then stays in the arena (an
// int8 DS-CNN on Cortex-M4 kept a 32 KB i32 buffer next to 8 KB int8
// activations for one such column).
//
// Here: a transfer_read of the whole of a static tensor that a transfer_write
// wrote whole, both in bounds and unmasked, with the non-unit vector
// dimensions of both mapped to the same tensor dimensions in the same order,
// reads exactly the written vector in another shape: a vector.shape_cast.
//
//===----------------------------------------------------------------------===//
#include "LLVMCPUPatterns.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// The tensor dimensions the non-unit dimensions of a whole-tensor transfer
/// cover, in vector order; nullopt where the transfer is not a plain copy of
/// the whole tensor (offsets, broadcasts, masks, partial extents).
template <typename TransferOp>
std::optional<SmallVector<unsigned>> wholeTensorDims(TransferOp op) {
  auto tensorType = dyn_cast<RankedTensorType>(op.getBase().getType());
  VectorType vectorType = op.getVectorType();
  if (!tensorType || !tensorType.hasStaticShape() || op.getMask() ||
      vectorType.isScalable() ||
      tensorType.getElementType() != vectorType.getElementType() ||
      tensorType.getNumElements() != vectorType.getNumElements() ||
      !llvm::all_of(op.getIndices(), isZeroInteger)) {
    return std::nullopt;
  }
  if (!llvm::all_of(op.getInBoundsValues(), [](bool b) { return b; })) {
    return std::nullopt;
  }
  AffineMap map = op.getPermutationMap();
  SmallVector<unsigned> dims;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim) {
      return std::nullopt; // a broadcast dimension
    }
    if (vectorType.getDimSize(i) != 1) {
      if (vectorType.getDimSize(i) !=
          tensorType.getDimSize(dim.getPosition())) {
        return std::nullopt;
      }
      dims.push_back(dim.getPosition());
    }
  }
  return dims;
}

struct ReadOfWholeWrite : public OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto write = read.getBase().getDefiningOp<vector::TransferWriteOp>();
    if (!write) {
      return rewriter.notifyMatchFailure(read, "not a read of a write");
    }
    std::optional<SmallVector<unsigned>> readDims = wholeTensorDims(read);
    std::optional<SmallVector<unsigned>> writeDims = wholeTensorDims(write);
    if (!readDims || !writeDims || *readDims != *writeDims) {
      return rewriter.notifyMatchFailure(
          read, "not the whole tensor in the same element order");
    }
    Value written = write.getVector();
    if (written.getType() == read.getVectorType()) {
      rewriter.replaceOp(read, written);
    } else {
      rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(
          read, read.getVectorType(), written);
    }
    return success();
  }
};

} // namespace

void mlir::etch::llvmcpu::populateForwardWholeWritePatterns(
    RewritePatternSet &patterns) {
  patterns.add<ReadOfWholeWrite>(patterns.getContext());
}
