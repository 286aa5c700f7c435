//===- ApproximateMathF64.h - f64 math without libm -------------*- C++ -*-===//
#ifndef ETCH_CODEGEN_COMMON_APPROXIMATEMATHF64_H
#define ETCH_CODEGEN_COMMON_APPROXIMATEMATHF64_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::etch {

/// Rewrites f64 (scalar or vector) math.exp, expm1, log, log1p, log2, log10
/// and tanh into arith ops (plus math.floor, which the caller expands):
/// upstream's polynomial approximations cover f32 only, and the LLVM
/// intrinsics become libm calls. Accuracy is within a few ulp of glibc.
void populateF64MathApproximationPatterns(RewritePatternSet &patterns);

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_APPROXIMATEMATHF64_H
