//===- ImportTraining.cpp - ai.onnx.preview.training optimizers -----------===//
//
// Adagrad, Momentum and Adam (ai.onnx.preview.training version 1) update one
// or more tensors per node: inputs are R (learning rate) and T (update count,
// int64), then one group of n tensors per operand kind (X..., G..., H... for
// Adagrad); outputs one group per updated kind. Each update is elementwise
// math on etch ops following the operator spec's formulas exactly; T enters
// only through scalars (Adagrad's decay, Momentum's beta on the first step,
// Adam's bias correction), computed once per node.
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// The node's inputs as R, T and `kinds` groups of n tensors; outputs
/// `outKinds` groups of n.
struct OptimizerOperands {
  Value r, t;
  SmallVector<SmallVector<Value>> groups; // [kind][i]
};

FailureOr<OptimizerOperands> readOperands(GraphImporter &im, unsigned kinds,
                                          unsigned outKinds, StringRef inNames,
                                          StringRef outNames) {
  const onnx::NodeProto &node = im.getNode();
  int total = node.input_size() - 2;
  if (total <= 0 || total % kinds != 0) {
    return im.error() << "expected R, T and " << kinds
                      << " equally long groups of tensors (" << inNames
                      << "), got " << node.input_size() << " inputs";
  }
  unsigned n = total / kinds;
  if (node.output_size() != static_cast<int>(n * outKinds)) {
    return im.error() << "expected " << n * outKinds << " outputs (" << outNames
                      << " for " << n << " tensors), got "
                      << node.output_size();
  }
  OptimizerOperands ops;
  FailureOr<Value> r = im.input(0), t = im.input(1);
  if (failed(r) || failed(t)) {
    return failure();
  }
  if (typeOf(*r).getNumElements() != 1 || typeOf(*t).getNumElements() != 1 ||
      !isa<FloatType>(typeOf(*r).getElementType()) ||
      !typeOf(*t).getElementType().isInteger(64)) {
    return im.error() << "expected a float scalar R and an int64 scalar T, "
                         "got "
                      << r->getType() << " and " << t->getType();
  }
  ops.r = reshapeTo(im, *r, {});
  ops.t = reshapeTo(im, *t, {});
  for (unsigned k = 0; k < kinds; ++k) {
    SmallVector<Value> &group = ops.groups.emplace_back();
    for (unsigned i = 0; i < n; ++i) {
      FailureOr<Value> v = im.input(2 + k * n + i);
      if (failed(v)) {
        return failure();
      }
      RankedTensorType first = k == 0 ? typeOf(*v) : typeOf(ops.groups[0][i]);
      if (!isa<FloatType>(typeOf(*v).getElementType()) || typeOf(*v) != first) {
        return im.error() << "tensor " << i << " of every group must have "
                          << "one float type, got " << first << " and "
                          << v->getType();
      }
      group.push_back(*v);
    }
  }
  return ops;
}

Value scalar(GraphImporter &im, Type elem, double v) {
  return createScalarConstant(im, elem, v);
}

/// R and T as rank-0 tensors of `elem`.
std::pair<Value, Value> scalarsAs(GraphImporter &im,
                                  const OptimizerOperands &ops, Type elem) {
  auto type = RankedTensorType::get({}, elem);
  Value r = typeOf(ops.r).getElementType() == elem
                ? ops.r
                : im.create<CastOp>(type, {ops.r});
  return {r, im.create<CastOp>(type, {ops.t})};
}

/// T > 0 as an i1 scalar.
Value positiveStep(GraphImporter &im, Value t) {
  Type i1 = im.getBuilder().getI1Type();
  return im.create<GreaterOp>(RankedTensorType::get({}, i1),
                              {t, scalar(im, typeOf(t).getElementType(), 0)});
}

/// norm_coefficient * x + g.
Value regularized(GraphImporter &im, Value x, Value g, double norm) {
  if (norm == 0) {
    return g;
  }
  Type elem = typeOf(x).getElementType();
  return createBinary<AddOp>(
      im, createBinary<MulOp>(im, scalar(im, elem, norm), x), g);
}

LogicalResult importAdagrad(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<OptimizerOperands> ops =
      readOperands(im, 3, 2, "X, G, H", "X_new, H_new");
  if (failed(ops)) {
    return failure();
  }
  double decay = im.attrFloat("decay_factor", 0.0f);
  double epsilon = im.attrFloat("epsilon", 1e-6f);
  double norm = im.attrFloat("norm_coefficient", 0.0f);
  size_t n = ops->groups[0].size();
  for (size_t i = 0; i < n; ++i) {
    Value x = ops->groups[0][i], g = ops->groups[1][i], h = ops->groups[2][i];
    Type elem = typeOf(x).getElementType();
    auto [r, t] = scalarsAs(im, *ops, elem);
    // r / (1 + t * decay_factor)
    Value denom = createBinary<AddOp>(
        im, scalar(im, elem, 1),
        createBinary<MulOp>(im, t, scalar(im, elem, decay)));
    Value rate = createBinary<DivOp>(im, r, denom);
    Value gReg = regularized(im, x, g, norm);
    Value hNew =
        createBinary<AddOp>(im, h, createBinary<MulOp>(im, gReg, gReg));
    Value hAdaptive =
        createBinary<AddOp>(im, im.create<SqrtOp>(hNew.getType(), {hNew}),
                            scalar(im, elem, epsilon));
    Value step =
        createBinary<DivOp>(im, createBinary<MulOp>(im, rate, gReg), hAdaptive);
    im.setOutput(i, createBinary<SubOp>(im, x, step));
    im.setOutput(n + i, hNew);
  }
  return success();
}

FailureOr<double> requiredFloat(GraphImporter &im, StringRef name) {
  if (!im.attr(name)) {
    return im.error() << "missing the required attribute '" << name << "'";
  }
  return im.attrFloat(name, 0.0f);
}

LogicalResult importMomentum(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<OptimizerOperands> ops =
      readOperands(im, 3, 2, "X, G, V", "X_new, V_new");
  FailureOr<double> alpha = failure(), beta = failure(), norm = failure();
  if (failed(ops) || failed(alpha = requiredFloat(im, "alpha")) ||
      failed(beta = requiredFloat(im, "beta")) ||
      failed(norm = requiredFloat(im, "norm_coefficient"))) {
    return failure();
  }
  if (!im.attr("mode")) {
    return im.error() << "missing the required attribute 'mode'";
  }
  std::string mode = im.attrString("mode", "");
  if (mode != "standard" && mode != "nesterov") {
    return im.unsupportedAttr("mode", mode, "standard, nesterov");
  }
  size_t n = ops->groups[0].size();
  for (size_t i = 0; i < n; ++i) {
    Value x = ops->groups[0][i], g = ops->groups[1][i], v = ops->groups[2][i];
    Type elem = typeOf(x).getElementType();
    Value r = scalarsAs(im, *ops, elem).first;
    // beta applies from the second update on (T > 0); the first takes g.
    Value betaAdjusted =
        im.create<WhereOp>(RankedTensorType::get({}, elem),
                           {positiveStep(im, ops->t), scalar(im, elem, *beta),
                            scalar(im, elem, 1)});
    Value gReg = regularized(im, x, g, *norm);
    Value vNew = createBinary<AddOp>(
        im, createBinary<MulOp>(im, scalar(im, elem, *alpha), v),
        createBinary<MulOp>(im, betaAdjusted, gReg));
    Value direction =
        mode == "standard"
            ? vNew
            : createBinary<AddOp>(
                  im, gReg,
                  createBinary<MulOp>(im, scalar(im, elem, *alpha), vNew));
    im.setOutput(
        i, createBinary<SubOp>(im, x, createBinary<MulOp>(im, r, direction)));
    im.setOutput(n + i, vNew);
  }
  return success();
}

LogicalResult importAdam(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<OptimizerOperands> ops =
      readOperands(im, 4, 3, "X, G, V, H", "X_new, V_new, H_new");
  if (failed(ops)) {
    return failure();
  }
  double alpha = im.attrFloat("alpha", 0.9f);
  double beta = im.attrFloat("beta", 0.999f);
  double epsilon = im.attrFloat("epsilon", 1e-6f);
  double norm = im.attrFloat("norm_coefficient", 0.0f);
  double normPost = im.attrFloat("norm_coefficient_post", 0.0f);
  size_t n = ops->groups[0].size();
  for (size_t i = 0; i < n; ++i) {
    Value x = ops->groups[0][i], g = ops->groups[1][i], v = ops->groups[2][i],
          h = ops->groups[3][i];
    Type elem = typeOf(x).getElementType();
    auto scalarType = RankedTensorType::get({}, elem);
    auto [r, t] = scalarsAs(im, *ops, elem);
    Value gReg = regularized(im, x, g, norm);
    Value vNew = createBinary<AddOp>(
        im, createBinary<MulOp>(im, scalar(im, elem, alpha), v),
        createBinary<MulOp>(im, scalar(im, elem, 1 - alpha), gReg));
    Value hNew = createBinary<AddOp>(
        im, createBinary<MulOp>(im, scalar(im, elem, beta), h),
        createBinary<MulOp>(im, scalar(im, elem, 1 - beta),
                            createBinary<MulOp>(im, gReg, gReg)));
    Value hSqrt =
        createBinary<AddOp>(im, im.create<SqrtOp>(hNew.getType(), {hNew}),
                            scalar(im, elem, epsilon));
    // Bias correction from the second update on:
    // r * sqrt(1 - beta^T) / (1 - alpha^T).
    Value one = scalar(im, elem, 1);
    Value betaPow = im.create<PowOp>(scalarType, {scalar(im, elem, beta), t});
    Value alphaPow = im.create<PowOp>(scalarType, {scalar(im, elem, alpha), t});
    Value corrected = createBinary<DivOp>(
        im,
        createBinary<MulOp>(
            im, r,
            im.create<SqrtOp>(scalarType,
                              {createBinary<SubOp>(im, one, betaPow)})),
        createBinary<SubOp>(im, one, alphaPow));
    Value rate = im.create<WhereOp>(scalarType,
                                    {positiveStep(im, ops->t), corrected, r});
    Value xNew = createBinary<SubOp>(
        im, x,
        createBinary<MulOp>(im, rate, createBinary<DivOp>(im, vNew, hSqrt)));
    if (normPost != 0) {
      xNew = createBinary<MulOp>(im, scalar(im, elem, 1 - normPost), xNew);
    }
    im.setOutput(i, xNew);
    im.setOutput(n + i, vNew);
    im.setOutput(2 * n + i, hNew);
  }
  return success();
}

} // namespace

void importer::registerTrainingOps(OpTable &table) {
  table["ai.onnx.preview.training.Adagrad"] = importAdagrad;
  table["ai.onnx.preview.training.Adam"] = importAdam;
  table["ai.onnx.preview.training.Momentum"] = importMomentum;
}
