//===- ExtractWorkload.cpp - one workload's layer as a module of its own --===//
//
// etch-tune measures a candidate schedule on the layer it schedules, not on
// the whole model: the root op, the producers tile-and-fuse recomputes in its
// tiles (fills, broadcasts, cheap elementwise ops on constants) and its fused
// consumer chain, cut out into a `@main` whose arguments are whatever else
// the layer reads (the previous layer's activations, a residual input).
// Constants (the weights) are cloned, so compile-time weight handling is the
// model's own.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/LLVMCPU/Schedule.h"
#include "etch/codegen/LLVMCPU/TuningDb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {

/// Whether the layer recomputes `op` rather than reading its result: what
/// tile-and-fuse fuses into the root's tiles, and constants.
bool isPartOfLayer(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() || isa<tensor::EmptyOp>(op) ||
         isCheapFusableProducer(op);
}

/// Every value `op` reads: its operands and the values its regions use from
/// above (the scalar constants of a payload).
SmallVector<Value> valuesRead(Operation *op) {
  SmallVector<Value> values(op->getOperands());
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(op->getRegions(), above);
  values.append(above.begin(), above.end());
  return values;
}

} // namespace

FailureOr<OwningOpRef<ModuleOp>>
mlir::etch::llvmcpu::extractWorkload(ModuleOp module, llvm::StringRef key) {
  linalg::LinalgOp root;
  module.walk([&](linalg::LinalgOp op) {
    auto attr = op->getAttrOfType<StringAttr>(kWorkloadKeyAttrName);
    if (attr && attr.getValue() == key) {
      root = op;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!root) {
    return module.emitError()
           << "--extract-workload=" << key
           << ": no layer of this model has that workload key for this "
              "target (etch-compile --compile-to=schedule "
              "--emit-tuning-tasks=tasks.json lists the keys; they depend "
              "on --target, --mcpu and --mattr)";
  }
  auto func = dyn_cast<func::FuncOp>(root->getParentOp());
  if (!func) {
    return root->emitError("--extract-workload: the layer of workload ")
           << key << " is nested inside a '" << root->getParentOp()->getName()
           << "'; only layers at the top of the model function can be "
              "extracted";
  }

  // The ops of the layer: the fused group, then (transitively) what it
  // recomputes. Anything else it reads becomes an argument.
  SmallVector<linalg::LinalgOp> chain = getConsumerChain(root);
  Operation *anchor = chain.empty() ? root.getOperation() : chain.back();
  llvm::SmallPtrSet<Operation *, 16> inLayer;
  SmallVector<Operation *> worklist{root};
  for (linalg::LinalgOp op : chain) {
    worklist.push_back(op);
  }
  inLayer.insert(worklist.begin(), worklist.end());
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    for (Value v : valuesRead(op)) {
      Operation *def = v.getDefiningOp();
      if (def && def->getParentOp() == func && !inLayer.contains(def) &&
          isPartOfLayer(def)) {
        inLayer.insert(def);
        worklist.push_back(def);
      }
    }
  }

  // Arguments in the order the layer first reads them, ops in model order.
  SmallVector<Operation *> ops;
  llvm::SetVector<Value> arguments;
  for (Operation &op : func.getBody().front()) {
    if (!inLayer.contains(&op)) {
      continue;
    }
    ops.push_back(&op);
    for (Value v : valuesRead(&op)) {
      Operation *def = v.getDefiningOp();
      if (!def || !inLayer.contains(def)) {
        arguments.insert(v);
      }
    }
  }

  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  OwningOpRef<ModuleOp> layer = ModuleOp::create(module.getLoc());
  for (NamedAttribute attr : module->getAttrs()) {
    if (attr.getName() != kTuningDbAttrName &&
        attr.getName() != SymbolTable::getSymbolAttrName()) {
      layer.get()->setAttr(attr.getName(), attr.getValue());
    }
  }
  SmallVector<Type> argTypes;
  for (Value v : arguments) {
    argTypes.push_back(v.getType());
  }
  b.setInsertionPointToEnd(layer->getBody());
  auto main = b.create<func::FuncOp>(
      func.getLoc(), "main",
      b.getFunctionType(argTypes, anchor->getResultTypes()));
  for (unsigned i = 0, e = argTypes.size(); i < e; ++i) {
    main.setArgAttr(i, "etch.name", b.getStringAttr("input" + Twine(i)));
  }
  for (unsigned i = 0, e = anchor->getNumResults(); i < e; ++i) {
    main.setResultAttr(
        i, "etch.name",
        b.getStringAttr(e == 1 ? Twine("output") : "output" + Twine(i)));
  }
  Block *entry = main.addEntryBlock();
  IRMapping mapping;
  for (auto [value, arg] : llvm::zip(arguments, entry->getArguments())) {
    mapping.map(value, arg);
  }
  b.setInsertionPointToEnd(entry);
  for (Operation *op : ops) {
    Operation *clone = b.clone(*op, mapping);
    // Selection runs again on the layer: the heuristics, or the record
    // `--tuning-db` has for this key.
    clone->removeAttr(kScheduleAttrName);
    clone->removeAttr(kWorkloadKeyAttrName);
  }
  SmallVector<Value> results;
  for (Value v : anchor->getResults()) {
    results.push_back(mapping.lookup(v));
  }
  b.create<func::ReturnOp>(func.getLoc(), results);
  if (failed(verify(*layer))) {
    return root->emitError("--extract-workload: the extracted layer of ")
           << key << " does not verify (an internal error)";
  }
  return layer;
}
