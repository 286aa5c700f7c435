//===- ImportMath.h - helpers of the math op importers ----------*- C++ -*-===//
#ifndef ETCH_LIB_IMPORTER_IMPORTMATH_H
#define ETCH_LIB_IMPORTER_IMPORTMATH_H

#include "GraphImporter.h"

#include <optional>

namespace mlir::etch::importer {

/// The ranked tensor type of an imported value (every value the importer
/// builds is one).
inline RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// A rank-0 etch.constant of `elementType` holding `value`.
Value createScalarConstant(GraphImporter &im, Type elementType, double value);

/// NumPy broadcast of two static shapes; nullopt if they are incompatible.
std::optional<SmallVector<int64_t>> tryBroadcastShape(ArrayRef<int64_t> a,
                                                      ArrayRef<int64_t> b);

/// NumPy broadcast of two static shapes that ONNX already validated (a
/// mismatch is left for the op verifier to report: the first shape's dim
/// wins).
SmallVector<int64_t> broadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b);

/// A broadcasting binary etch op (Add/Sub/Mul/Div) with the result type
/// computed from the operands (element type `resultElementType` if given).
template <typename OpTy>
Value createBinary(GraphImporter &im, Value lhs, Value rhs,
                   Type resultElementType = {});

/// x[.., start : start + size, ..] along `axis` (x itself when that is all
/// of it).
Value slice(GraphImporter &im, Value x, int64_t axis, int64_t start,
            int64_t size);

/// x reshaped to `shape` (x itself when it has that shape).
Value reshapeTo(GraphImporter &im, Value x, ArrayRef<int64_t> shape);

/// x with its dims permuted: result dim i is x's dim perm[i].
Value transposeBy(GraphImporter &im, Value x, ArrayRef<int64_t> perm);

/// `parts` concatenated along `axis` (the one part itself when alone).
Value concatAlong(GraphImporter &im, ArrayRef<Value> parts, int64_t axis);

/// A reduction (ReduceSum/Prod/Max/Min/MeanOp) of `x` over `axes` with
/// result type `type`; over an empty axis (a 0-sized reduced dimension and a
/// non-empty result) the reduction's identity as a constant instead: 0, 1,
/// the lowest and highest value, NaN for the mean.
template <typename OpTy>
Value createReduceOrIdentity(GraphImporter &im, RankedTensorType type,
                             Value x, ArrayRef<int64_t> axes, bool keepdims);

/// Gelu of a float tensor: x / 2 * (1 + erf(x / sqrt(2))), or with `tanh`
/// x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))). (ImportModern.cpp)
Value buildGelu(GraphImporter &im, Value x, bool tanh);

/// Reductions, normalizations, LogSoftmax, Trilu (ImportMathReduce.cpp).
void registerMathReduceOps(OpTable &table);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_IMPORTMATH_H
