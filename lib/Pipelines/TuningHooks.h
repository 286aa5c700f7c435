//===- TuningHooks.h - the driver's side of the tuning database -*- C++ -*-===//
//
// What `etch-compile` does around strategy selection for etch-tune: write
// the tasks (`--emit-tuning-tasks`), report how many layers a database
// tuned, and record the database's hash in the object and header.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_PIPELINES_TUNINGHOOKS_H
#define ETCH_LIB_PIPELINES_TUNINGHOOKS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>
#include <string>

namespace mlir::etch {

/// Writes every scheduled root op that carries a workload key as JSON:
/// `{"format", "tasks": [{"key", "layers", "count", "kind", "schedule",
/// "loops", "iterators"}]}`, tasks in first-occurrence order.
LogicalResult writeTuningTasks(ModuleOp module, llvm::StringRef path);

/// Emits the remark `tuning db: N of M layers tuned, K use heuristics` if
/// selection read a database.
void reportTuningDb(ModuleOp module, llvm::StringRef inputPath);

/// The database hash selection recorded, if any.
std::optional<std::string> getTuningDbHash(ModuleOp module);

/// Records "etch tuning db <hash>" in an LLVM-dialect module's
/// `llvm.ident`, which the object keeps in its `.comment` section.
void addTuningDbIdent(ModuleOp module, llvm::StringRef hash);

/// `--extract-workload=<key>` on a module at the linalg phase: runs strategy
/// selection with workload keys on `module`, cuts out the layer of `key`
/// (llvmcpu::extractWorkload) and checks that selection on the layer alone
/// finds the same key, so a tuning record made on the layer applies to the
/// model. The layer is returned at the linalg phase, without schedules.
FailureOr<OwningOpRef<ModuleOp>>
extractWorkloadLayer(ModuleOp module, llvm::StringRef key,
                     llvm::StringRef triple, llvm::StringRef cpu,
                     llvm::StringRef features, int64_t threads);

} // namespace mlir::etch

#endif // ETCH_LIB_PIPELINES_TUNINGHOOKS_H
