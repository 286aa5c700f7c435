//===- TuningHooks.cpp - the driver's side of the tuning database ---------===//
#include "TuningHooks.h"

#include "etch/Tuning/WorkloadKey.h"
#include "etch/codegen/LLVMCPU/Passes.h"
#include "etch/codegen/LLVMCPU/Schedule.h"
#include "etch/codegen/LLVMCPU/ScheduleJSON.h"
#include "etch/codegen/LLVMCPU/TuningDb.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {
/// The ONNX node name the importer put in the op's location.
std::string layerName(Operation *op) {
  std::string name;
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

struct Task {
  std::string kind;
  llvm::json::Value schedule = nullptr;
  llvm::json::Array layers, loops, iterators;
  int64_t count = 0;
};
} // namespace

LogicalResult mlir::etch::writeTuningTasks(ModuleOp module,
                                           llvm::StringRef path) {
  llvm::MapVector<llvm::StringRef, Task> tasks;
  module.walk([&](linalg::LinalgOp op) {
    auto key = op->getAttrOfType<StringAttr>(kWorkloadKeyAttrName);
    ScheduleAttr schedule = getSchedule(op);
    if (!key || !schedule) {
      return;
    }
    Task &task = tasks[key.getValue()];
    if (task.count++ == 0) {
      task.kind = stringifyPipelineKind(schedule.getKind()).str();
      task.schedule = scheduleToJSON(schedule);
      for (int64_t range : op.getStaticLoopRanges()) {
        task.loops.push_back(range);
      }
      for (utils::IteratorType t : op.getIteratorTypesArray()) {
        task.iterators.push_back(utils::stringifyIteratorType(t).str());
      }
    }
    task.layers.push_back(layerName(op));
  });
  llvm::json::Array array;
  for (auto &[key, task] : tasks) {
    array.push_back(llvm::json::Object{
        {"key", key.str()},
        {"kind", task.kind},
        {"count", task.count},
        {"layers", std::move(task.layers)},
        {"schedule", std::move(task.schedule)},
        {"loops", std::move(task.loops)},
        {"iterators", std::move(task.iterators)},
    });
  }
  llvm::json::Object root{{"format", tuning::kScheduleFormatVersion},
                          {"tasks", std::move(array)}};
  if (auto targetAttr = module->getAttrOfType<DictionaryAttr>("etch.target")) {
    for (llvm::StringRef field : {"triple", "cpu", "features"}) {
      if (auto value = targetAttr.getAs<StringAttr>(field)) {
        root[field] = value.str();
      }
    }
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    return emitError(FileLineColLoc::get(module.getContext(), path, 0, 0))
           << "cannot write: " << ec.message();
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return success();
}

void mlir::etch::reportTuningDb(ModuleOp module, llvm::StringRef inputPath) {
  auto info = module->getAttrOfType<DictionaryAttr>(kTuningDbAttrName);
  if (!info) {
    return;
  }
  int64_t layers = info.getAs<IntegerAttr>("layers").getInt();
  int64_t tuned = info.getAs<IntegerAttr>("tuned").getInt();
  emitRemark(FileLineColLoc::get(module.getContext(), inputPath, 0, 0))
      << "tuning db: " << tuned << " of " << layers << " layers tuned, "
      << (layers - tuned) << " use heuristics ("
      << info.getAs<StringAttr>("path").getValue() << ", "
      << info.getAs<StringAttr>("hash").getValue() << ")";
}

std::optional<std::string> mlir::etch::getTuningDbHash(ModuleOp module) {
  auto info = module->getAttrOfType<DictionaryAttr>(kTuningDbAttrName);
  if (!info) {
    return std::nullopt;
  }
  return info.getAs<StringAttr>("hash").str();
}

void mlir::etch::addTuningDbIdent(ModuleOp module, llvm::StringRef hash) {
  // EmitObject makes every global private (they are weights), so an unused
  // string symbol would be dropped; `llvm.ident` becomes the object's
  // `.comment` section, which survives and `readelf -p .comment` shows.
  module->setAttr(
      LLVM::LLVMDialect::getIdentAttrName(),
      StringAttr::get(module.getContext(), "etch tuning db " + hash.str()));
}

namespace {
/// Strategy selection alone, annotating workload keys.
LogicalResult selectWithKeys(ModuleOp module, llvm::StringRef triple,
                             llvm::StringRef cpu, llvm::StringRef features,
                             int64_t threads) {
  LLVMCPUSelectStrategyPassOptions select;
  select.targetTriple = triple.str();
  select.targetCPU = cpu.str();
  select.targetFeatures = features.str();
  select.annotateWorkloadKeys = true;
  select.threads = threads;
  PassManager pm(module.getContext());
  pm.addPass(createLLVMCPUSelectStrategyPass(select));
  return pm.run(module);
}
} // namespace

FailureOr<OwningOpRef<ModuleOp>>
mlir::etch::extractWorkloadLayer(ModuleOp module, llvm::StringRef key,
                                 llvm::StringRef triple, llvm::StringRef cpu,
                                 llvm::StringRef features, int64_t threads) {
  if (failed(selectWithKeys(module, triple, cpu, features, threads))) {
    return failure();
  }
  FailureOr<OwningOpRef<ModuleOp>> layer = extractWorkload(module, key);
  if (failed(layer)) {
    return failure();
  }
  // A record tuned on the layer must apply to the model: the layer alone
  // must have the same workload key (same op, same fused chain).
  OwningOpRef<ModuleOp> check = layer->get().clone();
  if (failed(selectWithKeys(*check, triple, cpu, features, threads))) {
    return failure();
  }
  bool found = false;
  check->walk([&](Operation *op) {
    auto attr = op->getAttrOfType<StringAttr>(kWorkloadKeyAttrName);
    found |= attr && attr.getValue() == key;
  });
  if (!found) {
    return module.emitError()
           << "--extract-workload=" << key
           << ": the extracted layer has another workload key than in the "
              "model (an internal error; tune this model with "
              "etch-tune --measure=model)";
  }
  return layer;
}
