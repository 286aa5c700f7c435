//===- ShapeInference.h - exception-safe ONNX shape inference ---*- C++ -*-===//
#ifndef ETCH_LIB_IMPORTER_SHAPEINFERENCE_H
#define ETCH_LIB_IMPORTER_SHAPEINFERENCE_H

#include "onnx/onnx_pb.h"

#include <string>

namespace mlir::etch::importer {

/// Runs onnx::shape_inference::InferShapes on `model` in place. libonnx
/// reports some errors by throwing; they are caught here (this file alone is
/// built with exceptions) and returned in `error`.
bool inferShapes(onnx::ModelProto &model, std::string &error);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_SHAPEINFERENCE_H
