/*
 * etch_opencl.h - runtime of etch's OpenCL target (libetch_runtime_opencl.a,
 * C11, links -lOpenCL). An object compiled with --target=opencl holds one
 * etch_cl_program_t (kernel sources, kernel names, weights, buffer sizes) and
 * the generated host code that runs the model: NAME_init calls etch_cl_init
 * and binds every kernel argument (etch_cl_set_arg_buffer); NAME_run writes
 * the inputs (etch_cl_write_input), enqueues each kernel with its NDRange
 * (etch_cl_enqueue), reads the outputs (etch_cl_read_output) and waits
 * (etch_cl_finish), returning the first failing status. The launch sequence
 * is code in the object; this library only owns the device state.
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
 * compiling. The weights are uploaded once; the arena is one device buffer
 * that keeps every intermediate for the whole run (inputs are written before
 * the first kernel and outputs read after the last; nothing else crosses to
 * the host). Errors come back as etch_status_t: ETCH_ERR_DEVICE for anything
 * the OpenCL implementation reports (no platform, a build failure, an
 * enqueue error), with a message and, for build failures, the build log
 * passed to the log hook.
 *
 * fp16 (--opencl-fp16): `source` computes in half and needs cl_khr_fp16.
 * When the device does not report it, init builds `fp32_source` (the same
 * kernels, names and arguments in float) instead and says so through the log
 * hook; etch_cl_uses_fp16 tells which one runs.
 */
#ifndef ETCH_ETCH_OPENCL_H
#define ETCH_ETCH_OPENCL_H

#include "etch/etch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ETCH_OPENCL_ABI_VERSION 2

/* Buffer slots a kernel argument is bound to: the arena, the weights, then
 * the model's inputs and outputs in order. */
enum { ETCH_CL_SLOT_ARENA = 0, ETCH_CL_SLOT_WEIGHTS = 1, ETCH_CL_SLOT_IO = 2 };

/* A compiled model: written by etch-compile into the object, read-only. */
typedef struct {
  uint32_t abi_version; /* ETCH_OPENCL_ABI_VERSION */
  uint32_t num_kernels;
  const char *name;
  const char *source;        /* OpenCL C 1.2 */
  const char *fp32_source;   /* with needs_fp16: the fallback, else NULL */
  const char *build_options; /* passed to clBuildProgram */
  const char *const *kernel_names; /* num_kernels entries */
  const void *weights;
  uint64_t weights_size;
  uint64_t arena_size; /* device bytes */
  uint32_t num_inputs, num_outputs;
  const uint64_t *input_bytes, *output_bytes;
  uint32_t needs_fp16; /* `source` needs cl_khr_fp16 */
  uint32_t reserved;
} etch_cl_program_t;

typedef struct etch_cl_state etch_cl_state_t;

/* Receives every error message, the fp16 fallback notice and, after a failed
 * build, the build log. Default (NULL): messages go to stderr. */
typedef void (*etch_cl_log_fn)(void *user, const char *message);
void etch_cl_set_log_hook(etch_cl_log_fn fn, void *user);

/* The last error message of this thread's last failing call ("" if none). */
const char *etch_cl_last_error(void);

/* Selects the device, builds the program (the fp32 fallback when fp16 is
 * needed and missing), creates the kernels and buffers and uploads the
 * weights. *state is released first if not NULL. On failure *state is NULL
 * and the status says why (ETCH_ERR_DEVICE: no platform or device, build
 * failure; ETCH_ERR_UNSUPPORTED: fp16 without cl_khr_fp16 and no fallback, or
 * an ABI mismatch; ETCH_ERR_INVALID_ARGUMENT: a NULL argument, a program
 * without a name, a source or one of the tables its counts need, or a
 * selector that matches nothing). A failure leaves no OpenCL object and no
 * host memory behind, and etch_cl_last_error() names the failing call. */
etch_status_t etch_cl_init(const etch_cl_program_t *program,
                           const char *device, etch_cl_state_t **state);

/* Binds argument `arg` of kernel `kernel` to buffer `slot` (ETCH_CL_SLOT_*).
 * Bindings last until release. ETCH_ERR_INVALID_ARGUMENT for an index out of
 * range. */
etch_status_t etch_cl_set_arg_buffer(etch_cl_state_t *state, uint32_t kernel,
                                     uint32_t arg, uint32_t slot);

/* Enqueues the copy of input `index` (input_bytes[index] bytes from `data`)
 * into its device buffer. `data` must stay valid until etch_cl_finish.
 * ETCH_ERR_INVALID_ARGUMENT for a NULL state, NULL `data` (for a non-empty
 * input) or an index out of range. */
etch_status_t etch_cl_write_input(etch_cl_state_t *state, uint32_t index,
                                  const void *data);

/* Enqueues kernel `kernel` over a `work_dim`-D NDRange of `global` sizes, in
 * work-groups of `local` sizes (all zero: the implementation picks). */
etch_status_t etch_cl_enqueue(etch_cl_state_t *state, uint32_t kernel,
                              uint32_t work_dim, uint64_t global0,
                              uint64_t global1, uint64_t global2,
                              uint64_t local0, uint64_t local1,
                              uint64_t local2);

/* Enqueues the copy of output `index` into `data`, valid after
 * etch_cl_finish. ETCH_ERR_INVALID_ARGUMENT for a NULL state, NULL `data`
 * (for a non-empty output) or an index out of range. */
etch_status_t etch_cl_read_output(etch_cl_state_t *state, uint32_t index,
                                  void *data);

/* Waits for everything enqueued. */
etch_status_t etch_cl_finish(etch_cl_state_t *state);

/* Frees everything init created; NULL is a no-op. */
void etch_cl_release(etch_cl_state_t *state);

/* The selected device's name (for logs and tests); "" for NULL. */
const char *etch_cl_device_name(const etch_cl_state_t *state);

/* 1 if the fp16 program runs, 0 for an fp32 one (including the fallback). */
int etch_cl_uses_fp16(const etch_cl_state_t *state);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETCH_ETCH_OPENCL_H */
