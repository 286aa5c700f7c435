//===- Profile.h - etch-compile --profile support ---------------*- C++ -*-===//
//
// The passes are `etch-common-profile-layers` and
// `etch-common-profile-instrument` (ProfilePasses.td); this is what the
// driver needs besides them.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_PROFILE_H
#define ETCH_CODEGEN_COMMON_PROFILE_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::etch {

/// Adds to the generated `<name>.h` text `header` the declarations of a
/// profiled object: `#define <NAME>_PROFILE 1` and
/// `etch_profile_t *<name>_profile(void)`.
void addProfileToHeader(std::string &header, llvm::StringRef modelName);

/// Why `triple` cannot be profiled (empty if it can): the profile clock is
/// the runtime's clock_gettime, so only targets with an OS qualify.
std::string profileUnsupportedReason(llvm::StringRef triple);

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_PROFILE_H
