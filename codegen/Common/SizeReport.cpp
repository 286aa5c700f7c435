//===- SizeReport.cpp - Footprint of a compiled model ---------------------===//
#include "etch/codegen/Common/SizeReport.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

namespace mlir::etch {

std::optional<SizeReportFormat> parseSizeReportFormat(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<SizeReportFormat>>(name)
      .Case("text", SizeReportFormat::Text)
      .Case("json", SizeReportFormat::Json)
      .Default(std::nullopt);
}

namespace {

/// arena / lower bound, or 1 when both are 0.
double arenaRatio(const ModelSignature &sig) {
  if (sig.arenaLowerBound == 0) {
    return sig.arenaSize == 0 ? 1.0 : 0.0;
  }
  return static_cast<double>(sig.arenaSize) /
         static_cast<double>(sig.arenaLowerBound);
}

void printJson(llvm::raw_ostream &os, const ModelSignature &sig,
               const ObjectSizes &sizes, const TargetSpec &target) {
  llvm::json::Object code{{"total", sizes.kernelCode + sizes.glueCode},
                          {"kernels", sizes.kernelCode},
                          {"entry", sizes.glueCode}};
  llvm::json::Object readOnly{
      {"weights", sizes.weights},
      {"weights_section", sizes.weightsSection},
      {"abi_tables", sizes.abiTables},
      {"other", sizes.otherConstants},
  };
  llvm::json::Object arena{{"size", sig.arenaSize},
                           {"align", sig.arenaAlign},
                           {"lower_bound", sig.arenaLowerBound},
                           {"ratio", arenaRatio(sig)}};
  llvm::json::Object root{{"model", sig.name},
                          {"triple", target.triple},
                          {"cpu", target.cpu},
                          {"code", std::move(code)},
                          {"read_only", std::move(readOnly)},
                          {"static_ram", sizes.staticRAM},
                          {"arena", std::move(arena)}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

void row(llvm::raw_ostream &os, unsigned indent, llvm::StringRef label,
         uint64_t bytes, llvm::StringRef note = "") {
  printSizeReportRow(os, indent, label, bytes, note);
}

void printText(llvm::raw_ostream &os, const ModelSignature &sig,
               const ObjectSizes &sizes, const TargetSpec &target) {
  os << "size report: " << sig.name << " (" << target.triple << ", "
     << target.cpu << ")\n";
  row(os, 2, "code", sizes.kernelCode + sizes.glueCode);
  row(os, 4, "kernels", sizes.kernelCode, sig.name + "_main");
  row(os, 4, "entry and checks", sizes.glueCode,
      sig.name + "_run, " + sig.name + "_run_impl");
  row(os, 2, "read-only data",
      sizes.weights + sizes.abiTables + sizes.otherConstants);
  row(os, 4, "weights", sizes.weights, "section " + sizes.weightsSection);
  row(os, 4, "ABI tables", sizes.abiTables, sig.name + "_model, descriptors");
  row(os, 4, "other constants", sizes.otherConstants);
  row(os, 2, "static RAM", sizes.staticRAM, ".data + .bss");
  row(os, 2, "arena", sig.arenaSize,
      "caller-provided, " + std::to_string(sig.arenaAlign) + "-byte aligned");
  std::string ratio;
  llvm::raw_string_ostream(ratio) << "arena / bound = "
                                  << llvm::format("%.2f", arenaRatio(sig));
  row(os, 4, "lower bound", sig.arenaLowerBound, ratio);
}

} // namespace

void printSizeReportRow(llvm::raw_ostream &os, unsigned indent,
                        llvm::StringRef label, uint64_t bytes,
                        llvm::StringRef note) {
  os << llvm::left_justify("", indent)
     << llvm::left_justify(label, 26 - indent)
     << llvm::format_decimal(bytes, 10) << " B";
  if (!note.empty()) {
    os << "  " << note;
  }
  os << "\n";
}

void printSizeReport(llvm::raw_ostream &os, const ModelSignature &signature,
                     const ObjectSizes &sizes, const TargetSpec &target,
                     SizeReportFormat format) {
  if (format == SizeReportFormat::Json) {
    printJson(os, signature, sizes, target);
  } else {
    printText(os, signature, sizes, target);
  }
}

} // namespace mlir::etch
