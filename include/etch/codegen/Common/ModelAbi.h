//===- ModelAbi.h - The C ABI tables every backend's object holds -*- C++ -*-===//
//
// What runtime/include/etch/etch.h describes and every object exports,
// whatever runs the model (CPU code, OpenCL kernels): the tensor descriptor
// tables, `<name>_model` and the typed `<name>_run` wrapper, both around an
// internal `<name>_run_impl(inputs, outputs, arena)` the backend builds.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_MODELABI_H
#define ETCH_CODEGEN_COMMON_MODELABI_H

#include "etch/codegen/Common/EmitObject.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Module.h"

namespace mlir::etch {

class ModelAbiBuilder {
public:
  ModelAbiBuilder(llvm::Module &module, const ModelSignature &sig);

  /// A private NUL-terminated string constant named `symbol`.
  llvm::Constant *cString(llvm::StringRef text, const llvm::Twine &symbol);
  /// A private constant array of `elem` named `symbol`; null when empty.
  llvm::Constant *constantArray(llvm::Type *elem,
                                llvm::ArrayRef<llvm::Constant *> elements,
                                const llvm::Twine &symbol);
  /// `const etch_model_t <name>_model`, whose `run` is `runImpl`.
  void buildModel(llvm::Function *runImpl, uint64_t arenaSize,
                  uint64_t arenaAlign);
  /// `etch_status_t <name>_run(in0, ..., out0, ..., arena)`: packs its
  /// pointers into the tables `runImpl` takes.
  void buildTypedRun(llvm::Function *runImpl);

protected:
  llvm::Module &module;
  llvm::LLVMContext &ctx;
  const ModelSignature &sig;
  const llvm::DataLayout &layout;
  llvm::PointerType *ptrTy;
  llvm::IntegerType *i32Ty, *i64Ty, *sizeTy;

private:
  /// `etch_tensor_desc_t <name>_<kind>_descs[]` for `tensors`.
  llvm::Constant *descTable(const std::vector<TensorInfo> &tensors,
                            llvm::StringRef kind);

  llvm::StructType *descTy, *modelTy;
};

} // namespace mlir::etch

#endif // ETCH_CODEGEN_COMMON_MODELABI_H
