//===- VerifyLinalgContract.cpp - the `linalg` phase boundary check -------===//
//
// Codegen assumes Linalg on statically shaped tensors and nothing else; a
// leftover etch op or dynamic dim would otherwise fail much later with a
// confusing error.
//
//===----------------------------------------------------------------------===//
#include "etch/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#define DEBUG_TYPE "etch-verify-linalg-contract"

namespace mlir::etch {
#define GEN_PASS_DEF_VERIFYLINALGCONTRACTPASS
#include "lib/Conversion/Passes.h.inc"
} // namespace mlir::etch

using namespace mlir;
using namespace mlir::etch;

namespace {

bool isStaticType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    return shaped.hasStaticShape();
  }
  return true;
}

struct VerifyLinalgContractPass
    : public etch::impl::VerifyLinalgContractPassBase<
          VerifyLinalgContractPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool failed = false;
    module.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op == module.getOperation()) {
        return WalkResult::advance();
      }
      Dialect *dialect = op->getDialect();
      bool allowed =
          dialect &&
          isa<func::FuncDialect, linalg::LinalgDialect, tensor::TensorDialect,
              arith::ArithDialect, math::MathDialect,
              bufferization::BufferizationDialect>(dialect);
      if (!allowed) {
        op->emitError() << "'" << op->getName()
                        << "' is not allowed after the linalg phase (only "
                           "func, linalg, tensor, arith, math and "
                           "bufferization ops)";
        failed = true;
        return WalkResult::interrupt();
      }
      auto check = [&](Type type, StringRef what) {
        if (isStaticType(type)) {
          return true;
        }
        op->emitError() << what << " of type " << type
                        << " is not statically shaped";
        failed = true;
        return false;
      };
      for (Type type : op->getResultTypes()) {
        if (!check(type, "result")) {
          return WalkResult::interrupt();
        }
      }
      for (Region &region : op->getRegions()) {
        for (Block &block : region) {
          for (BlockArgument arg : block.getArguments()) {
            if (!check(arg.getType(), "block argument")) {
              return WalkResult::interrupt();
            }
          }
        }
      }
      return WalkResult::advance();
    });
    if (failed) {
      signalPassFailure();
    }
  }
};

} // namespace
