//===- TranslateToOpenCL.cpp - The etch-to-opencl translation -------------===//
//
// `etch-translate --etch-to-opencl` prints the OpenCL C program of a
// memory-planned module (the `bufferized` phase) followed by its launch
// table as comments, so lit tests can FileCheck each kernel pattern.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/OpenCL/OpenCL.h"

#include "etch/codegen/Common/Passes.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::etch::opencl {

namespace {
llvm::cl::opt<std::string> presetFlag(
    "etch-opencl-mcpu", llvm::cl::init("generic"),
    llvm::cl::desc("Device preset of --etch-to-opencl (adreno640, adreno740, "
                   "mali-g76, mali-g710, generic)"));
llvm::cl::opt<bool> fp16Flag(
    "etch-opencl-fp16", llvm::cl::init(false),
    llvm::cl::desc("--etch-to-opencl computes in half (cl_khr_fp16)"));
} // namespace

void printOpenCLProgram(const OpenCLProgram &program, llvm::raw_ostream &os) {
  os << program.source;
  os << "\n// launch table: " << program.kernels.size() << " kernels, arena "
     << program.arenaSize << " bytes, weights " << program.weights.size()
     << " bytes\n";
  for (const OpenCLKernel &k : program.kernels) {
    os << "// launch " << k.name << " pattern=" << k.pattern << " args=[";
    llvm::interleaveComma(k.args, os);
    os << "] global=[" << k.global[0] << ", " << k.global[1] << ", "
       << k.global[2] << "] local=[" << k.local[0] << ", " << k.local[1]
       << ", " << k.local[2] << "]\n";
  }
}

void registerEtchOpenCLTranslation() {
  TranslateFromMLIRRegistration registration(
      "etch-to-opencl", "Print the OpenCL C program of a memory-planned module",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module) {
          return op->emitError() << "expected a module";
        }
        std::optional<DevicePreset> preset = lookupDevicePreset(presetFlag);
        if (!preset) {
          return op->emitError() << "unknown OpenCL device preset '"
                                 << presetFlag << "'; known: "
                                 << listDevicePresets();
        }
        OpenCLOptions options;
        options.preset = *preset;
        options.fp16 = fp16Flag;
        FailureOr<OpenCLProgram> program = buildOpenCLProgram(module, options);
        if (failed(program)) {
          return failure();
        }
        printOpenCLProgram(*program, os);
        return success();
      },
      [](DialectRegistry &registry) {
        registerEtchCommonDialects(registry);
        registry.insert<EtchDialect>();
      });
}

} // namespace mlir::etch::opencl
