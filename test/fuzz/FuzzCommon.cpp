//===- FuzzCommon.cpp - shared setup of the etch fuzz targets -------------===//
#include "FuzzCommon.h"

#include "etch/Importer/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace mlir;
using namespace mlir::etch;

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
  ScopedDiagnosticHandler swallow(&ctx, [](Diagnostic &) { return success(); });

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
    return succeeded(compile(ctx, options));
  }
  OnnxImportOptions importOptions;
  importOptions.maxModelBytes = kFuzzMaxModelBytes;
  FailureOr<OwningOpRef<ModuleOp>> module =
      importOnnxModel(ctx, path, importOptions);
  if (failed(module)) {
    return false;
  }
  return succeeded(runPhases(module->get(), Phase::Import, to, options));
}
