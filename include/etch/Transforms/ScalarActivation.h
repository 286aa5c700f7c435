//===- ScalarActivation.h - activation ops as (kind, alpha, beta) -*- C++ -*-=//
//
// One description of the activation ops shared by activation fusion,
// constant folding and the Linalg lowering, so all three agree on the
// meaning of `act_alpha`/`act_beta` (Clip: alpha = min, beta = max).
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_TRANSFORMS_SCALARACTIVATION_H
#define ETCH_TRANSFORMS_SCALARACTIVATION_H

#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::etch {

struct ScalarActivation {
  ActivationKind kind = ActivationKind::None;
  float alpha = 0.0f;
  float beta = 0.0f;

  /// Reference semantics on one f32 value (used for compile-time folding;
  /// the lowering emits the same formulas as arith/math ops).
  float apply(float x) const;
};

/// The activation computed by a unary activation op (relu, clip, sigmoid,
/// tanh, hard_sigmoid, hard_swish, leaky_relu), or std::nullopt.
std::optional<ScalarActivation> getScalarActivation(Operation *op);

} // namespace mlir::etch

#endif // ETCH_TRANSFORMS_SCALARACTIVATION_H
