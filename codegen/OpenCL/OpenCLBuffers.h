//===- OpenCLBuffers.h - Memrefs as device buffer accesses ------*- C++ -*-===//
//
// Shared by the kernel emitters: every memref of the planned @main is a view
// of one device buffer (arena, weights, an input or an output) at a static
// element offset with static strides, and every scalar from outside a linalg
// region is a constant.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_OPENCL_OPENCLBUFFERS_H
#define ETCH_CODEGEN_OPENCL_OPENCLBUFFERS_H

#include "etch/codegen/OpenCL/OpenCL.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir::etch::opencl {

/// A memref resolved to its device buffer.
struct BufferView {
  uint32_t slot = 0;
  /// Byte offset of the view's base pointer in the buffer.
  int64_t byteOffset = 0;
  /// Element offset and strides of the view (from its layout).
  int64_t offset = 0;
  llvm::SmallVector<int64_t> strides;
  llvm::SmallVector<int64_t> shape;
  Type elementType;

  /// Bytes [begin, end) of the buffer the view can touch.
  int64_t beginByte() const;
  int64_t endByte() const;
};

/// Buffers of one entry function: the weight blob being assembled and the
/// slot of each argument.
class BufferResolver {
public:
  /// Fails (with an error on `func`) if an argument is neither an input, an
  /// output nor the arena.
  LogicalResult init(func::FuncOp entry, OpenCLProgram &program);

  /// The buffer view of `memref`, or an error on `user`.
  FailureOr<BufferView> resolve(Value memref, Operation *user);

private:
  FailureOr<int64_t> weightOffset(Operation *user, llvm::StringRef global);

  func::FuncOp entryFunc;
  OpenCLProgram *program = nullptr;
  llvm::DenseMap<Value, uint32_t> argSlots;
  llvm::StringMap<int64_t> weightOffsets;
};

/// OpenCL C type of a scalar type (`float`, `int`, `uchar` for i1, ...), or
/// an empty string. `index` is `int` (every etch tensor has < 2^31
/// elements). With fp16, f32 is `half`.
std::string clTypeName(Type type, bool fp16 = false);

/// An OpenCL C literal for an `arith.constant` value (exact; hex floats).
FailureOr<std::string> clLiteral(Attribute value, bool fp16 = false);

/// `expr` as a C expression over `dims` (the loop variables' names).
std::string clAffineExpr(AffineExpr expr, llvm::ArrayRef<std::string> dims);

} // namespace mlir::etch::opencl

#endif // ETCH_CODEGEN_OPENCL_OPENCLBUFFERS_H
