//===- OpenCLReductionKernel.cpp - Work-group reductions ------------------===//
//
// A linalg op that folds many elements into each output (ReduceSum/Mean/
// Max/Min/..., GlobalAveragePool, the max and sum steps of Softmax) gets one
// work-group per output element instead of one work-item: its work-items
// stride over the reduced elements (delinearized with the last reduction loop
// fastest, so neighbouring work-items read neighbouring elements of the
// innermost axis), each folding its share with the region, then combine the
// partial results in a __local tree. The first work-item folds in the init
// (or the fused fill/bias producer), applies the fused elementwise epilogue
// and stores.
//
//   __kernel __attribute__((reqd_work_group_size(64, 1, 1)))
//   void k1_generic(__global uchar *b0, __global uchar *b2) {
//     __local float part[64];
//     const int row = (int)get_group_id(0), lid = (int)get_local_id(0);
//     const int d0 = row;
//     float acc0 = 0.0f;                        // the combiner's identity
//     for (int r = lid; r < 120; r += 64) { ... acc0 = acc0 + x; }
//     part[lid] = acc0;
//     barrier(CLK_LOCAL_MEM_FENCE);
//     for (int s = 32; s > 0; s >>= 1) { ... }  // tree over part[]
//     if (lid == 0) { out = init + part[0]; epilogue; store }
//   }
//
// The region must fold with one associative, commutative combiner (addf,
// mulf, maximumf/minimumf, maxnumf/minnumf) applied to the init argument and
// a value that does not depend on it; the reduction must be long enough
// (kMinExtent) for a work-group to pay off. Anything else takes the generic
// kernel.
//
//===----------------------------------------------------------------------===//
#include "OpenCLKernelWriter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/ADT/TypeSwitch.h"

namespace mlir::etch::opencl {

namespace {

/// Reductions shorter than this keep one work-item per output.
constexpr int64_t kMinExtent = 64;

/// How partial results combine.
struct Combiner {
  std::string identity;
  /// `prefix a infix b suffix` combines a and b.
  std::string prefix, infix, suffix;

  std::string apply(const std::string &a, const std::string &b) const {
    return prefix + a + infix + b + suffix;
  }
};

/// The combiner of `op`'s region when it is `yield(combine(out, f(ins)))`.
std::optional<Combiner> matchCombiner(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1) {
    return std::nullopt;
  }
  Block *body = op.getBlock();
  BlockArgument out = body->getArgument(op.getNumDpsInputs());
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *combine = yield.getOperand(0).getDefiningOp();
  if (!combine || combine->getBlock() != body || !out.hasOneUse() ||
      out.getUses().begin()->getOwner() != combine || !out.getType().isF32()) {
    return std::nullopt;
  }
  return llvm::TypeSwitch<Operation *, std::optional<Combiner>>(combine)
      .Case([](arith::AddFOp) {
        return Combiner{"0.0f", "(", " + ", ")"};
      })
      .Case([](arith::MulFOp) {
        return Combiner{"1.0f", "(", " * ", ")"};
      })
      .Case([](arith::MaximumFOp) {
        return Combiner{"(-INFINITY)", "etch_maximumf(", ", ", ")"};
      })
      .Case([](arith::MinimumFOp) {
        return Combiner{"INFINITY", "etch_minimumf(", ", ", ")"};
      })
      .Case([](arith::MaxNumFOp) {
        return Combiner{"(-INFINITY)", "fmax(", ", ", ")"};
      })
      .Case([](arith::MinNumFOp) {
        return Combiner{"INFINITY", "fmin(", ", ", ")"};
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// Stores each work-item's `acc` in `part` and combines the work-group's
/// values into part[0] (visible to every work-item after the last barrier).
std::string treeReduce(const Combiner &combiner, const std::string &acc,
                       int64_t wg) {
  std::string text = "  part[lid] = " + acc + ";\n";
  text += "  barrier(CLK_LOCAL_MEM_FENCE);\n";
  text += "  for (int s = " + std::to_string(wg / 2) + "; s > 0; s >>= 1) {\n";
  text += "    if (lid < s) {\n";
  text += "      part[lid] = " + combiner.apply("part[lid]", "part[lid + s]") +
          ";\n";
  text += "    }\n    barrier(CLK_LOCAL_MEM_FENCE);\n  }\n";
  return text;
}

/// The loops of `op` split by iterator type; whether its one output is
/// indexed by exactly the parallel loops (each work-group owns one element).
bool splitLoops(linalg::LinalgOp op, llvm::SmallVectorImpl<unsigned> &parallel,
                llvm::SmallVectorImpl<unsigned> &reduction) {
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray())) {
    (it == utils::IteratorType::parallel ? parallel : reduction).push_back(i);
  }
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  llvm::SmallVector<unsigned> outLoops;
  for (AffineExpr e : outMap.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim) {
      return false;
    }
    outLoops.push_back(dim.getPosition());
  }
  llvm::sort(outLoops);
  return outLoops == llvm::ArrayRef<unsigned>(parallel) && !reduction.empty();
}

int64_t product(llvm::ArrayRef<unsigned> loops,
                llvm::ArrayRef<int64_t> ranges) {
  int64_t p = 1;
  for (unsigned d : loops) {
    p *= ranges[d];
  }
  return p;
}

/// The start of a kernel with one work-group per output row: the __local
/// partials, the row's parallel loops.
std::string rowPrologue(const std::string &type, int64_t wg,
                        llvm::ArrayRef<unsigned> parallel,
                        llvm::ArrayRef<int64_t> ranges) {
  return "  __local " + type + " part[" + std::to_string(wg) + "];\n" +
         "  const int row = (int)get_group_id(0);\n" +
         "  const int lid = (int)get_local_id(0);\n" +
         KernelWriter::delinearize(parallel, ranges, "row", "  ");
}

/// `rows` work-groups of `wg` work-items.
std::string finishRowKernel(KernelWriter &w, OpenCLKernel &kernel, int64_t rows,
                            int64_t wg) {
  kernel.workDim = 1;
  kernel.global = {static_cast<uint64_t>(rows * wg), 1, 1};
  kernel.local = {static_cast<uint64_t>(wg), 1, 1};
  return w.finish(kernel, "__attribute__((reqd_work_group_size(" +
                              std::to_string(wg) + ", 1, 1))) ");
}

/// Work-items per row: the schedule's 1-D work-group, a power of two (for
/// the tree) and no more than the row's elements.
int64_t rowWorkgroup(KernelWriter &w, linalg::LinalgOp op, int64_t extent) {
  int64_t limit = std::min<int64_t>(
      extent, getGPUSchedule(op, w.opts().preset).getWorkgroup()[0]);
  int64_t wg = 1;
  while (wg * 2 <= limit) {
    wg *= 2;
  }
  return wg;
}

} // namespace

FailureOr<std::string> writeReductionKernel(
    KernelWriter &w, linalg::LinalgOp op, linalg::LinalgOp producer,
    llvm::ArrayRef<linalg::LinalgOp> epilogue, OpenCLKernel &kernel) {
  std::optional<Combiner> combiner = matchCombiner(op);
  llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (!combiner || llvm::any_of(ranges, ShapedType::isDynamic)) {
    return failure();
  }
  llvm::SmallVector<unsigned> parallel, reduction;
  if (!splitLoops(op, parallel, reduction)) {
    return failure();
  }
  int64_t extent = product(reduction, ranges), rows = product(parallel, ranges);
  if (extent < kMinExtent) {
    return failure();
  }
  // Matched: an error from here on is final.
  kernel.pattern = "reduction";
  int64_t wg = rowWorkgroup(w, op, extent);

  llvm::SmallVector<std::string> dims = KernelWriter::loopNames(ranges.size());
  std::string type = w.typeName(
      cast<MemRefType>(op.getDpsInits()[0].getType()).getElementType());
  std::string &out = w.out();
  out += rowPrologue(type, wg, parallel, ranges);
  std::string acc = w.fresh("acc");
  out += "  " + type + " " + acc + " = " + combiner->identity + ";\n";
  out += "  for (int r = lid; r < " + std::to_string(extent) +
         "; r += " + std::to_string(wg) + ") {\n";
  out += KernelWriter::delinearize(reduction, ranges, "r", "    ");
  FailureOr<llvm::SmallVector<std::string>> yielded = evaluateRegion(
      w, op, {{op.getBlock()->getArgument(op.getNumDpsInputs()), acc}}, dims,
      "    ");
  if (failed(yielded)) {
    return failure();
  }
  out += "    " + acc + " = " + yielded->front() + ";\n  }\n";
  out += treeReduce(*combiner, acc, wg);
  out += "  if (lid == 0) {\n";
  FailureOr<std::string> init = initValue(w, op, producer, dims, "    ");
  if (failed(init)) {
    return failure();
  }
  std::string result = w.fresh("r");
  out += "    const " + type + " " + result + " = " +
         combiner->apply(*init, "part[0]") + ";\n";
  if (failed(writeEpilogue(w, op, epilogue, dims, {result}, "    "))) {
    return failure();
  }
  out += "  }\n";
  return finishRowKernel(w, kernel, rows, wg);
}

namespace {

/// The six ops etch lowers Softmax to, over one loop space:
///   fill(-inf, M); M = max(M, X)            (reduction over the axis)
///   Y = exp(X - M)                          (elementwise, M broadcast)
///   fill(0, S);    S = S + Y                (reduction over the axis)
///   Y = Y / S                               (elementwise, in place)
struct SoftmaxGroup {
  linalg::FillOp maxFill, sumFill;
  linalg::LinalgOp max, exp, sum, div;
};

AffineMap mapOf(linalg::LinalgOp op, OpOperand *operand) {
  return op.getMatchingIndexingMap(operand);
}

std::optional<SoftmaxGroup> matchSoftmax(llvm::ArrayRef<Operation *> ops,
                                         size_t i) {
  if (i + 6 > ops.size()) {
    return std::nullopt;
  }
  SoftmaxGroup g;
  g.maxFill = dyn_cast<linalg::FillOp>(ops[i]);
  g.max = dyn_cast<linalg::LinalgOp>(ops[i + 1]);
  g.exp = dyn_cast<linalg::LinalgOp>(ops[i + 2]);
  g.sumFill = dyn_cast<linalg::FillOp>(ops[i + 3]);
  g.sum = dyn_cast<linalg::LinalgOp>(ops[i + 4]);
  g.div = dyn_cast<linalg::LinalgOp>(ops[i + 5]);
  if (!g.maxFill || !g.max || !g.exp || !g.sumFill || !g.sum || !g.div) {
    return std::nullopt;
  }
  for (linalg::LinalgOp op : {g.max, g.exp, g.sum, g.div}) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
        op.getStaticLoopRanges() != g.max.getStaticLoopRanges()) {
      return std::nullopt;
    }
  }
  std::optional<Combiner> maxC = matchCombiner(g.max);
  std::optional<Combiner> sumC = matchCombiner(g.sum);
  if (!maxC || !sumC ||
      !isa<arith::MaximumFOp, arith::MaxNumFOp>(
          g.max.getBlock()->getTerminator()->getOperand(0).getDefiningOp()) ||
      !isa<arith::AddFOp>(
          g.sum.getBlock()->getTerminator()->getOperand(0).getDefiningOp()) ||
      g.max.getNumDpsInputs() != 1 || g.sum.getNumDpsInputs() != 1 ||
      g.exp.getNumDpsInputs() != 2 || g.div.getNumDpsInputs() != 1 ||
      g.exp.getNumParallelLoops() != g.exp.getNumLoops() ||
      g.div.getNumParallelLoops() != g.div.getNumLoops() ||
      g.max.getIteratorTypesArray() != g.sum.getIteratorTypesArray()) {
    return std::nullopt;
  }
  Value x = g.max.getDpsInputs()[0], m = g.max.getDpsInits()[0];
  Value y = g.exp.getDpsInits()[0], s = g.sum.getDpsInits()[0];
  AffineMap xMap = mapOf(g.max, g.max.getDpsInputOperand(0));
  AffineMap rowMap = mapOf(g.max, g.max.getDpsInitOperand(0));
  AffineMap yMap = mapOf(g.exp, g.exp.getDpsInitOperand(0));
  bool sameData =
      g.maxFill.getOutputs()[0] == m && g.sumFill.getOutputs()[0] == s &&
      g.exp.getDpsInputs()[0] == x && g.exp.getDpsInputs()[1] == m &&
      g.sum.getDpsInputs()[0] == y && g.div.getDpsInputs()[0] == s &&
      g.div.getDpsInits()[0] == y && x != y &&
      mapOf(g.exp, g.exp.getDpsInputOperand(0)) == xMap &&
      mapOf(g.exp, g.exp.getDpsInputOperand(1)) == rowMap &&
      mapOf(g.sum, g.sum.getDpsInputOperand(0)) == yMap &&
      mapOf(g.sum, g.sum.getDpsInitOperand(0)) == rowMap &&
      mapOf(g.div, g.div.getDpsInputOperand(0)) == rowMap &&
      mapOf(g.div, g.div.getDpsInitOperand(0)) == yMap;
  // exp ignores Y's old value; M and S are read by nobody else (the kernel
  // keeps them in registers and never writes them).
  Block *expBody = g.exp.getBlock();
  llvm::SmallPtrSet<Operation *, 6> group = {g.maxFill, g.max, g.exp,
                                             g.sumFill, g.sum, g.div};
  auto onlyGroup = [&](Value v) {
    return llvm::all_of(v.getUsers(),
                        [&](Operation *u) { return group.contains(u); });
  };
  if (!sameData || !expBody->getArgument(2).use_empty() || !onlyGroup(m) ||
      !onlyGroup(s)) {
    return std::nullopt;
  }
  return g;
}

} // namespace

FailureOr<std::string> writeSoftmaxKernel(KernelWriter &w,
                                          llvm::ArrayRef<Operation *> ops,
                                          size_t i, OpenCLKernel &kernel,
                                          size_t &consumed) {
  std::optional<SoftmaxGroup> g = matchSoftmax(ops, i);
  if (!g) {
    return failure();
  }
  llvm::SmallVector<int64_t> ranges = g->max.getStaticLoopRanges();
  llvm::SmallVector<unsigned> parallel, reduction;
  if (llvm::any_of(ranges, ShapedType::isDynamic) ||
      !splitLoops(g->max, parallel, reduction) ||
      product(reduction, ranges) < kMinExtent) {
    return failure();
  }
  kernel.pattern = "softmax";
  consumed = 6;
  int64_t extent = product(reduction, ranges), rows = product(parallel, ranges);
  int64_t wg = rowWorkgroup(w, g->max, extent);
  llvm::SmallVector<std::string> dims = KernelWriter::loopNames(ranges.size());
  std::string type = w.typeName(
      cast<MemRefType>(g->exp.getDpsInits()[0].getType()).getElementType());
  llvm::DenseMap<Value, std::string> none;
  FailureOr<std::string> maxInit =
      w.use(g->maxFill.getInputs()[0], g->maxFill, none);
  FailureOr<std::string> sumInit =
      w.use(g->sumFill.getInputs()[0], g->sumFill, none);
  if (failed(maxInit) || failed(sumInit)) {
    return failure();
  }
  std::string &out = w.out();
  out += rowPrologue(type, wg, parallel, ranges);
  std::string loop = "  for (int r = lid; r < " + std::to_string(extent) +
                     "; r += " + std::to_string(wg) + ") {\n" +
                     KernelWriter::delinearize(reduction, ranges, "r", "    ");
  // The region's one yielded value at the current element.
  auto apply =
      [&](linalg::LinalgOp op,
          llvm::DenseMap<Value, std::string> known) -> FailureOr<std::string> {
    FailureOr<llvm::SmallVector<std::string>> yielded =
        evaluateRegion(w, op, std::move(known), dims, "    ");
    if (failed(yielded)) {
      return failure();
    }
    return yielded->front();
  };
  auto arg = [](linalg::LinalgOp op, unsigned n) {
    return op.getBlock()->getArgument(n);
  };
  // 1. The row's maximum.
  std::string acc = w.fresh("acc");
  out += "  " + type + " " + acc + " = " + matchCombiner(g->max)->identity +
         ";\n" + loop;
  FailureOr<std::string> v = apply(g->max, {{arg(g->max, 1), acc}});
  if (failed(v)) {
    return failure();
  }
  out += "    " + acc + " = " + *v + ";\n  }\n";
  out += treeReduce(*matchCombiner(g->max), acc, wg);
  std::string rowMax = w.fresh("m");
  out += "  const " + type + " " + rowMax + " = " +
         matchCombiner(g->max)->apply(*maxInit, "part[0]") + ";\n";
  // Every work-item has read part[0] before the next tree reuses it.
  out += "  barrier(CLK_LOCAL_MEM_FENCE);\n";
  // 2. The sum of exp(x - max), recomputed rather than stored.
  std::string sumAcc = w.fresh("acc");
  out += "  " + type + " " + sumAcc + " = " + matchCombiner(g->sum)->identity +
         ";\n" + loop;
  FailureOr<std::string> e = apply(g->exp, {{arg(g->exp, 1), rowMax}});
  if (failed(e)) {
    return failure();
  }
  v = apply(g->sum, {{arg(g->sum, 0), *e}, {arg(g->sum, 1), sumAcc}});
  if (failed(v)) {
    return failure();
  }
  out += "    " + sumAcc + " = " + *v + ";\n  }\n";
  out += treeReduce(*matchCombiner(g->sum), sumAcc, wg);
  std::string rowSum = w.fresh("s");
  out += "  const " + type + " " + rowSum + " = " +
         matchCombiner(g->sum)->apply(*sumInit, "part[0]") + ";\n";
  // 3. Normalize and store.
  out += loop;
  e = apply(g->exp, {{arg(g->exp, 1), rowMax}});
  if (failed(e)) {
    return failure();
  }
  v = apply(g->div, {{arg(g->div, 0), rowSum}, {arg(g->div, 1), *e}});
  if (failed(v) || failed(storeOperand(w, g->div, *g->div.getDpsInitOperand(0),
                                       dims, *v, "    "))) {
    return failure();
  }
  out += "  }\n";
  return finishRowKernel(w, kernel, rows, wg);
}

} // namespace mlir::etch::opencl
