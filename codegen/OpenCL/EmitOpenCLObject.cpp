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
#include "etch/codegen/Common/ModelAbi.h"
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

constexpr uint32_t kOpenCLAbiVersion = 1; // ETCH_OPENCL_ABI_VERSION

class HostBuilder : public ModelAbiBuilder {
public:
  HostBuilder(llvm::Module &module, const ModelSignature &sig,
              const OpenCLProgram &program)
      : ModelAbiBuilder(module, sig), program(program) {
    auto *dims = llvm::ArrayType::get(i64Ty, 3);
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
    // The host arena is unused: intermediates live on the device.
    buildModel(runImpl, /*arenaSize=*/0, /*arenaAlign=*/1);
    buildTypedRun(runImpl);
  }

private:
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
           constantArray(i32Ty, args, sig.name + "_kargs_" + llvm::Twine(i)),
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
         constantArray(kernelTy, kernels, sig.name + "_cl_kernels"), weights,
         llvm::ConstantInt::get(i64Ty, program.weights.size()),
         llvm::ConstantInt::get(i64Ty, program.arenaSize),
         llvm::ConstantInt::get(i32Ty, sig.inputs.size()),
         llvm::ConstantInt::get(i32Ty, sig.outputs.size()),
         constantArray(i64Ty, inBytes, sig.name + "_cl_input_bytes"),
         constantArray(i64Ty, outBytes, sig.name + "_cl_output_bytes"),
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

  const OpenCLProgram &program;
  llvm::StructType *kernelTy, *programTy;
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
