//===- OpenCLTiledKernels.cpp - GEMM, convolution and depthwise kernels ---===//
//
// Multiply-accumulate ops (matmul, batch_matmul, transposed matmuls, 1-D/2-D
// convolutions) run as one tiled implicit GEMM: the parallel loops that only
// the first operand uses form M, those only the other uses form N (the group
// holding the output's innermost loop is N, so stores are contiguous), loops
// both use are batches (NDRange z) and the reduction loops form K. Each index
// is delinearized back to the op's loops, so the operands' indexing maps give
// the addresses: a convolution reads its (padded) input as im2col without
// materializing it.
//
// A work-group of tileX x tileY work-items computes a (tileY*kRows) x
// (tileX*vectorWidth) output tile; each work-item a kRows x vectorWidth
// register block (floatN accumulators). With local memory, each step stages a
// tileK slice of both operands in __local arrays (zero-padded at the edges, so
// the inner loop has no bounds checks) and reads B with vloadN; without
// (Mali presets: local memory is plain global memory there), operands are read
// straight from global memory. The init, a fused bias/fill producer and the
// elementwise epilogue apply per element at the store.
//
// Depthwise convolutions (a loop both operands use that is not a batch of the
// output only, and no M loop) get their own kernel: each work-item computes
// vectorWidth neighbouring outputs of one row, reusing each filter tap.
//
//===----------------------------------------------------------------------===//
#include "OpenCLKernelWriter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::etch::opencl {

namespace {

/// The op's body is `out + a * b` (either operand order) on f32.
bool isMultiplyAccumulate(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1) {
    return false;
  }
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3 ||
      !body->getArgument(2).getType().isF32()) {
    return false;
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add) {
    return false;
  }
  Value out = body->getArgument(2);
  Value other = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out) {
    return false;
  }
  auto mul = other.getDefiningOp<arith::MulFOp>();
  if (!mul) {
    return false;
  }
  Value a = body->getArgument(0), b = body->getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

/// Loop `d` in the results of `map`.
bool uses(AffineMap map, unsigned d) {
  return llvm::any_of(map.getResults(),
                      [&](AffineExpr e) { return e.isFunctionOfDim(d); });
}

} // namespace

/// Roles of an implicit-GEMM op's loops.
struct GemmShape {
  llvm::SmallVector<unsigned> batch, m, n, k;
  int64_t B = 1, M = 1, N = 1, K = 1;
  /// Operand numbers of the M-side and N-side inputs.
  unsigned aOperand = 0, bOperand = 1;
  bool depthwise = false;
};

static std::optional<GemmShape> classify(linalg::LinalgOp op) {
  if (!isMultiplyAccumulate(op) || !op.hasPureBufferSemantics()) {
    return std::nullopt;
  }
  llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic)) {
    return std::nullopt;
  }
  AffineMap map0 = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap map1 = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!out.isProjectedPermutation() || out.getNumResults() == 0) {
    return std::nullopt;
  }
  GemmShape s;
  llvm::SmallVector<unsigned> only0, only1;
  for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (it == utils::IteratorType::reduction) {
      s.k.push_back(d);
      continue;
    }
    bool in0 = uses(map0, d), in1 = uses(map1, d);
    if (in0 && in1) {
      s.batch.push_back(d);
    } else if (in0) {
      only0.push_back(d);
    } else if (in1) {
      only1.push_back(d);
    } else {
      return std::nullopt;
    }
  }
  auto innermost = cast<AffineDimExpr>(out.getResults().back()).getPosition();
  if (llvm::is_contained(only0, innermost)) {
    s.n = only0;
    s.m = only1;
    s.aOperand = 1;
    s.bOperand = 0;
  } else {
    s.n = only1;
    s.m = only0;
  }
  if (s.n.empty() || s.k.empty()) {
    return std::nullopt;
  }
  // A batch loop of both inputs with no M loop is a depthwise convolution
  // (channels), not a batched GEMM: it gets its own kernel.
  s.depthwise = s.m.empty() && !s.batch.empty() && s.k.size() >= 1 &&
                isa<linalg::DepthwiseConv2DNchwChwOp,
                    linalg::DepthwiseConv1DNcwCwOp>(op.getOperation());
  auto product = [&](llvm::ArrayRef<unsigned> g) {
    int64_t p = 1;
    for (unsigned d : g) {
      p *= ranges[d];
    }
    return p;
  };
  s.B = product(s.batch);
  s.M = product(s.m);
  s.N = product(s.n);
  s.K = product(s.k);
  return s;
}

bool isImplicitGemm(linalg::LinalgOp op, bool &depthwise) {
  std::optional<GemmShape> s = classify(op);
  depthwise = s && s->depthwise;
  return s && (s->depthwise || !s->m.empty());
}

namespace {

/// `A(m, k)` style load: the operand's element at the loops currently in
/// scope (names d0..dn), as a C expression.
FailureOr<std::string> element(KernelWriter &w, linalg::LinalgOp op,
                               unsigned operand,
                               llvm::ArrayRef<std::string> dims) {
  BufferView view;
  FailureOr<std::string> e =
      w.element(op, *op.getDpsInputOperand(operand), dims, &view);
  if (failed(e)) {
    return failure();
  }
  // The multiply-accumulate runs in float whatever the storage (half
  // intermediates with fp16): OpenCL's fma/mad have no mixed overloads.
  return (w.storageType(view) == "float" ? "" : "(float)") + *e;
}

FailureOr<std::string> writeDepthwise(KernelWriter &w, linalg::LinalgOp op,
                                      const GemmShape &s,
                                      linalg::LinalgOp producer,
                                      llvm::ArrayRef<linalg::LinalgOp> epilogue,
                                      OpenCLKernel &kernel) {
  llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  llvm::SmallVector<std::string> dims = KernelWriter::loopNames(ranges.size());
  // N = (batch-of-output loops..., rows, columns): columns are the last N
  // loop; each work-item takes vectorWidth of them.
  unsigned col = s.n.back();
  llvm::SmallVector<unsigned> rows(s.n.begin(), s.n.end() - 1);
  GPUScheduleAttr sched = getGPUSchedule(op, w.opts().preset);
  int64_t vw = sched.getTile()[1];
  int64_t tx = sched.getWorkgroup()[0];
  int64_t ty = sched.getWorkgroup().size() > 1 ? sched.getWorkgroup()[1] : 1;
  int64_t cols = ranges[col];
  int64_t colItems = (cols + vw - 1) / vw;
  int64_t rowCount = 1;
  for (unsigned d : rows) {
    rowCount *= ranges[d];
  }
  std::string &out = w.out();
  out += "  const int cx = (int)get_global_id(0);\n";
  out += "  const int ry = (int)get_global_id(1);\n";
  out += "  const int bz = (int)get_global_id(2);\n";
  out += "  if (cx >= " + std::to_string(colItems) + " || ry >= " +
         std::to_string(rowCount) + ") {\n    return;\n  }\n";
  out += KernelWriter::delinearize(s.batch, ranges, "bz", "  ");
  out += KernelWriter::delinearize(rows, ranges, "ry", "  ");
  out += "  float acc[" + std::to_string(vw) + "];\n";
  out += "  for (int j = 0; j < " + std::to_string(vw) +
         "; ++j) {\n    acc[j] = 0.0f;\n  }\n";
  out += "  for (int kk = 0; kk < " + std::to_string(s.K) + "; ++kk) {\n";
  out += KernelWriter::delinearize(s.k, ranges, "kk", "    ");
  // The filter (the operand without the column loop) tap is the same for
  // the vectorWidth outputs: load it once.
  AffineMap map0 = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  unsigned filter = uses(map0, col) ? 1 : 0;
  unsigned image = 1 - filter;
  out += "    const int " + dims[col] + " = 0;\n";
  FailureOr<std::string> tap = element(w, op, filter, dims);
  if (failed(tap)) {
    return failure();
  }
  out += "    const float tap = " + *tap + ";\n";
  out += "    for (int j = 0; j < " + std::to_string(vw) + "; ++j) {\n";
  out += "      const int " + dims[col] + "_ = cx * " + std::to_string(vw) +
         " + j;\n";
  llvm::SmallVector<std::string> shifted = dims;
  shifted[col] = "min(" + dims[col] + "_, " + std::to_string(cols - 1) + ")";
  FailureOr<std::string> pixel = element(w, op, image, shifted);
  if (failed(pixel)) {
    return failure();
  }
  out += "      acc[j] = fma(" + *pixel + ", tap, acc[j]);\n";
  out += "    }\n  }\n";
  out += "  for (int j = 0; j < " + std::to_string(vw) + "; ++j) {\n";
  out += "    const int " + dims[col] + " = cx * " + std::to_string(vw) +
         " + j;\n";
  out += "    if (" + dims[col] + " < " + std::to_string(cols) + ") {\n";
  FailureOr<std::string> init = initValue(w, op, producer, dims, "      ");
  if (failed(init)) {
    return failure();
  }
  std::string result = w.fresh("r");
  out += "      const float " + result + " = " + *init + " + acc[j];\n";
  if (failed(writeEpilogue(w, op, epilogue, dims, {result}, "      "))) {
    return failure();
  }
  out += "    }\n  }\n";
  kernel.pattern = "depthwise";
  kernel.workDim = 3;
  kernel.global = {static_cast<uint64_t>((colItems + tx - 1) / tx * tx),
                   static_cast<uint64_t>((rowCount + ty - 1) / ty * ty),
                   static_cast<uint64_t>(s.B)};
  kernel.local = {static_cast<uint64_t>(tx), static_cast<uint64_t>(ty), 1};
  return w.finish(kernel);
}

} // namespace

FailureOr<std::string> writeGemmKernel(KernelWriter &w, linalg::LinalgOp op,
                                       linalg::LinalgOp producer,
                                       llvm::ArrayRef<linalg::LinalgOp> epilogue,
                                       OpenCLKernel &kernel) {
  std::optional<GemmShape> shape = classify(op);
  if (!shape) {
    return failure();
  }
  const GemmShape &s = *shape;
  if (s.depthwise) {
    return writeDepthwise(w, op, s, producer, epilogue, kernel);
  }
  if (s.m.empty()) {
    // No M loop and not depthwise (e.g. a matrix-vector product): generic.
    return failure();
  }
  GPUScheduleAttr sched = getGPUSchedule(op, w.opts().preset);
  int64_t tx = sched.getWorkgroup()[0];
  int64_t ty = sched.getWorkgroup().size() > 1 ? sched.getWorkgroup()[1] : 1;
  const int64_t kRows = sched.getTile()[0];
  int64_t vw = sched.getTile()[1];
  int64_t tk = sched.getTileK();
  int64_t bm = ty * kRows, bn = tx * vw;
  bool local = sched.getLocalMemory();
  std::string vt = vw == 4 ? "float4" : "float";
  llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  llvm::SmallVector<std::string> dims = KernelWriter::loopNames(ranges.size());
  std::string M = std::to_string(s.M), N = std::to_string(s.N),
              K = std::to_string(s.K);

  std::string &out = w.out();
  out += "  const int tx = (int)get_local_id(0);\n";
  out += "  const int ty = (int)get_local_id(1);\n";
  out += "  const int m0 = (int)get_group_id(1) * " + std::to_string(bm) + ";\n";
  out += "  const int n0 = (int)get_group_id(0) * " + std::to_string(bn) + ";\n";
  out += "  const int bz = (int)get_global_id(2);\n";
  out += KernelWriter::delinearize(s.batch, ranges, "bz", "  ");
  out += "  " + vt + " acc[" + std::to_string(kRows) + "];\n";
  out += "  for (int r = 0; r < " + std::to_string(kRows) + "; ++r) {\n";
  out += "    acc[r] = (" + vt + ")(0.0f);\n  }\n";

  // Loads of A(m, k) and B(k, n) into `a`/`b`: each coordinate is a linear
  // index over a group of loops, delinearized so the loop names are in scope
  // for the operand's indexing map; zero outside the bounds.
  struct Coord {
    llvm::ArrayRef<unsigned> loops;
    std::string name, index, bound;
  };
  auto load = [&](unsigned operand, const std::string &target,
                  const Coord &first, const Coord &second,
                  const std::string &indent) -> FailureOr<std::string> {
    std::string text = indent + "{\n";
    for (const Coord *c : {&first, &second}) {
      text += indent + "  const int " + c->name + " = " + c->index + ";\n";
    }
    for (const Coord *c : {&first, &second}) {
      text +=
          KernelWriter::delinearize(c->loops, ranges, c->name, indent + "  ");
    }
    FailureOr<std::string> e = element(w, op, operand, dims);
    if (failed(e)) {
      return failure();
    }
    text += indent + "  " + target + " = (" + first.name + " < " + first.bound +
            " && " + second.name + " < " + second.bound + ") ? " + *e +
            " : 0.0f;\n" + indent + "}\n";
    return text;
  };
  auto loadA = [&](const std::string &mIdx, const std::string &kIdx,
                   const std::string &indent) {
    return load(s.aOperand, "a", {s.m, "mm", mIdx, M}, {s.k, "kq", kIdx, K},
                indent);
  };
  auto loadB = [&](const std::string &kIdx, const std::string &nIdx,
                   const std::string &indent) {
    return load(s.bOperand, "b", {s.k, "kq", kIdx, K}, {s.n, "nn", nIdx, N},
                indent);
  };

  std::string wg = std::to_string(tx * ty);
  if (local) {
    out += "  __local float As[" + std::to_string(bm) + "][" +
           std::to_string(tk) + "];\n";
    out += "  __local float Bs[" + std::to_string(tk) + "][" +
           std::to_string(bn) + "];\n";
    out += "  const int lid = ty * " + std::to_string(tx) + " + tx;\n";
    out += "  for (int k0 = 0; k0 < " + K + "; k0 += " + std::to_string(tk) +
           ") {\n";
    out += "    for (int i = lid; i < " + std::to_string(bm * tk) + "; i += " +
           wg + ") {\n      float a;\n";
    FailureOr<std::string> la =
        loadA("m0 + i / " + std::to_string(tk), "k0 + i % " + std::to_string(tk),
              "      ");
    if (failed(la)) {
      return failure();
    }
    out += *la + "      As[i / " + std::to_string(tk) + "][i % " +
           std::to_string(tk) + "] = a;\n    }\n";
    out += "    for (int i = lid; i < " + std::to_string(tk * bn) + "; i += " +
           wg + ") {\n      float b;\n";
    FailureOr<std::string> lb =
        loadB("k0 + i / " + std::to_string(bn), "n0 + i % " + std::to_string(bn),
              "      ");
    if (failed(lb)) {
      return failure();
    }
    out += *lb + "      Bs[i / " + std::to_string(bn) + "][i % " +
           std::to_string(bn) + "] = b;\n    }\n";
    out += "    barrier(CLK_LOCAL_MEM_FENCE);\n";
    out += "    for (int kk = 0; kk < " + std::to_string(tk) + "; ++kk) {\n";
    out += "      const " + vt + " bv = " +
           (vw == 4 ? "vload4(tx, &Bs[kk][0])" : "Bs[kk][tx]") + ";\n";
    out += "      for (int r = 0; r < " + std::to_string(kRows) + "; ++r) {\n";
    out += "        acc[r] = fma((" + vt + ")(As[ty * " +
           std::to_string(kRows) + " + r][kk]), bv, acc[r]);\n";
    out += "      }\n    }\n    barrier(CLK_LOCAL_MEM_FENCE);\n  }\n";
  } else {
    out += "  for (int kq0 = 0; kq0 < " + K + "; ++kq0) {\n";
    out += "    " + vt + " bv;\n";
    for (int64_t j = 0; j < vw; ++j) {
      out += "    {\n      float b;\n";
      FailureOr<std::string> lb = loadB(
          "kq0", "n0 + tx * " + std::to_string(vw) + " + " + std::to_string(j),
          "      ");
      if (failed(lb)) {
        return failure();
      }
      out += *lb + "      bv" + (vw == 4 ? ".s" + std::to_string(j) : "") +
             " = b;\n    }\n";
    }
    out += "    for (int r = 0; r < " + std::to_string(kRows) + "; ++r) {\n";
    out += "      float a;\n";
    FailureOr<std::string> la = loadA(
        "m0 + ty * " + std::to_string(kRows) + " + r", "kq0", "      ");
    if (failed(la)) {
      return failure();
    }
    out += *la + "      acc[r] = fma((" + vt + ")(a), bv, acc[r]);\n";
    out += "    }\n  }\n";
  }

  // Store: init (+ fused producer) + acc, then the epilogue, per element.
  out += "  for (int r = 0; r < " + std::to_string(kRows) + "; ++r) {\n";
  out += "    const int mm = m0 + ty * " + std::to_string(kRows) + " + r;\n";
  out += "    if (mm >= " + M + ") {\n      break;\n    }\n";
  out += "    const float accs[" + std::to_string(vw) + "] = {";
  for (int64_t j = 0; j < vw; ++j) {
    out += (j ? ", " : "") + std::string("acc[r]") +
           (vw == 4 ? ".s" + std::to_string(j) : "");
  }
  out += "};\n";
  out += "    for (int j = 0; j < " + std::to_string(vw) + "; ++j) {\n";
  out += "      const int nn = n0 + tx * " + std::to_string(vw) + " + j;\n";
  out += "      if (nn >= " + N + ") {\n        break;\n      }\n";
  out += KernelWriter::delinearize(s.m, ranges, "mm", "      ");
  out += KernelWriter::delinearize(s.n, ranges, "nn", "      ");
  FailureOr<std::string> init = initValue(w, op, producer, dims, "      ");
  if (failed(init)) {
    return failure();
  }
  std::string result = w.fresh("r");
  out += "      const float " + result + " = " + *init + " + accs[j];\n";
  if (failed(writeEpilogue(w, op, epilogue, dims, {result}, "      "))) {
    return failure();
  }
  out += "    }\n  }\n";

  kernel.pattern =
      isa<linalg::ConvolutionOpInterface>(op.getOperation()) ? "conv" : "gemm";
  kernel.workDim = 3;
  kernel.global = {static_cast<uint64_t>((s.N + bn - 1) / bn * tx),
                   static_cast<uint64_t>((s.M + bm - 1) / bm * ty),
                   static_cast<uint64_t>(s.B)};
  kernel.local = {static_cast<uint64_t>(tx), static_cast<uint64_t>(ty), 1};
  return w.finish(kernel, "__attribute__((reqd_work_group_size(" +
                              std::to_string(tx) + ", " + std::to_string(ty) +
                              ", 1))) ");
}

} // namespace mlir::etch::opencl
