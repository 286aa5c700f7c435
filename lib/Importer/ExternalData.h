//===- ExternalData.h - Confined reads of ONNX external data ----*- C++ -*-===//
//
// The one place the importer opens a file named by model bytes. A model may
// only read regular files inside its own folder: absolute locations, `..`
// components and symlinks that resolve outside the folder are rejected, and
// offset + length is checked against the file size before any byte is read.
//
// Small tensors are read. Large ones are memory-mapped read-only (private,
// file-backed: no heap copy, and pages are only loaded when codegen reads
// them), so a model whose weights total gigabytes is not held twice. The
// price is the one every mmapping tool (clang, lld) pays: a file truncated by
// another process *during* the compile raises SIGBUS; a file that is already
// too short is a user error as before.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_IMPORTER_EXTERNALDATA_H
#define ETCH_LIB_IMPORTER_EXTERNALDATA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlir::etch::importer {

/// Reads exactly `out.size()` bytes at `offset` of the file `location`
/// (as written in the model) relative to `modelDir` into `out`. On failure
/// the error says why in words a user can act on (no path outside the model
/// folder is ever opened).
llvm::Error readConfinedFile(llvm::StringRef modelDir,
                             llvm::StringRef location, uint64_t offset,
                             llvm::MutableArrayRef<char> out);

/// `length` bytes at `offset` of the file `location` (checked like
/// readConfinedFile), memory-mapped read-only where the OS allows (LLVM reads
/// small slices into the heap instead).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
mapConfinedFile(llvm::StringRef modelDir, llvm::StringRef location,
                uint64_t offset, uint64_t length);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_EXTERNALDATA_H
