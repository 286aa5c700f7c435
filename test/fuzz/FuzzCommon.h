//===- FuzzCommon.h - shared setup of the etch fuzz targets -----*- C++ -*-===//
//
// Each fuzz input is an ONNX model's bytes. It is written to `model.onnx` in
// a per-process scratch folder that also holds a small `ext.bin` (and a
// `sub/` folder), so external-data mutations can name real, missing,
// escaping and directory locations. Diagnostics are swallowed: a user error
// is a fine outcome; only a crash or a sanitizer report is a finding.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_TEST_FUZZ_FUZZCOMMON_H
#define ETCH_TEST_FUZZ_FUZZCOMMON_H

#include "etch/Pipelines/Pipelines.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace etch_fuzz {

/// Bound on any tensor the fuzzed model may declare (--max-model-bytes):
/// small, so that well-formed but large models do not run the fuzzer out of
/// memory or time.
constexpr uint64_t kFuzzMaxModelBytes = 1 << 20;

/// The scratch folder (created on first use).
const std::string &scratchDir();

/// Writes `data` to `<scratch>/model.onnx`; returns its path.
std::string writeModel(const uint8_t *data, size_t size);

/// Records libFuzzer features of the model's ops (op type with opset,
/// input and attribute counts); the diagnostic a compile ends with is one
/// too (compileModel).
void noteModelFeatures(const uint8_t *data, size_t size);

/// Imports the model at `path` and runs the phases up to `to` in process
/// (`to == Phase::Obj` writes `<scratch>/out.o` and its header through
/// the driver's compile()). Returns whether it succeeded.
bool compileModel(const std::string &path, mlir::etch::Phase to);

} // namespace etch_fuzz

#endif // ETCH_TEST_FUZZ_FUZZCOMMON_H
