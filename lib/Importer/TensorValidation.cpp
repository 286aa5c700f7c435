//===- TensorValidation.cpp - tensor sizes and data at the door -----------===//
//
// The tensor half of ModelValidation: data types, dims, byte sizes against
// --max-model-bytes, data lengths against dims x dtype, declared shapes, and
// the same bound on every static type of the imported module.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ModelValidation.h"

#include "etch/Support/CheckedMath.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"

#include <climits>
#include <string>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

using onnx::TensorProto;

std::optional<int64_t> importer::boundedBytes(ArrayRef<int64_t> dims,
                                              int64_t elementBytes) {
  std::optional<int64_t> bound = shapeBound(dims);
  if (!bound) {
    return std::nullopt;
  }
  return checkedMul(*bound, std::max<int64_t>(elementBytes, 1));
}

/// Bytes per element of an ONNX data type (strings: bounded as one byte);
/// nullopt for UNDEFINED and values outside the enum.
static std::optional<int64_t> onnxElementBytes(int32_t type) {
  switch (type) {
  case TensorProto::UINT8:
  case TensorProto::INT8:
  case TensorProto::BOOL:
  case TensorProto::STRING:
  // float8 (one byte each); the sub-byte types are bounded as one byte per
  // element too and checked packed below.
  case kOnnxFloat8E4M3FN:
  case kOnnxFloat8E4M3FNUZ:
  case kOnnxFloat8E5M2:
  case kOnnxFloat8E5M2FNUZ:
  case kOnnxFloat8E8M0:
  case kOnnxUInt4:
  case kOnnxInt4:
  case kOnnxFloat4E2M1:
  case kOnnxUInt2:
  case kOnnxInt2:
    return 1;
  case TensorProto::UINT16:
  case TensorProto::INT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 8;
  case TensorProto::COMPLEX128:
    return 16;
  default:
    return std::nullopt;
  }
}

/// The typed-data field a tensor of `type` keeps its values in, its length
/// and how many entries one element takes.
static std::tuple<StringRef, int64_t, int64_t>
typedData(const TensorProto &t) {
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    return {"float_data", t.float_data_size(), 1};
  case TensorProto::COMPLEX64:
    return {"float_data", t.float_data_size(), 2};
  case TensorProto::DOUBLE:
    return {"double_data", t.double_data_size(), 1};
  case TensorProto::COMPLEX128:
    return {"double_data", t.double_data_size(), 2};
  case TensorProto::INT64:
    return {"int64_data", t.int64_data_size(), 1};
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return {"uint64_data", t.uint64_data_size(), 1};
  case TensorProto::STRING:
    return {"string_data", t.string_data_size(), 1};
  default:
    return {"int32_data", t.int32_data_size(), 1};
  }
}

static std::string formatDims(ArrayRef<int64_t> dims) {
  return "[" + llvm::join(llvm::map_range(dims, [](int64_t d) {
                            return std::to_string(d);
                          }),
                          ", ") +
         "]";
}

LogicalResult importer::validateTensor(const TensorProto &t,
                                       const std::string &what, Location loc,
                                       ByteBudget &budget) {
  int64_t maxBytes = budget.maxBytes;
  std::optional<int64_t> elemBytes = onnxElementBytes(t.data_type());
  if (!elemBytes) {
    return emitError(loc) << what << " has data type " << t.data_type()
                          << ", which is not an ONNX tensor element type";
  }
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (d < 0) {
      return emitError(loc) << what << " has negative dimension " << d
                            << " at position " << i;
    }
  }
  std::optional<int64_t> bound = boundedBytes(dims, *elemBytes);
  if (!bound || *bound > maxBytes) {
    return emitError(loc) << what << " has dims " << formatDims(dims)
                          << ", more than the " << maxBytes
                          << " bytes --max-model-bytes allows";
  }
  // boundedBytes bounds every partial product: these cannot overflow.
  int64_t numel = *shapeProduct(dims);
  int64_t bytes = numel * *elemBytes;
  // int4/int2/float4e2m1: packed, in raw_data, external data and int32_data
  // (one packed byte per entry) alike.
  unsigned bits = narrowTypeBits(t.data_type());
  if (bits) {
    bytes = packedBytes(numel, bits);
  }
  std::optional<int64_t> total = checkedAdd(budget.totalBytes, bytes);
  if (!total || *total > maxBytes) {
    return emitError(loc) << what << " takes the model's tensors past the "
                          << maxBytes << " bytes --max-model-bytes allows";
  }
  budget.totalBytes = *total;

  if (t.data_location() == TensorProto::EXTERNAL) {
    bool hasLocation = false;
    for (const auto &entry : t.external_data()) {
      if (entry.key() == "location") {
        hasLocation = !entry.value().empty();
        continue;
      }
      if (entry.key() != "offset" && entry.key() != "length") {
        continue;
      }
      uint64_t v = 0;
      if (StringRef(entry.value()).getAsInteger(10, v)) {
        return emitError(loc) << what << ": external data " << entry.key()
                              << " '" << entry.value()
                              << "' is not a non-negative integer";
      }
      if (entry.key() == "length" && v != static_cast<uint64_t>(bytes)) {
        return emitError(loc) << what << ": external data length " << v
                              << " does not match the " << bytes
                              << " bytes of dims " << formatDims(dims);
      }
    }
    if (!hasLocation) {
      return emitError(loc) << what << ": external data has no 'location'";
    }
    return success();
  }
  if (t.has_raw_data()) {
    if (t.data_type() == TensorProto::STRING) {
      return emitError(loc) << what << ": a string tensor cannot use raw_data";
    }
    if (static_cast<int64_t>(t.raw_data().size()) != bytes) {
      return emitError(loc) << what << ": raw_data has " << t.raw_data().size()
                            << " bytes, but dims " << formatDims(dims) << " of "
                            << onnxTypeName(t.data_type()) << " need " << bytes;
    }
    return success();
  }
  auto [field, size, perElement] = typedData(t);
  if (bits) {
    numel = bytes;
  }
  if (size != numel * perElement) {
    return emitError(loc) << what << ": " << field << " has " << size
                          << " entries, but dims " << formatDims(dims)
                          << " need " << numel * perElement;
  }
  return success();
}

LogicalResult importer::validateSparseTensor(const onnx::SparseTensorProto &t,
                                             const std::string &what,
                                             Location loc, ByteBudget &budget) {
  int64_t maxBytes = budget.maxBytes;
  for (auto [i, d] : llvm::enumerate(t.dims())) {
    if (d < 0) {
      return emitError(loc) << what << " has negative dimension " << d
                            << " at position " << i;
    }
  }
  std::optional<int64_t> bound = boundedBytes(
      SmallVector<int64_t>(t.dims().begin(), t.dims().end()), 1);
  if (!bound || *bound > maxBytes) {
    return emitError(loc) << what << " is larger than the " << maxBytes
                          << " bytes --max-model-bytes allows";
  }
  if (failed(validateTensor(t.values(), what + " (values)", loc, budget)) ||
      failed(validateTensor(t.indices(), what + " (indices)", loc, budget))) {
    return failure();
  }
  return success();
}

LogicalResult importer::validateDeclaredType(const onnx::TypeProto &type,
                                             const std::string &what,
                                             Location loc,
                                             const ByteBudget &budget) {
  int64_t maxBytes = budget.maxBytes;
  if (type.has_sequence_type()) {
    return validateDeclaredType(type.sequence_type().elem_type(), what, loc,
                                budget);
  }
  if (type.has_optional_type()) {
    return validateDeclaredType(type.optional_type().elem_type(), what, loc,
                                budget);
  }
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) {
    return success();
  }
  const onnx::TypeProto_Tensor &tt = type.tensor_type();
  // Unknown and negative dims are dynamic; the known ones must fit.
  SmallVector<int64_t> dims;
  for (const auto &d : tt.shape().dim()) {
    if (d.has_dim_value() && d.dim_value() > 0) {
      dims.push_back(d.dim_value());
    }
  }
  std::optional<int64_t> bound =
      boundedBytes(dims, onnxElementBytes(tt.elem_type()).value_or(1));
  if (!bound || *bound > maxBytes) {
    return emitError(loc) << what << " declares dims " << formatDims(dims)
                          << ", more than the " << maxBytes
                          << " bytes --max-model-bytes allows";
  }
  return success();
}

LogicalResult importer::checkTypeSizes(ModuleOp module, uint64_t maxBytes) {
  int64_t limit =
      static_cast<int64_t>(std::min<uint64_t>(maxBytes, INT64_MAX));
  WalkResult result = module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes()) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (!shaped || !shaped.hasStaticShape()) {
        continue;
      }
      Type elem = shaped.getElementType();
      int64_t elemBytes =
          elem.isIntOrFloat() ? (elem.getIntOrFloatBitWidth() + 7) / 8 : 16;
      std::optional<int64_t> bytes = boundedBytes(shaped.getShape(), elemBytes);
      if (!bytes || *bytes > limit) {
        op->emitError() << "result type " << type << " holds more than the "
                        << limit << " bytes --max-model-bytes allows";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}
