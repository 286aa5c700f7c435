//===- TargetInfo.h - CPU target facts for schedule heuristics --*- C++ -*-===//
//
// The few facts about a CPU that the tiling heuristics need (f32 lanes per
// vector register, number of vector registers, FMA), resolved from a target
// triple / cpu / feature string through LLVM's MC layer.
//
// Convention: a module may carry the target as a dictionary attribute
//   module attributes {etch.target = {triple = "x86_64-unknown-linux-gnu",
//                                     cpu = "skylake-avx512",
//                                     features = "+avx512f,+fma"}} { ... }
// All three entries are optional strings; cpu = "native" (or a missing triple
// and cpu) means the host.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_LLVMCPU_TARGETINFO_H
#define ETCH_CODEGEN_LLVMCPU_TARGETINFO_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::etch::llvmcpu {

/// Name of the module attribute holding the target dictionary.
constexpr llvm::StringLiteral kTargetAttrName = "etch.target";

struct CPUTargetInfo {
  std::string triple;
  std::string cpu;
  std::string features;
  /// f32 lanes of the widest native vector register (1: no SIMD).
  int64_t vectorWidthF32 = 1;
  /// Number of architectural vector registers usable for accumulators.
  int64_t numVectorRegisters = 8;
  bool hasFMA = false;
  /// x86 int8 dot products: `vpdpbusd` at 512 bits (AVX-512 VNNI), with
  /// 128/256-bit forms (AVX-512 VL), or at 128/256 bits only (AVX-VNNI).
  bool hasAVX512VNNI = false;
  bool hasAVX512VL = false;
  bool hasAVXVNNI = false;
  /// AArch64 int8 dot products: `sdot`/`udot` (Armv8.2 dotprod: 4 i32 lanes
  /// each += 4 byte products) and `usdot`/`smmla` (i8mm).
  bool hasDotProd = false;
  bool hasI8MM = false;
  /// f32/f64 roundeven/floor/ceil/trunc are instructions (x86 SSE4.1,
  /// AArch64), so LLVM never turns them into libm calls.
  bool hasNativeRounding = false;
  /// The widest vector ISA in words a user reads, e.g. "AVX-512",
  /// "SSE2", "NEON", "Helium (MVE)", "none".
  std::string vectorISA = "none";
};

/// One line for users: "x86-64 'generic' (SSE2, 4 f32 lanes, no FMA)".
std::string describeCPUTarget(const CPUTargetInfo &info);

/// Resolves `triple`/`cpu`/`features` (empty triple or cpu "native": host)
/// into the vector facts. Unknown targets fall back to scalar code.
CPUTargetInfo resolveCPUTarget(llvm::StringRef triple, llvm::StringRef cpu,
                               llvm::StringRef features);

/// Reads the `etch.target` dictionary of `module` (if any); explicit non-empty
/// arguments win over the module attribute.
CPUTargetInfo getCPUTarget(ModuleOp module, llvm::StringRef triple = "",
                           llvm::StringRef cpu = "",
                           llvm::StringRef features = "");

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_TARGETINFO_H
