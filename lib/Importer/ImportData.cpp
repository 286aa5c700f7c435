//===- ImportData.cpp - Split, Tile, Expand, gathers, scans, TopK, Mod ----===//
//
// Shape-like inputs (Split's `split`, Tile's `repeats`, Expand's `shape`,
// TopK's `k`, OneHot's `depth`) need not be constants: the result shapes,
// which ONNX shape inference or the model's declared outputs give statically,
// determine them. Split, Tile, DepthToSpace/SpaceToDepth and OneHot are
// decomposed into core etch ops.
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

Value reshape(GraphImporter &im, Value x, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(x.getType());
  return im.create<ReshapeOp>(
      RankedTensorType::get(shape, type.getElementType()), {x});
}

Value transpose(GraphImporter &im, Value x, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
  }
  return im.create<TransposeOp>(
      RankedTensorType::get(shape, type.getElementType()), {x},
      {im.namedAttr("perm", im.getBuilder().getDenseI64ArrayAttr(perm))});
}

/// A broadcasting comparison with an i1 result.
template <typename OpTy>
Value compare(GraphImporter &im, Value lhs, Value rhs) {
  auto l = cast<RankedTensorType>(lhs.getType());
  auto r = cast<RankedTensorType>(rhs.getType());
  return im.create<OpTy>(
      RankedTensorType::get(broadcastShape(l.getShape(), r.getShape()),
                            im.getBuilder().getI1Type()),
      {lhs, rhs});
}

LogicalResult importSplit(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 0), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  // The output types carry the split sizes whether `split` is an attribute,
  // a constant, a run-time input or absent (equal parts). Where ONNX
  // inference gave none (sizes from folded shape arithmetic), a constant
  // `split` or equal parts decide.
  std::optional<SmallVector<int64_t>> sizes;
  if (im.getOpset() >= 13 && im.constantInput(1)) {
    FailureOr<SmallVector<int64_t>> v = im.constantInts(1, "split");
    if (failed(v)) {
      return failure();
    }
    sizes = std::move(*v);
  } else if (im.getOpset() < 13) {
    sizes = im.attrInts("split");
  }
  if (const onnx::AttributeProto *n = im.attr("num_outputs");
      n && im.getOpset() >= 18) {
    // Split-18: num_outputs parts of ceil(dim / n), the last one smaller.
    int64_t dim = type.getDimSize(*axis);
    if (im.hasInput(1) || n->i() != node.output_size() || n->i() <= 0 ||
        (n->i() - 1) * llvm::divideCeil(dim, n->i()) > dim) {
      return im.error() << "num_outputs " << n->i() << " does not split "
                        << "dimension " << *axis << " (" << dim << ") into "
                        << node.output_size() << " outputs"
                        << (im.hasInput(1) ? " (and 'split' is given too)"
                                           : "");
    }
    int64_t chunk = llvm::divideCeil(dim, n->i());
    sizes = SmallVector<int64_t>(n->i(), chunk);
    sizes->back() = dim - chunk * (n->i() - 1);
  }
  if (!sizes && !im.hasInput(1) && node.output_size() > 0 &&
      type.getDimSize(*axis) % node.output_size() == 0) {
    sizes = SmallVector<int64_t>(node.output_size(),
                                 type.getDimSize(*axis) / node.output_size());
  }
  int64_t start = 0;
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty()) {
      continue;
    }
    std::string why;
    int64_t size;
    if (FailureOr<RankedTensorType> t = im.typeOfValueInfo(node.output(i), why);
        succeeded(t)) {
      if (t->getRank() != type.getRank()) {
        return im.error() << "output " << i << " ('" << node.output(i)
                          << "') is declared with rank " << t->getRank()
                          << ", but Split keeps the input's rank "
                          << type.getRank();
      }
      size = t->getDimSize(*axis);
    } else if (sizes && static_cast<int>(sizes->size()) == node.output_size()) {
      size = (*sizes)[i];
    } else {
      return im.outputType(i); // reports why there is no type
    }
    if (size < 0 || start + size > type.getDimSize(*axis)) {
      return im.error() << "split size " << size << " of output " << i
                        << " is negative or the sizes exceed dimension "
                        << *axis
                        << " (" << type.getDimSize(*axis) << ")";
    }
    im.setOutput(i, slice(im, *x, *axis, start, size));
    start += size;
  }
  return success();
}

LogicalResult importExpand(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(outType)) {
    return failure();
  }
  im.setOutput(0, im.create<ExpandOp>(*outType, {*x}));
  return success();
}

/// Tile: [s...] -> [1, s0, 1, s1, ...] -> expand [r0, s0, r1, s1, ...] ->
/// [r0 * s0, ...].
LogicalResult importTile(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(outType)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  if (outType->getRank() != type.getRank()) {
    return im.error() << "result rank differs from the input rank";
  }
  SmallVector<int64_t> spread, expanded;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t in = type.getDimSize(d), out = outType->getDimSize(d);
    if (in == 0 ? out != 0 : out % in != 0) {
      return im.error() << "result dim " << d << " (" << out
                        << ") is not a multiple of the input dim (" << in
                        << ")";
    }
    spread.append({1, in});
    expanded.append({in == 0 ? 1 : out / in, in});
  }
  Value y = reshape(im, *x, spread);
  y = im.create<ExpandOp>(
      RankedTensorType::get(expanded, type.getElementType()), {y});
  im.setOutput(0, reshape(im, y, outType->getShape()));
  return success();
}

LogicalResult importDepthToSpace(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t bs = im.attrInt("blocksize", 0);
  std::string mode = im.attrString("mode", "DCR");
  if (type.getRank() != 4 || bs < 1 ||
      type.getDimSize(1) % (bs * bs) != 0) {
    return im.error() << "expected a 4-D input whose channels divide by "
                         "blocksize^2";
  }
  if (mode != "DCR" && mode != "CRD") {
    return im.unsupportedAttr("mode", "'" + mode + "'", "DCR, CRD");
  }
  int64_t n = type.getDimSize(0), c = type.getDimSize(1) / (bs * bs),
          h = type.getDimSize(2), w = type.getDimSize(3);
  Value y;
  if (mode == "DCR") {
    y = transpose(im, reshape(im, *x, {n, bs, bs, c, h, w}),
                  {0, 3, 4, 1, 5, 2});
  } else {
    y = transpose(im, reshape(im, *x, {n, c, bs, bs, h, w}),
                  {0, 1, 4, 2, 5, 3});
  }
  im.setOutput(0, reshape(im, y, {n, c, h * bs, w * bs}));
  return success();
}

LogicalResult importSpaceToDepth(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t bs = im.attrInt("blocksize", 0);
  if (type.getRank() != 4 || bs < 1 || type.getDimSize(2) % bs != 0 ||
      type.getDimSize(3) % bs != 0) {
    return im.error() << "expected a 4-D input whose height and width "
                         "divide by blocksize";
  }
  // SpaceToDepth-28's mode: blocks before channels (DCR, the only layout
  // before 28) or after (CRD).
  std::string mode = im.attrString("mode", "DCR");
  if (mode != "DCR" && mode != "CRD") {
    return im.unsupportedAttr("mode", "'" + mode + "'", "DCR, CRD");
  }
  int64_t n = type.getDimSize(0), c = type.getDimSize(1),
          h = type.getDimSize(2) / bs, w = type.getDimSize(3) / bs;
  Value y = transpose(im, reshape(im, *x, {n, c, h, bs, w, bs}),
                      mode == "DCR" ? ArrayRef<int64_t>{0, 3, 5, 1, 2, 4}
                                    : ArrayRef<int64_t>{0, 1, 3, 5, 2, 4});
  im.setOutput(0, reshape(im, y, {n, c * bs * bs, h, w}));
  return success();
}

LogicalResult checkIndices(GraphImporter &im, Value idx) {
  Type elem = cast<RankedTensorType>(idx.getType()).getElementType();
  if (!elem.isInteger(32) && !elem.isInteger(64)) {
    return im.error() << "indices must be int32 or int64, got " << elem;
  }
  return success();
}

LogicalResult importGatherElements(GraphImporter &im,
                                   const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), idx = im.input(1);
  if (failed(x) || failed(idx) || failed(checkIndices(im, *idx))) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  auto idxType = cast<RankedTensorType>(idx->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", 0), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  im.setOutput(0, im.create<GatherElementsOp>(
                      RankedTensorType::get(idxType.getShape(),
                                            type.getElementType()),
                      {*x, *idx},
                      {im.namedAttr("axis",
                                    im.getBuilder().getI64IntegerAttr(*axis))}));
  return success();
}

LogicalResult importGatherND(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), idx = im.input(1);
  if (failed(x) || failed(idx) || failed(checkIndices(im, *idx))) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  auto idxType = cast<RankedTensorType>(idx->getType());
  int64_t b = im.attrInt("batch_dims", 0);
  if (idxType.getRank() < 1 || b < 0 ||
      b >= std::min(type.getRank(), idxType.getRank()) ||
      b + idxType.getShape().back() > type.getRank()) {
    return im.error() << "indices " << idxType << " and batch_dims " << b
                      << " do not fit the data " << type;
  }
  SmallVector<int64_t> shape(idxType.getShape().drop_back());
  llvm::append_range(shape,
                     type.getShape().drop_front(b + idxType.getShape().back()));
  im.setOutput(0, im.create<GatherNDOp>(
                      RankedTensorType::get(shape, type.getElementType()),
                      {*x, *idx},
                      {im.namedAttr("batch_dims",
                                    im.getBuilder().getI64IntegerAttr(b))}));
  return success();
}

/// CumSum and CumProd (26). A run-time axis (rank > 1) selects among the
/// scans along every axis: where(axis == a, scan_a, ...).
template <typename ScanOp>
LogicalResult importScan(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  OpBuilder &b = im.getBuilder();
  auto scan = [&](int64_t axis) {
    return im.create<ScanOp>(
        type, {*x},
        {im.namedAttr("axis", b.getI64IntegerAttr(axis)),
         im.namedAttr("exclusive", b.getBoolAttr(im.attrInt("exclusive", 0))),
         im.namedAttr("reverse", b.getBoolAttr(im.attrInt("reverse", 0)))});
  };
  if (rank < 1) {
    return im.error() << "expected an input of rank >= 1";
  }
  Type elem = type.getElementType();
  if (!elem.isIntOrFloat() || elem.isInteger(1)) {
    return im.error() << "input of " << type
                      << " is not supported; supported: integer and "
                         "floating-point tensors";
  }
  if (im.constantInput(1) || rank == 1) {
    int64_t axis = 0;
    if (im.constantInput(1)) {
      FailureOr<SmallVector<int64_t>> a = im.constantInts(1, "axis");
      if (failed(a)) {
        return failure();
      }
      if (a->size() != 1) {
        return im.error() << "'axis' must hold one value";
      }
      FailureOr<int64_t> n = normalizeAxis(im, a->front(), rank, "axis");
      if (failed(n)) {
        return failure();
      }
      axis = *n;
    }
    im.setOutput(0, scan(axis));
    return success();
  }
  FailureOr<Value> axisValue = im.input(1);
  if (failed(axisValue)) {
    return failure();
  }
  auto axisType = cast<RankedTensorType>(axisValue->getType());
  Type axisElem = axisType.getElementType();
  Value result = scan(rank - 1);
  for (int64_t a = rank - 2; a >= 0; --a) {
    Value is = compare<EqualOp>(im, *axisValue,
                                createScalarConstant(im, axisElem, a));
    Value isNeg = compare<EqualOp>(
        im, *axisValue, createScalarConstant(im, axisElem, a - rank));
    is = im.create<OrOp>(is.getType(), {is, isNeg});
    result = im.create<WhereOp>(type, {is, scan(a), result});
  }
  im.setOutput(0, result);
  return success();
}

LogicalResult importTopK(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<RankedTensorType> valType = im.outputType(0);
  if (failed(x) || failed(valType)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", -1), type.getRank(), "axis");
  if (failed(axis)) {
    return failure();
  }
  // k: the attribute (opset < 10), else the result shape (the `k` input
  // need not be a constant).
  int64_t k = im.getOpset() < 10 ? im.attrInt("k", -1)
                                 : valType->getDimSize(*axis);
  OpBuilder &b = im.getBuilder();
  auto op = TopKOp::create(
      b, im.getLoc(),
      TypeRange{RankedTensorType::get(valType->getShape(),
                                      type.getElementType()),
                RankedTensorType::get(valType->getShape(), b.getI64Type())},
      ValueRange{*x},
      {im.namedAttr("k", b.getI64IntegerAttr(k)),
       im.namedAttr("axis", b.getI64IntegerAttr(*axis)),
       im.namedAttr("largest", b.getBoolAttr(im.attrInt("largest", 1)))});
  im.setOutput(0, op.getValues());
  if (im.getNode().output_size() > 1 && !im.getNode().output(1).empty()) {
    im.setOutput(1, op.getIndices());
  }
  return success();
}

LogicalResult importMod(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), y = im.input(1);
  if (failed(x) || failed(y)) {
    return failure();
  }
  Type elem = cast<RankedTensorType>(x->getType()).getElementType();
  int64_t fmod = im.attrInt("fmod", 0);
  if (isa<FloatType>(elem) && fmod != 1 && im.getOpset() < 28) {
    return im.unsupportedAttr("fmod", std::to_string(fmod),
                              "1 (required for floating-point inputs before "
                              "opset 28)");
  }
  if (isa<FloatType>(elem) && fmod == 0) {
    // Mod-28 on floats with fmod 0 takes the divisor's sign (Python's %):
    // r = fmod(x, y), plus y where r is non-zero and its sign is not y's.
    SmallVector<int64_t> shape =
        broadcastShape(cast<RankedTensorType>(x->getType()).getShape(),
                       cast<RankedTensorType>(y->getType()).getShape());
    auto type = RankedTensorType::get(shape, elem);
    OpBuilder &b = im.getBuilder();
    Value r = im.create<ModOp>(type, {*x, *y},
                               {im.namedAttr("fmod", b.getBoolAttr(true))});
    Value zero = createScalarConstant(im, elem, 0.0);
    Type i1 = b.getI1Type();
    Value adjust = createBinary<AndOp>(
        im,
        createBinary<XorOp>(im, createBinary<LessOp>(im, r, zero, i1),
                            createBinary<LessOp>(im, *y, zero, i1)),
        im.create<NotOp>(RankedTensorType::get(shape, i1),
                         createBinary<EqualOp>(im, r, zero, i1)));
    im.setOutput(0, im.create<WhereOp>(
                        type, {adjust, createBinary<AddOp>(im, r, *y), r}));
    return success();
  }
  if (!elem.isSignlessInteger() && !isa<FloatType>(elem)) {
    return im.error() << "element type " << elem
                      << " is not supported; supported: floats and signed "
                         "integers";
  }
  SmallVector<int64_t> shape =
      broadcastShape(cast<RankedTensorType>(x->getType()).getShape(),
                     cast<RankedTensorType>(y->getType()).getShape());
  SmallVector<NamedAttribute> attrs = {
      im.namedAttr("fmod", im.getBuilder().getBoolAttr(fmod != 0))};
  if (im.isUnsignedInput(0)) {
    attrs.push_back(
        im.namedAttr("is_unsigned", im.getBuilder().getUnitAttr()));
  }
  im.setOutput(0, im.create<ModOp>(RankedTensorType::get(shape, elem),
                                   {*x, *y}, attrs));
  return success();
}

/// BitShift (unsigned integers; etch's integers are signless).
LogicalResult importBitShift(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), y = im.input(1);
  if (failed(x) || failed(y)) {
    return failure();
  }
  std::string direction = im.attrString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT") {
    return im.unsupportedAttr("direction", "'" + direction + "'",
                              "LEFT and RIGHT");
  }
  Type elem = cast<RankedTensorType>(x->getType()).getElementType();
  if (!elem.isSignlessInteger() || elem.isInteger(1)) {
    return im.error() << "element type " << elem
                      << " is not supported; supported: unsigned integers";
  }
  SmallVector<int64_t> shape =
      broadcastShape(cast<RankedTensorType>(x->getType()).getShape(),
                     cast<RankedTensorType>(y->getType()).getShape());
  im.setOutput(0, im.create<BitShiftOp>(
                      RankedTensorType::get(shape, elem), {*x, *y},
                      {im.namedAttr("left", im.getBuilder().getBoolAttr(
                                                direction == "LEFT"))}));
  return success();
}

/// OneHot: where(unsqueeze(indices) == range(depth), on, off), with negative
/// indices counted back from depth.
LogicalResult importOneHot(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> idx = im.input(0), values = im.input(2);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(idx) || failed(values) || failed(outType)) {
    return failure();
  }
  auto idxType = cast<RankedTensorType>(idx->getType());
  int64_t rank = outType->getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", -1), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  Type i64 = b.getI64Type();
  int64_t depth = outType->getDimSize(*axis);
  Value index = *idx;
  if (idxType.getElementType() != i64) {
    index = im.create<CastOp>(RankedTensorType::get(idxType.getShape(), i64),
                              {index});
  }
  Value isNeg = compare<LessOp>(im, index, createScalarConstant(im, i64, 0));
  Value wrapped = createBinary<AddOp>(im, index,
                                      createScalarConstant(im, i64, depth));
  index = im.create<WhereOp>(index.getType(), {isNeg, wrapped, index});
  SmallVector<int64_t> unsq(idxType.getShape());
  unsq.insert(unsq.begin() + *axis, 1);
  index = reshape(im, index, unsq);
  SmallVector<int64_t> rangeShape(rank, 1), range;
  rangeShape[*axis] = depth;
  for (int64_t i = 0; i < depth; ++i) {
    range.push_back(i);
  }
  auto rangeType = RankedTensorType::get(rangeShape, i64);
  Value rangeValue = im.create<ConstantOp>(
      rangeType, {},
      {im.namedAttr("value", DenseElementsAttr::get(rangeType,
                                                    ArrayRef(range)))});
  Value hot = compare<EqualOp>(im, index, rangeValue);
  auto valType = cast<RankedTensorType>(values->getType());
  if (valType.getRank() != 1 || valType.getDimSize(0) != 2) {
    return im.error() << "'values' must have shape [2]";
  }
  Value off = slice(im, *values, 0, 0, 1), on = slice(im, *values, 0, 1, 1);
  im.setOutput(0, im.create<WhereOp>(*outType, {hot, on, off}));
  return success();
}

} // namespace

void importer::registerDataOps(OpTable &table) {
  table["BitShift"] = importBitShift;
  table["CumProd"] = importScan<CumProdOp>;
  table["CumSum"] = importScan<CumSumOp>;
  table["DepthToSpace"] = importDepthToSpace;
  table["Expand"] = importExpand;
  table["GatherElements"] = importGatherElements;
  table["GatherND"] = importGatherND;
  table["Mod"] = importMod;
  table["OneHot"] = importOneHot;
  table["SpaceToDepth"] = importSpaceToDepth;
  table["Split"] = importSplit;
  table["Tile"] = importTile;
  table["TopK"] = importTopK;
}
