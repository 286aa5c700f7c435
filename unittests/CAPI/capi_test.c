/* etch-capi-test <etch test folder> <scratch folder>: the C API of
 * include/etch-c/Compiler.h, as a C program sees it. Exits non-zero with a
 * message on the first failed check. */
#include "etch-c/Compiler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static EtchStringRef str(const char *s) {
  return etchStringRefCreateFromCString(s);
}

static int contains(EtchStringRef haystack, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= haystack.length; ++i) {
    if (memcmp(haystack.data + i, needle, n) == 0) {
      return 1;
    }
  }
  return 0;
}

static void printDiagnostics(EtchResult r) {
  for (size_t i = 0; i < etchResultGetNumDiagnostics(r); ++i) {
    EtchDiagnostic d = etchResultGetDiagnostic(r, i);
    fprintf(stderr, "  [%d] node='%s' op='%s' at '%s': %s\n", d.severity,
            d.node.data, d.op.data, d.location.data, d.message.data);
  }
}

static char *readFile(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)n);
  *size = fread(data, 1, (size_t)n, f);
  fclose(f);
  return data;
}

/* An object for x86-64 Linux from a file: ELF, header, size report, the
 * schedule report's "not available", files on disk. */
static void testCompileFile(const char *testDir, const char *outDir) {
  char path[1024], obj[1024], hdr[1024];
  snprintf(path, sizeof path, "%s/tools/etch-compile/Inputs/mlp.onnx", testDir);
  EtchSession s = etchSessionCreate();
  CHECK(etchSessionSetTarget(s, str("x86_64-linux-gnu")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetModelName(s, str("mlp_capi")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetThreads(s, 1) == ETCH_STATUS_OK);
  EtchResult r = etchSessionCompileFile(s, str(path));
  CHECK(etchResultSucceeded(r));
  printDiagnostics(r);
  EtchStringRef object = etchResultGetObject(r);
  CHECK(object.length > 64 && memcmp(object.data, "\x7f" "ELF", 4) == 0);
  EtchStringRef header = etchResultGetHeader(r);
  CHECK(contains(header, "extern const etch_model_t mlp_capi_model;"));
  CHECK(contains(etchResultGetModelName(r), "mlp_capi"));
  CHECK(contains(etchResultGetTriple(r), "x86_64"));
  EtchStringRef report;
  CHECK(etchResultGetSizeReport(r, ETCH_REPORT_JSON, &report) ==
        ETCH_STATUS_OK);
  CHECK(contains(report, "\"arena\""));
  CHECK(etchResultGetSizeReport(r, ETCH_REPORT_TEXT, &report) ==
        ETCH_STATUS_OK);
  CHECK(report.length > 0);
  CHECK(etchResultGetScheduleReport(r, ETCH_REPORT_JSON, &report) ==
        ETCH_STATUS_OK);
  CHECK(contains(report, "\"vectorized\":true"));
  CHECK(contains(report, "#etch.schedule<kind = matmul"));

  snprintf(obj, sizeof obj, "%s/mlp_capi.o", outDir);
  snprintf(hdr, sizeof hdr, "%s/mlp_capi.h", outDir);
  CHECK(etchResultWriteFiles(r, str(obj), str("")) == ETCH_STATUS_OK);
  struct stat st;
  CHECK(stat(obj, &st) == 0 && (size_t)st.st_size == object.length);
  CHECK(stat(hdr, &st) == 0 && (size_t)st.st_size == header.length);
  /* An unwritable path leaves neither file. */
  CHECK(etchResultWriteFiles(r, str("/nonexistent-dir/x.o"), str("")) ==
        ETCH_STATUS_IO_ERROR);
  CHECK(contains(etchResultGetLastError(r), "nonexistent-dir"));
  etchResultDestroy(r);
  etchSessionDestroy(s);
}

/* The same model from memory, with a pinned input, at an early phase. */
static void testCompileBuffer(const char *testDir) {
  char path[1024];
  size_t size = 0;
  snprintf(path, sizeof path, "%s/tools/etch-compile/Inputs/dynamic.onnx",
           testDir);
  char *data = readFile(path, &size);
  CHECK(data != NULL);
  EtchSession s = etchSessionCreate();
  EtchResult r = etchSessionCompileBuffer(s, data, size);
  /* x has a dynamic dim nobody pinned: an error naming the input. */
  CHECK(!etchResultSucceeded(r));
  CHECK(etchResultGetNumDiagnostics(r) >= 1);
  EtchDiagnostic d = etchResultGetDiagnostic(r, 0);
  CHECK(d.severity == ETCH_SEVERITY_ERROR);
  CHECK(contains(d.message, "'x'"));
  CHECK(!contains(d.message, "etch-capi")); /* no temporary path shown */
  etchResultDestroy(r);

  CHECK(etchSessionAddInputShape(s, str("x=3x4")) == ETCH_STATUS_OK);
  r = etchSessionCompileBuffer(s, data, size);
  printDiagnostics(r);
  CHECK(etchResultSucceeded(r));
  CHECK(contains(etchResultGetHeader(r), "model_model"));
  CHECK(contains(etchResultGetHeader(r), "float32[3, 4]"));
  etchResultDestroy(r);

  CHECK(etchSessionSetCompileTo(s, str("linalg")) == ETCH_STATUS_OK);
  r = etchSessionCompileBuffer(s, data, size);
  CHECK(etchResultSucceeded(r));
  CHECK(contains(etchResultGetIR(r), "linalg."));
  CHECK(etchResultGetObject(r).length == 0);
  EtchStringRef report;
  CHECK(etchResultGetSizeReport(r, ETCH_REPORT_TEXT, &report) ==
        ETCH_STATUS_NOT_AVAILABLE);
  etchResultDestroy(r);
  etchSessionDestroy(s);
  free(data);
}

/* User errors: records name the node and op; bad options are refused. */
static void testErrors(const char *testDir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/lib/Importer/Inputs/missing_input.onnx",
           testDir);
  EtchSession s = etchSessionCreate();
  EtchResult r = etchSessionCompileFile(s, str(path));
  CHECK(!etchResultSucceeded(r));
  CHECK(etchResultGetObject(r).length == 0);
  CHECK(etchResultGetNumDiagnostics(r) >= 1);
  EtchDiagnostic d = etchResultGetDiagnostic(r, 0);
  CHECK(strcmp(d.node.data, "relu_orphan") == 0);
  CHECK(strcmp(d.op.data, "Relu") == 0);
  CHECK(contains(d.message, "nowhere"));
  printDiagnostics(r);
  etchResultDestroy(r);

  /* Garbage bytes. */
  r = etchSessionCompileBuffer(s, "not an onnx model", 17);
  CHECK(!etchResultSucceeded(r));
  CHECK(etchResultGetNumDiagnostics(r) >= 1);
  etchResultDestroy(r);

  /* A missing file, an unknown target. */
  r = etchSessionCompileFile(s, str("/nonexistent/model.onnx"));
  CHECK(!etchResultSucceeded(r));
  CHECK(contains(etchResultGetDiagnostic(r, 0).message, "no such file"));
  etchResultDestroy(r);
  snprintf(path, sizeof path, "%s/tools/etch-compile/Inputs/identity.onnx",
           testDir);
  CHECK(etchSessionSetTarget(s, str("nonsense-unknown-none")) ==
        ETCH_STATUS_OK);
  r = etchSessionCompileFile(s, str(path));
  CHECK(!etchResultSucceeded(r));
  CHECK(contains(etchResultGetDiagnostic(r, 0).message, "nonsense"));
  etchResultDestroy(r);

  CHECK(etchSessionAddInputShape(s, str("x=3xq")) ==
        ETCH_STATUS_INVALID_ARGUMENT);
  CHECK(contains(etchSessionGetLastError(s), "x=3xq"));
  CHECK(etchSessionSetThreads(s, 0) == ETCH_STATUS_INVALID_ARGUMENT);
  CHECK(etchSessionSetThreads(s, 4) == ETCH_STATUS_OK);
  CHECK(etchSessionSetThreads(s, 1000) == ETCH_STATUS_INVALID_ARGUMENT);
  CHECK(etchSessionSetThreads(s, 1) == ETCH_STATUS_OK);
  CHECK(etchSessionSetTuningDatabase(s, str("tune.jsonl")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetTuningDatabase(s, str("")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetRequantMode(s, str("fixed-point")) ==
        ETCH_STATUS_INVALID_ARGUMENT);
  CHECK(contains(etchSessionGetLastError(s), "fixedpoint"));
  CHECK(etchSessionSetRequantMode(s, str("fixedpoint")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetRequantMode(s, str("float")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetRequantMode(s, str("")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetOptLevel(s, 7) == ETCH_STATUS_INVALID_ARGUMENT);
  CHECK(etchSessionSetModelName(s, str("9lives")) ==
        ETCH_STATUS_INVALID_ARGUMENT);
  CHECK(etchSessionSetCompileTo(s, str("nowhere")) ==
        ETCH_STATUS_INVALID_ARGUMENT);
  etchSessionDestroy(s);

  /* Null handles are refused, not dereferenced. */
  EtchSession none = {NULL};
  CHECK(etchSessionSetThreads(none, 1) == ETCH_STATUS_INVALID_ARGUMENT);
  r = etchSessionCompileFile(none, str(path));
  CHECK(!etchResultSucceeded(r));
  etchResultDestroy(r);
}

/* profile: the object and header carry the per-layer profile on hosts; a
 * bare-metal target fails with an error record saying why. */
static void testProfile(const char *testDir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tools/etch-compile/Inputs/mlp.onnx", testDir);
  EtchSession s = etchSessionCreate();
  CHECK(etchSessionSetTarget(s, str("x86_64-linux-gnu")) == ETCH_STATUS_OK);
  CHECK(etchSessionSetProfile(s, true) == ETCH_STATUS_OK);
  EtchResult r = etchSessionCompileFile(s, str(path));
  CHECK(etchResultSucceeded(r));
  CHECK(contains(etchResultGetHeader(r), "_profile(void)"));
  EtchStringRef object = etchResultGetObject(r);
  CHECK(contains(object, "etch_profile_begin"));
  etchResultDestroy(r);
  CHECK(etchSessionSetTarget(s, str("thumbv7em-none-eabihf")) == ETCH_STATUS_OK);
  r = etchSessionCompileFile(s, str(path));
  CHECK(!etchResultSucceeded(r));
  CHECK(etchResultGetNumDiagnostics(r) >= 1);
  if (etchResultGetNumDiagnostics(r) >= 1) {
    CHECK(contains(etchResultGetDiagnostic(r, 0).message, "profile"));
  }
  etchResultDestroy(r);
  etchSessionDestroy(s);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <etch test folder> <scratch folder>\n", argv[0]);
    return 2;
  }
  mkdir(argv[2], 0777);
  CHECK(etchGetCAPIVersion() == ETCH_CAPI_VERSION);
  CHECK(strlen(etchGetVersion()) > 0);
  CHECK(strcmp(etchStatusGetName(ETCH_STATUS_UNSUPPORTED),
               "ETCH_STATUS_UNSUPPORTED") == 0);
  testCompileFile(argv[1], argv[2]);
  testCompileBuffer(argv[1]);
  testErrors(argv[1]);
  testProfile(argv[1]);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("etch-capi-test: all checks passed\n");
  return 0;
}
