//===- SizeReport.h - Footprint of a compiled model -------------*- C++ -*-===//
//
// `etch-compile --size-report`: code, weights, ABI tables, static RAM and the
// arena of one emitted object, the arena set against its lower bound.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_SIZEREPORT_H
#define ETCH_CODEGEN_COMMON_SIZEREPORT_H

#include "etch/codegen/Common/EmitObject.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace mlir::etch {

enum class SizeReportFormat { Text, Json };

/// "text" or "json".
std::optional<SizeReportFormat> parseSizeReportFormat(llvm::StringRef name);

/// One line of the text report: `label`, indented, then the bytes aligned
/// and an optional note (the OpenCL report uses it too).
void printSizeReportRow(llvm::raw_ostream &os, unsigned indent,
                        llvm::StringRef label, uint64_t bytes,
                        llvm::StringRef note = "");

/// Prints the footprint of the object for `signature` (measured into `sizes`
/// by emitModelObject) for `target`, as an aligned table or one JSON object.
void printSizeReport(llvm::raw_ostream &os, const ModelSignature &signature,
                     const ObjectSizes &sizes, const TargetSpec &target,
                     SizeReportFormat format);

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_SIZEREPORT_H
