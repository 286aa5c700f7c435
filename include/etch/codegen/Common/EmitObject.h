//===- EmitObject.h - Model object and header emission ----------*- C++ -*-===//
//
// The last phase: the LLVM-dialect module becomes an ELF object that
// implements the C ABI of runtime/include/etch/etch.h (descriptor tables,
// `<name>_model`, the typed `<name>_run`), plus the matching `<name>.h`.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_EMITOBJECT_H
#define ETCH_CODEGEN_COMMON_EMITOBJECT_H

#include "mlir/Support/Timing.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace mlir::etch {

/// One model input or output as the C ABI describes it.
struct TensorInfo {
  std::string name;  ///< ONNX name (`etch.name`).
  std::string cName; ///< A unique C identifier derived from `name`.
  int32_t dtype = 0; ///< etch_dtype_t value.
  std::string cType; ///< Element type in C (`float`, `int8_t`, ...).
  uint32_t elementBytes = 0; ///< sizeof(cType).
  /// 4 or 2 for the packed sub-byte dtypes (int4, int2, ...), else 0.
  uint32_t packedBits = 0;
  std::vector<int64_t> shape;

  /// Bytes of the dense tensor (packed: rounded up to whole bytes).
  uint64_t byteSize() const {
    uint64_t n = 1;
    for (int64_t d : shape) {
      n *= static_cast<uint64_t>(d);
    }
    return packedBits ? (n * packedBits + 7) / 8 : n * elementBytes;
  }
};

/// Everything the object's tables and the header state about a model.
struct ModelSignature {
  std::string name; ///< C prefix of every exported symbol.
  std::vector<TensorInfo> inputs, outputs;
  uint64_t arenaSize = 0;
  uint64_t arenaAlign = 1;
  /// The most bytes simultaneously live in the planned op order
  /// (`etch.arena_lower_bound`); 0 if the planner did not record it.
  uint64_t arenaLowerBound = 0;
  /// Threads the code splits its layers over (`--threads`, the model's
  /// `max_threads`); the arena holds this many copies of per-thread scratch.
  int64_t threads = 1;
};

/// What an emitted object is made of, in bytes (`etch-compile
/// --size-report`). Code and data come from the object's sections and
/// symbols, so they are what a linker places.
struct ObjectSizes {
  /// Executable sections: the model body (`<name>_main`, every layer's
  /// kernel inlined or called from it) and the ABI glue.
  uint64_t kernelCode = 0;
  /// `<name>_run` and `<name>_run_impl`: argument checks and the calls.
  uint64_t glueCode = 0;
  /// Model constants: weights, biases, lookup tables.
  uint64_t weights = 0;
  /// Section holding the weights (".rodata" unless --weights-section).
  std::string weightsSection;
  /// `<name>_model`, tensor descriptors, names and shapes.
  uint64_t abiTables = 0;
  /// Other read-only data (the code generator's constant pools, padding).
  uint64_t otherConstants = 0;
  /// Writable sections (.data, .bss): etch objects keep none.
  uint64_t staticRAM = 0;
};

/// `text` as a C identifier: other characters become '_', a leading digit
/// gets a prefix, C keywords get a '_' suffix. Never empty.
std::string sanitizeCIdentifier(llvm::StringRef text);

/// Reads the signature of the memory-planned entry function `entry` of
/// `module`: arguments without `etch.output`/`etch.arena` are inputs, those
/// with `etch.output` outputs, in order; names from `etch.name`; arena from
/// `etch.arena_size`/`etch.arena_align`. Emits an error on `module` (e.g. an
/// element type the ABI has no dtype for) and fails.
FailureOr<ModelSignature> readModelSignature(ModuleOp module,
                                             llvm::StringRef modelName,
                                             llvm::StringRef entry = "main");

/// The `<name>.h` text for `signature` (see DESIGN.md, "The C ABI").
std::string emitModelHeader(const ModelSignature &signature,
                            llvm::StringRef sourceDescription);

/// Where the object is for.
struct TargetSpec {
  std::string triple;   ///< Empty: the host's.
  std::string cpu;      ///< "generic" by default; "native" = the host's.
  std::string features; ///< "+a,-b"; with cpu "native", added to the host's.
};

/// Builds the TargetMachine for `spec` (all LLVM targets are initialized on
/// first use). PIC for targets with an OS, static for bare metal. On error,
/// returns null and sets `error`.
std::unique_ptr<llvm::TargetMachine>
createEtchTargetMachine(const TargetSpec &spec, unsigned optLevel,
                        std::string &error);

/// Translates the LLVM-dialect `module` (entry function `entry`, bare-pointer
/// arguments: inputs, outputs, arena) to LLVM IR, adds the ABI tables and
/// wrappers for `signature`, optimizes at `optLevel` (0-3) and writes a
/// relocatable object for `tm` into `object`. Fails, with an error on
/// `module`, if the object would reference anything but the C library
/// (memcpy/memset/memmove), compiler-runtime helpers (`__*`) and the etch
/// runtime (`etch_*`). With `sizes`, also measures the object; with
/// `timing`, times its steps (translation, optimization, code generation)
/// in nested scopes.
LogicalResult emitModelObject(ModuleOp module, const ModelSignature &signature,
                              llvm::TargetMachine &tm, unsigned optLevel,
                              llvm::SmallVectorImpl<char> &object,
                              llvm::StringRef entry = "main",
                              llvm::StringRef weightsSection = "",
                              ObjectSizes *sizes = nullptr,
                              TimingScope *timing = nullptr);

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_EMITOBJECT_H
