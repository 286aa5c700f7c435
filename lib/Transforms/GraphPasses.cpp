//===- GraphPasses.cpp - graph pass registration and pipeline -------------===//
#include "etch/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::etch;

namespace mlir::etch::detail {
#define GEN_PASS_REGISTRATION
#include "lib/Transforms/Passes.h.inc"
} // namespace mlir::etch::detail

void mlir::etch::buildGraphPassPipeline(OpPassManager &pm,
                                        const GraphOptions &options) {
  pm.addPass(createGraphFoldEmptyPass());
  pm.addPass(createCanonicalizerPass());
  GraphFoldConstantsPassOptions foldOptions;
  foldOptions.maxElements = options.foldMaxElements;
  pm.addPass(createGraphFoldConstantsPass(foldOptions));
  if (options.foldBatchNorm) {
    pm.addPass(createGraphFoldBatchNormPass());
  }
  if (options.fuseActivations) {
    pm.addPass(createGraphFuseActivationsPass());
  }
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::etch::registerEtchGraphPasses() {
  detail::registerEtchGraphPasses();
  PassPipelineRegistration<>(
      "etch-graph-pipeline",
      "The graph phase: fold empty tensors, canonicalize, fold constants and BatchNorm, fuse "
      "activations",
      [](OpPassManager &pm) { buildGraphPassPipeline(pm, GraphOptions()); });
}
