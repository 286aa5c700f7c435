//===- Passes.h - LLVMCPU tiling and vectorization passes -------*- C++ -*-===//
#ifndef ETCH_CODEGEN_LLVMCPU_PASSES_H
#define ETCH_CODEGEN_LLVMCPU_PASSES_H

#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::etch::llvmcpu {

#define GEN_PASS_DECL
#include "codegen/LLVMCPU/Passes.h.inc"

/// Options of the `schedule` -> `tiled` -> `vector` stages.
struct LLVMCPUTilingOptions {
  /// Target; empty means: the module's etch.target, else the host.
  std::string targetTriple;
  std::string targetCPU;
  std::string targetFeatures;
  /// Largest iteration space vectorized as one op.
  int64_t maxVectorElements = 16384;
  /// Stop after tile-and-fuse (the `tiled` phase).
  bool skipVectorization = false;
  /// Remarks: each root op's schedule and whether it was vectorized.
  bool scheduleReport = false;
  /// Tuning database for strategy selection (see LLVMCPUSelectStrategyPass).
  std::string tuningDb;
  bool tuningDbStrict = false;
  bool annotateWorkloadKeys = false;
  /// Threads the code runs on (`--threads`): above 1, the level-0 tiles of
  /// each schedule's `parallel` loops become an `scf.forall`.
  int64_t threads = 1;
};

/// select-strategy -> tile-and-fuse -> vectorize -> canonicalize/CSE, on a
/// module holding `func.func`s on tensors. Registered as
/// `etch-llvmcpu-tiling-pipeline`.
void buildLLVMCPUTilingPassPipeline(OpPassManager &pm,
                                    const LLVMCPUTilingOptions &options);

/// Vector cleanups the backend runs on the bufferized function, before its
/// LLVM lowering: hoists loop-invariant vector transfers (accumulators) out
/// of loops, forwards stores to loads, drops dead transfers, and lowers
/// transfers/transposes/broadcasts into forms vector-to-llvm handles well.
void runLLVMCPUPostBufferizationCleanups(func::FuncOp func);

/// The vector lowering patterns above, for callers that build their own
/// pattern sets (contract -> outerproduct -> fma, multi-reduction,
/// transposes, transfer permutation maps, unit dims).
void populateLLVMCPUVectorLoweringPatterns(RewritePatternSet &patterns);

/// Registers the passes and the pipeline with the global registry.
void registerEtchLLVMCPUPasses();

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_PASSES_H
