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
      out.getUses().begin()->getOwner() != combine ||
      !out.getType().isF32()) {
    return std::nullopt;
  }
  return llvm::TypeSwitch<Operation *, std::optional<Combiner>>(combine)
      .Case([](arith::AddFOp) { return Combiner{"0.0f", "(", " + ", ")"}; })
      .Case([](arith::MulFOp) { return Combiner{"1.0f", "(", " * ", ")"}; })
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

/// Largest power of two <= n (n >= 1).
int64_t floorPowerOfTwo(int64_t n) {
  int64_t p = 1;
  while (p * 2 <= n) {
    p *= 2;
  }
  return p;
}

} // namespace

FailureOr<std::string>
writeReductionKernel(KernelWriter &w, linalg::LinalgOp op,
                     linalg::LinalgOp producer,
                     llvm::ArrayRef<linalg::LinalgOp> epilogue,
                     OpenCLKernel &kernel) {
  std::optional<Combiner> combiner = matchCombiner(op);
  llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (!combiner || llvm::any_of(ranges, ShapedType::isDynamic)) {
    return failure();
  }
  llvm::SmallVector<unsigned> parallel, reduction;
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray())) {
    (it == utils::IteratorType::parallel ? parallel : reduction).push_back(i);
  }
  // The output is indexed by every parallel loop once (each work-group owns
  // one element).
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  llvm::SmallVector<unsigned> outLoops;
  for (AffineExpr e : outMap.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim) {
      return failure();
    }
    outLoops.push_back(dim.getPosition());
  }
  llvm::sort(outLoops);
  int64_t extent = 1, rows = 1;
  for (unsigned d : reduction) {
    extent *= ranges[d];
  }
  for (unsigned d : parallel) {
    rows *= ranges[d];
  }
  if (outLoops != parallel || reduction.empty() || extent < kMinExtent) {
    return failure();
  }
  // Matched: an error from here on is final.
  kernel.pattern = "reduction";
  int64_t wg = floorPowerOfTwo(std::min<int64_t>(
      extent,
      std::max<int64_t>(1, getGPUSchedule(op, w.opts().preset)
                               .getWorkgroup()[0])));

  llvm::SmallVector<std::string> dims = KernelWriter::loopNames(ranges.size());
  std::string type = w.typeName(
      cast<MemRefType>(op.getDpsInits()[0].getType()).getElementType());
  std::string &out = w.out();
  out += "  __local " + type + " part[" + std::to_string(wg) + "];\n";
  out += "  const int row = (int)get_group_id(0);\n";
  out += "  const int lid = (int)get_local_id(0);\n";
  out += KernelWriter::delinearize(parallel, ranges, "row", "  ");
  std::string acc = w.fresh("acc");
  out += "  " + type + " " + acc + " = " + combiner->identity + ";\n";
  out += "  for (int r = lid; r < " + std::to_string(extent) + "; r += " +
         std::to_string(wg) + ") {\n";
  out += KernelWriter::delinearize(reduction, ranges, "r", "    ");
  Block *body = op.getBlock();
  llvm::DenseMap<Value, std::string> values;
  values[body->getArgument(op.getNumDpsInputs())] = acc;
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = body->getArgument(input->getOperandNumber());
    if (arg.use_empty()) {
      continue;
    }
    FailureOr<std::string> v = loadOperand(w, op, *input, dims, "    ");
    if (failed(v)) {
      return failure();
    }
    values[arg] = *v;
  }
  llvm::SmallVector<std::string> yielded;
  if (failed(w.printBlock(*body, values, dims, yielded, "    "))) {
    return failure();
  }
  out += "    " + acc + " = " + yielded.front() + ";\n  }\n";
  out += "  part[lid] = " + acc + ";\n";
  out += "  barrier(CLK_LOCAL_MEM_FENCE);\n";
  out += "  for (int s = " + std::to_string(wg / 2) +
         "; s > 0; s >>= 1) {\n";
  out += "    if (lid < s) {\n";
  out += "      part[lid] = " + combiner->apply("part[lid]", "part[lid + s]") +
         ";\n";
  out += "    }\n    barrier(CLK_LOCAL_MEM_FENCE);\n  }\n";
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
  kernel.workDim = 1;
  kernel.global = {static_cast<uint64_t>(rows * wg), 1, 1};
  kernel.local = {static_cast<uint64_t>(wg), 1, 1};
  return w.finish(kernel, "__attribute__((reqd_work_group_size(" +
                              std::to_string(wg) + ", 1, 1))) ");
}

} // namespace mlir::etch::opencl
