//===- OpenCLGenericKernel.cpp - Any linalg op as an OpenCL kernel --------===//
//
// The path every op has: one work-item per point of the op's parallel loops
// (a 1-D NDRange, delinearized with the last parallel loop fastest so
// neighbouring work-items touch neighbouring elements), the reduction loops
// as C loops inside it, the region as C statements, and fused elementwise
// consumers applied to each result before it is stored.
//
//   __kernel void k2_generic(__global uchar *b0, __global uchar *b2) {
//     __global float *p0 = (__global float *)(b0 + 0);
//     const int gid = get_global_id(0);
//     if (gid >= 8) return;
//     const int d0 = gid / 4, d2 = gid % 4;
//     float acc0 = p1[...];
//     for (int d1 = 0; d1 < 3; ++d1) { ... acc0 = v1; }
//     p1[d0 * 4 + d2] = acc0;
//   }
//
//===----------------------------------------------------------------------===//
#include "OpenCLKernelWriter.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::etch::opencl {

FailureOr<std::string> loadOperand(KernelWriter &w, linalg::LinalgOp op,
                                   OpOperand &operand,
                                   llvm::ArrayRef<std::string> dims,
                                   const std::string &indent) {
  Value value = operand.get();
  if (!isa<MemRefType>(value.getType())) {
    llvm::DenseMap<Value, std::string> none;
    return w.use(value, op, none);
  }
  BufferView view;
  FailureOr<std::string> element = w.element(op, operand, dims, &view);
  if (failed(element)) {
    return failure();
  }
  std::string var = w.fresh("x");
  std::string type = w.typeName(view.elementType);
  w.out() += indent + type + " " + var + " = " +
             (type != w.storageType(view) ? "(" + type + ")" : std::string()) +
             *element + ";\n";
  return var;
}

FailureOr<llvm::SmallVector<std::string>>
evaluateRegion(KernelWriter &w, linalg::LinalgOp op,
               llvm::DenseMap<Value, std::string> values,
               llvm::ArrayRef<std::string> dims, const std::string &indent) {
  Block *body = op.getBlock();
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = body->getArgument(operand.getOperandNumber());
    if (arg.use_empty() || values.count(arg)) {
      continue;
    }
    FailureOr<std::string> v = loadOperand(w, op, operand, dims, indent);
    if (failed(v)) {
      return failure();
    }
    values[arg] = *v;
  }
  llvm::SmallVector<std::string> yielded;
  if (failed(w.printBlock(*body, values, dims, yielded, indent))) {
    return failure();
  }
  return yielded;
}

LogicalResult storeOperand(KernelWriter &w, linalg::LinalgOp op,
                           OpOperand &operand, llvm::ArrayRef<std::string> dims,
                           const std::string &value,
                           const std::string &indent) {
  BufferView view;
  FailureOr<std::string> element = w.element(op, operand, dims, &view);
  if (failed(element)) {
    return failure();
  }
  std::string storage = w.storageType(view);
  std::string cast = storage != w.typeName(view.elementType)
                         ? "(" + storage + ")"
                         : std::string();
  w.out() += indent + *element + " = " + cast + value + ";\n";
  return success();
}

FailureOr<std::string> initValue(KernelWriter &w, linalg::LinalgOp root,
                                 linalg::LinalgOp producer,
                                 llvm::ArrayRef<std::string> dims,
                                 const std::string &indent) {
  OpOperand *init = root.getDpsInitOperand(0);
  if (!producer) {
    return loadOperand(w, root, *init, dims, indent);
  }
  // The producer's loops are root's output positions.
  llvm::SmallVector<std::string> pdims;
  for (AffineExpr e : root.getMatchingIndexingMap(init).getResults()) {
    pdims.push_back(clAffineExpr(e, dims));
  }
  FailureOr<llvm::SmallVector<std::string>> yielded =
      evaluateRegion(w, producer, llvm::DenseMap<Value, std::string>(), pdims,
                     indent);
  if (failed(yielded)) {
    return failure();
  }
  return yielded->front();
}

LogicalResult writeEpilogue(KernelWriter &w, linalg::LinalgOp root,
                            llvm::ArrayRef<linalg::LinalgOp> epilogue,
                            llvm::ArrayRef<std::string> rootDims,
                            llvm::ArrayRef<std::string> results,
                            const std::string &indent) {
  // Current value of each buffer the chain has produced so far.
  llvm::SmallVector<std::pair<Value, std::string>> live;
  for (auto [operand, value] : llvm::zip(root.getDpsInitsMutable(), results)) {
    live.push_back({operand.get(), value});
  }
  llvm::SmallVector<std::string> outDims;
  AffineMap rootOut = root.getMatchingIndexingMap(root.getDpsInitOperand(0));
  for (AffineExpr e : rootOut.getResults()) {
    outDims.push_back(clAffineExpr(e, rootDims));
  }
  llvm::DenseSet<Value> overwritten;
  for (linalg::LinalgOp op : epilogue) {
    // Buffers the chain produced are read from registers.
    llvm::DenseMap<Value, std::string> values;
    Block *body = op.getBlock();
    for (OpOperand &operand : op->getOpOperands()) {
      auto it = llvm::find_if(
          live, [&](auto &p) { return p.first == operand.get(); });
      if (it != live.end()) {
        values[body->getArgument(operand.getOperandNumber())] = it->second;
      }
    }
    FailureOr<llvm::SmallVector<std::string>> yielded =
        evaluateRegion(w, op, std::move(values), outDims, indent);
    if (failed(yielded)) {
      return failure();
    }
    for (auto [operand, value] : llvm::zip(op.getDpsInitsMutable(), *yielded)) {
      auto it = llvm::find_if(live, [&](auto &p) { return p.first == operand.get(); });
      if (it != live.end()) {
        it->second = value;
      } else {
        live.push_back({operand.get(), value});
      }
      overwritten.insert(operand.get());
    }
  }
  // Every buffer of the group gets its final value once.
  for (auto &entry : live) {
    Value buffer = entry.first;
    const std::string &value = entry.second;
    linalg::LinalgOp writer = root;
    for (linalg::LinalgOp op : epilogue) {
      if (llvm::is_contained(op.getDpsInits(), buffer)) {
        writer = op;
      }
    }
    OpOperand *operand = nullptr;
    for (OpOperand &init : writer.getDpsInitsMutable()) {
      if (init.get() == buffer) {
        operand = &init;
      }
    }
    llvm::ArrayRef<std::string> dims =
        writer == root ? rootDims : llvm::ArrayRef<std::string>(outDims);
    if (failed(storeOperand(w, writer, *operand, dims, value, indent))) {
      return failure();
    }
  }
  return success();
}

FailureOr<std::string>
writeGenericKernel(KernelWriter &w, linalg::LinalgOp op,
                   linalg::LinalgOp producer,
                   llvm::ArrayRef<linalg::LinalgOp> epilogue,
                   OpenCLKernel &kernel) {
  llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  llvm::SmallVector<utils::IteratorType> iterators =
      op.getIteratorTypesArray();
  if (llvm::any_of(ranges, ShapedType::isDynamic)) {
    return op.emitError() << "OpenCL kernels need static loop ranges";
  }
  // Each work-item owns the output elements of its parallel point: every
  // init's map must be a permutation of exactly the parallel loops.
  llvm::SmallVector<unsigned> parallel, reduction;
  for (auto [i, it] : llvm::enumerate(iterators)) {
    (it == utils::IteratorType::parallel ? parallel : reduction).push_back(i);
  }
  for (OpOperand &init : op.getDpsInitsMutable()) {
    AffineMap map = op.getMatchingIndexingMap(&init);
    llvm::SmallVector<unsigned> used;
    for (AffineExpr e : map.getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(e);
      if (!dim || iterators[dim.getPosition()] != utils::IteratorType::parallel) {
        return op.emitError()
               << "OpenCL kernels need each output indexed by distinct "
                  "parallel loops, got "
               << AffineMapAttr::get(map);
      }
      used.push_back(dim.getPosition());
    }
    llvm::sort(used);
    if (used != parallel) {
      return op.emitError() << "OpenCL kernels need each output indexed by "
                               "every parallel loop once, got "
                            << AffineMapAttr::get(map);
    }
  }

  int64_t items = 1;
  for (unsigned d : parallel) {
    items *= ranges[d];
  }
  llvm::SmallVector<std::string> dims = KernelWriter::loopNames(ranges.size());
  std::string &out = w.out();
  out += "  const int gid = (int)get_global_id(0);\n";
  out += "  if (gid >= " + std::to_string(items) + ") {\n    return;\n  }\n";
  out += KernelWriter::delinearize(parallel, ranges, "gid", "  ");

  Block *body = op.getBlock();
  llvm::DenseMap<Value, std::string> values;
  // Accumulators: the inits' current values.
  llvm::SmallVector<std::string> accs;
  for (OpOperand &init : op.getDpsInitsMutable()) {
    BlockArgument arg = body->getArgument(init.getOperandNumber());
    std::string acc = w.fresh("acc");
    accs.push_back(acc);
    values[arg] = acc;
    auto type = cast<MemRefType>(init.get().getType());
    if (arg.use_empty()) {
      out += "  " + w.typeName(type.getElementType()) + " " + acc + ";\n";
      continue;
    }
    FailureOr<std::string> v =
        producer && init.getOperandNumber() == op.getNumDpsInputs()
            ? initValue(w, op, producer, dims, "  ")
            : loadOperand(w, op, init, dims, "  ");
    if (failed(v)) {
      return failure();
    }
    out += "  " + w.typeName(type.getElementType()) + " " + acc + " = " + *v +
           ";\n";
  }
  std::string indent = "  ";
  for (unsigned d : reduction) {
    out += indent + "for (int " + dims[d] + " = 0; " + dims[d] + " < " +
           std::to_string(ranges[d]) + "; ++" + dims[d] + ") {\n";
    indent += "  ";
  }
  FailureOr<llvm::SmallVector<std::string>> yielded =
      evaluateRegion(w, op, values, dims, indent);
  if (failed(yielded)) {
    return failure();
  }
  for (auto [acc, y] : llvm::zip(accs, *yielded)) {
    out += indent + acc + " = " + y + ";\n";
  }
  for (size_t i = 0; i < reduction.size(); ++i) {
    indent.resize(indent.size() - 2);
    out += indent + "}\n";
  }
  if (failed(writeEpilogue(w, op, epilogue, dims, accs, "  "))) {
    return failure();
  }
  int64_t wg = 1;
  for (int64_t size : getGPUSchedule(op, w.opts().preset).getWorkgroup()) {
    wg *= size;
  }
  kernel.pattern = "generic";
  kernel.workDim = 1;
  kernel.global = {static_cast<uint64_t>((items + wg - 1) / wg * wg), 1, 1};
  kernel.local = {static_cast<uint64_t>(wg), 1, 1};
  return w.finish(kernel);
}

FailureOr<std::string> writeCopyKernel(KernelWriter &w, Operation *copyOp,
                                       OpenCLKernel &kernel) {
  auto copy = cast<memref::CopyOp>(copyOp);
  BufferView src, dst;
  FailureOr<std::string> srcPtr = w.pointer(copy.getSource(), copyOp, &src);
  FailureOr<std::string> dstPtr = w.pointer(copy.getTarget(), copyOp, &dst);
  if (failed(srcPtr) || failed(dstPtr)) {
    return failure();
  }
  int64_t items = 1;
  for (int64_t s : dst.shape) {
    items *= s;
  }
  std::string &out = w.out();
  out += "  const int gid = (int)get_global_id(0);\n";
  out += "  if (gid >= " + std::to_string(items) + ") {\n    return;\n  }\n";
  llvm::SmallVector<std::string> dims =
      KernelWriter::loopNames(dst.shape.size());
  llvm::SmallVector<unsigned> loops =
      llvm::to_vector(llvm::seq<unsigned>(0, dst.shape.size()));
  out += KernelWriter::delinearize(loops, dst.shape, "gid", "  ");
  out += "  " + *dstPtr + "[" + KernelWriter::index(dst, dims) + "] = " +
         *srcPtr + "[" + KernelWriter::index(src, dims) + "];\n";
  int64_t wg = std::max<int64_t>(1, w.opts().preset.workgroupSize);
  kernel.pattern = "copy";
  kernel.workDim = 1;
  kernel.global = {static_cast<uint64_t>((items + wg - 1) / wg * wg), 1, 1};
  kernel.local = {static_cast<uint64_t>(wg), 1, 1};
  return w.finish(kernel);
}

} // namespace mlir::etch::opencl
