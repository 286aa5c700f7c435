//===- EtchTensorOps.cpp - verifiers of the data-movement ops -------------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "VerifierUtils.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::detail;

LogicalResult SliceOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType out = tensorType(getOutput());
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  int64_t rank = in.getRank();
  if (out.getRank() != rank || static_cast<int64_t>(getStarts().size()) != rank ||
      static_cast<int64_t>(getSteps().size()) != rank) {
    return emitOpError() << "input, result, starts and steps must all have "
                            "rank "
                         << rank;
  }
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in.getDimSize(d), n = out.getDimSize(d);
    int64_t start = getStarts()[d], step = getSteps()[d];
    if (step == 0) {
      return emitOpError() << "step " << d << " is 0";
    }
    if (ShapedType::isDynamic(dim) || ShapedType::isDynamic(n) || n == 0) {
      continue;
    }
    int64_t last = start + (n - 1) * step;
    if (start < 0 || start >= dim || last < 0 || last >= dim) {
      return emitOpError() << "dimension " << d << ": " << n
                           << " elements from " << start << " by " << step
                           << " leave [0, " << dim << ")";
    }
  }
  return success();
}

LogicalResult GatherOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType idx = tensorType(getIndices());
  RankedTensorType out = tensorType(getOutput());
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  if (!idx.getElementType().isInteger(32) &&
      !idx.getElementType().isInteger(64)) {
    return emitOpError() << "indices must be i32 or i64, got "
                         << idx.getElementType();
  }
  int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank()) {
    return emitOpError() << "axis " << axis << " out of range [0, "
                         << in.getRank() << ")";
  }
  SmallVector<int64_t> shape(in.getShape().take_front(axis));
  llvm::append_range(shape, idx.getShape());
  llvm::append_range(shape, in.getShape().drop_front(axis + 1));
  if (!shapesMatch(shape, out.getShape())) {
    return emitOpError() << "result shape " << fmt(out.getShape())
                         << " does not match the gather shape " << fmt(shape);
  }
  return success();
}
