//===- ShapeInference.cpp - exception-safe ONNX shape inference -----------===//
#include "ShapeInference.h"

#include "onnx/shape_inference/implementation.h"

#include <exception>

static bool runInference(onnx::ModelProto &model, std::string &error) {
  mlir::etch::importer::InferenceForm form(model);
  try {
    // Node-level inference errors are not fatal (error_mode 0): the importer
    // reports the first value left without a static shape, at its node.
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       options);
  } catch (const std::exception &e) {
    error = e.what();
    return false;
  }
  return true;
}

bool mlir::etch::importer::inferShapes(onnx::ModelProto &model,
                                       std::string &error) {
  if (runInference(model, error)) {
    return true;
  }
  // A shape the model declares that this ONNX version's inference
  // disagrees with (e.g. ONNX 1.12 ignores STFT's onesided): drop the
  // declared intermediate and output shapes and infer again; the importer
  // computes every result's shape itself and checks it against ONNX's.
  if (error.find("Inferred shape and existing shape differ") ==
      std::string::npos) {
    return false;
  }
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.clear_value_info();
  for (onnx::ValueInfoProto &out : *graph.mutable_output()) {
    if (out.type().has_tensor_type()) {
      out.mutable_type()->mutable_tensor_type()->clear_shape();
    }
  }
  std::string retryError;
  if (runInference(model, retryError)) {
    error.clear();
    return true;
  }
  return false;
}
