//===- ImportInt4.cpp - MatMulNBits, blocked int4 DequantizeLinear --------===//
//
// 4-bit weights stay packed two per byte in the object and are unpacked
// inside the matmul's tiles. Both ONNX forms end in one etch form:
//   - com.microsoft MatMulNBits (A [.., K] x dequant(B)^T, B uint8
//     [N, n_blocks, block_size / 2], the codes packed low nibble first along
//     K, per-block scales and zero points, optional bias);
//   - opset 21's blocked DequantizeLinear of an int4/uint4 initializer that
//     feeds MatMul (or Gemm) as B: rewritten into MatMulNBits before import
//     (rewriteInt4MatMuls), its codes repacked along K at compile time
//     (int4 codes c become the uint4 c + 8 with the zero point + 8).
// The etch form: the packed bytes regrouped to [N / t, n_blocks, h, 1, t]
// (h = block_size / 2, t = 16 columns, one vector of lanes; a constant
// reshape/transpose folds at compile time, so the object holds N * K / 2
// bytes and a group's whole K is contiguous), unpacked by an elementwise
// chain
//   W[g, b, p, j, c] = (((P[g, b, p, c] >> 4j) & 15) - Z[g, b, c]) * S[g, b, c]
// feeding an einsum A[m, b, p, j] * W[g, b, p, j, c] -> [m, g, c]: one
// reduction over (b, p, j). FuseWeightDequant.cpp then fuses the chain into
// the einsum's generic, so the codes are unpacked in registers next to the
// FMAs (no fp32 copy of the weights, no unpacked buffer).
//
// Blocked DequantizeLinear/QuantizeLinear elsewhere (computed inputs, other
// consumers) use blockedParam: the scale and zero point repeated along the
// blocked axis by a gather, then the per-element arithmetic of ImportQuant.
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"
#include "ImportQuant.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

Value f32Constant(GraphImporter &im, ArrayRef<int64_t> shape,
                  ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, im.getBuilder().getF32Type());
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, values))});
}

/// The per-block zero points of MatMulNBits as float [n_blocks, N]: input 3
/// (uint8: packed uint4, two blocks per byte along each row of
/// [N, ceil(n_blocks / 2)]; float: [N * n_blocks]), 8 when absent.
FailureOr<Value> zeroPoints(GraphImporter &im, int64_t n, int64_t nBlocks) {
  if (!im.hasInput(3)) {
    return createScalarConstant(im, im.getBuilder().getF32Type(), 8.0);
  }
  const onnx::TensorProto *t = im.constantInput(3);
  if (!t) {
    return im.error() << "the zero points must be a constant (an initializer)";
  }
  int32_t type = t->data_type();
  SmallVector<float> zp(nBlocks * n);
  if (type == onnx::TensorProto::UINT8) {
    FailureOr<SmallVector<int64_t>> packed = im.constantInts(3, "zero_points");
    if (failed(packed)) {
      return failure();
    }
    int64_t perRow = (nBlocks + 1) / 2;
    if (static_cast<int64_t>(packed->size()) != n * perRow) {
      return im.error() << "uint8 zero_points must hold " << n * perRow
                        << " bytes (N x ceil(n_blocks / 2) packed uint4), got "
                        << packed->size();
    }
    for (int64_t c = 0; c < n; ++c) {
      for (int64_t b = 0; b < nBlocks; ++b) {
        int64_t byte = (*packed)[c * perRow + b / 2];
        zp[b * n + c] = static_cast<float>((byte >> (4 * (b % 2))) & 15);
      }
    }
  } else if (type == onnx::TensorProto::FLOAT) {
    FailureOr<SmallVector<double>> v = im.constantFloats(3, "zero_points");
    if (failed(v)) {
      return failure();
    }
    if (static_cast<int64_t>(v->size()) != n * nBlocks) {
      return im.error() << "float zero_points must hold N x n_blocks = "
                        << n * nBlocks << " values, got " << v->size();
    }
    for (int64_t c = 0; c < n; ++c) {
      for (int64_t b = 0; b < nBlocks; ++b) {
        zp[b * n + c] = static_cast<float>((*v)[c * nBlocks + b]);
      }
    }
  } else {
    return im.error() << "zero_points of type " << onnxTypeName(type)
                      << " are not supported; supported: uint8 (packed "
                         "uint4) and float";
  }
  return f32Constant(im, {nBlocks, n}, zp);
}

/// MatMulNBits (com.microsoft): Y = A x dequant(B)^T (+ bias), 4 bits.
LogicalResult importMatMulNBits(GraphImporter &im, const onnx::NodeProto &) {
  int64_t k = im.attrInt("K", 0), n = im.attrInt("N", 0);
  int64_t bits = im.attrInt("bits", 4), bs = im.attrInt("block_size", 0);
  if (bits != 4) {
    return im.error() << "bits " << bits << " is not supported; supported: 4";
  }
  if (k <= 0 || n <= 0 || bs < 2 || bs % 2 != 0) {
    return im.error() << "K (" << k << ") and N (" << n
                      << ") must be positive and block_size (" << bs
                      << ") even and at least 2";
  }
  if (im.hasInput(4) && !im.getNode().input(4).empty()) {
    return im.error() << "g_idx (act-order) is not supported";
  }
  FailureOr<Value> a = im.input(0), packed = im.input(1), scales = im.input(2);
  if (failed(a) || failed(packed) || failed(scales)) {
    return failure();
  }
  RankedTensorType aType = typeOf(*a);
  if (!aType.getElementType().isF32() ||
      !typeOf(*scales).getElementType().isF32()) {
    return im.error() << "A and scales must be float32, got " << aType
                      << " and " << scales->getType();
  }
  if (aType.getRank() < 1 || aType.getShape().back() != k) {
    return im.error() << "A's last dimension must be K = " << k << ", got "
                      << aType;
  }
  int64_t nBlocks = (k + bs - 1) / bs, h = bs / 2;
  if (typeOf(*packed).getNumElements() != n * nBlocks * h ||
      typeOf(*scales).getNumElements() != n * nBlocks) {
    return im.error() << "B must be uint8 [N, n_blocks, block_size / 2] = ["
                      << n << ", " << nBlocks << ", " << h
                      << "] and scales hold N x n_blocks values; got "
                      << packed->getType() << " and " << scales->getType();
  }
  FailureOr<Value> zp = zeroPoints(im, n, nBlocks);
  if (failed(zp)) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  Type i8 = b.getI8Type();
  // Columns in groups of t (one vector of lanes): the packed bytes of a
  // group's whole K are contiguous, [N/t, nb, h, 1, t].
  int64_t t = 1;
  for (int64_t c : {16, 8, 4, 2}) {
    if (n % c == 0) {
      t = c;
      break;
    }
  }
  int64_t g = n / t;
  Value p = reshapeTo(im, *packed, {g, t, nBlocks, h});
  p = reshapeTo(im, transposeBy(im, p, {0, 2, 3, 1}), {g, nBlocks, h, 1, t});
  auto shiftType = RankedTensorType::get({1, 1, 1, 2, 1}, i8);
  Value shifts = im.create<ConstantOp>(
      shiftType, {},
      {im.namedAttr("value", DenseElementsAttr::get(
                                 shiftType, ArrayRef<int8_t>{0, 4}))});
  auto wShape = SmallVector<int64_t>{g, nBlocks, h, 2, t};
  Value codes = im.create<BitShiftOp>(
      RankedTensorType::get(wShape, i8), {p, shifts},
      {im.namedAttr("left", b.getBoolAttr(false))});
  codes = createBinary<AndOp>(im, codes, createScalarConstant(im, i8, 15));
  // Scales and zero points [nb, N] -> [N/t, nb, 1, 1, t].
  auto grouped = [&](Value v) {
    v = reshapeTo(im, v, {nBlocks, g, t});
    return reshapeTo(im, transposeBy(im, v, {1, 0, 2}), {g, nBlocks, 1, 1, t});
  };
  Value s = grouped(
      transposeBy(im, reshapeTo(im, *scales, {n, nBlocks}), {1, 0}));
  Value zpg = typeOf(*zp).getRank() == 0 ? *zp : grouped(*zp);
  Value w = createBinary<SubOp>(im, quant::toF32(im, codes, true), zpg);
  w = createBinary<MulOp>(im, w, s);

  // A as [M, nb, h, 2], zero-padded to whole blocks.
  int64_t m = aType.getNumElements() / k;
  Value a2 = reshapeTo(im, *a, {m, k});
  if (int64_t pad = nBlocks * bs - k; pad > 0) {
    auto padType = RankedTensorType::get({m, pad}, b.getF32Type());
    Value zeros = im.create<ConstantOp>(
        padType, {},
        {im.namedAttr("value", DenseElementsAttr::get(padType, 0.0f))});
    a2 = im.create<ConcatOp>(
        RankedTensorType::get({m, nBlocks * bs}, b.getF32Type()),
        {a2, zeros}, {im.namedAttr("axis", b.getI64IntegerAttr(1))});
  }
  a2 = reshapeTo(im, a2, {m, nBlocks, h, 2});
  // Labels m=0, group=1, lane=2, block=3, pair=4, nibble=5.
  Value y = im.create<EinsumOp>(
      RankedTensorType::get({m, g, t}, b.getF32Type()), {a2, w},
      {im.namedAttr("input_labels",
                    b.getArrayAttr({b.getDenseI64ArrayAttr({0, 3, 4, 5}),
                                    b.getDenseI64ArrayAttr({1, 3, 4, 5, 2})})),
       im.namedAttr("output_labels", b.getDenseI64ArrayAttr({0, 1, 2}))});
  SmallVector<int64_t> outShape(aType.getShape());
  outShape.back() = n;
  y = reshapeTo(im, y, outShape);
  if (im.hasInput(5)) {
    FailureOr<Value> bias = im.input(5);
    if (failed(bias)) {
      return failure();
    }
    y = createBinary<AddOp>(im, y, *bias);
  }
  im.setOutput(0, y);
  return success();
}

} // namespace

FailureOr<Value> quant::blockedParam(GraphImporter &im, Value param,
                                     ArrayRef<int64_t> shape, int64_t axis,
                                     int64_t blockSize, StringRef what) {
  RankedTensorType type = typeOf(param);
  int64_t rank = shape.size();
  if (blockSize < 0 || type.getRank() != rank || axis < 0 || axis >= rank) {
    return im.error() << "blocked quantization: " << what
                      << " must have the input's rank " << rank
                      << " and block_size must be positive, got " << type;
  }
  int64_t blocks = (shape[axis] + blockSize - 1) / blockSize;
  for (int64_t d = 0; d < rank; ++d) {
    if (type.getDimSize(d) != (d == axis ? blocks : shape[d])) {
      return im.error() << "blocked quantization: " << what << " must have "
                        << "the input's shape with dimension " << axis
                        << " = ceil(" << shape[axis] << " / " << blockSize
                        << ") = " << blocks << ", got " << type;
    }
  }
  SmallVector<int64_t> indices(shape[axis]);
  for (int64_t i = 0; i < shape[axis]; ++i) {
    indices[i] = i / blockSize;
  }
  OpBuilder &b = im.getBuilder();
  auto indexType = RankedTensorType::get({shape[axis]}, b.getI64Type());
  Value idx = im.create<ConstantOp>(
      indexType, {},
      {im.namedAttr("value", DenseElementsAttr::get(indexType,
                                                    ArrayRef(indices)))});
  SmallVector<int64_t> outShape(shape);
  return im.create<GatherOp>(
      RankedTensorType::get(outShape, type.getElementType()), {param, idx},
      {im.namedAttr("axis", b.getI64IntegerAttr(axis))});
}

void importer::registerInt4Ops(OpTable &table) {
  table["com.microsoft.MatMulNBits"] = importMatMulNBits;
}
