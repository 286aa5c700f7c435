//===- WorkloadKey.h - canonical keys of tunable workloads ------*- C++ -*-===//
//
// A workload is one root linalg op with the elementwise consumer chain fused
// into its tiles, compiled for one resolved target. Its key is a stable hash
// of a canonical text of the generalized op (indexing maps, iterator types,
// payload op names, element types, static loop ranges), the chain, the
// target triple/cpu/features and the schedule format version, so identical
// layers share a key, a named op and its `linalg.generic` form share a key,
// and a record tuned for another target or schedule format never matches.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_TUNING_WORKLOADKEY_H
#define ETCH_TUNING_WORKLOADKEY_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::etch::tuning {

/// Version of the `#etch.schedule` JSON form the database stores. Bump it
/// whenever a field changes meaning: every key changes with it, so records
/// from an older format are never applied.
constexpr int kScheduleFormatVersion = 1;

/// The resolved target a workload is compiled for.
struct TargetKey {
  std::string triple;
  std::string cpu;
  std::string features;
};

/// The canonical text the key hashes (stable across runs and processes;
/// independent of SSA names, op locations and attribute order).
std::string describeWorkload(linalg::LinalgOp root,
                             ArrayRef<linalg::LinalgOp> consumerChain,
                             const TargetKey &target);

/// "w1-" followed by 16 hex digits of the xxh3 hash of describeWorkload.
std::string computeWorkloadKey(linalg::LinalgOp root,
                               ArrayRef<linalg::LinalgOp> consumerChain,
                               const TargetKey &target);

} // namespace mlir::etch::tuning

#endif // ETCH_TUNING_WORKLOADKEY_H
