/*
 * etch_opencl.h - runtime of etch's OpenCL target (libetch_runtime_opencl.a,
 * C11, links -lOpenCL). An object compiled with --target=opencl holds one
 * etch_cl_program_t (kernel source, launch table, weights) and calls these
 * functions from its generated NAME_init / NAME_release / NAME_run.
 *
 *   cc app.c net.o -letch_runtime_opencl -letch_runtime -lOpenCL
 *
 * Device selection, in order: the `device` argument of NAME_init (or
 * etch_cl_init), else the ETCH_OPENCL_DEVICE environment variable, else the
 * first GPU of any platform, else the first device. A selector is "P:D"
 * (platform and device index) or a substring of the device name.
 *
 * The program is built once per init and reused by every run; with
 * ETCH_OPENCL_CACHE_DIR set, the built binary is also kept there (keyed by
 * source, options and device) and later processes load it instead of
 * compiling. The weights are
 * uploaded once; the arena is one device buffer that keeps every intermediate
 * for the whole run (inputs are written before the first kernel and outputs
 * read after the last; nothing else crosses to the host). Errors come back as
 * etch_status_t: ETCH_ERR_DEVICE for anything the OpenCL implementation
 * reports (no platform, a build failure, an enqueue error), with a message
 * and, for build failures, the build log passed to the log hook.
 */
#ifndef ETCH_ETCH_OPENCL_H
#define ETCH_ETCH_OPENCL_H

#include "etch/etch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ETCH_OPENCL_ABI_VERSION 1

/* One kernel launch. Kernel argument i is buffer slot args[i]: 0 the arena,
 * 1 the weights, 2.. the model's inputs then outputs. local[] all zero lets
 * the implementation pick the work-group size. */
typedef struct {
  const char *name;
  const uint32_t *args;
  uint32_t num_args;
  uint32_t work_dim;
  uint64_t global[3];
  uint64_t local[3];
} etch_cl_kernel_t;

/* A compiled model: written by etch-compile into the object, read-only. */
typedef struct {
  uint32_t abi_version; /* ETCH_OPENCL_ABI_VERSION */
  uint32_t num_kernels;
  const char *name;
  const char *source;        /* OpenCL C 1.2 */
  const char *build_options; /* passed to clBuildProgram */
  const etch_cl_kernel_t *kernels;
  const void *weights;
  uint64_t weights_size;
  uint64_t arena_size; /* device bytes */
  uint32_t num_inputs, num_outputs;
  const uint64_t *input_bytes, *output_bytes;
  uint32_t needs_fp16; /* the device must report cl_khr_fp16 */
  uint32_t reserved;
} etch_cl_program_t;

typedef struct etch_cl_state etch_cl_state_t;

/* Receives every error message and, after a failed build, the build log.
 * Default (NULL): messages go to stderr. */
typedef void (*etch_cl_log_fn)(void *user, const char *message);
void etch_cl_set_log_hook(etch_cl_log_fn fn, void *user);

/* The last error message of this thread's last failing call ("" if none). */
const char *etch_cl_last_error(void);

/* Selects the device, builds the program, creates the kernels and buffers and
 * uploads the weights. *state is released first if not NULL. On failure
 * *state is NULL and the status says why (ETCH_ERR_DEVICE: no platform or
 * device, build failure; ETCH_ERR_UNSUPPORTED: fp16 without cl_khr_fp16 or an
 * ABI mismatch; ETCH_ERR_INVALID_ARGUMENT: a selector that matches nothing). */
etch_status_t etch_cl_init(const etch_cl_program_t *program,
                           const char *device, etch_cl_state_t **state);

/* Runs the model: writes inputs, enqueues every kernel in order, reads the
 * outputs and waits. */
etch_status_t etch_cl_run(etch_cl_state_t *state, const void *const *inputs,
                          void *const *outputs);

/* The generated NAME_run: checks the tables (ETCH_ERR_INVALID_ARGUMENT for a
 * NULL table or entry), initializes *state with the default device if it is
 * NULL, then runs. */
etch_status_t etch_cl_model_run(const etch_cl_program_t *program,
                                etch_cl_state_t **state,
                                const void *const *inputs,
                                void *const *outputs);

/* Frees everything init created; NULL is a no-op. */
void etch_cl_release(etch_cl_state_t *state);

/* The selected device's name (for logs and tests); "" for NULL. */
const char *etch_cl_device_name(const etch_cl_state_t *state);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETCH_ETCH_OPENCL_H */
