//===- ImportNarrowTypes.cpp - float8, float4, int4, int2 at the boundary -===//
//
// The sub-byte ONNX types (int4, uint4, float4e2m1, int2, uint2) compute as
// one i8 per element; the C ABI packs them as ONNX does (the first element in
// the lowest bits of each byte, the last byte padded with zeros). A graph
// input of such a type is a packed i8 argument unpacked here, an output is
// packed here; both carry `etch.dtype` (the ONNX type's name) and
// `etch.shape` (the logical shape) for the generated header and tables.
//
// Which ops take these types (and the float8 ones): Cast, CastLike, BitCast,
// QuantizeLinear, DequantizeLinear and the ops that only move elements.
//
// BitCast (26) is imported here too: it reads a tensor's bits as another type
// of the same ONNX width, which for the sub-byte types is a change of the
// i8 they travel in.
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

/// The width ONNX gives an element type: bool is a byte, the sub-byte types
/// their 4 or 2 bits (not the i8 they compute in).
unsigned onnxBitWidth(Type elem, int32_t onnxType) {
  if (unsigned bits = narrowTypeBits(onnxType)) {
    return bits;
  }
  return elem.isInteger(1) ? 8 : elem.getIntOrFloatBitWidth();
}

/// BitCast: int <-> int of one width is the value itself (integers are
/// signless); bool is 0 or 1 in a byte; a float goes through arith.bitcast;
/// a sub-byte code is masked to its bits and sign-extended for int4/int2.
LogicalResult importBitCast(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto inType = cast<RankedTensorType>(x->getType());
  Type from = inType.getElementType();
  int32_t onnxIn = im.onnxElementType(node.input(0));
  const onnx::AttributeProto *toAttr = im.attr("to");
  int32_t onnxOut = toAttr ? static_cast<int32_t>(toAttr->i()) : 0;
  Type to = convertElementType(im.getContext(), onnxOut);
  if (!toAttr || !to || !from.isIntOrFloat()) {
    return im.error() << "bitcast from " << onnxTypeName(onnxIn) << " to "
                      << (toAttr ? onnxTypeName(onnxOut) : "(no 'to')")
                      << " is not supported; supported: the numeric types "
                         "and bool (not complex or string)";
  }
  unsigned inBits = onnxBitWidth(from, onnxIn);
  unsigned outBits = onnxBitWidth(to, onnxOut);
  if (inBits != outBits) {
    return im.error() << "bitcast from " << onnxTypeName(onnxIn) << " ("
                      << inBits << " bits) to " << onnxTypeName(onnxOut)
                      << " (" << outBits << " bits): the widths must match";
  }
  OpBuilder &b = im.getBuilder();
  auto typed = [&](Type elem) {
    return RankedTensorType::get(inType.getShape(), elem);
  };
  Value v = *x;
  if (unsigned bits = narrowTypeBits(onnxIn)) {
    // The code in the low bits; int4/int2 (sign-extended) are masked.
    if (onnxIn == kOnnxInt4 || onnxIn == kOnnxInt2) {
      v = createBinary<AndOp>(im, v,
                              createScalarConstant(im, b.getI8Type(),
                                                   (1 << bits) - 1));
    }
    if (onnxOut == kOnnxInt4 || onnxOut == kOnnxInt2) {
      Value half = createScalarConstant(im, b.getI8Type(), 1 << (bits - 1));
      v = createBinary<SubOp>(im, createBinary<XorOp>(im, v, half), half);
    }
  } else {
    // Through the integer of the ONNX width: bool is the byte 0 or 1, and
    // a byte becomes bool as x != 0 (bool's only valid bytes are 0 and 1).
    Type bitsType = b.getIntegerType(inBits);
    if (from.isInteger(1)) {
      v = im.create<CastOp>(typed(bitsType), {v});
    } else if (isa<FloatType>(from)) {
      v = im.create<BitCastOp>(typed(bitsType), {v});
    }
    if (to.isInteger(1)) {
      v = im.create<CastOp>(typed(to), {v});
    } else if (isa<FloatType>(to)) {
      v = im.create<BitCastOp>(typed(to), {v});
    }
  }
  im.setOutput(0, v);
  im.noteOutputType(0, onnxOut);
  return success();
}

} // namespace

void importer::registerNarrowTypeOps(OpTable &table) {
  table["BitCast"] = importBitCast;
}

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
      "Cast",      "CastLike",  "BitCast",        "QuantizeLinear",
      "DequantizeLinear",
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
                      << "); supported: Cast, CastLike, BitCast, "
                         "QuantizeLinear, "
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
