/* A hand-written etch model, y = relu(x) for x: f32[2,3,4], used to test the
 * e2e harness and runner without etch-compile. It follows the ABI of
 * DESIGN.md the way generated code must: checks its arguments, returns a
 * status, and stages the result through its arena (so the harness's arena
 * poisoning and guard checks are exercised).
 *
 * Two defects can be compiled in, to prove the harness and runner catch them:
 * -DFAKE_RELU_SKIP_LAST leaves the last output element unwritten,
 * -DFAKE_RELU_OVERRUN writes one float past the arena. With
 * -DFAKE_RELU_PARALLEL it computes through etch_parallel_for, like a
 * multi-threaded object, and so needs libetch_runtime to link. */
#include "fake_relu.h"

#include <stdint.h>

#define N (2 * 3 * 4)

static const int64_t kShape[] = {2, 3, 4};
static const etch_tensor_desc_t kInputs[] = {
    {"x", ETCH_F32, 3, kShape, 0.0f, 0}};
static const etch_tensor_desc_t kOutputs[] = {
    {"y", ETCH_F32, 3, kShape, 0.0f, 0}};

struct relu_args {
  const float *x;
  float *y;
};

static void relu_range(void *ctx, int64_t begin, int64_t end) {
  const struct relu_args *a = ctx;
  for (int64_t i = begin; i < end; ++i) {
    a->y[i] = a->x[i] > 0.0f ? a->x[i] : 0.0f;
  }
}

static etch_status_t fake_relu_model_run(const void *const *inputs,
                                         void *const *outputs, void *arena) {
  if (!inputs || !outputs || !inputs[0] || !outputs[0] || !arena) {
    return ETCH_ERR_INVALID_ARGUMENT;
  }
  if ((uintptr_t)arena % FAKE_RELU_ARENA_ALIGN != 0) {
    return ETCH_ERR_ARENA_UNALIGNED;
  }
  const float *x = inputs[0];
  float *tmp = arena, *y = outputs[0];
#ifdef FAKE_RELU_PARALLEL
  struct relu_args args = {x, tmp};
  etch_parallel_for(N, relu_range, &args);
#else
  relu_range(&(struct relu_args){x, tmp}, 0, N);
#endif
#ifdef FAKE_RELU_OVERRUN
  tmp[FAKE_RELU_ARENA_SIZE / sizeof(float)] = 0.0f;
#endif
#ifdef FAKE_RELU_SKIP_LAST
  const int written = N - 1;
#else
  const int written = N;
#endif
  for (int i = 0; i < written; ++i) {
    y[i] = tmp[i];
  }
  return ETCH_OK;
}

const etch_model_t fake_relu_model = {
    ETCH_ABI_VERSION, "fake_relu", 1, 1, kInputs, kOutputs,
    FAKE_RELU_ARENA_SIZE, FAKE_RELU_ARENA_ALIGN, fake_relu_model_run, 1};

etch_status_t fake_relu_run(const float *x, float *y, void *arena) {
  const void *ins[] = {x};
  void *outs[] = {y};
  return fake_relu_model_run(ins, outs, arena);
}
