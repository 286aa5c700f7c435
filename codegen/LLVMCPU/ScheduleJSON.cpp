//===- ScheduleJSON.cpp - #etch.schedule <-> JSON for the tuner -----------===//
#include "etch/codegen/LLVMCPU/ScheduleJSON.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {
llvm::json::Array toArray(ArrayRef<int64_t> values) {
  llvm::json::Array array;
  for (int64_t v : values) {
    array.push_back(v);
  }
  return array;
}

bool fromArray(const llvm::json::Value *value, SmallVectorImpl<int64_t> &out,
               llvm::StringRef key, std::string &error) {
  if (!value) {
    return true;
  }
  const llvm::json::Array *array = value->getAsArray();
  if (!array) {
    error = ("schedule field '" + key + "' must be an array").str();
    return false;
  }
  for (const llvm::json::Value &v : *array) {
    std::optional<int64_t> i = v.getAsInteger();
    if (!i) {
      error = ("schedule field '" + key + "' must hold integers").str();
      return false;
    }
    out.push_back(*i);
  }
  return true;
}
} // namespace

llvm::json::Value mlir::etch::llvmcpu::scheduleToJSON(ScheduleAttr schedule) {
  llvm::json::Array tiles;
  SmallVector<ArrayRef<int64_t>> levels = {schedule.getWorkgroupTiles(),
                                           schedule.getRegisterTiles(),
                                           schedule.getReductionTiles()};
  while (!levels.empty() && levels.back().empty()) {
    levels.pop_back();
  }
  for (ArrayRef<int64_t> level : levels) {
    tiles.push_back(toArray(level));
  }
  return llvm::json::Object{
      {"kind", stringifyPipelineKind(schedule.getKind())},
      {"tile", std::move(tiles)},
      {"vector", toArray(schedule.getVectorSizes())},
      {"interchange", toArray(schedule.getInterchange())},
      {"parallel", toArray(schedule.getParallelDims())},
      {"unroll", toArray(schedule.getUnroll())},
  };
}

ScheduleAttr mlir::etch::llvmcpu::scheduleFromJSON(
    MLIRContext *ctx, const llvm::json::Value &value, std::string &error) {
  const llvm::json::Object *object = value.getAsObject();
  if (!object) {
    error = "schedule must be a JSON object";
    return {};
  }
  std::optional<llvm::StringRef> kindName = object->getString("kind");
  if (!kindName) {
    error = "schedule needs a string field 'kind'";
    return {};
  }
  std::optional<PipelineKind> kind = symbolizePipelineKind(*kindName);
  if (!kind) {
    error = ("unknown schedule kind '" + *kindName + "'").str();
    return {};
  }
  SmallVector<SmallVector<int64_t>> tiles;
  if (const llvm::json::Value *tileValue = object->get("tile")) {
    const llvm::json::Array *levels = tileValue->getAsArray();
    if (!levels || levels->size() > 3) {
      error = "schedule field 'tile' must be an array of at most 3 arrays";
      return {};
    }
    for (const llvm::json::Value &level : *levels) {
      if (!fromArray(&level, tiles.emplace_back(), "tile", error)) {
        return {};
      }
    }
  }
  tiles.resize(3);
  SmallVector<int64_t> vector, interchange, parallel, unroll;
  if (!fromArray(object->get("vector"), vector, "vector", error) ||
      !fromArray(object->get("interchange"), interchange, "interchange",
                 error) ||
      !fromArray(object->get("parallel"), parallel, "parallel", error) ||
      !fromArray(object->get("unroll"), unroll, "unroll", error)) {
    return {};
  }
  // Collect the verifier's message instead of printing it.
  std::string message;
  auto emitErrorFn = [&]() { return mlir::emitError(UnknownLoc::get(ctx)); };
  llvm::function_ref<InFlightDiagnostic()> emitError = emitErrorFn;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  ScheduleAttr attr = ScheduleAttr::getChecked(
      emitError, ctx, *kind, ArrayRef<int64_t>(tiles[0]),
      ArrayRef<int64_t>(tiles[1]), ArrayRef<int64_t>(tiles[2]),
      ArrayRef<int64_t>(vector), ArrayRef<int64_t>(interchange),
      ArrayRef<int64_t>(parallel), ArrayRef<int64_t>(unroll));
  if (!attr) {
    error = message.empty() ? "invalid schedule" : message;
  }
  return attr;
}
