/*
 * OpenCLFaultShim.c - see OpenCLFaultShim.h. Single-threaded by design: the
 * runtime calls the OpenCL API from the caller's thread only.
 */
#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include "OpenCLFaultShim.h"

#include <CL/cl.h>

#include <stddef.h>

static int armed;
static long calls, fail_at;
static const char *failed;
static long live_cl;

/* Host blocks handed out while armed (the runtime holds a few at a time). */
enum { kMaxBlocks = 1024 };
static void *blocks[kMaxBlocks];
static long live_blocks;

void etch_shim_arm(long n) {
  armed = 1;
  calls = 0;
  fail_at = n;
  failed = NULL;
}

long etch_shim_disarm(void) {
  armed = 0;
  return calls;
}

const char *etch_shim_failed(void) { return failed; }
long etch_shim_live_cl_objects(void) { return live_cl; }
long etch_shim_live_host_blocks(void) { return live_blocks; }

/* Whether this call is the one to fail. */
static int inject(const char *name) {
  if (!armed) {
    return 0;
  }
  if (++calls == fail_at) {
    failed = name;
    return 1;
  }
  return 0;
}

static void *created(void *object) {
  if (object) {
    ++live_cl;
  }
  return object;
}

static cl_int released(cl_int err) {
  if (err == CL_SUCCESS) {
    --live_cl;
  }
  return err;
}

static void *null_with(cl_int *errcode_ret, cl_int err) {
  if (errcode_ret) {
    *errcode_ret = err;
  }
  return NULL;
}

/* ---- host memory ---- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);

static void *track(void *p) {
  if (p && armed) {
    for (int i = 0; i < kMaxBlocks; ++i) {
      if (!blocks[i]) {
        blocks[i] = p;
        ++live_blocks;
        break;
      }
    }
  }
  return p;
}

void *__wrap_malloc(size_t size) {
  return inject("malloc") ? NULL : track(__real_malloc(size));
}

void *__wrap_calloc(size_t n, size_t size) {
  return inject("calloc") ? NULL : track(__real_calloc(n, size));
}

void __wrap_free(void *p) {
  for (int i = 0; p && live_blocks && i < kMaxBlocks; ++i) {
    if (blocks[i] == p) {
      blocks[i] = NULL;
      --live_blocks;
      break;
    }
  }
  __real_free(p);
}

/* ---- platform, device ---- */

cl_int __real_clGetPlatformIDs(cl_uint, cl_platform_id *, cl_uint *);
cl_int __wrap_clGetPlatformIDs(cl_uint n, cl_platform_id *platforms,
                               cl_uint *num) {
  if (inject("clGetPlatformIDs")) {
    return -1001; /* CL_PLATFORM_NOT_FOUND_KHR */
  }
  return __real_clGetPlatformIDs(n, platforms, num);
}

cl_int __real_clGetDeviceIDs(cl_platform_id, cl_device_type, cl_uint,
                             cl_device_id *, cl_uint *);
cl_int __wrap_clGetDeviceIDs(cl_platform_id p, cl_device_type type, cl_uint n,
                             cl_device_id *devices, cl_uint *num) {
  if (inject("clGetDeviceIDs")) {
    return CL_DEVICE_NOT_FOUND;
  }
  return __real_clGetDeviceIDs(p, type, n, devices, num);
}

cl_int __real_clGetDeviceInfo(cl_device_id, cl_device_info, size_t, void *,
                              size_t *);
cl_int __wrap_clGetDeviceInfo(cl_device_id d, cl_device_info what, size_t size,
                              void *value, size_t *size_ret) {
  if (inject("clGetDeviceInfo")) {
    return CL_OUT_OF_HOST_MEMORY;
  }
  return __real_clGetDeviceInfo(d, what, size, value, size_ret);
}

/* ---- context, queue ---- */

cl_context __real_clCreateContext(
    const cl_context_properties *, cl_uint, const cl_device_id *,
    void(CL_CALLBACK *)(const char *, const void *, size_t, void *), void *,
    cl_int *);
cl_context __wrap_clCreateContext(
    const cl_context_properties *props, cl_uint n, const cl_device_id *devices,
    void(CL_CALLBACK *notify)(const char *, const void *, size_t, void *),
    void *user, cl_int *err) {
  if (inject("clCreateContext")) {
    return null_with(err, CL_OUT_OF_HOST_MEMORY);
  }
  return created(__real_clCreateContext(props, n, devices, notify, user, err));
}

cl_int __real_clReleaseContext(cl_context);
cl_int __wrap_clReleaseContext(cl_context c) {
  return released(__real_clReleaseContext(c));
}

cl_command_queue __real_clCreateCommandQueue(cl_context, cl_device_id,
                                             cl_command_queue_properties,
                                             cl_int *);
cl_command_queue __wrap_clCreateCommandQueue(cl_context c, cl_device_id d,
                                             cl_command_queue_properties props,
                                             cl_int *err) {
  if (inject("clCreateCommandQueue")) {
    return null_with(err, CL_OUT_OF_RESOURCES);
  }
  return created(__real_clCreateCommandQueue(c, d, props, err));
}

cl_int __real_clReleaseCommandQueue(cl_command_queue);
cl_int __wrap_clReleaseCommandQueue(cl_command_queue q) {
  return released(__real_clReleaseCommandQueue(q));
}

cl_int __real_clFinish(cl_command_queue);
cl_int __wrap_clFinish(cl_command_queue q) {
  if (inject("clFinish")) {
    /* The queue still drains: a caller may free what it enqueued. */
    __real_clFinish(q);
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clFinish(q);
}

/* ---- programs, kernels ---- */

cl_program __real_clCreateProgramWithSource(cl_context, cl_uint, const char **,
                                            const size_t *, cl_int *);
cl_program __wrap_clCreateProgramWithSource(cl_context c, cl_uint n,
                                            const char **sources,
                                            const size_t *lengths,
                                            cl_int *err) {
  if (inject("clCreateProgramWithSource")) {
    return null_with(err, CL_OUT_OF_HOST_MEMORY);
  }
  return created(__real_clCreateProgramWithSource(c, n, sources, lengths, err));
}

cl_program __real_clCreateProgramWithBinary(cl_context, cl_uint,
                                            const cl_device_id *,
                                            const size_t *,
                                            const unsigned char **, cl_int *,
                                            cl_int *);
cl_program __wrap_clCreateProgramWithBinary(cl_context c, cl_uint n,
                                            const cl_device_id *devices,
                                            const size_t *lengths,
                                            const unsigned char **binaries,
                                            cl_int *status, cl_int *err) {
  if (inject("clCreateProgramWithBinary")) {
    return null_with(err, CL_INVALID_BINARY);
  }
  return created(__real_clCreateProgramWithBinary(c, n, devices, lengths,
                                                  binaries, status, err));
}

cl_int __real_clBuildProgram(cl_program, cl_uint, const cl_device_id *,
                             const char *,
                             void(CL_CALLBACK *)(cl_program, void *), void *);
cl_int __wrap_clBuildProgram(cl_program p, cl_uint n,
                             const cl_device_id *devices, const char *options,
                             void(CL_CALLBACK *notify)(cl_program, void *),
                             void *user) {
  if (inject("clBuildProgram")) {
    return CL_BUILD_PROGRAM_FAILURE;
  }
  return __real_clBuildProgram(p, n, devices, options, notify, user);
}

cl_int __real_clGetProgramInfo(cl_program, cl_program_info, size_t, void *,
                               size_t *);
cl_int __wrap_clGetProgramInfo(cl_program p, cl_program_info what, size_t size,
                               void *value, size_t *size_ret) {
  if (inject("clGetProgramInfo")) {
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clGetProgramInfo(p, what, size, value, size_ret);
}

cl_int __real_clGetProgramBuildInfo(cl_program, cl_device_id,
                                    cl_program_build_info, size_t, void *,
                                    size_t *);
cl_int __wrap_clGetProgramBuildInfo(cl_program p, cl_device_id d,
                                    cl_program_build_info what, size_t size,
                                    void *value, size_t *size_ret) {
  if (inject("clGetProgramBuildInfo")) {
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clGetProgramBuildInfo(p, d, what, size, value, size_ret);
}

cl_int __real_clReleaseProgram(cl_program);
cl_int __wrap_clReleaseProgram(cl_program p) {
  return released(__real_clReleaseProgram(p));
}

cl_kernel __real_clCreateKernel(cl_program, const char *, cl_int *);
cl_kernel __wrap_clCreateKernel(cl_program p, const char *name, cl_int *err) {
  if (inject("clCreateKernel")) {
    return null_with(err, CL_OUT_OF_HOST_MEMORY);
  }
  return created(__real_clCreateKernel(p, name, err));
}

cl_int __real_clReleaseKernel(cl_kernel);
cl_int __wrap_clReleaseKernel(cl_kernel k) {
  return released(__real_clReleaseKernel(k));
}

cl_int __real_clSetKernelArg(cl_kernel, cl_uint, size_t, const void *);
cl_int __wrap_clSetKernelArg(cl_kernel k, cl_uint index, size_t size,
                             const void *value) {
  if (inject("clSetKernelArg")) {
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clSetKernelArg(k, index, size, value);
}

/* ---- buffers, transfers, launches ---- */

cl_mem __real_clCreateBuffer(cl_context, cl_mem_flags, size_t, void *,
                             cl_int *);
cl_mem __wrap_clCreateBuffer(cl_context c, cl_mem_flags flags, size_t size,
                             void *host, cl_int *err) {
  if (inject("clCreateBuffer")) {
    return null_with(err, CL_MEM_OBJECT_ALLOCATION_FAILURE);
  }
  return created(__real_clCreateBuffer(c, flags, size, host, err));
}

cl_int __real_clReleaseMemObject(cl_mem);
cl_int __wrap_clReleaseMemObject(cl_mem m) {
  return released(__real_clReleaseMemObject(m));
}

cl_int __real_clEnqueueWriteBuffer(cl_command_queue, cl_mem, cl_bool, size_t,
                                   size_t, const void *, cl_uint,
                                   const cl_event *, cl_event *);
cl_int __wrap_clEnqueueWriteBuffer(cl_command_queue q, cl_mem m,
                                   cl_bool blocking, size_t offset, size_t size,
                                   const void *ptr, cl_uint n,
                                   const cl_event *wait, cl_event *event) {
  if (inject("clEnqueueWriteBuffer")) {
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clEnqueueWriteBuffer(q, m, blocking, offset, size, ptr, n, wait,
                                     event);
}

cl_int __real_clEnqueueReadBuffer(cl_command_queue, cl_mem, cl_bool, size_t,
                                  size_t, void *, cl_uint, const cl_event *,
                                  cl_event *);
cl_int __wrap_clEnqueueReadBuffer(cl_command_queue q, cl_mem m,
                                  cl_bool blocking, size_t offset, size_t size,
                                  void *ptr, cl_uint n, const cl_event *wait,
                                  cl_event *event) {
  if (inject("clEnqueueReadBuffer")) {
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clEnqueueReadBuffer(q, m, blocking, offset, size, ptr, n, wait,
                                    event);
}

cl_int __real_clEnqueueNDRangeKernel(cl_command_queue, cl_kernel, cl_uint,
                                     const size_t *, const size_t *,
                                     const size_t *, cl_uint, const cl_event *,
                                     cl_event *);
cl_int __wrap_clEnqueueNDRangeKernel(cl_command_queue q, cl_kernel k,
                                     cl_uint dim, const size_t *offset,
                                     const size_t *global, const size_t *local,
                                     cl_uint n, const cl_event *wait,
                                     cl_event *event) {
  if (inject("clEnqueueNDRangeKernel")) {
    return CL_OUT_OF_RESOURCES;
  }
  return __real_clEnqueueNDRangeKernel(q, k, dim, offset, global, local, n,
                                       wait, event);
}
