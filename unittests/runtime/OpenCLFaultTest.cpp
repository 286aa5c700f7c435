// Fault injection under the OpenCL runtime (issue 15, runtime contract): a
// whole run through the public API (init, bind, write, enqueue, read, finish,
// release) is first counted, then repeated once per injectable call with that
// call failing (OpenCLFaultShim.c: every OpenCL call but clRelease*, and
// malloc/calloc). Each time: no crash, the first failing entry point returns
// a status whose message names the failed call, a run that reports no error
// computes the right numbers, and after release (or a failed init) no OpenCL
// object and no host block is left. Runs on whatever device the ICD offers
// (PoCL in CI); skips when there is none, unless ETCH_REQUIRE_OPENCL=1.
#include "OpenCLFaultShim.h"
#include "etch/etch_opencl.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

constexpr int kN = 16;

// y = arena = x * w[0]: two kernels, the arena between them, one weight.
const char *const kSource = R"(
__kernel void scale(__global float *arena, __global const float *w,
                    __global const float *x) {
  size_t i = get_global_id(0);
  arena[i] = x[i] * w[0];
}
__kernel void copy(__global const float *arena, __global float *y) {
  size_t i = get_global_id(0);
  y[i] = arena[i];
}
)";

// The same in half: with needs_fp16, init checks cl_khr_fp16 and either
// builds this or falls back to kSource (small integers are exact in both).
const char *const kSourceFp16 = R"(
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
__kernel void scale(__global float *arena, __global const float *w,
                    __global const float *x) {
  size_t i = get_global_id(0);
  arena[i] = (float)((half)x[i] * (half)w[0]);
}
__kernel void copy(__global const float *arena, __global float *y) {
  size_t i = get_global_id(0);
  y[i] = arena[i];
}
)";

const char *const kNames[] = {"scale", "copy"};
const float kWeights[] = {2.0f};
const uint64_t kBytes[] = {kN * sizeof(float)};

etch_cl_program_t makeProgram(bool fp16) {
  etch_cl_program_t p{};
  p.abi_version = ETCH_OPENCL_ABI_VERSION;
  p.num_kernels = 2;
  p.name = fp16 ? "fault_fp16" : "fault";
  p.source = fp16 ? kSourceFp16 : kSource;
  p.fp32_source = fp16 ? kSource : nullptr;
  p.build_options = "-cl-std=CL1.2";
  p.kernel_names = kNames;
  p.weights = kWeights;
  p.weights_size = sizeof(kWeights);
  p.arena_size = kN * sizeof(float);
  p.num_inputs = 1;
  p.num_outputs = 1;
  p.input_bytes = kBytes;
  p.output_bytes = kBytes;
  p.needs_fp16 = fp16 ? 1 : 0;
  return p;
}

std::string logged;
void hook(void *, const char *message) {
  logged += message;
  logged += '\n';
}

struct Outcome {
  etch_status_t status = ETCH_OK;    // the first failing call's
  std::string step;                  // which entry point returned it
  std::string message;               // etch_cl_last_error() then
  bool stateAfterFailedInit = false; // init failed but left *state set
  long liveAfterFailedInit = 0;
  float y[kN] = {};
};

// What generated host code does (NAME_init, then NAME_run), stopping at the
// first failing status, then release.
Outcome runOnce(const etch_cl_program_t &program) {
  Outcome o;
  float x[kN];
  for (int i = 0; i < kN; ++i) {
    x[i] = float(i - 5);
  }
  etch_cl_state_t *s = nullptr;
  auto check = [&](etch_status_t st, const char *step) {
    if (st != ETCH_OK && o.status == ETCH_OK) {
      o.status = st;
      o.step = step;
      o.message = etch_cl_last_error();
    }
    return st == ETCH_OK;
  };
  if (!check(etch_cl_init(&program, nullptr, &s), "etch_cl_init")) {
    o.stateAfterFailedInit = s != nullptr;
    o.liveAfterFailedInit = etch_shim_live_cl_objects();
  }
  if (s) {
    check(etch_cl_set_arg_buffer(s, 0, 0, ETCH_CL_SLOT_ARENA),
          "etch_cl_set_arg_buffer") &&
        check(etch_cl_set_arg_buffer(s, 0, 1, ETCH_CL_SLOT_WEIGHTS),
              "etch_cl_set_arg_buffer") &&
        check(etch_cl_set_arg_buffer(s, 0, 2, ETCH_CL_SLOT_IO + 0),
              "etch_cl_set_arg_buffer") &&
        check(etch_cl_set_arg_buffer(s, 1, 0, ETCH_CL_SLOT_ARENA),
              "etch_cl_set_arg_buffer") &&
        check(etch_cl_set_arg_buffer(s, 1, 1, ETCH_CL_SLOT_IO + 1),
              "etch_cl_set_arg_buffer") &&
        check(etch_cl_write_input(s, 0, x), "etch_cl_write_input") &&
        check(etch_cl_enqueue(s, 0, 1, kN, 1, 1, 0, 0, 0), "etch_cl_enqueue") &&
        check(etch_cl_enqueue(s, 1, 1, kN, 1, 1, 0, 0, 0), "etch_cl_enqueue") &&
        check(etch_cl_read_output(s, 0, o.y), "etch_cl_read_output") &&
        check(etch_cl_finish(s), "etch_cl_finish");
    etch_cl_release(s);
  }
  return o;
}

std::string deviceName;

bool hasDevice() {
  etch_cl_program_t p = makeProgram(false);
  etch_cl_state_t *s = nullptr;
  etch_status_t st = etch_cl_init(&p, nullptr, &s);
  deviceName = etch_cl_device_name(s);
  etch_cl_release(s);
  return st == ETCH_OK;
}

// A message without the device's name: a failed name query changes only
// that (init then names the device by its indices).
std::string withoutDevice(std::string message) {
  for (const std::string &name :
       {deviceName, std::string("OpenCL device 0:0")}) {
    for (size_t at;
         !name.empty() && (at = message.find(name)) != std::string::npos;) {
      message.replace(at, name.size(), "<device>");
    }
  }
  return message;
}

class OpenCLFault : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    etch_cl_set_log_hook(hook, nullptr);
    unsetenv("ETCH_OPENCL_CACHE_DIR");
    unsetenv("ETCH_OPENCL_DEVICE");
    haveDevice = hasDevice();
  }
  static void TearDownTestSuite() { etch_cl_set_log_hook(nullptr, nullptr); }
  void SetUp() override {
    if (!haveDevice) {
      // scripts/test.sh sets it: setup.sh installs PoCL.
      const char *require = std::getenv("ETCH_REQUIRE_OPENCL");
      if (require && std::string(require) == "1") {
        FAIL() << "no OpenCL device (ETCH_REQUIRE_OPENCL=1): "
               << etch_cl_last_error();
      }
      GTEST_SKIP() << "no OpenCL device: " << etch_cl_last_error();
    }
  }

  // Counts the calls of a clean run (which ends with `expected`), then fails
  // each one in turn. Returns the functions that were made to fail.
  std::set<std::string> injectEach(const etch_cl_program_t &program,
                                   const std::function<void()> &before = {},
                                   etch_status_t expected = ETCH_OK) {
    if (before) {
      before();
    }
    etch_shim_arm(0);
    Outcome clean = runOnce(program);
    long total = etch_shim_disarm();
    EXPECT_EQ(clean.status, expected) << clean.message;
    for (int i = 0; expected == ETCH_OK && i < kN; ++i) {
      EXPECT_EQ(clean.y[i], 2.0f * float(i - 5)) << i;
    }
    EXPECT_GT(total, 10);
    EXPECT_EQ(etch_shim_live_cl_objects(), 0);
    EXPECT_EQ(etch_shim_live_host_blocks(), 0);

    std::set<std::string> failedFunctions;
    std::string absorbed;
    long reported = 0;
    for (long n = 1; n <= total; ++n) {
      if (before) {
        before();
      }
      logged.clear();
      etch_shim_arm(n);
      Outcome o = runOnce(program);
      etch_shim_disarm();
      const char *failedCall = etch_shim_failed();
      if (!failedCall) {
        ADD_FAILURE() << "call " << n << " of " << total << " did not fail";
        continue;
      }
      std::string what = std::string("call ") + std::to_string(n) + " of " +
                         std::to_string(total) + " (" + failedCall + ")";
      failedFunctions.insert(failedCall);
      EXPECT_EQ(etch_shim_live_cl_objects(), 0) << what;
      EXPECT_EQ(etch_shim_live_host_blocks(), 0) << what;
      if (o.status != clean.status || o.step != clean.step ||
          withoutDevice(o.message) != withoutDevice(clean.message)) {
        ++reported;
        // A failure the runtime reports: named, and init leaves nothing.
        std::string name = failedCall;
        std::string expected = name == "malloc" || name == "calloc"
                                   ? std::string("out of host memory")
                                   : name;
        EXPECT_NE(o.message.find(expected), std::string::npos)
            << what << " failed " << o.step << " with '" << o.message << "'";
        EXPECT_NE(logged.find(o.message), std::string::npos) << what;
        if (o.step == "etch_cl_init") {
          EXPECT_FALSE(o.stateAfterFailedInit) << what;
          EXPECT_EQ(o.liveAfterFailedInit, 0) << what;
        }
      } else {
        // A failure the runtime absorbs (an optional query, the binary
        // cache, the build log, the drain in release) must not change the
        // result.
        absorbed += " " + std::to_string(n) + ":" + failedCall;
        for (int i = 0; expected == ETCH_OK && i < kN; ++i) {
          EXPECT_EQ(o.y[i], 2.0f * float(i - 5)) << what << ", element " << i;
        }
      }
    }
    std::printf("%ld injection points: %ld reported as a status, absorbed:%s\n",
                total, reported, absorbed.empty() ? " none" : absorbed.c_str());
    return failedFunctions;
  }

  static bool haveDevice;
};
bool OpenCLFault::haveDevice = false;

TEST_F(OpenCLFault, EveryCallFailsInTurn) {
  etch_cl_program_t program = makeProgram(false);
  std::set<std::string> failed = injectEach(program);
  for (const char *f :
       {"calloc", "clGetPlatformIDs", "clGetDeviceIDs", "clGetDeviceInfo",
        "clCreateContext", "clCreateCommandQueue", "clCreateProgramWithSource",
        "clBuildProgram", "clCreateKernel", "clCreateBuffer", "clSetKernelArg",
        "clEnqueueWriteBuffer", "clEnqueueNDRangeKernel", "clEnqueueReadBuffer",
        "clFinish"}) {
    EXPECT_TRUE(failed.count(f)) << f << " was never made to fail";
  }
}

TEST_F(OpenCLFault, Fp16ProgramEveryCallFailsInTurn) {
  // Adds the cl_khr_fp16 query (and, without it, the fp32 fallback).
  etch_cl_program_t program = makeProgram(true);
  std::set<std::string> failed = injectEach(program);
  EXPECT_TRUE(failed.count("malloc")); // the extension list
}

TEST_F(OpenCLFault, BinaryCacheEveryCallFailsInTurn) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() /
                 ("etch-opencl-fault-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  setenv("ETCH_OPENCL_CACHE_DIR", dir.c_str(), 1);
  etch_cl_program_t program = makeProgram(false);
  // Storing: the cache starts empty every time.
  std::set<std::string> stored = injectEach(program, [&] {
    fs::remove_all(dir);
    fs::create_directories(dir);
  });
  EXPECT_TRUE(stored.count("clGetProgramInfo"));
  // Loading: a clean run fills the cache, every later run reads it.
  Outcome fill = runOnce(program);
  EXPECT_EQ(fill.status, ETCH_OK) << fill.message;
  std::set<std::string> loaded = injectEach(program);
  EXPECT_TRUE(loaded.count("clCreateProgramWithBinary"));
  unsetenv("ETCH_OPENCL_CACHE_DIR");
  fs::remove_all(dir);
}

TEST_F(OpenCLFault, BuildFailureLeavesNothing) {
  etch_cl_program_t program = makeProgram(false);
  program.source = "__kernel void scale(__global float *a) { undeclared = 1; }";
  // Adds the build log (clGetProgramBuildInfo, malloc) to the calls.
  std::set<std::string> failed = injectEach(program, {}, ETCH_ERR_DEVICE);
  EXPECT_TRUE(failed.count("clGetProgramBuildInfo"));
  logged.clear();
  etch_shim_arm(0);
  Outcome o = runOnce(program);
  etch_shim_disarm();
  EXPECT_EQ(o.status, ETCH_ERR_DEVICE);
  EXPECT_NE(o.message.find("clBuildProgram"), std::string::npos) << o.message;
  EXPECT_NE(logged.find("undeclared"), std::string::npos) << logged;
  EXPECT_EQ(etch_shim_live_cl_objects(), 0);
  EXPECT_EQ(etch_shim_live_host_blocks(), 0);
}

TEST_F(OpenCLFault, MissingDeviceIsAStatus) {
  etch_cl_program_t program = makeProgram(false);
  etch_cl_state_t *s = nullptr;
  EXPECT_EQ(etch_cl_init(&program, "no-such-device-anywhere", &s),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s, nullptr);
  EXPECT_NE(std::string(etch_cl_last_error()).find("no-such-device"),
            std::string::npos);
  EXPECT_EQ(etch_cl_init(&program, "99:0", &s), ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(etch_shim_live_cl_objects(), 0);
}

} // namespace

// NULL for every pointer of every entry point, and programs whose tables are
// missing: a status, never a crash. Needs no device.
TEST(OpenCLContract, NullArguments) {
  etch_cl_set_log_hook(hook, nullptr);
  etch_cl_program_t program = makeProgram(false);
  etch_cl_state_t *s = nullptr;
  EXPECT_EQ(etch_cl_init(nullptr, nullptr, &s), ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_cl_init(&program, nullptr, nullptr),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_cl_set_arg_buffer(nullptr, 0, 0, 0),
            ETCH_ERR_INVALID_ARGUMENT);
  float buf[kN] = {};
  EXPECT_EQ(etch_cl_write_input(nullptr, 0, buf), ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_cl_read_output(nullptr, 0, buf), ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_cl_enqueue(nullptr, 0, 1, 1, 1, 1, 0, 0, 0),
            ETCH_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(etch_cl_finish(nullptr), ETCH_ERR_INVALID_ARGUMENT);
  etch_cl_release(nullptr);
  EXPECT_STREQ(etch_cl_device_name(nullptr), "");
  EXPECT_EQ(etch_cl_uses_fp16(nullptr), 0);

  // Tables a program cannot do without.
  auto rejects = [&](etch_cl_program_t p, const char *what) {
    etch_cl_state_t *st = nullptr;
    EXPECT_EQ(etch_cl_init(&p, nullptr, &st), ETCH_ERR_INVALID_ARGUMENT)
        << what;
    EXPECT_EQ(st, nullptr) << what;
  };
  etch_cl_program_t p = program;
  p.name = nullptr;
  rejects(p, "name");
  p = program;
  p.kernel_names = nullptr;
  rejects(p, "kernel_names");
  p = program;
  p.input_bytes = nullptr;
  rejects(p, "input_bytes");
  p = program;
  p.output_bytes = nullptr;
  rejects(p, "output_bytes");
  p = program;
  p.weights = nullptr;
  rejects(p, "weights");
  p = program;
  p.source = nullptr;
  rejects(p, "source");
  EXPECT_EQ(etch_shim_live_cl_objects(), 0);

  // NULL host pointers on a live state (when there is a device).
  if (etch_cl_init(&program, nullptr, &s) == ETCH_OK) {
    EXPECT_EQ(etch_cl_write_input(s, 0, nullptr), ETCH_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(etch_cl_read_output(s, 0, nullptr), ETCH_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(etch_cl_finish(s), ETCH_OK);
    etch_cl_release(s);
  }
  EXPECT_EQ(etch_shim_live_cl_objects(), 0);
  etch_cl_set_log_hook(nullptr, nullptr);
}
