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
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
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

/// vector<N x i1> -> vector<N x i8> (same shape), or null for other types.
static VectorType boolVectorAsBytes(Type type) {
  auto vec = dyn_cast<VectorType>(type);
  if (!vec || !vec.getElementType().isInteger(1)) {
    return {};
  }
  return vec.clone(IntegerType::get(type.getContext(), 8));
}

/// Bool tensors are one byte per element in memory (the C ABI's ETCH_BOOL,
/// and what LLVM does for a scalar i1 load or store), but LLVM packs a
/// vector<N x i1> load or store into N bits. Every vector access to bool
/// memory is rewritten to move bytes: load <N x i8> + trunc, zext + store.
static void legalizeBoolVectorMemory(ModuleOp module) {
  OpBuilder b(module.getContext());
  module.walk([&](Operation *op) {
    Location loc = op->getLoc();
    if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
      VectorType bytes = boolVectorAsBytes(load.getType());
      if (!bytes) {
        return;
      }
      b.setInsertionPoint(load);
      auto wide = LLVM::LoadOp::create(b, loc, bytes, load.getAddr(),
                                       load.getAlignment().value_or(1),
                                       load.getVolatile_(),
                                       load.getNontemporal());
      Value narrow = LLVM::TruncOp::create(b, loc, load.getType(), wide);
      load.getResult().replaceAllUsesWith(narrow);
      load.erase();
    } else if (auto store = dyn_cast<LLVM::StoreOp>(op)) {
      VectorType bytes = boolVectorAsBytes(store.getValue().getType());
      if (!bytes) {
        return;
      }
      b.setInsertionPoint(store);
      Value wide = LLVM::ZExtOp::create(b, loc, bytes, store.getValue());
      LLVM::StoreOp::create(b, loc, wide, store.getAddr(),
                            store.getAlignment().value_or(1),
                            store.getVolatile_(), store.getNontemporal());
      store.erase();
    } else if (auto load = dyn_cast<LLVM::MaskedLoadOp>(op)) {
      VectorType bytes = boolVectorAsBytes(load.getType());
      if (!bytes) {
        return;
      }
      b.setInsertionPoint(load);
      Value passThru;
      if (Value v = load.getPassThru()) {
        passThru = LLVM::ZExtOp::create(b, loc, bytes, v);
      }
      auto wide = LLVM::MaskedLoadOp::create(
          b, loc, bytes, load.getData(), load.getMask(), passThru,
          load.getAlignmentAttr(), load.getNontemporalAttr());
      Value narrow = LLVM::TruncOp::create(b, loc, load.getType(), wide);
      load.getResult().replaceAllUsesWith(narrow);
      load.erase();
    } else if (auto store = dyn_cast<LLVM::MaskedStoreOp>(op)) {
      VectorType bytes = boolVectorAsBytes(store.getValue().getType());
      if (!bytes) {
        return;
      }
      b.setInsertionPoint(store);
      Value wide = LLVM::ZExtOp::create(b, loc, bytes, store.getValue());
      LLVM::MaskedStoreOp::create(b, loc, wide, store.getData(),
                                  store.getMask(), store.getAlignmentAttr());
      store.erase();
    }
  });
}

/// bf16 has no arithmetic in most targets' registers and LLVM rounds f32 to
/// bf16 through compiler-rt's `__truncsfbf2`: do the arithmetic in f32 and
/// the conversions as integer code, so the object needs no helper library.
static LogicalResult expandBFloat16(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  Type bf16 = BFloat16Type::get(ctx);
  bool any = false;
  module.walk([&](Operation *op) {
    auto isBf16 = [&](Type t) { return getElementTypeOrSelf(t) == bf16; };
    any = llvm::any_of(op->getOperandTypes(), isBf16) ||
          llvm::any_of(op->getResultTypes(), isBf16);
    return any ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (!any) {
    return success();
  }
  TypeConverter converter;
  arith::populateEmulateUnsupportedFloatsConversions(converter, {bf16},
                                                     Float32Type::get(ctx));
  RewritePatternSet emulate(ctx);
  arith::populateEmulateUnsupportedFloatsPatterns(emulate, converter);
  ConversionTarget target(*ctx);
  arith::populateEmulateUnsupportedFloatsLegality(target, converter);
  if (failed(applyPartialConversion(module, target, std::move(emulate)))) {
    return failure();
  }
  RewritePatternSet expand(ctx);
  arith::populateExpandBFloat16Patterns(expand);
  if (failed(applyPatternsGreedily(module, std::move(expand)))) {
    return failure();
  }
  // What is left of bf16 only moves data (loads, stores, selects, shuffles,
  // constants, globals): make it i16, which every target moves as is. Kept as
  // bf16, LLVM may legalize a bf16 vector shuffle through f32 and round back
  // with `__truncsfbf2`.
  Type i16 = IntegerType::get(ctx, 16);
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](BFloat16Type) -> Type { return i16; });
  replacer.addReplacement(
      [&](DenseElementsAttr attr) -> std::optional<Attribute> {
        if (attr.getElementType() != bf16) {
          return std::nullopt;
        }
        return attr.bitcast(i16);
      });
  replacer.addReplacement(
      [&](DenseResourceElementsAttr attr) -> std::optional<Attribute> {
        if (attr.getElementType() != bf16) {
          return std::nullopt;
        }
        auto type = cast<ShapedType>(replacer.replace(attr.getType()));
        return DenseResourceElementsAttr::get(type, attr.getRawHandle());
      });
  replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/true);
  return success();
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
  if (failed(expandBFloat16(module))) {
    return signalPassFailure();
  }

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
  legalizeBoolVectorMemory(module);
}

} // namespace mlir::etch
