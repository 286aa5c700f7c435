//===- ImportMath.h - helpers of the math op importers ----------*- C++ -*-===//
#ifndef ETCH_LIB_IMPORTER_IMPORTMATH_H
#define ETCH_LIB_IMPORTER_IMPORTMATH_H

#include "GraphImporter.h"

namespace mlir::etch::importer {

/// A rank-0 etch.constant of `elementType` holding `value`.
Value createScalarConstant(GraphImporter &im, Type elementType, double value);

/// NumPy broadcast of two valid static shapes.
SmallVector<int64_t> broadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b);

/// A broadcasting binary etch op (Add/Sub/Mul/Div) with the result type
/// computed from the operands (element type `resultElementType` if given).
template <typename OpTy>
Value createBinary(GraphImporter &im, Value lhs, Value rhs,
                   Type resultElementType = {});

/// Reductions, normalizations, LogSoftmax, Trilu (ImportMathReduce.cpp).
void registerMathReduceOps(OpTable &table);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_IMPORTMATH_H
