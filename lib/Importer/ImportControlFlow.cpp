//===- ImportControlFlow.cpp - If with a compile-time condition -----------===//
//
// etch compiles one static program, so an If must have a condition known at
// compile time: a constant, a value folded at import (the usual case in
// exported models: a test on a static shape), or a graph input fixed with
// --input-value. The taken branch's nodes are imported in place; the other
// branch is never looked at beyond checking its ops exist.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// Marks every value the nodes of `graph` (and their subgraphs) read as used.
void markSubgraphUses(GraphImporter &im, const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input()) {
      im.markUsed(in);
    }
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g()) {
        markSubgraphUses(im, attr.g());
      }
    }
  }
  for (const onnx::ValueInfoProto &out : graph.output()) {
    im.markUsed(out.name());
  }
}

LogicalResult importIf(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<SmallVector<int64_t>> cond = im.constantInts(0, "cond");
  if (failed(cond)) {
    return failure();
  }
  if (cond->size() != 1) {
    return im.error() << "'cond' must hold one element, got " << cond->size();
  }
  StringRef branchName = cond->front() ? "then_branch" : "else_branch";
  const onnx::AttributeProto *attr = im.attr(branchName);
  if (!attr || !attr->has_g()) {
    return im.error() << "has no '" << branchName << "' graph";
  }
  const onnx::GraphProto &branch = attr->g();
  if (branch.output_size() != node.output_size()) {
    return im.error() << "'" << branchName << "' has " << branch.output_size()
                      << " outputs; the node has " << node.output_size();
  }
  for (const onnx::ValueInfoProto &info : branch.value_info()) {
    im.addValueInfo(info);
  }
  for (const onnx::ValueInfoProto &info : branch.output()) {
    if (info.type().has_tensor_type() &&
        info.type().tensor_type().has_shape()) {
      im.addValueInfo(info);
    }
  }
  markSubgraphUses(im, branch);
  const onnx::NodeProto &ifNode = im.getNode();
  Location ifLoc = im.getLoc();
  if (failed(im.importSubgraph(branch))) {
    return failure();
  }
  im.beginNode(ifNode, ifLoc);
  for (auto [i, out] : llvm::enumerate(branch.output())) {
    if (!im.isKnown(out.name())) {
      return im.error() << "'" << branchName << "' output '" << out.name()
                        << "' is not produced by the branch";
    }
    FailureOr<Value> v = im.lookup(out.name(), ifLoc);
    if (failed(v)) {
      return failure();
    }
    im.setOutput(i, *v);
  }
  return success();
}

} // namespace

void importer::registerControlFlowOps(OpTable &table) {
  table["If"] = importIf;
}
