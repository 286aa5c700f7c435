/*
 * etch.h - the one C ABI shared by etch-generated model objects and the etch
 * runtime (C11, freestanding-friendly: needs only <stddef.h> and <stdint.h>).
 *
 * A compiled model `<name>.o` defines `const etch_model_t <name>_model;` and the
 * generated `<name>.h` declares it together with a typed `<name>_run(...)`
 * wrapper and `<NAME>_ARENA_SIZE` / `<NAME>_ARENA_ALIGN`.
 *
 * Linking (see runtime/CMakeLists.txt):
 *   - A single-threaded CPU model object needs nothing but the C library.
 *   - libetch_runtime.a: etch_status_string, etch_dtype_size, etch_model_run,
 *     on hosts the etch_profile_* functions (objects built with --profile), and
 *     a *weak* serial etch_parallel_for / etch_parallel_for_tid /
 *     etch_set_num_threads / etch_get_num_threads. It needs no threads, no
 *     malloc and no OS, so it links on bare-metal targets and in
 *     single-threaded programs (an object compiled with --threads > 1 then
 *     runs on one thread).
 *   - libetch_runtime_threads.a (POSIX targets only): a pthread thread pool that
 *     provides *strong* definitions of the four threading functions. Link it
 *     BEFORE libetch_runtime.a, then -lpthread:
 *         cc app.c model.o -letch_runtime_threads -letch_runtime -lpthread
 *     (CMake: target_link_libraries(app etch::etch_runtime_threads) does this.)
 *     If the threads archive is left out, or listed after libetch_runtime.a, the
 *     weak serial fallback is used and etch_get_num_threads() returns 1.
 */
#ifndef ETCH_ETCH_H
#define ETCH_ETCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2: etch_model_t gained max_threads; generated multi-threaded code calls
 * etch_parallel_for_tid. */
#define ETCH_ABI_VERSION 2

typedef enum {
  ETCH_OK = 0,
  ETCH_ERR_INVALID_ARGUMENT,
  ETCH_ERR_ARENA_TOO_SMALL,
  ETCH_ERR_ARENA_UNALIGNED,
  ETCH_ERR_DEVICE,
  ETCH_ERR_UNSUPPORTED
} etch_status_t;

typedef enum {
  ETCH_F32,
  ETCH_F16,
  ETCH_BF16,
  ETCH_I8,
  ETCH_U8,
  ETCH_I16,
  ETCH_I32,
  ETCH_I64,
  ETCH_BOOL,
  /* Added after ABI version 1's first nine; existing values are unchanged. */
  ETCH_F64,
  ETCH_U16,
  ETCH_U32,
  ETCH_U64,
  /* ONNX's float8 types: one byte per element holding the format's bits. */
  ETCH_F8E4M3FN,
  ETCH_F8E4M3FNUZ,
  ETCH_F8E5M2,
  ETCH_F8E5M2FNUZ,
  ETCH_F8E8M0,
  /* Sub-byte types, packed as ONNX packs them: int4, uint4 and float4e2m1
   * two per byte, int2 and uint2 four per byte, the first element in the
   * lowest bits, the last byte padded with zeros (etch_dtype_bits). */
  ETCH_I4,
  ETCH_U4,
  ETCH_F4E2M1,
  ETCH_I2,
  ETCH_U2
} etch_dtype_t;

typedef struct {
  const char *name;
  etch_dtype_t dtype;
  int32_t rank;
  const int64_t *shape;
  float scale;        /* for quantized tensors */
  int32_t zero_point; /* for quantized tensors */
} etch_tensor_desc_t;

typedef struct etch_model {
  uint32_t abi_version; /* ETCH_ABI_VERSION of the compiler that wrote it */
  const char *name;
  int32_t num_inputs, num_outputs;
  const etch_tensor_desc_t *inputs, *outputs;
  size_t arena_size, arena_align;
  /* Inputs/outputs are dense, row-major, in ONNX graph order, never aliased
   * with the arena. Checks its own arguments and returns a status; never
   * aborts. */
  etch_status_t (*run)(const void *const *inputs, void *const *outputs,
                       void *arena);
  /* Most threads `run` splits its work over (etch-compile --threads; 1: it
   * calls no etch_parallel_* function). The arena holds one copy of each
   * layer's per-thread scratch for each of them. */
  int32_t max_threads;
} etch_model_t;

/* A static, human-readable name for `status` ("ETCH_OK", ...); never NULL.
 * Unknown values give "ETCH_ERR_UNKNOWN". */
const char *etch_status_string(etch_status_t status);

/* Size in bytes of one element of `dtype` (ETCH_BOOL is 1 byte); 0 for an
 * unknown value and for the packed sub-byte dtypes (see etch_dtype_bits). */
size_t etch_dtype_size(etch_dtype_t dtype);

/* Bits per element of `dtype` (4 for ETCH_I4, 2 for ETCH_I2, 8 for
 * ETCH_BOOL); 0 for an unknown value. A tensor of n elements takes
 * (n * bits + 7) / 8 bytes. */
size_t etch_dtype_bits(etch_dtype_t dtype);

/* Runs `model` after checking what the caller can get wrong:
 *   ETCH_ERR_INVALID_ARGUMENT  model, model->run, inputs/outputs (when the
 *                              model has any) or one of their entries is NULL;
 *                              arena is NULL while arena_size > 0
 *   ETCH_ERR_UNSUPPORTED       model->abi_version != ETCH_ABI_VERSION
 *   ETCH_ERR_ARENA_UNALIGNED   arena is not a multiple of model->arena_align
 * and otherwise returns model->run(inputs, outputs, arena). The arena must
 * hold model->arena_size bytes; its size cannot be checked from a pointer. */
etch_status_t etch_model_run(const etch_model_t *model,
                             const void *const *inputs, void *const *outputs,
                             void *arena);

/* etch_model_run for callers that know their arena's size: also returns
 *   ETCH_ERR_ARENA_TOO_SMALL   arena_bytes < model->arena_size
 * before running anything. */
etch_status_t etch_model_run_sized(const etch_model_t *model,
                                   const void *const *inputs,
                                   void *const *outputs, void *arena,
                                   size_t arena_bytes);

/* Calls fn(ctx, begin, end) over disjoint ranges [begin, end) that together
 * cover [0, n) exactly once, and returns when all calls have returned. n <= 0
 * calls nothing. Ranges may run concurrently on different threads, in any
 * order; fn must not assume a range size. A call made from inside fn (nested
 * parallelism) or while another thread's call is in flight runs serially on
 * the calling thread. Generated multi-threaded code calls this. */
void etch_parallel_for(int64_t n,
                       void (*fn)(void *ctx, int64_t begin, int64_t end),
                       void *ctx);

/* Like etch_parallel_for, and also passes fn the index `tid` of the thread
 * running the range: 0 <= tid < max_threads, and no two ranges of one call
 * that run at the same time share a tid (generated code keeps per-thread
 * scratch at tid). At most max_threads (and at most etch_get_num_threads())
 * threads take part; max_threads <= 1 runs everything on the calling thread
 * with tid 0.
 * A nested call also runs serially, with tid 0. Generated multi-threaded
 * code calls this with max_threads = its model's max_threads. */
void etch_parallel_for_tid(int64_t n,
                           void (*fn)(void *ctx, int64_t begin, int64_t end,
                                      int32_t tid),
                           void *ctx, int32_t max_threads);

/* Sets the number of threads etch_parallel_for uses (the caller counts as
 * one). n <= 0 restores the default: the ETCH_NUM_THREADS environment
 * variable if it is a positive integer, else the number of online CPUs.
 * Takes effect at the next etch_parallel_for call (the pool is resized then);
 * safe to call from any thread. The serial fallback ignores it. */
void etch_set_num_threads(int n);

/* The number of threads etch_parallel_for uses now (1 in the serial
 * fallback). */
int etch_get_num_threads(void);

/* ---- Per-layer profile (objects compiled with `etch-compile --profile`) ----
 * Such an object times each layer (the loop nests of one ONNX node, named
 * after the costliest node fused into them) and keeps the sums in its own
 * etch_profile_t, which it registers with the runtime on its first run.
 * Profiling is a host feature: the clock is in libetch_runtime.a built for an
 * OS (clock_gettime(CLOCK_MONOTONIC)); bare-metal targets reject --profile.
 * The generated header declares `const etch_profile_t *<name>_profile(void)`.
 * Counters are plain (not atomic): do not run one profiled model from two
 * threads at once. Objects built without --profile reference none of this.
 * It adds no field to etch_model_t: objects without --profile are unchanged. */
typedef struct etch_profile_layer {
  const char *name; /* ONNX node name of the layer's root op */
  const char *op;   /* its ONNX op (the etch graph op's name, e.g. "conv") */
  uint64_t flops;   /* floating-point ops of one run from the linalg ops' static
                       loop ranges and payloads (a multiply-add counts 2),
                       fused nodes included; 0 when unknown */
  const char *fused; /* other ONNX nodes computed inside this layer's loops,
                        comma-separated ("" if none) */
} etch_profile_layer_t;

typedef struct etch_profile {
  const char *model;                 /* the model's --name */
  int32_t num_layers;
  const etch_profile_layer_t *layers; /* [num_layers], in execution order */
  uint64_t *layer_ns;                /* [num_layers]: summed over all runs */
  uint64_t runs;                     /* completed runs */
  uint64_t total_ns;                 /* whole model body, summed over runs */
  /* Private to the runtime. */
  uint64_t start_ns, last_ns;
  struct etch_profile *next;
  int32_t registered;
} etch_profile_t;

/* Monotonic clock in nanoseconds (CLOCK_MONOTONIC). */
uint64_t etch_profile_now_ns(void);

/* Called by profiled objects: at the start of a run (registers `p` on first
 * use), after each layer (its time since the previous mark goes to
 * `layer`), and at the end of a run. */
void etch_profile_begin(etch_profile_t *p);
void etch_profile_mark(etch_profile_t *p, int32_t layer);
void etch_profile_end(etch_profile_t *p);

/* The profile of the profiled model named `model` (its --name) once it has
 * run at least once; NULL before, or for an unknown name. */
etch_profile_t *etch_profile_find(const char *model);

/* Zeroes the sums and run count of `p` (e.g. after warm-up runs). */
void etch_profile_reset(etch_profile_t *p);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETCH_ETCH_H */
