//===- EtchDataOps.cpp - verifiers of the gather/resize/scan ops ----------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "VerifierUtils.h"

#include "etch/Support/CheckedMath.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::detail;

static bool isIndexType(Type t) { return t.isInteger(32) || t.isInteger(64); }

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank) {
    return op->emitOpError() << "axis " << axis << " out of range [0, "
                             << rank << ")";
  }
  return success();
}

LogicalResult ExpandOp::verify() {
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  ArrayRef<int64_t> out = tensorType(getOutput()).getShape();
  FailureOr<SmallVector<int64_t>> b =
      broadcastShapes(tensorType(getInput()).getShape(), out);
  if (failed(b) || !shapesMatch(*b, out)) {
    return emitOpError() << "input shape " << fmt(getInput().getType())
                         << " does not broadcast to the result shape "
                         << fmt(out);
  }
  return success();
}

LogicalResult GatherElementsOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType idx = tensorType(getIndices());
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  if (!isIndexType(idx.getElementType())) {
    return emitOpError() << "indices must be i32 or i64, got "
                         << idx.getElementType();
  }
  if (idx.getRank() != in.getRank()) {
    return emitOpError() << "indices rank " << idx.getRank()
                         << " differs from the input rank " << in.getRank();
  }
  if (!shapesMatch(idx.getShape(), tensorType(getOutput()).getShape())) {
    return emitOpError() << "result shape " << fmt(getOutput().getType())
                         << " differs from the indices shape "
                         << fmt(idx.getShape());
  }
  return verifyAxis(*this, getAxis(), in.getRank());
}

static LogicalResult verifyScatter(Operation *op, Value data, Value indices,
                                   Value updates, Value output,
                                   StringRef reduction) {
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction)) {
    return op->emitOpError() << "reduction '" << reduction
                             << "' is not one of none, add, mul, max, min";
  }
  if (tensorType(data).getElementType() !=
          tensorType(updates).getElementType() ||
      tensorType(data) != tensorType(output)) {
    return op->emitOpError()
           << "data, updates and result must share the element type, and "
              "the result must have data's type";
  }
  if (!isIndexType(tensorType(indices).getElementType())) {
    return op->emitOpError() << "indices must be i32 or i64, got "
                             << tensorType(indices).getElementType();
  }
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  if (failed(verifyScatter(*this, getData(), getIndices(), getUpdates(),
                           getOutput(), getReduction()))) {
    return failure();
  }
  RankedTensorType data = tensorType(getData());
  RankedTensorType idx = tensorType(getIndices());
  RankedTensorType upd = tensorType(getUpdates());
  if (idx.getShape() != upd.getShape() || idx.getRank() != data.getRank()) {
    return emitOpError() << "indices " << fmt(idx.getShape()) << " and updates "
                         << fmt(upd.getShape())
                         << " must have one shape of data's rank";
  }
  for (int64_t d = 0; d < data.getRank(); ++d) {
    if (d != static_cast<int64_t>(getAxis()) &&
        upd.getDimSize(d) > data.getDimSize(d)) {
      return emitOpError() << "updates dim " << d << " ("
                           << upd.getDimSize(d) << ") exceeds data's ("
                           << data.getDimSize(d) << ")";
    }
  }
  return verifyAxis(*this, getAxis(), data.getRank());
}

LogicalResult ScatterNDOp::verify() {
  if (failed(verifyScatter(*this, getData(), getIndices(), getUpdates(),
                           getOutput(), getReduction()))) {
    return failure();
  }
  RankedTensorType data = tensorType(getData());
  RankedTensorType idx = tensorType(getIndices());
  RankedTensorType upd = tensorType(getUpdates());
  int64_t q = idx.getRank(), k = q ? idx.getShape().back() : 0;
  if (q < 1 || k < 1 || k > data.getRank()) {
    return emitOpError() << "indices " << fmt(idx.getShape())
                         << " must be [b..., k] with 1 <= k <= data rank";
  }
  SmallVector<int64_t> expected(idx.getShape().drop_back());
  expected.append(data.getShape().begin() + k, data.getShape().end());
  if (!shapesMatch(upd.getShape(), expected)) {
    return emitOpError() << "updates shape " << fmt(upd.getShape())
                         << " differs from " << fmt(expected);
  }
  return success();
}

LogicalResult GatherNDOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType idx = tensorType(getIndices());
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  if (!isIndexType(idx.getElementType())) {
    return emitOpError() << "indices must be i32 or i64, got "
                         << idx.getElementType();
  }
  int64_t b = getBatchDims();
  if (idx.getRank() < 1 || b < 0 || b >= std::min(in.getRank(), idx.getRank())) {
    return emitOpError() << "batch_dims " << b
                         << " must be less than both ranks, and indices "
                            "must have rank >= 1";
  }
  int64_t k = idx.getShape().back();
  if (ShapedType::isDynamic(k) || k < 1 || b + k > in.getRank()) {
    return emitOpError() << "the last indices dimension (" << k
                         << ") must be in [1, input rank - batch_dims]";
  }
  if (!shapesMatch(in.getShape().take_front(b), idx.getShape().take_front(b))) {
    return emitOpError() << "the batch dimensions of input and indices differ";
  }
  SmallVector<int64_t> shape(idx.getShape().drop_back());
  llvm::append_range(shape, in.getShape().drop_front(b + k));
  if (!shapesMatch(shape, tensorType(getOutput()).getShape())) {
    return emitOpError() << "result shape " << fmt(getOutput().getType())
                         << " does not match the gather shape " << fmt(shape);
  }
  return success();
}

LogicalResult CumSumOp::verify() {
  return verifyAxis(*this, getAxis(), tensorType(getInput()).getRank());
}

LogicalResult CumProdOp::verify() {
  return verifyAxis(*this, getAxis(), tensorType(getInput()).getRank());
}

LogicalResult TopKOp::verify() {
  RankedTensorType in = tensorType(getInput());
  if (failed(verifySameElementType(*this, {getInput(), getValues()}))) {
    return failure();
  }
  if (!tensorType(getIndices()).getElementType().isInteger(64)) {
    return emitOpError() << "indices result must be i64";
  }
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, in.getRank()))) {
    return failure();
  }
  int64_t dim = in.getDimSize(axis);
  auto k = static_cast<int64_t>(getK());
  if (k < 0 || (!ShapedType::isDynamic(dim) && k > dim)) {
    return emitOpError() << "k = " << k << " must be in [0, " << dim
                         << "]";
  }
  SmallVector<int64_t> shape(in.getShape());
  shape[axis] = getK();
  if (!shapesMatch(shape, tensorType(getValues()).getShape()) ||
      !shapesMatch(shape, tensorType(getIndices()).getShape())) {
    return emitOpError() << "results must have shape " << fmt(shape);
  }
  return success();
}

LogicalResult ModOp::verify() {
  if (failed(verifySameElementType(*this, {getLhs(), getRhs(), getOutput()}))) {
    return failure();
  }
  Type elem = tensorType(getLhs()).getElementType();
  if (isa<FloatType>(elem) && !getFmod()) {
    return emitOpError() << "floating-point Mod requires fmod = true";
  }
  FailureOr<SmallVector<int64_t>> b = broadcastShapes(
      tensorType(getLhs()).getShape(), tensorType(getRhs()).getShape());
  if (failed(b) || !shapesMatch(*b, tensorType(getOutput()).getShape())) {
    return emitOpError() << "result shape " << fmt(getOutput().getType())
                         << " is not the broadcast of the operand shapes";
  }
  return success();
}

LogicalResult GridSampleOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType grid = tensorType(getGrid());
  RankedTensorType out = tensorType(getOutput());
  if (!isa<FloatType>(in.getElementType()) ||
      grid.getElementType() != in.getElementType() ||
      out.getElementType() != in.getElementType()) {
    return emitOpError() << "input, grid and result must share one float "
                            "element type";
  }
  int64_t rank = in.getRank();
  SmallVector<int64_t> expected = {in.getDimSize(0), in.getDimSize(1)};
  if (rank == grid.getRank()) {
    llvm::append_range(expected, grid.getShape().slice(1, rank - 2));
  }
  if ((rank != 4 && rank != 5) || grid.getRank() != rank ||
      out.getRank() != rank || grid.getDimSize(rank - 1) != rank - 2 ||
      grid.getDimSize(0) != in.getDimSize(0) ||
      !shapesMatch(out.getShape(), expected)) {
    return emitOpError() << "expects input [N, C, H, W], grid [N, Ho, Wo, 2] "
                            "and result [N, C, Ho, Wo] (or [N, C, D, H, W], "
                            "[N, Do, Ho, Wo, 3], [N, C, Do, Ho, Wo]), got "
                         << fmt(in.getShape()) << ", " << fmt(grid.getShape())
                         << ", " << fmt(out.getShape());
  }
  if (rank == 5 && getMode() == "bicubic") {
    return emitOpError() << "mode 'bicubic' needs a 4-D input";
  }
  if (!llvm::is_contained({"bilinear", "nearest", "bicubic"}, getMode())) {
    return emitOpError() << "mode '" << getMode()
                         << "' is not bilinear, nearest or bicubic";
  }
  if (!llvm::is_contained({"zeros", "border", "reflection"},
                          getPaddingMode())) {
    return emitOpError() << "padding_mode '" << getPaddingMode()
                         << "' is not zeros, border or reflection";
  }
  return success();
}

LogicalResult BitShiftOp::verify() {
  if (failed(verifySameElementType(*this, {getLhs(), getRhs(), getOutput()}))) {
    return failure();
  }
  Type elem = tensorType(getLhs()).getElementType();
  if (!elem.isSignlessInteger() || elem.isInteger(1)) {
    return emitOpError() << "expects integer tensors, got " << elem;
  }
  FailureOr<SmallVector<int64_t>> b = broadcastShapes(
      tensorType(getLhs()).getShape(), tensorType(getRhs()).getShape());
  if (failed(b) || !shapesMatch(*b, tensorType(getOutput()).getShape())) {
    return emitOpError() << "result shape " << fmt(getOutput().getType())
                         << " is not the broadcast of the operand shapes";
  }
  return success();
}

LogicalResult ResizeOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType out = tensorType(getOutput());
  int64_t rank = in.getRank();
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  if (out.getRank() != rank) {
    return emitOpError() << "result rank " << out.getRank()
                         << " differs from the input rank " << rank;
  }
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, getMode())) {
    return emitOpError() << "mode '" << getMode()
                         << "' is not one of nearest, linear, cubic";
  }
  if (getMode() != "nearest" && !isa<FloatType>(in.getElementType())) {
    return emitOpError() << "mode '" << getMode()
                         << "' needs a floating-point input";
  }
  if (!llvm::is_contained({"half_pixel", "half_pixel_symmetric",
                           "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          getCoordinateTransformationMode())) {
    return emitOpError() << "coordinate_transformation_mode '"
                         << getCoordinateTransformationMode()
                         << "' is not supported";
  }
  if (!llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          getNearestMode())) {
    return emitOpError() << "nearest_mode '" << getNearestMode()
                         << "' is not supported";
  }
  auto check1D = [&](Value v, int64_t n, StringRef what) -> LogicalResult {
    RankedTensorType t = tensorType(v);
    if (t.getRank() != 1 || !t.getElementType().isF32() ||
        !dimsMatch(t.getDimSize(0), n)) {
      return emitOpError() << what << " must be a 1-D f32 tensor of " << n
                           << " elements";
    }
    return success();
  };
  if (bool(getScales()) == bool(getStaticScales())) {
    return emitOpError() << "needs exactly one of the scales operand and "
                            "static_scales";
  }
  if (getScales() && failed(check1D(getScales(), rank, "scales"))) {
    return failure();
  }
  if (getStaticScales() &&
      static_cast<int64_t>(getStaticScales()->size()) != rank) {
    return emitOpError() << "static_scales must have " << rank << " entries";
  }
  if (getStaticScales() &&
      llvm::any_of(*getStaticScales(), [](float s) { return !(s > 0.0f); })) {
    return emitOpError() << "scales must be positive";
  }
  if (getAntialias() && (getMode() == "nearest" || !getStaticScales())) {
    return emitOpError() << "antialias needs mode linear or cubic and "
                            "static_scales";
  }
  bool crop = getCoordinateTransformationMode() == "tf_crop_and_resize";
  if (getRoi() && getStaticRoi()) {
    return emitOpError() << "has both a roi operand and static_roi";
  }
  if (crop && !getRoi() && !getStaticRoi()) {
    return emitOpError() << "tf_crop_and_resize needs a roi";
  }
  if (getRoi() && failed(check1D(getRoi(), 2 * rank, "roi"))) {
    return failure();
  }
  if (getStaticRoi() &&
      static_cast<int64_t>(getStaticRoi()->size()) != 2 * rank) {
    return emitOpError() << "static_roi must have " << 2 * rank << " entries";
  }
  return success();
}

LogicalResult ConvTransposeOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType w = tensorType(getWeight());
  RankedTensorType out = tensorType(getOutput());
  int64_t rank = in.getRank(), spatial = rank - 2, group = getGroup();
  if (failed(verifySameElementType(*this, {getInput(), getWeight(),
                                           getOutput()}))) {
    return failure();
  }
  if (rank < 3 || w.getRank() != rank || out.getRank() != rank) {
    return emitOpError() << "input, weight and result must have the same "
                            "rank >= 3";
  }
  if (failed(verifySpatialAttr(*this, "strides", getStrides(), spatial, 1)) ||
      failed(verifySpatialAttr(*this, "dilations", getDilations(), spatial,
                               1)) ||
      failed(verifySpatialAttr(*this, "pads", getPads(), 2 * spatial,
                               INT64_MIN))) {
    return failure();
  }
  if (group < 1 || in.getDimSize(1) % group != 0 ||
      !dimsMatch(w.getDimSize(0), in.getDimSize(1)) ||
      !dimsMatch(out.getDimSize(1), w.getDimSize(1) * group) ||
      !dimsMatch(out.getDimSize(0), in.getDimSize(0))) {
    return emitOpError() << "channels: input " << fmt(in.getShape())
                         << ", weight " << fmt(w.getShape()) << ", group "
                         << group << " and result " << fmt(out.getShape())
                         << " do not fit";
  }
  if (getBias()) {
    RankedTensorType bias = tensorType(getBias());
    if (bias.getRank() != 1 || !dimsMatch(bias.getDimSize(0), out.getDimSize(1))) {
      return emitOpError() << "bias must have shape [" << out.getDimSize(1)
                           << "]";
    }
  }
  for (int64_t d = 0; d < spatial; ++d) {
    int64_t k = w.getDimSize(d + 2), x = in.getDimSize(d + 2);
    if (x == kDyn || k == kDyn || out.isDynamicDim(d + 2)) {
      continue;
    }
    // full = stride * (x - 1) + dilation * (k - 1) + 1 - padBegin - padEnd
    std::optional<int64_t> a = checkedMul(getStrides()[d], x - 1);
    std::optional<int64_t> b = checkedMul(getDilations()[d], k - 1);
    std::optional<int64_t> sum = a && b ? checkedAdd(*a, *b) : std::nullopt;
    sum = sum ? checkedAdd(*sum, 1) : std::nullopt;
    sum = sum ? checkedSub(*sum, getPads()[d]) : std::nullopt;
    sum = sum ? checkedSub(*sum, getPads()[d + spatial]) : std::nullopt;
    if (!sum) {
      return emitOpError() << "spatial dim " << d
                           << ": window arithmetic overflows int64";
    }
    int64_t full = *sum;
    int64_t o = out.getDimSize(d + 2);
    if (o < full || o >= full + std::max(getStrides()[d], getDilations()[d])) {
      return emitOpError() << "spatial dim " << d << ": result size " << o
                           << " is not " << full << " plus an output padding "
                           << "smaller than the stride or dilation";
    }
  }
  return success();
}

LogicalResult MaxPoolIndicesOp::verify() {
  RankedTensorType in = tensorType(getInput());
  RankedTensorType out = tensorType(getOutput());
  int64_t spatial = in.getRank() - 2;
  if (spatial < 1 || out.getRank() != in.getRank() ||
      !out.getElementType().isInteger(64)) {
    return emitOpError() << "expects an input of rank >= 3 and an i64 result "
                            "of the same rank";
  }
  if (failed(verifySpatialAttr(*this, "kernel_shape", getKernelShape(),
                               spatial, 1)) ||
      failed(verifySpatialAttr(*this, "strides", getStrides(), spatial, 1)) ||
      failed(verifySpatialAttr(*this, "dilations", getDilations(), spatial,
                               1)) ||
      failed(verifySpatialAttr(*this, "pads", getPads(), 2 * spatial, 0))) {
    return failure();
  }
  return success();
}

LogicalResult EinsumOp::verify() {
  if (getInputs().empty() ||
      getInputLabels().size() != getInputs().size()) {
    return emitOpError() << "needs one label list per operand";
  }
  if (failed(verifySameElementType(*this, llvm::to_vector(llvm::concat<Value>(
                                              getInputs(), getOperation()->getResults()))))) {
    return failure();
  }
  llvm::DenseMap<int64_t, int64_t> sizes;
  for (auto [v, attr] : llvm::zip(getInputs(), getInputLabels())) {
    auto labels = dyn_cast<DenseI64ArrayAttr>(attr);
    RankedTensorType t = tensorType(v);
    if (!labels || static_cast<int64_t>(labels.size()) != t.getRank()) {
      return emitOpError() << "operand of type " << t
                           << " needs a label per dimension";
    }
    for (auto [d, label] : llvm::enumerate(labels.asArrayRef())) {
      auto [it, inserted] = sizes.try_emplace(label, t.getDimSize(d));
      if (!inserted && it->second != t.getDimSize(d)) {
        return emitOpError() << "label " << label << " has sizes "
                             << it->second << " and " << t.getDimSize(d);
      }
    }
  }
  ArrayRef<int64_t> out = getOutputLabels();
  RankedTensorType outType = tensorType(getOutput());
  if (static_cast<int64_t>(out.size()) != outType.getRank()) {
    return emitOpError() << "needs one output label per result dimension";
  }
  for (auto [d, label] : llvm::enumerate(out)) {
    auto it = sizes.find(label);
    if (it == sizes.end()) {
      return emitOpError() << "output label " << label
                           << " labels no operand dimension";
    }
    if (llvm::count(out, label) != 1) {
      return emitOpError() << "output label " << label << " repeats";
    }
    if (it->second != outType.getDimSize(d)) {
      return emitOpError() << "result dim " << d << " must be " << it->second;
    }
  }
  return success();
}
