//===- TuningDatabase.h - the JSONL tuning database ------------*- C++ -*-===//
//
// `etch-tune` appends one JSON object per line per measurement; the compiler
// reads the file and applies, per workload key, the fastest record whose
// status is "ok". The file is plain data a person can read and grep:
//
//   {"key":"w1-...","layer":"conv1","schedule":{...},"status":"ok",
//    "median_us":12.5,"runs":20,"cv":0.01,"target":"x86_64-linux-gnu",
//    "cpu":"znver3","etch_version":"0.2.0","format":1,"runner":"local",
//    "seed":1}
//
// Records of another schedule format are skipped and reported, never
// applied. Lines are flushed one at a time, so a killed tuner loses at most
// the line it was writing; a torn last line is reported and skipped.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_TUNING_TUNINGDATABASE_H
#define ETCH_TUNING_TUNINGDATABASE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::etch::tuning {

/// One measurement of one schedule of one workload.
struct TuningRecord {
  std::string key;
  /// ONNX node name of (one) layer with this workload; informational.
  std::string layer;
  /// The `#etch.schedule` JSON form (codegen/LLVMCPU/ScheduleJSON.h).
  llvm::json::Value schedule = nullptr;
  /// "ok", "invalid", "compile_error", "run_error", "timeout",
  /// "wrong_result".
  std::string status = "ok";
  double medianUs = 0;
  int64_t runs = 0;
  /// Coefficient of variation of the repeats.
  double cv = 0;
  /// False for emulated runs (qemu): correct, but their times never rank.
  bool timingValid = true;
  std::string target, cpu, features, runner, etchVersion;
  int64_t format = 0;
  int64_t seed = 0;
  /// 1-based line in the file it was read from (0: not read).
  unsigned line = 0;
};

/// The record as one JSON line (no trailing newline).
std::string serializeRecord(const TuningRecord &record);

/// Parses one line; an error says what is wrong.
llvm::Expected<TuningRecord> parseRecord(llvm::StringRef line);

/// The records of one file, indexed by key.
class TuningDatabase {
public:
  /// Parses `text`. Malformed lines and records of another format are
  /// skipped and described in warnings() (with their line numbers).
  static TuningDatabase parse(llvm::StringRef text);

  /// Reads `path`; an error if it cannot be read.
  static llvm::Expected<TuningDatabase> load(llvm::StringRef path);

  /// Appends `record` as one line to `path` (created if missing) and
  /// flushes it.
  static llvm::Error append(llvm::StringRef path, const TuningRecord &record);

  /// The fastest timing-valid "ok" record of `key`, or null.
  const TuningRecord *best(llvm::StringRef key) const;

  /// All records of `key`, in file order.
  llvm::ArrayRef<TuningRecord> records(llvm::StringRef key) const;

  size_t size() const { return numRecords; }
  const std::vector<std::string> &warnings() const { return warningList; }
  /// "xxh3:<16 hex digits>" of the file contents: which database an object
  /// was built with.
  llvm::StringRef hash() const { return contentHash; }

private:
  llvm::StringMap<std::vector<TuningRecord>> byKey;
  std::vector<std::string> warningList;
  std::string contentHash;
  size_t numRecords = 0;
};

} // namespace mlir::etch::tuning

#endif // ETCH_TUNING_TUNINGDATABASE_H
