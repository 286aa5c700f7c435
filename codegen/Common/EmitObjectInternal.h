//===- EmitObjectInternal.h - Helpers of EmitObject.cpp ---------*- C++ -*-===//
#ifndef ETCH_CODEGEN_COMMON_EMITOBJECTINTERNAL_H
#define ETCH_CODEGEN_COMMON_EMITOBJECTINTERNAL_H

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace mlir::etch::detail {

/// Rewrites the float intrinsics that `tm` would turn into libm calls
/// (sqrt, min/max on soft-float types; sqrt without a fast square root)
/// into arithmetic. Run it after optimization, right before code generation,
/// so no pass re-forms the intrinsics.
void expandLibmIntrinsics(llvm::Module &module, llvm::TargetMachine &tm);

/// Retypes large resource-backed constant globals (LLVM dialect) to byte
/// arrays over the same blob, so the back end writes them with one bulk copy
/// instead of element by element (ByteConstants.cpp). Does nothing unless
/// host and target are little-endian.
void storeLargeConstantsAsBytes(mlir::ModuleOp module,
                                bool targetIsLittleEndian);

} // namespace mlir::etch::detail

#endif // ETCH_CODEGEN_COMMON_EMITOBJECTINTERNAL_H
