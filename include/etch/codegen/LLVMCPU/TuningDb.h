//===- TuningDb.h - apply tuning-database records in selection --*- C++ -*-===//
//
// The seam between strategy selection and etch-tune: for each root op, the
// workload key (etch/Tuning/WorkloadKey.h) is looked up in the database and
// the fastest record's schedule is applied after the attribute verifier and
// verifyScheduleForOp accept it; otherwise the heuristics decide. Invalid
// records are warnings (errors when strict, naming the layer); in strict
// mode a layer without a record is an error too.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_LLVMCPU_TUNINGDB_H
#define ETCH_CODEGEN_LLVMCPU_TUNINGDB_H

#include "etch/Tuning/TuningDatabase.h"
#include "etch/Tuning/WorkloadKey.h"
#include "etch/codegen/LLVMCPU/TargetInfo.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>

namespace mlir::etch::llvmcpu {

/// Discardable attribute with each scheduled root op's workload key.
constexpr llvm::StringLiteral kWorkloadKeyAttrName = "etch.workload_key";
/// Module attribute `{hash, path, layers, tuned}` the selection leaves when
/// it read a tuning database.
constexpr llvm::StringLiteral kTuningDbAttrName = "etch.tuning_db";

class TuningDbApplier {
public:
  /// `dbPath` empty: no database (keys are still annotated when
  /// `annotateKeys`). Fails (with an error on `module`) if the file cannot
  /// be read.
  static FailureOr<TuningDbApplier> create(ModuleOp module,
                                           llvm::StringRef dbPath, bool strict,
                                           bool annotateKeys,
                                           const CPUTargetInfo &target);

  /// Sets `op`'s schedule from the database. Returns true if it did, false
  /// if the heuristics must decide, failure on a strict-mode error.
  FailureOr<bool> apply(linalg::LinalgOp op);

  /// Writes the module attribute with the counts (with a database).
  void finish(ModuleOp module);

private:
  std::string keyOf(linalg::LinalgOp op);

  std::optional<tuning::TuningDatabase> db;
  std::string path;
  bool strict = false;
  bool annotateKeys = false;
  tuning::TargetKey target;
  int64_t layers = 0, tuned = 0;
};

/// The layer of the root op annotated with workload `key` (selection with
/// workload keys has run on `module`) as a module of its own: `@main` takes
/// what the layer reads from the rest of the model (`input0`, ...) and
/// returns its fused consumer chain's result (`output`). The root, its
/// consumer chain and the producers tile-and-fuse recomputes in its tiles
/// (constants, fills, broadcasts) are cloned without their schedules, so
/// selection decides again. Fails with an error naming the key if no op has
/// it.
FailureOr<OwningOpRef<ModuleOp>> extractWorkload(ModuleOp module,
                                                 llvm::StringRef key);

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_TUNINGDB_H
