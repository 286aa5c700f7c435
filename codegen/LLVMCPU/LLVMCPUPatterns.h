//===- LLVMCPUPatterns.h - patterns private to LLVMCPU codegen --*- C++ -*-===//
#ifndef ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H
#define ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::etch::llvmcpu {

/// Rewrites NCHW conv / grouped conv / depthwise / pool tiles with unit
/// batch, output-row and window extents into 2-D linalg.generics.
void populateDecomposeUnitWindowPatterns(RewritePatternSet &patterns);

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H
