//===- EmitOpenCLObject.cpp - Host object of an OpenCL model --------------===//
//
// The object holds the program as data (runtime/opencl/include/etch/
// etch_opencl.h, `etch_cl_program_t`: kernel source, launch table, weight
// blob, tensor sizes) and the C ABI around it, written with IRBuilder for
// the host triple:
//
//   static etch_cl_state_t *NAME_cl_state;
//   etch_status_t NAME_init(const char *device);  // etch_cl_init
//   void NAME_release(void);                      // etch_cl_release
//   static etch_status_t NAME_run_impl(const void *const *inputs,
//                                      void *const *outputs, void *arena);
//   const etch_model_t NAME_model = {..., 0 /* arena: on the device */, ...};
//   etch_status_t NAME_run(const float *in0, ..., float *out0, ..., void *);
//
// `run` initializes on first use (the default device) when `init` was not
// called, so harnesses written for CPU objects run OpenCL objects unchanged.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/OpenCL/OpenCL.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace mlir::etch::opencl {

namespace {

constexpr uint32_t kAbiVersion = 1;       // ETCH_ABI_VERSION
constexpr uint32_t kOpenCLAbiVersion = 1; // ETCH_OPENCL_ABI_VERSION

class HostBuilder {
public:
  HostBuilder(llvm::Module &module, const ModelSignature &sig,
              const OpenCLProgram &program)
      : module(module), ctx(module.getContext()), sig(sig), program(program),
        layout(module.getDataLayout()) {
    ptrTy = llvm::PointerType::getUnqual(ctx);
    i32Ty = llvm::Type::getInt32Ty(ctx);
    i64Ty = llvm::Type::getInt64Ty(ctx);
    sizeTy = layout.getIntPtrType(ctx);
    auto *dims = llvm::ArrayType::get(i64Ty, 3);
    descTy = llvm::StructType::create(
        ctx, {ptrTy, i32Ty, i32Ty, ptrTy, llvm::Type::getFloatTy(ctx), i32Ty},
        "etch_tensor_desc_t");
    modelTy = llvm::StructType::create(
        ctx, {i32Ty, ptrTy, i32Ty, i32Ty, ptrTy, ptrTy, sizeTy, sizeTy, ptrTy},
        "etch_model_t");
    // etch_cl_kernel_t {name, args, num_args, work_dim, global, local}
    kernelTy = llvm::StructType::create(
        ctx, {ptrTy, ptrTy, i32Ty, i32Ty, dims, dims}, "etch_cl_kernel_t");
    // etch_cl_program_t {abi_version, num_kernels, name, source,
    //   build_options, kernels, weights, weights_size, arena_size,
    //   num_inputs, num_outputs, input_bytes, output_bytes, needs_fp16,
    //   reserved}
    programTy = llvm::StructType::create(
        ctx,
        {i32Ty, i32Ty, ptrTy, ptrTy, ptrTy, ptrTy, ptrTy, i64Ty, i64Ty, i32Ty,
         i32Ty, ptrTy, ptrTy, i32Ty, i32Ty},
        "etch_cl_program_t");
  }

  void build() {
    llvm::GlobalVariable *prog = buildProgram();
    auto *state = new llvm::GlobalVariable(
        module, ptrTy, false, llvm::GlobalValue::InternalLinkage,
        llvm::ConstantPointerNull::get(ptrTy), sig.name + "_cl_state");
    buildInit(prog, state);
    buildRelease(state);
    llvm::Function *runImpl = buildRunImpl(prog, state);
    buildModel(runImpl);
    buildTypedRun(runImpl);
  }

private:
  llvm::Constant *cString(llvm::StringRef text, const llvm::Twine &symbol) {
    llvm::Constant *init = llvm::ConstantDataArray::getString(ctx, text);
    auto *global = new llvm::GlobalVariable(
        module, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init,
        symbol);
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    global->setAlignment(llvm::Align(1));
    return global;
  }

  llvm::Constant *array(llvm::Type *elem, llvm::ArrayRef<llvm::Constant *> xs,
                        const llvm::Twine &symbol) {
    if (xs.empty()) {
      return llvm::ConstantPointerNull::get(ptrTy);
    }
    auto *arrTy = llvm::ArrayType::get(elem, xs.size());
    return new llvm::GlobalVariable(module, arrTy, true,
                                    llvm::GlobalValue::PrivateLinkage,
                                    llvm::ConstantArray::get(arrTy, xs), symbol);
  }

  llvm::Constant *dims(const std::array<uint64_t, 3> &v) {
    auto *arrTy = llvm::ArrayType::get(i64Ty, 3);
    return llvm::ConstantArray::get(
        arrTy, {llvm::ConstantInt::get(i64Ty, v[0]),
                llvm::ConstantInt::get(i64Ty, v[1]),
                llvm::ConstantInt::get(i64Ty, v[2])});
  }

  static uint64_t tensorBytes(const TensorInfo &t) {
    static const uint64_t sizes[] = {4, 2, 2, 1, 1, 2, 4, 8, 1, 8, 2, 4, 8};
    uint64_t n = t.dtype >= 0 && t.dtype < 13 ? sizes[t.dtype] : 1;
    for (int64_t d : t.shape) {
      n *= d;
    }
    return n;
  }

  llvm::GlobalVariable *buildProgram() {
    std::vector<llvm::Constant *> kernels;
    for (auto [i, k] : llvm::enumerate(program.kernels)) {
      std::vector<llvm::Constant *> args;
      for (uint32_t slot : k.args) {
        args.push_back(llvm::ConstantInt::get(i32Ty, slot));
      }
      kernels.push_back(llvm::ConstantStruct::get(
          kernelTy,
          {cString(k.name, sig.name + "_kname_" + llvm::Twine(i)),
           array(i32Ty, args, sig.name + "_kargs_" + llvm::Twine(i)),
           llvm::ConstantInt::get(i32Ty, k.args.size()),
           llvm::ConstantInt::get(i32Ty, k.workDim), dims(k.global),
           dims(k.local)}));
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
    std::vector<llvm::Constant *> inBytes, outBytes;
    for (const TensorInfo &t : sig.inputs) {
      inBytes.push_back(llvm::ConstantInt::get(i64Ty, tensorBytes(t)));
    }
    for (const TensorInfo &t : sig.outputs) {
      outBytes.push_back(llvm::ConstantInt::get(i64Ty, tensorBytes(t)));
    }
    llvm::Constant *init = llvm::ConstantStruct::get(
        programTy,
        {llvm::ConstantInt::get(i32Ty, kOpenCLAbiVersion),
         llvm::ConstantInt::get(i32Ty, program.kernels.size()),
         cString(sig.name, sig.name + "_cl_name"),
         cString(program.source, sig.name + "_cl_source"),
         cString("-cl-std=CL1.2", sig.name + "_cl_options"),
         array(kernelTy, kernels, sig.name + "_cl_kernels"), weights,
         llvm::ConstantInt::get(i64Ty, program.weights.size()),
         llvm::ConstantInt::get(i64Ty, program.arenaSize),
         llvm::ConstantInt::get(i32Ty, sig.inputs.size()),
         llvm::ConstantInt::get(i32Ty, sig.outputs.size()),
         array(i64Ty, inBytes, sig.name + "_cl_input_bytes"),
         array(i64Ty, outBytes, sig.name + "_cl_output_bytes"),
         llvm::ConstantInt::get(i32Ty, program.needsFP16 ? 1 : 0),
         llvm::ConstantInt::get(i32Ty, 0)});
    return new llvm::GlobalVariable(module, programTy, true,
                                    llvm::GlobalValue::InternalLinkage, init,
                                    sig.name + "_cl_program");
  }

  llvm::FunctionCallee runtime(llvm::StringRef name, llvm::Type *result,
                               llvm::ArrayRef<llvm::Type *> params) {
    return module.getOrInsertFunction(
        name, llvm::FunctionType::get(result, params, false));
  }

  void buildInit(llvm::GlobalVariable *prog, llvm::GlobalVariable *state) {
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(i32Ty, {ptrTy}, false),
        llvm::GlobalValue::ExternalLinkage, sig.name + "_init", module);
    fn->getArg(0)->setName("device");
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    b.CreateRet(b.CreateCall(
        runtime("etch_cl_init", i32Ty, {ptrTy, ptrTy, ptrTy}),
        {prog, fn->getArg(0), state}));
  }

  void buildRelease(llvm::GlobalVariable *state) {
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {}, false),
        llvm::GlobalValue::ExternalLinkage, sig.name + "_release", module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    b.CreateCall(runtime("etch_cl_release", llvm::Type::getVoidTy(ctx),
                         {ptrTy}),
                 {b.CreateLoad(ptrTy, state)});
    b.CreateStore(llvm::ConstantPointerNull::get(ptrTy), state);
    b.CreateRetVoid();
  }

  llvm::Function *buildRunImpl(llvm::GlobalVariable *prog,
                               llvm::GlobalVariable *state) {
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(i32Ty, {ptrTy, ptrTy, ptrTy}, false),
        llvm::GlobalValue::InternalLinkage, sig.name + "_run_impl", module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    // The runtime checks the tables (null, null entries) and initializes
    // lazily; the host arena is unused (intermediates live on the device).
    b.CreateRet(b.CreateCall(
        runtime("etch_cl_model_run", i32Ty, {ptrTy, ptrTy, ptrTy, ptrTy}),
        {prog, state, fn->getArg(0), fn->getArg(1)}));
    return fn;
  }

  llvm::Constant *descTable(const std::vector<TensorInfo> &tensors,
                            llvm::StringRef kind) {
    std::vector<llvm::Constant *> descs;
    for (auto [i, t] : llvm::enumerate(tensors)) {
      std::string prefix = (sig.name + "_" + kind + "_" + llvm::Twine(i)).str();
      std::vector<llvm::Constant *> shape;
      for (int64_t d : t.shape) {
        shape.push_back(llvm::ConstantInt::get(i64Ty, d));
      }
      descs.push_back(llvm::ConstantStruct::get(
          descTy, {cString(t.name, prefix + "_name"),
                   llvm::ConstantInt::get(i32Ty, t.dtype),
                   llvm::ConstantInt::get(i32Ty, t.shape.size()),
                   array(i64Ty, shape, prefix + "_shape"),
                   llvm::ConstantFP::get(llvm::Type::getFloatTy(ctx), 0.0),
                   llvm::ConstantInt::get(i32Ty, 0)}));
    }
    return array(descTy, descs, sig.name + "_" + kind + "_descs");
  }

  void buildModel(llvm::Function *runImpl) {
    llvm::Constant *init = llvm::ConstantStruct::get(
        modelTy,
        {llvm::ConstantInt::get(i32Ty, kAbiVersion),
         cString(sig.name, sig.name + "_name"),
         llvm::ConstantInt::get(i32Ty, sig.inputs.size()),
         llvm::ConstantInt::get(i32Ty, sig.outputs.size()),
         descTable(sig.inputs, "input"), descTable(sig.outputs, "output"),
         llvm::ConstantInt::get(sizeTy, 0), llvm::ConstantInt::get(sizeTy, 1),
         runImpl});
    new llvm::GlobalVariable(module, modelTy, true,
                             llvm::GlobalValue::ExternalLinkage, init,
                             sig.name + "_model");
  }

  void buildTypedRun(llvm::Function *runImpl) {
    size_t numIn = sig.inputs.size(), numOut = sig.outputs.size();
    std::vector<llvm::Type *> params(numIn + numOut + 1, ptrTy);
    auto *fn = llvm::Function::Create(
        llvm::FunctionType::get(i32Ty, params, false),
        llvm::GlobalValue::ExternalLinkage, sig.name + "_run", module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    auto table = [&](size_t first, size_t count) -> llvm::Value * {
      if (count == 0) {
        return llvm::ConstantPointerNull::get(ptrTy);
      }
      llvm::Value *arr =
          b.CreateAlloca(llvm::ArrayType::get(ptrTy, count), nullptr);
      for (size_t i = 0; i < count; ++i) {
        b.CreateStore(fn->getArg(first + i),
                      b.CreateConstInBoundsGEP1_64(ptrTy, arr, i));
      }
      return arr;
    };
    llvm::Value *ins = table(0, numIn);
    llvm::Value *outs = table(numIn, numOut);
    b.CreateRet(
        b.CreateCall(runImpl, {ins, outs, fn->getArg(numIn + numOut)}));
  }

  llvm::Module &module;
  llvm::LLVMContext &ctx;
  const ModelSignature &sig;
  const OpenCLProgram &program;
  const llvm::DataLayout &layout;
  llvm::PointerType *ptrTy;
  llvm::IntegerType *i32Ty, *i64Ty, *sizeTy;
  llvm::StructType *descTy, *modelTy, *kernelTy, *programTy;
};

} // namespace

LogicalResult emitOpenCLObject(ModuleOp module, const OpenCLProgram &program,
                               const ModelSignature &signature,
                               llvm::TargetMachine &tm,
                               llvm::SmallVectorImpl<char> &object) {
  llvm::LLVMContext ctx;
  llvm::Module llvmModule(signature.name, ctx);
  llvmModule.setTargetTriple(tm.getTargetTriple());
  llvmModule.setDataLayout(tm.createDataLayout());
  HostBuilder(llvmModule, signature, program).build();
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (llvm::verifyModule(llvmModule, &os)) {
    return module.emitError() << "internal error: invalid host LLVM IR: "
                              << errors;
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
