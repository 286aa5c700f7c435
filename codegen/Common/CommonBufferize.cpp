//===- CommonBufferize.cpp - One-shot bufferization of @main --------------===//
//
// Tensors -> memrefs with identity layouts at the function boundary, inputs
// never written in place, results turned into out-parameters that the
// computation writes directly.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#define DEBUG_TYPE "etch-common-bufferize"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONBUFFERIZEPASS
#include "codegen/Common/Passes.h.inc"

namespace {

struct CommonBufferizePass
    : public impl::CommonBufferizePassBase<CommonBufferizePass> {
  using Base::Base;
  void runOnOperation() override;
};

} // namespace

void CommonBufferizePass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();

  // Inputs belong to the caller and are read-only: the analysis must copy
  // instead of updating them in place.
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal()) {
      continue;
    }
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      if (isa<TensorType>(func.getArgument(i).getType())) {
        func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(ctx, false));
      }
    }
  }

  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  // Buffers of values with no bufferization decision (e.g. loop-carried) get
  // identity layouts too: the planner and the out-param rewrite need them.
  options.unknownTypeConverterFn =
      [](TensorType tensorType, Attribute memorySpace,
         const bufferization::BufferizationOptions &) -> BaseMemRefType {
    return bufferization::getMemRefTypeWithStaticIdentityLayout(tensorType,
                                                                memorySpace);
  };
  options.allowReturnAllocsFromLoops = true;
  // Buffer alignment is the arena planner's per-target policy
  // (etch-common-plan-memory's `alignment`), not a fixed 64 bytes here.
  options.bufferAlignment = 0;

  bufferization::BufferizationState state;
  if (failed(bufferization::runOneShotModuleBufferize(module, options, state))) {
    return signalPassFailure();
  }
  bufferization::removeBufferizationAttributesInModule(module);

  // Results -> out-params. A returned buffer allocated in the function is
  // replaced by the out-param itself (no copy); anything else (an input, a
  // constant, a view) is copied into it with memref.copy, which
  // etch-common-lower-copies turns into loops later.
  llvm::DenseMap<Operation *, unsigned> numInputs;
  for (auto func : module.getOps<func::FuncOp>()) {
    numInputs[func] = func.getNumArguments();
  }
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  if (failed(bufferization::promoteBufferResultsToOutParams(module,
                                                            outParams))) {
    return signalPassFailure();
  }
  // Mark the out-params (appended in result order; the result attributes,
  // etch.name included, moved onto them).
  for (auto func : module.getOps<func::FuncOp>()) {
    for (unsigned i = numInputs.lookup(func), e = func.getNumArguments(); i < e;
         ++i) {
      func.setArgAttr(i, "etch.output", UnitAttr::get(ctx));
    }
  }
}

} // namespace mlir::etch
