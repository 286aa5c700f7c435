//===- ImportTensorFold.cpp - import-time evaluation of shape arithmetic --===//
//
// Exported models compute shapes at run time (Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape, ConstantOfShape, Range, ...). Every shape is static
// after import, so a node whose inputs are all small constants -- and Shape /
// Size of any statically shaped value -- is evaluated here, ONNX semantics,
// and its outputs become constants. The importers that need constant
// shape/axes/pads inputs then see constants.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "etch/Support/CheckedMath.h"
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <functional>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;
using onnx::TensorProto;

/// Inputs and outputs larger than this are left to the graph.
static constexpr int64_t kMaxFoldElements = 1 << 18;

namespace {
/// A small host tensor: integers (and bools) in `ints`, floats in `floats`.
struct HostTensor {
  int32_t dtype = TensorProto::INT64;
  SmallVector<int64_t> shape;
  SmallVector<int64_t> ints;
  SmallVector<double> floats;

  bool isFloat() const { return isFloatType(dtype); }
  static bool isFloatType(int32_t t) {
    return t == TensorProto::FLOAT || t == TensorProto::DOUBLE;
  }
  int64_t size() const {
    return isFloat() ? floats.size() : ints.size();
  }
  double getF(int64_t i) const {
    return isFloat() ? floats[i] : static_cast<double>(ints[i]);
  }
  int64_t getI(int64_t i) const {
    return isFloat() ? static_cast<int64_t>(floats[i]) : ints[i];
  }
  /// Appends element `i` of `src` (same dtype).
  void push(const HostTensor &src, int64_t i) {
    if (isFloat()) {
      floats.push_back(src.floats[i]);
    } else {
      ints.push_back(src.ints[i]);
    }
  }
  /// Appends `v`, rounded to this dtype.
  void pushF(double v) {
    if (dtype == TensorProto::FLOAT) {
      floats.push_back(static_cast<float>(v));
    } else if (dtype == TensorProto::DOUBLE) {
      floats.push_back(v);
    } else if (dtype == TensorProto::BOOL) {
      ints.push_back(v != 0.0);
    } else {
      ints.push_back(static_cast<int64_t>(v));
    }
  }
  void pushI(int64_t v) {
    if (isFloat()) {
      pushF(static_cast<double>(v));
    } else {
      ints.push_back(dtype == TensorProto::BOOL ? v != 0 : v);
    }
  }
};
} // namespace

/// The element count, or INT64_MAX (never folded) when a dim is negative or
/// a partial product of the dims overflows: the strides and outer/inner
/// sizes the evaluators compute then cannot overflow either.
static int64_t numElements(ArrayRef<int64_t> shape) {
  std::optional<int64_t> n = boundedShapeProduct(shape, INT64_MAX);
  return n ? *n : INT64_MAX;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
    s[d] = s[d + 1] * shape[d + 1];
  }
  return s;
}

/// Calls `fn(outIndex, multiIndex)` for every element of `shape`.
static void forEachIndex(ArrayRef<int64_t> shape,
                         function_ref<void(ArrayRef<int64_t>)> fn) {
  int64_t n = numElements(shape);
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    fn(idx);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) {
        break;
      }
      idx[d] = 0;
    }
  }
}

static bool isSupportedType(int32_t t) {
  switch (t) {
  case TensorProto::FLOAT:
  case TensorProto::DOUBLE:
  case TensorProto::INT8:
  case TensorProto::INT16:
  case TensorProto::INT32:
  case TensorProto::INT64:
  case TensorProto::UINT8:
  case TensorProto::UINT16:
  case TensorProto::UINT32:
  case TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

static std::optional<HostTensor> readHost(GraphImporter &im, unsigned i) {
  const TensorProto *t = im.constantInput(i);
  if (!t || !isSupportedType(t->data_type())) {
    return std::nullopt;
  }
  HostTensor h;
  h.dtype = t->data_type();
  h.shape.assign(t->dims().begin(), t->dims().end());
  if (numElements(h.shape) > kMaxFoldElements) {
    return std::nullopt;
  }
  if (h.isFloat()) {
    auto v = tensorToFloats(*t, im.getModelDir(), im.getLoc());
    if (failed(v)) {
      return std::nullopt;
    }
    h.floats = std::move(*v);
  } else {
    auto v = tensorToInts(*t, im.getModelDir(), im.getLoc());
    if (failed(v)) {
      return std::nullopt;
    }
    h.ints = std::move(*v);
  }
  if (h.size() != numElements(h.shape)) {
    return std::nullopt;
  }
  return h;
}

static TensorProto toProto(const HostTensor &h, StringRef name) {
  TensorProto t;
  t.set_name(name.str());
  t.set_data_type(h.dtype);
  for (int64_t d : h.shape) {
    t.add_dims(d);
  }
  switch (h.dtype) {
  case TensorProto::FLOAT:
    for (double v : h.floats) {
      t.add_float_data(static_cast<float>(v));
    }
    break;
  case TensorProto::DOUBLE:
    for (double v : h.floats) {
      t.add_double_data(v);
    }
    break;
  case TensorProto::INT64:
    for (int64_t v : h.ints) {
      t.add_int64_data(v);
    }
    break;
  case TensorProto::UINT32:
    for (int64_t v : h.ints) {
      t.add_uint64_data(static_cast<uint64_t>(v));
    }
    break;
  default:
    for (int64_t v : h.ints) {
      t.add_int32_data(static_cast<int32_t>(v));
    }
    break;
  }
  return t;
}

/// The static shape of input `i`, constant or not.
static std::optional<SmallVector<int64_t>> staticShapeOf(GraphImporter &im,
                                                         unsigned i) {
  if (const TensorProto *t = im.constantInput(i)) {
    return SmallVector<int64_t>(t->dims().begin(), t->dims().end());
  }
  if (!im.hasInput(i)) {
    return std::nullopt;
  }
  FailureOr<Value> v = im.input(i);
  if (failed(v)) {
    return std::nullopt;
  }
  auto type = dyn_cast<RankedTensorType>(v->getType());
  if (!type || !type.hasStaticShape()) {
    return std::nullopt;
  }
  return SmallVector<int64_t>(type.getShape());
}

static HostTensor intVector(ArrayRef<int64_t> values) {
  HostTensor h;
  h.shape = {static_cast<int64_t>(values.size())};
  h.ints.assign(values.begin(), values.end());
  return h;
}

static std::optional<int64_t> normAxis(int64_t a, int64_t rank) {
  if (a < -rank || a >= rank) {
    return std::nullopt;
  }
  return a < 0 ? a + rank : a;
}

/// Flat index into `shape` (right-aligned, broadcast) for output `idx`.
static int64_t broadcastIndex(ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> idx) {
  int64_t off = 0, stride = 1;
  size_t lead = idx.size() - shape.size();
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (shape[d] != 1) {
      off += idx[lead + d] * stride;
    }
    stride *= shape[d];
  }
  return off;
}

using Results = SmallVector<HostTensor, 1>;

//===----------------------------------------------------------------------===//
// Evaluators. Each returns nullopt when it cannot fold (the node is then
// imported as usual and its importer reports any error).
//===----------------------------------------------------------------------===//

static std::optional<HostTensor>
evalElementwise(StringRef op, ArrayRef<HostTensor> in) {
  SmallVector<int64_t> shape = in[0].shape;
  for (const HostTensor &t : in.drop_front()) {
    auto s = tryBroadcastShape(shape, t.shape);
    if (!s) {
      return std::nullopt;
    }
    shape = *s;
  }
  HostTensor out;
  bool isCompare = op == "Equal" || op == "Less" || op == "Greater" ||
                   op == "LessOrEqual" || op == "GreaterOrEqual";
  const HostTensor &value = op == "Where" ? in[1] : in[0];
  out.dtype = isCompare ? int32_t(TensorProto::BOOL) : value.dtype;
  out.shape = shape;
  bool floatMath = llvm::any_of(in, [](const HostTensor &t) {
    return t.isFloat();
  });
  forEachIndex(shape, [&](ArrayRef<int64_t> idx) {
    SmallVector<int64_t> at;
    for (const HostTensor &t : in) {
      at.push_back(broadcastIndex(t.shape, idx));
    }
    if (op == "Where") {
      bool takeX = in[0].getI(at[0]) != 0;
      out.push(takeX ? in[1] : in[2], takeX ? at[1] : at[2]);
      return;
    }
    if (in.size() == 1) {
      if (op == "Neg") {
        floatMath ? out.pushF(-in[0].getF(at[0]))
                  : out.pushI(-in[0].getI(at[0]));
      } else if (op == "Abs") {
        floatMath ? out.pushF(std::fabs(in[0].getF(at[0])))
                  : out.pushI(std::abs(in[0].getI(at[0])));
      } else if (op == "Not") {
        out.pushI(!in[0].getI(at[0]));
      } else if (op == "Floor") {
        out.pushF(std::floor(in[0].getF(at[0])));
      } else if (op == "Ceil") {
        out.pushF(std::ceil(in[0].getF(at[0])));
      } else if (op == "Sqrt") {
        out.pushF(std::sqrt(in[0].getF(at[0])));
      } else if (op == "Relu") {
        floatMath ? out.pushF(std::max(in[0].getF(at[0]), 0.0))
                  : out.pushI(std::max<int64_t>(in[0].getI(at[0]), 0));
      }
      return;
    }
    if (floatMath) {
      double a = in[0].getF(at[0]), b = in[1].getF(at[1]);
      double r = op == "Add"   ? a + b
                 : op == "Sub" ? a - b
                 : op == "Mul" ? a * b
                 : op == "Div" ? a / b
                 : op == "Max" ? std::max(a, b)
                 : op == "Min" ? std::min(a, b)
                 : op == "Equal"          ? double(a == b)
                 : op == "Less"           ? double(a < b)
                 : op == "Greater"        ? double(a > b)
                 : op == "LessOrEqual"    ? double(a <= b)
                 : op == "GreaterOrEqual" ? double(a >= b)
                                          : 0.0;
      out.pushF(r);
      return;
    }
    int64_t a = in[0].getI(at[0]), b = in[1].getI(at[1]);
    int64_t r = op == "Add"   ? a + b
                : op == "Sub" ? a - b
                : op == "Mul" ? a * b
                : op == "Div" ? (b == 0 ? 0 : a / b)
                : op == "Max" ? std::max(a, b)
                : op == "Min" ? std::min(a, b)
                : op == "And" ? int64_t(a && b)
                : op == "Or"  ? int64_t(a || b)
                : op == "Equal"          ? int64_t(a == b)
                : op == "Less"           ? int64_t(a < b)
                : op == "Greater"        ? int64_t(a > b)
                : op == "LessOrEqual"    ? int64_t(a <= b)
                : op == "GreaterOrEqual" ? int64_t(a >= b)
                                         : 0;
    out.pushI(r);
  });
  return out;
}

static std::optional<HostTensor> evalCast(const HostTensor &x, int32_t to) {
  if (!isSupportedType(to)) {
    return std::nullopt;
  }
  HostTensor out;
  out.dtype = to;
  out.shape = x.shape;
  for (int64_t i = 0, e = x.size(); i < e; ++i) {
    x.isFloat() ? out.pushF(x.getF(i)) : out.pushI(x.getI(i));
  }
  return out;
}

static std::optional<HostTensor> evalGather(const HostTensor &data,
                                            const HostTensor &indices,
                                            int64_t axisAttr) {
  int64_t rank = data.shape.size();
  auto axis = normAxis(axisAttr, rank);
  if (!axis) {
    return std::nullopt;
  }
  int64_t dim = data.shape[*axis];
  HostTensor out;
  out.dtype = data.dtype;
  out.shape.append(data.shape.begin(), data.shape.begin() + *axis);
  out.shape.append(indices.shape.begin(), indices.shape.end());
  out.shape.append(data.shape.begin() + *axis + 1, data.shape.end());
  SmallVector<int64_t> strides = stridesOf(data.shape);
  int64_t irank = indices.shape.size();
  bool ok = true;
  forEachIndex(out.shape, [&](ArrayRef<int64_t> idx) {
    int64_t flatIdx = 0, s = 1;
    for (int64_t d = irank - 1; d >= 0; --d) {
      flatIdx += idx[*axis + d] * s;
      s *= indices.shape[d];
    }
    int64_t k = indices.getI(flatIdx);
    if (k < -dim || k >= dim) {
      ok = false;
      return;
    }
    k = k < 0 ? k + dim : k;
    int64_t off = k * strides[*axis];
    for (int64_t d = 0; d < *axis; ++d) {
      off += idx[d] * strides[d];
    }
    for (int64_t d = *axis + 1; d < rank; ++d) {
      off += idx[d + irank - 1] * strides[d];
    }
    out.push(data, off);
  });
  return ok ? std::optional<HostTensor>(out) : std::nullopt;
}

static std::optional<HostTensor> evalConcat(ArrayRef<HostTensor> in,
                                            int64_t axisAttr) {
  int64_t rank = in[0].shape.size();
  auto axis = normAxis(axisAttr, rank);
  if (!axis) {
    return std::nullopt;
  }
  HostTensor out;
  out.dtype = in[0].dtype;
  out.shape = in[0].shape;
  out.shape[*axis] = 0;
  for (const HostTensor &t : in) {
    if (static_cast<int64_t>(t.shape.size()) != rank || t.dtype != out.dtype) {
      return std::nullopt;
    }
    out.shape[*axis] += t.shape[*axis];
  }
  int64_t outer = numElements(ArrayRef<int64_t>(out.shape).take_front(*axis));
  for (int64_t o = 0; o < outer; ++o) {
    for (const HostTensor &t : in) {
      int64_t chunk = numElements(ArrayRef<int64_t>(t.shape).drop_front(*axis));
      for (int64_t j = 0; j < chunk; ++j) {
        out.push(t, o * chunk + j);
      }
    }
  }
  return out;
}

/// ONNX Slice on host data (clamping, negative steps).
static std::optional<HostTensor>
evalSlice(const HostTensor &x, ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
          std::optional<SmallVector<int64_t>> axes,
          std::optional<SmallVector<int64_t>> steps) {
  int64_t rank = x.shape.size();
  size_t n = starts.size();
  if (ends.size() != n || (axes && axes->size() != n) ||
      (steps && steps->size() != n)) {
    return std::nullopt;
  }
  SmallVector<int64_t> begin(rank, 0), step(rank, 1), size(x.shape);
  for (size_t i = 0; i < n; ++i) {
    auto axis = normAxis(axes ? (*axes)[i] : int64_t(i), rank);
    int64_t st = steps ? (*steps)[i] : 1;
    if (!axis || st == 0) {
      return std::nullopt;
    }
    int64_t dim = x.shape[*axis];
    int64_t s = starts[i], e = ends[i];
    s = s < 0 ? s + dim : s;
    e = e < 0 ? e + dim : e;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      size[*axis] = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      size[*axis] = s > e ? (s - e - st - 1) / -st : 0;
    }
    begin[*axis] = s;
    step[*axis] = st;
  }
  HostTensor out;
  out.dtype = x.dtype;
  out.shape = size;
  SmallVector<int64_t> strides = stridesOf(x.shape);
  forEachIndex(size, [&](ArrayRef<int64_t> idx) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) {
      off += (begin[d] + idx[d] * step[d]) * strides[d];
    }
    out.push(x, off);
  });
  return out;
}

/// Reshape/Expand/Squeeze/Unsqueeze: the data is unchanged or broadcast.
static std::optional<HostTensor> evalExpand(const HostTensor &x,
                                            ArrayRef<int64_t> target) {
  auto shape = tryBroadcastShape(x.shape, target);
  if (!shape) {
    return std::nullopt;
  }
  HostTensor out;
  out.dtype = x.dtype;
  out.shape = *shape;
  forEachIndex(*shape, [&](ArrayRef<int64_t> idx) {
    out.push(x, broadcastIndex(x.shape, idx));
  });
  return out;
}

static std::optional<HostTensor> reshaped(HostTensor x,
                                          ArrayRef<int64_t> shape) {
  if (numElements(shape) != numElements(x.shape)) {
    return std::nullopt;
  }
  x.shape.assign(shape.begin(), shape.end());
  return x;
}

static std::optional<HostTensor> evalReshape(const HostTensor &x,
                                             ArrayRef<int64_t> target,
                                             bool allowZero) {
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, dim] : llvm::enumerate(target)) {
    int64_t d = dim;
    if (d == 0 && !allowZero) {
      if (i >= x.shape.size()) {
        return std::nullopt;
      }
      d = x.shape[i];
    } else if (d == -1) {
      inferred = i;
      shape.push_back(1);
      continue;
    }
    std::optional<int64_t> next = d < 0 ? std::nullopt : checkedMul(known, d);
    if (!next) {
      return std::nullopt;
    }
    known = *next;
    shape.push_back(d);
  }
  if (inferred >= 0) {
    if (known == 0) {
      return std::nullopt;
    }
    shape[inferred] = numElements(x.shape) / known;
  }
  return reshaped(x, shape);
}

static std::optional<HostTensor>
evalSqueeze(const HostTensor &x, std::optional<SmallVector<int64_t>> axes,
            bool unsqueeze) {
  int64_t rank = x.shape.size();
  SmallVector<int64_t> shape;
  if (unsqueeze) {
    if (!axes) {
      return std::nullopt;
    }
    int64_t outRank = rank + axes->size();
    SmallVector<int64_t> norm;
    for (int64_t a : *axes) {
      auto n = normAxis(a, outRank);
      if (!n) {
        return std::nullopt;
      }
      norm.push_back(*n);
    }
    ArrayRef<int64_t> in = x.shape;
    for (int64_t d = 0; d < outRank; ++d) {
      if (llvm::is_contained(norm, d)) {
        shape.push_back(1);
      } else if (!in.empty()) {
        shape.push_back(in.front());
        in = in.drop_front();
      }
    }
    return reshaped(x, shape);
  }
  SmallVector<int64_t> norm;
  for (int64_t a : axes.value_or(SmallVector<int64_t>())) {
    auto n = normAxis(a, rank);
    if (!n) {
      return std::nullopt;
    }
    norm.push_back(*n);
  }
  for (int64_t d = 0; d < rank; ++d) {
    bool drop = norm.empty() ? x.shape[d] == 1 : llvm::is_contained(norm, d);
    if (!drop) {
      shape.push_back(x.shape[d]);
    }
  }
  return reshaped(x, shape);
}

static std::optional<HostTensor> evalRange(const HostTensor &start,
                                           const HostTensor &limit,
                                           const HostTensor &delta) {
  HostTensor out;
  out.dtype = start.dtype;
  double s = start.getF(0), l = limit.getF(0), d = delta.getF(0);
  if (d == 0.0) {
    return std::nullopt;
  }
  int64_t n = std::max<int64_t>(std::ceil((l - s) / d), 0);
  if (n > kMaxFoldElements) {
    return std::nullopt;
  }
  out.shape = {n};
  for (int64_t i = 0; i < n; ++i) {
    if (out.isFloat()) {
      out.pushF(s + i * d);
    } else {
      out.pushI(start.getI(0) + i * delta.getI(0));
    }
  }
  return out;
}


static std::optional<SmallVector<int64_t>>
intsOf(const std::optional<HostTensor> &t) {
  if (!t || t->isFloat()) {
    return std::nullopt;
  }
  return t->ints;
}

/// Evaluates an all-constant node; empty results when it cannot.
/// ScatterND without reduction: `data` with the slices of `updates` written
/// at the index tuples that make up the last axis of `indices` (later tuples
/// win, as in ONNX's reference). Swin's shifted-window attention mask is
/// built this way from constants.
static std::optional<HostTensor> evalScatterND(const HostTensor &data,
                                               const HostTensor &indices,
                                               const HostTensor &updates) {
  int64_t rank = data.shape.size();
  if (indices.shape.empty() || updates.dtype != data.dtype) {
    return std::nullopt;
  }
  int64_t k = indices.shape.back();
  if (k < 1 || k > rank) {
    return std::nullopt;
  }
  SmallVector<int64_t> updatesShape(indices.shape.begin(),
                                    indices.shape.end() - 1);
  updatesShape.append(data.shape.begin() + k, data.shape.end());
  if (updates.shape != updatesShape) {
    return std::nullopt;
  }
  int64_t sliceSize = numElements(ArrayRef<int64_t>(data.shape).drop_front(k));
  int64_t tuples = indices.size() / k;
  HostTensor out = data;
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t offset = 0;
    for (int64_t j = 0; j < k; ++j) {
      int64_t dim = data.shape[j];
      int64_t idx = indices.getI(t * k + j);
      idx = idx < 0 ? idx + dim : idx;
      if (idx < 0 || idx >= dim) {
        return std::nullopt;
      }
      offset = offset * dim + idx;
    }
    offset *= sliceSize;
    for (int64_t e = 0; e < sliceSize; ++e) {
      if (out.isFloat()) {
        out.floats[offset + e] = updates.floats[t * sliceSize + e];
      } else {
        out.ints[offset + e] = updates.ints[t * sliceSize + e];
      }
    }
  }
  return out;
}

/// Transpose by `perm` (default: reversed axes).
static std::optional<HostTensor>
evalTranspose(const HostTensor &x, std::optional<SmallVector<int64_t>> perm) {
  int64_t rank = x.shape.size();
  SmallVector<int64_t> p;
  if (perm) {
    p = *perm;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d) {
      p.push_back(d);
    }
  }
  SmallVector<int64_t> sorted(p);
  llvm::sort(sorted);
  for (int64_t d = 0; d < rank; ++d) {
    if (static_cast<int64_t>(sorted.size()) != rank || sorted[d] != d) {
      return std::nullopt;
    }
  }
  HostTensor out;
  out.dtype = x.dtype;
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * x.shape[d + 1];
  }
  for (int64_t d : p) {
    out.shape.push_back(x.shape[d]);
  }
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t n = 0, e = numElements(out.shape); n < e; ++n) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d) {
      src += idx[d] * strides[p[d]];
    }
    out.push(x, src);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < out.shape[d]) {
        break;
      }
      idx[d] = 0;
    }
  }
  return out;
}

static Results evalNode(GraphImporter &im, StringRef op,
                        ArrayRef<std::optional<HostTensor>> in) {
  auto single = [](std::optional<HostTensor> h) {
    return h ? Results{std::move(*h)} : Results{};
  };
  auto present = [&](size_t i) { return i < in.size() && in[i]; };
  int64_t opset = im.getOpset();
  if (op == "Identity") {
    return single(in[0]);
  }
  if (op == "Cast") {
    return single(evalCast(*in[0], im.attrInt("to", TensorProto::FLOAT)));
  }
  if (op == "Gather" && present(1)) {
    return single(evalGather(*in[0], *in[1], im.attrInt("axis", 0)));
  }
  if (op == "Concat") {
    SmallVector<HostTensor> parts;
    for (const auto &t : in) {
      if (!t) {
        return {};
      }
      parts.push_back(*t);
    }
    return single(evalConcat(parts, im.attrInt("axis", 0)));
  }
  if (op == "Squeeze" || op == "Unsqueeze") {
    std::optional<SmallVector<int64_t>> axes =
        opset >= 13 ? intsOf(present(1) ? in[1] : std::nullopt)
                    : im.attrInts("axes");
    return single(evalSqueeze(*in[0], axes, op == "Unsqueeze"));
  }
  if (op == "Slice") {
    if (opset < 10) {
      auto starts = im.attrInts("starts"), ends = im.attrInts("ends");
      if (!starts || !ends) {
        return {};
      }
      return single(evalSlice(*in[0], *starts, *ends, im.attrInts("axes"),
                              std::nullopt));
    }
    auto starts = intsOf(present(1) ? in[1] : std::nullopt);
    auto ends = intsOf(present(2) ? in[2] : std::nullopt);
    if (!starts || !ends) {
      return {};
    }
    return single(evalSlice(*in[0], *starts, *ends,
                            intsOf(present(3) ? in[3] : std::nullopt),
                            intsOf(present(4) ? in[4] : std::nullopt)));
  }
  if (op == "Reshape" && present(1)) {
    auto shape = intsOf(in[1]);
    return shape ? single(evalReshape(*in[0], *shape,
                                      im.attrInt("allowzero", 0) != 0))
                 : Results{};
  }
  if (op == "Expand" && present(1)) {
    auto shape = intsOf(in[1]);
    return shape ? single(evalExpand(*in[0], *shape)) : Results{};
  }
  if (op == "ConstantOfShape") {
    auto shape = intsOf(in[0]);
    if (!shape || numElements(*shape) > kMaxFoldElements ||
        llvm::any_of(*shape, [](int64_t d) { return d < 0; })) {
      return {};
    }
    HostTensor out;
    out.dtype = TensorProto::FLOAT;
    double value = 0.0;
    if (const onnx::AttributeProto *a = im.attr("value")) {
      out.dtype = a->t().data_type();
      if (!isSupportedType(out.dtype)) {
        return {};
      }
      auto v = tensorToFloats(a->t(), im.getModelDir(), im.getLoc());
      if (failed(v) || v->size() != 1) {
        return {};
      }
      value = v->front();
    }
    out.shape = *shape;
    for (int64_t i = 0, e = numElements(*shape); i < e; ++i) {
      out.pushF(value);
    }
    return single(out);
  }
  if (op == "Transpose") {
    return single(evalTranspose(*in[0], im.attrInts("perm")));
  }
  // Integer Mod with the divisor's sign (fmod = 0), as in shape arithmetic
  // (`(w - x % w) % w` paddings).
  if (op == "Mod" && present(1) && !in[0]->isFloat() && !in[1]->isFloat() &&
      im.attrInt("fmod", 0) == 0 && in[0]->dtype == in[1]->dtype &&
      in[0]->shape == in[1]->shape) {
    HostTensor out = *in[0];
    for (int64_t i = 0, e = out.size(); i < e; ++i) {
      int64_t a = in[0]->ints[i], b = in[1]->ints[i];
      if (b == 0) {
        return {};
      }
      int64_t r = a % b;
      out.ints[i] = (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }
    return single(out);
  }
  if (op == "ScatterND" && in.size() == 3 && present(0) && present(1) &&
      present(2)) {
    const onnx::AttributeProto *reduction = im.attr("reduction");
    if (reduction && reduction->s() != "none") {
      return {};
    }
    return single(evalScatterND(*in[0], *in[1], *in[2]));
  }
  if (op == "Range" && present(2)) {
    return single(evalRange(*in[0], *in[1], *in[2]));
  }
  static const char *const kUnary[] = {"Neg",  "Abs",  "Not", "Floor",
                                       "Ceil", "Sqrt", "Relu"};
  static const char *const kBinary[] = {
      "Add",  "Sub",     "Mul",         "Div",           "Max", "Min",
      "And",  "Or",      "Equal",       "Less",          "Greater",
      "LessOrEqual",     "GreaterOrEqual"};
  size_t arity = llvm::is_contained(kUnary, op)    ? 1
                 : llvm::is_contained(kBinary, op) ? 2
                 : op == "Where"                   ? 3
                                                   : 0;
  if (arity == 0 || in.size() != arity ||
      llvm::any_of(in, [](const auto &t) { return !t; })) {
    return {};
  }
  SmallVector<HostTensor> args;
  for (const auto &t : in) {
    args.push_back(*t);
  }
  return single(evalElementwise(op, args));
}

FailureOr<bool> importer::tryFoldNode(GraphImporter &im,
                                      const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  Results results;
  if (op == "Shape" || op == "Size") {
    std::optional<SmallVector<int64_t>> shape = staticShapeOf(im, 0);
    if (!shape) {
      return false;
    }
    if (op == "Size") {
      HostTensor h;
      h.ints = {numElements(*shape)};
      results.push_back(h);
    } else {
      // Opset 15 start/end: clamped, negative counts from the back.
      int64_t rank = shape->size();
      auto clampDim = [&](int64_t d) {
        return std::clamp<int64_t>(d < 0 ? d + rank : d, 0, rank);
      };
      int64_t start = clampDim(im.attrInt("start", 0));
      int64_t end = clampDim(im.attrInt("end", rank));
      results.push_back(intVector(
          ArrayRef<int64_t>(*shape).slice(start, std::max<int64_t>(end - start, 0))));
    }
  } else {
    if (node.input_size() == 0) {
      return false;
    }
    SmallVector<std::optional<HostTensor>> in;
    for (int i = 0; i < node.input_size(); ++i) {
      if (!im.hasInput(i)) {
        in.push_back(std::nullopt);
        continue;
      }
      std::optional<HostTensor> h = readHost(im, i);
      if (!h) {
        return false;
      }
      in.push_back(std::move(h));
    }
    if (!in[0]) {
      return false;
    }
    results = evalNode(im, op, in);
  }
  if (results.empty() ||
      static_cast<int>(results.size()) < node.output_size()) {
    return false;
  }
  for (const HostTensor &h : results) {
    if (h.size() != numElements(h.shape) || h.size() > kMaxFoldElements) {
      return false;
    }
  }
  for (auto [i, name] : llvm::enumerate(node.output())) {
    if (!name.empty()) {
      im.addConstant(name, im.keepTensor(toProto(results[i], name)),
                     im.getLoc());
    }
  }
  return true;
}

/// Ops etch only supports when the folder above evaluates them.
static LogicalResult importFoldOnly(GraphImporter &im,
                                    const onnx::NodeProto &node) {
  InFlightDiagnostic diag = im.error();
  diag << "op '" << node.op_type()
       << "' is only supported when it can be evaluated at import (all "
          "inputs constant, at most "
       << kMaxFoldElements << " elements)";
  for (int i = 0; i < node.input_size(); ++i) {
    std::string hint =
        im.hasInput(i) && !im.constantInput(i) ? im.constantHint(node.input(i))
                                               : "";
    if (!hint.empty()) {
      diag << "; input '" << node.input(i) << "' is not a constant" << hint;
      break;
    }
  }
  return diag;
}

void importer::registerTensorFoldOps(OpTable &table) {
  // try_emplace: an op with a real importer keeps it; the folder still runs
  // first for constant inputs.
  for (const char *op :
       {"Shape", "Size", "ConstantOfShape", "Range", "Cast", "Gather",
        "Slice", "Expand", "Equal", "Less", "Greater", "LessOrEqual",
        "GreaterOrEqual", "Where", "Not", "And", "Or", "Neg", "Abs", "Floor",
        "Ceil", "Sqrt", "ScatterND"}) {
    table.try_emplace(op, importFoldOnly);
  }
}
