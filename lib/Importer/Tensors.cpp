//===- Tensors.cpp - ONNX TensorProto to MLIR attributes ------------------===//
//
// Weights are copied exactly once, from the protobuf's raw_data (or a small
// external-data tensor) into a heap resource blob that the attribute owns.
// Large external-data tensors are not copied at all: the blob wraps a
// read-only mapping of the file, so a model with gigabytes of external
// weights is imported without holding them in memory (and codegen reads each
// page once, from the page cache).
//
//===----------------------------------------------------------------------===//
#include "ExternalData.h"
#include "GraphImporter.h"

#include "etch/Support/CheckedMath.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Alignment.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

using onnx::TensorProto;

/// Tensors up to this many bytes become DenseElementsAttr (readable in tests,
/// directly foldable); larger ones become resource blobs.
static constexpr size_t kMaxDenseBytes = 64;

/// External tensors from this size on are memory-mapped rather than read.
static constexpr size_t kMinMappedBytes = 1 << 20;

Type importer::convertElementType(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::INT8:
    return b.getIntegerType(8);
  case TensorProto::INT16:
    return b.getIntegerType(16);
  case TensorProto::INT32:
    return b.getIntegerType(32);
  case TensorProto::INT64:
    return b.getIntegerType(64);
  // Integer tensors are signless (arith's convention); the ops whose result
  // depends on signedness carry it (isUnsignedType, `is_unsigned`).
  case TensorProto::UINT8:
    return b.getIntegerType(8);
  case TensorProto::UINT16:
    return b.getIntegerType(16);
  case TensorProto::UINT32:
    return b.getIntegerType(32);
  case TensorProto::UINT64:
    return b.getIntegerType(64);
  case TensorProto::BOOL:
    return b.getI1Type();
  // ONNX 1.14+ types (libonnx 1.12's enum lacks them). The 8-bit floats are
  // MLIR's own float8 types (one byte each); the sub-byte types compute as
  // i8, one element per byte: int4/int2 sign-extended, uint4/uint2
  // zero-extended, float4e2m1 as its 4-bit code. They are packed only in
  // initializers and at the C ABI (see narrowTypeBits).
  case kOnnxFloat8E4M3FN:
    return b.getType<Float8E4M3FNType>();
  case kOnnxFloat8E4M3FNUZ:
    return b.getType<Float8E4M3FNUZType>();
  case kOnnxFloat8E5M2:
    return b.getType<Float8E5M2Type>();
  case kOnnxFloat8E5M2FNUZ:
    return b.getType<Float8E5M2FNUZType>();
  case kOnnxFloat8E8M0:
    return b.getType<Float8E8M0FNUType>();
  case kOnnxUInt4:
  case kOnnxInt4:
  case kOnnxFloat4E2M1:
  case kOnnxUInt2:
  case kOnnxInt2:
    return b.getIntegerType(8);
  default:
    return {};
  }
}

bool importer::isUnsignedType(int32_t onnxType) {
  return onnxType == TensorProto::UINT8 || onnxType == TensorProto::UINT16 ||
         onnxType == TensorProto::UINT32 || onnxType == TensorProto::UINT64 ||
         onnxType == kOnnxUInt4 || onnxType == kOnnxUInt2;
}

unsigned importer::narrowTypeBits(int32_t onnxType) {
  switch (onnxType) {
  case kOnnxUInt4:
  case kOnnxInt4:
  case kOnnxFloat4E2M1:
    return 4;
  case kOnnxUInt2:
  case kOnnxInt2:
    return 2;
  default:
    return 0;
  }
}

StringRef importer::narrowStorageName(int32_t onnxType) {
  switch (onnxType) {
  case kOnnxUInt4:
    return "ui4";
  case kOnnxInt4:
    return "i4";
  case kOnnxFloat4E2M1:
    return "f4E2M1FN";
  case kOnnxUInt2:
    return "ui2";
  case kOnnxInt2:
    return "i2";
  default:
    return "";
  }
}

bool importer::isNewerFloatType(int32_t onnxType) {
  return (onnxType >= kOnnxFloat8E4M3FN && onnxType <= kOnnxFloat8E5M2FNUZ) ||
         onnxType == kOnnxFloat4E2M1 || onnxType == kOnnxFloat8E8M0;
}

std::string importer::onnxTypeName(int32_t onnxType) {
  static const char *newer[] = {
      "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4",
      "INT4",         "FLOAT4E2M1",     "FLOAT8E8M0", "UINT2",          "INT2"};
  if (onnxType >= kOnnxFloat8E4M3FN && onnxType <= kOnnxInt2) {
    return newer[onnxType - kOnnxFloat8E4M3FN];
  }
  if (TensorProto::DataType_IsValid(onnxType)) {
    return TensorProto::DataType_Name(
        static_cast<TensorProto::DataType>(onnxType));
  }
  return "data type " + std::to_string(onnxType);
}

/// Bytes per element in MLIR's dense layout (bool: one byte).
static size_t elementBytes(Type type) {
  if (type.isInteger(1)) {
    return 1;
  }
  return type.getIntOrFloatBitWidth() / 8;
}

/// Copies `count` elements of a repeated proto field into `out`, narrowing
/// each to `To` (int32_data carries all the <= 32-bit integer types and the
/// 16-bit float bit patterns).
template <typename To, typename Field>
static void copyField(const Field &field, char *out) {
  To *dst = reinterpret_cast<To *>(out);
  for (int i = 0, e = field.size(); i < e; ++i) {
    dst[i] = static_cast<To>(field.Get(i));
  }
}

namespace {
/// Where a tensor's external data lives (its `location`, `offset`, `length`
/// keys).
struct ExternalRef {
  std::string location;
  uint64_t offset = 0;
};
} // namespace

/// Parses the external data keys of a tensor that needs `bytes` bytes.
static FailureOr<ExternalRef> parseExternal(const TensorProto &tensor,
                                            Location loc, size_t bytes) {
  ExternalRef ref;
  std::optional<uint64_t> length;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      ref.location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      uint64_t v;
      if (StringRef(entry.value()).getAsInteger(10, v)) {
        return emitError(loc) << "tensor '" << tensor.name()
                              << "': bad external data " << entry.key()
                              << " '" << entry.value() << "'";
      }
      (entry.key() == "offset" ? ref.offset : length.emplace()) = v;
    }
  }
  if (ref.location.empty()) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': external data has no 'location'";
  }
  if (length && *length != bytes) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': external data length " << *length
                          << " does not match the " << bytes
                          << " bytes its shape and type need";
  }
  return ref;
}

/// Reads external data into `out`.
static LogicalResult readExternal(const TensorProto &tensor,
                                  StringRef modelDir, Location loc,
                                  MutableArrayRef<char> out) {
  FailureOr<ExternalRef> ref = parseExternal(tensor, loc, out.size());
  if (failed(ref)) {
    return failure();
  }
  if (llvm::Error err =
          readConfinedFile(modelDir, ref->location, ref->offset, out)) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': " << llvm::toString(std::move(err));
  }
  return success();
}

/// A read-only blob over a mapping of the tensor's external data, or
/// std::nullopt when the mapping is not aligned for the element type (the
/// caller reads the data instead).
static FailureOr<std::optional<AsmResourceBlob>>
mapExternal(const TensorProto &tensor, StringRef modelDir, Location loc,
            size_t bytes, size_t align) {
  FailureOr<ExternalRef> ref = parseExternal(tensor, loc, bytes);
  if (failed(ref)) {
    return failure();
  }
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      mapConfinedFile(modelDir, ref->location, ref->offset, bytes);
  if (!buffer) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': " << llvm::toString(buffer.takeError());
  }
  const char *data = (*buffer)->getBufferStart();
  if (!llvm::isAddrAligned(llvm::Align(align), data)) {
    return std::optional<AsmResourceBlob>();
  }
  // The blob owns the mapping: the deleter unmaps it with the last use.
  return std::optional<AsmResourceBlob>(AsmResourceBlob(
      ArrayRef<char>(data, bytes), align,
      [owner = std::move(*buffer)](void *, size_t, size_t) mutable {
        owner.reset();
      },
      /*dataIsMutable=*/false));
}

static LogicalResult readData(const TensorProto &tensor, StringRef modelDir,
                              Location loc, Type elemType, int64_t numel,
                              MutableArrayRef<char> out);

/// Unpacks a sub-byte tensor (`bits` 4 or 2; ONNX packs the first element
/// in the lowest bits of each byte) into one i8 per element: sign-extended
/// for int4/int2, else zero-extended (float4e2m1 keeps its code).
static LogicalResult readPacked(const TensorProto &tensor, StringRef modelDir,
                                Location loc, unsigned bits, int64_t numel,
                                MutableArrayRef<char> out) {
  int64_t perByte = 8 / bits;
  std::vector<char> packed((numel + perByte - 1) / perByte);
  if (tensor.data_location() != TensorProto::EXTERNAL &&
      !tensor.has_raw_data()) {
    // int32_data holds one packed byte per entry.
    if (tensor.int32_data_size() != static_cast<int>(packed.size())) {
      return emitError(loc)
             << "tensor '" << tensor.name() << "': int32_data has "
             << tensor.int32_data_size() << " entries, expected "
             << packed.size() << " packed bytes";
    }
    copyField<uint8_t>(tensor.int32_data(), packed.data());
  } else if (failed(readData(tensor, modelDir, loc,
                             IntegerType::get(loc.getContext(), 8),
                             packed.size(), packed))) {
    return failure();
  }
  bool isSigned =
      tensor.data_type() == kOnnxInt4 || tensor.data_type() == kOnnxInt2;
  unsigned mask = (1u << bits) - 1;
  for (int64_t i = 0; i < numel; ++i) {
    unsigned v =
        (uint8_t(packed[i / perByte]) >> (bits * (i % perByte))) & mask;
    if (isSigned && (v >> (bits - 1))) {
      v |= ~mask;
    }
    out[i] = static_cast<char>(v);
  }
  return success();
}

/// Fills `out` (numel * elementBytes bytes) with the tensor's data.
static LogicalResult readData(const TensorProto &tensor, StringRef modelDir,
                              Location loc, Type elemType, int64_t numel,
                              MutableArrayRef<char> out) {
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    return readExternal(tensor, modelDir, loc, out);
  }
  if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != out.size()) {
      return emitError(loc) << "tensor '" << tensor.name() << "': raw_data has "
                            << tensor.raw_data().size() << " bytes, expected "
                            << out.size();
    }
    std::memcpy(out.data(), tensor.raw_data().data(), out.size());
    return success();
  }
  auto checkCount = [&](int size, StringRef field) -> LogicalResult {
    if (size == numel) {
      return success();
    }
    return emitError(loc) << "tensor '" << tensor.name() << "': " << field
                          << " has " << size << " elements, expected "
                          << numel;
  };
  char *dst = out.data();
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
    if (failed(checkCount(tensor.float_data_size(), "float_data"))) {
      return failure();
    }
    copyField<float>(tensor.float_data(), dst);
    return success();
  case TensorProto::DOUBLE:
    if (failed(checkCount(tensor.double_data_size(), "double_data"))) {
      return failure();
    }
    copyField<double>(tensor.double_data(), dst);
    return success();
  case TensorProto::INT64:
    if (failed(checkCount(tensor.int64_data_size(), "int64_data"))) {
      return failure();
    }
    copyField<int64_t>(tensor.int64_data(), dst);
    return success();
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (failed(checkCount(tensor.uint64_data_size(), "uint64_data"))) {
      return failure();
    }
    if (tensor.data_type() == TensorProto::UINT32) {
      copyField<uint32_t>(tensor.uint64_data(), dst);
    } else {
      copyField<uint64_t>(tensor.uint64_data(), dst);
    }
    return success();
  default:
    break;
  }
  // Everything else travels in int32_data.
  if (failed(checkCount(tensor.int32_data_size(), "int32_data"))) {
    return failure();
  }
  switch (elementBytes(elemType)) {
  case 1:
    copyField<uint8_t>(tensor.int32_data(), dst);
    break;
  case 2:
    copyField<uint16_t>(tensor.int32_data(), dst);
    break;
  default:
    copyField<int32_t>(tensor.int32_data(), dst);
    break;
  }
  if (elemType.isInteger(1)) {
    for (char &c : out) {
      c = c != 0;
    }
  }
  return success();
}

/// The tensor's type and its data in a heap blob.
static FailureOr<std::pair<RankedTensorType, AsmResourceBlob>>
readTensor(const TensorProto &tensor, StringRef modelDir, Location loc) {
  MLIRContext *ctx = loc.getContext();
  Type elemType = convertElementType(ctx, tensor.data_type());
  if (!elemType) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has unsupported element type "
                          << onnxTypeName(tensor.data_type());
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; })) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has a negative dimension";
  }
  std::optional<int64_t> numelOr = shapeProduct(shape);
  std::optional<int64_t> bytesOr =
      numelOr ? checkedMul(*numelOr, elementBytes(elemType)) : std::nullopt;
  if (!bytesOr) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': its dims overflow int64";
  }
  int64_t numel = *numelOr;
  size_t bytes = *bytesOr;
  size_t align = std::max<size_t>(elementBytes(elemType), 1);
  unsigned bits = narrowTypeBits(tensor.data_type());
  if (tensor.data_location() == TensorProto::EXTERNAL && !bits &&
      !elemType.isInteger(1) && bytes >= kMinMappedBytes) {
    FailureOr<std::optional<AsmResourceBlob>> mapped =
        mapExternal(tensor, modelDir, loc, bytes, align);
    if (failed(mapped)) {
      return failure();
    }
    if (*mapped) {
      return std::make_pair(RankedTensorType::get(shape, elemType),
                            std::move(**mapped));
    }
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(bytes, align);
  if (failed(bits ? readPacked(tensor, modelDir, loc, bits, numel,
                               blob.getMutableData())
                  : readData(tensor, modelDir, loc, elemType, numel,
                             blob.getMutableData()))) {
    return failure();
  }
  return std::make_pair(RankedTensorType::get(shape, elemType),
                        std::move(blob));
}

/// A resource key that prints as a bare identifier.
static std::string blobName(StringRef tensorName) {
  std::string name;
  for (char c : tensorName) {
    name.push_back(llvm::isAlnum(c) ? c : '_');
  }
  if (name.empty() || llvm::isDigit(name.front())) {
    name.insert(0, "t_");
  }
  return name;
}

FailureOr<ElementsAttr> importer::convertTensor(const TensorProto &tensor,
                                                StringRef modelDir,
                                                Location loc) {
  auto read = readTensor(tensor, modelDir, loc);
  if (failed(read)) {
    return failure();
  }
  auto &[type, blob] = *read;
  ArrayRef<char> data = blob.getData();
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bits(data.begin(), data.end());
    return cast<ElementsAttr>(DenseElementsAttr::get(type, bits));
  }
  if (data.size() <= kMaxDenseBytes) {
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, data));
  }
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(
      type, blobName(tensor.name()), std::move(blob)));
}

FailureOr<SmallVector<int64_t>>
importer::tensorToInts(const TensorProto &tensor, StringRef modelDir,
                       Location loc) {
  auto read = readTensor(tensor, modelDir, loc);
  if (failed(read)) {
    return failure();
  }
  auto &[type, blob] = *read;
  Type elem = type.getElementType();
  if (!isa<IntegerType>(elem)) {
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' must hold integers, got " << elem;
  }
  ArrayRef<char> data = blob.getData();
  SmallVector<int64_t> result;
  size_t width = elementBytes(elem);
  bool isSigned = !isUnsignedType(tensor.data_type());
  for (size_t off = 0; off < data.size(); off += width) {
    int64_t v = 0;
    switch (width) {
    case 1:
      v = isSigned ? int64_t(int8_t(data[off])) : int64_t(uint8_t(data[off]));
      break;
    case 2: {
      uint16_t u;
      std::memcpy(&u, &data[off], 2);
      v = isSigned ? int64_t(int16_t(u)) : int64_t(u);
      break;
    }
    case 4: {
      uint32_t u;
      std::memcpy(&u, &data[off], 4);
      v = isSigned ? int64_t(int32_t(u)) : int64_t(u);
      break;
    }
    default:
      std::memcpy(&v, &data[off], 8);
      break;
    }
    result.push_back(v);
  }
  return result;
}

FailureOr<SmallVector<double>>
importer::tensorToFloats(const TensorProto &tensor, StringRef modelDir,
                         Location loc) {
  auto read = readTensor(tensor, modelDir, loc);
  if (failed(read)) {
    return failure();
  }
  auto &[type, blob] = *read;
  Type elem = type.getElementType();
  ArrayRef<char> data = blob.getData();
  SmallVector<double> result;
  if (elem.isF32()) {
    for (size_t off = 0; off < data.size(); off += 4) {
      float f;
      std::memcpy(&f, &data[off], 4);
      result.push_back(f);
    }
    return result;
  }
  if (elem.isF64()) {
    for (size_t off = 0; off < data.size(); off += 8) {
      double d;
      std::memcpy(&d, &data[off], 8);
      result.push_back(d);
    }
    return result;
  }
  if (isa<IntegerType>(elem) && !elem.isInteger(1)) {
    auto ints = tensorToInts(tensor, modelDir, loc);
    if (failed(ints)) {
      return failure();
    }
    for (int64_t v : *ints) {
      result.push_back(static_cast<double>(v));
    }
    return result;
  }
  if (isa<FloatType>(elem)) {
    // f16/bf16: go through APFloat.
    auto attr = DenseElementsAttr::getFromRawBuffer(type, data);
    for (APFloat v : attr.getValues<APFloat>()) {
      result.push_back(v.convertToDouble());
    }
    return result;
  }
  return emitError(loc) << "tensor '" << tensor.name()
                        << "' must hold numbers, got " << elem;
}
