//===- OpenCLSizeReport.cpp - Footprint of an OpenCL model ----------------===//
//
// `etch-compile --size-report` with `--target=opencl`: what the host object
// holds (host code, kernel sources, weights, other constants) and what the
// device allocates at init (the arena of intermediates, the weights, one
// buffer per input and output).
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/SizeReport.h"
#include "etch/codegen/OpenCL/OpenCL.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

namespace mlir::etch::opencl {

namespace {

uint64_t ioBytes(const std::vector<TensorInfo> &tensors) {
  uint64_t total = 0;
  for (const TensorInfo &t : tensors) {
    total += t.byteSize();
  }
  return total;
}

void row(llvm::raw_ostream &os, unsigned indent, llvm::StringRef label,
         uint64_t bytes, llvm::StringRef note = "") {
  printSizeReportRow(os, indent, label, bytes, note);
}

} // namespace

void printOpenCLSizeReport(llvm::raw_ostream &os, const ModelSignature &sig,
                           const OpenCLProgram &program,
                           const OpenCLObjectSizes &sizes,
                           llvm::StringRef hostTriple, bool json) {
  uint64_t inputs = ioBytes(sig.inputs), outputs = ioBytes(sig.outputs);
  uint64_t device =
      program.arenaSize + program.weights.size() + inputs + outputs;
  std::string programs =
      program.fp32Source.empty() ? "1 program" : "fp16 program + fp32 fallback";
  if (json) {
    llvm::json::Object object{
        {"host_code", sizes.hostCode},
        {"kernel_source", sizes.kernelSource},
        {"kernels", static_cast<uint64_t>(program.kernels.size())},
        {"fp32_fallback", !program.fp32Source.empty()},
        {"weights", sizes.weights},
        {"other_constants", sizes.otherConstants},
        {"static_ram", sizes.staticRAM}};
    llvm::json::Object deviceObject{{"total", device},
                                    {"arena", program.arenaSize},
                                    {"weights", program.weights.size()},
                                    {"inputs", inputs},
                                    {"outputs", outputs}};
    llvm::json::Object root{{"model", sig.name},
                            {"target", "opencl"},
                            {"host", hostTriple.str()},
                            {"object", std::move(object)},
                            {"device", std::move(deviceObject)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return;
  }
  os << "size report: " << sig.name << " (opencl, host " << hostTriple << ")\n";
  os << "  object\n";
  row(os, 4, "host code", sizes.hostCode,
      sig.name + "_init, " + sig.name +
          "_run: " + std::to_string(program.kernels.size()) + " launches");
  row(os, 4, "kernel source", sizes.kernelSource, "OpenCL C, " + programs);
  row(os, 4, "weights", sizes.weights, "uploaded once at init");
  row(os, 4, "other constants", sizes.otherConstants,
      "ABI tables, kernel names");
  row(os, 4, "static RAM", sizes.staticRAM, "the device state pointer");
  os << "  device buffers\n";
  row(os, 4, "arena", program.arenaSize, "intermediates, kept for the run");
  row(os, 4, "weights", program.weights.size());
  row(os, 4, "inputs", inputs);
  row(os, 4, "outputs", outputs);
  row(os, 4, "total", device);
}

} // namespace mlir::etch::opencl
