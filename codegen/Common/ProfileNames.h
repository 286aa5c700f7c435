//===- ProfileNames.h - ONNX node names of ops, for --profile ---*- C++ -*-===//
#ifndef ETCH_CODEGEN_COMMON_PROFILENAMES_H
#define ETCH_CODEGEN_COMMON_PROFILENAMES_H

#include "mlir/IR/Location.h"

#include <optional>

namespace mlir::etch {

/// The module attribute that carries `{node name = {op, flops}}`.
inline constexpr llvm::StringLiteral kProfileNodesAttrName =
    "etch.profile.nodes";

/// The ONNX node an op came from: the first `NameLoc` in its location (the
/// importer names every op after its node; graph fusions put the fused
/// root's location first).
inline std::optional<StringAttr> profileNodeName(Location loc) {
  std::optional<StringAttr> found;
  loc->walk([&](Location nested) {
    if (auto name = dyn_cast<NameLoc>(nested)) {
      found = name.getName();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_PROFILENAMES_H
