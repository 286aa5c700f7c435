//===- OpenCLProgram.cpp - The planned @main as one OpenCL program --------===//
//
// Walks the memory-planned entry function in order. View ops (view, subview,
// reshapes, get_global) produce no code: kernels address their device buffer
// directly. Each linalg root op and the elementwise ops that consume its
// results right after it become one kernel (GEMM, convolution or depthwise
// patterns where they match, the generic one otherwise); memref.copy a copy
// kernel. Kernels run in order on one in-order queue, so the planner's buffer
// reuse stays valid.
//
//===----------------------------------------------------------------------===//
#include "OpenCLKernelWriter.h"

#include "etch/codegen/OpenCL/OpenCL.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlir::etch::opencl {

namespace {

/// The presets: 1-D work-group, GEMM/conv work-group (x, y), vector width,
/// local memory, tile_k.
const DevicePreset kPresets[] = {
    // Adreno 6xx: 64-wide waves, 32 KiB local memory.
    {"adreno640", 64, 8, 8, 4, true, 16},
    // Adreno 7xx: 128-wide waves; larger work-groups keep them full.
    {"adreno740", 128, 16, 8, 4, true, 16},
    // Bifrost: 8-wide warps, local memory is ordinary (cached) memory.
    {"mali-g76", 64, 8, 4, 4, false, 8},
    // Valhall: 16-wide warps, still no dedicated local memory.
    {"mali-g710", 128, 16, 4, 4, false, 8},
    // What no device is tuned for.
    {"generic", 64, 8, 8, 4, true, 16},
};

} // namespace

std::optional<DevicePreset> lookupDevicePreset(llvm::StringRef name) {
  for (const DevicePreset &p : kPresets) {
    if (p.name == name) {
      return p;
    }
  }
  return std::nullopt;
}

std::string listDevicePresets() {
  std::string names;
  for (const DevicePreset &p : kPresets) {
    names += (names.empty() ? "" : ", ") + p.name;
  }
  return names;
}

namespace {

/// Ops that only name memory: no kernel.
bool isViewLike(Operation &op) {
  return isa<memref::ViewOp, memref::SubViewOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp, memref::CastOp, memref::ReinterpretCastOp,
             memref::GetGlobalOp, memref::AssumeAlignmentOp, arith::ConstantOp,
             func::ReturnOp>(op);
}

bool overlaps(const BufferView &a, const BufferView &b) {
  return a.slot == b.slot && a.beginByte() < b.endByte() &&
         b.beginByte() < a.endByte();
}

/// Whether `next` can be applied to each result of `root` inside root's
/// kernel: elementwise over exactly root's output space, reading root's
/// result at the same element, and racing with no other work-item.
bool canFuseEpilogue(BufferResolver &buffers, linalg::LinalgOp root,
                     llvm::ArrayRef<linalg::LinalgOp> chain,
                     linalg::LinalgOp next) {
  if (root.getNumDpsInits() != 1 || next.getNumDpsInits() != 1 ||
      next.getNumParallelLoops() != next.getNumLoops() ||
      !next.hasPureBufferSemantics()) {
    return false;
  }
  // Produced values the next op may read in place.
  llvm::SmallVector<Value> produced = {root.getDpsInits()[0]};
  for (linalg::LinalgOp op : chain) {
    produced.push_back(op.getDpsInits()[0]);
  }
  auto rootOut = cast<MemRefType>(produced.front().getType());
  if (next.getStaticLoopRanges() !=
      llvm::SmallVector<int64_t>(rootOut.getShape())) {
    return false;
  }
  OpOperand *nextInit = next.getDpsInitOperand(0);
  if (!next.getMatchingIndexingMap(nextInit).isIdentity()) {
    return false;
  }
  bool readsProduced = false;
  llvm::SmallVector<BufferView> otherInputs;
  for (OpOperand *input : next.getDpsInputOperands()) {
    if (llvm::is_contained(produced, input->get())) {
      if (!next.getMatchingIndexingMap(input).isIdentity()) {
        return false;
      }
      readsProduced = true;
      continue;
    }
    if (!isa<MemRefType>(input->get().getType())) {
      continue;
    }
    FailureOr<BufferView> v = buffers.resolve(input->get(), next);
    if (failed(v)) {
      return false;
    }
    otherInputs.push_back(*v);
  }
  // An in-place op (a clamp written back over the result) reads it through
  // its init.
  if (llvm::is_contained(produced, nextInit->get()) &&
      !next.getBlock()->getArgument(nextInit->getOperandNumber()).use_empty()) {
    readsProduced = true;
  }
  if (!readsProduced) {
    return false;
  }
  FailureOr<BufferView> out = buffers.resolve(nextInit->get(), next);
  if (failed(out)) {
    return false;
  }
  bool inPlace = llvm::is_contained(produced, nextInit->get());
  // Other work-items still read root's inputs and the chain's other inputs,
  // and may write the produced buffers: the new output may alias none of
  // them (unless it is one of the produced buffers, element for element).
  llvm::SmallVector<BufferView> hazards = otherInputs;
  for (OpOperand *input : root.getDpsInputOperands()) {
    if (isa<MemRefType>(input->get().getType())) {
      FailureOr<BufferView> v = buffers.resolve(input->get(), root);
      if (failed(v)) {
        return false;
      }
      hazards.push_back(*v);
    }
  }
  for (linalg::LinalgOp op : chain) {
    for (OpOperand *input : op.getDpsInputOperands()) {
      if (isa<MemRefType>(input->get().getType()) &&
          !llvm::is_contained(produced, input->get())) {
        FailureOr<BufferView> v = buffers.resolve(input->get(), op);
        if (failed(v)) {
          return false;
        }
        hazards.push_back(*v);
      }
    }
  }
  for (Value p : produced) {
    FailureOr<BufferView> v = buffers.resolve(p, root);
    if (failed(v)) {
      return false;
    }
    // Other inputs must not read what this kernel writes.
    for (const BufferView &in : otherInputs) {
      if (overlaps(in, *v)) {
        return false;
      }
    }
    if (!inPlace && overlaps(*out, *v)) {
      return false;
    }
  }
  for (const BufferView &h : hazards) {
    if (overlaps(*out, h)) {
      return false;
    }
  }
  return true;
}

/// Whether `producer`, which writes all of `root`'s init right before it,
/// can be computed per element inside root's kernel instead (the bias
/// broadcast or zero fill of a convolution or GEMM).
bool canFuseProducer(BufferResolver &buffers, linalg::LinalgOp producer,
                     linalg::LinalgOp root) {
  if (producer.getNumDpsInits() != 1 || root.getNumDpsInits() != 1 ||
      producer.getNumParallelLoops() != producer.getNumLoops() ||
      producer.getDpsInits()[0] != root.getDpsInits()[0] ||
      !producer.hasPureBufferSemantics()) {
    return false;
  }
  OpOperand *init = producer.getDpsInitOperand(0);
  if (!producer.getMatchingIndexingMap(init).isIdentity() ||
      !producer.getBlock()->getArgument(init->getOperandNumber()).use_empty()) {
    return false;
  }
  auto type = cast<MemRefType>(init->get().getType());
  if (producer.getStaticLoopRanges() !=
      llvm::SmallVector<int64_t>(type.getShape())) {
    return false;
  }
  FailureOr<BufferView> out = buffers.resolve(init->get(), producer);
  if (failed(out)) {
    return false;
  }
  // Root's work-items write its output while others still read the
  // producer's inputs.
  for (OpOperand *input : producer.getDpsInputOperands()) {
    if (!isa<MemRefType>(input->get().getType())) {
      continue;
    }
    FailureOr<BufferView> v = buffers.resolve(input->get(), producer);
    if (failed(v) || overlaps(*v, *out)) {
      return false;
    }
  }
  return true;
}

std::string kernelName(unsigned index, Operation *op) {
  std::string opName = op->getName().stripDialect().str();
  for (char &c : opName) {
    if (!llvm::isAlnum(c)) {
      c = '_';
    }
  }
  return "k" + std::to_string(index) + "_" + opName;
}

} // namespace

static FailureOr<OpenCLProgram> buildProgram(ModuleOp module,
                                             const OpenCLOptions &options,
                                             llvm::StringRef entryName) {
  auto func = module.lookupSymbol<func::FuncOp>(entryName);
  if (!func || func.isExternal()) {
    return module.emitError() << "no entry function '" << entryName << "'";
  }
  OpenCLProgram program;
  program.needsFP16 = options.fp16;
  if (auto size = func->getAttrOfType<IntegerAttr>("etch.arena_size")) {
    program.arenaSize = size.getInt();
  }
  BufferResolver buffers;
  if (failed(buffers.init(func, program))) {
    return failure();
  }
  program.source = programPrologue(options);

  if (!func.getBody().hasOneBlock()) {
    return func.emitError() << "OpenCL programs need a straight-line @main";
  }
  Block &block = func.getBody().front();
  llvm::SmallVector<Operation *> ops;
  for (Operation &op : block) {
    if (!isViewLike(op)) {
      ops.push_back(&op);
    }
  }
  linalg::LinalgOp producer = nullptr;
  for (size_t i = 0; i < ops.size(); ++i) {
    Operation *op = ops[i];
    OpenCLKernel kernel;
    KernelWriter writer(buffers, options,
                        kernelName(program.kernels.size(), op));
    FailureOr<std::string> source;
    if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      if (cast<MemRefType>(copy.getTarget().getType()).getNumElements() == 0) {
        continue;
      }
      source = writeCopyKernel(writer, op, kernel);
    } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (!linalgOp.hasPureBufferSemantics()) {
        return op->emitError() << "OpenCL kernels need bufferized linalg ops";
      }
      llvm::SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
      if (llvm::is_contained(ranges, 0)) {
        continue;
      }
      // Softmax's six ops as one kernel, one work-group per row.
      size_t consumed = 0;
      KernelWriter softmax(buffers, options,
                           "k" + std::to_string(program.kernels.size()) +
                               "_softmax");
      source = producer ? FailureOr<std::string>(failure())
                        : writeSoftmaxKernel(softmax, ops, i, kernel, consumed);
      if (succeeded(source) || !kernel.pattern.empty()) {
        if (failed(source)) {
          return failure();
        }
        i += consumed - 1;
        program.source += "\n" + *source;
        program.kernels.push_back(std::move(kernel));
        continue;
      }
      // An op that only initializes the next op's output runs inside it.
      if (i + 1 < ops.size()) {
        auto next = dyn_cast<linalg::LinalgOp>(ops[i + 1]);
        if (next && next.hasPureBufferSemantics() &&
            canFuseProducer(buffers, linalgOp, next)) {
          producer = linalgOp;
          continue;
        }
      }
      llvm::SmallVector<linalg::LinalgOp> epilogue;
      while (i + 1 < ops.size()) {
        auto next = dyn_cast<linalg::LinalgOp>(ops[i + 1]);
        if (!next || !canFuseEpilogue(buffers, linalgOp, epilogue, next)) {
          break;
        }
        epilogue.push_back(next);
        ++i;
      }
      // The first pattern that matches; failure() with an empty pattern is
      // "not mine", and each try starts from a fresh writer.
      using Pattern = FailureOr<std::string> (*)(
          KernelWriter &, linalg::LinalgOp, linalg::LinalgOp,
          llvm::ArrayRef<linalg::LinalgOp>, OpenCLKernel &);
      for (Pattern pattern :
           {&writeGemmKernel, &writeReductionKernel, &writeGenericKernel}) {
        KernelWriter attempt(buffers, options, writer.kernelName());
        source = pattern(attempt, linalgOp, producer, epilogue, kernel);
        if (succeeded(source) || !kernel.pattern.empty()) {
          break;
        }
      }
      producer = nullptr;
    } else {
      return op->emitError() << "the OpenCL backend cannot run '"
                             << op->getName() << "'";
    }
    if (failed(source)) {
      return failure();
    }
    program.source += "\n" + *source;
    program.kernels.push_back(std::move(kernel));
  }
  return program;
}

FailureOr<OpenCLProgram> buildOpenCLProgram(ModuleOp module,
                                            const OpenCLOptions &options,
                                            llvm::StringRef entryName) {
  if (!options.fp16) {
    return buildProgram(module, options, entryName);
  }
  // The fp32 program first: the runtime builds it on devices without
  // cl_khr_fp16, under the same launch sequence.
  OpenCLOptions fp32Options = options;
  fp32Options.fp16 = false;
  FailureOr<OpenCLProgram> fp32 = buildProgram(module, fp32Options, entryName);
  if (failed(fp32)) {
    return failure();
  }
  FailureOr<OpenCLProgram> fp16 = buildProgram(module, options, entryName);
  if (failed(fp16)) {
    return failure();
  }
  auto launch = [](const OpenCLKernel &k) {
    return std::tie(k.name, k.args, k.workDim, k.global, k.local);
  };
  if (fp16->kernels.size() != fp32->kernels.size() ||
      !llvm::all_of(llvm::zip(fp16->kernels, fp32->kernels), [&](auto pair) {
        return launch(std::get<0>(pair)) == launch(std::get<1>(pair));
      })) {
    return module.emitError()
           << "internal error: the fp16 and fp32 OpenCL programs launch "
              "different kernels";
  }
  fp16->fp32Source = std::move(fp32->source);
  return fp16;
}

} // namespace mlir::etch::opencl
