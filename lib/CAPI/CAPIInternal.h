//===- CAPIInternal.h - Objects behind the C API handles --------*- C++ -*-===//
//
// The session and result the opaque handles of etch-c/Compiler.h point to,
// and the diagnostic collector both compile entry points share.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_CAPI_CAPIINTERNAL_H
#define ETCH_LIB_CAPI_CAPIINTERNAL_H

#include "etch-c/Compiler.h"
#include "etch/Pipelines/Pipelines.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mlir::etch::capi {

struct Session {
  CompileOptions options;
  std::string lastError;
};

struct DiagnosticRecord {
  EtchSeverity severity = ETCH_SEVERITY_ERROR;
  std::string node, op, message, location;
};

struct Result {
  bool succeeded = false;
  CompileOutputs outputs;
  std::vector<DiagnosticRecord> diagnostics;
  std::string lastError;
  std::string scheduleReportMessage;
  /// `--schedule-report` remarks, one per root op: JSON array and text.
  std::string scheduleReportJson, scheduleReportText;
};

/// Records every diagnostic of `ctx` into `records` while alive. Paths equal
/// to `hiddenPath` (the temporary file of a compilation from memory) read
/// `shownPath` in locations and messages.
class DiagnosticCollector {
public:
  DiagnosticCollector(MLIRContext &ctx, std::vector<DiagnosticRecord> &records,
                      llvm::StringRef hiddenPath, llvm::StringRef shownPath);

  bool sawError() const { return errors > 0; }

private:
  void record(Diagnostic &diag);
  std::string reword(llvm::StringRef text) const;

  std::vector<DiagnosticRecord> &records;
  std::string hiddenPath, shownPath;
  unsigned errors = 0;
  ScopedDiagnosticHandler handler;
};

/// Fills the `op` of records that name a node but not its op type from the
/// ONNX model at `modelPath` (nodes named as the importer names them:
/// `<op>_<index>` when unnamed; subgraphs included). Leaves the records
/// alone if the file is not a readable ONNX model.
void fillOnnxOpTypes(llvm::StringRef modelPath,
                     std::vector<DiagnosticRecord> &records);

} // namespace mlir::etch::capi

#endif // ETCH_LIB_CAPI_CAPIINTERNAL_H
