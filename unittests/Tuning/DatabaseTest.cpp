//===- DatabaseTest.cpp - the JSONL tuning database -----------------------===//
#include "etch/Tuning/TuningDatabase.h"
#include "etch/Tuning/WorkloadKey.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

using namespace mlir::etch::tuning;

namespace {

TuningRecord makeRecord(llvm::StringRef key, double us,
                        llvm::StringRef status = "ok") {
  TuningRecord r;
  r.key = key.str();
  r.layer = "conv1";
  r.schedule = llvm::json::Object{
      {"kind", "conv"},
      {"tile", llvm::json::Array{llvm::json::Array{0, 0, 0}}}};
  r.status = status.str();
  r.medianUs = us;
  r.runs = 20;
  r.cv = 0.02;
  r.target = "x86_64-unknown-linux-gnu";
  r.cpu = "znver3";
  r.runner = "local";
  r.etchVersion = "0.2.0";
  r.format = kScheduleFormatVersion;
  r.seed = 7;
  return r;
}

TEST(TuningDatabase, RecordRoundTrip) {
  TuningRecord r = makeRecord("w1-00112233aabbccdd", 12.5);
  std::string line = serializeRecord(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  llvm::Expected<TuningRecord> back = parseRecord(line);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->key, r.key);
  EXPECT_EQ(back->layer, r.layer);
  EXPECT_EQ(back->status, "ok");
  EXPECT_DOUBLE_EQ(back->medianUs, 12.5);
  EXPECT_EQ(back->runs, 20);
  EXPECT_DOUBLE_EQ(back->cv, 0.02);
  EXPECT_EQ(back->cpu, "znver3");
  EXPECT_EQ(back->runner, "local");
  EXPECT_EQ(back->etchVersion, "0.2.0");
  EXPECT_EQ(back->format, kScheduleFormatVersion);
  EXPECT_EQ(back->seed, 7);
  EXPECT_TRUE(back->timingValid);
  EXPECT_EQ(back->schedule, r.schedule);
  EXPECT_EQ(serializeRecord(*back), line);
}

TEST(TuningDatabase, BestIsTheFastestOkRecord) {
  std::string text;
  text += serializeRecord(makeRecord("a", 30)) + "\n";
  text += serializeRecord(makeRecord("a", 10)) + "\n";
  TuningRecord failed = makeRecord("a", 1, "run_error");
  text += serializeRecord(failed) + "\n";
  TuningRecord emulated = makeRecord("a", 2);
  emulated.timingValid = false;
  text += serializeRecord(emulated) + "\n";
  text += serializeRecord(makeRecord("b", 5)) + "\n";
  TuningDatabase db = TuningDatabase::parse(text);
  EXPECT_TRUE(db.warnings().empty());
  EXPECT_EQ(db.size(), 5u);
  ASSERT_NE(db.best("a"), nullptr);
  EXPECT_DOUBLE_EQ(db.best("a")->medianUs, 10);
  EXPECT_EQ(db.best("a")->line, 2u);
  EXPECT_EQ(db.records("a").size(), 4u);
  EXPECT_FALSE(db.records("a")[3].timingValid);
  EXPECT_DOUBLE_EQ(db.best("b")->medianUs, 5);
  EXPECT_EQ(db.best("c"), nullptr);
}

TEST(TuningDatabase, TornLineAndOtherFormatAreReportedNotApplied) {
  TuningRecord old = makeRecord("a", 1);
  old.format = kScheduleFormatVersion + 1;
  std::string text = serializeRecord(makeRecord("a", 20)) + "\n" +
                     serializeRecord(old) + "\n" +
                     serializeRecord(makeRecord("a", 2)).substr(0, 40);
  TuningDatabase db = TuningDatabase::parse(text);
  ASSERT_EQ(db.warnings().size(), 2u);
  EXPECT_NE(db.warnings()[0].find("line 3"), std::string::npos);
  EXPECT_NE(db.warnings()[1].find("another schedule format"),
            std::string::npos);
  ASSERT_NE(db.best("a"), nullptr);
  EXPECT_DOUBLE_EQ(db.best("a")->medianUs, 20);
}

TEST(TuningDatabase, OkRecordNeedsATimeAndASchedule) {
  TuningRecord r = makeRecord("a", 0);
  EXPECT_FALSE(bool(parseRecord(serializeRecord(r))));
  llvm::consumeError(parseRecord(serializeRecord(r)).takeError());
  EXPECT_FALSE(bool(parseRecord("[1, 2]")));
  llvm::consumeError(parseRecord("[1, 2]").takeError());
}

TEST(TuningDatabase, AppendThenLoadAndHashChanges) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("etch-db", "jsonl", path));
  llvm::sys::fs::remove(path);
  ASSERT_FALSE(bool(TuningDatabase::append(path, makeRecord("k", 8))));
  llvm::Expected<TuningDatabase> one = TuningDatabase::load(path);
  ASSERT_TRUE(bool(one));
  std::string hashOne = one->hash().str();
  ASSERT_FALSE(bool(TuningDatabase::append(path, makeRecord("k", 4))));
  llvm::Expected<TuningDatabase> two = TuningDatabase::load(path);
  ASSERT_TRUE(bool(two));
  EXPECT_EQ(two->size(), 2u);
  EXPECT_DOUBLE_EQ(two->best("k")->medianUs, 4);
  EXPECT_NE(two->hash(), hashOne);
  EXPECT_TRUE(two->hash().starts_with("xxh3:"));
  llvm::sys::fs::remove(path);
  llvm::Expected<TuningDatabase> missing = TuningDatabase::load(path);
  EXPECT_FALSE(bool(missing));
  llvm::consumeError(missing.takeError());
}

} // namespace
