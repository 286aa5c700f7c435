//===- LLVMCPUSelectStrategy.cpp - pick a #etch.schedule per root op ------===//
#include "etch/codegen/LLVMCPU/Passes.h"
#include "etch/codegen/LLVMCPU/Schedule.h"
#include "etch/codegen/LLVMCPU/TuningDb.h"

#include "LLVMCPUPatterns.h"

#include "llvm/ADT/SmallPtrSet.h"

#define DEBUG_TYPE "etch-llvmcpu-select-strategy"

namespace mlir::etch::llvmcpu {
#define GEN_PASS_DEF_LLVMCPUSELECTSTRATEGYPASS
#include "codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::etch::llvmcpu

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {
struct LLVMCPUSelectStrategyPass
    : public mlir::etch::llvmcpu::impl::LLVMCPUSelectStrategyPassBase<LLVMCPUSelectStrategyPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    CPUTargetInfo target =
        getCPUTarget(module, targetTriple, targetCPU, targetFeatures);
    MLIRContext *ctx = &getContext();

    // Weight dequantization joins its contraction before roots are chosen.
    fuseWeightDequant(module);

    // User/tuner-given schedules are verified and kept.
    bool failedVerify = false;
    module.walk([&](Operation *op) {
      if (ScheduleAttr schedule = getSchedule(op)) {
        failedVerify |= failed(verifyScheduleForOp(op, schedule));
      }
    });
    if (failedVerify) {
      return signalPassFailure();
    }
    // Tuning database hook: a verified record wins over the heuristics.
    FailureOr<TuningDbApplier> tuning = TuningDbApplier::create(
        module, tuningDb, tuningDbStrict, annotateWorkloadKeys, target);
    if (failed(tuning)) {
      return signalPassFailure();
    }
    tuningApplier = &*tuning;
    tuningFailed = false;

    module.walk([&](func::FuncOp func) {
      // Roots first (contractions, convs, pools, reductions); the
      // elementwise ops fused into their consumer chains and the cheap
      // producers (fills, broadcasts) fused into any tile get no schedule.
      llvm::SmallPtrSet<Operation *, 16> covered;
      SmallVector<linalg::LinalgOp> elementwise;
      func.walk([&](linalg::LinalgOp op) {
        if (getSchedule(op)) {
          for (linalg::LinalgOp c : getConsumerChain(op)) {
            covered.insert(c);
          }
          return;
        }
        PipelineKind kind = classifyRootOp(op);
        if (kind == PipelineKind::None) {
          return;
        }
        if (kind == PipelineKind::Elementwise) {
          elementwise.push_back(op);
          return;
        }
        if (assign(ctx, op, kind, target, threads)) {
          for (linalg::LinalgOp c : getConsumerChain(op)) {
            covered.insert(c);
          }
        }
      });
      for (linalg::LinalgOp op : elementwise) {
        if (covered.contains(op) || getSchedule(op)) {
          continue;
        }
        // A cheap producer whose users all tile it into themselves needs no
        // loop nest of its own.
        if (isCheapFusableProducer(op) &&
            llvm::all_of(op->getUsers(), [&](Operation *user) {
              return getSchedule(user) || covered.contains(user);
            }) &&
            !op->use_empty()) {
          continue;
        }
        if (assign(ctx, op, PipelineKind::Elementwise, target, threads)) {
          for (linalg::LinalgOp c : getConsumerChain(op)) {
            covered.insert(c);
          }
        }
      }
    });
    tuning->finish(module);
    tuningApplier = nullptr;
    if (tuningFailed) {
      signalPassFailure();
    }
  }

  TuningDbApplier *tuningApplier = nullptr;
  bool tuningFailed = false;

  bool assign(MLIRContext *ctx, linalg::LinalgOp op, PipelineKind kind,
              const CPUTargetInfo &target, int64_t threads) {
    FailureOr<LoopNestInfo> info = getLoopNestInfo(op, kind);
    if (failed(info)) {
      return false;
    }
    FailureOr<bool> fromDb = tuningApplier->apply(op);
    tuningFailed |= failed(fromDb);
    if (succeeded(fromDb) && *fromDb) {
      return true;
    }
    ScheduleSizes sizes = computeDefaultSchedule(*info, target);
    op->setAttr(kScheduleAttrName,
                distributeOverThreads(
                    op, buildScheduleAttr(ctx, kind, sizes), threads));
    return true;
  }
};
} // namespace
