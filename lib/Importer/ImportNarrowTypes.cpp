//===- ImportNarrowTypes.cpp - float8, float4, int4, int2 at the boundary -===//
//
// The sub-byte ONNX types (int4, uint4, float4e2m1, int2, uint2) compute as
// one i8 per element; the C ABI packs them as ONNX does (the first element in
// the lowest bits of each byte, the last byte padded with zeros). A graph
// input of such a type is a packed i8 argument unpacked here, an output is
// packed here; both carry `etch.dtype` (the ONNX type's name) and
// `etch.shape` (the logical shape) for the generated header and tables.
//
// Which ops take these types (and the float8 ones): Cast, CastLike,
// QuantizeLinear, DequantizeLinear and the ops that only move elements.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

Value i8Constant(GraphImporter &im, ArrayRef<int64_t> shape, int64_t value) {
  OpBuilder &b = im.getBuilder();
  auto type = RankedTensorType::get(shape, b.getI8Type());
  auto attr =
      DenseElementsAttr::get(type, IntegerAttr::get(b.getI8Type(), value));
  return im.create<ConstantOp>(type, {}, {im.namedAttr("value", attr)});
}

Value shiftBy(GraphImporter &im, Value x, int64_t amount, bool left) {
  if (amount == 0) {
    return x;
  }
  OpBuilder &b = im.getBuilder();
  return im.create<BitShiftOp>(
      x.getType(), {x, createScalarConstant(im, b.getI8Type(), amount)},
      {im.namedAttr("left", b.getBoolAttr(left))});
}

} // namespace

int64_t importer::packedBytes(int64_t numel, unsigned bits) {
  int64_t perByte = 8 / bits;
  return (numel + perByte - 1) / perByte;
}

Value importer::unpackNarrow(GraphImporter &im, Value packed, int32_t onnxType,
                             ArrayRef<int64_t> shape) {
  unsigned bits = narrowTypeBits(onnxType);
  int64_t perByte = 8 / bits;
  int64_t numel = 1;
  for (int64_t d : shape) {
    numel *= d;
  }
  OpBuilder &b = im.getBuilder();
  Type i8 = b.getI8Type();
  int64_t nBytes = cast<RankedTensorType>(packed.getType()).getNumElements();
  Value column = reshapeTo(im, packed, {nBytes, 1});
  Value mask = createScalarConstant(im, i8, (1 << bits) - 1);
  SmallVector<Value> lanes;
  for (int64_t k = 0; k < perByte; ++k) {
    lanes.push_back(createBinary<AndOp>(
        im, shiftBy(im, column, k * bits, /*left=*/false), mask));
  }
  Value v =
      im.create<ConcatOp>(RankedTensorType::get({nBytes, perByte}, i8), lanes,
                          {im.namedAttr("axis", b.getI64IntegerAttr(1))});
  v = reshapeTo(im, v, {nBytes * perByte});
  v = slice(im, v, 0, 0, numel);
  if (onnxType == kOnnxInt4 || onnxType == kOnnxInt2) {
    // Sign-extend: (v ^ half) - half.
    Value half = createScalarConstant(im, i8, 1 << (bits - 1));
    v = createBinary<SubOp>(im, createBinary<XorOp>(im, v, half), half);
  }
  return reshapeTo(im, v, shape);
}

Value importer::packNarrow(GraphImporter &im, Value v, int32_t onnxType) {
  unsigned bits = narrowTypeBits(onnxType);
  int64_t perByte = 8 / bits;
  auto type = cast<RankedTensorType>(v.getType());
  int64_t numel = type.getNumElements();
  int64_t nBytes = packedBytes(numel, bits);
  OpBuilder &b = im.getBuilder();
  Type i8 = b.getI8Type();
  Value flat =
      createBinary<AndOp>(im, reshapeTo(im, v, {numel}),
                          createScalarConstant(im, i8, (1 << bits) - 1));
  if (int64_t pad = nBytes * perByte - numel; pad > 0) {
    flat = im.create<ConcatOp>(RankedTensorType::get({nBytes * perByte}, i8),
                               {flat, i8Constant(im, {pad}, 0)},
                               {im.namedAttr("axis", b.getI64IntegerAttr(0))});
  }
  Value bytes;
  for (int64_t k = 0; k < perByte; ++k) {
    Value lane = im.create<SliceOp>(
        RankedTensorType::get({nBytes}, i8), flat,
        {im.namedAttr("starts", b.getDenseI64ArrayAttr({k})),
         im.namedAttr("steps", b.getDenseI64ArrayAttr({perByte}))});
    lane = shiftBy(im, lane, k * bits, /*left=*/true);
    bytes = bytes ? createBinary<OrOp>(im, bytes, lane) : lane;
  }
  return bytes;
}

std::string importer::abiDTypeName(int32_t onnxType) {
  return llvm::StringRef(onnxTypeName(onnxType)).lower();
}

LogicalResult importer::checkNarrowTypeSupport(GraphImporter &im,
                                               const onnx::NodeProto &node) {
  static const llvm::StringSet<> ops = {
      "Cast",      "CastLike",  "QuantizeLinear", "DequantizeLinear",
      "Identity",  "Reshape",   "Flatten",        "Squeeze",
      "Unsqueeze", "Transpose", "Concat",         "Slice",
      "Gather",    "Expand",    "Tile",           "Split",
      "Constant",  "Shape",     "Size",           "If",
      "Loop"};
  if (ops.contains(node.op_type())) {
    return success();
  }
  auto check = [&](const std::string &name) -> LogicalResult {
    if (name.empty()) {
      return success();
    }
    int32_t type = im.onnxElementType(name);
    if (!narrowTypeBits(type) && !isNewerFloatType(type)) {
      return success();
    }
    return im.error() << "tensors of type " << onnxTypeName(type) << " ('"
                      << name << "') are not supported by " << node.op_type()
                      << " (opset " << im.getOpset()
                      << "); supported: Cast, CastLike, QuantizeLinear, "
                         "DequantizeLinear and data movement (Reshape, "
                         "Transpose, Concat, Slice, Gather, ...)";
  };
  for (const std::string &name : node.input()) {
    if (failed(check(name))) {
      return failure();
    }
  }
  for (const std::string &name : node.output()) {
    if (failed(check(name))) {
      return failure();
    }
  }
  return success();
}
