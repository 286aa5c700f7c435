//===- CommonPlanMemory.cpp - Static arena planning for @main -------------===//
//
// Turns every static memref.alloc of the entry function into a memref.view
// of one arena argument. Liveness is measured in a pre-order numbering of the
// ops: a buffer is live from its alloc to the last op (at the alloc's nesting
// level) that uses it or any alias of it; a use nested in a region keeps it
// live for the whole enclosing op. The placement itself is MemoryPlanner.h.
//
// With threads > 1, a buffer allocated inside an scf.forall (the loop whose
// iterations run on different threads) is per-thread scratch: it gets one
// copy per thread, live for the whole outermost forall (threads are at
// different points of the body at once), and its view is made where the
// alloc was, at an offset picked by the thread's index.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/MemoryPlanner.h"
#include "etch/codegen/Common/Parallel.h"
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

#include <map>

#define DEBUG_TYPE "etch-common-plan-memory"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONPLANMEMORYPASS
#include "codegen/Common/Passes.h.inc"

namespace {

/// Pre-order numbering: `first[op]` is op's own number, `last[op]` the
/// largest number of any op nested in it (itself if none).
struct ProgramOrder {
  llvm::DenseMap<Operation *, int64_t> first, last;
  int64_t counter = 0;

  void number(Operation *op) {
    first[op] = counter++;
    for (Region &region : op->getRegions()) {
      for (Block &block : region) {
        for (Operation &nested : block) {
          number(&nested);
        }
      }
    }
    last[op] = counter - 1;
  }
};

/// A buffer to place and everything needed to rewrite it.
struct PlannedAlloc {
  memref::AllocOp alloc;
  BufferInterval interval;
  llvm::SetVector<Operation *> deallocs;
  /// Per-thread scratch: bytes between two threads' copies (0: shared).
  uint64_t threadStride = 0;
};

struct CommonPlanMemoryPass
    : public impl::CommonPlanMemoryPassBase<CommonPlanMemoryPass> {
  using Base::Base;
  void runOnOperation() override;
};

} // namespace

/// `func.func private @etch.thread_index() -> index` (Parallel.h).
static func::FuncOp getOrCreateThreadIndexDecl(ModuleOp module) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(kThreadIndexFunc)) {
    return existing;
  }
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  auto decl = func::FuncOp::create(
      b, module.getLoc(), kThreadIndexFunc,
      b.getFunctionType({}, {b.getIndexType()}));
  decl.setPrivate();
  return decl;
}

/// Adds every value that may alias `value` through the op using it.
static void addAliasesThroughUse(OpOperand &use,
                                 llvm::SetVector<Value> &aliases) {
  Operation *user = use.getOwner();
  auto addMemRefs = [&](ValueRange values) {
    for (Value v : values) {
      if (isa<BaseMemRefType>(v.getType())) {
        aliases.insert(v);
      }
    }
  };
  if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
    if (view.getViewSource() == use.get()) {
      addMemRefs(user->getResults());
    }
    return;
  }
  if (auto loop = dyn_cast<LoopLikeOpInterface>(user)) {
    if (OpResult result = loop.getTiedLoopResult(&use)) {
      aliases.insert(result);
    }
    if (BlockArgument iterArg = loop.getTiedLoopRegionIterArg(&use)) {
      aliases.insert(iterArg);
    }
    return;
  }
  if (user->hasTrait<OpTrait::IsTerminator>()) {
    // Yielded out of a region: the parent's results (and, for loops, the
    // iteration arguments of the next iteration) may be this buffer.
    Operation *parent = user->getParentOp();
    if (parent && !isa<func::FuncOp>(parent)) {
      addMemRefs(parent->getResults());
      if (auto loop = dyn_cast<LoopLikeOpInterface>(parent)) {
        for (BlockArgument arg : loop.getRegionIterArgs()) {
          if (isa<BaseMemRefType>(arg.getType())) {
            aliases.insert(arg);
          }
        }
      }
    }
    return;
  }
  // Unknown op producing memrefs (select, casts, ...): assume they alias.
  addMemRefs(user->getResults());
}

/// Computes the liveness interval of `alloc` at the deepest block level where
/// all uses of all its aliases are visible. Returns failure for a buffer
/// returned from the function (out-params are not arena memory).
static LogicalResult computeInterval(memref::AllocOp alloc,
                                     const ProgramOrder &order,
                                     PlannedAlloc &planned) {
  llvm::SetVector<Value> aliases;
  aliases.insert(alloc.getResult());
  llvm::SmallVector<Operation *> users;
  for (size_t i = 0; i < aliases.size(); ++i) {
    for (OpOperand &use : aliases[i].getUses()) {
      Operation *user = use.getOwner();
      if (isa<memref::DeallocOp>(user)) {
        planned.deallocs.insert(user);
        continue;
      }
      if (isa<func::ReturnOp>(user)) {
        return alloc.emitOpError()
               << "is returned from the function; results must be written "
                  "into out-parameters before memory planning";
      }
      users.push_back(user);
      addAliasesThroughUse(use, aliases);
    }
  }

  // Find the deepest block (starting from the alloc's own) whose nest holds
  // every user.
  Block *level = alloc->getBlock();
  auto allInside = [&](Block *block) {
    return llvm::all_of(users, [&](Operation *user) {
      return block->findAncestorOpInBlock(*user) != nullptr;
    });
  };
  while (!allInside(level)) {
    Operation *parent = level->getParentOp();
    if (!parent || isa<func::FuncOp>(parent)) {
      return alloc.emitOpError() << "has a use outside its function";
    }
    level = parent->getBlock();
  }

  Operation *defAtLevel = level->findAncestorOpInBlock(*alloc);
  int64_t start = order.first.lookup(defAtLevel);
  int64_t end = start;
  if (defAtLevel != alloc.getOperation()) {
    // The alloc sits in a region (a loop body) whose results it escapes to:
    // it stays live for the whole op.
    end = order.last.lookup(defAtLevel);
  }
  for (Operation *user : users) {
    Operation *ancestor = level->findAncestorOpInBlock(*user);
    end = std::max(end, order.last.lookup(ancestor));
  }
  planned.interval.start = start;
  planned.interval.end = end;
  return success();
}

void CommonPlanMemoryPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal()) {
    module.emitError() << "etch-common-plan-memory: no function @" << entry
                       << " with a body";
    return signalPassFailure();
  }
  if (func->hasAttr("etch.arena_size")) {
    func.emitOpError() << "is already memory-planned";
    return signalPassFailure();
  }
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    func.emitOpError() << "arena alignment " << alignment
                       << " is not a power of two";
    return signalPassFailure();
  }

  ProgramOrder order;
  order.number(func);
  DataLayout layout = DataLayout::closest(func);

  llvm::SmallVector<PlannedAlloc> planned;
  bool failedAny = false;
  func.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape()) {
      alloc.emitOpError() << "has a dynamic shape; the arena needs static "
                             "sizes (pin them with --input-shape)";
      failedAny = true;
      return;
    }
    if (!type.getLayout().isIdentity()) {
      alloc.emitOpError() << "has a non-identity layout; not supported by "
                             "memory planning";
      failedAny = true;
      return;
    }
    PlannedAlloc entry;
    entry.alloc = alloc;
    uint64_t elemBytes = layout.getTypeSize(type.getElementType());
    entry.interval.size = elemBytes * type.getNumElements();
    entry.interval.align = std::max<uint64_t>(
        alignment, alloc.getAlignment().value_or(1));
    if (failed(computeInterval(alloc, order, entry))) {
      failedAny = true;
      return;
    }
    if (threads > 1) {
      // The outermost forall is the one whose iterations run concurrently.
      scf::ForallOp outer;
      for (Operation *p = alloc->getParentOp(); p; p = p->getParentOp()) {
        if (auto forall = dyn_cast<scf::ForallOp>(p)) {
          outer = forall;
        }
      }
      if (outer) {
        entry.threadStride = llvm::alignTo(entry.interval.size,
                                           entry.interval.align);
        entry.interval.size = entry.threadStride * threads;
        entry.interval.start =
            std::min(entry.interval.start, order.first.lookup(outer.getOperation()));
        entry.interval.end =
            std::max(entry.interval.end, order.last.lookup(outer.getOperation()));
      }
    }
    planned.push_back(std::move(entry));
  });
  if (failedAny) {
    return signalPassFailure();
  }

  std::vector<BufferInterval> intervals;
  intervals.reserve(planned.size());
  for (const PlannedAlloc &p : planned) {
    intervals.push_back(p.interval);
  }
  MemoryPlan plan = planMemory(intervals);
  numBuffers = intervals.size();
  arenaBytes = plan.arenaSize;
  uint64_t lowerBound = liveBytesLowerBound(intervals);
  lowerBoundBytes = lowerBound;
  uint64_t arenaSize = plan.arenaSize;
  uint64_t arenaAlign = alignment;
  for (const BufferInterval &b : intervals) {
    arenaAlign = std::max(arenaAlign, b.align);
  }

  // The arena: one statically sized byte buffer, the last argument.
  auto arenaType = MemRefType::get({static_cast<int64_t>(arenaSize)},
                                   IntegerType::get(ctx, 8));
  unsigned arenaIndex = func.getNumArguments();
  NamedAttribute arenaMarker(StringAttr::get(ctx, "etch.arena"),
                             UnitAttr::get(ctx));
  if (failed(func.insertArgument(arenaIndex, arenaType,
                                 DictionaryAttr::get(ctx, {arenaMarker}),
                                 func.getLoc()))) {
    func.emitOpError() << "cannot add the arena argument";
    return signalPassFailure();
  }
  Value arena = func.getArgument(arenaIndex);

  OpBuilder builder(ctx);
  builder.setInsertionPointToStart(&func.getBody().front());
  // One constant per distinct offset, then the views, in alloc order.
  std::map<uint64_t, Value> offsetValues;
  for (uint64_t offset : plan.offsets) {
    if (!offsetValues.count(offset)) {
      offsetValues[offset] =
          arith::ConstantIndexOp::create(builder, func.getLoc(), offset);
    }
  }
  func::FuncOp threadIndex;
  for (auto [p, offset] : llvm::zip_equal(planned, plan.offsets)) {
    Location loc = p.alloc.getLoc();
    if (p.threadStride != 0) {
      // offset + tid * stride, computed where the alloc was.
      if (!threadIndex) {
        threadIndex = getOrCreateThreadIndexDecl(module);
      }
      OpBuilder local(p.alloc);
      Value tid =
          func::CallOp::create(local, loc, threadIndex, ValueRange{})
              .getResult(0);
      // One statement per op: the IR's order must not depend on the order
      // the compiler evaluates call arguments in (GCC and clang differ).
      Value stride = arith::ConstantIndexOp::create(local, loc, p.threadStride);
      Value scaled = arith::MulIOp::create(local, loc, tid, stride);
      Value base = arith::ConstantIndexOp::create(local, loc, offset);
      Value shift = arith::AddIOp::create(local, loc, base, scaled);
      Value view = memref::ViewOp::create(local, loc, p.alloc.getType(),
                                          arena, shift, ValueRange{});
      p.alloc.getResult().replaceAllUsesWith(view);
      continue;
    }
    Value shift = offsetValues[offset];
    Value view = memref::ViewOp::create(builder, loc, p.alloc.getType(), arena,
                                        shift, ValueRange{});
    p.alloc.getResult().replaceAllUsesWith(view);
  }
  // Erased only now: the insertion point above may sit on an alloc.
  for (PlannedAlloc &p : planned) {
    for (Operation *dealloc : p.deallocs) {
      dealloc->erase();
    }
    p.alloc.erase();
  }

  Builder b(ctx);
  func->setAttr("etch.arena_size",
                b.getI64IntegerAttr(static_cast<int64_t>(arenaSize)));
  func->setAttr("etch.arena_align",
                b.getI64IntegerAttr(static_cast<int64_t>(arenaAlign)));
  // The most bytes simultaneously live for this op order: no placement can
  // use less (`etch-compile --size-report` compares the arena with it).
  func->setAttr("etch.arena_lower_bound",
                b.getI64IntegerAttr(static_cast<int64_t>(lowerBound)));
}

} // namespace mlir::etch
