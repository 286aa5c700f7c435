//===- ExternalData.h - Confined reads of ONNX external data ----*- C++ -*-===//
//
// The one place the importer opens a file named by model bytes. A model may
// only read regular files inside its own folder: absolute locations, `..`
// components and symlinks that resolve outside the folder are rejected, and
// offset + length is checked against the file size before any byte is read
// (the file is read, never memory-mapped, so a file truncated underneath us
// cannot raise SIGBUS).
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_IMPORTER_EXTERNALDATA_H
#define ETCH_LIB_IMPORTER_EXTERNALDATA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlir::etch::importer {

/// Reads exactly `out.size()` bytes at `offset` of the file `location`
/// (as written in the model) relative to `modelDir` into `out`. On failure
/// the error says why in words a user can act on (no path outside the model
/// folder is ever opened).
llvm::Error readConfinedFile(llvm::StringRef modelDir,
                             llvm::StringRef location, uint64_t offset,
                             llvm::MutableArrayRef<char> out);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_EXTERNALDATA_H
