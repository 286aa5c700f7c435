//===- LLVMCPUPatterns.h - patterns private to LLVMCPU codegen --*- C++ -*-===//
#ifndef ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H
#define ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::linalg {
class GenericOp;
} // namespace mlir::linalg

namespace mlir::etch::llvmcpu {

struct CPUTargetInfo;

/// The int8 dot-product instructions a target has: x86 `vpdpbusd` with up to
/// `x86Lanes` i32 lanes (16: AVX-512 VNNI, 8: AVX-VNNI; 0: none) and down to
/// `minLanes` (4 with 128/256-bit forms).
struct Int8DotTarget {
  int64_t x86Lanes = 0;
  int64_t minLanes = 0;
};
Int8DotTarget getInt8DotTarget(const CPUTargetInfo &target);

/// Vectorizes a 2-D i8 x i8 -> i32 contraction register tile with one
/// zero-extended and one sign-extended operand (a uint8 activation times
/// int8 weights) straight to `vpdpbusd` (Int8DotProduct.cpp); failure leaves
/// `op` for the generic vectorizer. Returns the tile's transfer_write.
FailureOr<Operation *> vectorizeInt8DotProduct(RewriterBase &rewriter,
                                               linalg::GenericOp op,
                                               const Int8DotTarget &target);

/// Rewrites NCHW conv / grouped conv / depthwise / pool tiles with unit
/// batch, output-row and window extents into 2-D linalg.generics.
void populateDecomposeUnitWindowPatterns(RewritePatternSet &patterns);

/// maximumf/minimumf whose operands cannot be NaN and whose result only
/// feeds float-to-int conversions (a requantization's clamp) -> maxnumf/
/// minnumf with `nnan`: one vmaxps/vminps instead of a NaN-propagating
/// sequence (FiniteClamp.cpp).
void populateFiniteClampPatterns(RewritePatternSet &patterns);
/// Fuses elementwise chains that dequantize constant weights (int4 codes
/// unpacked, widened, offset and scaled) into the contraction they feed
/// (FuseWeightDequant.cpp).
void fuseWeightDequant(Operation *root);

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H
