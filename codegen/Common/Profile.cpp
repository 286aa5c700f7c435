//===- Profile.cpp - Header and target checks for --profile ---------------===//
#include "etch/codegen/Common/Profile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir::etch {

void addProfileToHeader(std::string &header, llvm::StringRef modelName) {
  std::string upper = modelName.upper();
  std::string text =
      "/* Built with --profile: every run adds each layer's time to this\n"
      " * model's etch_profile_t (see etch/etch.h; link libetch_runtime.a).\n"
      " * NULL until the first run. */\n"
      "#define " +
      upper + "_PROFILE 1\n" + "static inline etch_profile_t *" +
      modelName.str() + "_profile(void) {\n  return etch_profile_find(\"" +
      modelName.str() + "\");\n}\n\n";
  // Inside the extern "C" block, before its end.
  llvm::StringRef anchor = "#ifdef __cplusplus\n} /* extern \"C\" */";
  size_t at = header.rfind(anchor.str());
  if (at == std::string::npos) {
    at = header.rfind("#endif");
  }
  header.insert(at == std::string::npos ? header.size() : at, text);
}

std::string profileUnsupportedReason(llvm::StringRef triple) {
  llvm::Triple parsed(llvm::Triple::normalize(triple));
  if (parsed.getOS() == llvm::Triple::UnknownOS) {
    return "--profile times layers with the runtime's clock "
           "(clock_gettime), which needs an operating system; '" +
           parsed.str() +
           "' is a bare-metal target. Profile a build for a host with an "
           "OS, e.g. --target=x86_64-linux-gnu or aarch64-linux-gnu";
  }
  return "";
}

} // namespace mlir::etch
