//===- CommonOutlineForall.cpp - top-level scf.forall -> parallel launch --===//
//
// Each scf.forall that is not nested in another one becomes a function of
// (captured values..., begin, end, tid) that runs the forall's linearized
// iterations [begin, end), and the forall a call of a marked declaration
// that etch-common-lower-parallel-launch turns into etch_parallel_for_tid
// once everything is in the LLVM dialect (only there can captured pointers
// be stored into a context struct).
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"
#include "etch/codegen/Common/Parallel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"

#include <functional>

#define DEBUG_TYPE "etch-common-outline-forall"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONOUTLINEFORALLPASS
#include "codegen/Common/Passes.h.inc"

namespace {

/// Whether `type` passes as one pointer under the bare-pointer convention.
bool isBarePointerMemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape()) {
    return false;
  }
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(memref.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// A value used in the body that the body can recompute itself: a pure op
/// without regions (constants, globals, views, index arithmetic).
bool isSinkable(Operation *op) {
  return op && op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
         !op->hasTrait<OpTrait::IsTerminator>();
}

/// The values the forall's body uses from above, after pulling every
/// sinkable definition (transitively) into `sunk` (in def-before-use order).
void collectCaptures(scf::ForallOp forall, llvm::SetVector<Value> &captured,
                     llvm::SetVector<Operation *> &sunk) {
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(forall.getRegion(), above);
  SmallVector<Value> work(above.begin(), above.end());
  llvm::SetVector<Operation *> visited;
  // Depth-first, post-order: operands of a sunk op before the op.
  std::function<void(Value)> visit = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (!isSinkable(def)) {
      captured.insert(v);
      return;
    }
    if (!visited.insert(def)) {
      return;
    }
    for (Value operand : def->getOperands()) {
      visit(operand);
    }
    sunk.insert(def);
  };
  for (Value v : work) {
    visit(v);
  }
}

/// Whether `arg` of the entry function is a model input (named, not an
/// output, not the arena): the ABI makes those read-only.
bool isEntryInput(func::FuncOp func, BlockArgument arg) {
  unsigned i = arg.getArgNumber();
  return func.getArgAttr(i, "etch.name") && !func.getArgAttr(i, "etch.output") &&
         !func.getArgAttr(i, "etch.arena");
}

struct CommonOutlineForallPass
    : public impl::CommonOutlineForallPassBase<CommonOutlineForallPass> {
  using Base::Base;

  LogicalResult outline(func::FuncOp func, scf::ForallOp forall,
                        unsigned index, SymbolTable &symbols);

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isExternal()) {
        continue;
      }
      SmallVector<scf::ForallOp> foralls;
      func.walk([&](scf::ForallOp forall) {
        if (!forall->getParentOfType<scf::ForallOp>()) {
          foralls.push_back(forall);
        }
      });
      for (auto [i, forall] : llvm::enumerate(foralls)) {
        if (failed(outline(func, forall, i, symbols))) {
          return signalPassFailure();
        }
      }
    }
    // Per-thread scratch asked for its thread's index outside any outlined
    // body: the planner and the tiling disagree (a bug, not a user error).
    bool leftover = false;
    module.walk([&](func::CallOp call) {
      if (call.getCallee() == kThreadIndexFunc) {
        call.emitOpError() << "internal error: per-thread scratch outside a "
                              "parallel loop";
        leftover = true;
      }
    });
    if (leftover) {
      return signalPassFailure();
    }
    if (auto decl = symbols.lookup<func::FuncOp>(kThreadIndexFunc)) {
      decl.erase();
    }
  }
};

} // namespace

LogicalResult CommonOutlineForallPass::outline(func::FuncOp func,
                                               scf::ForallOp forall,
                                               unsigned index,
                                               SymbolTable &symbols) {
  Location loc = forall.getLoc();
  MLIRContext *ctx = forall.getContext();
  if (!forall.getOutputs().empty()) {
    return forall.emitOpError()
           << "internal error: a forall with shared outputs after "
              "bufferization cannot be outlined";
  }
  std::optional<SmallVector<OpFoldResult>> lbs = forall.getLoopLowerBounds();
  std::optional<SmallVector<OpFoldResult>> ubs = forall.getLoopUpperBounds();
  std::optional<SmallVector<OpFoldResult>> steps = forall.getLoopSteps();
  SmallVector<int64_t> lb, ub, step, counts;
  for (unsigned d = 0, e = forall.getRank(); d < e; ++d) {
    std::optional<int64_t> l = getConstantIntValue((*lbs)[d]);
    std::optional<int64_t> u = getConstantIntValue((*ubs)[d]);
    std::optional<int64_t> s = getConstantIntValue((*steps)[d]);
    if (!l || !u || !s || *s <= 0) {
      return forall.emitOpError()
             << "internal error: parallel loop bounds must be static";
    }
    lb.push_back(*l);
    ub.push_back(*u);
    step.push_back(*s);
    counts.push_back(*u > *l ? llvm::divideCeil(*u - *l, *s) : 0);
  }
  int64_t count = 1;
  for (int64_t c : counts) {
    count *= c;
  }

  llvm::SetVector<Value> captured;
  llvm::SetVector<Operation *> sunk;
  collectCaptures(forall, captured, sunk);
  // A vector from outside (a read that hoisting moved in front of the loop)
  // cannot travel as a scalar argument: the caller stores it to a stack
  // slot, which lives until the synchronous launch returns, and the body
  // loads it back.
  SmallVector<Value> passed(captured.begin(), captured.end());
  llvm::SmallDenseMap<unsigned, VectorType> spilled;
  {
    OpBuilder pre(forall);
    for (unsigned i = 0, e = passed.size(); i < e; ++i) {
      Value v = passed[i];
      auto vectorType = dyn_cast<VectorType>(v.getType());
      if (!vectorType || vectorType.isScalable() ||
          !vectorType.getElementType().isIntOrFloat()) {
        continue;
      }
      auto slotType = MemRefType::get(vectorType.getShape(),
                                      vectorType.getElementType());
      Value slot = memref::AllocaOp::create(pre, loc, slotType).getResult();
      Value zero = arith::ConstantIndexOp::create(pre, loc, 0).getResult();
      SmallVector<Value> zeros(vectorType.getRank(), zero);
      vector::StoreOp::create(pre, loc, v, slot, ValueRange(zeros));
      passed[i] = slot;
      spilled[i] = vectorType;
    }
  }
  SmallVector<Type> types;
  for (Value v : passed) {
    Type type = v.getType();
    if (isa<MemRefType>(type) ? !isBarePointerMemRef(type)
                              : !type.isIntOrIndexOrFloat()) {
      return forall.emitOpError()
             << "internal error: the parallel loop uses a value of type "
             << type << " from outside that cannot be passed to its thread";
    }
    types.push_back(type);
  }

  // The body: (captured..., begin, end, tid).
  OpBuilder builder(ctx);
  builder.setInsertionPointAfter(func);
  std::string name = (func.getSymName() + "_forall" + Twine(index)).str();
  Type indexType = builder.getIndexType();
  SmallVector<Type> bodyTypes(types);
  bodyTypes.append({indexType, indexType, indexType});
  auto body = func::FuncOp::create(builder, loc, name,
                                   builder.getFunctionType(bodyTypes, {}));
  body.setPrivate();
  symbols.insert(body);
  // Distinct arguments of the entry keep the ABI's no-overlap facts.
  for (auto [i, v] : llvm::enumerate(captured)) {
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != &func.getBody().front() ||
        !isa<MemRefType>(v.getType()) || !func->hasAttr("etch.arena_size")) {
      continue;
    }
    body.setArgAttr(i, "llvm.noalias", builder.getUnitAttr());
    if (isEntryInput(func, arg)) {
      body.setArgAttr(i, "llvm.readonly", builder.getUnitAttr());
    }
  }
  Block *entry = body.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  IRMapping mapping;
  for (unsigned i = 0, e = captured.size(); i < e; ++i) {
    Value arg = entry->getArgument(i);
    auto it = spilled.find(i);
    if (it == spilled.end()) {
      mapping.map(captured[i], arg);
      continue;
    }
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0).getResult();
    SmallVector<Value> zeros(it->second.getRank(), zero);
    Value loaded =
        vector::LoadOp::create(builder, loc, it->second, arg, ValueRange(zeros))
            .getResult();
    mapping.map(captured[i], loaded);
  }
  for (Operation *op : sunk) {
    builder.clone(*op, mapping);
  }
  unsigned numCaptured = captured.size();
  Value begin = entry->getArgument(numCaptured);
  Value end = entry->getArgument(numCaptured + 1);
  Value tid = entry->getArgument(numCaptured + 2);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  auto loop = scf::ForOp::create(builder, loc, begin, end, one);
  func::ReturnOp::create(builder, loc);

  // Inside: delinearize (last dimension fastest), then the forall's body.
  builder.setInsertionPointToStart(loop.getBody());
  Value linear = loop.getInductionVar();
  SmallVector<Value> ivs(forall.getRank());
  for (int d = forall.getRank() - 1; d >= 0; --d) {
    Value c = arith::ConstantIndexOp::create(builder, loc, counts[d]);
    Value pos = d == 0 ? linear : arith::RemUIOp::create(builder, loc, linear, c);
    if (d != 0) {
      linear = arith::DivUIOp::create(builder, loc, linear, c);
    }
    Value scaled = arith::MulIOp::create(
        builder, loc, pos, arith::ConstantIndexOp::create(builder, loc, step[d]));
    ivs[d] = arith::AddIOp::create(
        builder, loc, scaled, arith::ConstantIndexOp::create(builder, loc, lb[d]));
  }
  for (auto [iv, v] : llvm::zip(forall.getInductionVars(), ivs)) {
    mapping.map(iv, v);
  }
  for (Operation &op : forall.getBody()->without_terminator()) {
    builder.clone(op, mapping);
  }
  // Per-thread scratch: the placeholder becomes the thread's index.
  body.walk([&](func::CallOp call) {
    if (call.getCallee() == kThreadIndexFunc) {
      call.getResult(0).replaceAllUsesWith(tid);
      call.erase();
    }
  });

  // The launch: a declaration the LLVM-level pass recognizes.
  builder.setInsertionPointAfter(func);
  auto launch = func::FuncOp::create(builder, loc, name + "_launch",
                                     builder.getFunctionType(types, {}));
  launch.setPrivate();
  launch->setAttr(kParallelLaunchAttr,
                  builder.getDictionaryAttr(
                      {builder.getNamedAttr("body", FlatSymbolRefAttr::get(body)),
                       builder.getNamedAttr("count",
                                            builder.getI64IntegerAttr(count))}));
  symbols.insert(launch);
  builder.setInsertionPoint(forall);
  func::CallOp::create(builder, loc, launch, passed);
  forall.erase();
  return success();
}

} // namespace mlir::etch
