//===- EtchShapeOps.cpp - verifiers of reductions and shape ops -----------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "VerifierUtils.h"

#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::detail;

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename ReduceOp>
static LogicalResult verifyReduce(ReduceOp op) {
  RankedTensorType input = tensorType(op.getInput());
  if (failed(verifySameElementType(op, {op.getInput(), op.getOutput()}))) {
    return failure();
  }
  ArrayRef<int64_t> axes = op.getAxes();
  int64_t rank = input.getRank();
  if (axes.empty() && rank > 0) {
    return op.emitOpError()
           << "axes must be explicit (list every axis to reduce all)";
  }
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank) {
      return op.emitOpError() << "axis " << axis << " out of range [0, "
                              << rank << ")";
    }
    if (i > 0 && axes[i - 1] >= axis) {
      return op.emitOpError() << "axes must be sorted and unique, got "
                              << fmt(axes);
    }
  }
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    if (!reduced) {
      expected.push_back(input.getDimSize(d));
    } else if (op.getKeepdims()) {
      expected.push_back(1);
    }
  }
  if (!shapesMatch(expected, op.getType().getShape())) {
    return op.emitOpError() << "result shape " << fmt(op.getType())
                            << ", expected " << fmt(expected)
                            << (op.getKeepdims() ? " (keepdims)" : "");
  }
  return success();
}

LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  RankedTensorType in = tensorType(getInput()), out = getType();
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements()) {
    return emitOpError() << "element count differs: " << fmt(in) << " has "
                         << in.getNumElements() << ", " << fmt(out) << " has "
                         << out.getNumElements();
  }
  return success();
}

LogicalResult TransposeOp::verify() {
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  RankedTensorType in = tensorType(getInput());
  ArrayRef<int64_t> perm = getPerm();
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(perm.size()) != rank) {
    return emitOpError() << "perm has " << perm.size()
                         << " entries, expected " << rank;
  }
  llvm::SmallBitVector seen(rank);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen.test(p)) {
      return emitOpError() << "perm " << fmt(perm)
                           << " is not a permutation of [0, " << rank << ")";
    }
    seen.set(p);
  }
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    expected.push_back(in.getDimSize(p));
  }
  if (!shapesMatch(expected, getType().getShape())) {
    return emitOpError() << "result shape " << fmt(getType())
                         << ", expected " << fmt(expected);
  }
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty()) {
    return emitOpError() << "needs at least one input";
  }
  SmallVector<Value> all(getInputs());
  all.push_back(getOutput());
  if (failed(verifySameElementType(*this, all))) {
    return failure();
  }
  RankedTensorType out = getType();
  int64_t rank = out.getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank) {
    return emitOpError() << "axis " << axis << " out of range [0, " << rank
                         << ")";
  }
  int64_t sum = 0;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    RankedTensorType t = tensorType(v);
    if (t.getRank() != rank) {
      return emitOpError() << "input " << i << " has rank " << t.getRank()
                           << ", expected " << rank;
    }
    for (int64_t d = 0; d < rank; ++d) {
      if (d != axis && !dimsMatch(t.getDimSize(d), out.getDimSize(d))) {
        return emitOpError() << "input " << i << " shape " << fmt(t)
                             << " differs from result " << fmt(out)
                             << " in non-concatenated dim " << d;
      }
    }
    sum = (sum == kDyn || t.getDimSize(axis) == kDyn)
              ? kDyn
              : sum + t.getDimSize(axis);
  }
  if (!dimsMatch(sum, out.getDimSize(axis))) {
    return emitOpError() << "result dim " << axis << " is "
                         << out.getDimSize(axis)
                         << ", expected the sum of the inputs' dims " << sum;
  }
  return success();
}

LogicalResult PadOp::verify() {
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  RankedTensorType in = tensorType(getInput());
  int64_t rank = in.getRank();
  ArrayRef<int64_t> pads = getPads();
  if (failed(verifySpatialAttr(*this, "pads", pads, 2 * rank, 0))) {
    return failure();
  }
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in.getDimSize(d);
    expected.push_back(dim == kDyn ? kDyn : dim + pads[d] + pads[rank + d]);
  }
  if (!shapesMatch(expected, getType().getShape())) {
    return emitOpError() << "result shape " << fmt(getType())
                         << ", expected " << fmt(expected);
  }
  return success();
}

