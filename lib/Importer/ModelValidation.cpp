//===- ModelValidation.cpp - check a parsed ModelProto at the door --------===//
//
// Built with exceptions: onnx/defs/schema.h has inline try blocks.
//
//===----------------------------------------------------------------------===//
#include "ModelValidation.h"

#include "etch/Support/CheckedMath.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/defs/schema.h"

#include <climits>
#include <string>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

using onnx::AttributeProto;
using onnx::TensorProto;

/// Window and size attributes above this would only make shape arithmetic
/// overflow; no real model comes near.
static constexpr int64_t kMaxAttrValue = INT32_MAX;

std::optional<int64_t> importer::boundedBytes(ArrayRef<int64_t> dims,
                                              int64_t elementBytes) {
  std::optional<int64_t> bound = shapeBound(dims);
  if (!bound) {
    return std::nullopt;
  }
  return checkedMul(*bound, std::max<int64_t>(elementBytes, 1));
}

/// Bytes per element of an ONNX data type (strings: bounded as one byte);
/// nullopt for UNDEFINED and values outside the enum.
static std::optional<int64_t> onnxElementBytes(int32_t type) {
  switch (type) {
  case TensorProto::UINT8:
  case TensorProto::INT8:
  case TensorProto::BOOL:
  case TensorProto::STRING:
    return 1;
  case TensorProto::UINT16:
  case TensorProto::INT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 8;
  case TensorProto::COMPLEX128:
    return 16;
  default:
    return std::nullopt;
  }
}

/// The typed-data field a tensor of `type` keeps its values in, its length
/// and how many entries one element takes.
static std::tuple<StringRef, int64_t, int64_t>
typedData(const TensorProto &t) {
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    return {"float_data", t.float_data_size(), 1};
  case TensorProto::COMPLEX64:
    return {"float_data", t.float_data_size(), 2};
  case TensorProto::DOUBLE:
    return {"double_data", t.double_data_size(), 1};
  case TensorProto::COMPLEX128:
    return {"double_data", t.double_data_size(), 2};
  case TensorProto::INT64:
    return {"int64_data", t.int64_data_size(), 1};
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return {"uint64_data", t.uint64_data_size(), 1};
  case TensorProto::STRING:
    return {"string_data", t.string_data_size(), 1};
  default:
    return {"int32_data", t.int32_data_size(), 1};
  }
}

static std::string formatDims(ArrayRef<int64_t> dims) {
  return "[" + llvm::join(llvm::map_range(dims, [](int64_t d) {
                            return std::to_string(d);
                          }),
                          ", ") +
         "]";
}

namespace {

/// Ranks the validator knows without shape inference: graph inputs with a
/// declared shape and initializers.
using RankMap = llvm::StringMap<int64_t>;

class Validator {
public:
  Validator(int64_t opset, uint64_t maxBytes, Location modelLoc)
      : ctx(modelLoc.getContext()), opset(opset),
        maxBytes(static_cast<int64_t>(
            std::min<uint64_t>(maxBytes, static_cast<uint64_t>(INT64_MAX)))),
        modelLoc(modelLoc) {}

  LogicalResult graph(const onnx::GraphProto &g, const llvm::StringSet<> &outer,
                      bool topLevel);

private:
  Location named(StringRef name) {
    return NameLoc::get(StringAttr::get(ctx, name));
  }
  LogicalResult tensor(const TensorProto &t, const std::string &what,
                       Location loc);
  LogicalResult sparse(const onnx::SparseTensorProto &t,
                       const std::string &what, Location loc);
  LogicalResult declared(const onnx::TypeProto &type, const std::string &what,
                         Location loc);
  LogicalResult node(const onnx::NodeProto &n, const std::string &what,
                     Location loc, const RankMap &ranks);
  LogicalResult attributes(const onnx::NodeProto &n, const std::string &what,
                           Location loc, const RankMap &ranks);

  MLIRContext *ctx;
  int64_t opset;
  int64_t maxBytes;
  Location modelLoc;
  int64_t totalBytes = 0;
};

} // namespace

LogicalResult Validator::tensor(const TensorProto &t, const std::string &what,
                                Location loc) {
  std::optional<int64_t> elemBytes = onnxElementBytes(t.data_type());
  if (!elemBytes) {
    return emitError(loc) << what << " has data type " << t.data_type()
                          << ", which is not an ONNX tensor element type";
  }
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (d < 0) {
      return emitError(loc) << what << " has negative dimension " << d
                            << " at position " << i;
    }
  }
  std::optional<int64_t> bound = boundedBytes(dims, *elemBytes);
  if (!bound || *bound > maxBytes) {
    return emitError(loc) << what << " has dims " << formatDims(dims)
                          << ", more than the " << maxBytes
                          << " bytes --max-model-bytes allows";
  }
  // boundedBytes bounds every partial product: these cannot overflow.
  int64_t numel = *shapeProduct(dims);
  int64_t bytes = numel * *elemBytes;
  std::optional<int64_t> total = checkedAdd(totalBytes, bytes);
  if (!total || *total > maxBytes) {
    return emitError(loc) << what << " takes the model's tensors past the "
                          << maxBytes << " bytes --max-model-bytes allows";
  }
  totalBytes = *total;

  if (t.data_location() == TensorProto::EXTERNAL) {
    bool hasLocation = false;
    for (const auto &entry : t.external_data()) {
      if (entry.key() == "location") {
        hasLocation = !entry.value().empty();
        continue;
      }
      if (entry.key() != "offset" && entry.key() != "length") {
        continue;
      }
      uint64_t v = 0;
      if (StringRef(entry.value()).getAsInteger(10, v)) {
        return emitError(loc) << what << ": external data " << entry.key()
                              << " '" << entry.value()
                              << "' is not a non-negative integer";
      }
      if (entry.key() == "length" && v != static_cast<uint64_t>(bytes)) {
        return emitError(loc) << what << ": external data length " << v
                              << " does not match the " << bytes
                              << " bytes of dims " << formatDims(dims);
      }
    }
    if (!hasLocation) {
      return emitError(loc) << what << ": external data has no 'location'";
    }
    return success();
  }
  if (t.has_raw_data()) {
    if (t.data_type() == TensorProto::STRING) {
      return emitError(loc) << what << ": a string tensor cannot use raw_data";
    }
    if (static_cast<int64_t>(t.raw_data().size()) != bytes) {
      return emitError(loc)
             << what << ": raw_data has " << t.raw_data().size()
             << " bytes, but dims " << formatDims(dims) << " of "
             << TensorProto::DataType_Name(
                    static_cast<TensorProto::DataType>(t.data_type()))
             << " need " << bytes;
    }
    return success();
  }
  auto [field, size, perElement] = typedData(t);
  if (size != numel * perElement) {
    return emitError(loc) << what << ": " << field << " has " << size
                          << " entries, but dims " << formatDims(dims)
                          << " need " << numel * perElement;
  }
  return success();
}

LogicalResult Validator::sparse(const onnx::SparseTensorProto &t,
                                const std::string &what, Location loc) {
  for (auto [i, d] : llvm::enumerate(t.dims())) {
    if (d < 0) {
      return emitError(loc) << what << " has negative dimension " << d
                            << " at position " << i;
    }
  }
  std::optional<int64_t> bound = boundedBytes(
      SmallVector<int64_t>(t.dims().begin(), t.dims().end()), 1);
  if (!bound || *bound > maxBytes) {
    return emitError(loc) << what << " is larger than the " << maxBytes
                          << " bytes --max-model-bytes allows";
  }
  if (failed(tensor(t.values(), what + " (values)", loc)) ||
      failed(tensor(t.indices(), what + " (indices)", loc))) {
    return failure();
  }
  return success();
}

LogicalResult Validator::declared(const onnx::TypeProto &type,
                                  const std::string &what, Location loc) {
  if (type.has_sequence_type()) {
    return declared(type.sequence_type().elem_type(), what, loc);
  }
  if (type.has_optional_type()) {
    return declared(type.optional_type().elem_type(), what, loc);
  }
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) {
    return success();
  }
  const onnx::TypeProto_Tensor &tt = type.tensor_type();
  // Unknown and negative dims are dynamic; the known ones must fit.
  SmallVector<int64_t> dims;
  for (const auto &d : tt.shape().dim()) {
    if (d.has_dim_value() && d.dim_value() > 0) {
      dims.push_back(d.dim_value());
    }
  }
  std::optional<int64_t> bound =
      boundedBytes(dims, onnxElementBytes(tt.elem_type()).value_or(1));
  if (!bound || *bound > maxBytes) {
    return emitError(loc) << what << " declares dims " << formatDims(dims)
                          << ", more than the " << maxBytes
                          << " bytes --max-model-bytes allows";
  }
  return success();
}

/// Whether `name` is an attribute `op` divides or sizes by, and its range.
static std::optional<std::pair<int64_t, int64_t>>
attrRange(StringRef op, StringRef name) {
  static const llvm::StringSet<> windowOps = {
      "Conv",    "ConvTranspose", "ConvInteger", "QLinearConv",
      "MaxPool", "AveragePool",   "LpPool",      "MaxUnpool"};
  std::pair<int64_t, int64_t> positive = {1, kMaxAttrValue};
  std::pair<int64_t, int64_t> nonNegative = {0, kMaxAttrValue};
  if (windowOps.contains(op)) {
    if (name == "strides" || name == "dilations" || name == "kernel_shape" ||
        name == "group") {
      return positive;
    }
    if (name == "pads" || name == "output_padding" || name == "output_shape") {
      return nonNegative;
    }
  }
  if ((op == "DepthToSpace" || op == "SpaceToDepth") && name == "blocksize") {
    return positive;
  }
  if (op == "LRN" && name == "size") {
    return positive;
  }
  if ((op == "LSTM" || op == "GRU" || op == "RNN") && name == "hidden_size") {
    return positive;
  }
  if (op == "MaxRoiPool" && name == "pooled_shape") {
    return positive;
  }
  if (op == "RoiAlign" && (name == "output_height" || name == "output_width")) {
    return positive;
  }
  if (op == "Split" && name == "split") {
    return nonNegative;
  }
  return std::nullopt;
}

/// For ops whose `axis` / `axes` attribute indexes input 0's dims: the
/// extra rank the attribute may address (Flatten's axis may equal the rank,
/// Unsqueeze's axes index the output).
static std::optional<int64_t> axisSlack(const onnx::NodeProto &n,
                                        StringRef name) {
  StringRef op = n.op_type();
  if (name == "axis") {
    if (op == "Flatten") {
      return 1;
    }
    static const llvm::StringSet<> ops = {
        "Concat",        "Gather",     "GatherElements", "Softmax",
        "LogSoftmax",    "Hardmax",    "Split",          "ArgMax",
        "ArgMin",        "TopK",       "Compress",       "LpNormalization",
        "QuantizeLinear", "DequantizeLinear"};
    return ops.contains(op) ? std::optional<int64_t>(0) : std::nullopt;
  }
  if (name == "axes") {
    if (op == "Unsqueeze") {
      for (const auto &a : n.attribute()) {
        if (a.name() == "axes") {
          return a.ints_size();
        }
      }
    }
    if (op == "Squeeze" || op.starts_with("Reduce")) {
      return 0;
    }
  }
  return std::nullopt;
}

LogicalResult Validator::attributes(const onnx::NodeProto &n,
                                    const std::string &what, Location loc,
                                    const RankMap &ranks) {
  for (const onnx::AttributeProto &a : n.attribute()) {
    SmallVector<int64_t> values(a.ints().begin(), a.ints().end());
    if (a.has_i()) {
      values.push_back(a.i());
    }
    if (auto range = attrRange(n.op_type(), a.name())) {
      for (int64_t v : values) {
        if (v < range->first || v > range->second) {
          return emitError(loc)
                 << what << ": attribute '" << a.name() << "' has value " << v
                 << "; it must be in [" << range->first << ", "
                 << range->second << "]";
        }
      }
    }
    auto rankIt = n.input_size() ? ranks.find(n.input(0)) : ranks.end();
    std::optional<int64_t> slack = axisSlack(n, a.name());
    if (slack && rankIt != ranks.end()) {
      int64_t rank = rankIt->second + *slack;
      for (int64_t v : values) {
        if (v < -rank || v >= rank) {
          return emitError(loc)
                 << what << ": attribute '" << a.name() << "' has value " << v
                 << ", out of range for rank " << rankIt->second
                 << " input '" << n.input(0) << "'";
        }
      }
    }
    std::string inAttr = what + ", attribute '" + a.name() + "'";
    if (a.has_t() && failed(tensor(a.t(), "tensor of " + inAttr, loc))) {
      return failure();
    }
    for (const TensorProto &t : a.tensors()) {
      if (failed(tensor(t, "tensor of " + inAttr, loc))) {
        return failure();
      }
    }
    if (a.has_sparse_tensor() &&
        failed(sparse(a.sparse_tensor(), "sparse tensor of " + inAttr, loc))) {
      return failure();
    }
    for (const onnx::SparseTensorProto &t : a.sparse_tensors()) {
      if (failed(sparse(t, "sparse tensor of " + inAttr, loc))) {
        return failure();
      }
    }
  }
  return success();
}

/// The type an attribute carries: its tag, or (old exporters leave the tag
/// unset) the field that holds a value.
static AttributeProto::AttributeType attrType(const AttributeProto &a) {
  if (a.type() != AttributeProto::UNDEFINED) {
    return a.type();
  }
  if (a.has_f()) {
    return AttributeProto::FLOAT;
  }
  if (a.has_i()) {
    return AttributeProto::INT;
  }
  if (a.has_s()) {
    return AttributeProto::STRING;
  }
  if (a.has_t()) {
    return AttributeProto::TENSOR;
  }
  if (a.has_g()) {
    return AttributeProto::GRAPH;
  }
  if (a.has_sparse_tensor()) {
    return AttributeProto::SPARSE_TENSOR;
  }
  if (a.floats_size()) {
    return AttributeProto::FLOATS;
  }
  if (a.ints_size()) {
    return AttributeProto::INTS;
  }
  if (a.strings_size()) {
    return AttributeProto::STRINGS;
  }
  if (a.tensors_size()) {
    return AttributeProto::TENSORS;
  }
  if (a.graphs_size()) {
    return AttributeProto::GRAPHS;
  }
  return AttributeProto::UNDEFINED;
}

/// Required attributes present, known attributes of the schema's type, and
/// graph attributes holding a graph: libonnx's inference functions (Scan's,
/// If's, Loop's) dereference them unchecked.
static LogicalResult schemaAttributes(const onnx::NodeProto &n,
                                      const onnx::OpSchema &schema,
                                      const std::string &what, Location loc) {
  for (const auto &[name, attr] : schema.attributes()) {
    if (attr.required &&
        llvm::none_of(n.attribute(), [&, &name = name](const AttributeProto &a) {
          return a.name() == name;
        })) {
      return emitError(loc) << what << " misses its required attribute '"
                            << name << "'";
    }
  }
  for (const AttributeProto &a : n.attribute()) {
    auto it = schema.attributes().find(a.name());
    if (it == schema.attributes().end()) {
      continue;
    }
    AttributeProto::AttributeType want = it->second.type;
    AttributeProto::AttributeType got = attrType(a);
    bool missingGraph = want == AttributeProto::GRAPH && !a.has_g();
    if ((got != want && got != AttributeProto::UNDEFINED) || missingGraph) {
      return emitError(loc)
             << what << ": attribute '" << a.name() << "' has type "
             << AttributeProto::AttributeType_Name(got) << "; the op takes "
             << AttributeProto::AttributeType_Name(want);
    }
  }
  return success();
}

LogicalResult Validator::node(const onnx::NodeProto &n,
                              const std::string &what, Location loc,
                              const RankMap &ranks) {
  bool defaultDomain = n.domain().empty() || n.domain() == "ai.onnx";
  // libonnx's shape inference reads inputs and outputs by the schema's
  // counts without checking them: a node outside them must not reach it.
  // An op newer than the model's opset (which the importer may still
  // import) is held to its latest schema's counts.
  const onnx::OpSchema *schema =
      defaultDomain ? onnx::OpSchemaRegistry::Schema(n.op_type(), opset, "")
                    : nullptr;
  if (defaultDomain && !schema) {
    schema = onnx::OpSchemaRegistry::Schema(n.op_type(), INT_MAX, "");
  }
  if (schema) {
    auto check = [&](int count, int lo, int hi,
                     StringRef kind) -> LogicalResult {
      if (count >= lo && count <= hi) {
        return success();
      }
      InFlightDiagnostic diag = emitError(loc);
      diag << what << " has " << count << " " << kind << "s; at opset "
           << opset << " the op takes ";
      if (hi == INT_MAX) {
        diag << "at least " << lo;
      } else if (lo == hi) {
        diag << lo;
      } else {
        diag << lo << " to " << hi;
      }
      return diag;
    };
    if (failed(check(n.input_size(), schema->min_input(),
                     schema->max_input(), "input")) ||
        failed(check(n.output_size(), schema->min_output(),
                     schema->max_output(), "output")) ||
        failed(schemaAttributes(n, *schema, what, loc))) {
      return failure();
    }
  }
  return attributes(n, what, loc, ranks);
}

LogicalResult Validator::graph(const onnx::GraphProto &g,
                               const llvm::StringSet<> &outer, bool topLevel) {
  llvm::StringSet<> defined = outer;
  llvm::StringSet<> local;
  RankMap ranks;
  for (const onnx::ValueInfoProto &in : g.input()) {
    if (!local.insert(in.name()).second) {
      return emitError(named(in.name()))
             << "graph input '" << in.name() << "' is listed twice";
    }
    if (failed(declared(in.type(), "graph input '" + in.name() + "'",
                        named(in.name())))) {
      return failure();
    }
    const auto &tt = in.type().tensor_type();
    if (topLevel && in.type().has_tensor_type() && tt.has_shape()) {
      ranks[in.name()] = tt.shape().dim_size();
    }
  }
  llvm::StringSet<> initializers;
  for (const TensorProto &init : g.initializer()) {
    Location loc = named(init.name());
    std::string what = "initializer '" + init.name() + "'";
    if (!initializers.insert(init.name()).second) {
      return emitError(loc) << what << " is listed twice";
    }
    if (failed(tensor(init, what, loc))) {
      return failure();
    }
    if (topLevel) {
      ranks[init.name()] = init.dims_size();
    }
  }
  for (const onnx::SparseTensorProto &init : g.sparse_initializer()) {
    const std::string &name = init.values().name();
    if (!initializers.insert(name).second) {
      return emitError(named(name))
             << "initializer '" << name << "' is listed twice";
    }
    if (failed(sparse(init, "sparse initializer '" + name + "'",
                      named(name)))) {
      return failure();
    }
  }
  for (const auto &entry : initializers) {
    local.insert(entry.getKey());
  }
  for (const auto &entry : local) {
    defined.insert(entry.getKey());
  }
  for (const onnx::ValueInfoProto &info : g.value_info()) {
    if (failed(declared(info.type(), "value_info '" + info.name() + "'",
                        named(info.name())))) {
      return failure();
    }
  }

  // Where each value is produced, to tell a cycle from a dangling name.
  llvm::StringMap<int> producer;
  for (auto [i, n] : llvm::enumerate(g.node())) {
    for (const std::string &out : n.output()) {
      if (!out.empty()) {
        producer.try_emplace(out, i);
      }
    }
  }
  auto nodeName = [&](int i) {
    const onnx::NodeProto &n = g.node(i);
    return n.name().empty() ? n.op_type() + "_" + std::to_string(i)
                            : n.name();
  };
  for (auto [i, n] : llvm::enumerate(g.node())) {
    std::string name = nodeName(i);
    Location loc = named(name);
    std::string what = "node '" + name + "' (" + n.op_type() + ")";
    if (failed(node(n, what, loc, ranks))) {
      return failure();
    }
    for (const std::string &in : n.input()) {
      if (in.empty() || defined.contains(in)) {
        continue;
      }
      auto it = producer.find(in);
      if (it != producer.end()) {
        return emitError(loc)
               << what << ": input '" << in << "' is produced by node '"
               << nodeName(it->second)
               << "', which comes later: the graph has a cycle or is not "
                  "topologically sorted";
      }
      return emitError(loc) << what << ": input '" << in
                            << "' is not produced by any node, initializer "
                               "or graph input";
    }
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g() && failed(graph(a.g(), defined, false))) {
        return failure();
      }
      for (const onnx::GraphProto &sub : a.graphs()) {
        if (failed(graph(sub, defined, false))) {
          return failure();
        }
      }
    }
    for (const std::string &out : n.output()) {
      if (out.empty()) {
        continue;
      }
      if (local.contains(out)) {
        return emitError(loc) << what << ": output '" << out
                              << "' is already a graph input, initializer "
                                 "or another node's output";
      }
      local.insert(out);
      defined.insert(out);
    }
  }

  llvm::StringSet<> outputs;
  for (const onnx::ValueInfoProto &out : g.output()) {
    Location loc = named(out.name());
    if (!outputs.insert(out.name()).second) {
      return emitError(loc) << "graph output '" << out.name()
                            << "' is listed twice";
    }
    if (!defined.contains(out.name())) {
      return emitError(loc) << "graph output '" << out.name()
                            << "' is not produced by any node, initializer "
                               "or graph input";
    }
    if (failed(declared(out.type(), "graph output '" + out.name() + "'",
                        loc))) {
      return failure();
    }
  }
  return success();
}

LogicalResult importer::validateModel(const onnx::ModelProto &model,
                                      int64_t opset, uint64_t maxBytes,
                                      Location modelLoc) {
  Validator v(opset, maxBytes, modelLoc);
  return v.graph(model.graph(), {}, /*topLevel=*/true);
}

LogicalResult importer::checkTypeSizes(ModuleOp module, uint64_t maxBytes) {
  int64_t limit =
      static_cast<int64_t>(std::min<uint64_t>(maxBytes, INT64_MAX));
  WalkResult result = module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes()) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (!shaped || !shaped.hasStaticShape()) {
        continue;
      }
      Type elem = shaped.getElementType();
      int64_t elemBytes =
          elem.isIntOrFloat() ? (elem.getIntOrFloatBitWidth() + 7) / 8 : 16;
      std::optional<int64_t> bytes = boundedBytes(shaped.getShape(), elemBytes);
      if (!bytes || *bytes > limit) {
        op->emitError() << "result type " << type << " holds more than the "
                        << limit << " bytes --max-model-bytes allows";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}
