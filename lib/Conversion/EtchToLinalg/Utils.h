//===- Utils.h - helpers shared by the etch → Linalg patterns ---*- C++ -*-===//
#ifndef ETCH_LIB_CONVERSION_ETCHTOLINALG_UTILS_H
#define ETCH_LIB_CONVERSION_ETCHTOLINALG_UTILS_H

#include "etch/dialects/Etch/IR/EtchAttrs.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::etch::to_linalg {

/// `tensor.empty` of a static type.
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type);

/// A scalar constant `value` of `elementType` (float or integer).
Value createScalar(OpBuilder &b, Location loc, Type elementType, double value);

/// acc + x * y for floats (mulf/addf) or integers (muli/addi, wrapping).
Value createMulAdd(OpBuilder &b, Location loc, Value acc, Value x, Value y,
                   bool unsignedX = false);

/// Whether matmul/conv lower this element type: floats, and integers of 8
/// bits or more (the integer kernels of quantized models accumulate in i32).
bool isMatmulElementType(Type type);

/// The smallest value of `elementType` (-inf for floats): max's identity.
Value createLowest(OpBuilder &b, Location loc, Type elementType);

/// `linalg.fill` of a fresh `tensor.empty` with `value`.
Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value);

/// The map reading an operand of `inShape` for an iteration space of
/// `outShape` under NumPy broadcasting (trailing dims aligned; size-1
/// dimensions that are broadcast read index 0).
AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> inShape,
                          ArrayRef<int64_t> outShape);

SmallVector<utils::IteratorType> parallelIterators(int64_t rank);

/// Emits the scalar activation of `kind` on `x` (a float).
Value applyActivation(OpBuilder &b, Location loc, Value x,
                      ActivationKind kind, float alpha, float beta);

/// Applies `kind` elementwise to `tensor` with an in-place `linalg.generic`
/// (the tensor is its only, output, operand); no-op for `None`.
Value applyActivationToTensor(OpBuilder &b, Location loc, Value tensor,
                              ActivationKind kind, float alpha, float beta);

/// `tensor.expand_shape`/`collapse_shape` (or both, through 1-D) from
/// `value` to `type` with the same element count.
Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type);

/// An i64 dense elements attribute of shape [values.size()] (strides and
/// dilations of named conv/pooling ops).
DenseIntElementsAttr getI64Vector(OpBuilder &b, ArrayRef<int64_t> values);

/// `values`, or `n` ones when empty (absent strides/dilations).
SmallVector<int64_t> valuesOrOnes(ArrayRef<int64_t> values, int64_t n);

/// etch.cast's attributes for the float8/float4/sub-byte integer types.
struct NarrowCastOptions {
  bool saturate = true;
  StringRef roundMode = "up";
  StringRef inputStorage, outputStorage;
};

/// Whether a cast involves a float8 type or a sub-byte storage.
bool needsNarrowCast(Type from, Type to, StringRef inputStorage,
                     StringRef outputStorage);

/// Scalar ONNX Cast of `x` to `to` where needsNarrowCast: float8/float4 as
/// integer bit operations; `plainCast` converts between ordinary types.
/// (NarrowCastPatterns.cpp)
Value buildNarrowCast(OpBuilder &b, Location loc, Value x, Type to,
                      const NarrowCastOptions &opts,
                      function_ref<Value(Value, Type)> plainCast);

} // namespace mlir::etch::to_linalg

namespace mlir::etch {
void populateEtchConvToLinalgPatterns(RewritePatternSet &patterns,
                                      bool packInt8Weights);
void populateEtchMatmulToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchElementwiseToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchPoolingToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchReductionToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchShapeToLinalgPatterns(RewritePatternSet &patterns);
/// TensorPatterns.cpp: Slice, Gather.
void populateEtchTensorToLinalgPatterns(RewritePatternSet &patterns);
/// Math*Patterns.cpp: elementwise math/logic/Where/Cast/BitCast; the second is
/// called by the first (ReduceMin/Prod, ArgMax/ArgMin).
void populateEtchMathToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchMathReductionToLinalgPatterns(RewritePatternSet &patterns);
/// DataPatterns.cpp: Expand, GatherElements, GatherND, CumSum, CumProd, TopK,
/// Mod.
void populateEtchDataToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchResizeToLinalgPatterns(RewritePatternSet &patterns);
void populateEtchGridSampleToLinalgPatterns(RewritePatternSet &patterns);
/// ConvTransposePatterns.cpp: ConvTranspose, MaxPool's indices.
void populateEtchConvTransposeToLinalgPatterns(RewritePatternSet &patterns);
} // namespace mlir::etch

#endif // ETCH_LIB_CONVERSION_ETCHTOLINALG_UTILS_H
