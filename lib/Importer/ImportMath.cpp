//===- ImportMath.cpp - elementwise math, logic, Where, Cast, ArgMax ------===//
//
// Mean and Sum are chains of etch.add (Mean then divides by the input
// count); Pow casts an exponent of another type to the base type.
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

Value importer::createScalarConstant(GraphImporter &im, Type elementType,
                                     double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (auto ft = dyn_cast<FloatType>(elementType)) {
    attr = DenseElementsAttr::get(type, FloatAttr::get(ft, value));
  } else {
    attr = DenseElementsAttr::get(
        type, IntegerAttr::get(elementType, static_cast<int64_t>(value)));
  }
  return im.create<ConstantOp>(type, {},
                               {im.namedAttr("value", attr)});
}

/// Right-aligned NumPy broadcast; `compatible` is cleared on a mismatch.
static SmallVector<int64_t> broadcastImpl(ArrayRef<int64_t> a,
                                          ArrayRef<int64_t> b,
                                          bool &compatible) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  compatible = true;
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    compatible &= da == db || da == 1 || db == 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::optional<SmallVector<int64_t>>
importer::tryBroadcastShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  bool compatible;
  SmallVector<int64_t> out = broadcastImpl(a, b, compatible);
  if (!compatible) {
    return std::nullopt;
  }
  return out;
}

SmallVector<int64_t> importer::broadcastShape(ArrayRef<int64_t> a,
                                              ArrayRef<int64_t> b) {
  bool compatible;
  return broadcastImpl(a, b, compatible);
}

template <typename OpTy>
Value importer::createBinary(GraphImporter &im, Value lhs, Value rhs,
                             Type resultElementType) {
  auto l = cast<RankedTensorType>(lhs.getType());
  auto r = cast<RankedTensorType>(rhs.getType());
  Type elem = resultElementType ? resultElementType : l.getElementType();
  return im.create<OpTy>(
      RankedTensorType::get(broadcastShape(l.getShape(), r.getShape()), elem),
      {lhs, rhs});
}

Value importer::slice(GraphImporter &im, Value x, int64_t axis, int64_t start,
                      int64_t size) {
  auto type = cast<RankedTensorType>(x.getType());
  if (start == 0 && size == type.getDimSize(axis)) {
    return x;
  }
  SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
  SmallVector<int64_t> shape(type.getShape());
  starts[axis] = size == 0 ? 0 : start;
  shape[axis] = size;
  OpBuilder &b = im.getBuilder();
  return im.create<SliceOp>(
      RankedTensorType::get(shape, type.getElementType()), {x},
      {im.namedAttr("starts", b.getDenseI64ArrayAttr(starts)),
       im.namedAttr("steps", b.getDenseI64ArrayAttr(steps))});
}

Value importer::reshapeTo(GraphImporter &im, Value x,
                          ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getShape() == shape) {
    return x;
  }
  return im.create<ReshapeOp>(
      RankedTensorType::get(shape, type.getElementType()), {x});
}

Value importer::transposeBy(GraphImporter &im, Value x,
                            ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
  }
  return im.create<TransposeOp>(
      RankedTensorType::get(shape, type.getElementType()), {x},
      {im.namedAttr("perm", im.getBuilder().getDenseI64ArrayAttr(perm))});
}

Value importer::concatAlong(GraphImporter &im, ArrayRef<Value> parts,
                           int64_t axis) {
  if (parts.size() == 1) {
    return parts.front();
  }
  SmallVector<int64_t> shape(typeOf(parts.front()).getShape());
  shape[axis] = 0;
  for (Value p : parts) {
    shape[axis] += typeOf(p).getDimSize(axis);
  }
  return im.create<ConcatOp>(
      RankedTensorType::get(shape, typeOf(parts.front()).getElementType()),
      parts, {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(axis))});
}

template <typename OpTy>
Value importer::createReduceOrIdentity(GraphImporter &im,
                                       RankedTensorType type, Value x,
                                       ArrayRef<int64_t> axes, bool keepdims) {
  auto xType = cast<RankedTensorType>(x.getType());
  bool emptyAxis = llvm::any_of(
      axes, [&](int64_t a) { return xType.getDimSize(a) == 0; });
  OpBuilder &b = im.getBuilder();
  if (!emptyAxis || type.getNumElements() == 0) {
    return im.create<OpTy>(type, x,
                           {im.namedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                            im.namedAttr("keepdims", b.getBoolAttr(keepdims))});
  }
  constexpr bool isMax = std::is_same_v<OpTy, ReduceMaxOp>;
  constexpr bool isMin = std::is_same_v<OpTy, ReduceMinOp>;
  Type elem = type.getElementType();
  Attribute value;
  if (auto ft = dyn_cast<FloatType>(elem)) {
    const llvm::fltSemantics &sem = ft.getFloatSemantics();
    APFloat v = isMax   ? APFloat::getInf(sem, /*Negative=*/true)
                : isMin ? APFloat::getInf(sem)
                : std::is_same_v<OpTy, ReduceMeanOp>
                    ? APFloat::getNaN(sem)
                    : APFloat(sem, std::is_same_v<OpTy, ReduceProdOp> ? 1 : 0);
    value = DenseElementsAttr::get(type, v);
  } else {
    unsigned width = elem.getIntOrFloatBitWidth();
    APInt v = width == 1 ? APInt(1, isMin ? 1 : 0)
              : isMax    ? APInt::getSignedMinValue(width)
              : isMin    ? APInt::getSignedMaxValue(width)
                         : APInt(width, std::is_same_v<OpTy, ReduceProdOp>);
    value = DenseElementsAttr::get(type, v);
  }
  return im.create<ConstantOp>(type, {}, {im.namedAttr("value", value)});
}

template Value importer::createReduceOrIdentity<ReduceSumOp>(
    GraphImporter &, RankedTensorType, Value, ArrayRef<int64_t>, bool);
template Value importer::createReduceOrIdentity<ReduceProdOp>(
    GraphImporter &, RankedTensorType, Value, ArrayRef<int64_t>, bool);
template Value importer::createReduceOrIdentity<ReduceMaxOp>(
    GraphImporter &, RankedTensorType, Value, ArrayRef<int64_t>, bool);
template Value importer::createReduceOrIdentity<ReduceMinOp>(
    GraphImporter &, RankedTensorType, Value, ArrayRef<int64_t>, bool);
template Value importer::createReduceOrIdentity<ReduceMeanOp>(
    GraphImporter &, RankedTensorType, Value, ArrayRef<int64_t>, bool);

template Value importer::createBinary<AddOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<SubOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<MulOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<DivOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<EqualOp>(GraphImporter &, Value, Value,
                                               Type);
template Value importer::createBinary<MaxOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<MinOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<PowOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<AndOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<OrOp>(GraphImporter &, Value, Value,
                                            Type);
template Value importer::createBinary<XorOp>(GraphImporter &, Value, Value,
                                             Type);
template Value importer::createBinary<LessOp>(GraphImporter &, Value, Value,
                                              Type);

template <typename OpTy>
static LogicalResult importMathUnary(GraphImporter &im,
                                     const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  if (std::is_same_v<OpTy, AbsOp> && im.isUnsignedInput(0)) {
    im.setOutput(0, *x);
    return success();
  }
  SmallVector<NamedAttribute> attrs;
  OpBuilder &b = im.getBuilder();
  auto f32 = [&](StringRef name, float dflt) {
    attrs.push_back(
        im.namedAttr(name, b.getF32FloatAttr(im.attrFloat(name, dflt))));
  };
  if constexpr (std::is_same_v<OpTy, EluOp> || std::is_same_v<OpTy, CeluOp> ||
                std::is_same_v<OpTy, ThresholdedReluOp>) {
    f32("alpha", 1.0f);
  } else if constexpr (std::is_same_v<OpTy, SeluOp>) {
    f32("alpha", 1.67326319217681884765625f);
    f32("gamma", 1.05070102214813232421875f);
  }
  im.setOutput(0, im.create<OpTy>(x->getType(), *x, attrs));
  return success();
}

/// Binary ops whose result element type comes from ONNX shape inference
/// (the operands' type, or i1 for comparisons).
template <typename OpTy>
static LogicalResult importMathBinary(GraphImporter &im,
                                      const onnx::NodeProto &) {
  FailureOr<Value> lhs = im.input(0), rhs = im.input(1);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(lhs) || failed(rhs) || failed(outType)) {
    return failure();
  }
  if (!std::is_same_v<OpTy, PReluOp>) {
    rhs = legacyBroadcastRhs(im, *lhs, *rhs);
  } else if (im.getOpset() < 7) {
    rhs = legacyPReluSlope(im, *lhs, *rhs);
  }
  if (failed(rhs)) {
    return failure();
  }
  Value r = *rhs;
  Type lElem = cast<RankedTensorType>(lhs->getType()).getElementType();
  auto rType = cast<RankedTensorType>(r.getType());
  OpBuilder &b = im.getBuilder();
  if (std::is_same_v<OpTy, PowOp> && rType.getElementType() != lElem) {
    r = im.create<CastOp>(
        RankedTensorType::get(rType.getShape(), lElem), r,
        {im.namedAttr("unsigned_input", b.getBoolAttr(im.isUnsignedInput(1)))});
  }
  SmallVector<NamedAttribute> attrs;
  if constexpr (std::is_same_v<OpTy, LessOp> ||
                std::is_same_v<OpTy, LessOrEqualOp> ||
                std::is_same_v<OpTy, GreaterOp> ||
                std::is_same_v<OpTy, GreaterOrEqualOp>) {
    if (im.isUnsignedInput(0)) {
      attrs.push_back(im.namedAttr("is_unsigned", b.getUnitAttr()));
    }
  }
  im.setOutput(0, im.create<OpTy>(*outType, {*lhs, r}, attrs));
  return success();
}

static LogicalResult importWhere(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> c = im.input(0), x = im.input(1), y = im.input(2);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(c) || failed(x) || failed(y) || failed(outType)) {
    return failure();
  }
  im.setOutput(0, im.create<WhereOp>(*outType, {*c, *x, *y}));
  return success();
}

static LogicalResult importCast(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto inType = cast<RankedTensorType>(x->getType());
  // Cast-1 (opsets 1-5) names the type as a string ("FLOAT") and ONNX infers
  // no type for it.
  const onnx::AttributeProto *toAttr = im.attr("to");
  FailureOr<RankedTensorType> outType = failure();
  bool uOut = im.isUnsignedOutput(0);
  // The ONNX result type: `to`, or CastLike's input 1's.
  int32_t onnxOut = im.onnxElementType(im.getNode().output(0));
  bool isCastLike = im.getNode().op_type() == "CastLike";
  if (isCastLike && im.hasInput(1)) {
    onnxOut = im.onnxElementType(im.getNode().input(1));
  } else if (toAttr && toAttr->type() == onnx::AttributeProto::INT) {
    onnxOut = static_cast<int32_t>(toAttr->i());
  }
  if (toAttr && toAttr->type() == onnx::AttributeProto::STRING) {
    onnx::TensorProto::DataType dt;
    Type elem;
    if (onnx::TensorProto::DataType_Parse(toAttr->s(), &dt)) {
      elem = convertElementType(im.getContext(), dt);
    }
    if (!elem) {
      return im.unsupportedAttr("to", "'" + toAttr->s() + "'",
                                "numeric and bool type names");
    }
    outType = RankedTensorType::get(inType.getShape(), elem);
    uOut = isUnsignedType(dt);
  } else if (Type elem = convertElementType(im.getContext(), onnxOut)) {
    // Cast keeps the shape; libonnx 1.12 infers no type for the newer
    // element types.
    outType = RankedTensorType::get(inType.getShape(), elem);
    uOut = isUnsignedType(onnxOut);
  } else {
    outType = im.outputType(0);
  }
  if (failed(outType)) {
    return failure();
  }
  Type to = outType->getElementType();
  if (!to.isIntOrFloat() || !inType.getElementType().isIntOrFloat()) {
    return im.error() << "cast from " << inType.getElementType() << " to "
                      << to << " is not supported";
  }
  bool uIn = im.isUnsignedInput(0);
  // int4/uint4/int2/uint2/float4e2m1 travel as i8 (see
  // ImportNarrowTypes.cpp); the storage names say what the i8 holds.
  StringRef inStorage =
      narrowStorageName(im.onnxElementType(im.getNode().input(0)));
  StringRef outStorage = narrowStorageName(onnxOut);
  // Same bits, same meaning (int8 <-> uint8 reinterpret the same bits too:
  // ONNX casts between integer types wrap).
  // int4 -> int8 and the like: the i8 already holds the value.
  bool sameValue = inStorage == outStorage ||
                   (outStorage.empty() && inStorage != "f4E2M1FN");
  if (inType == *outType && sameValue) {
    im.setOutput(0, *x);
    im.noteOutputType(0, onnxOut);
    return success();
  }
  OpBuilder &b = im.getBuilder();
  std::string roundMode = im.attrString("round_mode", "up");
  if (roundMode != "up" && roundMode != "down" && roundMode != "nearest") {
    return im.unsupportedAttr("round_mode", "'" + roundMode + "'",
                              "up, down and nearest");
  }
  im.setOutput(
      0, im.create<CastOp>(
             *outType, *x,
             {im.namedAttr("unsigned_input", b.getBoolAttr(uIn)),
              im.namedAttr("unsigned_output", b.getBoolAttr(uOut)),
              im.namedAttr("saturate",
                           b.getBoolAttr(im.attrInt("saturate", 1) != 0)),
              im.namedAttr("round_mode", b.getStringAttr(roundMode)),
              im.namedAttr("input_storage", b.getStringAttr(inStorage)),
              im.namedAttr("output_storage", b.getStringAttr(outStorage))}));
  im.noteOutputType(0, onnxOut);
  return success();
}

/// Sum and Mean: a chain of adds (Mean divides by the input count).
static LogicalResult importSumMean(GraphImporter &im,
                                   const onnx::NodeProto &node) {
  if (node.input_size() < 1) {
    return im.error() << "needs at least one input";
  }
  FailureOr<Value> acc = im.input(0);
  if (failed(acc)) {
    return failure();
  }
  for (int i = 1; i < node.input_size(); ++i) {
    FailureOr<Value> rhs = im.input(i);
    if (failed(rhs)) {
      return failure();
    }
    acc = createBinary<AddOp>(im, *acc, *rhs);
  }
  if (node.op_type() == "Mean" && node.input_size() > 1) {
    Type elem = cast<RankedTensorType>(acc->getType()).getElementType();
    acc = createBinary<DivOp>(
        im, *acc, createScalarConstant(im, elem, node.input_size()));
  }
  im.setOutput(0, *acc);
  return success();
}

template <typename OpTy>
static LogicalResult importArgReduce(GraphImporter &im,
                                     const onnx::NodeProto &) {
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
  bool keepdims = im.attrInt("keepdims", 1) != 0;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d != *axis) {
      shape.push_back(type.getDimSize(d));
    } else if (keepdims) {
      shape.push_back(1);
    }
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(
      0, im.create<OpTy>(
             RankedTensorType::get(shape, b.getI64Type()), *x,
             {im.namedAttr("axis", b.getI64IntegerAttr(*axis)),
              im.namedAttr("keepdims", b.getBoolAttr(keepdims)),
              im.namedAttr("select_last_index",
                           b.getBoolAttr(im.attrInt("select_last_index", 0) !=
                                         0))}));
  return success();
}

void importer::registerMathOps(OpTable &table) {
  table["Sqrt"] = importMathUnary<SqrtOp>;
  table["Exp"] = importMathUnary<ExpOp>;
  table["Log"] = importMathUnary<LogOp>;
  table["Erf"] = importMathUnary<ErfOp>;
  table["Sin"] = importMathUnary<SinOp>;
  table["Cos"] = importMathUnary<CosOp>;
  table["Tan"] = importMathUnary<TanOp>;
  table["Asin"] = importMathUnary<AsinOp>;
  table["Acos"] = importMathUnary<AcosOp>;
  table["Atan"] = importMathUnary<AtanOp>;
  table["Sinh"] = importMathUnary<SinhOp>;
  table["Cosh"] = importMathUnary<CoshOp>;
  table["Asinh"] = importMathUnary<AsinhOp>;
  table["Acosh"] = importMathUnary<AcoshOp>;
  table["Atanh"] = importMathUnary<AtanhOp>;
  table["Abs"] = importMathUnary<AbsOp>;
  table["Neg"] = importMathUnary<NegOp>;
  table["Sign"] = importMathUnary<SignOp>;
  table["Reciprocal"] = importMathUnary<ReciprocalOp>;
  table["Floor"] = importMathUnary<FloorOp>;
  table["Ceil"] = importMathUnary<CeilOp>;
  table["Round"] = importMathUnary<RoundOp>;
  table["Not"] = importMathUnary<NotOp>;
  table["Softplus"] = importMathUnary<SoftplusOp>;
  table["Softsign"] = importMathUnary<SoftsignOp>;
  table["Elu"] = importMathUnary<EluOp>;
  table["Selu"] = importMathUnary<SeluOp>;
  table["Celu"] = importMathUnary<CeluOp>;
  table["ThresholdedRelu"] = importMathUnary<ThresholdedReluOp>;
  table["Pow"] = importMathBinary<PowOp>;
  table["PRelu"] = importMathBinary<PReluOp>;
  table["And"] = importMathBinary<AndOp>;
  table["Or"] = importMathBinary<OrOp>;
  table["Xor"] = importMathBinary<XorOp>;
  table["Equal"] = importMathBinary<EqualOp>;
  table["Less"] = importMathBinary<LessOp>;
  table["LessOrEqual"] = importMathBinary<LessOrEqualOp>;
  table["Greater"] = importMathBinary<GreaterOp>;
  table["GreaterOrEqual"] = importMathBinary<GreaterOrEqualOp>;
  table["Where"] = importWhere;
  table["Cast"] = importCast;
  table["CastLike"] = importCast; // to input 1's type, which inference gives
  table["Sum"] = importSumMean;
  table["Mean"] = importSumMean;
  table["ArgMax"] = importArgReduce<ArgMaxOp>;
  table["ArgMin"] = importArgReduce<ArgMinOp>;
  registerMathReduceOps(table);
}
