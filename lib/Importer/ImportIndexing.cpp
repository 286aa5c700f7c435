//===- ImportIndexing.cpp - value-dependent indexing and scatters --------===//
//
// Ops whose result shape or index pattern depends on values: etch needs
// those values at compile time (constants, values folded at import, or
// graph inputs fixed with --input-value) and turns them into constant
// index tensors for Gather. The scatters take run-time indices
// (etch.scatter_elements / etch.scatter_nd).
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

Value i64Constant(GraphImporter &im, ArrayRef<int64_t> shape,
                  ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, im.getBuilder().getI64Type());
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, values))});
}

Value gather(GraphImporter &im, Value x, Value indices, int64_t axis) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = cast<RankedTensorType>(indices.getType()).getDimSize(0);
  return im.create<GatherOp>(
      RankedTensorType::get(shape, type.getElementType()), {x, indices},
      {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(axis))});
}

/// EyeLike: ones on diagonal `k` of a 2-D tensor of the input's shape.
LogicalResult importEyeLike(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(outType)) {
    return failure();
  }
  if (outType->getRank() != 2) {
    return im.error() << "expected a 2-D input, got " << *outType;
  }
  Type elem = outType->getElementType();
  int64_t rows = outType->getDimSize(0), cols = outType->getDimSize(1);
  int64_t k = im.attrInt("k", 0);
  Attribute zero, one;
  if (auto ft = dyn_cast<FloatType>(elem)) {
    zero = FloatAttr::get(ft, 0.0);
    one = FloatAttr::get(ft, 1.0);
  } else if (auto it = dyn_cast<IntegerType>(elem)) {
    zero = IntegerAttr::get(it, 0);
    one = IntegerAttr::get(it, 1);
  } else {
    return im.error() << "element type " << elem << " is not supported";
  }
  SmallVector<Attribute> values(rows * cols, zero);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t c = r + k;
    if (c >= 0 && c < cols) {
      values[r * cols + c] = one;
    }
  }
  im.setOutput(0, im.create<ConstantOp>(
                      *outType, {},
                      {im.namedAttr("value",
                                    DenseElementsAttr::get(*outType, values))}));
  return success();
}

/// Compress: the slices along `axis` (of the flattened input without one)
/// whose condition is true; the condition must be known.
LogicalResult importCompress(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<SmallVector<int64_t>> cond = im.constantInts(1, "condition");
  if (failed(x) || failed(cond)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  Value input = *x;
  int64_t axis = 0;
  if (im.attr("axis")) {
    FailureOr<int64_t> a =
        normalizeAxis(im, im.attrInt("axis", 0), type.getRank(), "axis");
    if (failed(a)) {
      return failure();
    }
    axis = *a;
  } else {
    input = im.create<ReshapeOp>(
        RankedTensorType::get({type.getNumElements()}, type.getElementType()),
        *x);
  }
  int64_t dim = cast<RankedTensorType>(input.getType()).getDimSize(axis);
  SmallVector<int64_t> picked;
  for (int64_t i = 0; i < std::min<int64_t>(dim, cond->size()); ++i) {
    if ((*cond)[i]) {
      picked.push_back(i);
    }
  }
  if (picked.empty()) {
    return im.error() << "the condition selects nothing: an empty result";
  }
  im.setOutput(0, gather(im, input,
                         i64Constant(im, {static_cast<int64_t>(picked.size())},
                                     picked),
                         axis));
  return success();
}

/// NonZero of a known tensor: a constant [rank, count] index tensor.
LogicalResult importNonZero(GraphImporter &im, const onnx::NodeProto &) {
  int32_t elemType = im.onnxElementType(im.getNode().input(0));
  bool isFloat = elemType == onnx::TensorProto::FLOAT ||
                 elemType == onnx::TensorProto::DOUBLE ||
                 elemType == onnx::TensorProto::FLOAT16 ||
                 elemType == onnx::TensorProto::BFLOAT16;
  FailureOr<SmallVector<double>> values = SmallVector<double>();
  if (isFloat) {
    values = im.constantFloats(0, "X");
  } else {
    FailureOr<SmallVector<int64_t>> ints = im.constantInts(0, "X");
    if (failed(ints)) {
      return failure();
    }
    values->assign(ints->begin(), ints->end());
  }
  if (failed(values)) {
    return failure();
  }
  const onnx::TensorProto *t = im.constantInput(0);
  SmallVector<int64_t> dims(t->dims().begin(), t->dims().end());
  SmallVector<SmallVector<int64_t>> coords(dims.size());
  int64_t count = 0;
  for (int64_t flat = 0; flat < static_cast<int64_t>(values->size()); ++flat) {
    if ((*values)[flat] == 0) {
      continue;
    }
    ++count;
    int64_t rest = flat;
    for (int64_t d = dims.size() - 1; d >= 0; --d) {
      coords[d].push_back(rest % dims[d]);
      rest /= dims[d];
    }
  }
  if (count == 0) {
    return im.error() << "the input has no non-zero element: an empty result";
  }
  SmallVector<int64_t> flatCoords;
  for (auto &c : coords) {
    flatCoords.append(c.begin(), c.end());
  }
  im.setOutput(0, i64Constant(im,
                              {static_cast<int64_t>(dims.size()), count},
                              flatCoords));
  return success();
}

/// ReverseSequence: per batch entry b, the first sequence_lens[b] steps
/// along time_axis in reverse order; one Gather per batch entry.
LogicalResult importReverseSequence(GraphImporter &im,
                                    const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<SmallVector<int64_t>> lens = im.constantInts(1, "sequence_lens");
  if (failed(x) || failed(lens)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t timeAxis = im.attrInt("time_axis", 0);
  int64_t batchAxis = im.attrInt("batch_axis", 1);
  if (type.getRank() < 2 || !((timeAxis == 0 && batchAxis == 1) ||
                              (timeAxis == 1 && batchAxis == 0))) {
    return im.error() << "expected time_axis/batch_axis 0/1 or 1/0 and an "
                         "input of rank >= 2, got "
                      << type;
  }
  int64_t steps = type.getDimSize(timeAxis);
  int64_t batch = type.getDimSize(batchAxis);
  if (static_cast<int64_t>(lens->size()) != batch) {
    return im.error() << "'sequence_lens' has " << lens->size()
                      << " entries for a batch of " << batch;
  }
  OpBuilder &b = im.getBuilder();
  SmallVector<Value> parts;
  for (int64_t i = 0; i < batch; ++i) {
    int64_t len = (*lens)[i];
    if (len < 0 || len > steps) {
      return im.error() << "sequence_lens[" << i << "] = " << len
                        << " is outside [0, " << steps << "]";
    }
    Value entry = slice(im, *x, batchAxis, i, 1);
    SmallVector<int64_t> order;
    for (int64_t t = 0; t < steps; ++t) {
      order.push_back(t < len ? len - 1 - t : t);
    }
    parts.push_back(gather(im, entry, i64Constant(im, {steps}, order),
                           timeAxis));
  }
  im.setOutput(0, parts.size() == 1
                      ? parts.front()
                      : im.create<ConcatOp>(
                            type, parts,
                            {im.namedAttr("axis",
                                          b.getI64IntegerAttr(batchAxis))}));
  return success();
}

/// HannWindow, HammingWindow, BlackmanWindow of a known size: a constant
/// sum_k a_k cos(2 pi k n / N) with N = size (periodic) or size - 1.
template <int kind>
LogicalResult importWindow(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<SmallVector<int64_t>> size = im.constantInts(0, "size");
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(size) || failed(outType)) {
    return failure();
  }
  if (size->size() != 1 || size->front() < 1 ||
      outType->getShape() != ArrayRef<int64_t>{size->front()}) {
    return im.error() << "expected a positive scalar size matching the "
                         "result "
                      << *outType;
  }
  auto elem = dyn_cast<FloatType>(outType->getElementType());
  if (!elem) {
    return im.error() << "only floating-point windows are supported, got "
                      << *outType;
  }
  int64_t n = size->front();
  double period = im.attrInt("periodic", 1) ? n : std::max<int64_t>(n - 1, 1);
  // Hann: 0.5 - 0.5 cos; Hamming: 25/46 - 21/46 cos;
  // Blackman: 0.42 - 0.5 cos + 0.08 cos(2x).
  double a0 = kind == 0 ? 0.5 : kind == 1 ? 25.0 / 46.0 : 0.42;
  double a1 = kind == 0 ? 0.5 : kind == 1 ? 21.0 / 46.0 : 0.5;
  double a2 = kind == 2 ? 0.08 : 0.0;
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < n; ++i) {
    double x = 2.0 * M_PI * i / period;
    values.push_back(
        FloatAttr::get(elem, a0 - a1 * std::cos(x) + a2 * std::cos(2 * x)));
  }
  im.setOutput(0, im.create<ConstantOp>(
                      *outType, {},
                      {im.namedAttr("value",
                                    DenseElementsAttr::get(*outType, values))}));
  return success();
}

/// ScatterElements / Scatter (axis) and ScatterND, with run-time indices.
LogicalResult importScatter(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> data = im.input(0), indices = im.input(1),
                   updates = im.input(2);
  if (failed(data) || failed(indices) || failed(updates)) {
    return failure();
  }
  std::string reduction = im.attrString("reduction", "none");
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction)) {
    return im.unsupportedAttr("reduction", "'" + reduction + "'",
                              "none, add, mul, max, min");
  }
  auto type = cast<RankedTensorType>(data->getType());
  if (reduction != "none" && type.getElementType().isInteger(1)) {
    return im.error() << "reduction '" << reduction
                      << "' on bool tensors is not supported";
  }
  SmallVector<NamedAttribute> attrs = {
      im.namedAttr("reduction", im.getBuilder().getStringAttr(reduction))};
  if (node.op_type() == "ScatterND") {
    im.setOutput(0, im.create<ScatterNDOp>(type, {*data, *indices, *updates},
                                           attrs));
    return success();
  }
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 0), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  attrs.push_back(
      im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(*axis)));
  im.setOutput(0, im.create<ScatterElementsOp>(
                      type, {*data, *indices, *updates}, attrs));
  return success();
}

} // namespace

void importer::registerIndexingOps(OpTable &table) {
  table["HannWindow"] = importWindow<0>;
  table["HammingWindow"] = importWindow<1>;
  table["BlackmanWindow"] = importWindow<2>;
  table["Scatter"] = importScatter;
  table["ScatterElements"] = importScatter;
  table["ScatterND"] = importScatter;
  table["EyeLike"] = importEyeLike;
  table["Compress"] = importCompress;
  table["NonZero"] = importNonZero;
  table["ReverseSequence"] = importReverseSequence;
}
