//===- ImportML.cpp - ai.onnx.ml Binarizer, ArrayFeatureExtractor, ... ----===//
//
// The numeric ai.onnx.ml ops as compositions of etch ops: Binarizer is a
// compare and select, ArrayFeatureExtractor a Gather along the last axis,
// LabelEncoder (numeric keys and values, versions 2 to 4) a match of every
// element against the constant keys followed by a Gather of the value of
// the (unique) matching key, or the default where none matches. etch
// tensors are numeric: string keys, values and inputs are a user error.
// TreeEnsemble is in ImportTreeEnsemble.cpp.
//
//===----------------------------------------------------------------------===//
#include "ImportML.h"

#include "llvm/ADT/STLExtras.h"

#include <map>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

Value importer::constantOf(GraphImporter &im, ArrayRef<int64_t> shape,
                           Type elem, ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elem);
  SmallVector<Attribute> attrs;
  for (double v : values) {
    if (auto ft = dyn_cast<FloatType>(elem)) {
      attrs.push_back(FloatAttr::get(ft, v));
    } else if (elem.isInteger(1)) {
      attrs.push_back(BoolAttr::get(im.getContext(), v != 0));
    } else {
      attrs.push_back(IntegerAttr::get(elem, static_cast<int64_t>(v)));
    }
  }
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, attrs))});
}

Value importer::constantOf(GraphImporter &im, ArrayRef<int64_t> shape,
                           Type elem, ArrayRef<int64_t> values) {
  if (isa<FloatType>(elem)) {
    SmallVector<double> d(values.begin(), values.end());
    return constantOf(im, shape, elem, d);
  }
  auto type = RankedTensorType::get(shape, elem);
  SmallVector<Attribute> attrs;
  for (int64_t v : values) {
    attrs.push_back(elem.isInteger(1)
                        ? Attribute(BoolAttr::get(im.getContext(), v != 0))
                        : Attribute(IntegerAttr::get(elem, v)));
  }
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, attrs))});
}

FailureOr<SmallVector<double>> importer::attrTensorFloats(GraphImporter &im,
                                                          StringRef name) {
  const onnx::AttributeProto *a = im.attr(name);
  if (!a || !a->has_t()) {
    return im.error() << "expected the tensor attribute '" << name << "'";
  }
  return tensorToFloats(a->t(), im.getModelDir(), im.getLoc());
}

FailureOr<SmallVector<int64_t>> importer::attrTensorInts(GraphImporter &im,
                                                         StringRef name) {
  const onnx::AttributeProto *a = im.attr(name);
  if (!a || !a->has_t()) {
    return im.error() << "expected the tensor attribute '" << name << "'";
  }
  return tensorToInts(a->t(), im.getModelDir(), im.getLoc());
}

namespace {

FailureOr<Value> numericInput(GraphImporter &im, unsigned i) {
  FailureOr<Value> x = im.input(i);
  if (failed(x)) {
    return failure();
  }
  Type elem = typeOf(*x).getElementType();
  if (!isa<FloatType>(elem) && !isa<IntegerType>(elem)) {
    return im.error() << "expected a numeric input, got " << x->getType();
  }
  return x;
}

/// Y = X > threshold ? 1 : 0, in X's type.
LogicalResult importBinarizer(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = numericInput(im, 0);
  if (failed(x)) {
    return failure();
  }
  RankedTensorType type = typeOf(*x);
  Type elem = type.getElementType();
  double threshold = im.attrFloat("threshold", 0.0f);
  Value above =
      im.create<GreaterOp>(type.clone(im.getBuilder().getI1Type()),
                           {*x, createScalarConstant(im, elem, threshold)});
  im.setOutput(
      0, im.create<WhereOp>(type, {above, createScalarConstant(im, elem, 1),
                                   createScalarConstant(im, elem, 0)}));
  return success();
}

/// Z = X[..., flatten(Y)]; a 1-D X gives [1, k] (as ONNX Runtime does).
LogicalResult importArrayFeatureExtractor(GraphImporter &im,
                                          const onnx::NodeProto &) {
  FailureOr<Value> x = numericInput(im, 0);
  FailureOr<Value> y = im.input(1);
  if (failed(x) || failed(y)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*x);
  if (xType.getRank() == 0 || !typeOf(*y).getElementType().isInteger(64)) {
    return im.error() << "expected a tensor of rank >= 1 and int64 indices, "
                         "got "
                      << x->getType() << " and " << y->getType();
  }
  int64_t k = typeOf(*y).getNumElements();
  Value indices = reshapeTo(im, *y, {k});
  int64_t axis = xType.getRank() - 1;
  SmallVector<int64_t> shape(xType.getShape());
  shape.back() = k;
  Value z = im.create<GatherOp>(
      xType.clone(shape), {*x, indices},
      {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(axis))});
  if (xType.getRank() == 1) {
    z = reshapeTo(im, z, {1, k});
  }
  im.setOutput(0, z);
  return success();
}

/// One side of a LabelEncoder mapping: numbers as doubles or integers.
struct Numbers {
  bool isFloat = false;
  SmallVector<double> floats;
  SmallVector<int64_t> ints;
  Type elem; // the element type they come with
  size_t size() const { return isFloat ? floats.size() : ints.size(); }
};

/// Reads `<prefix>floats`, `<prefix>int64s` or `<prefix>tensor`; failure
/// (with an error) for strings or when none is present.
FailureOr<Numbers> readNumbers(GraphImporter &im, StringRef prefix) {
  Builder &b = im.getBuilder();
  std::string strings = (prefix + "strings").str();
  if (im.attr(strings)) {
    return im.error() << "'" << strings
                      << "': string keys and values are not supported "
                         "(etch tensors are numeric); supported: "
                      << prefix << "floats, " << prefix << "int64s, " << prefix
                      << "tensor of a numeric type";
  }
  Numbers n;
  if (const onnx::AttributeProto *a = im.attr((prefix + "floats").str())) {
    n.isFloat = true;
    n.floats.assign(a->floats().begin(), a->floats().end());
    n.elem = b.getF32Type();
    return n;
  }
  if (const onnx::AttributeProto *a = im.attr((prefix + "int64s").str())) {
    n.ints.assign(a->ints().begin(), a->ints().end());
    n.elem = b.getI64Type();
    return n;
  }
  if (const onnx::AttributeProto *a = im.attr((prefix + "tensor").str())) {
    int32_t dt = a->t().data_type();
    n.elem = convertElementType(im.getContext(), dt);
    if (dt == onnx::TensorProto::STRING || !n.elem || isUnsignedType(dt) ||
        n.elem.isInteger(1)) {
      return im.error() << "'" << prefix << "tensor' of type "
                        << onnxTypeName(dt)
                        << " is not supported; supported: float, double, "
                           "float16 and signed integer tensors";
    }
    n.isFloat = isa<FloatType>(n.elem);
    if (n.isFloat) {
      FailureOr<SmallVector<double>> v =
          tensorToFloats(a->t(), im.getModelDir(), im.getLoc());
      if (failed(v)) {
        return failure();
      }
      n.floats = std::move(*v);
    } else {
      FailureOr<SmallVector<int64_t>> v =
          tensorToInts(a->t(), im.getModelDir(), im.getLoc());
      if (failed(v)) {
        return failure();
      }
      n.ints = std::move(*v);
    }
    return n;
  }
  return im.error() << "expected one of the attributes " << prefix << "floats, "
                    << prefix << "int64s, " << prefix << "tensor";
}

LogicalResult importLabelEncoder(GraphImporter &im, const onnx::NodeProto &) {
  if (im.attr("classes_strings")) {
    return im.error() << "LabelEncoder-1's string classes are not supported "
                         "(etch tensors are numeric)";
  }
  FailureOr<Numbers> keys = readNumbers(im, "keys_");
  if (failed(keys)) {
    return failure();
  }
  FailureOr<Numbers> values = readNumbers(im, "values_");
  if (failed(values)) {
    return failure();
  }
  FailureOr<Value> x = numericInput(im, 0);
  if (failed(x)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*x);
  Type xElem = xType.getElementType();
  if (isa<FloatType>(xElem) != keys->isFloat) {
    return im.error() << "the keys (" << keys->elem << ") and the input ("
                      << xElem << ") must both be floats or both integers";
  }
  if (keys->size() != values->size()) {
    return im.error() << "expected as many values as keys, got "
                      << values->size() << " and " << keys->size();
  }
  // The default, in the values' type.
  Type yElem = values->elem;
  double dflt;
  if (const onnx::AttributeProto *a = im.attr("default_tensor")) {
    FailureOr<SmallVector<double>> d =
        tensorToFloats(a->t(), im.getModelDir(), im.getLoc());
    if (failed(d)) {
      return failure();
    }
    if (d->size() != 1) {
      return im.error() << "'default_tensor' must hold one element";
    }
    dflt = (*d)[0];
  } else if (values->isFloat) {
    dflt = im.attrFloat("default_float", -0.0f);
  } else {
    dflt = static_cast<double>(im.attrInt("default_int64", -1));
  }
  // The first of duplicate keys wins, as in ONNX Runtime (ONNX's reference
  // implementation takes the last; the spec does not say).
  SmallVector<size_t> order;
  if (keys->isFloat) {
    std::map<double, size_t> first;
    for (auto [i, k] : llvm::enumerate(keys->floats)) {
      first.try_emplace(k, i);
    }
    for (auto [k, i] : first) {
      order.push_back(i);
    }
  } else {
    std::map<int64_t, size_t> first;
    for (auto [i, k] : llvm::enumerate(keys->ints)) {
      first.try_emplace(k, i);
    }
    for (auto [k, i] : first) {
      order.push_back(i);
    }
  }
  llvm::sort(order);
  int64_t count = order.size();
  RankedTensorType yType = xType.clone(yElem);
  Value dfltValue = createScalarConstant(im, yElem, dflt);
  if (count == 0) {
    im.setOutput(
        0, im.create<WhereOp>(
               yType,
               {constantOf(im, xType.getShape(), im.getBuilder().getI1Type(),
                           SmallVector<int64_t>(xType.getNumElements(), 0)),
                dfltValue, dfltValue}));
    return success();
  }
  SmallVector<double> keyF, valF;
  SmallVector<int64_t> keyI, valI;
  for (size_t i : order) {
    if (keys->isFloat) {
      keyF.push_back(keys->floats[i]);
    } else {
      keyI.push_back(keys->ints[i]);
    }
    if (values->isFloat) {
      valF.push_back(values->floats[i]);
    } else {
      valI.push_back(values->ints[i]);
    }
  }
  Value keyConst = keys->isFloat ? constantOf(im, {count}, xElem, keyF)
                                 : constantOf(im, {count}, xElem, keyI);
  Value valConst = values->isFloat ? constantOf(im, {count}, yElem, valF)
                                   : constantOf(im, {count}, yElem, valI);
  Builder &b = im.getBuilder();
  int64_t rank = xType.getRank();
  SmallVector<int64_t> column(xType.getShape());
  column.push_back(1);
  SmallVector<int64_t> matchShape(xType.getShape());
  matchShape.push_back(count);
  Value eq =
      im.create<EqualOp>(RankedTensorType::get(matchShape, b.getI1Type()),
                         {reshapeTo(im, *x, column), keyConst});
  Value eqI = im.create<CastOp>(
      RankedTensorType::get(matchShape, b.getI32Type()), {eq});
  Value index =
      im.create<ArgMaxOp>(xType.clone(b.getI64Type()), {eqI},
                          {im.namedAttr("axis", b.getI64IntegerAttr(rank)),
                           im.namedAttr("keepdims", b.getBoolAttr(false))});
  Value found = im.create<ReduceMaxOp>(
      xType.clone(b.getI32Type()), {eqI},
      {im.namedAttr("axes", b.getDenseI64ArrayAttr({rank})),
       im.namedAttr("keepdims", b.getBoolAttr(false))});
  Value gathered = im.create<GatherOp>(
      yType, {valConst, index}, {im.namedAttr("axis", b.getI64IntegerAttr(0))});
  im.setOutput(
      0, im.create<WhereOp>(
             yType, {im.create<CastOp>(xType.clone(b.getI1Type()), {found}),
                     gathered, dfltValue}));
  return success();
}

} // namespace

void importer::registerMLOps(OpTable &table) {
  table["ai.onnx.ml.ArrayFeatureExtractor"] = importArrayFeatureExtractor;
  table["ai.onnx.ml.Binarizer"] = importBinarizer;
  table["ai.onnx.ml.LabelEncoder"] = importLabelEncoder;
}
