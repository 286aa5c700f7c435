//===- ModelValidation.cpp - check a parsed ModelProto at the door --------===//
//
// Built with exceptions: onnx/defs/schema.h has inline try blocks.
//
//===----------------------------------------------------------------------===//
#include "ModelValidation.h"
#include "ShapeInference.h"

#include "etch/Support/CheckedMath.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/defs/schema.h"

#include <climits>
#include <optional>
#include <string>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

using onnx::AttributeProto;
using onnx::TensorProto;

/// Window and size attributes above this would only make shape arithmetic
/// overflow; no real model comes near.
static constexpr int64_t kMaxAttrValue = INT32_MAX;


namespace {

/// Ranks the validator knows without shape inference: graph inputs with a
/// declared shape and initializers.
using RankMap = llvm::StringMap<int64_t>;

class Validator {
public:
  Validator(int64_t opset, uint64_t maxBytes, Location modelLoc)
      : ctx(modelLoc.getContext()), opset(opset),
        budget{static_cast<int64_t>(
            std::min<uint64_t>(maxBytes, static_cast<uint64_t>(INT64_MAX)))},
        modelLoc(modelLoc) {}

  LogicalResult graph(const onnx::GraphProto &g, const llvm::StringSet<> &outer,
                      bool topLevel);

private:
  Location named(StringRef name) {
    return NameLoc::get(StringAttr::get(ctx, name));
  }
  LogicalResult tensor(const TensorProto &t, const std::string &what,
                       Location loc) {
    return validateTensor(t, what, loc, budget);
  }
  LogicalResult sparse(const onnx::SparseTensorProto &t,
                       const std::string &what, Location loc) {
    return validateSparseTensor(t, what, loc, budget);
  }
  LogicalResult declared(const onnx::TypeProto &type, const std::string &what,
                         Location loc) {
    return validateDeclaredType(type, what, loc, budget);
  }
  LogicalResult node(const onnx::NodeProto &n, const std::string &what,
                     Location loc, const RankMap &ranks);
  LogicalResult attributes(const onnx::NodeProto &n, const std::string &what,
                           Location loc, const RankMap &ranks);
  LogicalResult windowShapes(const onnx::NodeProto &n, const std::string &what,
                             Location loc, const RankMap &ranks);

  MLIRContext *ctx;
  int64_t opset;
  ByteBudget budget;
  Location modelLoc;
};

} // namespace


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
        "QuantizeLinear", "DequantizeLinear", "LayerNormalization",
        "RMSNormalization", "ScatterElements", "Scatter"};
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
    // An axis indexes dims: no tensor has 2^16 of them, whatever the op
    // (ONNX 1.12's inference indexed with LayerNormalization's axis
    // -2^31 as an int: fuzz regression layernorm-huge-axis.onnx).
    if (a.name() == "axis" || a.name() == "axes") {
      for (int64_t v : values) {
        if (v < -(int64_t{1} << 16) || v > (int64_t{1} << 16)) {
          return emitError(loc) << what << ": attribute '" << a.name()
                                << "' has value " << v
                                << ", which indexes no tensor dimension";
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

/// Input counts of the op versions after opset 17 (libonnx 1.12's newest)
/// whose input counts differ from their opset-17 schema: ReduceX-18 reads
/// `axes` from an input, Pad-18 adds `axes`, DFT-20 reads `axis` from an
/// input, OptionalHasElement-18 may have no input.
/// Ops whose later versions keep the counts are checked against the 1.12
/// schema; new ops have none there and are checked by their importers.
struct LaterInputCounts {
  int lo;
  int hi;
};
static std::optional<LaterInputCounts> laterInputCounts(StringRef op,
                                                        int64_t opset) {
  if (opset >= 18 && op.starts_with("Reduce") && op != "ReduceSum") {
    return LaterInputCounts{1, 2};
  }
  if (opset >= 18 && op == "Pad") {
    return LaterInputCounts{2, 4};
  }
  if (opset >= 20 && op == "DFT") {
    return LaterInputCounts{1, 3};
  }
  if (opset >= 18 && op == "OptionalHasElement") {
    return LaterInputCounts{0, 1}; // the input became optional
  }
  return std::nullopt;
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
    int minInput = schema->min_input();
    int maxInput = schema->max_input();
    if (opset > kLibOnnxMaxOpset) {
      if (std::optional<LaterInputCounts> later =
              laterInputCounts(n.op_type(), opset)) {
        minInput = later->lo;
        maxInput = later->hi;
      }
    }
    if (failed(check(n.input_size(), minInput, maxInput, "input")) ||
        failed(check(n.output_size(), schema->min_output(),
                     schema->max_output(), "output")) ||
        failed(schemaAttributes(n, *schema, what, loc))) {
      return failure();
    }
  }
  // The recurrent ops' inference reads X as [seq, batch, input] and W, R
  // as 3-D without checking that they are there or their ranks in their
  // early versions.
  if (defaultDomain && (n.op_type() == "LSTM" || n.op_type() == "GRU" ||
                        n.op_type() == "RNN")) {
    for (int i = 0; i < std::min(n.input_size(), 3); ++i) {
      if (n.input(i).empty()) {
        return emitError(loc) << what << ": required input " << i
                              << " (X, W, R) is empty";
      }
      auto it = ranks.find(n.input(i));
      if (it != ranks.end() && it->second != 3) {
        return emitError(loc) << what << ": input " << i << " ('" << n.input(i)
                              << "') has rank " << it->second
                              << "; the op takes rank 3";
      }
    }
  }
  if (defaultDomain && failed(windowShapes(n, what, loc, ranks))) {
    return failure();
  }
  return attributes(n, what, loc, ranks);
}

/// Convolutions and pools: libonnx's inference indexes X (N, C, spatial...),
/// W (as X's rank) and the per-spatial-dim attributes without checking
/// their ranks and lengths in several op versions.
LogicalResult Validator::windowShapes(const onnx::NodeProto &n, const std::string &what,
                           Location loc, const RankMap &ranks) {
  static const llvm::StringMap<int> weightInput = {
      {"Conv", 1},    {"ConvTranspose", 1}, {"ConvInteger", 1},
      {"QLinearConv", 3}, {"MaxPool", -1},  {"AveragePool", -1},
      {"LpPool", -1}, {"MaxUnpool", -1}};
  auto op = weightInput.find(n.op_type());
  if (op == weightInput.end() || n.input_size() == 0) {
    return success();
  }
  auto rankOf = [&](int i) -> std::optional<int64_t> {
    if (i < 0 || i >= n.input_size() || n.input(i).empty()) {
      return std::nullopt;
    }
    auto it = ranks.find(n.input(i));
    return it == ranks.end() ? std::nullopt
                             : std::optional<int64_t>(it->second);
  };
  std::optional<int64_t> x = rankOf(0);
  if (!x) {
    return success();
  }
  if (*x < 3) {
    return emitError(loc) << what << ": input 0 ('" << n.input(0)
                          << "') has rank " << *x
                          << "; the op takes (N, C, spatial dims...), rank "
                             ">= 3";
  }
  if (std::optional<int64_t> w = rankOf(op->second); w && *w != *x) {
    return emitError(loc) << what << ": the weight ('" << n.input(op->second)
                          << "') has rank " << *w << "; input 0 has rank "
                          << *x << " and the op takes equal ranks";
  }
  int64_t spatial = *x - 2;
  for (const onnx::AttributeProto &a : n.attribute()) {
    StringRef name = a.name();
    int64_t count = a.ints_size();
    bool ok = true;
    if (name == "kernel_shape" || name == "strides" || name == "dilations" ||
        name == "output_padding") {
      ok = count == spatial;
    } else if (name == "pads") {
      ok = count == 2 * spatial;
    } else if (name == "output_shape") {
      ok = count == spatial || count == spatial + 2;
    } else {
      continue;
    }
    if (!ok) {
      return emitError(loc) << what << ": attribute '" << name << "' has "
                            << count << " values; input 0 has " << spatial
                            << " spatial dims, so it takes "
                            << (name == "pads" ? 2 * spatial : spatial);
    }
  }
  return success();
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
