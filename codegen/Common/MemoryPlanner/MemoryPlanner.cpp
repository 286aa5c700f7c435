//===- MemoryPlanner.cpp - Static arena placement of buffers --------------===//
//
// Greedy-by-size best-fit placement (as in TFLite's and IREE's static
// planners): big buffers are placed first because they constrain the layout
// most; each one goes into the tightest hole left between the buffers already
// placed that are live at the same time.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/MemoryPlanner.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>

namespace mlir::etch {

static uint64_t alignTo(uint64_t value, uint64_t align) {
  if (align <= 1) {
    return value;
  }
  return (value + align - 1) / align * align;
}

MemoryPlan planMemory(const std::vector<BufferInterval> &buffers) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);

  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].size != buffers[b].size) {
      return buffers[a].size > buffers[b].size;
    }
    return buffers[a].start < buffers[b].start;
  });

  uint64_t maxAlign = 1;
  std::vector<size_t> placed;
  placed.reserve(buffers.size());
  for (size_t idx : order) {
    const BufferInterval &buf = buffers[idx];
    assert(buf.start <= buf.end && "interval must not be empty");
    uint64_t align = std::max<uint64_t>(buf.align, 1);
    assert((align & (align - 1)) == 0 && "alignment must be a power of two");
    maxAlign = std::max(maxAlign, align);
    if (buf.size == 0) {
      // Occupies no bytes: any aligned offset works and overlaps nothing.
      plan.offsets[idx] = 0;
      continue;
    }

    // Byte ranges of the placed buffers that are live at the same time.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t other : placed) {
      if (lifetimesOverlap(buf, buffers[other])) {
        busy.push_back({plan.offsets[other],
                        plan.offsets[other] + buffers[other].size});
      }
    }
    std::sort(busy.begin(), busy.end());

    uint64_t bestOffset = 0;
    uint64_t bestSlack = std::numeric_limits<uint64_t>::max();
    bool found = false;
    uint64_t cursor = 0; // Lowest free byte after the ranges seen so far.
    for (const auto &[lo, hi] : busy) {
      uint64_t candidate = alignTo(cursor, align);
      if (candidate + buf.size <= lo) {
        uint64_t slack = lo - cursor - buf.size;
        if (slack < bestSlack) {
          bestSlack = slack;
          bestOffset = candidate;
          found = true;
        }
      }
      cursor = std::max(cursor, hi);
    }
    if (!found) {
      bestOffset = alignTo(cursor, align);
    }
    plan.offsets[idx] = bestOffset;
    plan.arenaSize = std::max(plan.arenaSize, bestOffset + buf.size);
    placed.push_back(idx);
  }
  plan.arenaSize = alignTo(plan.arenaSize, maxAlign);
  return plan;
}

uint64_t liveBytesLowerBound(const std::vector<BufferInterval> &buffers) {
  // Sweep over interval endpoints: +size at start, -size after end.
  std::vector<std::pair<int64_t, int64_t>> events;
  events.reserve(buffers.size() * 2);
  for (const BufferInterval &buf : buffers) {
    events.push_back({buf.start, static_cast<int64_t>(buf.size)});
    events.push_back({buf.end + 1, -static_cast<int64_t>(buf.size)});
  }
  // At equal points, process frees before allocations.
  std::sort(events.begin(), events.end());
  int64_t live = 0;
  int64_t best = 0;
  for (const auto &[point, delta] : events) {
    live += delta;
    best = std::max(best, live);
  }
  return static_cast<uint64_t>(best);
}

} // namespace mlir::etch
