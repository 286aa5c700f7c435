//===- CheckedMath.h - overflow-checked shape arithmetic --------*- C++ -*-===//
//
// Shapes, element counts and byte sizes come from model bytes: a hostile or
// broken model can make any product of dims overflow int64. Every place that
// multiplies or adds dims goes through these helpers, which say "no value"
// instead of wrapping (signed overflow is undefined behaviour).
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_SUPPORT_CHECKEDMATH_H
#define ETCH_SUPPORT_CHECKEDMATH_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>

namespace mlir::etch {

/// a * b, or nullopt if it overflows int64.
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) {
    return std::nullopt;
  }
  return r;
}

/// a + b, or nullopt if it overflows int64.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return std::nullopt;
  }
  return r;
}

/// a - b, or nullopt if it overflows int64.
inline std::optional<int64_t> checkedSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) {
    return std::nullopt;
  }
  return r;
}

/// The number of elements of a static shape: nullopt if a dim is negative
/// (dynamic) or the product overflows int64. The empty shape has 1.
inline std::optional<int64_t> shapeProduct(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) {
      return std::nullopt;
    }
    std::optional<int64_t> next = checkedMul(n, d);
    if (!next) {
      return std::nullopt;
    }
    n = *next;
  }
  return n;
}

/// The product of the dims with zero dims counted as one: a bound on every
/// partial product of the dims (strides, outer/inner sizes), which shape
/// arithmetic computes even for an empty tensor. nullopt if a dim is
/// negative or the product overflows int64.
inline std::optional<int64_t> shapeBound(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) {
      return std::nullopt;
    }
    std::optional<int64_t> next = checkedMul(n, d ? d : 1);
    if (!next) {
      return std::nullopt;
    }
    n = *next;
  }
  return n;
}

/// The element count of `dims` when every partial product of them is at most
/// `limit` (shapeBound); nullopt otherwise (dynamic, overflowing or too big).
inline std::optional<int64_t> boundedShapeProduct(llvm::ArrayRef<int64_t> dims,
                                                  int64_t limit) {
  std::optional<int64_t> bound = shapeBound(dims);
  if (!bound || *bound > limit) {
    return std::nullopt;
  }
  return shapeProduct(dims);
}

} // namespace mlir::etch

#endif // ETCH_SUPPORT_CHECKEDMATH_H
