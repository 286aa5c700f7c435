//===- ExternalData.cpp - Confined reads of ONNX external data ------------===//
#include "ExternalData.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

static Error userError(const Twine &msg) {
  return createStringError(std::make_error_code(std::errc::invalid_argument),
                           msg);
}

/// True when `path` equals `dir` or lies below it (both already resolved).
static bool isInside(StringRef dir, StringRef path) {
  if (!path.starts_with(dir)) {
    return false;
  }
  StringRef rest = path.drop_front(dir.size());
  return rest.empty() || sys::path::is_separator(rest.front()) ||
         sys::path::is_separator(dir.back());
}

/// The real path of `location` below `modelDir`, after every check: a
/// relative path that stays inside the folder (symlinks resolved), a regular
/// file, and offset + length within its size.
static Expected<SmallString<256>> resolveConfined(StringRef modelDir,
                                                  StringRef location,
                                                  uint64_t offset,
                                                  uint64_t length) {
  // ONNX's own checker applies the same rules: a location is a relative
  // path below the model's folder.
  if (location.empty()) {
    return userError("external data location is empty");
  }
  if (location.contains('\0')) {
    return userError("external data location contains a NUL byte");
  }
  if (sys::path::is_absolute(location, sys::path::Style::posix) ||
      sys::path::is_absolute(location, sys::path::Style::windows) ||
      sys::path::has_root_name(location, sys::path::Style::windows)) {
    return userError("external data location '" + location +
                     "' is absolute; it must be a path relative to the "
                     "model's folder");
  }
  for (StringRef part : make_range(sys::path::begin(location),
                                   sys::path::end(location))) {
    if (part == "..") {
      return userError("external data location '" + location +
                       "' leaves the model's folder ('..')");
    }
  }

  SmallString<256> realDir;
  if (std::error_code ec = sys::fs::real_path(modelDir, realDir)) {
    return userError("cannot resolve the model's folder '" + modelDir +
                     "': " + ec.message());
  }
  SmallString<256> joined(modelDir);
  sys::path::append(joined, location);
  SmallString<256> realFile;
  if (std::error_code ec = sys::fs::real_path(joined, realFile)) {
    return userError("cannot open external data file '" + joined +
                     "': " + ec.message());
  }
  // Symlinks are resolved above: the file itself must still be inside.
  if (!isInside(realDir, realFile)) {
    return userError("external data location '" + location +
                     "' resolves to '" + realFile +
                     "', outside the model's folder '" + realDir + "'");
  }

  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(realFile, status)) {
    return userError("cannot stat external data file '" + realFile +
                     "': " + ec.message());
  }
  if (status.type() != sys::fs::file_type::regular_file) {
    return userError("external data file '" + realFile +
                     "' is not a regular file");
  }
  uint64_t size = status.getSize();
  if (offset > size || length > size - offset) {
    return userError("external data file '" + realFile + "' has " +
                     Twine(size) + " bytes; offset " + Twine(offset) +
                     " + length " + Twine(length) + " lies past its end");
  }
  return realFile;
}

Error mlir::etch::importer::readConfinedFile(StringRef modelDir,
                                             StringRef location,
                                             uint64_t offset,
                                             MutableArrayRef<char> out) {
  Expected<SmallString<256>> realFile =
      resolveConfined(modelDir, location, offset, out.size());
  if (!realFile) {
    return realFile.takeError();
  }
  Expected<sys::fs::file_t> fd = sys::fs::openNativeFileForRead(*realFile);
  if (!fd) {
    return fd.takeError();
  }
  scope_exit closeFd([&] { sys::fs::closeFile(*fd); });
  // Read (not mmap): a file that shrinks after the size check gives a short
  // read and an error, not SIGBUS. readNativeFileSlice may return short
  // reads; loop until done or EOF.
  uint64_t done = 0;
  while (done < out.size()) {
    Expected<size_t> n =
        sys::fs::readNativeFileSlice(*fd, out.drop_front(done), offset + done);
    if (!n) {
      return n.takeError();
    }
    if (*n == 0) {
      return userError("external data file '" + *realFile +
                       "' ended early while reading");
    }
    done += *n;
  }
  return Error::success();
}

Expected<std::unique_ptr<MemoryBuffer>>
mlir::etch::importer::mapConfinedFile(StringRef modelDir, StringRef location,
                                      uint64_t offset, uint64_t length) {
  Expected<SmallString<256>> realFile =
      resolveConfined(modelDir, location, offset, length);
  if (!realFile) {
    return realFile.takeError();
  }
  Expected<sys::fs::file_t> fd = sys::fs::openNativeFileForRead(*realFile);
  if (!fd) {
    return fd.takeError();
  }
  scope_exit closeFd([&] { sys::fs::closeFile(*fd); });
  // IsVolatile=false lets LLVM map the slice (it reads slices under four
  // pages); the mapping outlives the descriptor.
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getOpenFileSlice(*fd, *realFile, length, offset,
                                     /*IsVolatile=*/false);
  if (!buffer) {
    return userError("cannot map external data file '" + *realFile +
                     "': " + buffer.getError().message());
  }
  return std::move(*buffer);
}
