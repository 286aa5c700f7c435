//===- ScheduleTest.cpp - LLVMCPU schedule heuristics, verifier, JSON -----===//
#include "etch/codegen/LLVMCPU/Schedule.h"
#include "etch/codegen/LLVMCPU/ScheduleJSON.h"
#include "etch/codegen/LLVMCPU/TargetInfo.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {

CPUTargetInfo makeTarget(int64_t lanes, int64_t regs) {
  CPUTargetInfo t;
  t.vectorWidthF32 = lanes;
  t.numVectorRegisters = regs;
  t.hasFMA = true;
  return t;
}

LoopNestInfo matmulNest(int64_t m, int64_t n, int64_t k) {
  LoopNestInfo info;
  info.kind = PipelineKind::Matmul;
  info.ranges = {m, n, k};
  info.isReduction = {false, false, true};
  info.roles = {kRoleRow, kRoleCol, kRoleK};
  return info;
}

LoopNestInfo convNest(int64_t f, int64_t oh, int64_t ow, int64_t c) {
  LoopNestInfo info;
  info.kind = PipelineKind::Conv;
  info.ranges = {1, f, oh, ow, c, 3, 3};
  info.isReduction = {false, false, false, false, true, true, true};
  info.roles = {kRoleOuterParallel, kRoleRow, kRoleOuterParallel, kRoleCol,
                kRoleK, kRoleWindow, kRoleWindow};
  return info;
}

TEST(ScheduleHeuristics, MatmulRegisterTileFollowsTheTarget) {
  // AVX-512: 16 lanes, 32 registers -> 8 rows x 2 vectors.
  ScheduleSizes s = computeDefaultSchedule(matmulNest(128, 128, 64),
                                           makeTarget(16, 32));
  EXPECT_EQ(s.registerTiles, (SmallVector<int64_t>{8, 32, 0}));
  EXPECT_EQ(s.reduction, (SmallVector<int64_t>{0, 0, 8}));
  EXPECT_EQ(s.workgroup, (SmallVector<int64_t>{64, 0, 0}));
  EXPECT_EQ(s.vector, (SmallVector<int64_t>{8, 32, 8}));
  EXPECT_EQ(s.parallel, (SmallVector<int64_t>{0, 1}));

  // AVX2: 8 lanes, 16 registers -> 4 rows x 2 vectors.
  s = computeDefaultSchedule(matmulNest(128, 128, 64), makeTarget(8, 16));
  EXPECT_EQ(s.registerTiles, (SmallVector<int64_t>{4, 16, 0}));

  // Helium: 4 lanes, 8 registers -> 2 rows x 2 vectors.
  s = computeDefaultSchedule(matmulNest(128, 128, 64), makeTarget(4, 8));
  EXPECT_EQ(s.registerTiles, (SmallVector<int64_t>{2, 8, 0}));
}

TEST(ScheduleHeuristics, AccumulatorsFitInHalfTheRegisterFile) {
  for (auto [lanes, regs] : {std::pair<int64_t, int64_t>{16, 32},
                             {8, 16},
                             {4, 32},
                             {4, 16},
                             {4, 8},
                             {1, 16}}) {
    ScheduleSizes s = computeDefaultSchedule(matmulNest(256, 256, 256),
                                             makeTarget(lanes, regs));
    int64_t accumulators =
        s.registerTiles[0] * ((s.registerTiles[1] + lanes - 1) / lanes);
    EXPECT_LE(accumulators, regs / 2) << "lanes=" << lanes << " regs=" << regs;
    EXPECT_EQ(s.registerTiles[1] % lanes, 0);
  }
}

TEST(ScheduleHeuristics, SmallAndOddShapes) {
  // Whole-loop tiles are written as 0; K tiles prefer divisors.
  ScheduleSizes s =
      computeDefaultSchedule(matmulNest(7, 13, 5), makeTarget(16, 32));
  EXPECT_TRUE(s.registerTiles.empty() ||
              llvm::all_of(s.registerTiles, [](int64_t v) { return v == 0; }));
  EXPECT_TRUE(s.reduction.empty());
  EXPECT_EQ(s.vector, (SmallVector<int64_t>{7, 13, 5}));

  s = computeDefaultSchedule(matmulNest(64, 64, 96), makeTarget(16, 32));
  EXPECT_EQ(s.reduction[2], 8);
  s = computeDefaultSchedule(matmulNest(64, 64, 36), makeTarget(16, 32));
  EXPECT_EQ(s.reduction[2], 4);
  s = computeDefaultSchedule(matmulNest(64, 64, 27), makeTarget(16, 32));
  EXPECT_EQ(s.reduction[2], 8) << "no divisor: peeled remainder";

  // A width that leaves a ragged tail on 2 vectors (49 = 32 + 17) takes one
  // whole vector per row with a clean tail (3 x 16 + 1); a clean one (1000 =
  // 31 x 32 + 8) keeps two vectors.
  s = computeDefaultSchedule(matmulNest(1280, 49, 320), makeTarget(16, 32));
  EXPECT_EQ(s.registerTiles[1], 16);
  s = computeDefaultSchedule(matmulNest(64, 1000, 512), makeTarget(16, 32));
  EXPECT_EQ(s.registerTiles[1], 32);
}

TEST(ScheduleHeuristics, ConvVectorizesOutputWidth) {
  // ResNet 3x3, 56x56x64 -> 64.
  ScheduleSizes s =
      computeDefaultSchedule(convNest(64, 56, 56, 64), makeTarget(16, 32));
  EXPECT_EQ(s.workgroup, (SmallVector<int64_t>{0, 0, 1, 0, 0, 0, 0}));
  // 56 is not a multiple of 16 lanes: whole vectors with a clean 8-lane
  // tail (3 x 16 + 8), twice the rows.
  EXPECT_EQ(s.registerTiles, (SmallVector<int64_t>{0, 16, 0, 16, 0, 0, 0}));
  EXPECT_EQ(s.reduction, (SmallVector<int64_t>{0, 0, 0, 0, 8, 1, 1}));
  EXPECT_EQ(s.parallel, (SmallVector<int64_t>{0, 1, 2, 3}));

  // A multiple of the vector width keeps two full vectors per row.
  s = computeDefaultSchedule(convNest(64, 64, 64, 64), makeTarget(16, 32));
  EXPECT_EQ(s.registerTiles, (SmallVector<int64_t>{0, 8, 0, 32, 0, 0, 0}));

  // 7-wide output: narrower than a vector, so twice the rows.
  s = computeDefaultSchedule(convNest(512, 7, 7, 512), makeTarget(16, 32));
  EXPECT_EQ(s.registerTiles[1], 16);
  EXPECT_EQ(s.registerTiles[3], 0);
  EXPECT_EQ(s.vector[3], 7);
}

TEST(ScheduleHeuristics, ParallelAndReductionLoopsUseTheirOwnLevels) {
  // Levels 0/1 tile parallel loops only, level 2 reduction loops only (the
  // op-level verifier rejects anything else).
  ScheduleSizes s =
      computeDefaultSchedule(convNest(32, 16, 16, 16), makeTarget(8, 16));
  for (size_t i = 0; i < 7; ++i) {
    bool isReduction = i >= 4;
    EXPECT_EQ(s.workgroup[i] != 0 && isReduction, false);
    if (!s.registerTiles.empty()) {
      EXPECT_EQ(s.registerTiles[i] != 0 && isReduction, false);
    }
    EXPECT_EQ(s.reduction[i] != 0 && !isReduction, false);
  }
}

TEST(ScheduleHeuristics, AArch64DotProductTiles) {
  // cortex-a76 (dotprod) vs cortex-a53: the int8 conv's register tile is
  // 8 output channels x 2 vectors of 4 i32 lanes on both; with sdot (4 k's
  // per lane) the K tile is 16, without it 8.
  CPUTargetInfo a76 = resolveCPUTarget("aarch64-linux-gnu", "cortex-a76", "");
  CPUTargetInfo a53 = resolveCPUTarget("aarch64-linux-gnu", "cortex-a53", "");
  EXPECT_TRUE(a76.hasDotProd);
  EXPECT_FALSE(a76.hasI8MM);
  EXPECT_FALSE(a53.hasDotProd);
  auto arm = [](const char *cpu) {
    return resolveCPUTarget("aarch64-linux-gnu", cpu, "");
  };
  EXPECT_TRUE(arm("neoverse-n1").hasDotProd);
  EXPECT_TRUE(arm("apple-m1").hasDotProd);
  EXPECT_TRUE(arm("neoverse-n2").hasI8MM);
  EXPECT_FALSE(arm("cortex-a72").hasDotProd);
  EXPECT_FALSE(resolveCPUTarget("x86_64-unknown-linux-gnu", "cascadelake", "")
                   .hasDotProd);

  LoopNestInfo conv = convNest(64, 28, 28, 64);
  conv.isSignedInt8 = true;
  ScheduleSizes dot = computeDefaultSchedule(conv, a76);
  ScheduleSizes noDot = computeDefaultSchedule(conv, a53);
  EXPECT_EQ(dot.registerTiles[1], 8);
  EXPECT_EQ(dot.registerTiles[3], 8);
  EXPECT_EQ(dot.reduction[4], 16);
  EXPECT_EQ(noDot.reduction[4], 8);
  // A float conv on the same CPU is not affected.
  conv.isSignedInt8 = false;
  EXPECT_EQ(computeDefaultSchedule(conv, a76).reduction[4], 8);
}

class ScheduleAttrTest : public ::testing::Test {
protected:
  ScheduleAttrTest() { ctx.loadDialect<EtchDialect>(); }
  MLIRContext ctx;
};

TEST_F(ScheduleAttrTest, JSONRoundTrip) {
  ScheduleSizes s =
      computeDefaultSchedule(convNest(64, 56, 56, 64), makeTarget(16, 32));
  ScheduleAttr attr = buildScheduleAttr(&ctx, PipelineKind::Conv, s);
  ASSERT_TRUE(attr);
  llvm::json::Value json = scheduleToJSON(attr);
  std::string text;
  llvm::raw_string_ostream(text) << json;
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  ASSERT_TRUE(bool(parsed));
  std::string error;
  ScheduleAttr back = scheduleFromJSON(&ctx, *parsed, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back, attr);
  EXPECT_EQ(back.getTileSizes(2),
            (SmallVector<int64_t>{0, 0, 0, 0, 8, 1, 1}));
}

TEST_F(ScheduleAttrTest, JSONRejectsInvalidSchedules) {
  std::string error;
  auto parse = [&](llvm::StringRef text) {
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
    EXPECT_TRUE(bool(v));
    return scheduleFromJSON(&ctx, *v, error);
  };
  EXPECT_FALSE(parse(R"({"tile": [[1, 2]]})"));
  EXPECT_EQ(error, "schedule needs a string field 'kind'");
  EXPECT_FALSE(parse(R"({"kind": "gemm"})"));
  EXPECT_EQ(error, "unknown schedule kind 'gemm'");
  EXPECT_FALSE(parse(R"({"kind": "matmul", "tile": [[4, -8, 0]]})"));
  EXPECT_EQ(error, "schedule tile level 0 entries must be >= 0, got -8");
  EXPECT_FALSE(parse(R"({"kind": "matmul", "tile": [[4, 8, 0], [4, 8]]})"));
  EXPECT_EQ(error,
            "schedule tile level 1 has 2 entries, expected 3 (one per loop)");
  EXPECT_FALSE(
      parse(R"({"kind": "matmul", "tile": [[0, 0, 0], [4, 8, 0]], "vector": [4, 4, 1]})"));
  EXPECT_EQ(error,
            "schedule vector size 4 of loop 1 is smaller than its tile 8");
  EXPECT_FALSE(parse(R"({"kind": "matmul", "interchange": [1, 1, 0]})"));
  EXPECT_EQ(error, "schedule interchange is not a permutation");
  EXPECT_FALSE(parse(R"({"kind": "matmul", "vector": "wide"})"));
  EXPECT_EQ(error, "schedule field 'vector' must be an array");
  EXPECT_TRUE(parse(R"({"kind": "none"})"));
}

TEST(TargetInfo, ResolvesFeaturesThroughTheMCLayer) {
  CPUTargetInfo avx512 =
      resolveCPUTarget("x86_64-unknown-linux-gnu", "skylake-avx512", "");
  EXPECT_EQ(avx512.vectorWidthF32, 16);
  EXPECT_EQ(avx512.numVectorRegisters, 32);
  EXPECT_TRUE(avx512.hasFMA);

  CPUTargetInfo avx2 = resolveCPUTarget("x86_64-unknown-linux-gnu", "haswell", "");
  EXPECT_EQ(avx2.vectorWidthF32, 8);
  EXPECT_EQ(avx2.numVectorRegisters, 16);

  CPUTargetInfo avx2Only = resolveCPUTarget("x86_64-unknown-linux-gnu",
                                            "x86-64", "+avx2,+fma");
  EXPECT_EQ(avx2Only.vectorWidthF32, 8);
  EXPECT_TRUE(avx2Only.hasFMA);

  CPUTargetInfo sse = resolveCPUTarget("x86_64-unknown-linux-gnu", "x86-64", "");
  EXPECT_EQ(sse.vectorWidthF32, 4);

  CPUTargetInfo neon = resolveCPUTarget("aarch64-linux-gnu", "cortex-a53", "");
  EXPECT_EQ(neon.vectorWidthF32, 4);
  EXPECT_EQ(neon.numVectorRegisters, 32);

  CPUTargetInfo m55 = resolveCPUTarget("thumbv8.1m.main-none-eabihf",
                                       "cortex-m55", "");
  EXPECT_EQ(m55.vectorWidthF32, 4);
  EXPECT_EQ(m55.numVectorRegisters, 8);

  CPUTargetInfo m7 = resolveCPUTarget("thumbv7em-none-eabihf", "cortex-m7", "");
  EXPECT_EQ(m7.vectorWidthF32, 1);

  CPUTargetInfo host = resolveCPUTarget("", "native", "");
  EXPECT_GE(host.vectorWidthF32, 1);
  EXPECT_FALSE(host.cpu.empty());
}

} // namespace
