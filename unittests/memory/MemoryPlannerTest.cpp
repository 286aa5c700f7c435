//===- MemoryPlannerTest.cpp - Static arena planner tests -----------------===//
#include "etch/codegen/Common/MemoryPlanner.h"

#include <gtest/gtest.h>

#include <random>

using mlir::etch::BufferInterval;
using mlir::etch::liveBytesLowerBound;
using mlir::etch::MemoryPlan;
using mlir::etch::planMemory;

namespace {

// Checks every invariant a plan must satisfy; returns the number of failures
// so property tests can stop at the first broken seed.
void expectValidPlan(const std::vector<BufferInterval> &buffers,
                     const MemoryPlan &plan) {
  ASSERT_EQ(plan.offsets.size(), buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    uint64_t align = std::max<uint64_t>(buffers[i].align, 1);
    EXPECT_EQ(plan.offsets[i] % align, 0u) << "buffer " << i;
    EXPECT_LE(plan.offsets[i] + buffers[i].size, plan.arenaSize)
        << "buffer " << i;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (!mlir::etch::lifetimesOverlap(buffers[i], buffers[j]) ||
          buffers[i].size == 0 || buffers[j].size == 0) {
        continue;
      }
      bool disjoint = plan.offsets[i] + buffers[i].size <= plan.offsets[j] ||
                      plan.offsets[j] + buffers[j].size <= plan.offsets[i];
      EXPECT_TRUE(disjoint) << "buffers " << i << " and " << j
                            << " are live together and overlap in memory";
    }
  }
  EXPECT_GE(plan.arenaSize, liveBytesLowerBound(buffers));
}

TEST(MemoryPlanner, Empty) {
  MemoryPlan plan = planMemory({});
  EXPECT_TRUE(plan.offsets.empty());
  EXPECT_EQ(plan.arenaSize, 0u);
  EXPECT_EQ(liveBytesLowerBound({}), 0u);
}

TEST(MemoryPlanner, SingleBufferIsRoundedToItsAlignment) {
  std::vector<BufferInterval> buffers = {{100, 64, 0, 3}};
  MemoryPlan plan = planMemory(buffers);
  EXPECT_EQ(plan.offsets[0], 0u);
  EXPECT_EQ(plan.arenaSize, 128u);
}

TEST(MemoryPlanner, ChainReusesMemory) {
  // a -> b -> c: a and c are never live together, so c reuses a's bytes.
  std::vector<BufferInterval> buffers = {
      {256, 64, 0, 1}, {256, 64, 1, 2}, {256, 64, 2, 3}};
  MemoryPlan plan = planMemory(buffers);
  expectValidPlan(buffers, plan);
  EXPECT_EQ(plan.arenaSize, 512u);
  EXPECT_EQ(plan.offsets[0], plan.offsets[2]);
  EXPECT_NE(plan.offsets[0], plan.offsets[1]);
}

TEST(MemoryPlanner, OverlappingLifetimesNeverShareBytes) {
  std::vector<BufferInterval> buffers = {
      {100, 4, 0, 10}, {50, 4, 5, 6}, {70, 4, 6, 12}, {10, 4, 11, 11}};
  MemoryPlan plan = planMemory(buffers);
  expectValidPlan(buffers, plan);
}

TEST(MemoryPlanner, AlignmentIsRespected) {
  std::vector<BufferInterval> buffers = {
      {3, 1, 0, 5}, {8, 64, 0, 5}, {5, 16, 0, 5}, {1, 128, 0, 5}};
  MemoryPlan plan = planMemory(buffers);
  expectValidPlan(buffers, plan);
  EXPECT_EQ(plan.offsets[1] % 64, 0u);
  EXPECT_EQ(plan.offsets[2] % 16, 0u);
  EXPECT_EQ(plan.offsets[3] % 128, 0u);
  EXPECT_EQ(plan.arenaSize % 128, 0u);
}

TEST(MemoryPlanner, BestFitReusesTheHoleOfADeadBuffer) {
  // The big buffer dies early; the later, smaller ones all fit in its hole
  // next to each other, so the arena is the big buffer plus the long-lived
  // one that overlaps it.
  std::vector<BufferInterval> buffers = {
      {1024, 64, 0, 1},  // Big, dies early: leaves a 1024-byte hole.
      {64, 64, 0, 9},    // Long-lived.
      {128, 64, 2, 9},   // Lands in the hole.
      {64, 64, 3, 9}};   // Fits the hole too; must not overlap [2].
  MemoryPlan plan = planMemory(buffers);
  expectValidPlan(buffers, plan);
  EXPECT_EQ(plan.arenaSize, 1024u + 64u);
}

TEST(MemoryPlanner, LowerBoundCountsOnlySimultaneouslyLiveBytes) {
  std::vector<BufferInterval> buffers = {
      {10, 1, 0, 0}, {20, 1, 1, 1}, {30, 1, 1, 2}, {40, 1, 3, 3}};
  EXPECT_EQ(liveBytesLowerBound(buffers), 50u);
}

TEST(MemoryPlanner, ZeroSizedBuffersTakeNoSpace) {
  std::vector<BufferInterval> buffers = {{0, 64, 0, 5}, {32, 64, 0, 5}};
  MemoryPlan plan = planMemory(buffers);
  expectValidPlan(buffers, plan);
  EXPECT_EQ(plan.arenaSize, 64u);
}

TEST(MemoryPlanner, RandomizedPlansAreValid) {
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 500; ++trial) {
    size_t count = 1 + rng() % 40;
    std::vector<BufferInterval> buffers(count);
    for (BufferInterval &buf : buffers) {
      buf.size = 1 + rng() % 4096;
      buf.align = uint64_t(1) << (rng() % 8);
      buf.start = static_cast<int64_t>(rng() % 50);
      buf.end = buf.start + static_cast<int64_t>(rng() % 20);
    }
    MemoryPlan plan = planMemory(buffers);
    expectValidPlan(buffers, plan);
    if (HasFailure()) {
      FAIL() << "trial " << trial << " failed";
    }
    // Never worse than placing every buffer after the previous one (each
    // padded to its alignment, the total rounded to the largest alignment).
    uint64_t unshared = 0;
    uint64_t maxAlign = 1;
    for (const BufferInterval &buf : buffers) {
      unshared += buf.size + buf.align;
      maxAlign = std::max(maxAlign, buf.align);
    }
    EXPECT_LE(plan.arenaSize, unshared + maxAlign);
  }
}

TEST(MemoryPlanner, SequentialBuffersReuseAcrossManyLayers) {
  // A 20-layer chain of equal activations needs two slots, not twenty.
  std::vector<BufferInterval> buffers;
  for (int i = 0; i < 20; ++i) {
    buffers.push_back({4096, 64, i, i + 1});
  }
  MemoryPlan plan = planMemory(buffers);
  expectValidPlan(buffers, plan);
  EXPECT_EQ(plan.arenaSize, 2u * 4096u);
}

TEST(MemoryPlanner, IsDeterministic) {
  std::vector<BufferInterval> buffers = {
      {64, 64, 0, 3}, {64, 64, 1, 2}, {64, 64, 2, 5}, {128, 64, 4, 6}};
  MemoryPlan a = planMemory(buffers);
  MemoryPlan b = planMemory(buffers);
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.arenaSize, b.arenaSize);
}

} // namespace
