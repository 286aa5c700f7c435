//===- ModelAbi.cpp - The C ABI tables every backend's object holds -------===//
#include "etch/codegen/Common/ModelAbi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"

namespace mlir::etch {

namespace {
constexpr uint32_t kAbiVersion = 2; // ETCH_ABI_VERSION
} // namespace

ModelAbiBuilder::ModelAbiBuilder(llvm::Module &module,
                                 const ModelSignature &sig)
    : module(module), ctx(module.getContext()), sig(sig),
      layout(module.getDataLayout()) {
  ptrTy = llvm::PointerType::getUnqual(ctx);
  i32Ty = llvm::Type::getInt32Ty(ctx);
  i64Ty = llvm::Type::getInt64Ty(ctx);
  sizeTy = layout.getIntPtrType(ctx);
  // etch_tensor_desc_t {name, dtype, rank, shape, scale, zero_point}
  descTy = llvm::StructType::create(
      ctx, {ptrTy, i32Ty, i32Ty, ptrTy, llvm::Type::getFloatTy(ctx), i32Ty},
      "etch_tensor_desc_t");
  // etch_model_t {abi_version, name, num_inputs, num_outputs, inputs,
  //               outputs, arena_size, arena_align, run, max_threads}
  modelTy = llvm::StructType::create(
      ctx,
      {i32Ty, ptrTy, i32Ty, i32Ty, ptrTy, ptrTy, sizeTy, sizeTy, ptrTy, i32Ty},
      "etch_model_t");
}

llvm::Constant *ModelAbiBuilder::cString(llvm::StringRef text,
                                         const llvm::Twine &symbol) {
  llvm::Constant *init = llvm::ConstantDataArray::getString(ctx, text);
  auto *global = new llvm::GlobalVariable(
      module, init->getType(), /*isConstant=*/true,
      llvm::GlobalValue::PrivateLinkage, init, symbol);
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  global->setAlignment(llvm::Align(1));
  return global;
}

llvm::Constant *
ModelAbiBuilder::constantArray(llvm::Type *elem,
                               llvm::ArrayRef<llvm::Constant *> elements,
                               const llvm::Twine &symbol) {
  if (elements.empty()) {
    return llvm::ConstantPointerNull::get(ptrTy);
  }
  auto *arrTy = llvm::ArrayType::get(elem, elements.size());
  return new llvm::GlobalVariable(module, arrTy, /*isConstant=*/true,
                                  llvm::GlobalValue::PrivateLinkage,
                                  llvm::ConstantArray::get(arrTy, elements),
                                  symbol);
}

llvm::Constant *
ModelAbiBuilder::descTable(const std::vector<TensorInfo> &tensors,
                           llvm::StringRef kind) {
  std::vector<llvm::Constant *> descs;
  for (auto [i, t] : llvm::enumerate(tensors)) {
    std::string prefix = (sig.name + "_" + kind + "_" + llvm::Twine(i)).str();
    std::vector<llvm::Constant *> dims;
    for (int64_t d : t.shape) {
      dims.push_back(llvm::ConstantInt::get(i64Ty, d));
    }
    descs.push_back(llvm::ConstantStruct::get(
        descTy, {cString(t.name, prefix + "_name"),
                 llvm::ConstantInt::get(i32Ty, t.dtype),
                 llvm::ConstantInt::get(i32Ty, t.shape.size()),
                 constantArray(i64Ty, dims, prefix + "_shape"),
                 llvm::ConstantFP::get(llvm::Type::getFloatTy(ctx), 0.0),
                 llvm::ConstantInt::get(i32Ty, 0)}));
  }
  return constantArray(descTy, descs, sig.name + "_" + kind + "_descs");
}

void ModelAbiBuilder::buildModel(llvm::Function *runImpl, uint64_t arenaSize,
                                 uint64_t arenaAlign) {
  llvm::Constant *init = llvm::ConstantStruct::get(
      modelTy,
      {llvm::ConstantInt::get(i32Ty, kAbiVersion),
       cString(sig.name, sig.name + "_name"),
       llvm::ConstantInt::get(i32Ty, sig.inputs.size()),
       llvm::ConstantInt::get(i32Ty, sig.outputs.size()),
       descTable(sig.inputs, "input"), descTable(sig.outputs, "output"),
       llvm::ConstantInt::get(sizeTy, arenaSize),
       llvm::ConstantInt::get(sizeTy, arenaAlign), runImpl,
       llvm::ConstantInt::get(i32Ty, sig.threads)});
  new llvm::GlobalVariable(module, modelTy, /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, init,
                           sig.name + "_model");
}

void ModelAbiBuilder::buildTypedRun(llvm::Function *runImpl) {
  size_t numIn = sig.inputs.size(), numOut = sig.outputs.size();
  std::vector<llvm::Type *> params(numIn + numOut + 1, ptrTy);
  auto *fnTy = llvm::FunctionType::get(i32Ty, params, false);
  auto *fn = llvm::Function::Create(fnTy, llvm::GlobalValue::ExternalLinkage,
                                    sig.name + "_run", module);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  for (size_t i = 0; i < numIn; ++i) {
    fn->getArg(i)->setName(sig.inputs[i].cName);
  }
  for (size_t i = 0; i < numOut; ++i) {
    fn->getArg(numIn + i)->setName(sig.outputs[i].cName);
  }
  fn->getArg(numIn + numOut)->setName("arena");

  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  auto table = [&](size_t first, size_t count) -> llvm::Value * {
    if (count == 0) {
      return llvm::ConstantPointerNull::get(ptrTy);
    }
    llvm::Value *array =
        b.CreateAlloca(llvm::ArrayType::get(ptrTy, count), nullptr);
    for (size_t i = 0; i < count; ++i) {
      b.CreateStore(fn->getArg(first + i),
                    b.CreateConstInBoundsGEP1_64(ptrTy, array, i));
    }
    return array;
  };
  llvm::Value *ins = table(0, numIn);
  llvm::Value *outs = table(numIn, numOut);
  b.CreateRet(b.CreateCall(runImpl, {ins, outs, fn->getArg(numIn + numOut)}));
}

} // namespace mlir::etch
