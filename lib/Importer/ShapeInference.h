//===- ShapeInference.h - exception-safe ONNX shape inference ---*- C++ -*-===//
#ifndef ETCH_LIB_IMPORTER_SHAPEINFERENCE_H
#define ETCH_LIB_IMPORTER_SHAPEINFERENCE_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace mlir::etch::importer {

/// The newest ai.onnx opset whose schemas Debian's libonnx (1.12) has.
constexpr int64_t kLibOnnxMaxOpset = 17;

/// Runs onnx::shape_inference::InferShapes on `model` in place. libonnx
/// reports some errors by throwing; they are caught here (this file alone is
/// built with exceptions) and returned in `error`. Models above opset 17 are
/// inferred in their InferenceForm.
bool inferShapes(onnx::ModelProto &model, std::string &error);

/// While alive, `model` as libonnx 1.12's shape inference can take it: its
/// ai.onnx opset import lowered to 17, and every node whose op version above
/// 17 infers result shapes differently from its opset-17 version rewritten
/// into the opset-17 form with the same result types, or hidden from
/// inference (its importer computes its result types). The destructor
/// restores the nodes and the opset; value infos inference added stay.
/// (InferenceForm.cpp)
class InferenceForm {
public:
  explicit InferenceForm(onnx::ModelProto &model);
  ~InferenceForm();
  InferenceForm(const InferenceForm &) = delete;
  InferenceForm &operator=(const InferenceForm &) = delete;

private:
  struct Rewritten {
    onnx::NodeProto *node;
    onnx::NodeProto original;
  };
  /// `scope`: the graphs enclosing `graph`, outermost first.
  void rewriteGraph(onnx::GraphProto &graph,
                    std::vector<const onnx::GraphProto *> &scope);

  /// Results of hidden nodes: inference leaves them untyped.
  std::set<std::string> untyped;
  int64_t opset = 0;
  onnx::OperatorSetIdProto *clamped = nullptr;
  /// Set when the model imports no default-domain opset (every node is of
  /// ai.onnx.ml, say) and hidden nodes need one for the time of inference.
  onnx::ModelProto *addedDefaultImport = nullptr;
  std::vector<Rewritten> rewritten;
};

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_SHAPEINFERENCE_H
