/* bench_harness.c - times one etch-compiled model through its etch_model_t.
 *
 * Build: cc -O2 -std=c11 -I<runtime/include> -DETCH_MODEL_SYM=<name>_model
 *           bench_harness.c <name>.o -o bench
 * Run:   ./bench WARMUP RUNS in0.bin [in1.bin ...] [-- out0.bin ...]
 * Prints one JSON object: {"runs": N, "median_ms": ..., "min_ms": ..., "p90_ms": ...,
 * "median_cpu_ms": ..., "min_cpu_ms": ...} (wall and thread CPU time per run).
 * With `-- out0.bin ...`, writes the last run's outputs there (raw bytes), so
 * run_bench.py can check them against ONNX Runtime.
 * Inputs are raw little-endian tensors in graph order (the same files fed to
 * ONNX Runtime by run_bench.py), so both engines see identical data. */
#define _POSIX_C_SOURCE 200809L
#include "etch/etch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ETCH_MODEL_SYM
#error "define ETCH_MODEL_SYM to the model's <name>_model symbol"
#endif
extern const etch_model_t ETCH_MODEL_SYM;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

/* CPU time of this thread: on a shared, loaded machine the wall time of a
 * pinned run includes the time other processes held the core, its CPU time
 * does not (cache and memory contention still count). */
static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static size_t num_bytes(const etch_tensor_desc_t *d) {
  size_t n = etch_dtype_size(d->dtype);
  for (int32_t i = 0; i < d->rank; ++i) {
    n *= (size_t)d->shape[i];
  }
  return n;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void *alloc_aligned(size_t size, size_t align) {
  if (align < sizeof(void *)) {
    align = sizeof(void *);
  }
  size_t rounded = (size + align - 1) / align * align;
  return aligned_alloc(align, rounded ? rounded : align);
}

int main(int argc, char **argv) {
  const etch_model_t *m = &ETCH_MODEL_SYM;
  int with_outputs = argc == 3 + m->num_inputs + 1 + m->num_outputs &&
                     strcmp(argv[3 + m->num_inputs], "--") == 0;
  if (argc != 3 + m->num_inputs && !with_outputs) {
    fprintf(stderr,
            "usage: %s WARMUP RUNS in0.bin ... [-- out0.bin ...] (%d inputs, "
            "%d outputs)\n",
            argv[0], m->num_inputs, m->num_outputs);
    return 2;
  }
  int warmup = atoi(argv[1]), runs = atoi(argv[2]);
  const void *inputs[16];
  void *outputs[16];
  if (m->num_inputs > 16 || m->num_outputs > 16 || runs < 1) {
    fprintf(stderr, "bad model or run count\n");
    return 2;
  }
  for (int i = 0; i < m->num_inputs; ++i) {
    size_t n = num_bytes(&m->inputs[i]);
    void *buf = alloc_aligned(n, 64);
    FILE *f = fopen(argv[3 + i], "rb");
    if (!f || fread(buf, 1, n, f) != n) {
      fprintf(stderr, "cannot read %zu bytes from %s\n", n, argv[3 + i]);
      return 2;
    }
    fclose(f);
    inputs[i] = buf;
  }
  for (int i = 0; i < m->num_outputs; ++i) {
    outputs[i] = alloc_aligned(num_bytes(&m->outputs[i]), 64);
  }
  void *arena = alloc_aligned(m->arena_size, m->arena_align);
  double *t = malloc(sizeof(double) * (size_t)runs);
  double *c = malloc(sizeof(double) * (size_t)runs);
  for (int i = 0; i < warmup + runs; ++i) {
    double c0 = cpu_ms();
    double t0 = now_ms();
    etch_status_t s = etch_model_run(m, inputs, outputs, arena);
    double t1 = now_ms();
    double c1 = cpu_ms();
    if (s != ETCH_OK) {
      fprintf(stderr, "run failed: %s\n", etch_status_string(s));
      return 1;
    }
    if (i >= warmup) {
      t[i - warmup] = t1 - t0;
      c[i - warmup] = c1 - c0;
    }
  }
  for (int i = 0; with_outputs && i < m->num_outputs; ++i) {
    const char *path = argv[3 + m->num_inputs + 1 + i];
    FILE *f = fopen(path, "wb");
    size_t n = num_bytes(&m->outputs[i]);
    if (!f || fwrite(outputs[i], 1, n, f) != n || fclose(f) != 0) {
      fprintf(stderr, "cannot write %s\n", path);
      return 2;
    }
  }
  qsort(t, (size_t)runs, sizeof(double), cmp_double);
  qsort(c, (size_t)runs, sizeof(double), cmp_double);
  printf("{\"runs\": %d, \"median_ms\": %.4f, \"min_ms\": %.4f, "
         "\"p90_ms\": %.4f, \"median_cpu_ms\": %.4f, \"min_cpu_ms\": %.4f, "
         "\"arena_bytes\": %zu}\n",
         runs, t[runs / 2], t[0], t[(runs * 9) / 10], c[runs / 2], c[0],
         m->arena_size);
  return 0;
}
