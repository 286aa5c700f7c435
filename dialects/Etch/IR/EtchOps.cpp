//===- EtchOps.cpp - etch graph ops ---------------------------------------===//
//
// Verifiers implement the ONNX shape rules. Dimensions that are dynamic are
// accepted wherever a static one would be (etch IR is static after import,
// but hand-written tests and partially shaped IR should still verify).
//
//===----------------------------------------------------------------------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "VerifierUtils.h"

#include "etch/Support/CheckedMath.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::detail;

static LogicalResult verifyBroadcastOp(Operation *op) {
  if (failed(verifySameElementType(op, {op->getOperand(0), op->getOperand(1),
                                        op->getResult(0)}))) {
    return failure();
  }
  auto lhs = tensorType(op->getOperand(0)).getShape();
  auto rhs = tensorType(op->getOperand(1)).getShape();
  auto out = tensorType(op->getResult(0)).getShape();
  FailureOr<SmallVector<int64_t>> expected = broadcastShapes(lhs, rhs);
  if (failed(expected)) {
    return op->emitOpError() << "operand shapes " << fmt(lhs) << " and "
                             << fmt(rhs) << " are not broadcastable";
  }
  if (!shapesMatch(*expected, out)) {
    return op->emitOpError() << "result shape " << fmt(out)
                             << " does not match the broadcast shape "
                             << fmt(*expected);
  }
  return success();
}

/// Output size of a sliding window over one spatial dim (ONNX Conv/Pool).
/// With ceil_mode, `alt` receives the size when windows starting in the end
/// padding are dropped (PyTorch / ONNX >= 1.15 rule); otherwise alt == result.
/// nullopt when the arithmetic overflows int64 (absurd attributes).
static std::optional<int64_t>
windowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t padBegin,
                 int64_t padEnd, int64_t dilation, bool ceilMode,
                 int64_t &alt) {
  if (in == kDyn || kernel == kDyn) {
    alt = kDyn;
    return kDyn;
  }
  // numer = in + padBegin + padEnd - dilation * (kernel - 1) - 1
  std::optional<int64_t> span = checkedMul(dilation, kernel - 1);
  std::optional<int64_t> padded = checkedAdd(in, padBegin);
  padded = padded ? checkedAdd(*padded, padEnd) : std::nullopt;
  std::optional<int64_t> numer =
      span && padded ? checkedSub(*padded, *span) : std::nullopt;
  numer = numer ? checkedSub(*numer, 1) : std::nullopt;
  if (!numer || stride < 1) {
    return std::nullopt;
  }
  int64_t out = (ceilMode ? llvm::divideCeilSigned(*numer, stride)
                          : llvm::divideFloorSigned(*numer, stride)) +
                1;
  alt = out;
  // out - 1 <= numer / stride: the product cannot overflow.
  if (ceilMode && out > 0 && (out - 1) * stride >= *padded - padEnd) {
    alt = out - 1;
  }
  return out;
}

/// Shared checks of Conv and the pools: ranks, attribute sizes, output
/// spatial dims. `kernel` is the spatial kernel shape.
static LogicalResult verifyWindowOp(Operation *op, RankedTensorType input,
                                    RankedTensorType output,
                                    ArrayRef<int64_t> kernel,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> pads,
                                    ArrayRef<int64_t> dilations,
                                    bool ceilMode) {
  size_t spatial = input.getRank() - 2;
  if (failed(verifySpatialAttr(op, "strides", strides, spatial, 1)) ||
      failed(verifySpatialAttr(op, "pads", pads, 2 * spatial, 0)) ||
      failed(verifySpatialAttr(op, "dilations", dilations, spatial, 1))) {
    return failure();
  }
  if (output.getRank() != input.getRank()) {
    return op->emitOpError() << "result rank " << output.getRank()
                             << " differs from input rank " << input.getRank();
  }
  for (size_t i = 0; i < spatial; ++i) {
    int64_t alt;
    std::optional<int64_t> size =
        windowOutputSize(input.getDimSize(2 + i), kernel[i], strides[i],
                         pads[i], pads[spatial + i], dilations[i], ceilMode,
                         alt);
    if (!size) {
      return op->emitOpError()
             << "window arithmetic of spatial dim " << i
             << " overflows int64: kernel " << fmt(kernel) << ", strides "
             << fmt(strides) << ", pads " << fmt(pads) << ", dilations "
             << fmt(dilations);
    }
    int64_t expected = *size;
    if (expected != kDyn && expected < 1) {
      return op->emitOpError()
             << "window of size " << kernel[i] << " (dilation "
             << dilations[i] << ") does not fit spatial dim " << i
             << " of size " << input.getDimSize(2 + i) << " plus padding";
    }
    int64_t got = output.getDimSize(2 + i);
    if (!dimsMatch(expected, got) && !dimsMatch(alt, got)) {
      return op->emitOpError()
             << "result spatial dim " << i << " is " << got << ", expected "
             << expected << " from input " << fmt(input) << ", kernel "
             << fmt(kernel) << ", strides " << fmt(strides) << ", pads "
             << fmt(pads) << ", dilations " << fmt(dilations);
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and plumbing
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getType()) {
    return emitOpError() << "value type " << getValue().getType()
                         << " differs from result type " << getType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

/// Whether `a` and `b` are i8 tensors and `out` an i32 one: the integer
/// conv/matmul of quantized models, which accumulates without widened copies
/// of its operands.
static bool isI8IntoI32(Value a, Value b, Value out) {
  auto elem = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getElementType();
  };
  return elem(a).isInteger(8) && elem(b).isInteger(8) &&
         elem(out).isInteger(32);
}

LogicalResult ConvOp::verify() {
  RankedTensorType input = tensorType(getInput());
  RankedTensorType weight = tensorType(getWeight());
  RankedTensorType output = getType();
  // Quantized convs take i8 input and weight into an i32 result and bias.
  if (isI8IntoI32(getInput(), getWeight(), getOutput())) {
    if (getBias() && failed(verifySameElementType(*this, {getOutput(), getBias()}))) {
      return failure();
    }
  } else if (failed(verifySameElementType(*this, {getInput(), getWeight(), getOutput()})) ||
      (getBias() &&
       failed(verifySameElementType(*this, {getInput(), getBias()})))) {
    return failure();
  }
  if (input.getRank() < 3) {
    return emitOpError() << "input must have rank >= 3 (N x C x spatial...), "
                            "got rank "
                         << input.getRank();
  }
  if (weight.getRank() != input.getRank()) {
    return emitOpError() << "weight rank " << weight.getRank()
                         << " differs from input rank " << input.getRank();
  }
  auto group = static_cast<int64_t>(getGroup());
  if (group < 1) {
    return emitOpError() << "'group' must be >= 1, got " << group;
  }
  int64_t c = input.getDimSize(1);
  int64_t m = weight.getDimSize(0);
  if (c != kDyn && c % group != 0) {
    return emitOpError() << "input channels " << c
                         << " are not divisible by group " << group;
  }
  if (m != kDyn && m % group != 0) {
    return emitOpError() << "output channels " << m
                         << " are not divisible by group " << group;
  }
  if (c != kDyn && !dimsMatch(weight.getDimSize(1), c / group)) {
    return emitOpError() << "weight shape " << fmt(weight)
                         << " expects " << weight.getDimSize(1)
                         << " input channels per group, but input has " << c
                         << " channels in " << group << " group(s)";
  }
  if (Value bias = getBias()) {
    RankedTensorType biasType = tensorType(bias);
    if (biasType.getRank() != 1 || !dimsMatch(biasType.getDimSize(0), m)) {
      return emitOpError() << "bias shape " << fmt(biasType)
                           << " must be [" << m << "] (output channels)";
    }
  }
  if (!dimsMatch(output.getRank() > 0 ? output.getDimSize(0) : -1,
                 input.getDimSize(0)) ||
      (output.getRank() > 1 && !dimsMatch(output.getDimSize(1), m))) {
    return emitOpError() << "result shape " << fmt(output)
                         << " must start with [N=" << input.getDimSize(0)
                         << ", M=" << m << "]";
  }
  return verifyWindowOp(*this, input, output, weight.getShape().drop_front(2),
                        getStrides(), getPads(), getDilations(),
                        /*ceilMode=*/false);
}

LogicalResult GemmOp::verify() {
  RankedTensorType a = tensorType(getA()), b = tensorType(getB());
  RankedTensorType output = getType();
  if (failed(verifySameElementType(*this, {getA(), getB(), getOutput()})) ||
      (getC() && failed(verifySameElementType(*this, {getA(), getC()})))) {
    return failure();
  }
  if (a.getRank() != 2 || b.getRank() != 2 || output.getRank() != 2) {
    return emitOpError() << "operands and result must be 2-D, got "
                         << fmt(a) << ", " << fmt(b) << " -> " << fmt(output);
  }
  int64_t m = getTransA() ? a.getDimSize(1) : a.getDimSize(0);
  int64_t ka = getTransA() ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = getTransB() ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = getTransB() ? b.getDimSize(0) : b.getDimSize(1);
  if (!dimsMatch(ka, kb)) {
    return emitOpError() << "reduction dims differ: op(A) is " << m << "x"
                         << ka << ", op(B) is " << kb << "x" << n;
  }
  if (!shapesMatch(output.getShape(), {m, n})) {
    return emitOpError() << "result shape " << fmt(output) << ", expected ["
                         << m << "x" << n << "]";
  }
  if (Value c = getC()) {
    // C must broadcast unidirectionally to [M, N].
    ArrayRef<int64_t> cs = tensorType(c).getShape();
    FailureOr<SmallVector<int64_t>> bc = broadcastShapes(cs, {m, n});
    if (cs.size() > 2 || failed(bc) || !shapesMatch(*bc, {m, n})) {
      return emitOpError() << "C shape " << fmt(cs)
                           << " does not broadcast to [" << m << "x" << n
                           << "]";
    }
  }
  return success();
}

LogicalResult MatMulOp::verify() {
  if (!isI8IntoI32(getA(), getB(), getOutput()) &&
      failed(verifySameElementType(*this, {getA(), getB(), getOutput()}))) {
    return failure();
  }
  SmallVector<int64_t> a(tensorType(getA()).getShape());
  SmallVector<int64_t> b(tensorType(getB()).getShape());
  if (a.empty() || b.empty()) {
    return emitOpError() << "operands must have rank >= 1";
  }
  bool aVec = a.size() == 1, bVec = b.size() == 1;
  if (aVec) {
    a.insert(a.begin(), 1);
  }
  if (bVec) {
    b.push_back(1);
  }
  int64_t m = a[a.size() - 2], ka = a.back();
  int64_t kb = b[b.size() - 2], n = b.back();
  if (!dimsMatch(ka, kb)) {
    return emitOpError() << "reduction dims differ: " << ka << " vs " << kb;
  }
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(
      ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2));
  if (failed(batch)) {
    return emitOpError() << "batch dims of " << fmt(a) << " and " << fmt(b)
                         << " are not broadcastable";
  }
  SmallVector<int64_t> expected = *batch;
  if (!aVec) {
    expected.push_back(m);
  }
  if (!bVec) {
    expected.push_back(n);
  }
  if (!shapesMatch(expected, getType().getShape())) {
    return emitOpError() << "result shape " << fmt(getType())
                         << ", expected " << fmt(expected);
  }
  return success();
}

LogicalResult AddOp::verify() { return verifyBroadcastOp(*this); }
LogicalResult SubOp::verify() { return verifyBroadcastOp(*this); }
LogicalResult MulOp::verify() { return verifyBroadcastOp(*this); }
LogicalResult DivOp::verify() { return verifyBroadcastOp(*this); }
LogicalResult MaxOp::verify() { return verifyBroadcastOp(*this); }
LogicalResult MinOp::verify() { return verifyBroadcastOp(*this); }

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  RankedTensorType input = tensorType(op.getInput());
  RankedTensorType output = op.getType();
  if (failed(verifySameElementType(op, {op.getInput(), op.getOutput()}))) {
    return failure();
  }
  if (input.getRank() < 3) {
    return op.emitOpError()
           << "input must have rank >= 3 (N x C x spatial...), got rank "
           << input.getRank();
  }
  if (failed(verifySpatialAttr(op, "kernel_shape", op.getKernelShape(),
                               input.getRank() - 2, 1))) {
    return failure();
  }
  if (output.getRank() >= 2 &&
      !shapesMatch(output.getShape().take_front(2),
                   input.getShape().take_front(2))) {
    return op.emitOpError() << "result shape " << fmt(output)
                            << " must keep N and C of input " << fmt(input);
  }
  return verifyWindowOp(op, input, output, op.getKernelShape(),
                        op.getStrides(), op.getPads(), op.getDilations(),
                        op.getCeilMode());
}

LogicalResult MaxPoolOp::verify() { return verifyPool(*this); }
LogicalResult AveragePoolOp::verify() { return verifyPool(*this); }

LogicalResult GlobalAveragePoolOp::verify() {
  RankedTensorType input = tensorType(getInput());
  if (failed(verifySameElementType(*this, {getInput(), getOutput()}))) {
    return failure();
  }
  if (input.getRank() < 3) {
    return emitOpError() << "input must have rank >= 3, got rank "
                         << input.getRank();
  }
  SmallVector<int64_t> expected(input.getShape().take_front(2));
  expected.append(input.getRank() - 2, 1);
  if (!shapesMatch(expected, getType().getShape())) {
    return emitOpError() << "result shape " << fmt(getType())
                         << ", expected " << fmt(expected);
  }
  return success();
}

LogicalResult BatchNormOp::verify() {
  RankedTensorType input = tensorType(getInput());
  if (failed(verifySameElementType(*this, getOperands()))) {
    return failure();
  }
  if (input.getRank() < 2) {
    return emitOpError() << "input must have rank >= 2, got rank "
                         << input.getRank();
  }
  if (getType() != input) {
    return emitOpError() << "result type " << getType()
                         << " differs from input type " << input;
  }
  int64_t c = input.getDimSize(1);
  static constexpr StringLiteral names[] = {"scale", "bias", "mean", "var"};
  for (int i = 0; i < 4; ++i) {
    StringRef name = names[i];
    RankedTensorType t = tensorType(getOperand(1 + i));
    if (t.getRank() != 1 || !dimsMatch(t.getDimSize(0), c)) {
      return emitOpError() << "'" << name << "' shape " << fmt(t)
                           << " must be [" << c << "] (input channels)";
    }
  }
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank) {
    return emitOpError() << "axis " << axis << " out of range [0, "
                         << rank << ")";
  }
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Etch/IR/EtchOps.cpp.inc"
