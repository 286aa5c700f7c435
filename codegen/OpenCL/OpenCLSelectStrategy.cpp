//===- OpenCLSelectStrategy.cpp - GPU schedules from device presets -------===//
#include "OpenCLKernelWriter.h"

#include "etch/codegen/OpenCL/OpenCL.h"
#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#define DEBUG_TYPE "etch-opencl-select-strategy"

namespace mlir::etch::opencl {
#define GEN_PASS_DEF_OPENCLSELECTSTRATEGYPASS
#include "codegen/OpenCL/Passes.h.inc"

GPUScheduleAttr selectGPUSchedule(linalg::LinalgOp op,
                                  const DevicePreset &preset) {
  MLIRContext *ctx = op->getContext();
  int64_t vw = preset.vectorWidth == 4 ? 4 : 1;
  bool depthwise = false;
  if (isImplicitGemm(op, depthwise)) {
    if (depthwise) {
      return GPUScheduleAttr::get(ctx, {preset.tileX, preset.tileY}, {1, vw},
                                  1, false);
    }
    return GPUScheduleAttr::get(ctx, {preset.tileX, preset.tileY}, {4, vw},
                                preset.tileK, preset.useLocalMemory);
  }
  return GPUScheduleAttr::get(ctx, {preset.workgroupSize}, {1, 1}, 1, false);
}

GPUScheduleAttr getGPUSchedule(linalg::LinalgOp op,
                               const DevicePreset &preset) {
  if (auto attr = op->getAttrOfType<GPUScheduleAttr>("etch.gpu_schedule")) {
    return attr;
  }
  return selectGPUSchedule(op, preset);
}

namespace {

struct OpenCLSelectStrategyPass
    : public impl::OpenCLSelectStrategyPassBase<OpenCLSelectStrategyPass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<DevicePreset> preset = lookupDevicePreset(mcpu);
    if (!preset) {
      getOperation().emitError()
          << "unknown OpenCL device preset '" << mcpu
          << "'; known: " << listDevicePresets();
      return signalPassFailure();
    }
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op->hasAttr("etch.gpu_schedule")) {
        op->setAttr("etch.gpu_schedule", selectGPUSchedule(op, *preset));
      }
    });
  }
};

} // namespace

namespace {
#define GEN_PASS_REGISTRATION
#include "codegen/OpenCL/Passes.h.inc"
} // namespace

void registerEtchOpenCLPasses() { registerOpenCLPasses(); }

} // namespace mlir::etch::opencl
