//===- ImportQuant.h - helpers of the quantized op importers ----*- C++ -*-===//
//
// Shared by ImportQuant.cpp (Quantize/DequantizeLinear), ImportQuantInteger.cpp
// (the integer convolutions and matmuls) and ImportQLinear.cpp (the
// com.microsoft QLinear* ops and QGemm). Integer tensors are signless;
// `isUnsigned` says the ONNX type was unsigned.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_IMPORTER_IMPORTQUANT_H
#define ETCH_LIB_IMPORTER_IMPORTQUANT_H

#include "GraphImporter.h"

namespace mlir::etch::importer {

/// The com.microsoft QLinear* ops and QGemm (ImportQLinear.cpp).
void registerQLinearOps(OpTable &table);
/// QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger
/// (ImportQuantInteger.cpp).
void registerIntegerQuantOps(OpTable &table);

namespace quant {

/// v's shape with element type `elem`.
inline RankedTensorType withElement(Value v, Type elem) {
  return RankedTensorType::get(cast<RankedTensorType>(v.getType()).getShape(),
                               elem);
}

/// float32(v), zero- or sign-extended from an integer; `storage` is the
/// etch.cast input_storage of a sub-byte type (float4e2m1's codes).
Value toF32(GraphImporter &im, Value v, bool isUnsigned,
            StringRef storage = "");
/// int32(v), zero- or sign-extended.
Value toI32(GraphImporter &im, Value v, bool isUnsigned);

/// A 1-D per-channel parameter as [1.., C (at `dim`), 1..] of `rank`; a
/// scalar (or one element) stays a scalar.
FailureOr<Value> alongDim(GraphImporter &im, Value param, int64_t rank,
                          int64_t dim, int64_t size, StringRef what);

/// A blocked (opset 21 block_size) scale or zero point, shaped like the
/// input of `shape` with dimension `axis` = ceil(shape[axis] / blockSize),
/// repeated along `axis` to `shape`. (ImportInt4.cpp)
FailureOr<Value> blockedParam(GraphImporter &im, Value param,
                              ArrayRef<int64_t> shape, int64_t axis,
                              int64_t blockSize, StringRef what);

/// round_half_even(t) + zp (null: none) clamped to the range of `outElem`
/// (of `bits` when non-zero: int4/int2 in an i8) and cast to it.
Value saturateCast(GraphImporter &im, Value t, Value zp, Type outElem,
                   bool isUnsigned, unsigned bits = 0);

/// TensorFlow Lite's QuantizeMultiplier: `real` = multiplier * 2^(shift -
/// 31), the multiplier a Q31 value in [2^30, 2^31) (0 for 0).
std::pair<int32_t, int32_t> quantizeMultiplier(double real);

/// etch.fixed_point_mul of the i32 `acc` by the quantized `reals` (one, or
/// one per `dim` of acc); errors on a scale that is not finite and >= 0.
FailureOr<Value> fixedPointScale(GraphImporter &im, Value acc,
                                 ArrayRef<double> reals, int64_t dim);

/// The i32 `v` + `zp` (an i32 tensor; null: none) clamped to the range of
/// `outElem` and cast to it: the integer tail of --requant=fixedpoint.
Value saturateInt(GraphImporter &im, Value v, Value zp, Type outElem,
                  bool isUnsigned);

/// With --requant=fixedpoint, the constant values of input `i` (a scale);
/// errors naming the mode when the input is computed.
FailureOr<SmallVector<double>> fixedPointScales(GraphImporter &im, unsigned i,
                                                StringRef what);

/// int32(input i) - int32(zero point input `zp`)/// int32(input i) - int32(zero point input `zp`) (absent zero point: 0),
/// the zero point per `dim` of a rank-`rank` operand when 1-D.
FailureOr<Value> centered(GraphImporter &im, unsigned i, unsigned zp,
                          int64_t dim);

/// Output 0 = saturate(round(float(acc) * (s1 * s2 / y_scale)) + y_zero_point)
/// from the inputs s1, s2 (per `dim` of acc when 1-D), ys and yzp, computed
/// in fp32 in that order as ONNX Runtime's MLAS does.
LogicalResult requantize(GraphImporter &im, Value acc, unsigned s1,
                         unsigned s2, int64_t dim, unsigned ys, unsigned yzp);

/// The i32 product of input `a` (8-bit, constant per-tensor zero point
/// `aZp`) and the constant int8 input `b` with zero points 0 (B^T when
/// `transB`), minus the zero-point term and plus the constant int32 `bias`
/// (may be null), on the 8-bit operands; empty when `b` or the zero points
/// are not such constants (the caller then widens the operands).
FailureOr<std::optional<Value>>
constantWeightMatMul(GraphImporter &im, unsigned a, unsigned aZp, unsigned b,
                     unsigned bZp, bool transB, ArrayRef<int64_t> outShape,
                     const onnx::TensorProto *bias);

} // namespace quant
} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_IMPORTQUANT_H
