//===- Passes.cpp - LLVMCPU tiling pipeline and shared lowering hooks -----===//
#include "etch/codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::etch::llvmcpu;

void mlir::etch::llvmcpu::populateLLVMCPUVectorLoweringPatterns(
    RewritePatternSet &patterns) {
  vector::populateVectorContractLoweringPatterns(
      patterns, vector::VectorContractLowering::OuterProduct);
  vector::populateVectorOuterProductLoweringPatterns(patterns);
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerReduction);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
}

void mlir::etch::llvmcpu::runLLVMCPUPostBufferizationCleanups(
    func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  IRRewriter rewriter(ctx);
  linalg::hoistRedundantVectorTransfers(func);
  // No linalg::hoistRedundantVectorBroadcasts here: on reductions whose
  // accumulator is a loop-carried vector (M=1 GEMM, reduce-over-all-axes) it
  // rewired the FMA to the loop's initial value instead of the iter_arg,
  // giving wrong results (test/e2e gemm_fc, reduce*_all).
  vector::transferOpflowOpt(rewriter, func);
  RewritePatternSet patterns(ctx);
  populateLLVMCPUVectorLoweringPatterns(patterns);
  vector::populateVectorTransferDropUnitDimsPatterns(patterns);
  vector::populateVectorTransposeLoweringPatterns(
      patterns, vector::VectorTransposeLowering::Shuffle1D);
  vector::populateVectorTransferLoweringPatterns(patterns,
                                                 /*maxTransferRank=*/1);
  (void)applyPatternsGreedily(func, std::move(patterns));
}

void mlir::etch::llvmcpu::buildLLVMCPUTilingPassPipeline(
    OpPassManager &pm, const LLVMCPUTilingOptions &options) {
  LLVMCPUSelectStrategyPassOptions select;
  select.targetTriple = options.targetTriple;
  select.targetCPU = options.targetCPU;
  select.targetFeatures = options.targetFeatures;
  select.tuningDb = options.tuningDb;
  select.tuningDbStrict = options.tuningDbStrict;
  select.annotateWorkloadKeys = options.annotateWorkloadKeys;
  select.threads = options.threads;
  pm.addPass(createLLVMCPUSelectStrategyPass(select));
  OpPassManager &funcPM = pm.nest<func::FuncOp>();
  LLVMCPUTileAndFusePassOptions tile;
  tile.threads = options.threads;
  funcPM.addPass(createLLVMCPUTileAndFusePass(tile));
  if (!options.skipVectorization) {
    LLVMCPUVectorizePassOptions vectorize;
    vectorize.maxVectorElements = options.maxVectorElements;
    vectorize.report = options.scheduleReport;
    funcPM.addPass(createLLVMCPUVectorizePass(vectorize));
  }
  funcPM.addPass(createCanonicalizerPass());
  funcPM.addPass(createCSEPass());
}

namespace mlir::etch::llvmcpu {
#define GEN_PASS_REGISTRATION
#include "codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::etch::llvmcpu

namespace {
struct TilingPipelineCLOptions
    : public PassPipelineOptions<TilingPipelineCLOptions> {
  Option<std::string> targetTriple{*this, "target-triple",
                                   llvm::cl::desc("Target triple")};
  Option<std::string> targetCPU{*this, "target-cpu",
                                llvm::cl::desc("Target CPU or 'native'")};
  Option<std::string> targetFeatures{*this, "target-features",
                                     llvm::cl::desc("Target features")};
  Option<int64_t> maxVectorElements{
      *this, "max-vector-elements",
      llvm::cl::desc("Largest iteration space vectorized as one op"),
      llvm::cl::init(16384)};
  Option<bool> skipVectorization{*this, "skip-vectorization",
                                 llvm::cl::desc("Stop after tile-and-fuse"),
                                 llvm::cl::init(false)};
  Option<bool> scheduleReport{
      *this, "schedule-report",
      llvm::cl::desc("Remark per root op: schedule, vectorized or not"),
      llvm::cl::init(false)};
  Option<int64_t> threads{*this, "threads",
                          llvm::cl::desc("Threads the code runs on"),
                          llvm::cl::init(1)};
};
} // namespace

void mlir::etch::llvmcpu::registerEtchLLVMCPUPasses() {
  registerLLVMCPUPasses();
  PassPipelineRegistration<TilingPipelineCLOptions>(
      "etch-llvmcpu-tiling-pipeline",
      "Select schedules, tile and fuse, vectorize (LLVMCPU)",
      [](OpPassManager &pm, const TilingPipelineCLOptions &cl) {
        LLVMCPUTilingOptions options;
        options.targetTriple = cl.targetTriple;
        options.targetCPU = cl.targetCPU;
        options.targetFeatures = cl.targetFeatures;
        options.maxVectorElements = cl.maxVectorElements;
        options.skipVectorization = cl.skipVectorization;
        options.scheduleReport = cl.scheduleReport;
        options.threads = cl.threads;
        buildLLVMCPUTilingPassPipeline(pm, options);
      });
}
