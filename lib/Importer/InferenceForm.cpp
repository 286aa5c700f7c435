//===- InferenceForm.cpp - opset 18+ nodes as libonnx 1.12 sees them ------===//
//
// Debian's libonnx 1.12 knows the ai.onnx schemas up to opset 17. Most op
// versions after 17 only add element types (float8, int4, bfloat16, ...), so
// the opset-17 schema's shape inference gives the same result shapes. For
// the versions that moved an attribute into an input or added one that
// changes result shapes, the node is rewritten for the duration of one
// inference run into the opset-17 form with the same result types (e.g.
// ReduceMean-18 with constant `axes` -> ReduceMean-13 with the `axes`
// attribute), or, when no such form exists, hidden behind an op type no
// schema has: inference skips it, and the op's importer computes its result
// types itself. com.microsoft nodes are hidden the same way. See README
// ("How shapes are inferred").
//
//===----------------------------------------------------------------------===//
#include "ShapeInference.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstring>
#include <optional>
#include <vector>

using namespace mlir::etch::importer;
using llvm::StringRef;

namespace {

/// An op type no ONNX schema has: libonnx's inference skips such nodes.
constexpr const char *kHiddenPrefix = "etch.uninferred.";

using Attrs = google::protobuf::RepeatedPtrField<onnx::AttributeProto>;

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute()) {
    if (a.name() == name) {
      return &a;
    }
  }
  return nullptr;
}

void removeAttr(onnx::NodeProto &node, StringRef name) {
  Attrs &attrs = *node.mutable_attribute();
  for (int i = 0; i < attrs.size(); ++i) {
    if (attrs.Get(i).name() == name) {
      attrs.DeleteSubrange(i, 1);
      return;
    }
  }
}

int64_t attrInt(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->i() : dflt;
}

bool hasInput(const onnx::NodeProto &node, int i) {
  return node.input_size() > i && !node.input(i).empty();
}

/// The elements of an int64 tensor (raw or typed data), or nullopt.
std::optional<std::vector<int64_t>> int64Values(const onnx::TensorProto &t) {
  if (t.data_type() != onnx::TensorProto::INT64 || t.has_data_location()) {
    return std::nullopt;
  }
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    std::vector<int64_t> v(raw.size() / sizeof(int64_t));
    std::memcpy(v.data(), raw.data(), v.size() * sizeof(int64_t));
    return v;
  }
  return std::vector<int64_t>(t.int64_data().begin(), t.int64_data().end());
}

/// The graphs enclosing the node being rewritten, innermost last: a
/// constant is looked up from the inside out.
using Scope = std::vector<const onnx::GraphProto *>;

std::optional<std::vector<int64_t>> constantInts(const Scope &scope,
                                                 const std::string &name) {
  for (const onnx::GraphProto *g : llvm::reverse(scope)) {
    for (const onnx::TensorProto &init : g->initializer()) {
      if (init.name() == name) {
        return int64Values(init);
      }
    }
    for (const onnx::NodeProto &n : g->node()) {
      if (n.op_type() == "Constant" && n.output_size() == 1 &&
          n.output(0) == name) {
        const onnx::AttributeProto *v = findAttr(n, "value");
        return v ? int64Values(v->t()) : std::nullopt;
      }
    }
  }
  return std::nullopt;
}

/// The declared element type of `name` (graph input, output, value_info or
/// initializer in scope); 0 when unknown.
int32_t declaredElemType(const Scope &scope, const std::string &name) {
  for (const onnx::GraphProto *g : llvm::reverse(scope)) {
    for (const onnx::TensorProto &init : g->initializer()) {
      if (init.name() == name) {
        return init.data_type();
      }
    }
    for (const auto *infos : {&g->input(), &g->value_info(), &g->output()}) {
      for (const onnx::ValueInfoProto &vi : *infos) {
        if (vi.name() == name && vi.type().has_tensor_type()) {
          return vi.type().tensor_type().elem_type();
        }
      }
    }
  }
  return 0;
}

bool allOnes(const onnx::AttributeProto *a) {
  return !a || llvm::all_of(a->ints(), [](int64_t d) { return d == 1; });
}

/// Hidden nodes keep their op type after the prefix (for messages).
void hide(onnx::NodeProto &node) {
  node.set_op_type(kHiddenPrefix + node.op_type());
}

bool isNewReduce(StringRef op) {
  return op.starts_with("Reduce") && op != "ReduceSum";
}

/// The ops rewrite() may change.
bool mayRewrite(StringRef op) {
  return isNewReduce(op) ||
         llvm::is_contained({"Split", "Pad", "Resize", "AveragePool", "LpPool",
                             "DFT", "QuantizeLinear", "DequantizeLinear",
                             "GridSample"},
                            op);
}

/// Rewrites one default-domain node of a model at `opset` (> 17) into its
/// opset-17 inference form. Returns whether it changed the node.
bool rewrite(onnx::NodeProto &node, const Scope &scope, int64_t opset) {
  StringRef op = node.op_type();
  if (isNewReduce(op) && opset >= 18) {
    bool noop = attrInt(node, "noop_with_empty_axes", 0) != 0;
    std::optional<std::vector<int64_t>> axes;
    if (hasInput(node, 1)) {
      axes = constantInts(scope, node.input(1));
      if (!axes) {
        hide(node); // axes computed at run time: the importer decides
        return true;
      }
    }
    removeAttr(node, "noop_with_empty_axes");
    if (node.input_size() > 1) {
      node.mutable_input()->DeleteSubrange(1, node.input_size() - 1);
    }
    if (!axes || axes->empty()) {
      if (noop) {
        node.set_op_type("Identity");
        node.clear_attribute();
      }
      return true; // no axes attribute: reduce over all axes
    }
    onnx::AttributeProto *a = node.add_attribute();
    a->set_name("axes");
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t d : *axes) {
      a->add_ints(d);
    }
    return true;
  }
  if (op == "Split" && opset >= 18) {
    // Split-13 without `split` divides evenly into the outputs; a remainder
    // (allowed from 18) makes its inference fail, and the importer sizes
    // the outputs itself.
    if (!findAttr(node, "num_outputs")) {
      return false;
    }
    removeAttr(node, "num_outputs");
    return true;
  }
  if (op == "Pad" && opset >= 18 && hasInput(node, 3)) {
    hide(node);
    return true;
  }
  if (op == "Resize" && opset >= 18) {
    const onnx::AttributeProto *policy =
        findAttr(node, "keep_aspect_ratio_policy");
    if (findAttr(node, "axes") || (policy && policy->s() != "stretch")) {
      hide(node);
      return true;
    }
    return false;
  }
  if ((op == "AveragePool" && opset >= 19) || (op == "LpPool" && opset >= 18)) {
    if (!allOnes(findAttr(node, "dilations")) ||
        attrInt(node, "ceil_mode", 0) != 0) {
      hide(node);
      return true;
    }
    return false;
  }
  if (op == "DFT" && opset >= 20) {
    hide(node);
    return true;
  }
  if ((op == "QuantizeLinear" && opset >= 19) ||
      (op == "DequantizeLinear" && opset >= 21)) {
    if (attrInt(node, "output_dtype", 0) != 0 ||
        attrInt(node, "block_size", 0) != 0) {
      hide(node);
      return true;
    }
  }
  // From 19 the scale (and QuantizeLinear's x) may be float16 or bfloat16,
  // DequantizeLinear's result then being the scale's type; the opset-13
  // schema infers float32.
  if ((op == "QuantizeLinear" || op == "DequantizeLinear") && opset >= 19) {
    int32_t scaleType =
        hasInput(node, 1) ? declaredElemType(scope, node.input(1)) : 0;
    if (scaleType == onnx::TensorProto::FLOAT16 ||
        scaleType == onnx::TensorProto::BFLOAT16) {
      hide(node);
      return true;
    }
    return false;
  }
  if (op == "GridSample" && opset >= 20) {
    // N-D from 20; the 16 schema knows only 4-D inputs.
    hide(node);
    return true;
  }
  return false;
}

} // namespace

void InferenceForm::rewriteGraph(onnx::GraphProto &graph, Scope &scope) {
  scope.push_back(&graph);
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    // Copies only of nodes rewrite() may change (Constant nodes can be big).
    bool candidate =
        defaultDomain && opset > kLibOnnxMaxOpset && mayRewrite(node.op_type());
    onnx::NodeProto original = candidate ? node : onnx::NodeProto();
    if (candidate && rewrite(node, scope, opset)) {
      rewritten.push_back({&node, std::move(original)});
    } else if (node.domain() == "com.microsoft" ||
               node.domain() == "ai.onnx.ml" ||
               node.domain() == "ai.onnx.preview.training" ||
               (defaultDomain &&
                (node.op_type() == "Shape" || node.op_type() == "Size") &&
                node.input_size() > 0 && untyped.count(node.input(0)))) {
      // com.microsoft ops have no schemas in libonnx (and a missing opset
      // import would stop inference): their importers type them. So do the
      // ai.onnx.ml and training importers: libonnx 1.12 knows neither
      // ai.onnx.ml 4/5 (LabelEncoder tensors, TreeEnsemble) nor newer. libonnx
      // 1.12's Shape/Size data propagation dereferences the input's type,
      // so a Shape of a hidden node's result is hidden too.
      rewritten.push_back({&node, node});
      node.clear_domain();
      hide(node);
    }
    if (node.op_type().rfind(kHiddenPrefix, 0) == 0) {
      untyped.insert(node.output().begin(), node.output().end());
    }
    for (onnx::AttributeProto &a : *node.mutable_attribute()) {
      if (a.has_g()) {
        rewriteGraph(*a.mutable_g(), scope);
      }
      for (onnx::GraphProto &g : *a.mutable_graphs()) {
        rewriteGraph(g, scope);
      }
    }
  }
  scope.pop_back();
}

InferenceForm::InferenceForm(onnx::ModelProto &model) {
  for (onnx::OperatorSetIdProto &imp : *model.mutable_opset_import()) {
    if (imp.domain().empty() || imp.domain() == "ai.onnx") {
      opset = imp.version();
      if (opset > kLibOnnxMaxOpset) {
        clamped = &imp;
      }
    }
  }
  if (clamped) {
    clamped->set_version(kLibOnnxMaxOpset);
  }
  Scope scope;
  rewriteGraph(*model.mutable_graph(), scope);
  // Hidden nodes are in the default domain, which inference then requires.
  if (opset == 0 && !rewritten.empty()) {
    onnx::OperatorSetIdProto *imp = model.add_opset_import();
    imp->set_domain("");
    imp->set_version(kLibOnnxMaxOpset);
    addedDefaultImport = &model;
  }
}

InferenceForm::~InferenceForm() {
  if (clamped) {
    clamped->set_version(opset);
  }
  if (addedDefaultImport) {
    addedDefaultImport->mutable_opset_import()->RemoveLast();
  }
  // Inference adds value infos but leaves nodes where they were.
  for (Rewritten &r : llvm::reverse(rewritten)) {
    *r.node = std::move(r.original);
  }
}
