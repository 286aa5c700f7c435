//===- CommonLowerCopies.cpp - memref.copy -> linalg.generic --------------===//
//
// Generated objects may not call `memrefCopy` (MLIR's C runtime library),
// which is what memref.copy lowers to for non-contiguous layouts.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "etch-common-lower-copies"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONLOWERCOPIESPASS
#include "codegen/Common/Passes.h.inc"

namespace {

struct CommonLowerCopiesPass
    : public impl::CommonLowerCopiesPassBase<CommonLowerCopiesPass> {
  using Base::Base;
  void runOnOperation() override {
    llvm::SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies) {
      // In-place tensor.insert_slice bufferizes to a copy of a buffer onto
      // itself: nothing to do.
      if (copy.getSource() == copy.getTarget()) {
        copy.erase();
        continue;
      }
      auto sourceType = dyn_cast<MemRefType>(copy.getSource().getType());
      auto targetType = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (!sourceType || !targetType) {
        copy.emitOpError() << "copies an unranked memref; not supported";
        return signalPassFailure();
      }
      OpBuilder builder(copy);
      linalg::makeMemRefCopyOp(builder, copy.getLoc(), copy.getSource(),
                               copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
} // namespace mlir::etch
