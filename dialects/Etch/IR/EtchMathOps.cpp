//===- EtchMathOps.cpp - verifiers of the math/logic/reduction ops --------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "VerifierUtils.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::detail;

/// Broadcast shape of all `operands` must be the result's shape.
static LogicalResult verifyBroadcastShape(Operation *op, ValueRange operands) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    FailureOr<SmallVector<int64_t>> b =
        broadcastShapes(shape, tensorType(v).getShape());
    if (failed(b)) {
      return op->emitOpError() << "operand shape " << fmt(v.getType())
                               << " is not broadcastable to " << fmt(shape);
    }
    shape = std::move(*b);
  }
  auto out = tensorType(op->getResult(0)).getShape();
  if (!shapesMatch(shape, out)) {
    return op->emitOpError() << "result shape " << fmt(out)
                             << " does not match the broadcast shape "
                             << fmt(shape);
  }
  return success();
}

static bool isBool(Value v) {
  return tensorType(v).getElementType().isInteger(1);
}

/// Arithmetic: operands and result share the element type.
static LogicalResult verifyArith(Operation *op) {
  if (failed(verifySameElementType(op, {op->getOperand(0), op->getOperand(1),
                                        op->getResult(0)}))) {
    return failure();
  }
  return verifyBroadcastShape(op, op->getOperands());
}

/// Logic: i1 operands and result.
/// And/Or/Xor: logical on i1, bitwise on wider integers (ONNX's Bitwise*).
static LogicalResult verifyLogic(Operation *op) {
  if (failed(verifySameElementType(op, op->getOperands())) ||
      !isa<IntegerType>(tensorType(op->getResult(0)).getElementType()) ||
      tensorType(op->getResult(0)).getElementType() !=
          tensorType(op->getOperand(0)).getElementType()) {
    return op->emitOpError()
           << "operands and result must be integer tensors of one type (i1: "
              "logical, wider: bitwise)";
  }
  return verifyBroadcastShape(op, op->getOperands());
}

/// Comparison: operands share an element type, the result is i1.
static LogicalResult verifyCompare(Operation *op) {
  if (failed(verifySameElementType(op, op->getOperands()))) {
    return failure();
  }
  if (!isBool(op->getResult(0))) {
    return op->emitOpError() << "result must be an i1 tensor";
  }
  return verifyBroadcastShape(op, op->getOperands());
}

LogicalResult PowOp::verify() { return verifyArith(*this); }
LogicalResult PReluOp::verify() { return verifyArith(*this); }
LogicalResult AndOp::verify() { return verifyLogic(*this); }
LogicalResult OrOp::verify() { return verifyLogic(*this); }
LogicalResult XorOp::verify() { return verifyLogic(*this); }
LogicalResult EqualOp::verify() { return verifyCompare(*this); }
LogicalResult LessOp::verify() { return verifyCompare(*this); }
LogicalResult LessOrEqualOp::verify() { return verifyCompare(*this); }
LogicalResult GreaterOp::verify() { return verifyCompare(*this); }
LogicalResult GreaterOrEqualOp::verify() { return verifyCompare(*this); }

LogicalResult WhereOp::verify() {
  if (!isBool(getCondition())) {
    return emitOpError() << "condition must be an i1 tensor";
  }
  if (failed(verifySameElementType(*this, {getX(), getY(), getOutput()}))) {
    return failure();
  }
  return verifyBroadcastShape(*this, getOperands());
}

LogicalResult FixedPointMulOp::verify() {
  for (Value v : {getX(), getMultiplier(), getShift(), getOutput()}) {
    if (!tensorType(v).getElementType().isSignlessInteger(32)) {
      return emitOpError() << "operands and result must be i32 tensors, got "
                           << fmt(v.getType());
    }
  }
  return verifyBroadcastShape(*this, getOperands());
}

LogicalResult BitCastOp::verify() {
  if (!shapesMatch(tensorType(getInput()).getShape(), getType().getShape())) {
    return emitOpError() << "result shape " << fmt(getType())
                         << " differs from the input shape "
                         << fmt(getInput().getType());
  }
  Type from = tensorType(getInput()).getElementType();
  Type to = getType().getElementType();
  for (Type t : {from, to}) {
    if (!t.isIntOrFloat() || t.isUnsignedInteger() || t.isSignedInteger() ||
        t.getIntOrFloatBitWidth() < 8) {
      return emitOpError() << "element type " << t
                           << " is not a float or signless integer of 8 bits "
                              "or more";
    }
  }
  if (from.getIntOrFloatBitWidth() != to.getIntOrFloatBitWidth()) {
    return emitOpError() << "element types " << from << " and " << to
                         << " differ in bit width";
  }
  return success();
}

LogicalResult CastOp::verify() {
  if (!shapesMatch(tensorType(getInput()).getShape(), getType().getShape())) {
    return emitOpError() << "result shape " << fmt(getType())
                         << " differs from the input shape "
                         << fmt(getInput().getType());
  }
  for (Type t : {tensorType(getInput()).getElementType(),
                 getType().getElementType()}) {
    if (!t.isIntOrFloat() || t.isUnsignedInteger() || t.isSignedInteger()) {
      return emitOpError() << "element type " << t
                           << " is not a float or signless integer";
    }
  }
  for (StringRef storage : {getInputStorage(), getOutputStorage()}) {
    if (!storage.empty() &&
        !llvm::is_contained({"i4", "ui4", "i2", "ui2", "f4E2M1FN"}, storage)) {
      return emitOpError() << "unknown storage '" << storage
                           << "' (expected i4, ui4, i2, ui2 or f4E2M1FN)";
    }
  }
  if (!getInputStorage().empty() &&
      !tensorType(getInput()).getElementType().isInteger(8)) {
    return emitOpError() << "input_storage needs an i8 input";
  }
  if (!getOutputStorage().empty() && !getType().getElementType().isInteger(8)) {
    return emitOpError() << "output_storage needs an i8 result";
  }
  if (!llvm::is_contained({"up", "down", "nearest"}, getRoundMode())) {
    return emitOpError() << "unknown round_mode '" << getRoundMode()
                         << "' (expected up, down or nearest)";
  }
  return success();
}

template <typename ReduceOp>
static LogicalResult verifyReduce(ReduceOp op) {
  RankedTensorType input = tensorType(op.getInput());
  if (failed(verifySameElementType(op, {op.getInput(), op.getOutput()}))) {
    return failure();
  }
  ArrayRef<int64_t> axes = op.getAxes();
  int64_t rank = input.getRank();
  if (axes.empty() && rank > 0) {
    return op.emitOpError()
           << "axes must be explicit (list every axis to reduce all)";
  }
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank || (i > 0 && axes[i - 1] >= axis)) {
      return op.emitOpError() << "axes must be sorted, unique and in [0, "
                              << rank << "), got " << fmt(axes);
    }
  }
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d)) {
      expected.push_back(input.getDimSize(d));
    } else if (op.getKeepdims()) {
      expected.push_back(1);
    }
  }
  if (!shapesMatch(expected, op.getType().getShape())) {
    return op.emitOpError() << "result shape " << fmt(op.getType())
                            << ", expected " << fmt(expected);
  }
  return success();
}

LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }

template <typename ArgOp>
static LogicalResult verifyArgReduce(ArgOp op) {
  RankedTensorType input = tensorType(op.getInput());
  int64_t rank = input.getRank(), axis = op.getAxis();
  if (axis < 0 || axis >= rank) {
    return op.emitOpError() << "axis " << axis << " out of range [0, " << rank
                            << ")";
  }
  if (!op.getType().getElementType().isInteger(64)) {
    return op.emitOpError() << "result must be an i64 tensor";
  }
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    if (d != axis) {
      expected.push_back(input.getDimSize(d));
    } else if (op.getKeepdims()) {
      expected.push_back(1);
    }
  }
  if (!shapesMatch(expected, op.getType().getShape())) {
    return op.emitOpError() << "result shape " << fmt(op.getType())
                            << ", expected " << fmt(expected);
  }
  return success();
}

LogicalResult ArgMaxOp::verify() { return verifyArgReduce(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgReduce(*this); }
