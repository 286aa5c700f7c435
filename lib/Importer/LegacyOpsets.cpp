//===- LegacyOpsets.cpp - ONNX opsets 1 to 6 ------------------------------===//
//
// The importer implements each op's opset-7+ semantics. A node of a model
// below opset 7 is checked against the op's opset-7 schema: an attribute that
// schema lacks is either one the importer handles (legacy broadcasting with
// `broadcast`/`axis`, Reshape's `shape`, Pad's `paddings`, BatchNorm's and
// Dropout's `is_test`, Cast's string `to`), the ignorable `consumed_inputs`,
// or an error naming it. An op whose old version differs from its opset-7
// version in ways no attribute shows must be in the reviewed list below.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "onnx/defs/schema.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

/// Binary elementwise ops whose opset-1..6 forms broadcast only with
/// broadcast=1 (B's shape a contiguous run of A's dims starting at `axis`,
/// or A's trailing dims without `axis`).
static bool hasLegacyBroadcast(StringRef op) {
  static const llvm::StringSet<> ops = {"Add", "Sub",   "Mul",     "Div",
                                        "Pow", "And",   "Or",      "Xor",
                                        "Equal", "Greater", "Less"};
  return ops.contains(op);
}

/// Ops whose opset-1..6 versions the importer handles (their differences to
/// the opset-7 version are attributes dealt with here or in the op's
/// importer, or none that change results).
static bool isReviewed(StringRef op) {
  static const llvm::StringSet<> ops = {
      // consumed_inputs only (and, for the binary ops, legacy broadcasting).
      "Abs", "Ceil", "Clip", "Elu", "Exp", "Floor", "HardSigmoid",
      "LeakyRelu", "Log", "Neg", "Reciprocal", "Relu", "Selu", "Sigmoid",
      "Sqrt", "Tanh", "InstanceNormalization", "Add", "Sub", "Mul", "Div",
      "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less",
      // Sum/Max/Min/Mean-1..6 require equal shapes: a special case of 8+.
      "Sum", "Max", "Min", "Mean",
      // Gemm's `broadcast`: opset 7 always broadcasts C unidirectionally.
      "Gemm",
      // AveragePool-1: count_include_pad did not exist, i.e. was 0.
      "AveragePool", "MaxPool",
      // Handled in their importers: is_test, shape, paddings, string `to`,
      // Concat-1's optional axis (default 1), PRelu-1/6's per-channel slope.
      "BatchNormalization", "Dropout", "Reshape", "Pad", "Cast", "Concat",
      "PRelu"};
  return ops.contains(op);
}

/// Whether `attr` is an opset-1..6 attribute of `op` that the importer
/// handles (or, for consumed_inputs, may ignore).
static bool isHandledLegacyAttr(StringRef op, StringRef attr) {
  // A memory-reuse hint of opsets 1-5 ("legacy optimization attribute"):
  // it never changes results.
  if (attr == "consumed_inputs") {
    return true;
  }
  if (hasLegacyBroadcast(op) && (attr == "broadcast" || attr == "axis")) {
    return true;
  }
  return (op == "Gemm" && attr == "broadcast") ||
         ((op == "BatchNormalization" || op == "Dropout") &&
          attr == "is_test") ||
         (op == "Reshape" && attr == "shape") ||
         (op == "Pad" && attr == "paddings");
}

FailureOr<bool> importer::checkLegacyNode(GraphImporter &im,
                                          const onnx::NodeProto &node) {
  int64_t opset = im.getOpset();
  if (opset >= 7) {
    return true;
  }
  const std::string &op = node.op_type();
  const onnx::OpSchema *old = onnx::OpSchemaRegistry::Schema(op, opset);
  const onnx::OpSchema *cur = onnx::OpSchemaRegistry::Schema(op, 7);
  if (!old) {
    return im.error() << "op '" << op << "' does not exist in opset " << opset;
  }
  if (!cur || old->SinceVersion() == cur->SinceVersion()) {
    return true;
  }
  if (!isReviewed(op)) {
    return im.error() << "the opset-" << opset << " form of " << op
                      << " (" << op << "-" << old->SinceVersion()
                      << ") is not supported; supported: " << op << "-"
                      << cur->SinceVersion() << " and later (opset >= "
                      << cur->SinceVersion() << ")";
  }
  bool foldable = true;
  for (const onnx::AttributeProto &a : node.attribute()) {
    auto it = cur->attributes().find(a.name());
    if (it != cur->attributes().end()) {
      // Same name, other type: Cast-1's `to` is a type name string.
      if (it->second.type != a.type()) {
        foldable = false;
      }
      continue;
    }
    if (!isHandledLegacyAttr(op, a.name())) {
      return im.error() << "attribute '" << a.name() << "' of " << op << "-"
                        << old->SinceVersion()
                        << " is not supported (opset " << opset << ")";
    }
    if (a.name() == "is_test" && a.i() != 1) {
      return im.unsupportedAttr("is_test", std::to_string(a.i()),
                                "1 (inference)");
    }
    if (a.name() != "consumed_inputs" && a.name() != "is_test") {
      foldable = false;
    }
  }
  if ((op == "BatchNormalization" || op == "Dropout") && !im.attr("is_test")) {
    // is_test defaults to 0: training mode.
    return im.unsupportedAttr("is_test", "0 (default)", "1 (inference)");
  }
  if (op == "Concat" && !im.attr("axis")) {
    foldable = false;
  }
  return foldable;
}

FailureOr<Value> importer::legacyBroadcastRhs(GraphImporter &im, Value lhs,
                                              Value rhs) {
  if (im.getOpset() >= 7) {
    return rhs;
  }
  auto l = cast<RankedTensorType>(lhs.getType());
  auto r = cast<RankedTensorType>(rhs.getType());
  if (im.attrInt("broadcast", 0) == 0) {
    if (l.getShape() != r.getShape()) {
      return im.error() << "inputs of shapes " << l << " and " << r
                        << " need broadcast=1 (opset " << im.getOpset()
                        << ")";
    }
    return rhs;
  }
  int64_t lRank = l.getRank(), rRank = r.getRank();
  // Without `axis`, B matches A's trailing dims: NumPy broadcasting.
  int64_t axis = im.attr("axis") ? im.attrInt("axis", 0) : lRank - rRank;
  if (axis < 0) {
    axis += lRank;
  }
  if (rRank > lRank || axis < 0 || axis + rRank > lRank) {
    return im.error() << "cannot broadcast " << r << " into " << l
                      << " at axis " << axis;
  }
  SmallVector<int64_t> shape(r.getShape());
  for (int64_t d = 0; d < rRank; ++d) {
    int64_t want = l.getDimSize(axis + d);
    if (shape[d] != want && shape[d] != 1) {
      return im.error() << "cannot broadcast " << r << " into " << l
                        << " at axis " << axis << ": dim " << d << " is "
                        << shape[d] << ", expected " << want << " or 1";
    }
  }
  // B's dims then ones up to A's last dim: NumPy's right alignment then
  // puts B at `axis`.
  shape.append(lRank - axis - rRank, 1);
  if (static_cast<int64_t>(shape.size()) == rRank) {
    return rhs;
  }
  return im.create<ReshapeOp>(
      RankedTensorType::get(shape, r.getElementType()), rhs);
}

FailureOr<Value> importer::legacyPReluSlope(GraphImporter &im, Value x,
                                            Value slope) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto sType = cast<RankedTensorType>(slope.getType());
  if (sType.getShape() == xType.getShape()) {
    return slope;
  }
  Type elem = sType.getElementType();
  if (sType.getNumElements() == 1) {
    return im.create<ReshapeOp>(RankedTensorType::get({}, elem), slope);
  }
  // One slope per channel (dim 1), as the Caffe2-era PRelu did.
  if (xType.getRank() >= 2 &&
      sType.getNumElements() == xType.getDimSize(1)) {
    SmallVector<int64_t> shape(xType.getRank() - 1, 1);
    shape[0] = xType.getDimSize(1);
    return im.create<ReshapeOp>(RankedTensorType::get(shape, elem), slope);
  }
  return im.error() << "slope of shape " << sType << " for input " << xType
                    << ": PRelu-" << (im.getOpset() < 6 ? 1 : 6)
                    << " takes one slope, one per channel (dim 1), or one "
                       "per element";
}
