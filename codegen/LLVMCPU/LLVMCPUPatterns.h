//===- LLVMCPUPatterns.h - patterns private to LLVMCPU codegen --*- C++ -*-===//
#ifndef ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H
#define ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::linalg {
class GenericOp;
} // namespace mlir::linalg

namespace mlir::etch::llvmcpu {

struct CPUTargetInfo;

/// The int8 dot-product instruction a target has: each i32 lane adds the 4
/// products of 4 bytes of one operand by 4 bytes of the other.
enum class Int8DotKind {
  None,
  /// x86 `vpdpbusd` (AVX-512 VNNI / AVX-VNNI): unsigned x signed bytes.
  X86VPDPBUSD,
  /// AArch64 `sdot` (signed x signed) and `udot` (unsigned x unsigned),
  /// Armv8.2 dotprod, 128-bit registers; with i8mm also `usdot` (unsigned
  /// x signed).
  AArch64Dot,
};

/// The dot-product instruction and its lane counts: up to `maxLanes` i32
/// lanes (16: AVX-512 VNNI zmm, 8: AVX-VNNI ymm, 4: NEON) and down to
/// `minLanes` (4 with 128/256-bit forms).
struct Int8DotTarget {
  Int8DotKind kind = Int8DotKind::None;
  int64_t maxLanes = 0;
  int64_t minLanes = 0;
  /// AArch64 with i8mm: `usdot` multiplies unsigned by signed bytes.
  bool hasUSDot = false;
  /// Whether there are instructions for bytes of the same signedness
  /// (sdot/udot).
  bool sameSignedness() const { return kind == Int8DotKind::AArch64Dot; }
  /// Whether there is one for unsigned x signed bytes (vpdpbusd, usdot).
  bool mixedSignedness() const {
    return kind == Int8DotKind::X86VPDPBUSD || hasUSDot;
  }
};
Int8DotTarget getInt8DotTarget(const CPUTargetInfo &target);

/// Vectorizes a 2-D i8 x i8 -> i32 contraction register tile straight to the
/// target's dot-product instruction (Int8DotProduct.cpp): `vpdpbusd` or
/// `usdot` for one zero-extended and one sign-extended operand (a uint8
/// activation times int8 weights), `sdot`/`udot` for two operands extended
/// alike (a sign-flipped activation times int8 weights). A mixed tile on a
/// target without vpdpbusd/usdot becomes one vector.contract; any other
/// failure leaves `op` for the generic vectorizer. Returns the tile's
/// transfer_write.
FailureOr<Operation *> vectorizeInt8DotProduct(RewriterBase &rewriter,
                                               linalg::GenericOp op,
                                               const Int8DotTarget &target);

/// For AArch64 dot-product targets: an i8 x i8 -> i32 linalg tile `op`
/// (named or generic; the named ops sign-extend both operands) as a generic
/// without unit dims, vectorized to dot products by vectorizeInt8DotProduct.
/// Returns null when it was, else the op to vectorize otherwise (`op`
/// itself, or its generic form).
Operation *vectorizeAArch64Int8Tile(RewriterBase &rewriter, Operation *op,
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

/// A transfer_read of a whole tensor that a transfer_write wrote whole, in
/// another arrangement of unit dimensions -> a vector.shape_cast of the
/// written vector (ForwardWholeWrite.cpp), so an accumulator tile read back by
/// its epilogue is not kept in memory.
void populateForwardWholeWritePatterns(RewritePatternSet &patterns);

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_LLVMCPUPATTERNS_H
