//===- FuzzCommon.cpp - shared setup of the etch fuzz targets -------------===//
#include "FuzzCommon.h"

#include "etch/Importer/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace mlir;
using namespace mlir::etch;

// Extra features for libFuzzer: which ops (at which opset) an input holds
// and which diagnostic it ends with. They keep inputs that reach new error
// paths even where the code on the path is not coverage-instrumented (the
// fuzz-lite build links the uninstrumented Release libraries).
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t
    extraCounters[1 << 14];

static void feature(llvm::hash_code h) {
  uint8_t &c = extraCounters[static_cast<size_t>(h) % sizeof(extraCounters)];
  if (c < 255) {
    ++c;
  }
}

/// The message without its numbers and quoted names, so that one error path
/// is one feature.
static std::string shapeOf(llvm::StringRef message) {
  std::string out;
  bool quoted = false;
  for (char c : message.take_front(120)) {
    if (c == '\'') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && !llvm::isDigit(c)) {
      out.push_back(c);
    }
  }
  return out;
}

void etch_fuzz::noteModelFeatures(const uint8_t *data, size_t size) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size))) {
    feature(llvm::hash_value("unparsable"));
    return;
  }
  int64_t opset = 0;
  for (const auto &imp : model.opset_import()) {
    opset = imp.version();
  }
  for (const auto &node : model.graph().node()) {
    feature(llvm::hash_combine(node.op_type(), opset));
    feature(llvm::hash_combine(node.op_type(), node.input_size(),
                               node.attribute_size()));
  }
}

const std::string &etch_fuzz::scratchDir() {
  static const std::string dir = [] {
    std::string tmpl = "/tmp/etch-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      llvm::report_fatal_error("etch fuzz: cannot create a scratch folder");
    }
    std::ofstream(tmpl + "/ext.bin", std::ios::binary)
        << std::string(4096, '\x3f');
    llvm::sys::fs::create_directory(tmpl + "/sub");
    return tmpl;
  }();
  return dir;
}

std::string etch_fuzz::writeModel(const uint8_t *data, size_t size) {
  std::string path = scratchDir() + "/model.onnx";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(data),
            static_cast<std::streamsize>(size));
  return path;
}

bool etch_fuzz::compileModel(const std::string &path, Phase to) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    registerEtchCompileDialects(*r);
    return r;
  }();
  MLIRContext ctx(*registry);
  // Threads would hide which input a report belongs to and slow each run.
  ctx.disableMultithreading();
  ctx.printOpOnDiagnostic(false);
  std::string firstError;
  ScopedDiagnosticHandler swallow(&ctx, [&](Diagnostic &diag) {
    if (firstError.empty() && diag.getSeverity() == DiagnosticSeverity::Error) {
      firstError = diag.str();
    }
    return success();
  });
  auto done = [&](bool ok) {
    feature(llvm::hash_combine(ok, static_cast<int>(to), shapeOf(firstError)));
    return ok;
  };

  CompileOptions options;
  options.inputPath = path;
  options.maxModelBytes = kFuzzMaxModelBytes;
  options.target.triple = "x86_64-linux-gnu";
  options.target.cpu = "x86-64-v3";
  options.compileTo = to;
  options.optLevel = 1;
  if (to == Phase::Obj) {
    options.outputPath = scratchDir() + "/out.o";
    options.modelName = "fuzz";
    return done(succeeded(compile(ctx, options)));
  }
  OnnxImportOptions importOptions;
  importOptions.maxModelBytes = kFuzzMaxModelBytes;
  FailureOr<OwningOpRef<ModuleOp>> module =
      importOnnxModel(ctx, path, importOptions);
  if (failed(module)) {
    return done(false);
  }
  return done(succeeded(runPhases(module->get(), Phase::Import, to, options)));
}
