//===- TargetInfo.cpp - CPU target facts for schedule heuristics ----------===//
#include "etch/codegen/LLVMCPU/TargetInfo.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>

using namespace mlir;
using namespace mlir::etch::llvmcpu;

namespace {
std::string hostFeatureString() {
  llvm::SmallVector<std::string> parts;
  for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
    parts.push_back((feature.second ? "+" : "-") + feature.first().str());
  }
  return llvm::join(parts, ",");
}

/// Asks the MC layer whether `feature` is enabled for (cpu, features); falls
/// back to scanning the feature string when the target is not registered.
struct FeatureQuery {
  std::unique_ptr<llvm::MCSubtargetInfo> sti;
  std::string features;
  bool has(llvm::StringRef feature) const {
    if (sti) {
      return sti->checkFeatures(("+" + feature).str());
    }
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(features).split(parts, ',');
    bool enabled = false;
    for (llvm::StringRef part : parts) {
      if (part.drop_front() == feature) {
        enabled = part.front() == '+';
      }
    }
    return enabled;
  }
};
} // namespace

CPUTargetInfo mlir::etch::llvmcpu::resolveCPUTarget(llvm::StringRef triple,
                                                    llvm::StringRef cpu,
                                                    llvm::StringRef features) {
  CPUTargetInfo info;
  bool native = cpu == "native" || (triple.empty() && cpu.empty());
  info.triple = triple.empty() ? llvm::sys::getProcessTriple() : triple.str();
  info.cpu = native ? llvm::sys::getHostCPUName().str() : cpu.str();
  info.features = features.str();
  if (native && features.empty()) {
    info.features = hostFeatureString();
  }

  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargetMCs();
  FeatureQuery query;
  query.features = info.features;
  llvm::Triple parsed(info.triple);
  std::string error;
  if (const llvm::Target *target =
          llvm::TargetRegistry::lookupTarget(parsed, error)) {
    query.sti.reset(
        target->createMCSubtargetInfo(parsed, info.cpu, info.features));
  }

  switch (parsed.getArch()) {
  case llvm::Triple::x86_64:
  case llvm::Triple::x86:
    info.numVectorRegisters = parsed.getArch() == llvm::Triple::x86_64 ? 16 : 8;
    if (query.has("avx512f")) {
      info.vectorWidthF32 = 16;
      info.numVectorRegisters = 32;
      info.vectorISA = "AVX-512";
    } else if (query.has("avx")) {
      info.vectorWidthF32 = 8;
      info.vectorISA = query.has("avx2") ? "AVX2" : "AVX";
    } else if (query.has("sse")) {
      info.vectorWidthF32 = 4;
      info.vectorISA = query.has("sse4.2")   ? "SSE4.2"
                       : query.has("ssse3") ? "SSSE3"
                                            : "SSE2";
    }
    info.hasFMA = query.has("fma");
    info.hasAVX512VNNI = query.has("avx512vnni");
    info.hasAVX512VL = query.has("avx512vl");
    info.hasAVXVNNI = query.has("avxvnni");
    info.hasNativeRounding = query.has("sse4.1");
    break;
  case llvm::Triple::aarch64:
  case llvm::Triple::aarch64_be:
    // AdvSIMD is baseline on AArch64: 32 x 128-bit registers, fused FMLA.
    info.vectorWidthF32 = query.sti && !query.has("neon") ? 1 : 4;
    info.vectorISA = info.vectorWidthF32 == 4 ? "NEON" : "none";
    info.numVectorRegisters = 32;
    info.hasFMA = true;
    // FRINTN/FRINTM/FRINTP/FRINTZ are base Armv8 FP (scalar and AdvSIMD).
    info.hasNativeRounding = !query.sti || query.has("fp-armv8");
    // From the cpu's LLVM features: cortex-a55/a76, neoverse-n1, apple-m1
    // have dotprod; cortex-a53/a72 do not.
    info.hasDotProd = info.vectorWidthF32 == 4 && query.has("dotprod");
    info.hasI8MM = info.vectorWidthF32 == 4 && query.has("i8mm");
    break;
  case llvm::Triple::arm:
  case llvm::Triple::thumb:
    if (query.has("mve.fp")) {
      // Helium: 8 Q registers.
      info.vectorWidthF32 = 4;
      info.numVectorRegisters = 8;
      info.hasFMA = true;
      info.vectorISA = "Helium (MVE)";
    } else if (query.has("neon")) {
      info.vectorWidthF32 = 4;
      info.numVectorRegisters = 16;
      info.hasFMA = query.has("vfp4");
      info.vectorISA = "NEON";
    } else {
      info.numVectorRegisters = 16;
      info.hasFMA = query.has("vfp4");
    }
    break;
  default:
    break;
  }
  return info;
}

CPUTargetInfo mlir::etch::llvmcpu::getCPUTarget(ModuleOp module,
                                                llvm::StringRef triple,
                                                llvm::StringRef cpu,
                                                llvm::StringRef features) {
  std::string t = triple.str(), c = cpu.str(), f = features.str();
  if (module) {
    if (auto dict = module->getAttrOfType<DictionaryAttr>(kTargetAttrName)) {
      auto get = [&](llvm::StringRef key, std::string &dst) {
        if (!dst.empty()) {
          return;
        }
        if (auto str = dict.getAs<StringAttr>(key)) {
          dst = str.getValue().str();
        }
      };
      get("triple", t);
      get("cpu", c);
      get("features", f);
    }
  }
  return resolveCPUTarget(t, c, f);
}

std::string mlir::etch::llvmcpu::describeCPUTarget(const CPUTargetInfo &info) {
  llvm::Triple parsed(info.triple);
  std::string text = parsed.getArchName().str() + " '" +
                     (info.cpu.empty() ? std::string("generic") : info.cpu) +
                     "' (" +
                     (info.vectorWidthF32 > 1
                          ? info.vectorISA + ", " +
                                std::to_string(info.vectorWidthF32) +
                                " f32 lanes"
                          : std::string("no vector unit")) +
                     (info.hasFMA ? ", FMA)" : ", no FMA)");
  return text;
}
