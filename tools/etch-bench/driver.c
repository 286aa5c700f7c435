/* etch-bench's run driver: times one model compiled with `etch-compile
 * --profile` and prints its per-layer profile as one JSON object.
 *
 * Build (etch-bench does this):
 *   cc -O2 -std=gnu11 -march=native -I<runtime/include> -DETCH_MODEL_SYM=<name>_model
 *      driver.c <name>.o libetch_runtime.a -o bench
 * Run:   ./bench WARMUP RUNS THREADS PROBE_PEAK(0|1)
 * Inputs are generated (floats uniform in [-1, 1), integers and bools 0), so
 * any model runs without data files. */
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

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- Single-core fp32 FMA peak: independent FMA chains held in registers
 * on the widest vector the compiler targets (12 chains hide the FMA latency
 * on current x86 and Arm cores). Best of many sub-millisecond trials, so
 * that on a busy machine some trial runs without being preempted. */
#if defined(__AVX512F__)
#define PEAK_W 16
#elif defined(__AVX__)
#define PEAK_W 8
#else
#define PEAK_W 4
#endif
typedef float peak_vf __attribute__((vector_size(PEAK_W * 4)));
/* Keeps each chain in a vector register and opaque to the optimizer. */
#if defined(__x86_64__) || defined(__i386__)
#define PEAK_KEEP(v) __asm__ volatile("" : "+v"(v))
#elif defined(__aarch64__) || defined(__arm__)
#define PEAK_KEEP(v) __asm__ volatile("" : "+w"(v))
#else
#define PEAK_KEEP(v) ((void)0)
#endif

static double peak_gflops(void) {
  const long iters = 200 * 1000;
  double best = 0;
  peak_vf a, b;
  for (int i = 0; i < PEAK_W; ++i) {
    a[i] = 0.999999f;
    b[i] = 1e-7f;
  }
  for (int trial = 0; trial < 200; ++trial) {
    peak_vf c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6;
    peak_vf c6 = b * 7, c7 = b * 8, c8 = b * 9, c9 = b * 10, c10 = b * 11,
            c11 = b * 12;
    double t0 = now_s();
    for (long i = 0; i < iters; ++i) {
      c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b;
      c4 = c4 * a + b; c5 = c5 * a + b; c6 = c6 * a + b; c7 = c7 * a + b;
      c8 = c8 * a + b; c9 = c9 * a + b; c10 = c10 * a + b; c11 = c11 * a + b;
      PEAK_KEEP(c0); PEAK_KEEP(c1); PEAK_KEEP(c2); PEAK_KEEP(c3);
      PEAK_KEEP(c4); PEAK_KEEP(c5); PEAK_KEEP(c6); PEAK_KEEP(c7);
      PEAK_KEEP(c8); PEAK_KEEP(c9); PEAK_KEEP(c10); PEAK_KEEP(c11);
    }
    double dt = now_s() - t0;
    double gflops = 2.0 * PEAK_W * 12 * (double)iters / dt / 1e9;
    if (gflops > best) {
      best = gflops;
    }
    peak_vf s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    if (s[0] == 12345.0f) { /* keeps the chains alive */
      best += 1e-9;
    }
  }
  return best;
}

static size_t num_bytes(const etch_tensor_desc_t *d) {
  size_t n = 1;
  for (int32_t i = 0; i < d->rank; ++i) {
    n *= (size_t)d->shape[i];
  }
  return (n * etch_dtype_bits(d->dtype) + 7) / 8; /* int4, int2: packed */
}

static void *alloc_aligned(size_t size, size_t align) {
  if (align < 64) {
    align = 64;
  }
  size_t rounded = (size + align - 1) / align * align;
  void *p = aligned_alloc(align, rounded ? rounded : align);
  if (p) {
    memset(p, 0, rounded ? rounded : align);
  }
  return p;
}

static void fill_input(const etch_tensor_desc_t *d, void *buf) {
  size_t elems = num_bytes(d) / (etch_dtype_size(d->dtype) ? etch_dtype_size(d->dtype) : 1);
  uint32_t state = 12345u;
  if (d->dtype == ETCH_F32) {
    float *f = (float *)buf;
    for (size_t i = 0; i < elems; ++i) {
      state = state * 1664525u + 1013904223u;
      f[i] = (float)(state >> 8) / 16777216.0f * 2.0f - 1.0f;
    }
  } else if (d->dtype == ETCH_F64) {
    double *f = (double *)buf;
    for (size_t i = 0; i < elems; ++i) {
      state = state * 1664525u + 1013904223u;
      f[i] = (double)(state >> 8) / 16777216.0 * 2.0 - 1.0;
    }
  }
  /* Other types stay zero: a valid index, length or flag for most models. */
}

static void print_json_string(const char *s) {
  putchar('"');
  for (; s && *s; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      printf("\\%c", c);
    } else if (c < 0x20) {
      printf("\\u%04x", c);
    } else {
      putchar(c);
    }
  }
  putchar('"');
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const etch_model_t *m = &ETCH_MODEL_SYM;
  if (argc != 5) {
    fprintf(stderr, "usage: %s WARMUP RUNS THREADS PROBE_PEAK\n", argv[0]);
    return 2;
  }
  int warmup = atoi(argv[1]), runs = atoi(argv[2]), threads = atoi(argv[3]);
  int probe = atoi(argv[4]);
  if (runs < 1 || warmup < 0 || threads < 1) {
    fprintf(stderr, "bad run or thread count\n");
    return 2;
  }
  etch_set_num_threads(threads);
  const void **inputs = calloc((size_t)m->num_inputs + 1, sizeof(void *));
  void **outputs = calloc((size_t)m->num_outputs + 1, sizeof(void *));
  for (int i = 0; i < m->num_inputs; ++i) {
    void *buf = alloc_aligned(num_bytes(&m->inputs[i]), 64);
    fill_input(&m->inputs[i], buf);
    inputs[i] = buf;
  }
  for (int i = 0; i < m->num_outputs; ++i) {
    outputs[i] = alloc_aligned(num_bytes(&m->outputs[i]), 64);
  }
  void *arena = alloc_aligned(m->arena_size, m->arena_align);
  double *wall = malloc(sizeof(double) * (size_t)runs);
  etch_profile_t *profile = NULL;
  /* Per timed run: the body's time and each layer's (deltas of the
   * profile's sums). */
  int32_t layers = 0;
  uint64_t *prev = NULL, *per_run = NULL, *body = NULL;
  for (int i = 0; i < warmup + runs; ++i) {
    double t0 = now_s();
    etch_status_t s = etch_model_run(m, inputs, outputs, arena);
    double t1 = now_s();
    if (s != ETCH_OK) {
      fprintf(stderr, "run failed: %s\n", etch_status_string(s));
      return 1;
    }
    if (!profile) {
      profile = etch_profile_find(m->name);
      if (!profile) {
        fprintf(stderr,
                "model '%s' has no profile: compile it with --profile\n",
                m->name);
        return 1;
      }
      layers = profile->num_layers;
      prev = calloc((size_t)layers + 1, sizeof(uint64_t));
      per_run = calloc((size_t)runs * ((size_t)layers + 1), sizeof(uint64_t));
      body = calloc((size_t)runs, sizeof(uint64_t));
    }
    if (i >= warmup) {
      int r = i - warmup;
      wall[r] = (t1 - t0) * 1e3;
      body[r] = profile->total_ns - prev[layers];
      for (int32_t l = 0; l < layers; ++l) {
        per_run[(size_t)r * (size_t)layers + (size_t)l] =
            profile->layer_ns[l] - prev[l];
      }
    }
    for (int32_t l = 0; l < layers; ++l) {
      prev[l] = profile->layer_ns[l];
    }
    prev[layers] = profile->total_ns;
  }
  /* A run that the OS interrupted inflates whichever layer was running: the
   * reported times are means over the faster half of the runs (by the
   * body's time), so that the layers still add up to the total. */
  double *sorted_body = malloc(sizeof(double) * (size_t)runs);
  for (int r = 0; r < runs; ++r) {
    sorted_body[r] = (double)body[r];
  }
  qsort(sorted_body, (size_t)runs, sizeof(double), cmp_double);
  double cutoff = sorted_body[(runs - 1) / 2];
  int kept = 0;
  double kept_body = 0;
  double *layer_mean = calloc((size_t)layers + 1, sizeof(double));
  for (int r = 0; r < runs; ++r) {
    if ((double)body[r] > cutoff) {
      continue;
    }
    ++kept;
    kept_body += (double)body[r];
    for (int32_t l = 0; l < layers; ++l) {
      layer_mean[l] += (double)per_run[(size_t)r * (size_t)layers + (size_t)l];
    }
  }
  kept_body /= kept;
  for (int32_t l = 0; l < layers; ++l) {
    layer_mean[l] /= kept;
  }
  qsort(wall, (size_t)runs, sizeof(double), cmp_double);
  double mean = 0;
  for (int i = 0; i < runs; ++i) {
    mean += wall[i] / runs;
  }
  printf("{\"model\": ");
  print_json_string(m->name);
  printf(", \"runs\": %d, \"warmup\": %d, \"threads\": %d, "
         "\"threads_used\": %d, \"wall_median_ms\": %.6f, \"wall_min_ms\": %.6f, "
         "\"wall_mean_ms\": %.6f, \"arena_bytes\": %zu, "
         "\"kept_runs\": %d, \"body_ns\": %.1f",
         runs, warmup, threads, etch_get_num_threads(), wall[runs / 2],
         wall[0], mean, m->arena_size, kept, kept_body);
  if (probe) {
    printf(", \"peak_gflops_1core\": %.3f", peak_gflops());
  }
  printf(", \"layers\": [");
  for (int32_t i = 0; i < layers; ++i) {
    const etch_profile_layer_t *l = &profile->layers[i];
    printf("%s\n  {\"name\": ", i ? "," : "");
    print_json_string(l->name);
    printf(", \"op\": ");
    print_json_string(l->op);
    printf(", \"fused\": ");
    print_json_string(l->fused);
    printf(", \"flops\": %llu, \"ns\": %.1f}", (unsigned long long)l->flops,
           layer_mean[i]);
  }
  printf("]}\n");
  return 0;
}
