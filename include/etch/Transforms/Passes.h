//===- Passes.h - etch graph passes -----------------------------*- C++ -*-===//
//
// Graph-level passes (the `graph` phase) and their pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_TRANSFORMS_PASSES_H
#define ETCH_TRANSFORMS_PASSES_H

#include "etch/dialects/Etch/IR/EtchDialect.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>

namespace mlir::etch {

#define GEN_PASS_DECL
#include "lib/Transforms/Passes.h.inc"

/// Options of the `graph` phase.
struct GraphOptions {
  /// Fold BatchNormalization into a preceding Conv/Gemm.
  bool foldBatchNorm = true;
  /// Fuse activations into conv/gemm/matmul/add.
  bool fuseActivations = true;
  /// See GraphFoldConstantsPass's `max-elements`.
  int64_t foldMaxElements = 1024;
};

/// fold empty tensors, canonicalize, fold constants, fold BatchNorm, fuse activations,
/// canonicalize + CSE. Runs on the module.
void buildGraphPassPipeline(OpPassManager &pm, const GraphOptions &options);

/// Registers every graph pass and `etch-graph-pipeline`.
void registerEtchGraphPasses();

} // namespace mlir::etch

#endif // ETCH_TRANSFORMS_PASSES_H
