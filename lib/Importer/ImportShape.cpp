//===- ImportShape.cpp - reductions, shape ops, Constant, Pad -------------===//
//
// Flatten/Reshape/Squeeze/Unsqueeze all become etch.reshape with the result
// shape resolved here, so they never depend on ONNX shape inference.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include "etch/Support/CheckedMath.h"

#include "llvm/Support/FormatVariadic.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

/// Normalizes, sorts and checks `axes` for uniqueness against `rank`.
static FailureOr<SmallVector<int64_t>> normalizeAxes(GraphImporter &im,
                                                     ArrayRef<int64_t> axes,
                                                     int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = normalizeAxis(im, a, rank, "axis");
    if (failed(n)) {
      return failure();
    }
    result.push_back(*n);
  }
  llvm::sort(result);
  if (std::adjacent_find(result.begin(), result.end()) != result.end()) {
    return im.error() << "axes contain duplicates";
  }
  return result;
}

/// Axes from the attribute, or (from `inputOpset` on) from constant input 1.
static FailureOr<std::optional<SmallVector<int64_t>>>
readAxes(GraphImporter &im, int64_t inputOpset) {
  if (im.getOpset() >= inputOpset) {
    if (!im.hasInput(1)) {
      return std::optional<SmallVector<int64_t>>();
    }
    FailureOr<SmallVector<int64_t>> axes = im.constantInts(1, "axes");
    if (failed(axes)) {
      return failure();
    }
    return std::optional<SmallVector<int64_t>>(std::move(*axes));
  }
  return im.attrInts("axes");
}

template <typename OpTy>
static LogicalResult importReduce(GraphImporter &im,
                                  const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  // ReduceSum takes axes as an input from opset 13, the others from 18.
  int64_t inputOpset = node.op_type() == "ReduceSum" ? 13 : 18;
  FailureOr<std::optional<SmallVector<int64_t>>> axes =
      readAxes(im, inputOpset);
  if (failed(x) || failed(axes)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  bool keepdims = im.attrInt("keepdims", 1) != 0;
  SmallVector<int64_t> normalized;
  if (!*axes || (*axes)->empty()) {
    if (im.attrInt("noop_with_empty_axes", 0) != 0) {
      im.setOutput(0, *x);
      return success();
    }
    normalized = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  } else {
    FailureOr<SmallVector<int64_t>> n =
        normalizeAxes(im, **axes, type.getRank());
    if (failed(n)) {
      return failure();
    }
    normalized = std::move(*n);
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(normalized, d)) {
      shape.push_back(type.getDimSize(d));
    } else if (keepdims) {
      shape.push_back(1);
    }
  }
  im.setOutput(0, createReduceOrIdentity<OpTy>(
                      im, RankedTensorType::get(shape, type.getElementType()),
                      *x, normalized, keepdims));
  return success();
}

static LogicalResult emitReshape(GraphImporter &im, Value x,
                                 ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(x.getType()).getElementType());
  im.setOutput(0, im.create<ReshapeOp>(type, x));
  return success();
}

static LogicalResult importFlatten(GraphImporter &im,
                                   const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  int64_t axis = im.attrInt("axis", 1);
  if (axis < -rank || axis > rank) {
    return im.error() << "axis " << axis << " is out of range [" << -rank
                      << ", " << rank << "]";
  }
  if (axis < 0) {
    axis += rank;
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    (d < axis ? outer : inner) *= type.getDimSize(d);
  }
  return emitReshape(im, *x, {outer, inner});
}

static LogicalResult importReshape(GraphImporter &im,
                                   const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  // Reshape-1 (opsets 1-4) takes the shape as an attribute.
  FailureOr<SmallVector<int64_t>> target =
      im.getOpset() >= 5 ? im.constantInts(1, "shape")
                         : FailureOr<SmallVector<int64_t>>(
                               im.attrInts("shape").value_or(
                                   SmallVector<int64_t>()));
  if (failed(target)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  bool allowZero = im.attrInt("allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= type.getRank()) {
        return im.error() << "shape entry " << i
                          << " is 0 (copy the input dim), but the input has "
                             "rank "
                          << type.getRank();
      }
      d = type.getDimSize(i);
    } else if (d == -1) {
      if (inferred >= 0) {
        return im.error() << "shape has more than one -1";
      }
      inferred = i;
      shape.push_back(1);
      continue;
    } else if (d < 0) {
      return im.error() << "shape entry " << i << " is " << d;
    }
    std::optional<int64_t> next = checkedMul(known, d);
    if (!next) {
      return im.error() << "shape entry " << i << " (" << d
                        << ") makes the element count overflow int64";
    }
    known = *next;
    shape.push_back(d);
  }
  int64_t total = type.getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0) {
      return im.error() << "cannot infer the -1 dim: " << total
                        << " elements do not divide into " << known;
    }
    shape[inferred] = total / known;
  } else if (known != total) {
    return im.error() << "shape has " << known << " elements, input has "
                      << total;
  }
  return emitReshape(im, *x, shape);
}

static LogicalResult importSqueeze(GraphImporter &im,
                                   const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = readAxes(im, 13);
  if (failed(x) || failed(axes)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  SmallVector<int64_t> squeezed;
  if (*axes && !(*axes)->empty()) {
    FailureOr<SmallVector<int64_t>> n =
        normalizeAxes(im, **axes, type.getRank());
    if (failed(n)) {
      return failure();
    }
    squeezed = std::move(*n);
    for (int64_t a : squeezed) {
      if (type.getDimSize(a) != 1) {
        return im.error() << "cannot squeeze axis " << a << " of size "
                          << type.getDimSize(a);
      }
    }
  } else {
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (type.getDimSize(d) == 1) {
        squeezed.push_back(d);
      }
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(squeezed, d)) {
      shape.push_back(type.getDimSize(d));
    }
  }
  return emitReshape(im, *x, shape);
}

static LogicalResult importUnsqueeze(GraphImporter &im,
                                     const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = readAxes(im, 13);
  if (failed(x) || failed(axes)) {
    return failure();
  }
  if (!*axes) {
    return im.error() << "missing axes";
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t outRank = type.getRank() + (*axes)->size();
  FailureOr<SmallVector<int64_t>> inserted =
      normalizeAxes(im, **axes, outRank);
  if (failed(inserted)) {
    return failure();
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> in = type.getShape();
  for (int64_t d = 0; d < outRank; ++d) {
    if (llvm::is_contained(*inserted, d)) {
      shape.push_back(1);
    } else {
      shape.push_back(in.front());
      in = in.drop_front();
    }
  }
  return emitReshape(im, *x, shape);
}

static LogicalResult importTranspose(GraphImporter &im,
                                     const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm = im.attrInts("perm").value_or(
      llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank))));
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (!llvm::equal(sorted, llvm::seq<int64_t>(0, rank))) {
    return im.error() << "perm is not a permutation of the " << rank
                      << " input dims";
  }
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
  }
  im.setOutput(0, im.create<TransposeOp>(
                      RankedTensorType::get(shape, type.getElementType()), *x,
                      {im.namedAttr("perm", im.getBuilder().getDenseI64ArrayAttr(
                                                perm))}));
  return success();
}

static LogicalResult importConcat(GraphImporter &im,
                                  const onnx::NodeProto &node) {
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> v = im.input(i);
    if (failed(v)) {
      return failure();
    }
    inputs.push_back(*v);
  }
  if (inputs.empty()) {
    return im.error() << "needs at least one input";
  }
  // Concat-1 (opsets 1-3) defaults the axis to 1.
  if (!im.attr("axis") && im.getOpset() >= 4) {
    return im.error() << "missing required attribute 'axis'";
  }
  auto type = cast<RankedTensorType>(inputs.front().getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 1), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  SmallVector<int64_t> shape(type.getShape());
  shape[*axis] = 0;
  for (auto [i, v] : llvm::enumerate(inputs)) {
    auto vType = cast<RankedTensorType>(v.getType());
    if (vType.getRank() != type.getRank()) {
      return im.error() << "input " << i << " has rank " << vType.getRank()
                        << " and input 0 rank " << type.getRank()
                        << "; all inputs must have the same rank";
    }
    shape[*axis] += vType.getDimSize(*axis);
  }
  im.setOutput(0, im.create<ConcatOp>(
                      RankedTensorType::get(shape, type.getElementType()),
                      inputs,
                      {im.namedAttr("axis",
                                    im.getBuilder().getI64IntegerAttr(*axis))}));
  return success();
}

/// Identity, and Dropout: an identity at inference (training_mode false or
/// absent) and in training mode with a ratio of 0; its mask output is then
/// all true. Training mode with a positive ratio draws random masks, which a
/// compiled model cannot reproduce.
static LogicalResult importIdentity(GraphImporter &im,
                                    const onnx::NodeProto &node) {
  bool dropout = node.op_type() == "Dropout";
  if (!dropout) {
    // Identity also passes sequences and optionals on.
    if (failed(im.rejectOutputsFrom(1, "second"))) {
      return failure();
    }
    return forwardAnyValue(im, 0, 0);
  }
  if (dropout && im.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> training =
        im.constantInts(2, "training_mode");
    if (failed(training)) {
      return failure();
    }
    if (llvm::any_of(*training, [](int64_t v) { return v != 0; })) {
      FailureOr<SmallVector<double>> ratio =
          im.hasInput(1) ? im.constantFloats(1, "ratio")
                         : FailureOr<SmallVector<double>>(
                               SmallVector<double>{0.5});
      if (failed(ratio)) {
        return failure();
      }
      if (llvm::any_of(*ratio, [](double r) { return r != 0.0; })) {
        return im.error() << "training_mode = true with ratio "
                          << llvm::formatv("{0}", ratio->front()).str()
                          << " drops values at random; supported: inference "
                             "(training_mode false) or ratio 0";
      }
    }
  }
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  im.setOutput(0, im.create<IdentityOp>(x->getType(), *x));
  if (dropout && node.output_size() > 1 && !node.output(1).empty()) {
    auto maskType = RankedTensorType::get(
        cast<RankedTensorType>(x->getType()).getShape(),
        im.getBuilder().getI1Type());
    im.setOutput(1, im.create<ConstantOp>(
                        maskType, {},
                        {im.namedAttr("value",
                                      DenseElementsAttr::get(maskType, true))}));
  }
  return success();
}

static LogicalResult importConstant(GraphImporter &im,
                                    const onnx::NodeProto &node) {
  if (node.attribute_size() != 1) {
    return im.error() << "expected exactly one value attribute";
  }
  const onnx::AttributeProto &a = node.attribute(0);
  onnx::TensorProto t;
  if (a.name() == "value") {
    t = a.t();
  } else if (a.name() == "value_float" || a.name() == "value_floats") {
    t.set_data_type(onnx::TensorProto::FLOAT);
    if (a.name() == "value_float") {
      t.add_float_data(a.f());
    } else {
      t.add_dims(a.floats_size());
      *t.mutable_float_data() = a.floats();
    }
  } else if (a.name() == "value_int" || a.name() == "value_ints") {
    t.set_data_type(onnx::TensorProto::INT64);
    if (a.name() == "value_int") {
      t.add_int64_data(a.i());
    } else {
      t.add_dims(a.ints_size());
      *t.mutable_int64_data() = a.ints();
    }
  } else {
    return im.unsupportedAttr(a.name(), "(set)",
                              "value, value_float(s), value_int(s)");
  }
  t.set_name(node.output(0));
  im.addConstant(node.output(0), im.keepTensor(std::move(t)), im.getLoc());
  return success();
}

/// Pad's edge, reflect and wrap modes: per padded axis, one etch.gather
/// with constant indices (edge: clamped into the input, reflect: mirrored at
/// the first and last element, which are not repeated, wrap (opset 19):
/// modulo the axis size).
static LogicalResult importIndexedPad(GraphImporter &im, Value x,
                                      ArrayRef<int64_t> pads,
                                      StringRef mode) {
  bool reflect = mode == "reflect";
  OpBuilder &b = im.getBuilder();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[rank + d];
    if (before == 0 && after == 0) {
      continue;
    }
    auto inType = cast<RankedTensorType>(x.getType());
    int64_t n = inType.getDimSize(d);
    if (n == 0 || (reflect && (before >= n || after >= n))) {
      return im.error() << "cannot " << mode.str() << "-pad axis " << d
                        << " of size " << n << " by " << before << " and "
                        << after;
    }
    SmallVector<int64_t> indices;
    for (int64_t i = -before; i < n + after; ++i) {
      int64_t j = i;
      if (reflect) {
        j = j < 0 ? -j : j;
        j = j > n - 1 ? 2 * (n - 1) - j : j;
      } else if (mode == "wrap") {
        j = ((j % n) + n) % n;
      } else {
        j = std::clamp<int64_t>(j, 0, n - 1);
      }
      indices.push_back(j);
    }
    auto idxType = RankedTensorType::get(
        {static_cast<int64_t>(indices.size())}, b.getI64Type());
    Value idx = im.create<ConstantOp>(
        idxType, {},
        {im.namedAttr("value", DenseElementsAttr::get(idxType,
                                                      ArrayRef(indices)))});
    SmallVector<int64_t> shape(inType.getShape());
    shape[d] = indices.size();
    x = im.create<GatherOp>(
        RankedTensorType::get(shape, inType.getElementType()), {x, idx},
        {im.namedAttr("axis", b.getI64IntegerAttr(d))});
  }
  im.setOutput(0, x);
  return success();
}

static LogicalResult importPad(GraphImporter &im, const onnx::NodeProto &) {
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      (mode != "wrap" || im.getOpset() < 19)) {
    return im.unsupportedAttr("mode", "'" + mode + "'",
                              im.getOpset() < 19
                                  ? "'constant', 'edge', 'reflect'"
                                  : "'constant', 'edge', 'reflect', 'wrap'");
  }
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  SmallVector<int64_t> pads;
  double value = 0.0;
  bool runtimeValue = false;
  if (im.getOpset() < 11) {
    // Pad-1 (opset 1) calls them `paddings`.
    std::optional<SmallVector<int64_t>> p =
        im.attrInts(im.getOpset() < 2 ? "paddings" : "pads");
    if (!p) {
      return im.error() << "missing required attribute '"
                        << (im.getOpset() < 2 ? "paddings" : "pads") << "'";
    }
    pads = std::move(*p);
    value = im.attrFloat("value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> p = im.constantInts(1, "pads");
    if (failed(p)) {
      return failure();
    }
    pads = std::move(*p);
    if (im.hasInput(2) && !im.constantInput(2)) {
      runtimeValue = true;
    } else if (im.hasInput(2)) {
      FailureOr<SmallVector<double>> v = im.constantFloats(2, "constant_value");
      if (failed(v)) {
        return failure();
      }
      if (v->size() != 1) {
        return im.error() << "the 'constant_value' input must be a scalar";
      }
      value = v->front();
    }
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (im.getOpset() >= 18 && im.hasInput(3)) {
    // Pad-18 `axes`: the pads (begins, then ends) of these axes only.
    FailureOr<SmallVector<int64_t>> axes = im.constantInts(3, "axes");
    if (failed(axes)) {
      return failure();
    }
    int64_t n = axes->size();
    if (static_cast<int64_t>(pads.size()) != 2 * n) {
      return im.error() << "pads has " << pads.size() << " entries for "
                        << n << " axes, expected " << 2 * n;
    }
    SmallVector<int64_t> full(2 * rank, 0);
    for (auto [i, a] : llvm::enumerate(*axes)) {
      FailureOr<int64_t> axis = normalizeAxis(im, a, rank, "axes");
      if (failed(axis)) {
        return failure();
      }
      full[*axis] = pads[i];
      full[rank + *axis] = pads[n + i];
    }
    pads = std::move(full);
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank) {
    return im.error() << "pads has " << pads.size() << " entries, expected "
                      << 2 * rank;
  }
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
    return im.error() << "negative pads (cropping) are not supported";
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    std::optional<int64_t> padded = checkedAdd(type.getDimSize(d), pads[d]);
    padded = padded ? checkedAdd(*padded, pads[rank + d]) : std::nullopt;
    if (!padded) {
      return im.error() << "pads " << pads[d] << " and " << pads[rank + d]
                        << " overflow axis " << d;
    }
    shape.push_back(*padded);
  }
  // Checked before the index vectors of the edge/reflect/wrap modes (as
  // long as the result) are built.
  if (failed(im.checkDerivedShape(shape, type.getElementType()))) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  if (mode != "constant") {
    return importIndexedPad(im, *x, pads, mode);
  }
  auto outType = RankedTensorType::get(shape, type.getElementType());
  Value padded = im.create<PadOp>(
      outType, *x,
      {im.namedAttr("pads", b.getDenseI64ArrayAttr(pads)),
       im.namedAttr("value", b.getF32FloatAttr(value))});
  if (runtimeValue) {
    // A pad value computed at run time: where(interior, padded, value), the
    // interior mask a constant of the output shape.
    FailureOr<Value> v = im.input(2);
    if (failed(v)) {
      return failure();
    }
    auto vType = cast<RankedTensorType>(v->getType());
    if (vType.getNumElements() != 1 ||
        vType.getElementType() != type.getElementType()) {
      return im.error() << "the 'constant_value' input must be a scalar of "
                           "the input's element type, got "
                        << vType;
    }
    if (vType.getRank() != 0) {
      v = im.create<ReshapeOp>(
          RankedTensorType::get({}, type.getElementType()), *v);
    }
    SmallVector<bool> interior(outType.getNumElements());
    SmallVector<int64_t> idx(rank, 0);
    for (bool &inside : interior) {
      inside = true;
      for (int64_t d = 0; d < rank; ++d) {
        inside &= idx[d] >= pads[d] && idx[d] < pads[d] + type.getDimSize(d);
      }
      for (int64_t d = rank - 1; d >= 0 && ++idx[d] == shape[d]; --d) {
        idx[d] = 0;
      }
    }
    auto maskType = RankedTensorType::get(shape, b.getI1Type());
    Value mask = im.create<ConstantOp>(
        maskType, {},
        {im.namedAttr("value", DenseElementsAttr::get(maskType, interior))});
    padded = im.create<WhereOp>(outType, {mask, padded, *v});
  }
  im.setOutput(0, padded);
  return success();
}

void importer::registerShapeOps(OpTable &table) {
  table["ReduceMean"] = importReduce<ReduceMeanOp>;
  table["ReduceMax"] = importReduce<ReduceMaxOp>;
  table["ReduceSum"] = importReduce<ReduceSumOp>;
  table["Flatten"] = importFlatten;
  table["Reshape"] = importReshape;
  table["Squeeze"] = importSqueeze;
  table["Unsqueeze"] = importUnsqueeze;
  table["Transpose"] = importTranspose;
  table["Concat"] = importConcat;
  table["Identity"] = importIdentity;
  table["Dropout"] = importIdentity;
  table["Constant"] = importConstant;
  table["Pad"] = importPad;
}
