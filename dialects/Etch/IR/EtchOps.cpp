//===- EtchOps.cpp - etch graph ops ---------------------------------------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType()) {
    return getInput();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Verifiers (placeholders; the full ONNX shape rules live below)
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() { return success(); }
LogicalResult ConvOp::verify() { return success(); }
LogicalResult GemmOp::verify() { return success(); }
LogicalResult MatMulOp::verify() { return success(); }
LogicalResult AddOp::verify() { return success(); }
LogicalResult SubOp::verify() { return success(); }
LogicalResult MulOp::verify() { return success(); }
LogicalResult DivOp::verify() { return success(); }
LogicalResult MaxOp::verify() { return success(); }
LogicalResult MinOp::verify() { return success(); }
LogicalResult MaxPoolOp::verify() { return success(); }
LogicalResult AveragePoolOp::verify() { return success(); }
LogicalResult GlobalAveragePoolOp::verify() { return success(); }
LogicalResult BatchNormOp::verify() { return success(); }
LogicalResult SoftmaxOp::verify() { return success(); }
LogicalResult ReduceMeanOp::verify() { return success(); }
LogicalResult ReduceMaxOp::verify() { return success(); }
LogicalResult ReduceSumOp::verify() { return success(); }
LogicalResult ReshapeOp::verify() { return success(); }
LogicalResult TransposeOp::verify() { return success(); }
LogicalResult ConcatOp::verify() { return success(); }
LogicalResult PadOp::verify() { return success(); }

#define GET_OP_CLASSES
#include "dialects/Etch/IR/EtchOps.cpp.inc"
