//===- OpenCL.h - OpenCL C kernels and host object --------------*- C++ -*-===//
//
// The OpenCL branch of the pipeline (DESIGN.md, "Pipeline"): the bufferized,
// memory-planned @main becomes one OpenCL C 1.2 program (one kernel per fused
// group of linalg ops) and its launches; the host object embeds the program
// and runs the launches as generated code that calls runtime/opencl
// (libetch_runtime_opencl.a).
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_OPENCL_OPENCL_H
#define ETCH_CODEGEN_OPENCL_OPENCL_H

#include "etch/codegen/Common/EmitObject.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Support/LLVM.h"

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::etch::opencl {

#define GEN_PASS_DECL
#include "codegen/OpenCL/Passes.h.inc"

/// Registers --etch-opencl-select-strategy.
void registerEtchOpenCLPasses();

/// A GPU the schedules are tuned for (`--mcpu=` with `--target=opencl`).
struct DevicePreset {
  std::string name;
  /// Work-items per work-group for 1-D (elementwise, generic) kernels.
  int64_t workgroupSize = 64;
  /// 2-D work-group of the tiled GEMM/conv kernels: (output columns, rows).
  int64_t tileX = 8, tileY = 8;
  /// Outputs per work-item along the vectorized dimension (1 or 4).
  int64_t vectorWidth = 4;
  /// Stage operand tiles in __local memory in GEMM/conv kernels.
  bool useLocalMemory = true;
  /// Reduction-dimension tile staged per step.
  int64_t tileK = 16;
};

/// The known presets: adreno640, adreno740, mali-g76, mali-g710, generic.
std::optional<DevicePreset> lookupDevicePreset(llvm::StringRef name);
/// Their names, comma separated, for messages.
std::string listDevicePresets();

/// Options of one OpenCL compilation.
struct OpenCLOptions {
  DevicePreset preset;
  /// Compute in half (cl_khr_fp16) where the model computes in f32, and keep
  /// f32 intermediates as half in the arena; weights and the tensors at the
  /// ABI stay f32 (loads and stores convert), GEMM/convolution accumulators
  /// stay float.
  bool fp16 = false;
};

/// Buffer slots every kernel argument refers to: the arena, the weights,
/// then the model's inputs and outputs in order.
enum : uint32_t { kArenaSlot = 0, kWeightsSlot = 1, kFirstIOSlot = 2 };

/// One kernel launch of the program, in execution order.
struct OpenCLKernel {
  std::string name;
  /// What emitted it: "gemm", "conv2d", "depthwise", "generic", "copy".
  std::string pattern;
  /// Buffer slot per kernel argument.
  std::vector<uint32_t> args;
  uint32_t workDim = 1;
  std::array<uint64_t, 3> global = {1, 1, 1};
  /// All zero: the driver picks.
  std::array<uint64_t, 3> local = {0, 0, 0};
};

/// A whole model as OpenCL.
struct OpenCLProgram {
  std::string source;
  /// With fp16: the same kernels (names, arguments, NDRanges) in float, which
  /// the runtime builds on devices without cl_khr_fp16. Empty otherwise.
  std::string fp32Source;
  std::vector<OpenCLKernel> kernels;
  /// Every weight, 64-byte aligned, in one blob (one device buffer).
  std::vector<char> weights;
  uint64_t arenaSize = 0;
  bool needsFP16 = false;
};

/// Builds the program from the memory-planned entry function `entry` of
/// `module` (the `bufferized` phase, with `#etch.schedule` attributes where
/// the strategy selection wrote them). Emits an error naming the op it cannot
/// map and fails.
FailureOr<OpenCLProgram> buildOpenCLProgram(ModuleOp module,
                                            const OpenCLOptions &options,
                                            llvm::StringRef entry = "main");

/// What an OpenCL host object is made of, in bytes (`--size-report`).
struct OpenCLObjectSizes {
  /// Executable sections: the generated host code.
  uint64_t hostCode = 0;
  /// Kernel sources (both programs with fp16), NUL included.
  uint64_t kernelSource = 0;
  uint64_t weights = 0;
  /// Other read-only data: ABI tables, names, the program descriptor.
  uint64_t otherConstants = 0;
  /// Writable sections: the device state pointer.
  uint64_t staticRAM = 0;
};

/// The host object: the kernel sources, the weights, the C ABI
/// (`<name>_model`, `<name>_run`) and `<name>_init`/`<name>_release`, with the
/// launch sequence as code calling runtime/opencl. `sizes` (may be null)
/// receives what the object is made of.
LogicalResult emitOpenCLObject(ModuleOp module, const OpenCLProgram &program,
                               const ModelSignature &signature,
                               llvm::TargetMachine &tm,
                               llvm::SmallVectorImpl<char> &object,
                               OpenCLObjectSizes *sizes = nullptr);

/// The host object's LLVM IR as text (`--compile-to=llvm`).
LogicalResult printOpenCLHostIR(ModuleOp module, const OpenCLProgram &program,
                                const ModelSignature &signature,
                                llvm::TargetMachine &tm, llvm::raw_ostream &os);

/// `etch-compile --size-report` of an OpenCL object: host code, kernel
/// sources, weights (host and device), and the device buffers (arena of
/// intermediates, inputs, outputs); `json` for one JSON object.
void printOpenCLSizeReport(llvm::raw_ostream &os,
                           const ModelSignature &signature,
                           const OpenCLProgram &program,
                           const OpenCLObjectSizes &sizes,
                           llvm::StringRef hostTriple, bool json);

/// The header: emitModelHeader's, plus the OpenCL entry points.
std::string emitOpenCLModelHeader(const ModelSignature &signature,
                                  const OpenCLProgram &program,
                                  llvm::StringRef sourceDescription);

/// `program.source` followed by the launch table as `//` comments.
void printOpenCLProgram(const OpenCLProgram &program, llvm::raw_ostream &os);

/// Registers the `etch-to-opencl` translation (etch-translate).
void registerEtchOpenCLTranslation();

} // namespace mlir::etch::opencl

#endif // ETCH_CODEGEN_OPENCL_OPENCL_H
