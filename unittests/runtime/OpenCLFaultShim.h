/*
 * OpenCLFaultShim.h - fault injection under libetch_runtime_opencl.a for
 * OpenCLFaultTest. OpenCLFaultShim.c defines __wrap_<f> for every OpenCL call
 * and for malloc/calloc/free; the test links with -Wl,--wrap=<f>, so the
 * runtime's calls land here and are forwarded to the real ICD (__real_<f>)
 * except the one armed to fail. The production library has no test hooks.
 */
#ifndef ETCH_UNITTESTS_RUNTIME_OPENCLFAULTSHIM_H
#define ETCH_UNITTESTS_RUNTIME_OPENCLFAULTSHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts counting injectable calls (OpenCL calls other than clRelease*, and
 * malloc/calloc) from 1; the `fail_at`-th fails (0: none fails). Host blocks
 * allocated while armed are tracked until freed. */
void etch_shim_arm(long fail_at);
/* Stops counting; returns the number of injectable calls seen while armed. */
long etch_shim_disarm(void);
/* The function that was made to fail, or NULL if none was. */
const char *etch_shim_failed(void);
/* OpenCL objects created (contexts, queues, programs, kernels, buffers)
 * minus those released, over the whole process. */
long etch_shim_live_cl_objects(void);
/* Host blocks malloc/calloc returned while armed and not yet freed. */
long etch_shim_live_host_blocks(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETCH_UNITTESTS_RUNTIME_OPENCLFAULTSHIM_H */
