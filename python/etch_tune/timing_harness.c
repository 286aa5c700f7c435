/* Timing harness for etch-tune: runs one etch-compiled model repeatedly.
 *
 *   cc -std=c11 -O2 -I<runtime>/include -DETCH_MODEL_SYM=<name>_model \
 *      timing_harness.c <name>.o -o bench
 *   ./bench <warmup> <min_repeats> <min_time_us> <outputs.bin>
 *
 * Inputs are deterministic pseudo-random values (the same for every
 * candidate, so outputs can be compared with the baseline's). Prints
 * "output <index> <etch_dtype_t> <bytes>" per output, "inner <n>", then
 * one line "us <microseconds per run>" per timed sample of n runs, then writes every output, in graph
 * order, to <outputs.bin>. Exits non-zero if a run returns a status other
 * than ETCH_OK. Links with nothing but the C library. */
#define _POSIX_C_SOURCE 200809L
#include "etch/etch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ETCH_MODEL_SYM
#error "compile with -DETCH_MODEL_SYM=<name>_model"
#endif
extern const etch_model_t ETCH_MODEL_SYM;

static size_t dtype_size(etch_dtype_t t) {
  switch (t) {
  case ETCH_F32: case ETCH_I32: return 4;
  case ETCH_F16: case ETCH_BF16: case ETCH_I16: return 2;
  case ETCH_I8: case ETCH_U8: case ETCH_BOOL: return 1;
  case ETCH_F8E4M3FN: case ETCH_F8E4M3FNUZ: case ETCH_F8E5M2:
  case ETCH_F8E5M2FNUZ: case ETCH_F8E8M0: return 1;
  case ETCH_I64: return 8;
  default: return 8;
  }
}

static size_t num_bytes(const etch_tensor_desc_t *d) {
  size_t n = 1;
  for (int32_t i = 0; i < d->rank; ++i) {
    n *= (size_t)d->shape[i];
  }
  switch (d->dtype) { /* packed as etch.h says */
  case ETCH_I4: case ETCH_U4: case ETCH_F4E2M1: return (n + 1) / 2;
  case ETCH_I2: case ETCH_U2: return (n + 3) / 4;
  default: return n * dtype_size(d->dtype);
  }
}

static void fill(void *buf, const etch_tensor_desc_t *d, uint32_t seed) {
  size_t bytes = num_bytes(d);
  uint32_t s = seed * 2654435761u + 1u;
  if (d->dtype == ETCH_F32) {
    float *f = buf;
    for (size_t i = 0; i < bytes / 4; ++i) {
      s = s * 1664525u + 1013904223u;
      f[i] = (float)((s >> 8) & 0xFFFF) / 32768.0f - 1.0f;
    }
    return;
  }
  unsigned char *b = buf;
  for (size_t i = 0; i < bytes; ++i) {
    s = s * 1664525u + 1013904223u;
    b[i] = d->dtype == ETCH_BOOL ? (unsigned char)((s >> 16) & 1)
                                 : (unsigned char)((s >> 16) & 0x7);
  }
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s <warmup> <min_repeats> <min_time_us> <outputs.bin>\n",
            argv[0]);
    return 2;
  }
  const etch_model_t *m = &ETCH_MODEL_SYM;
  int warmup = atoi(argv[1]), repeats = atoi(argv[2]);
  double min_time = atof(argv[3]);
  const void *inputs[64];
  void *outputs[64];
  if (m->num_inputs > 64 || m->num_outputs > 64) {
    fprintf(stderr, "bench: too many inputs/outputs\n");
    return 2;
  }
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    void *p = malloc(num_bytes(&m->inputs[i]) + 1);
    fill(p, &m->inputs[i], (uint32_t)i + 1);
    inputs[i] = p;
  }
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    outputs[i] = calloc(1, num_bytes(&m->outputs[i]) + 1);
  }
  size_t align = m->arena_align < sizeof(void *) ? sizeof(void *) : m->arena_align;
  size_t arena_bytes = (m->arena_size + align - 1) / align * align;
  void *arena = aligned_alloc(align, arena_bytes ? arena_bytes : align);
  for (int i = 0; i < warmup; ++i) {
    if (m->run(inputs, outputs, arena) != ETCH_OK) {
      fprintf(stderr, "bench: run failed\n");
      return 1;
    }
  }
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    printf("output %d %d %zu\n", (int)i, (int)m->outputs[i].dtype,
           num_bytes(&m->outputs[i]));
  }
  /* Each sample times `inner` back-to-back runs, enough for ~200 us, so
   * the clock's resolution (1 us on some VMs) does not quantize small
   * layers; the printed time is per run. */
  double t_cal = now_us();
  if (m->run(inputs, outputs, arena) != ETCH_OK) {
    fprintf(stderr, "bench: run failed\n");
    return 1;
  }
  t_cal = now_us() - t_cal;
  int inner = t_cal >= 200.0 ? 1 : (int)(200.0 / (t_cal > 0.05 ? t_cal : 0.05)) + 1;
  printf("inner %d\n", inner);
  double total = 0;
  for (int i = 0; i < repeats || total < min_time; ++i) {
    double t0 = now_us();
    for (int k = 0; k < inner; ++k) {
      etch_status_t st = m->run(inputs, outputs, arena);
      if (st != ETCH_OK) {
        fprintf(stderr, "bench: run failed with status %d\n", (int)st);
        return 1;
      }
    }
    double dt = now_us() - t0;
    total += dt;
    printf("us %.4f\n", dt / inner);
    if (i > 100000) {
      break;
    }
  }
  FILE *f = fopen(argv[4], "wb");
  if (!f) {
    fprintf(stderr, "bench: cannot write %s\n", argv[4]);
    return 1;
  }
  for (int32_t i = 0; i < m->num_outputs; ++i) {
    fwrite(outputs[i], 1, num_bytes(&m->outputs[i]), f);
  }
  fclose(f);
  return 0;
}
