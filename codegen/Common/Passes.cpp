//===- Passes.cpp - etch common codegen pipelines and registration --------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::etch {

namespace {
#define GEN_PASS_REGISTRATION
#include "codegen/Common/Passes.h.inc"

/// Pipeline options as pass options, for PassPipelineRegistration.
struct BufferizePipelineCLOptions
    : public PassPipelineOptions<BufferizePipelineCLOptions> {
  Option<unsigned> alignment{*this, "alignment",
                             llvm::cl::desc("Arena buffer alignment (bytes)"),
                             llvm::cl::init(64)};
  Option<int64_t> threads{*this, "threads",
                          llvm::cl::desc("Copies of per-thread scratch"),
                          llvm::cl::init(1)};
};

struct LowerToLLVMPipelineCLOptions
    : public PassPipelineOptions<LowerToLLVMPipelineCLOptions> {
  Option<unsigned> indexBitwidth{
      *this, "index-bitwidth",
      llvm::cl::desc("Index bitwidth; 0 derives it from etch.target"),
      llvm::cl::init(0)};
  Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Above 1: outline foralls into etch_parallel_for_tid"),
      llvm::cl::init(1)};
  Option<bool> nativeRounding{
      *this, "native-rounding",
      llvm::cl::desc("Keep roundeven/floor/ceil/trunc for LLVM to select"),
      llvm::cl::init(false)};
};
} // namespace

void buildCommonBufferizePassPipeline(OpPassManager &pm,
                                      const CommonBufferizeOptions &options) {
  // Gathers must not depend on their base's layout, which the in-place
  // writes below may make strided.
  pm.addNestedPass<func::FuncOp>(createCommonFlattenGathersPass());
  // Write results straight into the buffers that will hold them instead of
  // materializing tensor.empty as a separate allocation.
  if (options.decomposePads) {
    pm.addNestedPass<func::FuncOp>(createCommonDecomposePadsPass());
  }
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  pm.addPass(createCommonBufferizePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCommonFlattenGlobalsPass());
  CommonPlanMemoryPassOptions planOptions;
  planOptions.alignment = options.arenaAlignment;
  planOptions.threads = options.threads;
  pm.addPass(createCommonPlanMemoryPass(planOptions));
}

void buildCommonLowerToLLVMPassPipeline(
    OpPassManager &pm, const CommonLowerToLLVMOptions &options) {
  if (options.threads > 1) {
    pm.addPass(createCommonOutlineForallPass());
  }
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createCommonLowerCopiesPass());
  funcPm.addPass(createConvertLinalgToLoopsPass());
  funcPm.addPass(createForallToForLoopPass());
  VectorTransferToSCFOptions transferOptions;
  transferOptions.enableFullUnroll().setTargetRank(1);
  funcPm.addPass(createConvertVectorToSCFPass(transferOptions));
  funcPm.addPass(createCommonLowerVectorsPass());
  CommonApproximateMathPassOptions mathOptions;
  mathOptions.nativeRounding = options.nativeRounding;
  funcPm.addPass(createCommonApproximateMathPass(mathOptions));
  // vector.insert's canonicalization that folds a chain of inserts covering
  // a vector into to_elements + from_elements stays off: LLVM builds an n-D
  // from_elements one lane at a time (a broadcast with a stretched
  // dimension, rows of a tile), where the inserts lower to whole-row moves.
  const std::string keepInsertChains[] = {
      "(anonymous namespace)::InsertChainFullyInitialized"};
  funcPm.addPass(
      createCanonicalizerPass(GreedyRewriteConfig(), keepInsertChains));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  CommonLowerToLLVMPassOptions llvmOptions;
  llvmOptions.indexBitwidth = options.indexBitwidth;
  pm.addPass(createCommonLowerToLLVMPass(llvmOptions));
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (options.threads > 1) {
    CommonLowerParallelLaunchPassOptions launchOptions;
    launchOptions.threads = options.threads;
    pm.addPass(createCommonLowerParallelLaunchPass(launchOptions));
  }
  pm.addPass(createCanonicalizerPass());
}

void registerEtchCommonPasses() {
  registerCommonPasses();
  PassPipelineRegistration<BufferizePipelineCLOptions>(
      "etch-common-bufferize-pipeline",
      "Bufferize @main, make results out-params, plan the arena",
      [](OpPassManager &pm, const BufferizePipelineCLOptions &cl) {
        CommonBufferizeOptions options;
        options.arenaAlignment = cl.alignment;
        options.threads = cl.threads;
        buildCommonBufferizePassPipeline(pm, options);
      });
  PassPipelineRegistration<LowerToLLVMPipelineCLOptions>(
      "etch-common-lower-to-llvm-pipeline",
      "Lower the bufferized program to the LLVM dialect (no libm, no malloc)",
      [](OpPassManager &pm, const LowerToLLVMPipelineCLOptions &cl) {
        CommonLowerToLLVMOptions options;
        options.indexBitwidth = cl.indexBitwidth;
        options.threads = cl.threads;
        options.nativeRounding = cl.nativeRounding;
        buildCommonLowerToLLVMPassPipeline(pm, options);
      });
}

void registerEtchCommonDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, index::IndexDialect, linalg::LinalgDialect,
                  LLVM::LLVMDialect, math::MathDialect, memref::MemRefDialect,
                  scf::SCFDialect, tensor::TensorDialect, ub::UBDialect,
                  vector::VectorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

} // namespace mlir::etch
