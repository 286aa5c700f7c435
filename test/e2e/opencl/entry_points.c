/* The runtime entry points the generated host code calls, driven by hand on
 * a one-kernel program (y = 2 * x): a correct launch sequence computes y;
 * out-of-range kernel, argument slot, input and output indices, a bad
 * work_dim and a NULL state are ETCH_ERR_INVALID_ARGUMENT with a message,
 * never a crash; an fp16 program on a device without cl_khr_fp16 falls back
 * to its fp32 source (saying so through the log hook) or, without one, is
 * ETCH_ERR_UNSUPPORTED. Exits 0 when all of it holds. */
#include "etch/etch_opencl.h"

#include <stdio.h>
#include <string.h>

static char captured[1 << 14];

static void hook(void *user, const char *message) {
  (void)user;
  strncat(captured, message, sizeof(captured) - strlen(captured) - 2);
  strcat(captured, "\n");
}

#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      printf("FAILED line %d: %s\n%s", __LINE__, #cond, captured);             \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static const char *const kNames[] = {"twice"};
static const uint64_t kBytes[] = {16 * sizeof(float)};

static const char kSource[] =
    "__kernel void twice(__global uchar *b2, __global uchar *b3) {\n"
    "  const int i = get_global_id(0);\n"
    "  if (i < 16) { ((__global float *)b3)[i] = 2.0f * ((__global float "
    "*)b2)[i]; }\n"
    "}\n";
static const char kHalfSource[] =
    "#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n"
    "__kernel void twice(__global uchar *b2, __global uchar *b3) {\n"
    "  const int i = get_global_id(0);\n"
    "  half x = (half)((__global float *)b2)[i];\n"
    "  if (i < 16) { ((__global float *)b3)[i] = (float)(x + x); }\n"
    "}\n";

static etch_cl_program_t program(const char *source, const char *fp32,
                                 uint32_t fp16) {
  etch_cl_program_t p;
  memset(&p, 0, sizeof(p));
  p.abi_version = ETCH_OPENCL_ABI_VERSION;
  p.num_kernels = 1;
  p.name = "entry";
  p.source = source;
  p.fp32_source = fp32;
  p.build_options = "-cl-std=CL1.2";
  p.kernel_names = kNames;
  p.arena_size = 64;
  p.num_inputs = 1;
  p.num_outputs = 1;
  p.input_bytes = kBytes;
  p.output_bytes = kBytes;
  p.needs_fp16 = fp16;
  return p;
}

/* The sequence NAME_init/NAME_run emit; returns the first failing status. */
static etch_status_t run(etch_cl_state_t *s, const float *x, float *y) {
  etch_status_t st;
  if ((st = etch_cl_set_arg_buffer(s, 0, 0, ETCH_CL_SLOT_IO)) ||
      (st = etch_cl_set_arg_buffer(s, 0, 1, ETCH_CL_SLOT_IO + 1)) ||
      (st = etch_cl_write_input(s, 0, x)) ||
      (st = etch_cl_enqueue(s, 0, 1, 16, 1, 1, 0, 0, 0)) ||
      (st = etch_cl_read_output(s, 0, y))) {
    return st;
  }
  return etch_cl_finish(s);
}

int main(void) {
  etch_cl_set_log_hook(hook, NULL);
  float x[16], y[16];
  for (int i = 0; i < 16; ++i) {
    x[i] = (float)i - 4.0f;
  }

  etch_cl_program_t p = program(kSource, NULL, 0);
  etch_cl_state_t *s = NULL;
  EXPECT(etch_cl_init(&p, NULL, &s) == ETCH_OK && s != NULL);
  EXPECT(!etch_cl_uses_fp16(s));
  memset(y, 0, sizeof(y));
  EXPECT(run(s, x, y) == ETCH_OK);
  for (int i = 0; i < 16; ++i) {
    EXPECT(y[i] == 2.0f * x[i]);
  }
  EXPECT(etch_cl_set_arg_buffer(s, 1, 0, 0) == ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(etch_cl_last_error(), "kernel: index 1 of 1"));
  EXPECT(etch_cl_set_arg_buffer(s, 0, 0, 4) == ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(strstr(etch_cl_last_error(), "buffer slot: index 4 of 4"));
  EXPECT(etch_cl_set_arg_buffer(s, 0, 7, 0) == ETCH_ERR_DEVICE);
  EXPECT(strstr(etch_cl_last_error(), "binding argument 7 of kernel twice"));
  EXPECT(strstr(etch_cl_last_error(), "CL_INVALID_ARG_INDEX"));
  EXPECT(etch_cl_write_input(s, 1, x) == ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(etch_cl_read_output(s, 1, y) == ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(etch_cl_enqueue(s, 0, 4, 16, 1, 1, 0, 0, 0) ==
         ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(etch_cl_enqueue(s, 2, 1, 16, 1, 1, 0, 0, 0) ==
         ETCH_ERR_INVALID_ARGUMENT);
  /* A work-group that does not divide the NDRange: the device's error. */
  EXPECT(etch_cl_enqueue(s, 0, 1, 16, 1, 1, 5, 1, 1) == ETCH_ERR_DEVICE);
  EXPECT(strstr(etch_cl_last_error(), "launching kernel twice failed"));
  etch_cl_release(s);
  EXPECT(etch_cl_enqueue(NULL, 0, 1, 16, 1, 1, 0, 0, 0) ==
         ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(etch_cl_finish(NULL) == ETCH_ERR_INVALID_ARGUMENT);
  EXPECT(etch_cl_set_arg_buffer(NULL, 0, 0, 0) == ETCH_ERR_INVALID_ARGUMENT);

  /* fp16 with and without the fp32 fallback. */
  s = NULL;
  captured[0] = '\0';
  p = program(kHalfSource, kSource, 1);
  EXPECT(etch_cl_init(&p, NULL, &s) == ETCH_OK);
  int fp16 = etch_cl_uses_fp16(s);
  if (!fp16) {
    EXPECT(strstr(captured, "falling back to the fp32 program"));
  }
  memset(y, 0, sizeof(y));
  EXPECT(run(s, x, y) == ETCH_OK);
  for (int i = 0; i < 16; ++i) {
    EXPECT(y[i] == 2.0f * x[i]);
  }
  etch_cl_release(s);
  s = NULL;
  p = program(kHalfSource, NULL, 1);
  etch_status_t st = etch_cl_init(&p, NULL, &s);
  EXPECT(fp16 ? st == ETCH_OK : (st == ETCH_ERR_UNSUPPORTED && s == NULL));
  etch_cl_release(s);
  printf("ok (fp16 %s)\n", fp16 ? "native" : "fallback");
  return 0;
}
