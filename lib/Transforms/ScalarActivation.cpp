//===- ScalarActivation.cpp - activation ops as (kind, alpha, beta) -------===//
#include "etch/Transforms/ScalarActivation.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;

namespace {
/// NaN-propagating max/min, like arith.maximumf/minimumf.
float nanMax(float a, float b) {
  return (std::isnan(a) || std::isnan(b)) ? NAN : std::max(a, b);
}
float nanMin(float a, float b) {
  return (std::isnan(a) || std::isnan(b)) ? NAN : std::min(a, b);
}
} // namespace

float ScalarActivation::apply(float x) const {
  switch (kind) {
  case ActivationKind::None:
    return x;
  case ActivationKind::Relu:
    return nanMax(x, 0.0f);
  case ActivationKind::Clip:
    return nanMin(nanMax(x, alpha), beta);
  case ActivationKind::Sigmoid:
    return 1.0f / (1.0f + std::exp(-x));
  case ActivationKind::Tanh:
    return std::tanh(x);
  case ActivationKind::HardSigmoid:
    return nanMax(0.0f, nanMin(1.0f, alpha * x + beta));
  case ActivationKind::HardSwish:
    return x * nanMax(0.0f, nanMin(1.0f, x * (1.0f / 6.0f) + 0.5f));
  case ActivationKind::LeakyRelu:
    return x >= 0.0f ? x : alpha * x;
  }
  return x;
}

std::optional<ScalarActivation> mlir::etch::getScalarActivation(Operation *op) {
  using Result = std::optional<ScalarActivation>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([](ReluOp) { return ScalarActivation{ActivationKind::Relu}; })
      .Case([](SigmoidOp) { return ScalarActivation{ActivationKind::Sigmoid}; })
      .Case([](TanhOp) { return ScalarActivation{ActivationKind::Tanh}; })
      .Case([](HardSwishOp) {
        return ScalarActivation{ActivationKind::HardSwish};
      })
      .Case([](ClipOp clip) {
        return ScalarActivation{ActivationKind::Clip,
                                clip.getMin().convertToFloat(),
                                clip.getMax().convertToFloat()};
      })
      .Case([](HardSigmoidOp hs) {
        return ScalarActivation{ActivationKind::HardSigmoid,
                                hs.getAlpha().convertToFloat(),
                                hs.getBeta().convertToFloat()};
      })
      .Case([](LeakyReluOp lr) {
        return ScalarActivation{ActivationKind::LeakyRelu,
                                lr.getAlpha().convertToFloat(), 0.0f};
      })
      .Default([](Operation *) -> Result { return std::nullopt; });
}
