//===- Passes.h - etch conversion passes ------------------------*- C++ -*-===//
//
// The `linalg` phase: etch → Linalg on tensors, the contract verifier, and
// the phase's pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CONVERSION_PASSES_H
#define ETCH_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace mlir::etch {

#define GEN_PASS_DECL
#include "lib/Conversion/Passes.h.inc"

/// Options of the `linalg` phase.
struct LinalgOptions {
  /// Run etch-verify-linalg-contract at the end.
  bool verifyContract = true;
  /// etch-convert-etch-to-linalg's pack-int8-weights (targets with sdot).
  bool packInt8Weights = false;
};

/// etch-convert-etch-to-linalg, canonicalize, etch-verify-linalg-contract.
/// Runs on the module.
void buildLinalgPassPipeline(OpPassManager &pm, const LinalgOptions &options);

/// All etch → Linalg patterns (one populate function per op group).
/// `packInt8Weights`: see etch-convert-etch-to-linalg's option.
void populateEtchToLinalgPatterns(RewritePatternSet &patterns,
                                  bool packInt8Weights = false);

/// Registers the conversion passes and `etch-linalg-pipeline`.
void registerEtchConversionPasses();

} // namespace mlir::etch

#endif // ETCH_CONVERSION_PASSES_H
