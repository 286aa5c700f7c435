//===- ImportSequence.cpp - ONNX sequences as import-time lists -----------===//
//
// A sequence whose length and positions are static (the only kind a static
// program has) is a list of tensor values while importing: SequenceConstruct
// / SequenceEmpty / SequenceInsert / SequenceErase edit the list,
// SequenceAt and SequenceLength read it, SplitToSequence makes it from
// slices and ConcatFromSequence concatenates it. No sequence reaches the
// etch dialect; one that would be a graph input or output is an error.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

FailureOr<SmallVector<Value>> sequenceInput(GraphImporter &im, unsigned i) {
  const onnx::NodeProto &node = im.getNode();
  if (static_cast<int>(i) >= node.input_size() || node.input(i).empty()) {
    return im.error() << "missing sequence input #" << i;
  }
  const SmallVector<Value> *seq = im.lookupSequence(node.input(i));
  if (!seq) {
    return im.error() << "input '" << node.input(i) << "' is not a sequence";
  }
  return *seq;
}

/// The constant position input `i` (default `dflt` when absent), normalized
/// against a sequence of `size` elements (`size` itself allowed for insert).
FailureOr<int64_t> position(GraphImporter &im, unsigned i, int64_t size,
                            int64_t dflt, bool insert) {
  int64_t pos = dflt;
  if (im.hasInput(i)) {
    FailureOr<SmallVector<int64_t>> v = im.constantInts(i, "position");
    if (failed(v)) {
      return failure();
    }
    if (v->size() != 1) {
      return im.error() << "'position' must be a scalar";
    }
    pos = v->front();
  }
  int64_t hi = insert ? size : size - 1;
  if (pos < -size || pos > hi) {
    return im.error() << "position " << pos << " is out of range [" << -size
                      << ", " << hi << "] for a sequence of " << size
                      << " tensors";
  }
  return pos < 0 ? pos + size : pos;
}

void setSequenceOutput(GraphImporter &im, SmallVector<Value> elements) {
  im.setSequence(im.getNode().output(0), std::move(elements));
}

LogicalResult importSequenceEmpty(GraphImporter &im, const onnx::NodeProto &) {
  setSequenceOutput(im, {});
  return success();
}

LogicalResult importSequenceConstruct(GraphImporter &im,
                                      const onnx::NodeProto &node) {
  SmallVector<Value> elements;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> v = im.input(i);
    if (failed(v)) {
      return failure();
    }
    elements.push_back(*v);
  }
  setSequenceOutput(im, std::move(elements));
  return success();
}

LogicalResult importSequenceInsert(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<SmallVector<Value>> seq = sequenceInput(im, 0);
  FailureOr<Value> tensor = im.input(1);
  if (failed(seq) || failed(tensor)) {
    return failure();
  }
  int64_t size = seq->size();
  FailureOr<int64_t> pos = position(im, 2, size, size, /*insert=*/true);
  if (failed(pos)) {
    return failure();
  }
  seq->insert(seq->begin() + *pos, *tensor);
  setSequenceOutput(im, std::move(*seq));
  return success();
}

LogicalResult importSequenceErase(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<SmallVector<Value>> seq = sequenceInput(im, 0);
  if (failed(seq)) {
    return failure();
  }
  int64_t size = seq->size();
  if (size == 0) {
    return im.error() << "cannot erase from an empty sequence";
  }
  FailureOr<int64_t> pos = position(im, 1, size, size - 1, false);
  if (failed(pos)) {
    return failure();
  }
  seq->erase(seq->begin() + *pos);
  setSequenceOutput(im, std::move(*seq));
  return success();
}

LogicalResult importSequenceAt(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<SmallVector<Value>> seq = sequenceInput(im, 0);
  if (failed(seq)) {
    return failure();
  }
  if (!im.hasInput(1)) {
    return im.error() << "missing required input #1 ('position')";
  }
  FailureOr<int64_t> pos = position(im, 1, seq->size(), 0, false);
  if (failed(pos)) {
    return failure();
  }
  im.setOutput(0, (*seq)[*pos]);
  return success();
}

LogicalResult importSequenceLength(GraphImporter &im,
                                   const onnx::NodeProto &node) {
  FailureOr<SmallVector<Value>> seq = sequenceInput(im, 0);
  if (failed(seq)) {
    return failure();
  }
  onnx::TensorProto length;
  length.set_name(node.output(0));
  length.set_data_type(onnx::TensorProto::INT64);
  length.add_int64_data(seq->size());
  im.addConstant(node.output(0), im.keepTensor(std::move(length)),
                 im.getLoc());
  return success();
}

LogicalResult importSplitToSequence(GraphImporter &im,
                                    const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 0), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  int64_t dim = type.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  bool keepDims = true;
  if (im.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> split = im.constantInts(1, "split");
    if (failed(split)) {
      return failure();
    }
    const onnx::TensorProto *t = im.constantInput(1);
    if (t && t->dims_size() == 0) {
      // A scalar: chunks of that size, the last one possibly shorter.
      int64_t chunk = split->front();
      if (chunk <= 0) {
        return im.error() << "'split' must be positive, got " << chunk;
      }
      for (int64_t at = 0; at < dim; at += chunk) {
        sizes.push_back(std::min(chunk, dim - at));
      }
    } else {
      sizes = *split;
      int64_t total = 0;
      for (int64_t s : sizes) {
        if (s < 0) {
          return im.error() << "'split' sizes must be non-negative";
        }
        total += s;
      }
      if (total != dim) {
        return im.error() << "'split' sizes add up to " << total
                          << "; the input has " << dim << " along axis "
                          << *axis;
      }
    }
  } else {
    sizes.assign(dim, 1);
    keepDims = im.attrInt("keepdims", 1) != 0;
  }
  SmallVector<Value> elements;
  int64_t start = 0;
  for (int64_t size : sizes) {
    Value part = slice(im, *x, *axis, start, size);
    start += size;
    if (!keepDims) {
      SmallVector<int64_t> shape(type.getShape());
      shape.erase(shape.begin() + *axis);
      part = reshapeTo(im, part, shape);
    }
    elements.push_back(part);
  }
  setSequenceOutput(im, std::move(elements));
  return success();
}

LogicalResult importConcatFromSequence(GraphImporter &im,
                                       const onnx::NodeProto &) {
  FailureOr<SmallVector<Value>> seq = sequenceInput(im, 0);
  if (failed(seq)) {
    return failure();
  }
  if (seq->empty()) {
    return im.error() << "cannot concatenate an empty sequence";
  }
  auto first = cast<RankedTensorType>(seq->front().getType());
  bool newAxis = im.attrInt("new_axis", 0) != 0;
  int64_t rank = first.getRank() + (newAxis ? 1 : 0);
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 0), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  SmallVector<Value> parts;
  SmallVector<int64_t> outShape;
  for (Value v : *seq) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != first.getElementType() ||
        t.getRank() != first.getRank()) {
      return im.error() << "sequence elements " << first << " and " << t
                        << " cannot be concatenated";
    }
    if (newAxis) {
      SmallVector<int64_t> shape(t.getShape());
      shape.insert(shape.begin() + *axis, 1);
      v = im.create<ReshapeOp>(
          RankedTensorType::get(shape, t.getElementType()), v);
    }
    auto vt = cast<RankedTensorType>(v.getType());
    if (outShape.empty()) {
      outShape.assign(vt.getShape().begin(), vt.getShape().end());
    } else {
      outShape[*axis] += vt.getDimSize(*axis);
    }
    parts.push_back(v);
  }
  if (parts.size() == 1) {
    im.setOutput(0, parts.front());
    return success();
  }
  im.setOutput(0, im.create<ConcatOp>(
                      RankedTensorType::get(outShape, first.getElementType()),
                      parts,
                      {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(
                                                *axis))}));
  return success();
}

/// Passes input `i`'s value (tensor, sequence or absent optional) on as
/// output `o`.
LogicalResult forwardValue(GraphImporter &im, unsigned i, unsigned o) {
  const onnx::NodeProto &node = im.getNode();
  const std::string &in = node.input(i);
  if (im.isAbsent(in)) {
    im.setAbsent(node.output(o));
    return success();
  }
  if (const SmallVector<Value> *seq = im.lookupSequence(in)) {
    im.setSequence(node.output(o), *seq);
    return success();
  }
  FailureOr<Value> v = im.input(i);
  if (failed(v)) {
    return failure();
  }
  im.setOutput(o, *v);
  return success();
}

/// Optional(x): x itself; Optional() without input: absent.
LogicalResult importOptional(GraphImporter &im, const onnx::NodeProto &node) {
  if (!im.hasInput(0)) {
    im.setAbsent(node.output(0));
    return success();
  }
  return forwardValue(im, 0, 0);
}

LogicalResult importOptionalGetElement(GraphImporter &im,
                                       const onnx::NodeProto &node) {
  if (im.hasInput(0) && im.isAbsent(node.input(0))) {
    return im.error() << "'" << node.input(0)
                      << "' is an optional without an element";
  }
  return forwardValue(im, 0, 0);
}

/// OptionalHasElement: known at compile time.
LogicalResult importOptionalHasElement(GraphImporter &im,
                                       const onnx::NodeProto &node) {
  bool has = im.hasInput(0) && !im.isAbsent(node.input(0));
  onnx::TensorProto value;
  value.set_name(node.output(0));
  value.set_data_type(onnx::TensorProto::BOOL);
  value.add_int32_data(has ? 1 : 0);
  im.addConstant(node.output(0), im.keepTensor(std::move(value)),
                 im.getLoc());
  return success();
}

} // namespace

LogicalResult importer::forwardAnyValue(GraphImporter &im, unsigned input,
                                        unsigned output) {
  return forwardValue(im, input, output);
}

void importer::registerSequenceOps(OpTable &table) {
  table["Optional"] = importOptional;
  table["OptionalGetElement"] = importOptionalGetElement;
  table["OptionalHasElement"] = importOptionalHasElement;
  table["SequenceEmpty"] = importSequenceEmpty;
  table["SequenceConstruct"] = importSequenceConstruct;
  table["SequenceInsert"] = importSequenceInsert;
  table["SequenceErase"] = importSequenceErase;
  table["SequenceAt"] = importSequenceAt;
  table["SequenceLength"] = importSequenceLength;
  table["SplitToSequence"] = importSplitToSequence;
  table["ConcatFromSequence"] = importConcatFromSequence;
}
