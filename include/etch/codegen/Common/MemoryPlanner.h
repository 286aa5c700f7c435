//===- MemoryPlanner.h - Static arena placement of buffers ------*- C++ -*-===//
//
// Pure C++ (no MLIR/LLVM types): given each buffer's size, alignment and
// liveness interval, assigns byte offsets in one arena so that no two buffers
// whose lifetimes overlap share a byte. CommonPlanMemoryPass feeds it the
// intervals it computes on the bufferized @main; the googletest suite in
// unittests/memory/ pins its invariants.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_MEMORYPLANNER_H
#define ETCH_CODEGEN_COMMON_MEMORYPLANNER_H

#include <cstdint>
#include <vector>

namespace mlir::etch {

/// One buffer to place. Live from program point `start` to `end`, both
/// inclusive (start <= end). `align` is a power of two (0 and 1 mean none).
struct BufferInterval {
  uint64_t size = 0;
  uint64_t align = 1;
  int64_t start = 0;
  int64_t end = 0;
};

/// Result of planning: `offsets[i]` is the byte offset of buffer `i` in the
/// arena; `arenaSize` is the smallest arena that holds all of them (a multiple
/// of the largest alignment, 0 when there are no non-empty buffers).
struct MemoryPlan {
  std::vector<uint64_t> offsets;
  uint64_t arenaSize = 0;
};

/// Places buffers greedily, largest first (ties: earlier start, then lower
/// index), each into the best-fitting aligned gap left between the buffers
/// already placed whose lifetimes overlap it (the smallest gap that fits; the
/// lowest offset among equals), else above all of them. Deterministic.
MemoryPlan planMemory(const std::vector<BufferInterval> &buffers);

/// max over program points of the total size of the buffers live there: no
/// valid plan can have a smaller arena.
uint64_t liveBytesLowerBound(const std::vector<BufferInterval> &buffers);

/// True if `a` and `b` are live at some common program point.
inline bool lifetimesOverlap(const BufferInterval &a, const BufferInterval &b) {
  return a.start <= b.end && b.start <= a.end;
}

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_MEMORYPLANNER_H
