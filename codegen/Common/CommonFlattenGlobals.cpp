//===- CommonFlattenGlobals.cpp - 1-D, aligned constant globals -----------===//
//
// The MLIR -> LLVM IR translation turns an n-D initializer into nested
// arrays with one ConstantDataArray per innermost row; with rank-1 globals it
// is one raw ConstantDataArray, built from the blob without per-element
// work. That keeps compile time flat in the number of weights.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/StringMap.h"

#define DEBUG_TYPE "etch-common-flatten-globals"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONFLATTENGLOBALSPASS
#include "codegen/Common/Passes.h.inc"

namespace {

constexpr uint64_t kGlobalAlignment = 64;

struct CommonFlattenGlobalsPass
    : public impl::CommonFlattenGlobalsPassBase<CommonFlattenGlobalsPass> {
  using Base::Base;
  void runOnOperation() override;
};

} // namespace

/// The initializer `value` re-typed as `flatType`, or null if it cannot be
/// done without copying element data.
static Attribute flattenInitializer(Attribute value,
                                    RankedTensorType flatType) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    return dense.reshape(flatType);
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    return DenseResourceElementsAttr::get(flatType, resource.getRawHandle());
  }
  return {};
}

void CommonFlattenGlobalsPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  Builder b(ctx);

  // Old type of every global that was flattened, by name.
  llvm::StringMap<MemRefType> flattened;
  for (auto global : module.getOps<memref::GlobalOp>()) {
    if (!global.getConstant()) {
      continue;
    }
    if (global.getAlignment().value_or(0) < kGlobalAlignment) {
      global.setAlignment(kGlobalAlignment);
    }
    MemRefType type = global.getType();
    std::optional<Attribute> init = global.getInitialValue();
    if (type.getRank() < 2 || !type.hasStaticShape() ||
        !type.getLayout().isIdentity() || !init || !*init) {
      continue;
    }
    auto flatTensor =
        RankedTensorType::get({type.getNumElements()}, type.getElementType());
    Attribute flatInit = flattenInitializer(*init, flatTensor);
    if (!flatInit) {
      continue;
    }
    auto flatType = MemRefType::get({type.getNumElements()},
                                    type.getElementType(), MemRefLayoutAttrInterface(),
                                    type.getMemorySpace());
    global.setType(flatType);
    global.setInitialValueAttr(flatInit);
    flattened[global.getSymName()] = type;
  }
  if (flattened.empty()) {
    return;
  }

  module.walk([&](memref::GetGlobalOp get) {
    auto it = flattened.find(get.getName());
    if (it == flattened.end()) {
      return;
    }
    MemRefType oldType = it->second;
    OpBuilder builder(get);
    auto flatType = MemRefType::get({oldType.getNumElements()},
                                    oldType.getElementType(),
                                    MemRefLayoutAttrInterface(),
                                    oldType.getMemorySpace());
    Value flat = memref::GetGlobalOp::create(builder, get.getLoc(), flatType,
                                             get.getName());
    ReassociationIndices all;
    for (int64_t d = 0; d < oldType.getRank(); ++d) {
      all.push_back(d);
    }
    Value expanded = memref::ExpandShapeOp::create(
        builder, get.getLoc(), oldType.getShape(), flat,
        ArrayRef<ReassociationIndices>{all});
    get.getResult().replaceAllUsesWith(expanded);
    get.erase();
  });
}

} // namespace mlir::etch
