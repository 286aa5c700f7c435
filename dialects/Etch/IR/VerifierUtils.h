//===- VerifierUtils.h - shape helpers of the etch verifiers ----*- C++ -*-===//
//
// Private to dialects/Etch/IR. Dynamic dims are accepted wherever a static
// one would be.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_DIALECTS_ETCH_IR_VERIFIERUTILS_H
#define ETCH_DIALECTS_ETCH_IR_VERIFIERUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::etch::detail {

inline constexpr int64_t kDyn = ShapedType::kDynamic;

/// Formats a shape as `[2x3x?]` for messages.
inline std::string fmt(ArrayRef<int64_t> shape) {
  std::string str = "[";
  llvm::raw_string_ostream os(str);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (d == kDyn) {
          os << "?";
        } else {
          os << d;
        }
      },
      "x");
  os << "]";
  return str;
}
inline std::string fmt(Type t) {
  return fmt(cast<RankedTensorType>(t).getShape());
}

inline bool dimsMatch(int64_t a, int64_t b) {
  return a == kDyn || b == kDyn || a == b;
}

inline bool shapesMatch(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  return a.size() == b.size() &&
         llvm::all_of(llvm::zip(a, b), [](auto p) {
           return dimsMatch(std::get<0>(p), std::get<1>(p));
         });
}

inline RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Checks that all given values share one element type.
inline LogicalResult verifySameElementType(Operation *op, ValueRange values) {
  if (values.empty()) {
    return success();
  }
  Type elem = tensorType(values.front()).getElementType();
  for (Value v : values.drop_front()) {
    if (tensorType(v).getElementType() != elem) {
      return op->emitOpError() << "element types differ: " << elem << " vs "
                               << tensorType(v).getElementType();
    }
  }
  return success();
}

/// NumPy multidirectional broadcasting of two shapes; failure if a pair of
/// dims is neither equal nor 1.
inline FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                       ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1) {
      out[i] = db;
    } else if (db == 1) {
      out[i] = da;
    } else if (da == kDyn) {
      out[i] = db;
    } else if (db == kDyn || da == db) {
      out[i] = da;
    } else {
      return failure();
    }
  }
  return out;
}

/// Checks a per-spatial-dim attribute's length and positivity.
inline LogicalResult verifySpatialAttr(Operation *op, StringRef name,
                                       ArrayRef<int64_t> values,
                                       size_t expectedSize, int64_t minValue) {
  if (values.size() != expectedSize) {
    return op->emitOpError() << "'" << name << "' has " << values.size()
                             << " entries, expected " << expectedSize;
  }
  for (int64_t v : values) {
    if (v < minValue) {
      return op->emitOpError() << "'" << name << "' entries must be >= "
                               << minValue << ", got " << v;
    }
  }
  return success();
}

} // namespace mlir::etch::detail

#endif // ETCH_DIALECTS_ETCH_IR_VERIFIERUTILS_H
