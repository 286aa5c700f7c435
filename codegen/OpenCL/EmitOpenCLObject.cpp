//===- EmitOpenCLObject.cpp - Host object of an OpenCL model --------------===//
//
// The object holds the program as data (runtime/opencl/include/etch/
// etch_opencl.h, `etch_cl_program_t`: kernel sources and names, the weight
// blob, buffer sizes) and, as code, the host side that runs it, written with
// IRBuilder for the host triple:
//
//   static etch_cl_state_t *NAME_cl_state;
//   static etch_status_t NAME_bind(etch_cl_state_t *s) {   // once per init
//     if ((st = etch_cl_set_arg_buffer(s, 0, 0, 2))) return st;  ...
//   }
//   etch_status_t NAME_init(const char *device);  // etch_cl_init + NAME_bind
//   void NAME_release(void);                      // etch_cl_release
//   static etch_status_t NAME_run_impl(const void *const *inputs,
//                                      void *const *outputs, void *arena) {
//     // NULL tables/entries: ETCH_ERR_INVALID_ARGUMENT; init on first use
//     if ((st = etch_cl_write_input(s, 0, inputs[0]))) return st;
//     if ((st = etch_cl_enqueue(s, 0, 3, 32, 8, 1, 8, 8, 1))) return st;
//     ...
//     if ((st = etch_cl_read_output(s, 0, outputs[0]))) return st;
//     return etch_cl_finish(s);
//   }
//   const etch_model_t NAME_model = {..., 0 /* arena: on the device */, ...};
//   etch_status_t NAME_run(const float *in0, ..., float *out0, ..., void *);
//
// The launch order, bindings and NDRanges are code; the runtime keeps device
// selection, the program build and binary cache, buffers and weights.
// `run` initializes on first use (the default device) when `init` was not
// called, so harnesses written for CPU objects run OpenCL objects unchanged.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/ModelAbi.h"
#include "etch/codegen/OpenCL/OpenCL.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace mlir::etch::opencl {

namespace {

constexpr uint32_t kOpenCLAbiVersion = 2; // ETCH_OPENCL_ABI_VERSION
constexpr uint32_t kInvalidArgument = 1;  // ETCH_ERR_INVALID_ARGUMENT

/// Straight-line code whose calls return etch_status_t: each nonzero status
/// leaves through one exit block that returns it.
class StatusChain {
public:
  StatusChain(llvm::Function *fn, llvm::IRBuilder<> &b)
      : fn(fn), b(b), i32Ty(b.getInt32Ty()) {
    exit = llvm::BasicBlock::Create(fn->getContext(), "exit", fn);
    llvm::IRBuilder<> eb(exit);
    status = eb.CreatePHI(i32Ty, 4, "status");
    eb.CreateRet(status);
  }

  /// `st = callee(args); if (st) return st;`
  void call(llvm::FunctionCallee callee, llvm::ArrayRef<llvm::Value *> args) {
    returnIf(b.CreateCall(callee, args));
  }
  /// `if (st) return st;`
  void returnIf(llvm::Value *st) {
    failIf(b.CreateICmpNE(st, llvm::ConstantInt::get(i32Ty, 0)), st);
  }
  /// `if (cond) return st;`
  void failIf(llvm::Value *cond, llvm::Value *st) {
    auto *next = llvm::BasicBlock::Create(fn->getContext(), "ok", fn);
    status->addIncoming(st, b.GetInsertBlock());
    b.CreateCondBr(cond, exit, next);
    b.SetInsertPoint(next);
  }
  /// `return st;`
  void finish(llvm::Value *st) {
    status->addIncoming(st, b.GetInsertBlock());
    b.CreateBr(exit);
    exit->moveAfter(&fn->back());
  }

private:
  llvm::Function *fn;
  llvm::IRBuilder<> &b;
  llvm::IntegerType *i32Ty;
  llvm::BasicBlock *exit;
  llvm::PHINode *status;
};

class HostBuilder : public ModelAbiBuilder {
public:
  HostBuilder(llvm::Module &module, const ModelSignature &sig,
              const OpenCLProgram &program)
      : ModelAbiBuilder(module, sig), program(program) {
    // etch_cl_program_t {abi_version, num_kernels, name, source, fp32_source,
    //   build_options, kernel_names, weights, weights_size, arena_size,
    //   num_inputs, num_outputs, input_bytes, output_bytes, needs_fp16,
    //   reserved}
    programTy = llvm::StructType::create(
        ctx,
        {i32Ty, i32Ty, ptrTy, ptrTy, ptrTy, ptrTy, ptrTy, ptrTy, i64Ty, i64Ty,
         i32Ty, i32Ty, ptrTy, ptrTy, i32Ty, i32Ty},
        "etch_cl_program_t");
  }

  void build() {
    llvm::GlobalVariable *prog = buildProgram();
    auto *state = new llvm::GlobalVariable(
        module, ptrTy, false, llvm::GlobalValue::InternalLinkage,
        llvm::ConstantPointerNull::get(ptrTy), sig.name + "_cl_state");
    llvm::Function *bind = buildBind();
    llvm::Function *init = buildInit(prog, state, bind);
    buildRelease(state);
    llvm::Function *runImpl = buildRunImpl(state, init);
    // The host arena is unused: intermediates live on the device.
    buildModel(runImpl, /*arenaSize=*/0, /*arenaAlign=*/1);
    buildTypedRun(runImpl);
  }

private:
  llvm::Constant *i32(uint64_t v) { return llvm::ConstantInt::get(i32Ty, v); }
  llvm::Constant *i64(uint64_t v) { return llvm::ConstantInt::get(i64Ty, v); }

  llvm::Constant *byteSizes(const std::vector<TensorInfo> &tensors,
                            llvm::StringRef kind) {
    std::vector<llvm::Constant *> bytes;
    for (const TensorInfo &t : tensors) {
      bytes.push_back(i64(t.byteSize()));
    }
    return constantArray(i64Ty, bytes, sig.name + "_cl_" + kind + "_bytes");
  }

  llvm::GlobalVariable *buildProgram() {
    std::vector<llvm::Constant *> names;
    for (auto [i, k] : llvm::enumerate(program.kernels)) {
      names.push_back(cString(k.name, sig.name + "_kname_" + llvm::Twine(i)));
    }
    llvm::Constant *weights = llvm::ConstantPointerNull::get(ptrTy);
    if (!program.weights.empty()) {
      auto *data = llvm::ConstantDataArray::getRaw(
          llvm::StringRef(program.weights.data(), program.weights.size()),
          program.weights.size(), llvm::Type::getInt8Ty(ctx));
      auto *global = new llvm::GlobalVariable(
          module, data->getType(), true, llvm::GlobalValue::PrivateLinkage,
          data, sig.name + "_weights");
      global->setAlignment(llvm::Align(64));
      weights = global;
    }
    llvm::Constant *fp32Source =
        program.fp32Source.empty()
            ? llvm::ConstantPointerNull::get(ptrTy)
            : cString(program.fp32Source, sig.name + "_cl_fp32_source");
    llvm::Constant *init = llvm::ConstantStruct::get(
        programTy,
        {i32(kOpenCLAbiVersion), i32(program.kernels.size()),
         cString(sig.name, sig.name + "_cl_name"),
         cString(program.source, sig.name + "_cl_source"), fp32Source,
         cString("-cl-std=CL1.2", sig.name + "_cl_options"),
         constantArray(ptrTy, names, sig.name + "_cl_kernel_names"), weights,
         i64(program.weights.size()), i64(program.arenaSize),
         i32(sig.inputs.size()), i32(sig.outputs.size()),
         byteSizes(sig.inputs, "input"), byteSizes(sig.outputs, "output"),
         i32(program.needsFP16 ? 1 : 0), i32(0)});
    return new llvm::GlobalVariable(module, programTy, true,
                                    llvm::GlobalValue::InternalLinkage, init,
                                    sig.name + "_cl_program");
  }

  llvm::FunctionCallee runtime(llvm::StringRef name, llvm::Type *result,
                               llvm::ArrayRef<llvm::Type *> params) {
    return module.getOrInsertFunction(
        name, llvm::FunctionType::get(result, params, false));
  }

  llvm::Function *function(llvm::StringRef suffix,
                           llvm::ArrayRef<llvm::Type *> params,
                           llvm::GlobalValue::LinkageTypes linkage,
                           llvm::Type *result = nullptr) {
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(result ? result : i32Ty, params, false),
        linkage, sig.name + suffix, module);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    return fn;
  }

  /// Binds every kernel argument to its buffer, once per init.
  llvm::Function *buildBind() {
    llvm::Function *fn =
        function("_bind", {ptrTy}, llvm::GlobalValue::InternalLinkage);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    StatusChain chain(fn, b);
    llvm::FunctionCallee setArg =
        runtime("etch_cl_set_arg_buffer", i32Ty, {ptrTy, i32Ty, i32Ty, i32Ty});
    for (auto [k, kernel] : llvm::enumerate(program.kernels)) {
      for (auto [a, slot] : llvm::enumerate(kernel.args)) {
        chain.call(setArg, {fn->getArg(0), i32(k), i32(a), i32(slot)});
      }
    }
    chain.finish(i32(0));
    return fn;
  }

  llvm::Function *buildInit(llvm::GlobalVariable *prog,
                            llvm::GlobalVariable *state, llvm::Function *bind) {
    llvm::Function *fn =
        function("_init", {ptrTy}, llvm::GlobalValue::ExternalLinkage);
    fn->getArg(0)->setName("device");
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    StatusChain chain(fn, b);
    chain.call(runtime("etch_cl_init", i32Ty, {ptrTy, ptrTy, ptrTy}),
               {prog, fn->getArg(0), state});
    llvm::Value *st = b.CreateCall(bind, {b.CreateLoad(ptrTy, state)});
    auto *failed = llvm::BasicBlock::Create(ctx, "unbound", fn);
    auto *done = llvm::BasicBlock::Create(ctx, "bound", fn);
    b.CreateCondBr(b.CreateICmpNE(st, i32(0)), failed, done);
    b.SetInsertPoint(failed);
    releaseState(b, state);
    chain.finish(st);
    b.SetInsertPoint(done);
    chain.finish(i32(0));
    return fn;
  }

  void releaseState(llvm::IRBuilder<> &b, llvm::GlobalVariable *state) {
    b.CreateCall(runtime("etch_cl_release", llvm::Type::getVoidTy(ctx),
                         {ptrTy}),
                 {b.CreateLoad(ptrTy, state)});
    b.CreateStore(llvm::ConstantPointerNull::get(ptrTy), state);
  }

  void buildRelease(llvm::GlobalVariable *state) {
    llvm::Function *fn =
        function("_release", {}, llvm::GlobalValue::ExternalLinkage,
                 llvm::Type::getVoidTy(ctx));
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    releaseState(b, state);
    b.CreateRetVoid();
  }

  /// `if (!table || !table[0] || ...) return ETCH_ERR_INVALID_ARGUMENT;`
  void checkTable(StatusChain &chain, llvm::IRBuilder<> &b, llvm::Value *table,
                  size_t count) {
    if (count == 0) {
      return;
    }
    chain.failIf(b.CreateIsNull(table), i32(kInvalidArgument));
    for (size_t i = 0; i < count; ++i) {
      chain.failIf(b.CreateIsNull(entry(b, table, i)), i32(kInvalidArgument));
    }
  }

  llvm::Value *entry(llvm::IRBuilder<> &b, llvm::Value *table, size_t i) {
    return b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(ptrTy, table, i));
  }

  llvm::Function *buildRunImpl(llvm::GlobalVariable *state,
                               llvm::Function *init) {
    llvm::Function *fn = function("_run_impl", {ptrTy, ptrTy, ptrTy},
                                  llvm::GlobalValue::InternalLinkage);
    llvm::Value *inputs = fn->getArg(0), *outputs = fn->getArg(1);
    inputs->setName("inputs");
    outputs->setName("outputs");
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    StatusChain chain(fn, b);
    checkTable(chain, b, inputs, sig.inputs.size());
    checkTable(chain, b, outputs, sig.outputs.size());
    // Initialize with the default device on first use.
    auto *uninit = llvm::BasicBlock::Create(ctx, "init", fn);
    auto *ready = llvm::BasicBlock::Create(ctx, "ready", fn);
    b.CreateCondBr(b.CreateIsNull(b.CreateLoad(ptrTy, state)), uninit, ready);
    b.SetInsertPoint(uninit);
    chain.call(init, {llvm::ConstantPointerNull::get(ptrTy)});
    b.CreateBr(ready);
    b.SetInsertPoint(ready);
    llvm::Value *s = b.CreateLoad(ptrTy, state, "s");

    llvm::FunctionCallee write =
        runtime("etch_cl_write_input", i32Ty, {ptrTy, i32Ty, ptrTy});
    llvm::FunctionCallee enqueue = runtime(
        "etch_cl_enqueue", i32Ty,
        {ptrTy, i32Ty, i32Ty, i64Ty, i64Ty, i64Ty, i64Ty, i64Ty, i64Ty});
    llvm::FunctionCallee read =
        runtime("etch_cl_read_output", i32Ty, {ptrTy, i32Ty, ptrTy});
    for (size_t i = 0; i < sig.inputs.size(); ++i) {
      chain.call(write, {s, i32(i), entry(b, inputs, i)});
    }
    for (auto [k, kernel] : llvm::enumerate(program.kernels)) {
      chain.call(enqueue, {s, i32(k), i32(kernel.workDim),
                           i64(kernel.global[0]), i64(kernel.global[1]),
                           i64(kernel.global[2]), i64(kernel.local[0]),
                           i64(kernel.local[1]), i64(kernel.local[2])});
    }
    for (size_t o = 0; o < sig.outputs.size(); ++o) {
      chain.call(read, {s, i32(o), entry(b, outputs, o)});
    }
    chain.finish(b.CreateCall(runtime("etch_cl_finish", i32Ty, {ptrTy}), {s}));
    return fn;
  }

  const OpenCLProgram &program;
  llvm::StructType *programTy;
};

/// Sections of the emitted object: code, and read-only data split into the
/// parts the program accounts for.
LogicalResult measureObject(ModuleOp module, llvm::ArrayRef<char> object,
                            const OpenCLProgram &program,
                            OpenCLObjectSizes &sizes) {
  llvm::Expected<std::unique_ptr<llvm::object::ObjectFile>> parsed =
      llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(
          llvm::StringRef(object.data(), object.size()), "host"));
  if (!parsed) {
    return module.emitError() << "internal error: cannot read the host object: "
                              << llvm::toString(parsed.takeError());
  }
  uint64_t readOnly = 0;
  for (const llvm::object::SectionRef &section : (*parsed)->sections()) {
    auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(parsed->get());
    uint64_t flags = elf ? llvm::object::ELFSectionRef(section).getFlags() : 0;
    if (elf && !(flags & llvm::ELF::SHF_ALLOC)) {
      continue;
    }
    llvm::Expected<llvm::StringRef> name = section.getName();
    // PIC objects keep constants that hold pointers (the program
    // descriptor, the ABI tables) in .data.rel.ro: read-only after
    // relocation.
    bool relRO = name && name->starts_with(".data.rel.ro");
    if (!name) {
      llvm::consumeError(name.takeError());
    }
    if (section.isText()) {
      sizes.hostCode += section.getSize();
    } else if (!relRO && (section.isBSS() || (flags & llvm::ELF::SHF_WRITE))) {
      sizes.staticRAM += section.getSize();
    } else {
      readOnly += section.getSize();
    }
  }
  sizes.kernelSource = program.source.size() + 1;
  if (!program.fp32Source.empty()) {
    sizes.kernelSource += program.fp32Source.size() + 1;
  }
  sizes.weights = program.weights.size();
  uint64_t known = sizes.kernelSource + sizes.weights;
  sizes.otherConstants = readOnly > known ? readOnly - known : 0;
  return success();
}

/// The host module for `tm`'s triple, verified.
LogicalResult buildHostModule(ModuleOp module, const OpenCLProgram &program,
                              const ModelSignature &signature,
                              llvm::TargetMachine &tm,
                              llvm::Module &llvmModule) {
  llvmModule.setTargetTriple(tm.getTargetTriple());
  llvmModule.setDataLayout(tm.createDataLayout());
  HostBuilder(llvmModule, signature, program).build();
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (llvm::verifyModule(llvmModule, &os)) {
    return module.emitError() << "internal error: invalid host LLVM IR: "
                              << errors;
  }
  return success();
}

} // namespace

LogicalResult printOpenCLHostIR(ModuleOp module, const OpenCLProgram &program,
                                const ModelSignature &signature,
                                llvm::TargetMachine &tm,
                                llvm::raw_ostream &os) {
  llvm::LLVMContext ctx;
  llvm::Module llvmModule(signature.name, ctx);
  if (failed(buildHostModule(module, program, signature, tm, llvmModule))) {
    return failure();
  }
  llvmModule.print(os, nullptr);
  return success();
}

LogicalResult emitOpenCLObject(ModuleOp module, const OpenCLProgram &program,
                               const ModelSignature &signature,
                               llvm::TargetMachine &tm,
                               llvm::SmallVectorImpl<char> &object,
                               OpenCLObjectSizes *sizes) {
  llvm::LLVMContext ctx;
  llvm::Module llvmModule(signature.name, ctx);
  if (failed(buildHostModule(module, program, signature, tm, llvmModule))) {
    return failure();
  }
  object.clear();
  llvm::raw_svector_ostream out(object);
  llvm::legacy::PassManager codegen;
  if (tm.addPassesToEmitFile(codegen, out, nullptr,
                             llvm::CodeGenFileType::ObjectFile)) {
    return module.emitError() << "target '" << tm.getTargetTriple().str()
                              << "' cannot emit object files";
  }
  codegen.run(llvmModule);
  if (sizes) {
    *sizes = OpenCLObjectSizes();
    return measureObject(module, object, program, *sizes);
  }
  return success();
}

std::string emitOpenCLModelHeader(const ModelSignature &signature,
                                  const OpenCLProgram &program,
                                  llvm::StringRef sourceDescription) {
  // The host arena is unused: the planned arena is a device buffer.
  ModelSignature host = signature;
  host.arenaSize = 0;
  host.arenaAlign = 1;
  std::string header = emitModelHeader(host, sourceDescription);
  std::string upper = llvm::StringRef(signature.name).upper();
  std::string extra =
      "\n/* OpenCL: the model runs on an OpenCL device through "
      "libetch_runtime_opencl.a\n"
      " * (link it and -lOpenCL). The arena above is unused; intermediates "
      "live in one\n"
      " * device buffer of " +
      upper +
      "_DEVICE_ARENA_SIZE bytes, weights in another, uploaded once. */\n"
      "#define " +
      upper + "_DEVICE_ARENA_SIZE " + std::to_string(program.arenaSize) +
      "\n#define " + upper + "_KERNEL_COUNT " +
      std::to_string(program.kernels.size()) +
      "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
      "/* Picks the device, builds the program, uploads the weights. `device`:"
      " NULL (then\n * $ETCH_OPENCL_DEVICE, else the first GPU, else the "
      "first device), \"P:D\" (platform\n * and device index) or a substring "
      "of the device name. Calling it again re-initializes.\n * `run` "
      "initializes with NULL when this was not called. Not thread-safe. */\n"
      "etch_status_t " +
      signature.name +
      "_init(const char *device);\n/* Frees the device state; `run` after it "
      "initializes again. */\nvoid " +
      signature.name +
      "_release(void);\n#ifdef __cplusplus\n}\n#endif\n";
  // Before the header's closing include guard.
  size_t guard = header.rfind("#endif");
  if (guard == std::string::npos) {
    return header + extra;
  }
  return header.substr(0, guard) + extra + "\n" + header.substr(guard);
}

} // namespace mlir::etch::opencl
