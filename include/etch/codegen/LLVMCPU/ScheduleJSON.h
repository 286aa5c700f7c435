//===- ScheduleJSON.h - #etch.schedule <-> JSON for the tuner ---*- C++ -*-===//
//
// The autotuner stores schedules as JSON objects:
//   {"kind": "conv", "tile": [[1, 64, 1, 0, 0, 0, 0], [0, 8, 0, 32, 0, 0, 0],
//    [0, 0, 0, 0, 8, 1, 1]], "vector": [1, 8, 1, 32, 8, 1, 1],
//    "interchange": [], "parallel": [0, 1, 2, 3], "unroll": []}
// Missing keys mean empty lists; "kind" is required.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_LLVMCPU_SCHEDULEJSON_H
#define ETCH_CODEGEN_LLVMCPU_SCHEDULEJSON_H

#include "etch/dialects/Etch/IR/EtchAttrs.h"

#include "llvm/Support/JSON.h"

#include <string>

namespace mlir::etch::llvmcpu {

llvm::json::Value scheduleToJSON(ScheduleAttr schedule);

/// Parses and verifies a schedule; on failure returns null and sets `error`.
ScheduleAttr scheduleFromJSON(MLIRContext *ctx, const llvm::json::Value &value,
                              std::string &error);

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_SCHEDULEJSON_H
