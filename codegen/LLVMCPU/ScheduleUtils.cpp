//===- ScheduleUtils.cpp - schedule queries shared by the passes ----------===//
#include "etch/codegen/LLVMCPU/Schedule.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

ScheduleAttr mlir::etch::llvmcpu::getSchedule(Operation *op) {
  return op ? op->getAttrOfType<ScheduleAttr>(kScheduleAttrName)
            : ScheduleAttr();
}

SmallVector<linalg::LinalgOp>
mlir::etch::llvmcpu::getConsumerChain(linalg::LinalgOp root) {
  SmallVector<linalg::LinalgOp> chain;
  if (!root || root->getNumResults() != 1 ||
      !root.getIndexingMapMatchingResult(cast<OpResult>(root->getResult(0)))
           .isProjectedPermutation()) {
    return chain;
  }
  Value current = root->getResult(0);
  auto type = dyn_cast<RankedTensorType>(current.getType());
  if (!type) {
    return chain;
  }
  while (current.hasOneUse()) {
    OpOperand &use = *current.use_begin();
    auto consumer = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!consumer || consumer->getNumResults() != 1 ||
        !consumer.hasPureTensorSemantics() ||
        consumer.getNumReductionLoops() != 0 || getSchedule(consumer) ||
        consumer.getNumLoops() != static_cast<unsigned>(type.getRank()) ||
        !consumer.getMatchingIndexingMap(&use).isIdentity() ||
        !consumer.getIndexingMapMatchingResult(
                     cast<OpResult>(consumer->getResult(0)))
             .isIdentity() ||
        cast<RankedTensorType>(consumer->getResult(0).getType()).getShape() !=
            type.getShape()) {
      break;
    }
    // Operands other than the chained value must not be computed inside the
    // chain itself (that would need the same tile twice).
    chain.push_back(consumer);
    current = consumer->getResult(0);
  }
  return chain;
}

bool mlir::etch::llvmcpu::isCheapFusableProducer(Operation *op) {
  if (isa<linalg::FillOp, tensor::EmptyOp>(op)) {
    return true;
  }
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || getSchedule(op) || linalgOp.getNumReductionLoops() != 0 ||
      !linalgOp.hasPureTensorSemantics()) {
    return false;
  }
  for (OpOperand *input : linalgOp.getDpsInputOperands()) {
    Operation *def = input->get().getDefiningOp();
    if (def && (isa<linalg::LinalgOp, TilingInterface>(def) &&
                !isa<linalg::FillOp, tensor::EmptyOp>(def))) {
      return false;
    }
  }
  return true;
}

LogicalResult mlir::etch::llvmcpu::verifyScheduleForOp(Operation *op,
                                                       ScheduleAttr schedule) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp) {
    return op->emitOpError("carries an etch.schedule but is not a linalg op");
  }
  PipelineKind expected = classifyRootOp(linalgOp);
  if (schedule.getKind() != PipelineKind::None &&
      schedule.getKind() != expected) {
    return op->emitOpError("etch.schedule kind '")
           << stringifyPipelineKind(schedule.getKind())
           << "' does not match the op (expected '"
           << stringifyPipelineKind(expected) << "')";
  }
  unsigned numLoops = linalgOp.getNumLoops();
  unsigned scheduleLoops = schedule.getNumLoops();
  if (scheduleLoops != 0 && scheduleLoops != numLoops) {
    return op->emitOpError("etch.schedule describes ")
           << scheduleLoops << " loops but the op has " << numLoops;
  }
  SmallVector<utils::IteratorType> iterators =
      linalgOp.getIteratorTypesArray();
  for (unsigned level = 0; level < 3 && scheduleLoops != 0; ++level) {
    SmallVector<int64_t> sizes = schedule.getTileSizes(level);
    for (unsigned i = 0; i < numLoops; ++i) {
      bool isReduction = iterators[i] == utils::IteratorType::reduction;
      if (sizes[i] == 0 || isReduction == (level == 2)) {
        continue;
      }
      return op->emitOpError("etch.schedule tile level ")
             << level << " tiles " << (isReduction ? "reduction" : "parallel")
             << " loop " << i << "; level " << (isReduction ? "2" : "0/1")
             << " tiles those";
    }
  }
  for (int64_t d : schedule.getParallelDims()) {
    if (d >= numLoops || iterators[d] != utils::IteratorType::parallel) {
      return op->emitOpError("etch.schedule parallel dim ")
             << d << " is not a parallel loop of the op";
    }
  }
  return success();
}

ScheduleAttr mlir::etch::llvmcpu::distributeOverThreads(linalg::LinalgOp op,
                                                        ScheduleAttr schedule,
                                                        int64_t threads) {
  unsigned numLoops = schedule.getNumLoops();
  if (threads <= 1 || numLoops == 0 || schedule.getParallelDims().empty() ||
      numLoops != op.getNumLoops()) {
    return schedule;
  }
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  SmallVector<int64_t> level0 = schedule.getTileSizes(0);
  SmallVector<int64_t> level1 = schedule.getTileSizes(1);
  // Level-0 loop order: the interchange, else the order of the output's
  // dims (the tiling anchors on the fused consumer chain, whose loops are the
  // output's; a depthwise NCHW conv's loops are (n, oh, ow, c) but it is
  // tiled channel block by channel block), then the other loops. The threads
  // take the outermost suitable loop, so each one walks whole contiguous
  // blocks as one thread would: splitting an inner loop instead (rows of all
  // channels) makes every thread stride over all channel planes at once.
  SmallVector<int64_t> order(schedule.getInterchange());
  if (order.empty()) {
    if (op.getNumDpsInits() == 1) {
      AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
      for (AffineExpr e : outMap.getResults()) {
        if (auto dim = dyn_cast<AffineDimExpr>(e)) {
          order.push_back(dim.getPosition());
        }
      }
    }
    for (int64_t d = 0, e = numLoops; d < e; ++d) {
      if (!llvm::is_contained(order, d)) {
        order.push_back(d);
      }
    }
  }
  // Only whole tiles run in parallel (a remainder tile runs after them, on
  // one thread), so candidates are judged by their whole tiles.
  struct Candidate {
    int64_t dim = -1, tile = 0, whole = 0;
  };
  Candidate even, enough, most;
  for (int64_t d : order) {
    if (!llvm::is_contained(schedule.getParallelDims(), d) ||
        ShapedType::isDynamic(extents[d])) {
      continue;
    }
    int64_t extent = extents[d];
    int64_t unit = level1[d] != 0 ? level1[d] : 1;
    int64_t tile = level0[d] != 0 ? level0[d] : unit;
    // Too few whole level-0 tiles: smaller ones, still whole register tiles.
    if (extent / tile < threads && extent / unit >= threads) {
      tile = unit * (extent / unit / threads);
    }
    Candidate c{d, tile, extent / tile};
    // No remainder and a multiple of the thread count keeps every thread
    // equally busy; many tiles balance through the runtime's dynamic chunks.
    if (even.dim < 0 && c.whole >= threads && extent % tile == 0 &&
        (c.whole % threads == 0 || c.whole >= 4 * threads)) {
      even = c;
    }
    if (enough.dim < 0 && c.whole >= threads) {
      enough = c;
    }
    if (c.whole > most.whole) {
      most = c;
    }
  }
  Candidate pick = even.dim >= 0 ? even : enough.dim >= 0 ? enough : most;
  if (pick.dim < 0 || pick.whole < 2) {
    return schedule;
  }
  level0[pick.dim] = pick.tile;
  int64_t parallel[] = {pick.dim};
  return ScheduleAttr::get(
      schedule.getContext(), schedule.getKind(), level0,
      schedule.getRegisterTiles(), schedule.getReductionTiles(),
      schedule.getVectorSizes(), schedule.getInterchange(), parallel,
      schedule.getUnroll());
}

SmallVector<int64_t>
mlir::etch::llvmcpu::getDistributedTileSizes(ScheduleAttr schedule) {
  SmallVector<int64_t> sizes(schedule.getNumLoops(), 0);
  SmallVector<int64_t> level0 = schedule.getTileSizes(0);
  for (int64_t d : schedule.getParallelDims()) {
    if (d < static_cast<int64_t>(sizes.size())) {
      sizes[d] = level0[d];
    }
  }
  return sizes;
}
