//===- ByteConstants.cpp - Large weights as byte arrays --------------------===//
//
// LLVM's AsmPrinter writes a [N x float] (or any non-i8) constant element by
// element: one MC value per float, tens of seconds for a few hundred MB of
// weights, and an MC fragment that grows in small steps. An [M x i8] constant
// is written with one emitBytes. On little-endian hosts and targets both give
// the same bytes, so large resource-backed globals are retyped to byte
// arrays over the same blob (no copy) right before translation to LLVM IR.
// Code reaches globals through pointers (opaque pointers, offsets from the
// memref types), so only the global's own type changes.
//
//===----------------------------------------------------------------------===//
#include "EmitObjectInternal.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/Support/SwapByteOrder.h"

#include <algorithm>

using namespace mlir;

/// Globals from this size on are retyped (small ones are not worth it).
static constexpr int64_t kMinBytes = 4096;

void etch::detail::storeLargeConstantsAsBytes(ModuleOp module,
                                              bool targetIsLittleEndian) {
  if (!targetIsLittleEndian || !llvm::sys::IsLittleEndianHost) {
    return;
  }
  MLIRContext *ctx = module.getContext();
  Type i8 = IntegerType::get(ctx, 8);
  module.walk([&](LLVM::GlobalOp global) {
    auto value =
        dyn_cast_if_present<DenseResourceElementsAttr>(global.getValueOrNull());
    if (!value || !global.getConstant()) {
      return;
    }
    ShapedType type = value.getType();
    Type elem = type.getElementType();
    if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0 ||
        elem.isInteger(8)) {
      return;
    }
    AsmResourceBlob *blob = value.getRawHandle().getBlob();
    if (!blob) {
      return;
    }
    int64_t bytes = static_cast<int64_t>(blob->getData().size());
    if (bytes < kMinBytes ||
        bytes != type.getNumElements() * (elem.getIntOrFloatBitWidth() / 8)) {
      return;
    }
    // Keep at least the element alignment the old type implied.
    uint64_t align = std::max<uint64_t>(global.getAlignment().value_or(0),
                                        elem.getIntOrFloatBitWidth() / 8);
    global.setGlobalType(LLVM::LLVMArrayType::get(i8, bytes));
    global.setValueAttr(DenseResourceElementsAttr::get(
        RankedTensorType::get({bytes}, i8), value.getRawHandle()));
    global.setAlignment(std::max<uint64_t>(align, 16));
  });
}
