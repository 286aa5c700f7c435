//===- ConstantData.cpp - reading and building constant tensors -----------===//
#include "etch/Transforms/ConstantData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;
using namespace mlir::etch;

int64_t mlir::etch::getElementByteSize(Type elementType) {
  if (!elementType.isIntOrIndexOrFloat() || elementType.isIndex()) {
    return 0;
  }
  unsigned bits = elementType.getIntOrFloatBitWidth();
  if (bits < 8 || bits % 8 != 0) {
    return 0;
  }
  return bits / 8;
}

std::optional<SmallVector<char>> mlir::etch::getConstantBytes(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getShapedType());
  if (!type || !type.hasStaticShape()) {
    return std::nullopt;
  }
  int64_t elemSize = getElementByteSize(type.getElementType());
  if (elemSize == 0) {
    return std::nullopt;
  }
  int64_t numBytes = type.getNumElements() * elemSize;
  ArrayRef<char> raw;
  bool splat = false;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    raw = dense.getRawData();
    splat = dense.isSplat();
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      return std::nullopt;
    }
    raw = blob->getData();
  } else {
    return std::nullopt;
  }
  SmallVector<char> bytes(numBytes);
  if (splat || (static_cast<int64_t>(raw.size()) == elemSize &&
                numBytes != elemSize)) {
    if (static_cast<int64_t>(raw.size()) < elemSize) {
      return std::nullopt;
    }
    for (int64_t off = 0; off < numBytes; off += elemSize) {
      std::memcpy(bytes.data() + off, raw.data(), elemSize);
    }
    return bytes;
  }
  if (static_cast<int64_t>(raw.size()) != numBytes) {
    return std::nullopt;
  }
  std::memcpy(bytes.data(), raw.data(), numBytes);
  return bytes;
}

std::optional<SmallVector<float>> mlir::etch::getConstantFloats(ElementsAttr attr) {
  auto floatType = dyn_cast<FloatType>(attr.getShapedType().getElementType());
  if (!floatType) {
    return std::nullopt;
  }
  std::optional<SmallVector<char>> bytes = getConstantBytes(attr);
  if (!bytes) {
    return std::nullopt;
  }
  unsigned width = floatType.getWidth();
  size_t elemSize = width / 8;
  size_t n = bytes->size() / elemSize;
  SmallVector<float> values(n);
  if (floatType.isF32()) {
    std::memcpy(values.data(), bytes->data(), bytes->size());
    return values;
  }
  const llvm::fltSemantics &sem = floatType.getFloatSemantics();
  for (size_t i = 0; i < n; ++i) {
    uint64_t word = 0;
    std::memcpy(&word, bytes->data() + i * elemSize, elemSize);
    llvm::APFloat v(sem, llvm::APInt(width, word));
    bool lost = false;
    v.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    values[i] = v.convertToFloat();
  }
  return values;
}

std::optional<SmallVector<int64_t>> mlir::etch::getConstantInts(ElementsAttr attr) {
  auto intType = dyn_cast<IntegerType>(attr.getShapedType().getElementType());
  if (!intType) {
    return std::nullopt;
  }
  std::optional<SmallVector<char>> bytes = getConstantBytes(attr);
  if (!bytes) {
    return std::nullopt;
  }
  unsigned width = intType.getWidth();
  size_t elemSize = width / 8;
  size_t n = bytes->size() / elemSize;
  SmallVector<int64_t> values(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t word = 0;
    std::memcpy(&word, bytes->data() + i * elemSize, elemSize);
    llvm::APInt v(width, word);
    values[i] = intType.isUnsigned() ? static_cast<int64_t>(v.getZExtValue())
                                     : v.getSExtValue();
  }
  return values;
}

ElementsAttr mlir::etch::makeConstantAttr(RankedTensorType type,
                                          ArrayRef<char> bytes,
                                          StringRef blobHint,
                                          int64_t resourceThreshold) {
  if (type.getNumElements() < resourceThreshold) {
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  }
  int64_t elemSize = getElementByteSize(type.getElementType());
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, std::max<int64_t>(elemSize, 16));
  return DenseResourceElementsAttr::get(type, blobHint, std::move(blob));
}

ElementsAttr mlir::etch::makeFloatConstantAttr(RankedTensorType type,
                                               ArrayRef<float> values,
                                               StringRef blobHint,
                                               int64_t resourceThreshold) {
  assert(type.getElementType().isF32() && "expected an f32 constant");
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                       values.size() * sizeof(float));
  return makeConstantAttr(type, bytes, blobHint, resourceThreshold);
}
