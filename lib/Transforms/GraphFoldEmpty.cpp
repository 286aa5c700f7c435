//===- GraphFoldEmpty.cpp - tensors without elements become constants -----===//
//
// A tensor with a 0-sized dimension holds no data: whatever op computes it,
// its value is known. Replacing such results by empty constants keeps the
// linalg lowering, tiling and bufferization on non-empty tensors only.
//
//===----------------------------------------------------------------------===//
#include "etch/Transforms/Passes.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Iterators.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::etch {
#define GEN_PASS_DEF_GRAPHFOLDEMPTYPASS
#include "lib/Transforms/Passes.h.inc"
} // namespace mlir::etch

using namespace mlir;
using namespace mlir::etch;

namespace {

bool isEmptyTensor(Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  return tensorType && tensorType.hasStaticShape() &&
         tensorType.getNumElements() == 0;
}

struct GraphFoldEmptyPass
    : public etch::impl::GraphFoldEmptyPassBase<GraphFoldEmptyPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation()->walk([&](func::FuncOp func) {
      func.walk([&](Operation *op) {
        if (failed || !isa<EtchDialect>(op->getDialect()) ||
            isa<ConstantOp>(op)) {
          return;
        }
        replaceEmptyResults(op);
        if (auto concat = dyn_cast<ConcatOp>(op)) {
          dropEmptyInputs(concat);
          return;
        }
        if (op->use_empty()) {
          return;
        }
        for (OpOperand &operand : op->getOpOperands()) {
          if (!isEmptyTensor(operand.get().getType())) {
            continue;
          }
          op->emitError() << "'" << op->getName() << "' reads an empty tensor "
                          << "(operand " << operand.getOperandNumber() << ", "
                          << operand.get().getType()
                          << ") and computes a non-empty one; empty tensors "
                             "are supported as the result of any op and as "
                             "inputs of Concat";
          failed = true;
          return;
        }
      });
    });
    if (failed) {
      return signalPassFailure();
    }
    // What computed the empty tensors is dead now.
    getOperation()->walk<WalkOrder::PostOrder, mlir::ReverseIterator>(
        [](Operation *op) {
          if (isa<EtchDialect>(op->getDialect()) && isOpTriviallyDead(op)) {
            op->erase();
          }
        });
  }

  /// Every result without elements becomes an `etch.constant dense<>`.
  static void replaceEmptyResults(Operation *op) {
    OpBuilder builder(op);
    for (OpResult result : op->getResults()) {
      if (result.use_empty() || !isEmptyTensor(result.getType())) {
        continue;
      }
      auto type = cast<RankedTensorType>(result.getType());
      auto empty = ConstantOp::create(builder, op->getLoc(),
                                      DenseElementsAttr::get(type,
                                          ArrayRef<Attribute>{}));
      result.replaceAllUsesWith(empty.getResult());
    }
  }

  static void dropEmptyInputs(ConcatOp concat) {
    if (concat.getResult().use_empty()) {
      return;
    }
    SmallVector<Value> inputs;
    for (Value input : concat.getInputs()) {
      if (!isEmptyTensor(input.getType())) {
        inputs.push_back(input);
      }
    }
    if (inputs.size() == concat.getInputs().size()) {
      return;
    }
    concat.getInputsMutable().assign(inputs);
    if (inputs.size() == 1 &&
        inputs.front().getType() == concat.getResult().getType()) {
      concat.getResult().replaceAllUsesWith(inputs.front());
    }
  }
};

} // namespace
