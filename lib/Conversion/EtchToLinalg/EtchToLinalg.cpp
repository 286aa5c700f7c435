//===- EtchToLinalg.cpp - the etch → Linalg conversion pass ---------------===//
#include "Utils.h"

#include "etch/Conversion/Passes.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"
#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/DialectConversion.h"

#define DEBUG_TYPE "etch-convert-etch-to-linalg"

namespace mlir::etch {
#define GEN_PASS_DEF_CONVERTETCHTOLINALGPASS
#include "lib/Conversion/Passes.h.inc"
} // namespace mlir::etch

using namespace mlir;
using namespace mlir::etch;

void mlir::etch::populateEtchToLinalgPatterns(RewritePatternSet &patterns,
                                              bool packInt8Weights) {
  populateEtchConvToLinalgPatterns(patterns, packInt8Weights);
  populateEtchMatmulToLinalgPatterns(patterns);
  populateEtchElementwiseToLinalgPatterns(patterns);
  populateEtchPoolingToLinalgPatterns(patterns);
  populateEtchReductionToLinalgPatterns(patterns);
  populateEtchShapeToLinalgPatterns(patterns);
  populateEtchTensorToLinalgPatterns(patterns);
  populateEtchMathToLinalgPatterns(patterns);
  populateEtchDataToLinalgPatterns(patterns);
  populateEtchResizeToLinalgPatterns(patterns);
  populateEtchGridSampleToLinalgPatterns(patterns);
  populateEtchConvTransposeToLinalgPatterns(patterns);
}

namespace {

struct ConvertEtchToLinalgPass
    : public etch::impl::ConvertEtchToLinalgPassBase<ConvertEtchToLinalgPass> {
  using ConvertEtchToLinalgPassBase::ConvertEtchToLinalgPassBase;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<EtchDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect,
                           bufferization::BufferizationDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    // arith computes only on float and signless integer types; say so
    // instead of failing inside a pattern.
    WalkResult unsupported = getOperation()->walk([](Operation *op) {
      if (!isa<EtchDialect>(op->getDialect()) ||
          isa<ConstantOp, IdentityOp, ReshapeOp, TransposeOp, ConcatOp>(op)) {
        return WalkResult::advance();
      }
      for (Type type : op->getResultTypes()) {
        auto tensorType = dyn_cast<RankedTensorType>(type);
        if (tensorType && tensorType.getElementType().isUnsignedInteger()) {
          op->emitError() << "'" << op->getName()
                          << "' on unsigned integer tensors (" << tensorType
                          << ") is not supported by the linalg lowering; "
                             "supported element types are floats and "
                             "signless integers";
          return WalkResult::interrupt();
        }
      }
      return WalkResult::advance();
    });
    if (unsupported.wasInterrupted()) {
      return signalPassFailure();
    }
    RewritePatternSet patterns(ctx);
    populateEtchToLinalgPatterns(patterns, packInt8Weights);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns)))) {
      signalPassFailure();
    }
  }
};

} // namespace
