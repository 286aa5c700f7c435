//===- TuningDb.cpp - apply tuning-database records in selection ----------===//
#include "etch/codegen/LLVMCPU/TuningDb.h"
#include "etch/codegen/LLVMCPU/Schedule.h"
#include "etch/codegen/LLVMCPU/ScheduleJSON.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

FailureOr<TuningDbApplier>
TuningDbApplier::create(ModuleOp module, llvm::StringRef dbPath, bool strict,
                        bool annotateKeys, const CPUTargetInfo &target) {
  TuningDbApplier applier;
  applier.strict = strict;
  applier.annotateKeys = annotateKeys || !dbPath.empty();
  applier.target = {target.triple, target.cpu, target.features};
  applier.path = dbPath.str();
  if (dbPath.empty()) {
    return applier;
  }
  llvm::Expected<tuning::TuningDatabase> db =
      tuning::TuningDatabase::load(dbPath);
  if (!db) {
    return module.emitError()
           << "--tuning-db: " << llvm::toString(db.takeError());
  }
  for (const std::string &warning : db->warnings()) {
    InFlightDiagnostic diag =
        strict ? module.emitError() : module.emitWarning();
    diag << "tuning db '" << dbPath << "': " << warning;
    if (strict) {
      return failure();
    }
  }
  applier.db = std::move(*db);
  return applier;
}

std::string TuningDbApplier::keyOf(linalg::LinalgOp op) {
  return tuning::computeWorkloadKey(op, getConsumerChain(op), target);
}

FailureOr<bool> TuningDbApplier::apply(linalg::LinalgOp op) {
  if (!annotateKeys) {
    return false;
  }
  ++layers;
  std::string key = keyOf(op);
  MLIRContext *ctx = op->getContext();
  op->setAttr(kWorkloadKeyAttrName, StringAttr::get(ctx, key));
  if (!db) {
    return false;
  }
  const tuning::TuningRecord *record = db->best(key);
  if (!record) {
    if (strict) {
      return op->emitError("tuning db '")
             << path << "' has no record for this layer (workload " << key
             << "); tune it or drop --tuning-db-strict";
    }
    return false;
  }
  // The record must pass the same checks as a schedule written in the IR:
  // the attribute verifier, then the op-level verifier.
  std::string error;
  ScheduleAttr schedule;
  {
    ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
      if (error.empty()) {
        error = diag.str();
      }
      return success();
    });
    schedule = scheduleFromJSON(ctx, record->schedule, error);
    if (schedule && failed(verifyScheduleForOp(op, schedule))) {
      schedule = {};
    }
  }
  if (!schedule) {
    InFlightDiagnostic diag = strict ? op->emitError() : op->emitWarning();
    diag << "tuning db '" << path << "' line " << record->line
         << ": invalid schedule for this layer (workload " << key
         << "): " << error;
    if (strict) {
      return failure();
    }
    diag << "; using the heuristics";
    return false;
  }
  op->setAttr(kScheduleAttrName, schedule);
  ++tuned;
  return true;
}

void TuningDbApplier::finish(ModuleOp module) {
  if (!db) {
    return;
  }
  Builder b(module.getContext());
  module->setAttr(kTuningDbAttrName,
                  b.getDictionaryAttr({
                      b.getNamedAttr("hash", b.getStringAttr(db->hash())),
                      b.getNamedAttr("path", b.getStringAttr(path)),
                      b.getNamedAttr("layers", b.getI64IntegerAttr(layers)),
                      b.getNamedAttr("tuned", b.getI64IntegerAttr(tuned)),
                  }));
}
