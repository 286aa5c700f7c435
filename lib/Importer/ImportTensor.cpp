//===- ImportTensor.cpp - Slice, Gather -----------------------------------===//
//
// Slice's starts/ends/axes/steps are resolved here (negative indices,
// clamping, omitted axes) into the per-dimension starts/steps of etch.slice.
// Constant-input cases never get here: ImportTensorFold.cpp evaluates them.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

static LogicalResult importSlice(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (im.getOpset() < 10) {
    auto s = im.attrInts("starts"), e = im.attrInts("ends");
    if (!s || !e) {
      return im.error() << "missing required attribute 'starts' or 'ends'";
    }
    starts = *s;
    ends = *e;
    if (auto a = im.attrInts("axes")) {
      axes = *a;
    }
  } else {
    FailureOr<SmallVector<int64_t>> s = im.constantInts(1, "starts");
    FailureOr<SmallVector<int64_t>> e = im.constantInts(2, "ends");
    if (failed(s) || failed(e)) {
      return failure();
    }
    starts = *s;
    ends = *e;
    if (im.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = im.constantInts(3, "axes");
      if (failed(a)) {
        return failure();
      }
      axes = *a;
    }
    if (im.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = im.constantInts(4, "steps");
      if (failed(st)) {
        return failure();
      }
      steps = *st;
    }
  }
  size_t n = starts.size();
  if (axes.empty()) {
    for (size_t i = 0; i < n; ++i) {
      axes.push_back(i);
    }
  }
  if (steps.empty()) {
    steps.assign(n, 1);
  }
  if (ends.size() != n || axes.size() != n || steps.size() != n) {
    return im.error() << "starts, ends, axes and steps must have the same "
                         "length";
  }
  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1),
      shape(type.getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < n; ++i) {
    FailureOr<int64_t> axis = normalizeAxis(im, axes[i], rank, "axis");
    if (failed(axis)) {
      return failure();
    }
    if (seen[*axis]) {
      return im.error() << "axis " << *axis << " is sliced twice";
    }
    seen[*axis] = true;
    int64_t step = steps[i];
    if (step == 0) {
      return im.error() << "steps must be non-zero";
    }
    int64_t dim = type.getDimSize(*axis);
    int64_t s = starts[i], e = ends[i];
    s = s < 0 ? s + dim : s;
    e = e < 0 ? e + dim : e;
    int64_t size;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      size = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      size = s > e ? (s - e - step - 1) / -step : 0;
    }
    // An empty slice keeps start 0 so the op stays valid.
    outStarts[*axis] = size == 0 ? 0 : s;
    outSteps[*axis] = step;
    shape[*axis] = size;
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<SliceOp>(
                      RankedTensorType::get(shape, type.getElementType()), *x,
                      {im.namedAttr("starts", b.getDenseI64ArrayAttr(outStarts)),
                       im.namedAttr("steps", b.getDenseI64ArrayAttr(outSteps))}));
  return success();
}

static LogicalResult importGather(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<Value> idx = im.input(1);
  if (failed(x) || failed(idx)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  auto idxType = cast<RankedTensorType>(idx->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 0), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  SmallVector<int64_t> shape(type.getShape().take_front(*axis));
  llvm::append_range(shape, idxType.getShape());
  llvm::append_range(shape, type.getShape().drop_front(*axis + 1));
  im.setOutput(0, im.create<GatherOp>(
                      RankedTensorType::get(shape, type.getElementType()),
                      {*x, *idx},
                      {im.namedAttr("axis",
                                    im.getBuilder().getI64IntegerAttr(*axis))}));
  return success();
}

void importer::registerTensorOps(OpTable &table) {
  table["Slice"] = importSlice;
  table["Gather"] = importGather;
}
