//===- ConversionPasses.cpp - conversion registration and pipeline --------===//
#include "etch/Conversion/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::etch;

namespace mlir::etch::detail {
#define GEN_PASS_REGISTRATION
#include "lib/Conversion/Passes.h.inc"
} // namespace mlir::etch::detail

void mlir::etch::buildLinalgPassPipeline(OpPassManager &pm,
                                         const LinalgOptions &options) {
  ConvertEtchToLinalgPassOptions convert;
  convert.packInt8Weights = options.packInt8Weights;
  pm.addPass(createConvertEtchToLinalgPass(convert));
  pm.addPass(createCanonicalizerPass());
  if (options.verifyContract) {
    pm.addPass(createVerifyLinalgContractPass());
  }
}

void mlir::etch::registerEtchConversionPasses() {
  detail::registerEtchConversionPasses();
  PassPipelineRegistration<>(
      "etch-linalg-pipeline",
      "The linalg phase: etch to Linalg on tensors, canonicalize, verify",
      [](OpPassManager &pm) { buildLinalgPassPipeline(pm, LinalgOptions()); });
}
