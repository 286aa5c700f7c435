/*===- etch-c/Compiler.h - C API of the etch compiler ------------*- C -*-===*/
/*
 * The compiler in process, for bindings (python/etch) and tools that do not
 * want to shell out to etch-compile. In the manner of mlir-c: opaque handles
 * passed by value, explicit destroy calls, strings as (data, length) views
 * owned by the handle they came from.
 *
 *   EtchSession s = etchSessionCreate();
 *   etchSessionSetTarget(s, etchStringRefCreateFromCString("aarch64-linux"));
 *   EtchResult r =
 *       etchSessionCompileFile(s, etchStringRefCreateFromCString("m.onnx"));
 *   if (etchResultSucceeded(r)) {
 *     EtchStringRef obj = etchResultGetObject(r);  // an ELF object
 *   } else {
 *     for (size_t i = 0; i < etchResultGetNumDiagnostics(r); ++i) {
 *       EtchDiagnostic d = etchResultGetDiagnostic(r, i);  // node, op, ...
 *     }
 *   }
 *   etchResultDestroy(r);
 *   etchSessionDestroy(s);
 *
 * A session holds options and is used by one thread at a time; different
 * sessions compile concurrently (each compilation has its own MLIRContext).
 * A result outlives its session. Nothing here prints or exits.
 */
#ifndef ETCH_C_COMPILER_H
#define ETCH_C_COMPILER_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define ETCH_CAPI_EXPORTED __declspec(dllexport)
#else
#define ETCH_CAPI_EXPORTED __attribute__((visibility("default")))
#endif

/* Bumped when a declaration below changes incompatibly. */
#define ETCH_CAPI_VERSION 1

/*===-- Strings -----------------------------------------------------------===*/

/* A view of `length` bytes; not necessarily NUL-terminated (views returned by
 * this API are, for convenience, but may contain NUL bytes, e.g. objects). */
typedef struct EtchStringRef {
  const char *data;
  size_t length;
} EtchStringRef;

/* A view of the NUL-terminated `str` (NULL gives an empty view). */
ETCH_CAPI_EXPORTED EtchStringRef
etchStringRefCreateFromCString(const char *str);

/*===-- Status ------------------------------------------------------------===*/

typedef enum EtchStatus {
  ETCH_STATUS_OK = 0,
  /* A malformed value (bad --input-shape, threads < 1, a null handle). */
  ETCH_STATUS_INVALID_ARGUMENT = 1,
  /* A well-formed option this compiler does not implement (a feature the
   * build lacks). */
  ETCH_STATUS_UNSUPPORTED = 2,
  /* The compilation failed; the result's diagnostics say why. */
  ETCH_STATUS_COMPILE_FAILED = 3,
  /* A file could not be written. */
  ETCH_STATUS_IO_ERROR = 4,
  /* The compiler produces no such report (yet), or not for this result. */
  ETCH_STATUS_NOT_AVAILABLE = 5
} EtchStatus;

/* "ETCH_STATUS_OK", ...; never NULL. */
ETCH_CAPI_EXPORTED const char *etchStatusGetName(EtchStatus status);

/* ETCH_CAPI_VERSION of the library (compare with the header's). */
ETCH_CAPI_EXPORTED unsigned etchGetCAPIVersion(void);

/* The compiler's version, e.g. "0.1.0 (LLVM 22.1.0)". Static storage. */
ETCH_CAPI_EXPORTED const char *etchGetVersion(void);

/*===-- Session: the options of compilations ------------------------------===*/

typedef struct EtchSession {
  void *ptr;
} EtchSession;

/* A session with etch-compile's defaults: the host triple, --mcpu=generic,
 * -O3, one thread, the module name from the model file's stem. */
ETCH_CAPI_EXPORTED EtchSession etchSessionCreate(void);
ETCH_CAPI_EXPORTED void etchSessionDestroy(EtchSession session);
static inline bool etchSessionIsNull(EtchSession session) {
  return !session.ptr;
}

/* Each setter returns ETCH_STATUS_OK or an error whose message
 * etchSessionGetLastError gives (until the next call on the session). */
ETCH_CAPI_EXPORTED EtchStringRef etchSessionGetLastError(EtchSession session);

/* --target: a triple (empty: the host's) or "opencl". Unknown triples are
 * reported by the compilation, as a diagnostic. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetTarget(EtchSession session,
                                                   EtchStringRef triple);
/* --mcpu (empty: "generic"; "native": the host CPU and its features; with
 * "opencl", a device preset). */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetCPU(EtchSession session,
                                                EtchStringRef cpu);
/* --mattr, e.g. "+avx2,-fma". */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetFeatures(EtchSession session,
                                                     EtchStringRef features);
/* --name: the C prefix of the generated symbols (empty: from the model file's
 * stem; "model" for etchSessionCompileBuffer). */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetModelName(EtchSession session,
                                                      EtchStringRef name);
/* -O0 .. -O3. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetOptLevel(EtchSession session,
                                                     unsigned level);
/* --input-shape, e.g. "x=1x3x224x224" (repeatable; checked here). */
ETCH_CAPI_EXPORTED EtchStatus etchSessionAddInputShape(EtchSession session,
                                                       EtchStringRef spec);
/* --input-value, e.g. "shape=1,-1" (repeatable; checked here). */
ETCH_CAPI_EXPORTED EtchStatus etchSessionAddInputValue(EtchSession session,
                                                       EtchStringRef spec);
/* Removes every input shape and value. */
ETCH_CAPI_EXPORTED void etchSessionClearInputs(EtchSession session);
/* --weights-section (empty: .rodata). */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetWeightsSection(EtchSession session,
                                                           EtchStringRef name);
/* --threads: each layer's outer tiles split over up to this many threads
 * (1 to 256; the object then calls libetch_runtime_threads.a). Out of range
 * is ETCH_STATUS_INVALID_ARGUMENT; targets without an OS reject > 1 when
 * compiling. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetThreads(EtchSession session,
                                                    int threads);
/* --profile: the object times each layer under its ONNX node name
 * (etch_profile_t, `<name>_profile()`; link libetch_runtime.a). Hosts with an
 * OS only: other targets fail when compiling. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetProfile(EtchSession session,
                                                    bool profile);
/* --tuning-db: a schedule database written by etch-tune (JSONL). Empty
 * clears it. The compilation reads it; a missing or unreadable database is a
 * compile error record. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetTuningDatabase(EtchSession session,
                                                           EtchStringRef path);
/* --requant: how int8 kernels requantize their int32 accumulators, "float"
 * (ONNX Runtime's fp32 arithmetic) or "fixedpoint" (TensorFlow Lite /
 * CMSIS-NN int32 multiplier and shift). Empty: the target's default
 * (fixedpoint without an OS, float otherwise). Another name is
 * ETCH_STATUS_INVALID_ARGUMENT. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetRequantMode(EtchSession session,
                                                        EtchStringRef mode);
/* --host (object triple with target "opencl") and --opencl-fp16. */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetOpenCLHost(EtchSession session,
                                                       EtchStringRef triple);
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetOpenCLFP16(EtchSession session,
                                                       bool fp16);
/* --compile-to: "import", "graph", ..., "llvm" stop early and give the IR
 * (etchResultGetIR) instead of an object; "obj" (the default). */
ETCH_CAPI_EXPORTED EtchStatus etchSessionSetCompileTo(EtchSession session,
                                                      EtchStringRef phase);

/*===-- Compilation -------------------------------------------------------===*/

typedef struct EtchResult {
  void *ptr;
} EtchResult;

/* Compiles the ONNX model (or .mlir module) at `path`. Never null; check
 * etchResultSucceeded. Blocks; releases nothing the caller holds. */
ETCH_CAPI_EXPORTED EtchResult etchSessionCompileFile(EtchSession session,
                                                     EtchStringRef path);
/* Compiles a serialized ONNX ModelProto held in memory (external-data
 * tensors cannot be resolved: use etchSessionCompileFile for those). */
ETCH_CAPI_EXPORTED EtchResult etchSessionCompileBuffer(EtchSession session,
                                                       const void *data,
                                                       size_t size);
ETCH_CAPI_EXPORTED void etchResultDestroy(EtchResult result);

ETCH_CAPI_EXPORTED bool etchResultSucceeded(EtchResult result);
/* The relocatable object (empty on failure or with an early compile-to). */
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetObject(EtchResult result);
/* The generated `<name>.h`. */
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetHeader(EtchResult result);
/* The printed IR of an early compile-to. */
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetIR(EtchResult result);
/* With target "opencl": the kernels' OpenCL C. */
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetOpenCLSource(EtchResult result);
/* The C prefix of the symbols (`<name>_model`, `<name>_run`). */
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetModelName(EtchResult result);
/* The resolved target triple and CPU of the object. */
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetTriple(EtchResult result);
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetCPU(EtchResult result);

typedef enum EtchReportFormat {
  ETCH_REPORT_TEXT = 0,
  ETCH_REPORT_JSON = 1
} EtchReportFormat;

/* The footprint (etch-compile --size-report) of a successful object
 * compilation into `*report`; ETCH_STATUS_NOT_AVAILABLE otherwise. */
ETCH_CAPI_EXPORTED EtchStatus etchResultGetSizeReport(EtchResult result,
                                                      EtchReportFormat format,
                                                      EtchStringRef *report);
/* The schedule chosen per root op (etch-compile --schedule-report) of a CPU
 * compilation that reached vectorization: JSON, an array of objects
 * {"node", "strategy", "op", "schedule", "vectorized", "reason"}, or one text
 * line per op. ETCH_STATUS_NOT_AVAILABLE with the reason in `*report`
 * otherwise (OpenCL targets, compilations stopped earlier, failures). */
ETCH_CAPI_EXPORTED EtchStatus
etchResultGetScheduleReport(EtchResult result, EtchReportFormat format,
                            EtchStringRef *report);

/* Writes the object to `objectPath` and the header to `headerPath` (empty:
 * objectPath with ".h"), each through a temporary file renamed into place;
 * if either fails neither is left behind (ETCH_STATUS_IO_ERROR, message in
 * etchResultGetLastError). */
ETCH_CAPI_EXPORTED EtchStatus etchResultWriteFiles(EtchResult result,
                                                   EtchStringRef objectPath,
                                                   EtchStringRef headerPath);
ETCH_CAPI_EXPORTED EtchStringRef etchResultGetLastError(EtchResult result);

/*===-- Diagnostics -------------------------------------------------------===*/

typedef enum EtchSeverity {
  ETCH_SEVERITY_ERROR = 0,
  ETCH_SEVERITY_WARNING = 1,
  ETCH_SEVERITY_NOTE = 2,
  ETCH_SEVERITY_REMARK = 3
} EtchSeverity;

/* One diagnostic of a compilation. `node` is the ONNX node name (the op's
 * location) and `op` its ONNX op type, both empty when the diagnostic is not
 * about a node; `location` is "file:line:col", a file, or empty. Views are
 * owned by the result. Notes follow the error they belong to. */
typedef struct EtchDiagnostic {
  EtchSeverity severity;
  EtchStringRef node;
  EtchStringRef op;
  EtchStringRef message;
  EtchStringRef location;
} EtchDiagnostic;

ETCH_CAPI_EXPORTED size_t etchResultGetNumDiagnostics(EtchResult result);
/* Diagnostic `index` (< etchResultGetNumDiagnostics). */
ETCH_CAPI_EXPORTED EtchDiagnostic etchResultGetDiagnostic(EtchResult result,
                                                          size_t index);

#ifdef __cplusplus
}
#endif

#endif /* ETCH_C_COMPILER_H */
