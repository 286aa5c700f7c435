//===- CommonLowerToLLVM.cpp - Final conversion to the LLVM dialect -------===//
//
// One dialect conversion, one type converter: upstream's separate
// convert-*-to-llvm passes each build their own converter, and
// convert-vector-to-llvm has no index-bitwidth option, which breaks 32-bit
// targets. Here every pattern sees the target's index width.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/TargetParser/Triple.h"

#define DEBUG_TYPE "etch-common-lower-to-llvm"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONLOWERTOLLVMPASS
#include "codegen/Common/Passes.h.inc"

namespace {

struct CommonLowerToLLVMPass
    : public impl::CommonLowerToLLVMPassBase<CommonLowerToLLVMPass> {
  using Base::Base;
  void runOnOperation() override;
};

} // namespace

/// The index width for `module`: explicit option, else the pointer width of
/// the `etch.target` triple, else 64.
static unsigned resolveIndexBitwidth(ModuleOp module, unsigned requested) {
  if (requested != 0) {
    return requested;
  }
  if (auto target = module->getAttrOfType<DictionaryAttr>("etch.target")) {
    if (auto triple = target.getAs<StringAttr>("triple")) {
      llvm::Triple parsed(triple.getValue());
      if (parsed.isArch16Bit()) {
        return 16;
      }
      if (parsed.isArch32Bit()) {
        return 32;
      }
    }
  }
  return 64;
}

/// A memref with a 0-sized dimension has no strided layout (its canonical
/// layout folds to the constant 0), so the bare-pointer convention cannot
/// pass it. Such arguments hold no data and nothing reads or writes them
/// (graph folding replaced every empty tensor by a constant): they become
/// `memref<0xT>`, which passes as a plain pointer.
static void flattenEmptyArguments(ModuleOp module) {
  module.walk([](func::FuncOp func) {
    if (func.isExternal()) {
      return;
    }
    SmallVector<Type> inputs(func.getArgumentTypes());
    bool changed = false;
    for (BlockArgument arg : func.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type || !type.hasStaticShape() || type.getNumElements() != 0 ||
          type.getRank() == 1 || !arg.use_empty()) {
        continue;
      }
      auto flat = MemRefType::get({0}, type.getElementType(), AffineMap(),
                                  type.getMemorySpace());
      arg.setType(flat);
      inputs[arg.getArgNumber()] = flat;
      changed = true;
    }
    if (changed) {
      func.setType(FunctionType::get(func.getContext(), inputs,
                                     func.getResultTypes()));
    }
  });
}

void CommonLowerToLLVMPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();

  // Heap allocation would need malloc: everything must be in the arena (or
  // on the stack) by now.
  WalkResult heap = module.walk([&](memref::AllocOp alloc) {
    alloc.emitOpError() << "would need malloc; run etch-common-plan-memory "
                           "first";
    return WalkResult::interrupt();
  });
  if (heap.wasInterrupted()) {
    return signalPassFailure();
  }
  flattenEmptyArguments(module);

  // Canonicalizations since etch-common-lower-vectors may have folded ops
  // back into forms with no LLVM lowering (n-D vector.from_elements, n-D
  // shape_casts, broadcasts): lower those again, without canonicalizing.
  {
    RewritePatternSet unroll(ctx);
    vector::populateVectorFromElementsUnrollPatterns(unroll);
    vector::populateVectorToElementsUnrollPatterns(unroll);
    vector::populateVectorShapeCastLoweringPatterns(unroll);
    vector::populateVectorBroadcastLoweringPatterns(unroll);
    vector::populateVectorTransposeLoweringPatterns(
        unroll, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorInsertExtractStridedSliceTransforms(unroll);
    if (failed(applyPatternsGreedily(module, std::move(unroll)))) {
      return signalPassFailure();
    }
  }

  LowerToLLVMOptions options(ctx);
  options.overrideIndexBitwidth(resolveIndexBitwidth(module, indexBitwidth));
  options.useBarePtrCallConv = true;
  LLVMTypeConverter converter(ctx, options);

  RewritePatternSet patterns(ctx);
  arith::populateArithToLLVMConversionPatterns(converter, patterns);
  populateMathToLLVMConversionPatterns(converter, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
  populateFuncToLLVMConversionPatterns(converter, patterns);
  populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
  populateVectorToLLVMConversionPatterns(converter, patterns);
  index::populateIndexToLLVMConversionPatterns(converter, patterns);
  ub::populateUBToLLVMConversionPatterns(converter, patterns);

  LLVMConversionTarget target(*ctx);
  target.addLegalOp<ModuleOp>();
  // Casts between converted and not-yet-converted values fold away in
  // reconcile-unrealized-casts.
  target.addLegalOp<UnrealizedConversionCastOp>();
  if (failed(applyFullConversion(module, target, std::move(patterns)))) {
    return signalPassFailure();
  }
}

} // namespace mlir::etch
