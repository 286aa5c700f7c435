//===- ConstantData.h - reading and building constant tensors ---*- C++ -*-===//
//
// Helpers shared by the graph passes and the Linalg lowering to read the
// elements of `DenseElementsAttr` / `DenseResourceElementsAttr` constants as
// raw bytes or floats and to build new constants (resource blobs when large).
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_TRANSFORMS_CONSTANTDATA_H
#define ETCH_TRANSFORMS_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::etch {

/// Bytes per element of a constant of `type`, or 0 if unsupported (i1,
/// non-byte widths, non int/float).
int64_t getElementByteSize(Type elementType);

/// The elements of `attr` as dense row-major bytes (splats expanded), or
/// std::nullopt if the attribute kind/element type is unsupported or a
/// resource blob is not available.
std::optional<SmallVector<char>> getConstantBytes(ElementsAttr attr);

/// The elements of a floating-point (f16/bf16/f32/f64) constant as floats.
std::optional<SmallVector<float>> getConstantFloats(ElementsAttr attr);

/// The elements of an integer constant, sign-extended.
std::optional<SmallVector<int64_t>> getConstantInts(ElementsAttr attr);

/// A constant of `type` holding `bytes` (row-major, element size of `type`):
/// a DenseElementsAttr below `resourceThreshold` elements, else a new
/// DenseResourceElementsAttr named after `blobHint`.
ElementsAttr makeConstantAttr(RankedTensorType type, ArrayRef<char> bytes,
                              StringRef blobHint, int64_t resourceThreshold);

/// Same from floats; `type` must have an f32 element type.
ElementsAttr makeFloatConstantAttr(RankedTensorType type,
                                   ArrayRef<float> values, StringRef blobHint,
                                   int64_t resourceThreshold);

} // namespace mlir::etch

#endif // ETCH_TRANSFORMS_CONSTANTDATA_H
