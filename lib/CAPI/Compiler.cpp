//===- Compiler.cpp - C API of the etch compiler --------------------------===//
//
// Thin: a session is a CompileOptions, a compilation is one
// compileToMemory() on a fresh MLIRContext with a diagnostic collector.
//
//===----------------------------------------------------------------------===//
#include "etch-c/Compiler.h"

#include "CAPIInternal.h"

#include "etch/Importer/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <exception>

#ifndef ETCH_VERSION_STRING
#define ETCH_VERSION_STRING "unknown"
#endif

using namespace mlir;
using namespace mlir::etch;
using mlir::etch::capi::DiagnosticRecord;

namespace {

capi::Session *unwrap(EtchSession s) {
  return static_cast<capi::Session *>(s.ptr);
}
capi::Result *unwrap(EtchResult r) {
  return static_cast<capi::Result *>(r.ptr);
}

llvm::StringRef unwrap(EtchStringRef s) {
  return s.data ? llvm::StringRef(s.data, s.length) : llvm::StringRef();
}
EtchStringRef wrap(const std::string &s) { return {s.c_str(), s.size()}; }

EtchStatus fail(capi::Session *session, EtchStatus status,
                const llvm::Twine &message) {
  session->lastError = message.str();
  return status;
}

/// Runs `body(session)` with the last error cleared; a null handle is an
/// invalid argument.
template <typename Fn>
EtchStatus withSession(EtchSession handle, Fn body) {
  capi::Session *session = unwrap(handle);
  if (!session) {
    return ETCH_STATUS_INVALID_ARGUMENT;
  }
  session->lastError.clear();
  return body(*session);
}

/// Moves the schedule-report remarks out of the diagnostics into the
/// report (JSON array of {node, strategy, op, schedule, vectorized, reason}
/// and one text line each); they stay diagnostics too when the user asked
/// for `--schedule-report` explicitly.
void takeScheduleReport(capi::Result &result, bool keepAsDiagnostics) {
  llvm::json::Array entries;
  std::string text;
  std::vector<DiagnosticRecord> kept;
  for (DiagnosticRecord &rec : result.diagnostics) {
    llvm::StringRef msg = rec.message;
    bool isReport = rec.severity == ETCH_SEVERITY_REMARK &&
                    (msg.starts_with("schedule ") ||
                     msg.starts_with("no schedule ("));
    if (!isReport) {
      kept.push_back(std::move(rec));
      continue;
    }
    // "schedule <kind> (<op>): #etch.schedule<...>: vectorized" or
    // "... NOT vectorized, scalar loops: <reason>".
    llvm::json::Object entry;
    entry["node"] = rec.node;
    auto [head, rest] = msg.split(" (");
    entry["strategy"] = head.starts_with("schedule ")
                            ? head.drop_front(9).str()
                            : std::string("none");
    auto [op, tail] = rest.split("): ");
    entry["op"] = op.str();
    size_t verdict = tail.rfind(": ");
    llvm::StringRef what = tail.substr(verdict == llvm::StringRef::npos
                                           ? 0
                                           : verdict + 2);
    llvm::StringRef sched =
        verdict == llvm::StringRef::npos ? "" : tail.substr(0, verdict);
    bool notVectorized = tail.contains("NOT vectorized");
    if (notVectorized) {
      size_t at = tail.find("NOT vectorized");
      sched = tail.substr(0, at).rtrim(": ");
      what = tail.substr(at);
    }
    entry["schedule"] = sched.str();
    entry["vectorized"] = !notVectorized;
    entry["reason"] =
        notVectorized ? what.split("scalar loops: ").second.str() : "";
    entries.push_back(std::move(entry));
    text += (rec.node.empty() ? std::string("<no node>") : rec.node) + ": " +
            rec.message + "\n";
    if (keepAsDiagnostics) {
      kept.push_back(std::move(rec));
    }
  }
  result.diagnostics = std::move(kept);
  if (!entries.empty()) {
    std::string json;
    llvm::raw_string_ostream os(json);
    os << llvm::json::Value(std::move(entries));
    result.scheduleReportJson = std::move(json);
    result.scheduleReportText = std::move(text);
  }
}

/// Compiles `path` with `session`'s options; `shownPath` replaces `path` in
/// diagnostics (for compilations from memory).
capi::Result *compilePath(capi::Session &session, llvm::StringRef path,
                          llvm::StringRef shownPath) {
  auto *result = new capi::Result();
  CompileOptions options = session.options;
  options.inputPath = path.str();
  // The schedule report costs nothing: always collect it on CPU targets.
  bool cpu = !isOpenCLTarget(options);
  options.scheduleReport = cpu;
  result->scheduleReportMessage =
      cpu ? "not available: the compilation stopped before vectorization"
          : "not available: OpenCL kernels have no CPU schedule (see the "
            "generated kernels)";
  DialectRegistry registry;
  registerEtchCompileDialects(registry);
  MLIRContext ctx(registry);
  // Records stay short: no dump of the failing op.
  ctx.printOpOnDiagnostic(false);
  bool ok = false;
  {
    capi::DiagnosticCollector collector(ctx, result->diagnostics, path,
                                        shownPath);
    try {
      ok = succeeded(compileToMemory(ctx, options, result->outputs));
    } catch (const std::exception &e) {
      // libonnx reports some errors by throwing; none must cross the C API.
      emitError(UnknownLoc::get(&ctx)) << "internal error: " << e.what();
    }
    if (!ok && !collector.sawError()) {
      DiagnosticRecord rec;
      rec.message = "compilation failed";
      rec.location = shownPath.str();
      result->diagnostics.push_back(std::move(rec));
    }
  }
  if (!ok) {
    capi::fillOnnxOpTypes(path, result->diagnostics);
    result->outputs = CompileOutputs();
  }
  takeScheduleReport(*result, session.options.scheduleReport);
  result->succeeded = ok;
  return result;
}

EtchResult wrap(capi::Result *result) { return EtchResult{result}; }

/// A result that failed before compiling, with one error.
EtchResult failedResult(llvm::StringRef message) {
  auto *result = new capi::Result();
  DiagnosticRecord rec;
  rec.message = message.str();
  result->diagnostics.push_back(std::move(rec));
  return wrap(result);
}

} // namespace

extern "C" {

EtchStringRef etchStringRefCreateFromCString(const char *str) {
  return {str ? str : "", str ? std::strlen(str) : 0};
}

const char *etchStatusGetName(EtchStatus status) {
  switch (status) {
  case ETCH_STATUS_OK:
    return "ETCH_STATUS_OK";
  case ETCH_STATUS_INVALID_ARGUMENT:
    return "ETCH_STATUS_INVALID_ARGUMENT";
  case ETCH_STATUS_UNSUPPORTED:
    return "ETCH_STATUS_UNSUPPORTED";
  case ETCH_STATUS_COMPILE_FAILED:
    return "ETCH_STATUS_COMPILE_FAILED";
  case ETCH_STATUS_IO_ERROR:
    return "ETCH_STATUS_IO_ERROR";
  case ETCH_STATUS_NOT_AVAILABLE:
    return "ETCH_STATUS_NOT_AVAILABLE";
  }
  return "ETCH_STATUS_UNKNOWN";
}

unsigned etchGetCAPIVersion(void) { return ETCH_CAPI_VERSION; }

const char *etchGetVersion(void) {
  return ETCH_VERSION_STRING " (LLVM " LLVM_VERSION_STRING ")";
}

EtchSession etchSessionCreate(void) { return EtchSession{new capi::Session()}; }

void etchSessionDestroy(EtchSession session) { delete unwrap(session); }

EtchStringRef etchSessionGetLastError(EtchSession session) {
  capi::Session *s = unwrap(session);
  return s ? wrap(s->lastError) : EtchStringRef{"", 0};
}

EtchStatus etchSessionSetTarget(EtchSession handle, EtchStringRef triple) {
  return withSession(handle, [&](capi::Session &s) {
    s.options.target.triple = unwrap(triple).str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetCPU(EtchSession handle, EtchStringRef cpu) {
  return withSession(handle, [&](capi::Session &s) {
    s.options.target.cpu = unwrap(cpu).str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetFeatures(EtchSession handle, EtchStringRef features) {
  return withSession(handle, [&](capi::Session &s) {
    s.options.target.features = unwrap(features).str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetModelName(EtchSession handle, EtchStringRef name) {
  return withSession(handle, [&](capi::Session &s) {
    std::string text = unwrap(name).str();
    if (!text.empty() && text != sanitizeCIdentifier(text)) {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "name '" + text + "' is not a C identifier");
    }
    s.options.modelName = text;
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetOptLevel(EtchSession handle, unsigned level) {
  return withSession(handle, [&](capi::Session &s) {
    if (level > 3) {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "-O" + llvm::Twine(level) +
                      ": the optimization level must be 0 to 3");
    }
    s.options.optLevel = level;
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionAddInputShape(EtchSession handle, EtchStringRef spec) {
  return withSession(handle, [&](capi::Session &s) {
    OnnxImportOptions scratch;
    if (llvm::Error err = addInputShapeSpec(scratch, unwrap(spec))) {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "input shape '" + unwrap(spec) +
                      "': " + llvm::toString(std::move(err)));
    }
    s.options.inputShapes.push_back(unwrap(spec).str());
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionAddInputValue(EtchSession handle, EtchStringRef spec) {
  return withSession(handle, [&](capi::Session &s) {
    OnnxImportOptions scratch;
    if (llvm::Error err = addInputValueSpec(scratch, unwrap(spec))) {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "input value '" + unwrap(spec) +
                      "': " + llvm::toString(std::move(err)));
    }
    s.options.inputValues.push_back(unwrap(spec).str());
    return ETCH_STATUS_OK;
  });
}

void etchSessionClearInputs(EtchSession handle) {
  if (capi::Session *s = unwrap(handle)) {
    s->options.inputShapes.clear();
    s->options.inputValues.clear();
  }
}

EtchStatus etchSessionSetWeightsSection(EtchSession handle,
                                        EtchStringRef name) {
  return withSession(handle, [&](capi::Session &s) {
    s.options.weightsSection = unwrap(name).str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetThreads(EtchSession handle, int threads) {
  return withSession(handle, [&](capi::Session &s) {
    // The same bounds as etch-compile --threads; targets without an OS
    // reject threads > 1 when compiling, naming the target.
    if (threads < 1 || threads > 256) {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "threads=" + llvm::Twine(threads) +
                      ": the thread count must be 1 to " +
                      llvm::Twine(kMaxThreads));
    }
    s.options.threads = threads;
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetProfile(EtchSession handle, bool profile) {
  return withSession(handle, [&](capi::Session &s) {
    // The target is checked when compiling, like etch-compile --profile.
    s.options.profile = profile;
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetTuningDatabase(EtchSession handle,
                                        EtchStringRef path) {
  return withSession(handle, [&](capi::Session &s) {
    // Read (and checked) by the compilation, like etch-compile --tuning-db.
    s.options.tuningDbPath = unwrap(path).str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetRequantMode(EtchSession handle, EtchStringRef mode) {
  return withSession(handle, [&](capi::Session &s) {
    llvm::StringRef name = unwrap(mode);
    if (!name.empty() && name != "float" && name != "fixedpoint") {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "requantization mode '" + name +
                      "': supported: float (ONNX Runtime's fp32 "
                      "arithmetic), fixedpoint (TensorFlow Lite's int32 "
                      "arithmetic)");
    }
    s.options.requantMode = name.str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetOpenCLHost(EtchSession handle, EtchStringRef triple) {
  return withSession(handle, [&](capi::Session &s) {
    s.options.openclHost = unwrap(triple).str();
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetOpenCLFP16(EtchSession handle, bool fp16) {
  return withSession(handle, [&](capi::Session &s) {
    s.options.openclFP16 = fp16;
    return ETCH_STATUS_OK;
  });
}

EtchStatus etchSessionSetCompileTo(EtchSession handle, EtchStringRef phase) {
  return withSession(handle, [&](capi::Session &s) {
    std::optional<Phase> parsed = parsePhase(unwrap(phase));
    if (!parsed) {
      return fail(&s, ETCH_STATUS_INVALID_ARGUMENT,
                  "compile-to '" + unwrap(phase) +
                      "': unknown phase; phases: import, graph, linalg, "
                      "schedule, tiled, vector, bufferized, llvm, obj");
    }
    s.options.compileTo = *parsed;
    return ETCH_STATUS_OK;
  });
}

EtchResult etchSessionCompileFile(EtchSession handle, EtchStringRef path) {
  capi::Session *session = unwrap(handle);
  if (!session) {
    return failedResult("null session");
  }
  return wrap(compilePath(*session, unwrap(path), unwrap(path)));
}

EtchResult etchSessionCompileBuffer(EtchSession handle, const void *data,
                                    size_t size) {
  capi::Session *session = unwrap(handle);
  if (!session) {
    return failedResult("null session");
  }
  if (!data && size) {
    return failedResult("null model buffer");
  }
  // The importer reads files (protobuf parsing, external-data resolution);
  // a private folder keeps the file away from other processes, and its name
  // gives the default model name.
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("etch-capi", dir)) {
    return failedResult("cannot create a temporary folder: " + ec.message());
  }
  std::string stem =
      session->options.modelName.empty() ? "model" : session->options.modelName;
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, stem + ".onnx");
  capi::Result *result = nullptr;
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (!ec) {
      os.write(static_cast<const char *>(data), size);
      os.close();
      ec = os.error();
    }
    if (ec) {
      llvm::sys::fs::remove(path);
      llvm::sys::fs::remove(dir);
      return failedResult("cannot write the model to " + path.str().str() +
                          ": " + ec.message());
    }
  }
  result = compilePath(*session, path, "<buffer>");
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(dir);
  return wrap(result);
}

void etchResultDestroy(EtchResult result) { delete unwrap(result); }

bool etchResultSucceeded(EtchResult result) {
  return unwrap(result) && unwrap(result)->succeeded;
}

#define ETCH_RESULT_STRING(fn, field)                                          \
  EtchStringRef fn(EtchResult result) {                                        \
    capi::Result *r = unwrap(result);                                          \
    return r ? wrap(r->outputs.field) : EtchStringRef{"", 0};                  \
  }
ETCH_RESULT_STRING(etchResultGetObject, object)
ETCH_RESULT_STRING(etchResultGetHeader, header)
ETCH_RESULT_STRING(etchResultGetIR, ir)
ETCH_RESULT_STRING(etchResultGetOpenCLSource, openclSource)
ETCH_RESULT_STRING(etchResultGetModelName, modelName)
ETCH_RESULT_STRING(etchResultGetTriple, triple)
ETCH_RESULT_STRING(etchResultGetCPU, cpu)
#undef ETCH_RESULT_STRING

EtchStatus etchResultGetSizeReport(EtchResult result, EtchReportFormat format,
                                   EtchStringRef *report) {
  capi::Result *r = unwrap(result);
  if (!r || !report) {
    return ETCH_STATUS_INVALID_ARGUMENT;
  }
  const std::string &text = format == ETCH_REPORT_JSON
                                ? r->outputs.sizeReportJson
                                : r->outputs.sizeReportText;
  *report = wrap(text);
  return text.empty() ? ETCH_STATUS_NOT_AVAILABLE : ETCH_STATUS_OK;
}

EtchStatus etchResultGetScheduleReport(EtchResult result,
                                       EtchReportFormat format,
                                       EtchStringRef *report) {
  capi::Result *r = unwrap(result);
  if (!r || !report) {
    return ETCH_STATUS_INVALID_ARGUMENT;
  }
  const std::string &text = format == ETCH_REPORT_JSON
                                ? r->scheduleReportJson
                                : r->scheduleReportText;
  if (text.empty()) {
    *report = wrap(r->scheduleReportMessage);
    return ETCH_STATUS_NOT_AVAILABLE;
  }
  *report = wrap(text);
  return ETCH_STATUS_OK;
}

EtchStatus etchResultWriteFiles(EtchResult result, EtchStringRef objectPath,
                                EtchStringRef headerPath) {
  capi::Result *r = unwrap(result);
  if (!r) {
    return ETCH_STATUS_INVALID_ARGUMENT;
  }
  r->lastError.clear();
  if (!r->succeeded || r->outputs.object.empty()) {
    r->lastError = "no object to write (the compilation failed or stopped "
                   "before the object)";
    return ETCH_STATUS_NOT_AVAILABLE;
  }
  std::string object = unwrap(objectPath).str();
  std::string header = unwrap(headerPath).str();
  if (object.empty()) {
    r->lastError = "no object path";
    return ETCH_STATUS_INVALID_ARGUMENT;
  }
  if (header.empty()) {
    llvm::SmallString<256> derived(object);
    llvm::sys::path::replace_extension(derived, ".h");
    header = derived.str().str();
  }
  auto write = [&](const std::string &path, const std::string &contents) {
    llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
      os << contents;
      return llvm::Error::success();
    });
    if (err) {
      r->lastError = path + ": cannot write: " + llvm::toString(std::move(err));
      return false;
    }
    return true;
  };
  if (!write(object, r->outputs.object)) {
    return ETCH_STATUS_IO_ERROR;
  }
  if (!write(header, r->outputs.header)) {
    llvm::sys::fs::remove(object);
    return ETCH_STATUS_IO_ERROR;
  }
  return ETCH_STATUS_OK;
}

EtchStringRef etchResultGetLastError(EtchResult result) {
  capi::Result *r = unwrap(result);
  return r ? wrap(r->lastError) : EtchStringRef{"", 0};
}

size_t etchResultGetNumDiagnostics(EtchResult result) {
  capi::Result *r = unwrap(result);
  return r ? r->diagnostics.size() : 0;
}

EtchDiagnostic etchResultGetDiagnostic(EtchResult result, size_t index) {
  capi::Result *r = unwrap(result);
  if (!r || index >= r->diagnostics.size()) {
    EtchStringRef empty{"", 0};
    return {ETCH_SEVERITY_ERROR, empty, empty, empty, empty};
  }
  const DiagnosticRecord &d = r->diagnostics[index];
  return {d.severity, wrap(d.node), wrap(d.op), wrap(d.message),
          wrap(d.location)};
}

} // extern "C"
