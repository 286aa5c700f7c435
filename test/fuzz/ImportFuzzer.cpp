//===- ImportFuzzer.cpp - fuzz target: ONNX bytes -> import -> Linalg -----===//
//
// Runs the importer (validation, libonnx shape inference, the op importers),
// the graph passes and the etch -> Linalg conversion in process on each
// input. Structured mutations come from OnnxMutator.cpp.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  etch_fuzz::noteModelFeatures(data, size);
  std::string path = etch_fuzz::writeModel(data, size);
  etch_fuzz::compileModel(path, mlir::etch::Phase::Linalg);
  return 0;
}
