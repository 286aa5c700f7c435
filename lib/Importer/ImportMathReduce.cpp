//===- ImportMathReduce.cpp - reductions, normalizations, LogSoftmax ------===//
//
// ReduceMin/ReduceProd map to etch ops; ReduceL1/L2/LogSum/LogSumExp/
// SumSquare, LogSoftmax, Hardmax, LayerNormalization, InstanceNormalization
// and Trilu are decomposed here into etch ops that each have a lowering
// (following the ONNX reference formulas, e.g. log(sum(exp(x))) unshifted).
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// Reduction axes of the current node: normalized, sorted, unique; all axes
/// for "empty"; std::nullopt for a no-op (noop_with_empty_axes).
FailureOr<std::optional<SmallVector<int64_t>>>
readReduceAxes(GraphImporter &im, int64_t rank, bool axesInput) {
  std::optional<SmallVector<int64_t>> axes;
  if (axesInput) {
    if (im.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> v = im.constantInts(1, "axes");
      if (failed(v)) {
        return failure();
      }
      axes = std::move(*v);
    }
  } else {
    axes = im.attrInts("axes");
  }
  if (!axes || axes->empty()) {
    if (im.attrInt("noop_with_empty_axes", 0) != 0) {
      return std::optional<SmallVector<int64_t>>();
    }
    return std::optional<SmallVector<int64_t>>(
        llvm::to_vector(llvm::seq<int64_t>(0, rank)));
  }
  SmallVector<int64_t> result;
  for (int64_t a : *axes) {
    FailureOr<int64_t> n = normalizeAxis(im, a, rank, "axis");
    if (failed(n)) {
      return failure();
    }
    result.push_back(*n);
  }
  llvm::sort(result);
  if (std::adjacent_find(result.begin(), result.end()) != result.end()) {
    return im.error() << "axes contain duplicates";
  }
  return std::optional<SmallVector<int64_t>>(std::move(result));
}

template <typename OpTy>
Value createReduce(GraphImporter &im, Value x, ArrayRef<int64_t> axes,
                   bool keepdims) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d)) {
      shape.push_back(type.getDimSize(d));
    } else if (keepdims) {
      shape.push_back(1);
    }
  }
  return createReduceOrIdentity<OpTy>(
      im, RankedTensorType::get(shape, type.getElementType()), x, axes,
      keepdims);
}

template <typename OpTy>
Value unary(GraphImporter &im, Value x) {
  return im.create<OpTy>(x.getType(), x);
}

enum class Pre { None, Abs, Square, Exp };
enum class Post { None, Sqrt, Log };

/// ReduceX = post(reduce(pre(x))).
template <typename OpTy, Pre P, Post Q>
LogicalResult importReduce(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  bool axesInput = im.getOpset() >= (node.op_type() == "ReduceSum" ? 13 : 18);
  auto axes = readReduceAxes(im, rank, axesInput);
  if (failed(axes)) {
    return failure();
  }
  if (!*axes) {
    im.setOutput(0, *x);
    return success();
  }
  Value v = *x;
  if (P == Pre::Abs) {
    v = unary<AbsOp>(im, v);
  } else if (P == Pre::Square) {
    v = createBinary<MulOp>(im, v, v);
  } else if (P == Pre::Exp) {
    v = unary<ExpOp>(im, v);
  }
  v = createReduce<OpTy>(im, v, **axes, im.attrInt("keepdims", 1) != 0);
  if (Q == Post::Sqrt) {
    v = unary<SqrtOp>(im, v);
  } else if (Q == Post::Log) {
    v = unary<LogOp>(im, v);
  }
  im.setOutput(0, v);
  return success();
}

/// Runs `body` on `x` viewed as 2-D at `axis` (opset < 13 Softmax-family
/// coercion) and reshapes back; `body` gets the axis to work on.
LogicalResult withCoercion(GraphImporter &im, int64_t dfltNew,
                           function_ref<Value(Value, int64_t)> body) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (rank == 0) {
    return im.error() << "expected an input of rank >= 1";
  }
  bool coerce = im.getOpset() < 13;
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", coerce ? 1 : dfltNew), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  if (!coerce || *axis == rank - 1) {
    im.setOutput(0, body(*x, *axis));
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  }
  auto flatType = RankedTensorType::get({outer, inner}, type.getElementType());
  Value flat = im.create<ReshapeOp>(flatType, *x);
  im.setOutput(0, im.create<ReshapeOp>(type, body(flat, 1)));
  return success();
}

LogicalResult importLogSoftmax(GraphImporter &im, const onnx::NodeProto &) {
  return withCoercion(im, -1, [&](Value x, int64_t axis) {
    Value max = createReduce<ReduceMaxOp>(im, x, {axis}, true);
    Value d = createBinary<SubOp>(im, x, max);
    Value sum = createReduce<ReduceSumOp>(im, unary<ExpOp>(im, d), {axis},
                                          true);
    return createBinary<SubOp>(im, d, unary<LogOp>(im, sum));
  });
}

/// Hardmax: 1 at the first maximum along the axis: argmax == iota.
LogicalResult importHardmax(GraphImporter &im, const onnx::NodeProto &) {
  return withCoercion(im, -1, [&](Value x, int64_t axis) {
    OpBuilder &b = im.getBuilder();
    auto type = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> argShape(type.getShape());
    argShape[axis] = 1;
    Value arg = im.create<ArgMaxOp>(
        RankedTensorType::get(argShape, b.getI64Type()), x,
        {im.namedAttr("axis", b.getI64IntegerAttr(axis)),
         im.namedAttr("keepdims", b.getBoolAttr(true))});
    int64_t n = type.getDimSize(axis);
    SmallVector<int64_t> iotaShape(type.getRank() - axis, 1);
    iotaShape[0] = n;
    auto iotaType = RankedTensorType::get(iotaShape, b.getI64Type());
    SmallVector<int64_t> iota = llvm::to_vector(llvm::seq<int64_t>(0, n));
    Value idx = im.create<ConstantOp>(
        iotaType, {},
        {im.namedAttr("value",
                      DenseElementsAttr::get(iotaType, ArrayRef(iota)))});
    Value eq = createBinary<EqualOp>(im, arg, idx, b.getI1Type());
    return im.create<CastOp>(type, eq);
  });
}

/// (x - mean) / sqrt(var + eps) over `axes` (keepdims); `meanOut` and
/// `stdOut` receive mean and sqrt(var + eps) when given.
Value normalize(GraphImporter &im, Value x, ArrayRef<int64_t> axes,
                float epsilon, Value *meanOut = nullptr,
                Value *stdOut = nullptr) {
  Type elem = cast<RankedTensorType>(x.getType()).getElementType();
  Value mean = createReduce<ReduceMeanOp>(im, x, axes, true);
  Value d = createBinary<SubOp>(im, x, mean);
  Value var =
      createReduce<ReduceMeanOp>(im, createBinary<MulOp>(im, d, d), axes, true);
  Value std = unary<SqrtOp>(
      im, createBinary<AddOp>(im, var, createScalarConstant(im, elem, epsilon)));
  if (meanOut) {
    *meanOut = mean;
  }
  if (stdOut) {
    *stdOut = std;
  }
  return createBinary<DivOp>(im, d, std);
}

LogicalResult importLayerNorm(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), scale = im.input(1);
  if (failed(x) || failed(scale)) {
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", -1), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(*axis, rank));
  Value mean, std;
  Value y =
      normalize(im, *x, axes, im.attrFloat("epsilon", 1e-5f), &mean, &std);
  // The optional Mean and InvStdDev outputs (keepdims shapes).
  const onnx::NodeProto &node = im.getNode();
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, mean);
  }
  if (node.output_size() > 2 && !node.output(2).empty()) {
    im.setOutput(2, unary<ReciprocalOp>(im, std));
  }
  y = createBinary<MulOp>(im, y, *scale);
  if (im.hasInput(2)) {
    FailureOr<Value> bias = im.input(2);
    if (failed(bias)) {
      return failure();
    }
    y = createBinary<AddOp>(im, y, *bias);
  }
  im.setOutput(0, y);
  return success();
}

LogicalResult importInstanceNorm(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), scale = im.input(1), bias = im.input(2);
  if (failed(x) || failed(scale) || failed(bias)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (rank < 3) {
    return im.error() << "expected an input of rank >= 3";
  }
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  Value y = normalize(im, *x, axes, im.attrFloat("epsilon", 1e-5f));
  // [C] -> [C, 1, ..., 1] so it broadcasts against [N, C, spatial...].
  SmallVector<int64_t> cShape(rank - 1, 1);
  cShape[0] = type.getDimSize(1);
  auto cType = RankedTensorType::get(cShape, type.getElementType());
  y = createBinary<MulOp>(im, y, im.create<ReshapeOp>(cType, *scale));
  y = createBinary<AddOp>(im, y, im.create<ReshapeOp>(cType, *bias));
  im.setOutput(0, y);
  return success();
}

/// GroupNormalization (18, 21): x [N, C, spatial...] viewed as
/// [N, G, C / G * spatial] and normalized over the last axis; scale and bias
/// are per group at opset 18 and per channel from 21.
LogicalResult importGroupNorm(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), scale = im.input(1), bias = im.input(2);
  if (failed(x) || failed(scale) || failed(bias)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank(), groups = im.attrInt("num_groups", 0);
  if (rank < 3 || groups < 1 || type.getDimSize(1) % groups != 0) {
    return im.error() << "expected an input [N, C, spatial...] whose channels "
                         "divide by num_groups ("
                      << groups << "), got " << type;
  }
  int64_t n = type.getDimSize(0), c = type.getDimSize(1);
  bool perChannel = im.getOpset() >= 21;
  int64_t params = perChannel ? c : groups;
  for (Value v : {*scale, *bias}) {
    if (cast<RankedTensorType>(v.getType()).getNumElements() != params) {
      return im.error() << "scale and bias must have " << params
                        << " elements (one per "
                        << (perChannel ? "channel" : "group") << ", opset "
                        << im.getOpset() << ")";
    }
  }
  int64_t perGroup = type.getNumElements() / std::max<int64_t>(n * groups, 1);
  Value y = normalize(im, reshapeTo(im, *x, {n, groups, perGroup}), {2},
                      im.attrFloat("epsilon", 1e-5f));
  if (!perChannel) {
    y = createBinary<MulOp>(im, y, reshapeTo(im, *scale, {groups, 1}));
    y = createBinary<AddOp>(im, y, reshapeTo(im, *bias, {groups, 1}));
    im.setOutput(0, reshapeTo(im, y, type.getShape()));
    return success();
  }
  SmallVector<int64_t> cShape(rank - 1, 1);
  cShape[0] = c;
  y = reshapeTo(im, y, type.getShape());
  y = createBinary<MulOp>(im, y, reshapeTo(im, *scale, cShape));
  y = createBinary<AddOp>(im, y, reshapeTo(im, *bias, cShape));
  im.setOutput(0, y);
  return success();
}

/// RMSNormalization (23): x / sqrt(mean(x^2) + epsilon) * scale over the
/// axes from `axis` to the last.
LogicalResult importRMSNorm(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), scale = im.input(1);
  if (failed(x) || failed(scale)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(im, im.attrInt("axis", -1), rank, "axis");
  if (failed(axis)) {
    return failure();
  }
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(*axis, rank));
  Value ms = createReduce<ReduceMeanOp>(im, createBinary<MulOp>(im, *x, *x),
                                        axes, true);
  Value rms = unary<SqrtOp>(
      im, createBinary<AddOp>(im, ms,
                              createScalarConstant(im, type.getElementType(),
                                                   im.attrFloat("epsilon",
                                                                1e-5f))));
  im.setOutput(0, createBinary<MulOp>(im, createBinary<DivOp>(im, *x, rms),
                                      *scale));
  return success();
}

/// Trilu: where(mask, x, 0) with a constant mask over the last two dims.
LogicalResult importTrilu(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  int64_t k = 0;
  if (im.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = im.constantInts(1, "k");
    if (failed(v)) {
      return failure();
    }
    if (v->size() != 1) {
      return im.error() << "'k' must be a scalar";
    }
    k = v->front();
  }
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() < 2) {
    return im.error() << "expected an input of rank >= 2";
  }
  bool upper = im.attrInt("upper", 1) != 0;
  int64_t n = type.getDimSize(type.getRank() - 2);
  int64_t m = type.getDimSize(type.getRank() - 1);
  SmallVector<bool> mask;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < m; ++j) {
      mask.push_back(upper ? j - i >= k : j - i <= k);
    }
  }
  OpBuilder &b = im.getBuilder();
  auto maskType = RankedTensorType::get({n, m}, b.getI1Type());
  Value maskValue = im.create<ConstantOp>(
      maskType, {},
      {im.namedAttr("value", DenseElementsAttr::get(maskType, ArrayRef(mask)))});
  Value zero = createScalarConstant(im, type.getElementType(), 0.0);
  im.setOutput(0, im.create<WhereOp>(type, {maskValue, *x, zero}));
  return success();
}

} // namespace

void importer::registerMathReduceOps(OpTable &table) {
  table["ReduceMin"] = importReduce<ReduceMinOp, Pre::None, Post::None>;
  table["ReduceProd"] = importReduce<ReduceProdOp, Pre::None, Post::None>;
  table["ReduceL1"] = importReduce<ReduceSumOp, Pre::Abs, Post::None>;
  table["ReduceL2"] = importReduce<ReduceSumOp, Pre::Square, Post::Sqrt>;
  table["ReduceSumSquare"] = importReduce<ReduceSumOp, Pre::Square, Post::None>;
  table["ReduceLogSum"] = importReduce<ReduceSumOp, Pre::None, Post::Log>;
  table["ReduceLogSumExp"] = importReduce<ReduceSumOp, Pre::Exp, Post::Log>;
  table["LogSoftmax"] = importLogSoftmax;
  table["Hardmax"] = importHardmax;
  table["LayerNormalization"] = importLayerNorm;
  table["InstanceNormalization"] = importInstanceNorm;
  table["GroupNormalization"] = importGroupNorm;
  table["RMSNormalization"] = importRMSNorm;
  table["Trilu"] = importTrilu;
}
