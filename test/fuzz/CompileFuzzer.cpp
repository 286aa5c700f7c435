//===- CompileFuzzer.cpp - fuzz target: ONNX bytes -> CPU object ----------===//
//
// The whole CPU pipeline (import, graph, linalg, schedule, tiling,
// vectorization, bufferization and memory planning, LLVM, object emission)
// for small models: inputs over 32 KiB are skipped, and the model byte
// bound (FuzzCommon.h) keeps the compiled tensors small.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 32 * 1024) {
    return -1; // not added to the corpus
  }
  etch_fuzz::noteModelFeatures(data, size);
  std::string path = etch_fuzz::writeModel(data, size);
  etch_fuzz::compileModel(path, mlir::etch::Phase::Obj);
  return 0;
}
