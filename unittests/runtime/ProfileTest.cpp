// Tests for the runtime half of `etch-compile --profile` (profile.c): the
// registry, the per-layer marks and reset, against a table laid out the way
// etch-common-profile-instrument lays it out.
#include "etch/etch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace {

etch_profile_layer_t kLayers[] = {{"conv1", "conv", 100, ""},
                                  {"conv2", "conv", 200, "add2"}};

TEST(Profile, ClockIsMonotonic) {
  uint64_t a = etch_profile_now_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  uint64_t b = etch_profile_now_ns();
  EXPECT_GT(a, 0u);
  EXPECT_GE(b - a, 2000000u);
}

TEST(Profile, RegisteredOnFirstRunAndFoundByName) {
  uint64_t ns[2] = {0, 0};
  etch_profile_t p = {};
  p.model = "profile_test_model";
  p.num_layers = 2;
  p.layers = kLayers;
  p.layer_ns = ns;
  EXPECT_EQ(etch_profile_find("profile_test_model"), nullptr);
  for (int run = 0; run < 3; ++run) {
    etch_profile_begin(&p);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    etch_profile_mark(&p, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    etch_profile_mark(&p, 1);
    etch_profile_end(&p);
  }
  EXPECT_EQ(etch_profile_find("profile_test_model"), &p);
  EXPECT_EQ(etch_profile_find("another"), nullptr);
  EXPECT_EQ(etch_profile_find(nullptr), nullptr);
  EXPECT_EQ(p.runs, 3u);
  EXPECT_GE(ns[0], 3000000u);
  EXPECT_GE(ns[1], 6000000u);
  EXPECT_GE(p.total_ns, ns[0] + ns[1]);
  // An out-of-range layer restarts the stamp and counts nowhere.
  etch_profile_begin(&p);
  etch_profile_mark(&p, 7);
  etch_profile_mark(&p, -1);
  etch_profile_end(&p);
  EXPECT_EQ(p.runs, 4u);
  etch_profile_reset(&p);
  EXPECT_EQ(p.runs, 0u);
  EXPECT_EQ(p.total_ns, 0u);
  EXPECT_EQ(ns[0], 0u);
  EXPECT_EQ(ns[1], 0u);
  // Still registered once: a second begin does not add it twice.
  etch_profile_begin(&p);
  etch_profile_end(&p);
  EXPECT_EQ(etch_profile_find("profile_test_model"), &p);
}

TEST(Profile, NullIsIgnored) {
  etch_profile_begin(nullptr);
  etch_profile_mark(nullptr, 0);
  etch_profile_end(nullptr);
  etch_profile_reset(nullptr);
}

} // namespace
