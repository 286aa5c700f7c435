//===- Parallel.h - names shared by the multi-threading passes -*- C++ -*-===//
//
// The planner, the forall outliner and the LLVM-level launch lowering talk
// through these names.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_PARALLEL_H
#define ETCH_CODEGEN_COMMON_PARALLEL_H

#include "llvm/ADT/StringRef.h"

namespace mlir::etch {

/// `func.call @etch.thread_index() : () -> index`: the index of the thread
/// running the enclosing parallel loop. The memory planner uses it to pick a
/// thread's copy of per-thread scratch; etch-common-outline-forall replaces
/// it with the outlined body's `tid` argument.
constexpr llvm::StringLiteral kThreadIndexFunc = "etch.thread_index";

/// On a launch declaration: `{body = @f, count = n}` (see
/// etch-common-lower-parallel-launch).
constexpr llvm::StringLiteral kParallelLaunchAttr = "etch.parallel_launch";

/// On the module: the `--threads` it was compiled for (absent: 1).
constexpr llvm::StringLiteral kThreadsAttrName = "etch.threads";

/// The runtime entry point generated code calls (runtime/include/etch/etch.h).
constexpr llvm::StringLiteral kParallelForTidFunc = "etch_parallel_for_tid";

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_PARALLEL_H
