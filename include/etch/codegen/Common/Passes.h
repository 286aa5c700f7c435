//===- Passes.h - etch common codegen passes and pipelines ------*- C++ -*-===//
#ifndef ETCH_CODEGEN_COMMON_PASSES_H
#define ETCH_CODEGEN_COMMON_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <memory>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::etch {

#define GEN_PASS_DECL
#include "codegen/Common/Passes.h.inc"

/// Options of the `bufferized` phase.
struct CommonBufferizeOptions {
  /// Minimum alignment of every arena buffer and of the arena (bytes).
  unsigned arenaAlignment = 64;
  /// Threads the code runs on: per-thread scratch gets this many copies.
  int64_t threads = 1;
  /// Pads become border fills plus in-place writes of their source
  /// (`etch-common-decompose-pads`). Off for OpenCL (each strip would be a
  /// kernel launch) and bare-metal targets (code size).
  bool decomposePads = true;
};

/// tensors -> memrefs, results -> out-params, constants -> globals, every
/// intermediate -> an offset in one arena (`etch-common-bufferize-pipeline`).
void buildCommonBufferizePassPipeline(OpPassManager &pm,
                                      const CommonBufferizeOptions &options);

/// Options of the `llvm` phase.
struct CommonLowerToLLVMOptions {
  /// 0: from the triple in the module's `etch.target` attribute.
  unsigned indexBitwidth = 0;
  /// Above 1: top-level scf.foralls are outlined and launched through
  /// etch_parallel_for_tid with this many threads at most.
  int64_t threads = 1;
  /// The target has f32/f64 rounding instructions (CommonApproximateMath's
  /// `native-rounding`).
  bool nativeRounding = false;
};

/// Bufferized program -> LLVM dialect: linalg to loops, vector and math
/// lowering (no libm), memref/func/arith/... to LLVM with bare pointers
/// (`etch-common-lower-to-llvm-pipeline`).
void buildCommonLowerToLLVMPassPipeline(OpPassManager &pm,
                                        const CommonLowerToLLVMOptions &options);

/// Registers every pass of this file and the two pipelines.
void registerEtchCommonPasses();

/// Dialects and external models (bufferization interfaces, LLVM translation,
/// convert-to-LLVM interfaces) the common codegen needs in a context.
void registerEtchCommonDialects(DialectRegistry &registry);

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_PASSES_H
