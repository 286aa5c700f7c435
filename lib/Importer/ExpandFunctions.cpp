//===- ExpandFunctions.cpp - inline ONNX function ops etch has no importer for -===//
//
// Many ONNX ops (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss,
// MeanVarianceNormalization, ...) are defined by a function body in their
// schema, a subgraph of primitive ops. A node whose op etch does not import
// but whose schema at the model's opset has a body (plain or built from the
// node's attributes and input types) is replaced by that body before shape
// inference, as ONNX's own "_expanded" node tests do. Nested function ops
// expand in later rounds. A node is expanded only when every op of its body
// is importable or itself a function, so an unsupported op is still reported
// as the op the model uses.
//
// Built with exceptions: onnx/defs/schema.h has inline try blocks, and
// building a context-dependent body can throw.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ShapeInference.h"

#include "onnx/defs/function.h"
#include "onnx/defs/schema.h"

#include <map>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

const onnx::OpSchema *schemaOf(const onnx::NodeProto &node, int64_t opset) {
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    return nullptr;
  }
  return onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "");
}

/// The function body of `node`, if its schema has one.
std::optional<onnx::FunctionProto>
functionBody(const onnx::NodeProto &node, int64_t opset,
             const std::map<std::string, onnx::TypeProto> &types) {
  const onnx::OpSchema *schema = schemaOf(node, opset);
  if (!schema) {
    return std::nullopt;
  }
  try {
    if (schema->HasFunction()) {
      return *schema->GetFunction();
    }
    if (schema->HasContextDependentFunction()) {
      std::vector<onnx::TypeProto> inputTypes;
      for (const std::string &in : node.input()) {
        auto it = types.find(in);
        inputTypes.push_back(it == types.end() ? onnx::TypeProto()
                                               : it->second);
      }
      onnx::FunctionBodyBuildContextImpl ctx(node, inputTypes);
      onnx::FunctionProto body;
      if (schema->BuildContextDependentFunction(ctx, body)) {
        return body;
      }
    }
  } catch (const std::exception &) {
  }
  return std::nullopt;
}

bool isFunctionOp(const onnx::NodeProto &node, int64_t opset) {
  const onnx::OpSchema *schema = schemaOf(node, opset);
  return schema &&
         (schema->HasFunction() || schema->HasContextDependentFunction());
}

} // namespace

bool importer::expandFunctionOps(onnx::ModelProto &model, int64_t opset) {
  const OpTable &table = getOpTable();
  bool expandedAny = false;
  for (int round = 0; round < 4; ++round) {
    // Types of every value so far, for bodies that depend on them.
    std::map<std::string, onnx::TypeProto> types;
    {
      onnx::ModelProto inferred = model;
      std::string ignored;
      if (inferShapes(inferred, ignored)) {
        const onnx::GraphProto &g = inferred.graph();
        for (const auto *list : {&g.input(), &g.value_info(), &g.output()}) {
          for (const onnx::ValueInfoProto &vi : *list) {
            types[vi.name()] = vi.type();
          }
        }
      }
      for (const onnx::TensorProto &init : model.graph().initializer()) {
        onnx::TypeProto t;
        t.mutable_tensor_type()->set_elem_type(init.data_type());
        types.emplace(init.name(), t);
      }
    }
    onnx::GraphProto &graph = *model.mutable_graph();
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    bool changed = false;
    for (auto [i, node] : llvm::enumerate(graph.node())) {
      std::optional<onnx::FunctionProto> body;
      if (!table.count(node.op_type())) {
        body = functionBody(node, opset, types);
      }
      // Only bodies made of importable ops or further functions.
      if (body && llvm::all_of(body->node(), [&](const onnx::NodeProto &n) {
            return table.count(n.op_type()) || isFunctionOp(n, opset);
          })) {
        onnx::GraphProto expanded;
        std::string prefix =
            (node.name().empty() ? node.op_type() + std::to_string(i)
                                 : node.name()) +
            "/";
        // An attribute that refers to one the node does not set takes the
        // schema's default, or is left out (the inner op's own default
        // applies) when there is none; libonnx 1.12's helper would give it a
        // default-constructed value instead (e.g. ignore_index = 0).
        const onnx::OpSchema *schema = schemaOf(node, opset);
        for (onnx::NodeProto &n : *body->mutable_node()) {
          auto *attrs = n.mutable_attribute();
          for (int a = attrs->size() - 1; a >= 0; --a) {
            const std::string &ref = attrs->Get(a).ref_attr_name();
            if (ref.empty() ||
                llvm::any_of(node.attribute(), [&](const auto &attr) {
                  return attr.name() == ref;
                })) {
              continue;
            }
            auto it = schema->attributes().find(ref);
            bool hasDefault = it != schema->attributes().end() &&
                              it->second.default_value.type() !=
                                  onnx::AttributeProto::UNDEFINED;
            if (!hasDefault) {
              attrs->DeleteSubrange(a, 1);
            }
          }
        }
        onnx::FunctionExpandHelper(node, *body, expanded, prefix);
        for (onnx::NodeProto &n : *expanded.mutable_node()) {
          if (n.name().empty()) {
            n.set_name(prefix + n.op_type() + std::to_string(nodes.size()));
          }
          *nodes.Add() = std::move(n);
        }
        changed = true;
        continue;
      }
      *nodes.Add() = node;
    }
    if (!changed) {
      break;
    }
    expandedAny = true;
    graph.mutable_node()->Swap(&nodes);
  }
  return expandedAny;
}
