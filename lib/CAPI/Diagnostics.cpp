//===- Diagnostics.cpp - Compiler diagnostics as C API records ------------===//
//
// An MLIR diagnostic becomes {severity, node, op, message, location}: the
// node is the first NameLoc of its location (the importer locates every op
// at its ONNX node name), the op is the ONNX op type of that node.
//
//===----------------------------------------------------------------------===//
#include "CAPIInternal.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringMap.h"

#include <fstream>

namespace mlir::etch::capi {

namespace {

EtchSeverity toSeverity(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return ETCH_SEVERITY_ERROR;
  case DiagnosticSeverity::Warning:
    return ETCH_SEVERITY_WARNING;
  case DiagnosticSeverity::Note:
    return ETCH_SEVERITY_NOTE;
  case DiagnosticSeverity::Remark:
    return ETCH_SEVERITY_REMARK;
  }
  return ETCH_SEVERITY_ERROR;
}

/// The op type the importer's messages state: "node 'n' (Relu): ...".
std::string opFromMessage(llvm::StringRef message, llvm::StringRef node) {
  std::string prefix = ("node '" + node + "' (").str();
  size_t at = message.find(prefix);
  if (at == llvm::StringRef::npos) {
    return "";
  }
  llvm::StringRef rest = message.substr(at + prefix.size());
  size_t end = rest.find(')');
  return end == llvm::StringRef::npos ? "" : rest.take_front(end).str();
}

void collectNodeOps(const onnx::GraphProto &graph,
                    llvm::StringMap<std::string> &ops) {
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    // Unnamed nodes: the importer's name (OnnxImporter.cpp, nodeLoc).
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(i)
                           : node.name();
    ops.try_emplace(name, node.op_type());
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g()) {
        collectNodeOps(attr.g(), ops);
      }
      for (const onnx::GraphProto &sub : attr.graphs()) {
        collectNodeOps(sub, ops);
      }
    }
  }
}

} // namespace

DiagnosticCollector::DiagnosticCollector(
    MLIRContext &ctx, std::vector<DiagnosticRecord> &records,
    llvm::StringRef hiddenPath, llvm::StringRef shownPath)
    : records(records), hiddenPath(hiddenPath.str()),
      shownPath(shownPath.str()),
      handler(&ctx, [this](Diagnostic &diag) {
        record(diag);
        return success();
      }) {}

std::string DiagnosticCollector::reword(llvm::StringRef text) const {
  std::string out = text.str();
  if (hiddenPath.empty()) {
    return out;
  }
  for (size_t at = out.find(hiddenPath); at != std::string::npos;
       at = out.find(hiddenPath, at + shownPath.size())) {
    out.replace(at, hiddenPath.size(), shownPath);
  }
  return out;
}

void DiagnosticCollector::record(Diagnostic &diag) {
  auto add = [&](Diagnostic &d) {
    DiagnosticRecord rec;
    rec.severity = toSeverity(d.getSeverity());
    rec.message = reword(d.str());
    d.getLocation()->walk([&](Location loc) {
      if (auto name = dyn_cast<NameLoc>(loc)) {
        if (rec.node.empty()) {
          rec.node = name.getName().str();
        }
      } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
        if (rec.location.empty()) {
          rec.location = reword(file.getFilename().getValue());
          if (file.getLine() != 0) {
            rec.location += ":" + std::to_string(file.getLine()) + ":" +
                            std::to_string(file.getColumn());
          }
        }
      }
      return WalkResult::advance();
    });
    if (!rec.node.empty()) {
      rec.op = opFromMessage(rec.message, rec.node);
    }
    records.push_back(std::move(rec));
  };
  errors += diag.getSeverity() == DiagnosticSeverity::Error;
  add(diag);
  for (Diagnostic &note : diag.getNotes()) {
    add(note);
  }
}

void fillOnnxOpTypes(llvm::StringRef modelPath,
                     std::vector<DiagnosticRecord> &records) {
  bool needed = llvm::any_of(records, [](const DiagnosticRecord &r) {
    return !r.node.empty() && r.op.empty();
  });
  if (!needed || modelPath.ends_with(".mlir")) {
    return;
  }
  // Only on failure, so a successful compilation parses the model once.
  std::ifstream in(modelPath.str(), std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in)) {
    return;
  }
  llvm::StringMap<std::string> ops;
  collectNodeOps(model.graph(), ops);
  for (DiagnosticRecord &r : records) {
    if (!r.node.empty() && r.op.empty()) {
      auto it = ops.find(r.node);
      if (it != ops.end()) {
        r.op = it->second;
      }
    }
  }
}

} // namespace mlir::etch::capi
