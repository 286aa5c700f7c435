//===- OnnxImporter.cpp - ONNX model to an etch module --------------------===//
//
// Loading, input-shape pinning, shape inference and the graph walk; the
// per-op conversions live in Import*.cpp.
//
//===----------------------------------------------------------------------===//
#include "etch/Importer/OnnxImporter.h"

#include "GraphImporter.h"
#include "ModelValidation.h"
#include "ShapeInference.h"

#include "etch/Support/CheckedMath.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <deque>
#include <map>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

static constexpr int64_t kMinOpset = 1;
// Opsets above 17 (libonnx 1.12's newest) are inferred in their
// InferenceForm (ShapeInference.h); ONNX 1.23 defines up to 28.
static constexpr int64_t kMaxOpset = 28;

/// `d0xd1x...` (empty: a scalar) as dims.
static llvm::Expected<SmallVector<int64_t>> parseDims(StringRef part,
                                                     StringRef dims) {
  SmallVector<int64_t> shape;
  if (dims.trim().empty()) {
    return shape;
  }
  SmallVector<StringRef> dimStrs;
  dims.split(dimStrs, 'x');
  for (StringRef d : dimStrs) {
    int64_t v;
    if (d.trim().getAsInteger(10, v) || v < 0) {
      return llvm::createStringError(
          "bad --input-shape '%s': dimension '%s' is not a non-negative "
          "integer",
          part.str().c_str(), d.str().c_str());
    }
    shape.push_back(v);
  }
  return shape;
}

llvm::Error mlir::etch::addInputShapeSpec(OnnxImportOptions &opts,
                                          StringRef spec) {
  SmallVector<StringRef> parts;
  spec.split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    auto [name, dims] = part.split('=');
    name = name.trim();
    dims = dims.trim();
    if (name.empty() || !part.contains('=')) {
      return llvm::createStringError(
          "bad --input-shape '%s': expected <name>=<d0>x<d1>x..., "
          "<name>=[<shape>;<shape>...] for a sequence or <name>=none for an "
          "absent optional",
          part.str().c_str());
    }
    if (dims == "none") {
      opts.absentInputs.insert(name);
      continue;
    }
    if (dims.starts_with("[")) {
      if (!dims.ends_with("]")) {
        return llvm::createStringError(
            "bad --input-shape '%s': a sequence is [<shape>;<shape>...]",
            part.str().c_str());
      }
      SmallVector<SmallVector<int64_t>> shapes;
      StringRef inner = dims.drop_front().drop_back().trim();
      SmallVector<StringRef> elems;
      if (!inner.empty()) {
        inner.split(elems, ';');
      }
      for (StringRef e : elems) {
        // A scalar element is `scalar` (an empty element would read as an
        // empty sequence).
        llvm::Expected<SmallVector<int64_t>> shape =
            e.trim() == "scalar" ? SmallVector<int64_t>() : parseDims(part, e);
        if (!shape) {
          return shape.takeError();
        }
        shapes.push_back(std::move(*shape));
      }
      opts.inputSequences[name] = std::move(shapes);
      continue;
    }
    llvm::Expected<SmallVector<int64_t>> shape = parseDims(part, dims);
    if (!shape) {
      return shape.takeError();
    }
    opts.inputShapes[name] = std::move(*shape);
  }
  return llvm::Error::success();
}

llvm::Error mlir::etch::addInputValueSpec(OnnxImportOptions &opts,
                                          StringRef spec) {
  auto [name, values] = spec.split('=');
  if (name.trim().empty() || !spec.contains('=')) {
    return llvm::createStringError(
        "bad --input-value '%s': expected <name>=<v0>,<v1>,... (<name>= "
        "for an empty tensor)",
        spec.str().c_str());
  }
  // `name=` gives an empty tensor.
  SmallVector<StringRef> parts;
  if (!values.trim().empty()) {
    values.split(parts, ',');
  }
  SmallVector<std::string> &list = opts.inputValues[name.trim()];
  list.clear();
  for (StringRef v : parts) {
    list.push_back(v.trim().str());
  }
  return llvm::Error::success();
}

SmallVector<StringRef> mlir::etch::getSupportedOnnxOps() {
  SmallVector<StringRef> names;
  for (const auto &entry : getOpTable()) {
    // Other domains' keys are "<domain>.<op>" (opTableKey).
    if (!entry.getKey().contains('.')) {
      names.push_back(entry.getKey());
    }
  }
  llvm::sort(names);
  return names;
}

/// The ops etch imports of each domain other than the default one, as
/// "com.microsoft's BiasAdd, ...; ai.onnx.ml's Binarizer, ...".
static std::string describeOtherDomainOps() {
  std::map<std::string, SmallVector<StringRef>> byDomain;
  for (const auto &entry : getOpTable()) {
    StringRef key = entry.getKey();
    size_t dot = key.rfind('.');
    if (dot != StringRef::npos) {
      byDomain[key.take_front(dot).str()].push_back(key.drop_front(dot + 1));
    }
  }
  std::string text;
  for (auto &[domain, ops] : byDomain) {
    llvm::sort(ops);
    text += (text.empty() ? "" : "; ") + domain + "'s " + llvm::join(ops, ", ");
  }
  return text;
}

/// Formats a TensorShapeProto as `?x3x224x224` (symbolic dims by name).
static std::string formatShape(const onnx::TensorShapeProto &shape,
                               bool placeholders) {
  std::string s;
  for (int i = 0; i < shape.dim_size(); ++i) {
    if (i) {
      s += "x";
    }
    const auto &d = shape.dim(i);
    if (d.has_dim_value() && d.dim_value() >= 0) {
      s += std::to_string(d.dim_value());
    } else if (placeholders) {
      s += "<d" + std::to_string(i) + ">";
    } else {
      s += d.has_dim_param() ? d.dim_param() : "?";
    }
  }
  return s;
}

/// Writes the pinned shapes into the graph inputs' declared types.
/// Sequence and optional graph inputs in terms of tensors: a sequence input
/// `x` pinned with `--input-shape x=[2x3;4x5]` becomes tensor inputs `x.0`,
/// `x.1` and a SequenceConstruct of them named `x` (SequenceEmpty for `[]`);
/// a present optional input becomes its element; an absent one
/// (`x=none`) disappears and its name goes to `absent`.
static LogicalResult expandNonTensorInputs(onnx::GraphProto &graph,
                                           const OnnxImportOptions &opts,
                                           Location modelLoc,
                                           llvm::StringSet<> &absent) {
  std::vector<onnx::ValueInfoProto> inputs(graph.input().begin(),
                                           graph.input().end());
  std::vector<onnx::NodeProto> prologue;
  graph.clear_input();
  for (onnx::ValueInfoProto &in : inputs) {
    const std::string name = in.name();
    onnx::TypeProto type = in.type();
    if (type.has_optional_type()) {
      if (opts.absentInputs.contains(name)) {
        absent.insert(name);
        continue;
      }
      type = onnx::TypeProto(type.optional_type().elem_type());
    } else if (opts.absentInputs.contains(name)) {
      return emitError(modelLoc) << "--input-shape " << name
                                 << "=none: graph input '" << name
                                 << "' is not optional";
    }
    if (!type.has_sequence_type()) {
      *in.mutable_type() = type;
      *graph.add_input() = std::move(in);
      continue;
    }
    const onnx::TypeProto &elem = type.sequence_type().elem_type();
    auto it = opts.inputSequences.find(name);
    if (!elem.has_tensor_type() || it == opts.inputSequences.end()) {
      return emitError(modelLoc)
             << "graph input '" << name
             << "' is a sequence of tensors: give its elements' shapes with "
                "--input-shape "
             << name << "=[2x3;2x3] ([] for an empty sequence); each "
                        "element becomes a tensor argument";
    }
    onnx::NodeProto node;
    node.set_name(name + "_sequence");
    node.add_output(name);
    int32_t dtype = elem.tensor_type().elem_type();
    if (it->second.empty()) {
      node.set_op_type("SequenceEmpty");
      onnx::AttributeProto *a = node.add_attribute();
      a->set_name("dtype");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(dtype);
    } else {
      node.set_op_type("SequenceConstruct");
    }
    for (auto [i, shape] : llvm::enumerate(it->second)) {
      onnx::ValueInfoProto *arg = graph.add_input();
      arg->set_name(name + "." + std::to_string(i));
      onnx::TypeProto_Tensor *tt = arg->mutable_type()->mutable_tensor_type();
      tt->set_elem_type(dtype);
      onnx::TensorShapeProto *sp = tt->mutable_shape();
      for (int64_t d : shape) {
        sp->add_dim()->set_dim_value(d);
      }
      node.add_input(arg->name());
    }
    prologue.push_back(std::move(node));
  }
  for (const auto &entry : opts.inputSequences) {
    if (!llvm::any_of(inputs, [&](const onnx::ValueInfoProto &in) {
          return in.name() == entry.getKey();
        })) {
      return emitError(modelLoc) << "--input-shape names '" << entry.getKey()
                                 << "', which is not a graph input";
    }
  }
  if (!prologue.empty()) {
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (onnx::NodeProto &n : prologue) {
      *nodes.Add() = std::move(n);
    }
    for (const onnx::NodeProto &n : graph.node()) {
      *nodes.Add() = n;
    }
    graph.mutable_node()->Swap(&nodes);
  }
  return success();
}

static LogicalResult pinInputShapes(onnx::GraphProto &graph,
                                    const OnnxImportOptions &opts,
                                    Location modelLoc) {
  // Some exporters write an unknown dimension as `dim_value: -1`: it is a
  // symbolic dimension like any `dim_param`.
  for (onnx::ValueInfoProto &in : *graph.mutable_input()) {
    if (!in.type().has_tensor_type()) {
      continue;
    }
    onnx::TensorShapeProto *shape =
        in.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (auto [i, dim] : llvm::enumerate(*shape->mutable_dim())) {
      if (dim.has_dim_value() && dim.dim_value() < 0) {
        dim.set_dim_param(in.name() + "_dim" + std::to_string(i));
      }
    }
  }
  for (const auto &entry : opts.inputShapes) {
    auto it = llvm::find_if(*graph.mutable_input(), [&](const auto &in) {
      return in.name() == entry.getKey();
    });
    if (it == graph.mutable_input()->end()) {
      std::string names;
      for (const auto &in : graph.input()) {
        names += (names.empty() ? "'" : ", '") + in.name() + "'";
      }
      return emitError(modelLoc)
             << "--input-shape names '" << entry.getKey()
             << "', which is not a graph input; graph inputs: " << names;
    }
    onnx::TypeProto_Tensor *tt = it->mutable_type()->mutable_tensor_type();
    ArrayRef<int64_t> pinned = entry.getValue();
    if (tt->has_shape() &&
        tt->shape().dim_size() != static_cast<int>(pinned.size())) {
      return emitError(modelLoc)
             << "--input-shape gives graph input '" << entry.getKey()
             << "' rank " << pinned.size() << ", but the model declares rank "
             << tt->shape().dim_size() << " ("
             << formatShape(tt->shape(), false) << ")";
    }
    if (tt->has_shape()) {
      for (auto [i, d] : llvm::enumerate(pinned)) {
        const auto &dim = tt->shape().dim(i);
        if (dim.has_dim_value() && dim.dim_value() != d) {
          return emitError(modelLoc)
                 << "--input-shape gives graph input '" << entry.getKey()
                 << "' dim " << i << " = " << d << ", but the model fixes it "
                 << "to " << dim.dim_value();
        }
      }
    }
    onnx::TensorShapeProto *shape = tt->mutable_shape();
    shape->clear_dim();
    for (int64_t d : pinned) {
      shape->add_dim()->set_dim_value(d);
    }
  }
  // A graph output that passes a graph input through has the input's type;
  // a vaguer declared output type would otherwise shadow the input's during
  // ONNX shape inference.
  for (onnx::ValueInfoProto &out : *graph.mutable_output()) {
    for (const onnx::ValueInfoProto &in : graph.input()) {
      if (in.name() == out.name()) {
        *out.mutable_type() = in.type();
      }
    }
  }
  return success();
}

/// Turns the graph inputs named by --input-value into initializers (before
/// shape inference, which then sees their values).
static LogicalResult pinInputValues(onnx::GraphProto &graph,
                                    const OnnxImportOptions &opts,
                                    Location modelLoc) {
  for (const auto &entry : opts.inputValues) {
    StringRef name = entry.getKey();
    auto it = llvm::find_if(*graph.mutable_input(),
                            [&](const auto &in) { return in.name() == name; });
    if (it == graph.mutable_input()->end()) {
      return emitError(modelLoc) << "--input-value names '" << name
                                 << "', which is not a graph input";
    }
    const onnx::TypeProto_Tensor &tt = it->type().tensor_type();
    onnx::TensorProto t;
    t.set_name(name.str());
    t.set_data_type(tt.elem_type());
    int64_t numel = 1;
    for (const auto &d : tt.shape().dim()) {
      if (!d.has_dim_value()) {
        return emitError(modelLoc)
               << "--input-value: graph input '" << name
               << "' has a dynamic shape; pin it with --input-shape too";
      }
      t.add_dims(d.dim_value());
      std::optional<int64_t> next =
          d.dim_value() < 0 ? std::nullopt : checkedMul(numel, d.dim_value());
      if (!next) {
        return emitError(modelLoc) << "--input-value: graph input '" << name
                                   << "' has no valid static shape";
      }
      numel = *next;
    }
    ArrayRef<std::string> values = entry.getValue();
    if (!it->type().has_tensor_type() || !tt.has_shape() ||
        static_cast<int64_t>(values.size()) != numel) {
      return emitError(modelLoc)
             << "--input-value gives graph input '" << name << "' "
             << values.size() << " values; its shape holds " << numel;
    }
    bool isFloat = tt.elem_type() == onnx::TensorProto::FLOAT ||
                   tt.elem_type() == onnx::TensorProto::DOUBLE;
    bool isBool = tt.elem_type() == onnx::TensorProto::BOOL;
    bool isInt = tt.elem_type() == onnx::TensorProto::INT64 ||
                 tt.elem_type() == onnx::TensorProto::INT32 || isBool;
    if (!isFloat && !isInt) {
      return emitError(modelLoc)
             << "--input-value: graph input '" << name << "' has element type "
             << onnxTypeName(tt.elem_type())
             << "; supported: int64, int32, bool, float, double";
    }
    for (const std::string &v : values) {
      double f = 0;
      int64_t i = 0;
      bool bad = isFloat ? StringRef(v).getAsDouble(f)
                         : StringRef(v).getAsInteger(10, i);
      if (isBool) {
        bad = !(v == "0" || v == "1" || v == "true" || v == "false");
        i = v == "1" || v == "true";
      }
      if (bad) {
        return emitError(modelLoc) << "--input-value: '" << v
                                   << "' is not a valid "
                                   << onnxTypeName(tt.elem_type())
                                   << " for graph input '" << name << "'";
      }
      switch (tt.elem_type()) {
      case onnx::TensorProto::FLOAT:
        t.add_float_data(static_cast<float>(f));
        break;
      case onnx::TensorProto::DOUBLE:
        t.add_double_data(f);
        break;
      case onnx::TensorProto::INT64:
        t.add_int64_data(i);
        break;
      default:
        t.add_int32_data(static_cast<int32_t>(i));
        break;
      }
    }
    graph.mutable_input()->erase(it);
    *graph.add_initializer() = std::move(t);
  }
  return success();
}

static Location nodeLoc(MLIRContext &ctx, const onnx::NodeProto &node,
                        int index) {
  std::string name = node.name();
  if (name.empty()) {
    name = node.op_type() + "_" + std::to_string(index);
  }
  return NameLoc::get(StringAttr::get(&ctx, name));
}

/// Rejects non-default domains and unsupported ops before any work.
static LogicalResult checkSupported(MLIRContext &ctx,
                                    const onnx::GraphProto &graph,
                                    int64_t opset) {
  const OpTable &table = getOpTable();
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    auto loc = cast<NameLoc>(nodeLoc(ctx, node, i));
    StringRef name = loc.getName().getValue();
    if (!node.domain().empty() && node.domain() != "ai.onnx" &&
        !table.count(opTableKey(node))) {
      return emitError(loc) << "node '" << name << "': op '"
                            << node.op_type() << "' of domain '"
                            << node.domain()
                            << "' is not supported; supported: the default "
                               "ONNX domain, "
                            << describeOtherDomainOps();
    }
    if (!table.count(opTableKey(node))) {
      return emitError(loc)
             << "node '" << name << "': unsupported op '"
             << node.op_type() << "' (opset " << opset
             << "); supported ops: "
             << llvm::join(getSupportedOnnxOps(), ", ");
    }
    // If's branches are imported inline: their ops must be supported too.
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() && failed(checkSupported(ctx, attr.g(), opset))) {
        return failure();
      }
    }
  }
  return success();
}

/// ONNX shape inference sees a shape computed from another tensor's shape
/// (Shape -> Gather -> Div -> Concat -> Reshape, Slice with computed ends,
/// Resize with computed sizes) only as far as its data propagation reaches.
/// The importer folds such subgraphs into constants as it goes; when a node's
/// outputs still have no static shape, this re-runs inference on a copy of
/// the model in which every folded value is an initializer, and takes the
/// shapes it finds. The learned value infos stay alive in `keep`
/// (valueInfos point into them). Returns whether anything new was learned.
static bool refineShapes(const onnx::ModelProto &model, GraphImporter &im,
                         std::deque<onnx::ValueInfoProto> &keep) {
  // The copy carries no weights: inference needs their types and dims, and
  // data propagation only small integer tensors.
  onnx::ModelProto refined;
  refined.set_ir_version(model.ir_version());
  *refined.mutable_opset_import() = model.opset_import();
  onnx::GraphProto &graph = *refined.mutable_graph();
  const onnx::GraphProto &source = model.graph();
  *graph.mutable_input() = source.input();
  *graph.mutable_output() = source.output();
  for (const onnx::TensorProto &init : source.initializer()) {
    onnx::TensorProto *copy = graph.add_initializer();
    std::optional<int64_t> elements = shapeBound(
        SmallVector<int64_t>(init.dims().begin(), init.dims().end()));
    if (elements && *elements <= 1024) {
      *copy = init;
    } else {
      copy->set_name(init.name());
      copy->set_data_type(init.data_type());
      *copy->mutable_dims() = init.dims();
    }
  }
  *graph.mutable_node() = source.node();
  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer()) {
    initializers.insert(init.name());
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (const onnx::NodeProto &node : graph.node()) {
    bool allConstant = node.output_size() > 0;
    for (const std::string &out : node.output()) {
      allConstant &= out.empty() || im.constantTensor(out) != nullptr;
    }
    if (!allConstant) {
      *kept.Add() = node;
      continue;
    }
    for (const std::string &out : node.output()) {
      if (!out.empty() && initializers.insert(out).second) {
        onnx::TensorProto *init = graph.add_initializer();
        *init = *im.constantTensor(out);
        init->set_name(out);
      }
    }
  }
  *graph.mutable_node() = std::move(kept);
  graph.clear_value_info();
  std::string error;
  if (!inferShapes(refined, error)) {
    return false;
  }
  bool learned = false;
  auto take = [&](const onnx::ValueInfoProto &info) {
    if (!im.hasStaticShape(info.name()) && info.has_type()) {
      keep.push_back(info);
      im.addValueInfo(keep.back());
      learned |= im.hasStaticShape(info.name());
    }
  };
  for (const auto &info : refined.graph().value_info()) {
    take(info);
  }
  for (const auto &info : refined.graph().output()) {
    take(info);
  }
  return learned;
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::etch::importOnnxModel(MLIRContext &ctx, StringRef path,
                            const OnnxImportOptions &opts) {
  ctx.loadDialect<EtchDialect, func::FuncDialect>();
  Location modelLoc = FileLineColLoc::get(&ctx, path, 0, 0);

  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    return emitError(modelLoc) << "cannot open ONNX model '" << path
                               << "': " << buffer.getError().message();
  }
  onnx::ModelProto model;
  if ((*buffer)->getBufferSize() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray((*buffer)->getBufferStart(),
                            static_cast<int>((*buffer)->getBufferSize()))) {
    return emitError(modelLoc) << "failed to parse ONNX model '" << path
                               << "'";
  }
  buffer->reset();

  int64_t opset = -1;
  for (const auto &imp : model.opset_import()) {
    if (imp.domain().empty() || imp.domain() == "ai.onnx") {
      opset = imp.version();
    }
  }
  bool usesDefaultDomain = llvm::any_of(model.graph().node(), [](auto &n) {
    return n.domain().empty() || n.domain() == "ai.onnx";
  });
  if (opset < 0 && !usesDefaultDomain) {
    // Every node is of another domain (e.g. ai.onnx.preview.training):
    // checkSupported names the first one.
    opset = kMaxOpset;
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    InFlightDiagnostic diag = emitError(modelLoc);
    if (opset < 0) {
      diag << "ONNX model '" << path << "' imports no default-domain opset";
    } else {
      diag << "ONNX model '" << path << "' uses opset " << opset
           << "; supported opsets: " << kMinOpset << " to " << kMaxOpset;
    }
    return diag;
  }
  // Nothing below (libonnx included) may see a structurally broken model.
  if (failed(validateModel(model, opset, opts.maxModelBytes, modelLoc))) {
    return failure();
  }

  expandFunctionOps(model, opset);
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> absentInputs;
  if (failed(checkSupported(ctx, graph, opset)) ||
      failed(expandNonTensorInputs(graph, opts, modelLoc, absentInputs)) ||
      failed(pinInputShapes(graph, opts, modelLoc)) ||
      failed(pinInputValues(graph, opts, modelLoc))) {
    return failure();
  }
  // Optional outputs are their element (an absent one is an error when the
  // outputs are collected). Inference sees them untyped: the node writing
  // one may give an optional (If, Optional) or its element (Identity of an
  // optional input, which is its element by now).
  SmallVector<std::pair<int, onnx::TypeProto>> optionalOutputs;
  for (auto [i, out] : llvm::enumerate(*graph.mutable_output())) {
    if (out.type().has_optional_type()) {
      optionalOutputs.emplace_back(i, out.type().optional_type().elem_type());
      out.clear_type();
    }
  }
  std::string inferError;
  if (!inferShapes(model, inferError)) {
    return emitError(modelLoc) << "ONNX shape inference failed on '" << path
                               << "': " << inferError;
  }
  for (auto &[index, elem] : optionalOutputs) {
    *graph.mutable_output(index)->mutable_type() = std::move(elem);
  }
  SmallString<256> modelDir(path);
  llvm::sys::path::remove_filename(modelDir);
  rewriteInt4MatMuls(ctx, graph,
                     modelDir.empty() ? StringRef(".") : modelDir.str());
  // After inference: the fused nodes write the Q nodes' (typed) outputs.
  fuseQdqGroups(ctx, graph);

  GraphImporter im(ctx, modelDir.empty() ? StringRef(".") : modelDir.str(),
                   opset);
  im.setMaxTensorBytes(static_cast<int64_t>(
      std::min<uint64_t>(opts.maxModelBytes, INT64_MAX)));
  im.setRequantMode(opts.requant);
  im.setUnsignedActivations(opts.unsignedActivations);
  for (const auto &name : absentInputs) {
    im.setAbsent(name.getKey());
  }
  // Later entries win: a graph input's declared (pinned) type is
  // authoritative even when the same name is also a graph output.
  for (const auto &info : graph.output()) {
    im.addValueInfo(info);
  }
  for (const auto &info : graph.value_info()) {
    im.addValueInfo(info);
  }
  for (const auto &info : graph.input()) {
    im.addValueInfo(info);
  }
  for (const auto &init : graph.initializer()) {
    im.addConstant(init.name(), &init,
                   NameLoc::get(StringAttr::get(&ctx, init.name())));
  }

  // Function signature: graph inputs that are not initializers (older IR
  // versions list initializers among the inputs too).
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const auto &in : graph.input()) {
    if (im.isKnown(in.name())) {
      continue;
    }
    std::string why;
    FailureOr<RankedTensorType> type = im.typeOfValueInfo(in.name(), why);
    if (failed(type)) {
      const auto &tt = in.type().tensor_type();
      if (in.type().has_tensor_type() && tt.has_shape() &&
          convertElementType(&ctx, tt.elem_type())) {
        return emitError(modelLoc)
               << "graph input '" << in.name() << "' has a dynamic shape ["
               << formatShape(tt.shape(), false) << "]; pin it with "
               << "--input-shape " << in.name() << "="
               << formatShape(tt.shape(), true);
      }
      return emitError(modelLoc) << "graph input '" << in.name()
                                 << "': " << why;
    }
    if (unsigned bits = narrowTypeBits(in.type().tensor_type().elem_type())) {
      // Packed at the C ABI; unpacked below.
      type = RankedTensorType::get({packedBytes(type->getNumElements(), bits)},
                                   IntegerType::get(&ctx, 8));
    }
    argTypes.push_back(*type);
    args.push_back(&in);
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc);
  OpBuilder &b = im.getBuilder();
  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, modelLoc, "main",
                                   b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, in] : llvm::enumerate(args)) {
    func.setArgAttr(i, "etch.name", b.getStringAttr(in->name()));
    // Signless in the IR; the C ABI's dtype (uint8_t, ...) comes from this.
    if (isUnsignedType(in->type().tensor_type().elem_type())) {
      func.setArgAttr(i, "etch.unsigned", b.getUnitAttr());
    }
    im.markGraphInput(in->name());
    int32_t elemType = in->type().tensor_type().elem_type();
    if (!narrowTypeBits(elemType)) {
      im.setValue(in->name(), body->getArgument(i));
      continue;
    }
    std::string why;
    FailureOr<RankedTensorType> logical = im.typeOfValueInfo(in->name(), why);
    func.setArgAttr(i, "etch.dtype", b.getStringAttr(abiDTypeName(elemType)));
    func.setArgAttr(i, "etch.shape",
                    b.getDenseI64ArrayAttr(logical->getShape()));
    b.setInsertionPointToEnd(body);
    im.setLoc(NameLoc::get(b.getStringAttr(in->name())));
    im.setValue(in->name(), unpackNarrow(im, body->getArgument(i), elemType,
                                         logical->getShape()));
  }
  b.setInsertionPointToEnd(body);

  const OpTable &table = getOpTable();
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input()) {
      im.markUsed(in);
    }
  }
  for (const auto &out : graph.output()) {
    im.markUsed(out.name());
  }
  std::deque<onnx::ValueInfoProto> refinedModels;
  size_t constantsAtLastRefine = im.numConstants();
  // The node loop; If imports its taken branch through it (subgraphs get no
  // shape refinement: inference saw them with the model).
  std::function<LogicalResult(
      const google::protobuf::RepeatedPtrField<onnx::NodeProto> &, bool)>
      importNodes;
  im.setSubgraphImporter([&](const onnx::GraphProto &subgraph) {
    // A body's or branch's own initializers (constants of its scope, e.g.
    // what exporters hoist out of a loop body's Constant nodes).
    for (const auto &init : subgraph.initializer()) {
      im.addConstant(init.name(), &init,
                     NameLoc::get(StringAttr::get(&ctx, init.name())));
    }
    return importNodes(subgraph.node(), /*topLevel=*/false);
  });
  importNodes = [&](const google::protobuf::RepeatedPtrField<onnx::NodeProto>
                        &nodes,
                    bool topLevel) -> LogicalResult {
  for (auto [i, node] : llvm::enumerate(nodes)) {
    Location loc = nodeLoc(ctx, node, i);
    im.beginNode(node, loc);
    im.recordGraphInputDeps(node);
    for (const std::string &in : node.input()) {
      if (!in.empty() && !im.isKnown(in)) {
        return im.error() << "input '" << in
                          << "' is not produced by any node, initializer or "
                             "graph input";
      }
    }
    FailureOr<bool> foldable = checkLegacyNode(im, node);
    if (failed(foldable)) {
      return failure();
    }
    FailureOr<bool> folded = *foldable ? tryFoldNode(im, node) : false;
    if (failed(folded)) {
      return failure();
    }
    if (*folded) {
      continue;
    }
    // Only folds since the last attempt can teach inference anything new.
    if (topLevel && im.numConstants() != constantsAtLastRefine &&
        llvm::any_of(node.output(), [&](const std::string &out) {
          return !out.empty() && !im.hasStaticShape(out);
        })) {
      constantsAtLastRefine = im.numConstants();
      refineShapes(model, im, refinedModels);
    }
    if (failed(checkUnsignedSupport(im, node)) ||
        failed(checkNarrowTypeSupport(im, node)) ||
        failed(importNode(im, node, table.lookup(opTableKey(node))))) {
      return failure();
    }
  }
  return success();
  };
  if (failed(importNodes(graph.node(), /*topLevel=*/true))) {
    return failure();
  }

  // A sequence output becomes one result per element (`name.<i>`).
  SmallVector<Value> results;
  SmallVector<std::pair<std::string, bool>> resultNames; // name, unsigned
  // etch.dtype / etch.shape of packed sub-byte results.
  SmallVector<std::pair<unsigned, NamedAttrList>> packedResults;
  for (const auto &out : graph.output()) {
    if (!im.isKnown(out.name())) {
      return emitError(modelLoc) << "graph output '" << out.name()
                                 << "' is not produced by any node, "
                                    "initializer or graph input";
    }
    bool isUnsigned = isUnsignedType(im.onnxElementType(out.name()));
    if (const SmallVector<Value> *seq = im.lookupSequence(out.name())) {
      for (auto [i, v] : llvm::enumerate(*seq)) {
        results.push_back(v);
        resultNames.push_back(
            {out.name() + "." + std::to_string(i), isUnsigned});
      }
      continue;
    }
    FailureOr<Value> v = im.lookup(out.name(), modelLoc);
    if (failed(v)) {
      return failure();
    }
    int32_t elemType = im.onnxElementType(out.name());
    if (narrowTypeBits(elemType)) {
      NamedAttrList attrs;
      attrs.set("etch.dtype", b.getStringAttr(abiDTypeName(elemType)));
      attrs.set("etch.shape",
                b.getDenseI64ArrayAttr(
                    cast<RankedTensorType>(v->getType()).getShape()));
      packedResults.push_back({unsigned(results.size()), attrs});
      im.setLoc(NameLoc::get(b.getStringAttr(out.name())));
      *v = packNarrow(im, *v, elemType);
    }
    results.push_back(*v);
    resultNames.push_back({out.name(), isUnsigned});
  }
  func::ReturnOp::create(b, modelLoc, results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(resultNames)) {
    func.setResultAttr(i, "etch.name", b.getStringAttr(out.first));
    if (out.second) {
      func.setResultAttr(i, "etch.unsigned", b.getUnitAttr());
    }
  }
  for (auto &[i, attrs] : packedResults) {
    for (NamedAttribute attr : attrs) {
      func.setResultAttr(i, attr.getName(), attr.getValue());
    }
  }

  // Inconsistent shapes between ONNX inference and the etch shape rules
  // surface here, at the offending node.
  if (failed(checkTypeSizes(*module, opts.maxModelBytes)) ||
      failed(verify(*module))) {
    return failure();
  }
  return module;
}
