//===- OpenCLKernelWriter.h - One OpenCL C kernel being written -*- C++ -*-===//
//
// The pieces every kernel pattern (generic, GEMM, conv, depthwise) shares:
// buffer arguments collected while the body is written, typed pointers to
// views, index expressions, and the scalar body of a linalg region printed as
// C statements.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_OPENCL_OPENCLKERNELWRITER_H
#define ETCH_CODEGEN_OPENCL_OPENCLKERNELWRITER_H

#include "OpenCLBuffers.h"

#include "etch/dialects/Etch/IR/EtchAttrs.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include "llvm/ADT/SetVector.h"

#include <set>
#include <string>

namespace mlir::etch::opencl {

class KernelWriter {
public:
  KernelWriter(BufferResolver &buffers, const OpenCLOptions &options,
               std::string name)
      : buffers(buffers), options(options), name(std::move(name)) {}

  /// A `__global T *pN` for the view of `memref`, declared once at the top of
  /// the kernel; returns the pointer's name and sets `view`.
  FailureOr<std::string> pointer(Value memref, Operation *user,
                                 BufferView *view = nullptr);

  /// `pN[index]`: the element of `op`'s memref `operand` at its indexing
  /// map over `dims` (in its storage type); sets `view`.
  FailureOr<std::string> element(linalg::LinalgOp op, OpOperand &operand,
                                 llvm::ArrayRef<std::string> dims,
                                 BufferView *view);

  /// `offset + sum(index[i] * stride[i])` for `view`.
  static std::string index(const BufferView &view,
                           llvm::ArrayRef<std::string> indices);

  /// `const int dL = ...;` for each loop L of `loops` (row-major, the last
  /// fastest; sizes from `ranges`) from the linear index `linear`.
  static std::string delinearize(llvm::ArrayRef<unsigned> loops,
                                 llvm::ArrayRef<int64_t> ranges,
                                 const std::string &linear,
                                 const std::string &indent);

  /// `d0`, ..., `d<n-1>`: the C names of an op's loops.
  static llvm::SmallVector<std::string> loopNames(unsigned n);

  /// Prints the ops of `block` (a linalg region, or a nested scf region) as
  /// C statements at `indent`. `values` maps the block arguments (and
  /// anything defined before) to C expressions; the yielded values' C
  /// expressions go into `yielded`.
  LogicalResult printBlock(Block &block, llvm::DenseMap<Value, std::string> &values,
                           llvm::ArrayRef<std::string> dims,
                           llvm::SmallVectorImpl<std::string> &yielded,
                           const std::string &indent);

  /// The C expression for `value` used at `user`: mapped, or a constant.
  FailureOr<std::string> use(Value value, Operation *user,
                             llvm::DenseMap<Value, std::string> &values);

  /// A fresh local name.
  std::string fresh(llvm::StringRef prefix = "v") {
    return prefix.str() + std::to_string(counter++);
  }

  /// The element type as computed in the kernel.
  std::string typeName(Type type) const {
    return clTypeName(type, options.fp16);
  }

  /// The element type `view` is stored as: with fp16, f32 intermediates (the
  /// arena) are half; weights and the model's inputs and outputs keep f32.
  std::string storageType(const BufferView &view) const {
    return clTypeName(view.elementType,
                      options.fp16 && view.slot == kArenaSlot);
  }

  /// The body being written (statements, after the pointer declarations).
  std::string &out() { return currentBody; }

  /// `__kernel void name(args) {` + pointer declarations + the body + `}`,
  /// and the argument slots in `kernel`.
  std::string finish(OpenCLKernel &kernel,
                     const std::string &attributes = "") const;

  /// Kernel name.
  const std::string &kernelName() const { return name; }
  const OpenCLOptions &opts() const { return options; }

private:
  FailureOr<std::string> printOp(Operation &op,
                                 llvm::DenseMap<Value, std::string> &values,
                                 llvm::ArrayRef<std::string> dims);

  BufferResolver &buffers;
  const OpenCLOptions &options;
  std::string name;
  std::set<uint32_t> slots;
  std::string declarations;
  std::string currentBody;
  llvm::DenseMap<Value, std::string> pointers;
  llvm::DenseMap<Value, BufferView> views;
  unsigned counter = 0;
};

/// The kernel patterns. Each returns the kernel's source and fills `kernel`,
/// or fails (with an error) when it cannot map `op`. `producer` (may be null)
/// is an elementwise op that wrote root's init right before it: its value is
/// computed in place of loading the init. `epilogue` are elementwise ops
/// fused after the root (each reads the root's output at the same element).
FailureOr<std::string> writeGenericKernel(KernelWriter &writer,
                                          linalg::LinalgOp op,
                                          linalg::LinalgOp producer,
                                          llvm::ArrayRef<linalg::LinalgOp> epilogue,
                                          OpenCLKernel &kernel);
FailureOr<std::string> writeCopyKernel(KernelWriter &writer, Operation *copy,
                                       OpenCLKernel &kernel);
/// Tiled implicit-GEMM kernels for multiply-accumulate ops (matmul, batched
/// and transposed matmul, convolution) and the depthwise kernel; failure()
/// without an error (kernel.pattern stays empty) means "not this pattern".
FailureOr<std::string> writeGemmKernel(KernelWriter &writer,
                                       linalg::LinalgOp op,
                                       linalg::LinalgOp producer,
                                       llvm::ArrayRef<linalg::LinalgOp> epilogue,
                                       OpenCLKernel &kernel);

/// Loads `operand` of `op` at its indexing map over `dims` into a fresh
/// variable of the compute type (or returns the scalar's C expression).
FailureOr<std::string> loadOperand(KernelWriter &w, linalg::LinalgOp op,
                                   OpOperand &operand,
                                   llvm::ArrayRef<std::string> dims,
                                   const std::string &indent);

/// Evaluates `op`'s region at the element `dims`: the block arguments in
/// `values` as given, the other used operands loaded; returns the yielded C
/// expressions.
FailureOr<llvm::SmallVector<std::string>>
evaluateRegion(KernelWriter &w, linalg::LinalgOp op,
               llvm::DenseMap<Value, std::string> values,
               llvm::ArrayRef<std::string> dims, const std::string &indent);

/// Stores `value` into `operand` of `op` at its indexing map over `dims`,
/// converting to the storage type.
LogicalResult storeOperand(KernelWriter &w, linalg::LinalgOp op,
                           OpOperand &operand, llvm::ArrayRef<std::string> dims,
                           const std::string &value, const std::string &indent);

/// Softmax as lowered by etch (fill, max, exp, fill, sum, divide; see
/// OpenCLReductionKernel.cpp) starting at ops[i], as one kernel with one
/// work-group per row; `consumed` is set to the number of ops it covers.
/// failure() without an error (kernel.pattern stays empty): not a softmax.
FailureOr<std::string> writeSoftmaxKernel(KernelWriter &writer,
                                          llvm::ArrayRef<Operation *> ops,
                                          size_t i, OpenCLKernel &kernel,
                                          size_t &consumed);

/// Work-group reductions: one work-group per output element, the reduced
/// elements spread over its work-items and combined in __local memory.
/// failure() without an error (kernel.pattern stays empty) means "not this
/// pattern".
FailureOr<std::string> writeReductionKernel(
    KernelWriter &writer, linalg::LinalgOp op, linalg::LinalgOp producer,
    llvm::ArrayRef<linalg::LinalgOp> epilogue, OpenCLKernel &kernel);

/// The value root's init has at the element `dims` (loop names of root):
/// loaded, or computed by `producer`'s region.
FailureOr<std::string> initValue(KernelWriter &w, linalg::LinalgOp root,
                                 linalg::LinalgOp producer,
                                 llvm::ArrayRef<std::string> dims,
                                 const std::string &indent);

/// Stores root's `results` (and runs `epilogue` on them) at root's loops
/// `rootDims`.
LogicalResult writeEpilogue(KernelWriter &w, linalg::LinalgOp root,
                            llvm::ArrayRef<linalg::LinalgOp> epilogue,
                            llvm::ArrayRef<std::string> rootDims,
                            llvm::ArrayRef<std::string> results,
                            const std::string &indent);

/// Whether `op` runs as a tiled implicit GEMM (or, with `depthwise` set, as
/// the depthwise kernel).
bool isImplicitGemm(linalg::LinalgOp op, bool &depthwise);

/// The op's `etch.gpu_schedule`, or the one the preset selects.
GPUScheduleAttr getGPUSchedule(linalg::LinalgOp op, const DevicePreset &preset);
GPUScheduleAttr selectGPUSchedule(linalg::LinalgOp op,
                                  const DevicePreset &preset);

/// Declarations every program starts with (helpers for floor division,
/// NaN-propagating min/max, ...).
std::string programPrologue(const OpenCLOptions &options);

} // namespace mlir::etch::opencl

#endif // ETCH_CODEGEN_OPENCL_OPENCLKERNELWRITER_H
