//===- EtchOpFolders.cpp - folders of etch graph ops ----------------------===//
//
// Simple, always-correct folds; heavier graph rewrites (BatchNorm into Conv,
// activation fusion) live in the graph passes.
//
//===----------------------------------------------------------------------===//
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::etch;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

/// Re-types a constant's data without touching the elements: dense attrs are
/// reshaped, resource attrs share the blob under the new type.
static Attribute reshapeConstant(Attribute value, ShapedType type) {
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(value)) {
    return dense.reshape(type);
  }
  if (auto resource = dyn_cast_if_present<DenseResourceElementsAttr>(value)) {
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  }
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType()) {
    return getInput();
  }
  if (!getType().hasStaticShape()) {
    return {};
  }
  if (Attribute folded = reshapeConstant(adaptor.getInput(), getType())) {
    return folded;
  }
  // reshape(reshape(x)) -> reshape(x): only the final shape matters.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
    return getInput();
  }
  if (auto splat = dyn_cast_if_present<SplatElementsAttr>(adaptor.getInput())) {
    return splat.resizeSplat(getType());
  }
  // transpose(transpose(x, p1), p2) -> transpose(x, p1[p2[i]]).
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> inner = producer.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : perm) {
      composed.push_back(inner[p]);
    }
    getInputMutable().assign(producer.getInput());
    setPerm(composed);
    return getResult();
  }
  return {};
}
