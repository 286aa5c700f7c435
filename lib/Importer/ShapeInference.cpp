//===- ShapeInference.cpp - exception-safe ONNX shape inference -----------===//
#include "ShapeInference.h"

#include "onnx/shape_inference/implementation.h"

#include <exception>

bool mlir::etch::importer::inferShapes(onnx::ModelProto &model,
                                       std::string &error) {
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
