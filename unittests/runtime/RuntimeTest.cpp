// Tests for libetch_runtime: status strings, etch_model_run's argument checks
// (against a fake model) and etch_parallel_for's coverage. Compiled with
// ETCH_TEST_SERIAL against the serial fallback only, else against the pool.
#include "etch/etch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

#ifdef ETCH_TEST_SERIAL
constexpr bool kThreaded = false;
#else
constexpr bool kThreaded = true;
#endif

TEST(StatusString, NamesEveryStatus) {
  EXPECT_STREQ(etch_status_string(ETCH_OK), "ETCH_OK");
  EXPECT_STREQ(etch_status_string(ETCH_ERR_INVALID_ARGUMENT),
               "ETCH_ERR_INVALID_ARGUMENT");
  EXPECT_STREQ(etch_status_string(ETCH_ERR_ARENA_TOO_SMALL),
               "ETCH_ERR_ARENA_TOO_SMALL");
  EXPECT_STREQ(etch_status_string(ETCH_ERR_ARENA_UNALIGNED),
               "ETCH_ERR_ARENA_UNALIGNED");
  EXPECT_STREQ(etch_status_string(ETCH_ERR_DEVICE), "ETCH_ERR_DEVICE");
  EXPECT_STREQ(etch_status_string(ETCH_ERR_UNSUPPORTED),
               "ETCH_ERR_UNSUPPORTED");
  EXPECT_STREQ(etch_status_string(static_cast<etch_status_t>(1234)),
               "ETCH_ERR_UNKNOWN");
}

TEST(DtypeSize, EveryDtype) {
  EXPECT_EQ(etch_dtype_size(ETCH_F32), 4u);
  EXPECT_EQ(etch_dtype_size(ETCH_F16), 2u);
  EXPECT_EQ(etch_dtype_size(ETCH_BF16), 2u);
  EXPECT_EQ(etch_dtype_size(ETCH_I8), 1u);
  EXPECT_EQ(etch_dtype_size(ETCH_U8), 1u);
  EXPECT_EQ(etch_dtype_size(ETCH_I16), 2u);
  EXPECT_EQ(etch_dtype_size(ETCH_I32), 4u);
  EXPECT_EQ(etch_dtype_size(ETCH_I64), 8u);
  EXPECT_EQ(etch_dtype_size(ETCH_BOOL), 1u);
  EXPECT_EQ(etch_dtype_size(static_cast<etch_dtype_t>(99)), 0u);
  EXPECT_EQ(etch_dtype_size(ETCH_F8E4M3FN), 1u);
  EXPECT_EQ(etch_dtype_size(ETCH_F8E8M0), 1u);
  // Packed: no whole-byte size.
  EXPECT_EQ(etch_dtype_size(ETCH_I4), 0u);
  EXPECT_EQ(etch_dtype_size(ETCH_U2), 0u);
}

TEST(DtypeBits, PackedAndWhole) {
  EXPECT_EQ(etch_dtype_bits(ETCH_F32), 32u);
  EXPECT_EQ(etch_dtype_bits(ETCH_BOOL), 8u);
  EXPECT_EQ(etch_dtype_bits(ETCH_F8E5M2FNUZ), 8u);
  EXPECT_EQ(etch_dtype_bits(ETCH_I4), 4u);
  EXPECT_EQ(etch_dtype_bits(ETCH_U4), 4u);
  EXPECT_EQ(etch_dtype_bits(ETCH_F4E2M1), 4u);
  EXPECT_EQ(etch_dtype_bits(ETCH_I2), 2u);
  EXPECT_EQ(etch_dtype_bits(ETCH_U2), 2u);
  EXPECT_EQ(etch_dtype_bits(static_cast<etch_dtype_t>(99)), 0u);
}

// A fake two-input, one-output model that records how it was called.
struct FakeCall {
  int count = 0;
  const void *const *inputs = nullptr;
  void *const *outputs = nullptr;
  void *arena = nullptr;
  etch_status_t result = ETCH_OK;
};
FakeCall fakeCall;

etch_status_t fakeRun(const void *const *inputs, void *const *outputs,
                      void *arena) {
  ++fakeCall.count;
  fakeCall.inputs = inputs;
  fakeCall.outputs = outputs;
  fakeCall.arena = arena;
  return fakeCall.result;
}

const int64_t kShape[] = {1, 4};
const etch_tensor_desc_t kInputs[] = {
    {"a", ETCH_F32, 2, kShape, 0.0f, 0},
    {"b", ETCH_F32, 2, kShape, 0.0f, 0},
};
const etch_tensor_desc_t kOutputs[] = {{"y", ETCH_F32, 2, kShape, 0.0f, 0}};

class ModelRun : public ::testing::Test {
protected:
  void SetUp() override {
    fakeCall = FakeCall();
    model = {ETCH_ABI_VERSION, "fake", 2,  1,       kInputs, kOutputs,
             256,              64,     fakeRun, 1};
    arenaStorage.reset(static_cast<unsigned char *>(
        std::aligned_alloc(64, 256 + 64)));
    arena = arenaStorage.get();
  }

  struct FreeDeleter {
    void operator()(unsigned char *p) const { std::free(p); }
  };

  etch_model_t model;
  float a[4] = {}, b[4] = {}, y[4] = {};
  const void *ins[2] = {a, b};
  void *outs[1] = {y};
  std::unique_ptr<unsigned char, FreeDeleter> arenaStorage;
  unsigned char *arena = nullptr;
};

TEST_F(ModelRun, PassesArgumentsThrough) {
  EXPECT_EQ(etch_model_run(&model, ins, outs, arena), ETCH_OK);
  EXPECT_EQ(fakeCall.count, 1);
  EXPECT_EQ(fakeCall.inputs, ins);
  EXPECT_EQ(fakeCall.outputs, outs);
  EXPECT_EQ(fakeCall.arena, arena);
}

TEST_F(ModelRun, ReturnsModelStatus) {
  fakeCall.result = ETCH_ERR_DEVICE;
  EXPECT_EQ(etch_model_run(&model, ins, outs, arena), ETCH_ERR_DEVICE);
  EXPECT_EQ(fakeCall.count, 1);
}

TEST_F(ModelRun, RejectsNullModelAndRun) {
  EXPECT_EQ(etch_model_run(nullptr, ins, outs, arena),
            ETCH_ERR_INVALID_ARGUMENT);
  model.run = nullptr;
  EXPECT_EQ(etch_model_run(&model, ins, outs, arena),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(fakeCall.count, 0);
}

TEST_F(ModelRun, RejectsOtherAbiVersion) {
  model.abi_version = ETCH_ABI_VERSION + 1;
  EXPECT_EQ(etch_model_run(&model, ins, outs, arena), ETCH_ERR_UNSUPPORTED);
  model.abi_version = 0;
  EXPECT_EQ(etch_model_run(&model, ins, outs, arena), ETCH_ERR_UNSUPPORTED);
  EXPECT_EQ(fakeCall.count, 0);
}

TEST_F(ModelRun, RejectsNullTensors) {
  EXPECT_EQ(etch_model_run(&model, nullptr, outs, arena),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_model_run(&model, ins, nullptr, arena),
            ETCH_ERR_INVALID_ARGUMENT);
  const void *oneNullIn[2] = {a, nullptr};
  EXPECT_EQ(etch_model_run(&model, oneNullIn, outs, arena),
            ETCH_ERR_INVALID_ARGUMENT);
  void *nullOut[1] = {nullptr};
  EXPECT_EQ(etch_model_run(&model, ins, nullOut, arena),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(fakeCall.count, 0);
}

TEST_F(ModelRun, RejectsNullArenaOnlyWhenNeeded) {
  EXPECT_EQ(etch_model_run(&model, ins, outs, nullptr),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(fakeCall.count, 0);
  model.arena_size = 0;
  EXPECT_EQ(etch_model_run(&model, ins, outs, nullptr), ETCH_OK);
  EXPECT_EQ(fakeCall.count, 1);
}

TEST_F(ModelRun, RejectsUnalignedArena) {
  for (int offset : {1, 4, 8, 16, 32}) {
    EXPECT_EQ(etch_model_run(&model, ins, outs, arena + offset),
              ETCH_ERR_ARENA_UNALIGNED)
        << "offset " << offset;
  }
  EXPECT_EQ(fakeCall.count, 0);
  EXPECT_EQ(etch_model_run(&model, ins, outs, arena + 64), ETCH_OK);
}

TEST_F(ModelRun, SizedRejectsTooSmallArena) {
  EXPECT_EQ(etch_model_run_sized(&model, ins, outs, arena, model.arena_size - 1),
            ETCH_ERR_ARENA_TOO_SMALL);
  EXPECT_EQ(etch_model_run_sized(&model, ins, outs, arena, 0),
            ETCH_ERR_ARENA_TOO_SMALL);
  EXPECT_EQ(fakeCall.count, 0);
  EXPECT_EQ(etch_model_run_sized(&model, ins, outs, arena, model.arena_size),
            ETCH_OK);
  EXPECT_EQ(fakeCall.count, 1);
}

TEST_F(ModelRun, SizedChecksLikeRun) {
  EXPECT_EQ(etch_model_run_sized(nullptr, ins, outs, arena, 1 << 20),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_model_run_sized(&model, ins, outs, nullptr, 1 << 20),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_model_run_sized(&model, ins, outs, arena + 1, 1 << 20),
            ETCH_ERR_ARENA_UNALIGNED);
  model.arena_size = 0;
  EXPECT_EQ(etch_model_run_sized(&model, ins, outs, nullptr, 0), ETCH_OK);
  EXPECT_EQ(fakeCall.count, 1);
}

TEST_F(ModelRun, NoTensorsNeedNoArrays) {
  model.num_inputs = 0;
  model.num_outputs = 0;
  EXPECT_EQ(etch_model_run(&model, nullptr, nullptr, arena), ETCH_OK);
  EXPECT_EQ(fakeCall.count, 1);
}

// Counts how often each index was visited and checks every range.
struct Coverage {
  explicit Coverage(int64_t n) : n(n), hits(static_cast<size_t>(n)) {}
  int64_t n;
  std::vector<std::atomic<int>> hits;
  std::atomic<int> badRanges{0};
  std::atomic<int> calls{0};

  static void visit(void *ctx, int64_t begin, int64_t end) {
    auto *self = static_cast<Coverage *>(ctx);
    self->calls.fetch_add(1);
    if (begin < 0 || end > self->n || begin >= end) {
      self->badRanges.fetch_add(1);
      return;
    }
    for (int64_t i = begin; i < end; ++i) {
      self->hits[static_cast<size_t>(i)].fetch_add(1);
    }
  }

  void expectEachOnce() const {
    EXPECT_EQ(badRanges.load(), 0);
    int64_t wrong = 0;
    for (const auto &h : hits) {
      wrong += h.load() != 1;
    }
    EXPECT_EQ(wrong, 0) << "indices not visited exactly once, n=" << n;
  }
};

class ParallelFor : public ::testing::TestWithParam<int> {
protected:
  void SetUp() override { etch_set_num_threads(GetParam()); }
  void TearDown() override { etch_set_num_threads(0); }
};

TEST_P(ParallelFor, CoversEveryIndexOnce) {
  for (int64_t n : {1, 2, 3, 7, 64, 1000, 100003}) {
    Coverage cov(n);
    etch_parallel_for(n, Coverage::visit, &cov);
    cov.expectEachOnce();
  }
}

TEST_P(ParallelFor, EmptyRangeCallsNothing) {
  Coverage cov(0);
  etch_parallel_for(0, Coverage::visit, &cov);
  etch_parallel_for(-5, Coverage::visit, &cov);
  EXPECT_EQ(cov.calls.load(), 0);
}

TEST_P(ParallelFor, RepeatedCallsStayCorrect) {
  for (int rep = 0; rep < 200; ++rep) {
    Coverage cov(97);
    etch_parallel_for(97, Coverage::visit, &cov);
    cov.expectEachOnce();
  }
}

// An outer loop whose body runs an inner parallel loop over its own row.
struct Nested {
  static constexpr int64_t kRows = 16, kCols = 33;
  std::vector<std::atomic<int>> hits =
      std::vector<std::atomic<int>>(static_cast<size_t>(kRows * kCols));
  struct Row {
    Nested *self;
    int64_t row;
  };
  static void inner(void *ctx, int64_t begin, int64_t end) {
    auto *r = static_cast<Row *>(ctx);
    for (int64_t c = begin; c < end; ++c) {
      r->self->hits[static_cast<size_t>(r->row * kCols + c)].fetch_add(1);
    }
  }
  static void outer(void *ctx, int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      Row r{static_cast<Nested *>(ctx), row};
      etch_parallel_for(kCols, inner, &r);
    }
  }
};

TEST_P(ParallelFor, NestedCallsCoverEverything) {
  Nested nested;
  etch_parallel_for(Nested::kRows, Nested::outer, &nested);
  for (const auto &h : nested.hits) {
    ASSERT_EQ(h.load(), 1);
  }
}

TEST_P(ParallelFor, ConcurrentCallersEachCoverTheirRange) {
  constexpr int kCallers = 4;
  std::vector<std::unique_ptr<Coverage>> covs;
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    covs.push_back(std::make_unique<Coverage>(5000 + i));
  }
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      for (int rep = 0; rep < 20; ++rep) {
        Coverage cov(covs[i]->n);
        etch_parallel_for(cov.n, Coverage::visit, &cov);
        cov.expectEachOnce();
      }
    });
  }
  for (auto &t : callers) {
    t.join();
  }
}

TEST_P(ParallelFor, ReportsThreadCount) {
  EXPECT_EQ(etch_get_num_threads(), kThreaded ? GetParam() : 1);
}

// etch_parallel_for_tid: coverage, tid below the cap, and no tid used by two
// ranges at once (generated code indexes per-thread scratch with it).
struct TidCoverage : Coverage {
  int32_t maxThreads;
  std::vector<std::atomic<int>> busy =
      std::vector<std::atomic<int>>(static_cast<size_t>(kMaxTid));
  std::atomic<int> badTids{0}, sharedTids{0};
  static constexpr int32_t kMaxTid = 64;
  TidCoverage(int64_t n, int32_t maxThreads)
      : Coverage(n), maxThreads(maxThreads) {}
  static void visit(void *ctx, int64_t begin, int64_t end, int32_t tid) {
    auto *self = static_cast<TidCoverage *>(ctx);
    int32_t cap = std::max<int32_t>(1, self->maxThreads);
    if (tid < 0 || tid >= cap || tid >= kMaxTid) {
      self->badTids.fetch_add(1);
      return;
    }
    if (self->busy[static_cast<size_t>(tid)].exchange(1) != 0) {
      self->sharedTids.fetch_add(1);
    }
    Coverage::visit(ctx, begin, end);
    self->busy[static_cast<size_t>(tid)].store(0);
  }
};

TEST_P(ParallelFor, TidStaysBelowMaxAndIsNeverShared) {
  for (int32_t maxThreads : {0, 1, 2, 3, 16}) {
    for (int64_t n : {1, 5, 64, 10007}) {
      TidCoverage cov(n, maxThreads);
      etch_parallel_for_tid(n, TidCoverage::visit, &cov, maxThreads);
      cov.expectEachOnce();
      EXPECT_EQ(cov.badTids.load(), 0) << "max_threads=" << maxThreads;
      EXPECT_EQ(cov.sharedTids.load(), 0) << "max_threads=" << maxThreads;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelFor,
                         ::testing::Values(1, 2, 3, 4, 8, 17));

// Two ranges can only both be entered at once if a second thread runs one:
// the first range waits for the second to start.
struct Rendezvous {
  std::atomic<int> entered{0};
  std::atomic<bool> timedOut{false};
  static void visit(void *ctx, int64_t, int64_t) {
    auto *self = static_cast<Rendezvous *>(ctx);
    self->entered.fetch_add(1);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (self->entered.load() < 2) {
      if (std::chrono::steady_clock::now() > deadline) {
        self->timedOut = true;
        return;
      }
      std::this_thread::yield();
    }
  }
};

#ifndef ETCH_TEST_SERIAL
TEST(ParallelForThreads, RunsRangesConcurrently) {
  etch_set_num_threads(2);
  Rendezvous r;
  etch_parallel_for(2, Rendezvous::visit, &r);
  etch_set_num_threads(0);
  EXPECT_FALSE(r.timedOut.load());
  EXPECT_EQ(r.entered.load(), 2);
}
#endif

#ifndef ETCH_TEST_SERIAL
// Two ranges at once under max_threads = 2 run on threads 0 and 1.
struct TidRendezvous : Rendezvous {
  std::atomic<int> tidMask{0};
  static void visit(void *ctx, int64_t begin, int64_t end, int32_t tid) {
    auto *self = static_cast<TidRendezvous *>(ctx);
    self->tidMask.fetch_or(1 << (tid & 15));
    Rendezvous::visit(ctx, begin, end);
  }
};

TEST(ParallelForThreads, TidRunsOnDistinctThreads) {
  etch_set_num_threads(4);
  TidRendezvous r;
  etch_parallel_for_tid(2, TidRendezvous::visit, &r, 2);
  etch_set_num_threads(0);
  EXPECT_FALSE(r.timedOut.load());
  EXPECT_EQ(r.tidMask.load(), 0x3);
}
#endif

TEST(ParallelForThreads, DefaultComesFromEnvironment) {
  ASSERT_EQ(setenv("ETCH_NUM_THREADS", "3", 1), 0);
  etch_set_num_threads(0);
  EXPECT_EQ(etch_get_num_threads(), kThreaded ? 3 : 1);
  ASSERT_EQ(setenv("ETCH_NUM_THREADS", "not-a-number", 1), 0);
  etch_set_num_threads(0);
  EXPECT_GE(etch_get_num_threads(), 1);
  ASSERT_EQ(unsetenv("ETCH_NUM_THREADS"), 0);
  etch_set_num_threads(0);
}

#ifdef ETCH_TEST_SERIAL
TEST(ParallelForSerial, FallbackIsSerial) {
  etch_set_num_threads(8);
  EXPECT_EQ(etch_get_num_threads(), 1);
  Coverage cov(1000);
  etch_parallel_for(1000, Coverage::visit, &cov);
  cov.expectEachOnce();
  EXPECT_EQ(cov.calls.load(), 1);
  etch_set_num_threads(0);
}
#endif

} // namespace
