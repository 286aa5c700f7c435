/*
 * etch_opencl.c - device selection, program build (and the fp32 fallback of
 * fp16 programs), buffers, weight upload and the small entry points the
 * generated host code of --target=opencl objects calls to bind arguments,
 * move inputs and outputs and enqueue kernels (see etch/etch_opencl.h).
 *
 * C11 on a hosted platform (malloc, getenv, stdio for the default log) with
 * the OpenCL 1.2 API from the ICD loader.
 */
#define CL_TARGET_OPENCL_VERSION 120
#include "etch/etch_opencl.h"

#include <CL/cl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct etch_cl_state {
  const etch_cl_program_t *program;
  const char *source; /* the program built: fp16 or fp32 */
  int fp16;
  cl_platform_id platform;
  cl_device_id device;
  cl_context context;
  cl_command_queue queue;
  cl_program cl_program;
  cl_kernel *kernels;
  cl_mem arena, weights;
  cl_mem *io; /* inputs then outputs */
  char device_name[256];
};

static etch_cl_log_fn log_fn;
static void *log_user;
static _Thread_local char last_error[1024];

void etch_cl_set_log_hook(etch_cl_log_fn fn, void *user) {
  log_fn = fn;
  log_user = user;
}

const char *etch_cl_last_error(void) { return last_error; }

static void emit(const char *message) {
  if (log_fn) {
    log_fn(log_user, message);
  } else {
    fprintf(stderr, "etch-opencl: %s\n", message);
  }
}

static etch_status_t fail(etch_status_t status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof(last_error), fmt, ap);
  va_end(ap);
  emit(last_error);
  return status;
}

static const char *cl_error_name(cl_int err) {
  switch (err) {
  case CL_DEVICE_NOT_FOUND:
    return "CL_DEVICE_NOT_FOUND";
  case CL_DEVICE_NOT_AVAILABLE:
    return "CL_DEVICE_NOT_AVAILABLE";
  case CL_MEM_OBJECT_ALLOCATION_FAILURE:
    return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
  case CL_OUT_OF_RESOURCES:
    return "CL_OUT_OF_RESOURCES";
  case CL_OUT_OF_HOST_MEMORY:
    return "CL_OUT_OF_HOST_MEMORY";
  case CL_BUILD_PROGRAM_FAILURE:
    return "CL_BUILD_PROGRAM_FAILURE";
  case CL_INVALID_VALUE:
    return "CL_INVALID_VALUE";
  case CL_INVALID_KERNEL_NAME:
    return "CL_INVALID_KERNEL_NAME";
  case CL_INVALID_KERNEL_ARGS:
    return "CL_INVALID_KERNEL_ARGS";
  case CL_INVALID_WORK_GROUP_SIZE:
    return "CL_INVALID_WORK_GROUP_SIZE";
  case CL_INVALID_WORK_ITEM_SIZE:
    return "CL_INVALID_WORK_ITEM_SIZE";
  case CL_INVALID_GLOBAL_WORK_SIZE:
    return "CL_INVALID_GLOBAL_WORK_SIZE";
  case CL_INVALID_BUFFER_SIZE:
    return "CL_INVALID_BUFFER_SIZE";
  case CL_INVALID_ARG_INDEX:
    return "CL_INVALID_ARG_INDEX";
  case CL_INVALID_ARG_VALUE:
    return "CL_INVALID_ARG_VALUE";
  case CL_INVALID_KERNEL:
    return "CL_INVALID_KERNEL";
  case CL_INVALID_PROGRAM_EXECUTABLE:
    return "CL_INVALID_PROGRAM_EXECUTABLE";
  case CL_INVALID_COMMAND_QUEUE:
    return "CL_INVALID_COMMAND_QUEUE";
  case -1001: /* CL_PLATFORM_NOT_FOUND_KHR */
    return "CL_PLATFORM_NOT_FOUND_KHR";
  default:
    return "an OpenCL error";
  }
}

#define CL_CHECK(call, what)                                                   \
  do {                                                                         \
    cl_int err_ = (call);                                                      \
    if (err_ != CL_SUCCESS) {                                                  \
      return fail(ETCH_ERR_DEVICE, "%s failed: %s (%d)", what,                 \
                  cl_error_name(err_), (int)err_);                             \
    }                                                                          \
  } while (0)

/* Parses "P:D"; returns 1 and sets *p, *d on success. */
static int parse_index_selector(const char *sel, cl_uint *p, cl_uint *d) {
  char *end = NULL;
  unsigned long pv = strtoul(sel, &end, 10);
  if (end == sel || *end != ':') {
    return 0;
  }
  const char *rest = end + 1;
  unsigned long dv = strtoul(rest, &end, 10);
  if (end == rest || *end != '\0') {
    return 0;
  }
  *p = (cl_uint)pv;
  *d = (cl_uint)dv;
  return 1;
}

static etch_status_t create_kernels(etch_cl_state_t *s);

static etch_status_t select_device(etch_cl_state_t *s, const char *selector) {
  cl_uint num_platforms = 0;
  cl_int err = clGetPlatformIDs(0, NULL, &num_platforms);
  if (err != CL_SUCCESS || num_platforms == 0) {
    return fail(ETCH_ERR_DEVICE,
                "no OpenCL platform found (clGetPlatformIDs: %s, %d); install "
                "an OpenCL driver or ICD (e.g. pocl-opencl-icd)",
                cl_error_name(err), (int)err);
  }
  cl_platform_id platforms[16];
  if (num_platforms > 16) {
    num_platforms = 16;
  }
  CL_CHECK(clGetPlatformIDs(num_platforms, platforms, NULL),
           "clGetPlatformIDs");
  cl_uint want_p = 0, want_d = 0;
  int by_index = selector && parse_index_selector(selector, &want_p, &want_d);
  int found = 0;
  cl_int devices_err = CL_SUCCESS; /* the last clGetDeviceIDs failure */
  /* Two passes without a selector: GPUs first, then anything. */
  for (int pass = 0; pass < 2 && !found; ++pass) {
    for (cl_uint p = 0; p < num_platforms && !found; ++p) {
      cl_device_id devices[16];
      cl_uint num_devices = 0;
      cl_int derr = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 16,
                                   devices, &num_devices);
      if (derr != CL_SUCCESS) {
        devices_err = derr;
        continue;
      }
      if (num_devices > 16) {
        num_devices = 16;
      }
      for (cl_uint d = 0; d < num_devices && !found; ++d) {
        char name[256] = "";
        cl_device_type type = 0;
        if (clGetDeviceInfo(devices[d], CL_DEVICE_NAME, sizeof(name), name,
                            NULL) != CL_SUCCESS) {
          snprintf(name, sizeof(name), "OpenCL device %u:%u", (unsigned)p,
                   (unsigned)d);
        }
        clGetDeviceInfo(devices[d], CL_DEVICE_TYPE, sizeof(type), &type,
                        NULL);
        int match;
        if (by_index) {
          match = p == want_p && d == want_d;
        } else if (selector) {
          match = strstr(name, selector) != NULL;
        } else {
          match = pass == 1 || (type & CL_DEVICE_TYPE_GPU);
        }
        if (match) {
          s->platform = platforms[p];
          s->device = devices[d];
          memcpy(s->device_name, name, sizeof(s->device_name));
          s->device_name[sizeof(s->device_name) - 1] = '\0';
          found = 1;
        }
      }
    }
    if (selector) {
      break;
    }
  }
  if (!found) {
    if (devices_err != CL_SUCCESS) {
      return fail(selector ? ETCH_ERR_INVALID_ARGUMENT : ETCH_ERR_DEVICE,
                  "no OpenCL device%s%s%s (clGetDeviceIDs failed: %s, %d)",
                  selector ? " matches '" : "", selector ? selector : "",
                  selector ? "'" : "", cl_error_name(devices_err),
                  (int)devices_err);
    }
    if (selector) {
      return fail(ETCH_ERR_INVALID_ARGUMENT,
                  "no OpenCL device matches '%s' (use \"P:D\" or a "
                  "substring of the device name)",
                  selector);
    }
    return fail(ETCH_ERR_DEVICE, "the OpenCL platforms have no device");
  }
  return ETCH_OK;
}

/* FNV-1a over the source, the build options and the device: the name of the
 * program's binary in $ETCH_OPENCL_CACHE_DIR. */
static uint64_t program_key(const etch_cl_state_t *s) {
  uint64_t h = 1469598103934665603ull;
  const char *parts[3] = {s->source, s->program->build_options, s->device_name};
  for (int p = 0; p < 3; ++p) {
    for (const char *c = parts[p] ? parts[p] : ""; *c; ++c) {
      h = (h ^ (unsigned char)*c) * 1099511628211ull;
    }
    h = (h ^ 0xFFu) * 1099511628211ull;
  }
  return h;
}

static int cache_path(const etch_cl_state_t *s, char *path, size_t size) {
  const char *dir = getenv("ETCH_OPENCL_CACHE_DIR");
  if (!dir || !*dir) {
    return 0;
  }
  int n = snprintf(path, size, "%s/etch-%s-%016llx.bin", dir,
                   s->program->name, (unsigned long long)program_key(s));
  return n > 0 && (size_t)n < size;
}

/* With $ETCH_OPENCL_CACHE_DIR, a binary an earlier process built: creates
 * the program from it. Any failure falls back to building from source. */
static int load_cached_binary(etch_cl_state_t *s, const char *options) {
  char path[1024];
  if (!cache_path(s, path, sizeof(path))) {
    return 0;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    return 0;
  }
  unsigned char *data = NULL;
  long size = 0;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size)) != NULL &&
      fread(data, 1, (size_t)size, f) != (size_t)size) {
    free(data);
    data = NULL;
  }
  fclose(f);
  if (!data) {
    return 0;
  }
  size_t length = (size_t)size;
  const unsigned char *binary = data;
  cl_int status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program program = clCreateProgramWithBinary(
      s->context, 1, &s->device, &length, &binary, &status, &err);
  free(data);
  if (err != CL_SUCCESS || status != CL_SUCCESS) {
    if (program) {
      clReleaseProgram(program);
    }
    return 0;
  }
  if (clBuildProgram(program, 1, &s->device, options, NULL, NULL) !=
      CL_SUCCESS) {
    clReleaseProgram(program);
    return 0;
  }
  s->cl_program = program;
  return 1;
}

static void store_cached_binary(etch_cl_state_t *s) {
  char path[1024], tmp[1100];
  size_t size = 0;
  if (!cache_path(s, path, sizeof(path)) ||
      clGetProgramInfo(s->cl_program, CL_PROGRAM_BINARY_SIZES, sizeof(size),
                       &size, NULL) != CL_SUCCESS ||
      size == 0) {
    return;
  }
  unsigned char *data = malloc(size);
  if (!data) {
    return;
  }
  if (clGetProgramInfo(s->cl_program, CL_PROGRAM_BINARIES, sizeof(data),
                       &data, NULL) == CL_SUCCESS) {
    /* Written aside and renamed: concurrent processes never read half a
     * file. */
    snprintf(tmp, sizeof(tmp), "%s.%p.tmp", path, (void *)s);
    FILE *f = fopen(tmp, "wb");
    if (f) {
      int ok = fwrite(data, 1, size, f) == size;
      ok &= fclose(f) == 0;
      if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
      }
    }
  }
  free(data);
}

static etch_status_t build_program(etch_cl_state_t *s) {
  const etch_cl_program_t *prog = s->program;
  cl_int err = CL_SUCCESS;
  const char *options = prog->build_options ? prog->build_options : "";
  if (load_cached_binary(s, options)) {
    return create_kernels(s);
  }
  const char *source = s->source;
  s->cl_program = clCreateProgramWithSource(s->context, 1, &source, NULL, &err);
  CL_CHECK(err, "clCreateProgramWithSource");
  err = clBuildProgram(s->cl_program, 1, &s->device, options, NULL, NULL);
  if (err != CL_SUCCESS) {
    size_t size = 0;
    clGetProgramBuildInfo(s->cl_program, s->device, CL_PROGRAM_BUILD_LOG, 0,
                          NULL, &size);
    char *log = malloc(size + 1);
    if (log) {
      log[0] = '\0';
      clGetProgramBuildInfo(s->cl_program, s->device, CL_PROGRAM_BUILD_LOG,
                            size, log, NULL);
      log[size] = '\0';
    }
    etch_status_t st =
        fail(ETCH_ERR_DEVICE,
             "building the OpenCL program of model '%s' for '%s' failed "
             "(clBuildProgram: %s, %d); the build log follows",
             prog->name, s->device_name, cl_error_name(err), (int)err);
    emit(log ? log : "(no build log)");
    free(log);
    return st;
  }
  store_cached_binary(s);
  return create_kernels(s);
}

static etch_status_t create_kernels(etch_cl_state_t *s) {
  const etch_cl_program_t *prog = s->program;
  cl_int err = CL_SUCCESS;
  s->kernels = calloc(prog->num_kernels ? prog->num_kernels : 1,
                      sizeof(cl_kernel));
  if (!s->kernels) {
    return fail(ETCH_ERR_DEVICE, "out of host memory (calloc)");
  }
  for (uint32_t k = 0; k < prog->num_kernels; ++k) {
    const char *name = prog->kernel_names[k]; /* checked by init */
    s->kernels[k] = clCreateKernel(s->cl_program, name, &err);
    if (err != CL_SUCCESS) {
      return fail(ETCH_ERR_DEVICE, "clCreateKernel(%s) failed: %s (%d)", name,
                  cl_error_name(err), (int)err);
    }
  }
  return ETCH_OK;
}

static cl_mem create_buffer(etch_cl_state_t *s, cl_mem_flags flags,
                            uint64_t bytes, cl_int *err) {
  /* OpenCL forbids empty buffers. */
  return clCreateBuffer(s->context, flags, bytes ? (size_t)bytes : 64, NULL,
                        err);
}

static etch_status_t create_buffers(etch_cl_state_t *s) {
  const etch_cl_program_t *prog = s->program;
  cl_int err = CL_SUCCESS;
  s->arena = create_buffer(s, CL_MEM_READ_WRITE, prog->arena_size, &err);
  CL_CHECK(err, "clCreateBuffer(arena)");
  s->weights = create_buffer(s, CL_MEM_READ_ONLY, prog->weights_size, &err);
  CL_CHECK(err, "clCreateBuffer(weights)");
  if (prog->weights_size > 0) {
    CL_CHECK(clEnqueueWriteBuffer(s->queue, s->weights, CL_TRUE, 0,
                                  (size_t)prog->weights_size, prog->weights, 0,
                                  NULL, NULL),
             "clEnqueueWriteBuffer(weights)");
  }
  uint32_t n = prog->num_inputs + prog->num_outputs;
  s->io = calloc(n ? n : 1, sizeof(cl_mem));
  if (!s->io) {
    return fail(ETCH_ERR_DEVICE, "out of host memory (calloc)");
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t bytes = i < prog->num_inputs
                         ? prog->input_bytes[i]
                         : prog->output_bytes[i - prog->num_inputs];
    s->io[i] = create_buffer(
        s, i < prog->num_inputs ? CL_MEM_READ_ONLY : CL_MEM_READ_WRITE, bytes,
        &err);
    CL_CHECK(err, "clCreateBuffer(input/output)");
  }
  return ETCH_OK;
}

void etch_cl_release(etch_cl_state_t *s) {
  if (!s) {
    return;
  }
  if (s->queue) {
    clFinish(s->queue);
  }
  if (s->kernels) {
    for (uint32_t k = 0; k < s->program->num_kernels; ++k) {
      if (s->kernels[k]) {
        clReleaseKernel(s->kernels[k]);
      }
    }
    free(s->kernels);
  }
  if (s->io) {
    for (uint32_t i = 0; i < s->program->num_inputs + s->program->num_outputs;
         ++i) {
      if (s->io[i]) {
        clReleaseMemObject(s->io[i]);
      }
    }
    free(s->io);
  }
  if (s->arena) {
    clReleaseMemObject(s->arena);
  }
  if (s->weights) {
    clReleaseMemObject(s->weights);
  }
  if (s->cl_program) {
    clReleaseProgram(s->cl_program);
  }
  if (s->queue) {
    clReleaseCommandQueue(s->queue);
  }
  if (s->context) {
    clReleaseContext(s->context);
  }
  free(s);
}

/* Whether the device's extension list holds `name` as a whole word. */
static int has_extension(const etch_cl_state_t *s, const char *name) {
  size_t size = 0;
  if (clGetDeviceInfo(s->device, CL_DEVICE_EXTENSIONS, 0, NULL, &size) !=
          CL_SUCCESS ||
      size == 0) {
    return 0;
  }
  char *ext = malloc(size + 1);
  if (!ext) {
    return 0;
  }
  int found = 0;
  if (clGetDeviceInfo(s->device, CL_DEVICE_EXTENSIONS, size, ext, NULL) ==
      CL_SUCCESS) {
    ext[size] = '\0';
    size_t n = strlen(name);
    for (const char *p = strstr(ext, name); p && !found;
         p = strstr(p + 1, name)) {
      found = (p == ext || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ');
    }
  }
  free(ext);
  return found;
}

/* The tables init and the entry points index: a program written by hand (or
 * damaged) gets a status instead of a NULL dereference. */
static etch_status_t check_program(const etch_cl_program_t *p) {
  const char *missing = !p->name                             ? "name"
                        : p->num_kernels && !p->kernel_names ? "kernel_names"
                        : p->num_inputs && !p->input_bytes   ? "input_bytes"
                        : p->num_outputs && !p->output_bytes ? "output_bytes"
                        : p->weights_size && !p->weights     ? "weights"
                        : !p->source && !p->fp32_source      ? "source"
                                                             : NULL;
  if (missing) {
    return fail(ETCH_ERR_INVALID_ARGUMENT,
                "etch_cl_init: the program has no %s", missing);
  }
  for (uint32_t k = 0; k < p->num_kernels; ++k) {
    if (!p->kernel_names[k]) {
      return fail(ETCH_ERR_INVALID_ARGUMENT,
                  "model '%s': kernel %u has no name", p->name, (unsigned)k);
    }
  }
  if ((uint64_t)p->num_inputs + p->num_outputs + ETCH_CL_SLOT_IO > UINT32_MAX) {
    return fail(ETCH_ERR_INVALID_ARGUMENT,
                "model '%s': %u inputs and %u outputs", p->name,
                (unsigned)p->num_inputs, (unsigned)p->num_outputs);
  }
  return ETCH_OK;
}

etch_status_t etch_cl_init(const etch_cl_program_t *program,
                           const char *device, etch_cl_state_t **state) {
  if (!program || !state) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "etch_cl_init: NULL argument");
  }
  etch_cl_release(*state);
  *state = NULL;
  if (program->abi_version != ETCH_OPENCL_ABI_VERSION) {
    return fail(ETCH_ERR_UNSUPPORTED,
                "model '%s' was compiled for OpenCL runtime ABI %u, this "
                "runtime is %u",
                program->name ? program->name : "?", program->abi_version,
                (unsigned)ETCH_OPENCL_ABI_VERSION);
  }
  etch_status_t st = check_program(program);
  if (st != ETCH_OK) {
    return st;
  }
  if (!device || !*device) {
    device = getenv("ETCH_OPENCL_DEVICE");
    if (device && !*device) {
      device = NULL;
    }
  }
  etch_cl_state_t *s = calloc(1, sizeof(*s));
  if (!s) {
    return fail(ETCH_ERR_DEVICE, "out of host memory (calloc)");
  }
  s->program = program;
  st = select_device(s, device);
  s->source = program->source;
  s->fp16 = program->needs_fp16 != 0;
  if (st == ETCH_OK && program->needs_fp16 &&
      !has_extension(s, "cl_khr_fp16")) {
    if (program->fp32_source) {
      char note[512];
      snprintf(note, sizeof(note),
               "model '%s' was compiled with --opencl-fp16 but '%s' does not "
               "report cl_khr_fp16: falling back to the fp32 program",
               program->name, s->device_name);
      emit(note);
      s->source = program->fp32_source;
      s->fp16 = 0;
    } else {
      st = fail(ETCH_ERR_UNSUPPORTED,
                "model '%s' computes in fp16 (--opencl-fp16) but '%s' does "
                "not report cl_khr_fp16",
                program->name, s->device_name);
    }
  }
  if (st == ETCH_OK && !s->source) {
    st = fail(ETCH_ERR_INVALID_ARGUMENT, "model '%s' has no program source",
              program->name);
  }
  if (st == ETCH_OK) {
    cl_int err = CL_SUCCESS;
    s->context = clCreateContext(NULL, 1, &s->device, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
      st = fail(ETCH_ERR_DEVICE, "clCreateContext failed: %s (%d)",
                cl_error_name(err), (int)err);
    } else {
      s->queue = clCreateCommandQueue(s->context, s->device, 0, &err);
      if (err != CL_SUCCESS) {
        st = fail(ETCH_ERR_DEVICE, "clCreateCommandQueue failed: %s (%d)",
                  cl_error_name(err), (int)err);
      }
    }
  }
  if (st == ETCH_OK) {
    st = build_program(s);
  }
  if (st == ETCH_OK) {
    st = create_buffers(s);
  }
  if (st != ETCH_OK) {
    etch_cl_release(s);
    return st;
  }
  last_error[0] = '\0';
  *state = s;
  return ETCH_OK;
}

/* NULL state or an index past `count`: a message naming `what`. */
static etch_status_t check_index(const etch_cl_state_t *s, uint32_t index,
                                 uint32_t count, const char *what) {
  if (!s) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "%s: no device state", what);
  }
  if (index >= count) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "%s: index %u of %u", what,
                (unsigned)index, (unsigned)count);
  }
  return ETCH_OK;
}

etch_status_t etch_cl_set_arg_buffer(etch_cl_state_t *s, uint32_t kernel,
                                     uint32_t arg, uint32_t slot) {
  etch_status_t st =
      check_index(s, kernel, s ? s->program->num_kernels : 0, "kernel");
  if (st != ETCH_OK) {
    return st;
  }
  const etch_cl_program_t *prog = s->program;
  uint32_t slots = ETCH_CL_SLOT_IO + prog->num_inputs + prog->num_outputs;
  if ((st = check_index(s, slot, slots, "buffer slot")) != ETCH_OK) {
    return st;
  }
  cl_mem mem = slot == ETCH_CL_SLOT_ARENA     ? s->arena
               : slot == ETCH_CL_SLOT_WEIGHTS ? s->weights
                                              : s->io[slot - ETCH_CL_SLOT_IO];
  cl_int err = clSetKernelArg(s->kernels[kernel], arg, sizeof(cl_mem), &mem);
  if (err != CL_SUCCESS) {
    return fail(ETCH_ERR_DEVICE,
                "binding argument %u of kernel %s failed (clSetKernelArg: "
                "%s, %d)",
                (unsigned)arg, prog->kernel_names[kernel], cl_error_name(err),
                (int)err);
  }
  return ETCH_OK;
}

etch_status_t etch_cl_write_input(etch_cl_state_t *s, uint32_t index,
                                  const void *data) {
  etch_status_t st =
      check_index(s, index, s ? s->program->num_inputs : 0, "input");
  if (st != ETCH_OK) {
    return st;
  }
  uint64_t bytes = s->program->input_bytes[index];
  if (bytes > 0 && !data) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "input %u: NULL data",
                (unsigned)index);
  }
  if (bytes > 0) {
    CL_CHECK(clEnqueueWriteBuffer(s->queue, s->io[index], CL_FALSE, 0,
                                  (size_t)bytes, data, 0, NULL, NULL),
             "clEnqueueWriteBuffer(input)");
  }
  return ETCH_OK;
}

etch_status_t etch_cl_enqueue(etch_cl_state_t *s, uint32_t kernel,
                              uint32_t work_dim, uint64_t global0,
                              uint64_t global1, uint64_t global2,
                              uint64_t local0, uint64_t local1,
                              uint64_t local2) {
  etch_status_t st =
      check_index(s, kernel, s ? s->program->num_kernels : 0, "kernel");
  if (st != ETCH_OK) {
    return st;
  }
  if (work_dim < 1 || work_dim > 3) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "kernel %s: work_dim %u",
                s->program->kernel_names[kernel], (unsigned)work_dim);
  }
  size_t global[3] = {(size_t)global0, (size_t)global1, (size_t)global2};
  size_t local[3] = {(size_t)local0, (size_t)local1, (size_t)local2};
  int has_local = local0 != 0 || local1 != 0 || local2 != 0;
  cl_int err =
      clEnqueueNDRangeKernel(s->queue, s->kernels[kernel], work_dim, NULL,
                             global, has_local ? local : NULL, 0, NULL, NULL);
  if (err != CL_SUCCESS) {
    return fail(ETCH_ERR_DEVICE,
                "launching kernel %s failed (clEnqueueNDRangeKernel: %s, %d)",
                s->program->kernel_names[kernel], cl_error_name(err), (int)err);
  }
  return ETCH_OK;
}

etch_status_t etch_cl_read_output(etch_cl_state_t *s, uint32_t index,
                                  void *data) {
  etch_status_t st =
      check_index(s, index, s ? s->program->num_outputs : 0, "output");
  if (st != ETCH_OK) {
    return st;
  }
  uint64_t bytes = s->program->output_bytes[index];
  if (bytes > 0 && !data) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "output %u: NULL data",
                (unsigned)index);
  }
  if (bytes > 0) {
    CL_CHECK(
        clEnqueueReadBuffer(s->queue, s->io[s->program->num_inputs + index],
                            CL_FALSE, 0, (size_t)bytes, data, 0, NULL, NULL),
        "clEnqueueReadBuffer(output)");
  }
  return ETCH_OK;
}

etch_status_t etch_cl_finish(etch_cl_state_t *s) {
  if (!s) {
    return fail(ETCH_ERR_INVALID_ARGUMENT, "etch_cl_finish: no device state");
  }
  CL_CHECK(clFinish(s->queue), "clFinish");
  return ETCH_OK;
}

int etch_cl_uses_fp16(const etch_cl_state_t *s) { return s ? s->fp16 : 0; }

const char *etch_cl_device_name(const etch_cl_state_t *s) {
  return s ? s->device_name : "";
}
