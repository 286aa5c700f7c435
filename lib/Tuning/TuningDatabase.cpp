//===- TuningDatabase.cpp - the JSONL tuning database ---------------------===//
#include "etch/Tuning/TuningDatabase.h"
#include "etch/Tuning/WorkloadKey.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace mlir::etch::tuning;

std::string mlir::etch::tuning::serializeRecord(const TuningRecord &record) {
  llvm::json::Object object{
      {"key", record.key},
      {"layer", record.layer},
      {"schedule", record.schedule},
      {"status", record.status},
      {"median_us", record.medianUs},
      {"runs", record.runs},
      {"cv", record.cv},
      {"timing_valid", record.timingValid},
      {"target", record.target},
      {"cpu", record.cpu},
      {"features", record.features},
      {"runner", record.runner},
      {"etch_version", record.etchVersion},
      {"format", record.format},
      {"seed", record.seed},
  };
  std::string line;
  llvm::raw_string_ostream os(line);
  os << llvm::json::Value(std::move(object));
  return line;
}

llvm::Expected<TuningRecord>
mlir::etch::tuning::parseRecord(llvm::StringRef line) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(line);
  if (!value) {
    return value.takeError();
  }
  const llvm::json::Object *object = value->getAsObject();
  if (!object) {
    return llvm::createStringError("a record must be a JSON object");
  }
  TuningRecord record;
  std::optional<llvm::StringRef> key = object->getString("key");
  if (!key || key->empty()) {
    return llvm::createStringError("a record needs a string field 'key'");
  }
  record.key = key->str();
  std::optional<int64_t> format = object->getInteger("format");
  if (!format) {
    return llvm::createStringError("a record needs an integer field 'format'");
  }
  record.format = *format;
  if (const llvm::json::Value *schedule = object->get("schedule")) {
    record.schedule = *schedule;
  }
  auto getString = [&](llvm::StringRef name, std::string &out) {
    if (std::optional<llvm::StringRef> s = object->getString(name)) {
      out = s->str();
    }
  };
  getString("layer", record.layer);
  getString("status", record.status);
  getString("target", record.target);
  getString("cpu", record.cpu);
  getString("features", record.features);
  getString("runner", record.runner);
  getString("etch_version", record.etchVersion);
  record.medianUs = object->getNumber("median_us").value_or(0);
  record.cv = object->getNumber("cv").value_or(0);
  record.runs = object->getInteger("runs").value_or(0);
  record.seed = object->getInteger("seed").value_or(0);
  record.timingValid = object->getBoolean("timing_valid").value_or(true);
  if (record.status == "ok" &&
      (record.medianUs <= 0 ||
       record.schedule.kind() == llvm::json::Value::Null)) {
    return llvm::createStringError(
        "an 'ok' record needs a positive 'median_us' and a 'schedule'");
  }
  return record;
}

TuningDatabase TuningDatabase::parse(llvm::StringRef text) {
  TuningDatabase db;
  db.contentHash.clear();
  llvm::raw_string_ostream hashOS(db.contentHash);
  hashOS << "xxh3:" << llvm::format_hex_no_prefix(llvm::xxh3_64bits(text), 16);
  unsigned lineNo = 0;
  unsigned otherFormat = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNo;
    line = line.trim();
    if (line.empty()) {
      continue;
    }
    llvm::Expected<TuningRecord> record = parseRecord(line);
    if (!record) {
      db.warningList.push_back("line " + std::to_string(lineNo) + ": " +
                               llvm::toString(record.takeError()) +
                               "; record skipped");
      continue;
    }
    if (record->format != kScheduleFormatVersion) {
      ++otherFormat;
      continue;
    }
    record->line = lineNo;
    db.byKey[record->key].push_back(std::move(*record));
    ++db.numRecords;
  }
  if (otherFormat) {
    db.warningList.push_back(
        std::to_string(otherFormat) +
        " record(s) of another schedule format skipped (this etch reads "
        "format " +
        std::to_string(kScheduleFormatVersion) + "; re-tune to update them)");
  }
  return db;
}

llvm::Expected<TuningDatabase> TuningDatabase::load(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    return llvm::createStringError(buffer.getError(),
                                   "cannot read tuning database '" + path +
                                       "': " + buffer.getError().message());
  }
  return parse((*buffer)->getBuffer());
}

llvm::Error TuningDatabase::append(llvm::StringRef path,
                                   const TuningRecord &record) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Append);
  if (ec) {
    return llvm::createStringError(ec, "cannot append to '" + path +
                                           "': " + ec.message());
  }
  os << serializeRecord(record) << "\n";
  os.flush();
  if (os.has_error()) {
    return llvm::createStringError(os.error(), "cannot write '" + path + "'");
  }
  return llvm::Error::success();
}

const TuningRecord *TuningDatabase::best(llvm::StringRef key) const {
  const TuningRecord *best = nullptr;
  for (const TuningRecord &record : records(key)) {
    if (record.status == "ok" && record.timingValid &&
        (!best || record.medianUs < best->medianUs)) {
      best = &record;
    }
  }
  return best;
}

llvm::ArrayRef<TuningRecord>
TuningDatabase::records(llvm::StringRef key) const {
  auto it = byKey.find(key);
  if (it == byKey.end()) {
    return {};
  }
  return it->second;
}
