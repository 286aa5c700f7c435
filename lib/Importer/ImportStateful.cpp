//===- ImportStateful.cpp - CausalConvWithState, LinearAttention (27) -----===//
//
// The opset-27 ops that carry a recurrent state between calls, composed of
// etch ops as ONNX's reference implementation computes them:
//
//   CausalConvWithState: padded = Concat(past_state or zeros, input) along
//     the sequence; output = depthwise Conv(padded) (+ bias), SiLU if asked,
//     each in f32 and rounded to the input's type after it;
//     present_state = the last k - 1 positions of padded.
//   LinearAttention: the recurrence over the T tokens unrolled (T is static),
//     in f32 like the reference; per token, with S [B, H_kv, d_k, d_v]:
//       S *= exp(g_t)                          (gated, gated_delta)
//       v_t = beta_t * (v_t - k_t S)           (delta, gated_delta)
//       S += k_t^T v_t;  o_t = scale * q_t S   (query heads grouped per KV
//                                               head, so S is not repeated)
//
// libonnx 1.12 has no schema for these ops: every result type is computed
// here.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

Value castTo(GraphImporter &im, Value x, Type elem) {
  RankedTensorType t = typeOf(x);
  if (t.getElementType() == elem) {
    return x;
  }
  return im.create<CastOp>(RankedTensorType::get(t.getShape(), elem), {x});
}

Value zeros(GraphImporter &im, ArrayRef<int64_t> shape, Type elem) {
  auto type = RankedTensorType::get(shape, elem);
  return im.create<ConstantOp>(
      type, {},
      {im.namedAttr("value",
                    DenseElementsAttr::get(type, FloatAttr::get(elem, 0.0)))});
}

/// Errors unless every given value is a statically shaped float tensor of
/// `rank` with element type `elem`.
LogicalResult checkOperands(GraphImporter &im,
                            ArrayRef<std::pair<StringRef, Value>> operands,
                            int64_t rank, Type elem) {
  for (auto [name, v] : operands) {
    RankedTensorType t = typeOf(v);
    if (t.getRank() != rank || !t.hasStaticShape() ||
        t.getElementType() != elem) {
      return im.error() << "'" << name << "' must be a statically shaped "
                        << "rank-" << rank << " tensor of " << elem
                        << " (the input's element type), got " << t;
    }
  }
  return success();
}

/// x * sigmoid(x), computed in f32 as the reference does for f16/bf16.
Value silu(GraphImporter &im, Value x) {
  Type elem = typeOf(x).getElementType();
  Value y = castTo(im, x, im.getBuilder().getF32Type());
  y = createBinary<MulOp>(im, y, im.create<SigmoidOp>(y.getType(), y));
  return castTo(im, y, elem);
}

LogicalResult importCausalConvWithState(GraphImporter &im,
                                        const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0), w = im.input(1);
  if (failed(x) || failed(w)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*x);
  Type elem = xType.getElementType();
  if (!isa<FloatType>(elem)) {
    return im.error() << "expected a floating-point input, got " << xType;
  }
  if (failed(checkOperands(im, {{"input", *x}, {"weight", *w}}, 3, elem))) {
    return failure();
  }
  int64_t batch = xType.getDimSize(0), channels = xType.getDimSize(1),
          len = xType.getDimSize(2), k = typeOf(*w).getDimSize(2);
  if (typeOf(*w).getDimSize(0) != channels || typeOf(*w).getDimSize(1) != 1 ||
      k < 1) {
    return im.error() << "weight must be (channels, 1, k) = (" << channels
                      << ", 1, k >= 1), got " << typeOf(*w);
  }
  std::string activation = im.attrString("activation", "none");
  if (activation != "none" && activation != "silu" && activation != "swish") {
    return im.unsupportedAttr("activation", activation, "none, silu, swish");
  }
  Value bias;
  if (im.hasInput(2)) {
    FailureOr<Value> b = im.input(2);
    if (failed(b) || failed(checkOperands(im, {{"bias", *b}}, 1, elem))) {
      return failure();
    }
    if (typeOf(*b).getDimSize(0) != channels) {
      return im.error() << "bias must be (" << channels << "), got "
                        << typeOf(*b);
    }
    bias = *b;
  }
  SmallVector<int64_t> stateShape = {batch, channels, k - 1};
  Value past;
  if (im.hasInput(3)) {
    FailureOr<Value> p = im.input(3);
    if (failed(p) || failed(checkOperands(im, {{"past_state", *p}}, 3, elem))) {
      return failure();
    }
    if (typeOf(*p).getShape() != ArrayRef<int64_t>(stateShape)) {
      return im.error() << "past_state must be (" << batch << ", " << channels
                        << ", " << k - 1 << "), got " << typeOf(*p);
    }
    past = *p;
  } else if (k > 1) {
    past = zeros(im, stateShape, elem);
  }
  Value padded = k > 1 ? concatAlong(im, {past, *x}, 2) : *x;
  // Depthwise (group = channels), stride 1, no padding: the past (or zero)
  // positions are the causal padding. The sums run in f32 and round once,
  // as the reference's do for f16/bf16.
  Type f32 = im.getBuilder().getF32Type();
  SmallVector<int64_t> one = {1}, noPads = {0, 0};
  // Casts in statement order (argument evaluation order differs between
  // compilers, and the IR must not).
  Value x32 = castTo(im, padded, f32);
  Value w32 = castTo(im, *w, f32);
  Value b32 = bias ? castTo(im, bias, f32) : Value();
  Value y = ConvOp::create(im.getBuilder(), im.getLoc(),
                           RankedTensorType::get(xType.getShape(), f32), x32,
                           w32, b32, one, noPads,
                           one, channels,
                           /*unsigned_input=*/false, ActivationKind::None,
                           APFloat(0.0f), APFloat(0.0f))
                .getResult();
  y = castTo(im, y, elem);
  if (activation != "none") {
    y = silu(im, y);
  }
  im.setOutput(0, y);
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, slice(im, padded, 2, len, k - 1));
  }
  return success();
}

/// (B, T, H * D) -> (B, H, T, D).
Value splitHeads(GraphImporter &im, Value x, int64_t heads) {
  ArrayRef<int64_t> s = typeOf(x).getShape();
  Value y = reshapeTo(im, x, {s[0], s[1], heads, s[2] / heads});
  return transposeBy(im, y, {0, 2, 1, 3});
}

LogicalResult importLinearAttention(GraphImporter &im,
                                    const onnx::NodeProto &node) {
  FailureOr<Value> q = im.input(0), k = im.input(1), v = im.input(2);
  if (failed(q) || failed(k) || failed(v)) {
    return failure();
  }
  Type elem = typeOf(*q).getElementType();
  if (!isa<FloatType>(elem)) {
    return im.error() << "expected a floating-point query, got "
                      << typeOf(*q);
  }
  if (failed(checkOperands(im, {{"query", *q}, {"key", *k}, {"value", *v}}, 3,
                           elem))) {
    return failure();
  }
  std::string rule = im.attrString("update_rule", "gated_delta");
  if (rule != "linear" && rule != "gated" && rule != "delta" &&
      rule != "gated_delta") {
    return im.unsupportedAttr("update_rule", rule,
                              "linear, gated, delta, gated_delta");
  }
  bool gating = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  if (gating != im.hasInput(4)) {
    return im.error() << "update_rule '" << rule << "' "
                      << (gating ? "requires" : "forbids") << " decay";
  }
  if (delta != im.hasInput(5)) {
    return im.error() << "update_rule '" << rule << "' "
                      << (delta ? "requires" : "forbids") << " beta";
  }
  int64_t qHeads = im.attrInt("q_num_heads", 0);
  int64_t kvHeads = im.attrInt("kv_num_heads", 0);
  ArrayRef<int64_t> qs = typeOf(*q).getShape(), ks = typeOf(*k).getShape(),
                    vs = typeOf(*v).getShape();
  if (qHeads < 1 || kvHeads < 1 || qHeads % kvHeads != 0 ||
      qs[2] % qHeads != 0 || vs[2] % kvHeads != 0) {
    return im.error() << "q_num_heads (" << qHeads
                      << ") must be a positive multiple of kv_num_heads ("
                      << kvHeads << ") and divide the hidden sizes of query "
                      << typeOf(*q) << " and value " << typeOf(*v);
  }
  int64_t batch = qs[0], len = qs[1], dk = qs[2] / qHeads,
          dv = vs[2] / kvHeads, group = qHeads / kvHeads;
  if (len < 1) {
    return im.error() << "expected at least one token (T >= 1), got query "
                      << typeOf(*q);
  }
  if (ks[0] != batch || vs[0] != batch || ks[1] != len || vs[1] != len ||
      ks[2] != kvHeads * dk) {
    return im.error() << "key " << typeOf(*k) << " and value " << typeOf(*v)
                      << " must be (" << batch << ", " << len << ", "
                      << kvHeads << " * d) with key's d = " << dk;
  }
  // The recurrence runs in f32, as the reference's does.
  Type f32 = im.getBuilder().getF32Type();
  Value q4 = splitHeads(im, castTo(im, *q, f32), qHeads);
  Value k4 = splitHeads(im, castTo(im, *k, f32), kvHeads);
  Value v4 = splitHeads(im, castTo(im, *v, f32), kvHeads);
  // (B, T, H') -> (B, H', T, 1) for per-head gates.
  auto perHead = [&](Value x) {
    int64_t h = typeOf(x).getDimSize(2);
    return transposeBy(im, reshapeTo(im, x, {batch, len, h, 1}),
                       {0, 2, 1, 3});
  };
  Value decay4, beta4;
  if (gating) {
    FailureOr<Value> g = im.input(4);
    if (failed(g) || failed(checkOperands(im, {{"decay", *g}}, 3, elem))) {
      return failure();
    }
    ArrayRef<int64_t> gs = typeOf(*g).getShape();
    if (gs[0] != batch || gs[1] != len ||
        (gs[2] != kvHeads && gs[2] != kvHeads * dk)) {
      return im.error() << "decay must be (" << batch << ", " << len << ", "
                        << kvHeads << ") or (" << batch << ", " << len << ", "
                        << kvHeads * dk << "), got " << typeOf(*g);
    }
    Value g32 = castTo(im, *g, f32);
    decay4 = gs[2] == kvHeads ? perHead(g32) : splitHeads(im, g32, kvHeads);
    decay4 = im.create<ExpOp>(decay4.getType(), decay4);
  }
  if (delta) {
    FailureOr<Value> bt = im.input(5);
    if (failed(bt) || failed(checkOperands(im, {{"beta", *bt}}, 3, elem))) {
      return failure();
    }
    ArrayRef<int64_t> bs = typeOf(*bt).getShape();
    if (bs[0] != batch || bs[1] != len || (bs[2] != kvHeads && bs[2] != 1)) {
      return im.error() << "beta must be (" << batch << ", " << len << ", "
                        << kvHeads << ") or (" << batch << ", " << len
                        << ", 1), got " << typeOf(*bt);
    }
    beta4 = perHead(castTo(im, *bt, f32));
  }
  SmallVector<int64_t> stateShape = {batch, kvHeads, dk, dv};
  Type stateElem = elem;
  Value state;
  if (im.hasInput(3)) {
    FailureOr<Value> p = im.input(3);
    if (failed(p)) {
      return failure();
    }
    stateElem = typeOf(*p).getElementType();
    if (!isa<FloatType>(stateElem) ||
        typeOf(*p).getShape() != ArrayRef<int64_t>(stateShape)) {
      return im.error() << "past_state must be a float tensor of shape ("
                        << batch << ", " << kvHeads << ", " << dk << ", "
                        << dv << "), got " << typeOf(*p);
    }
    state = castTo(im, *p, f32);
  } else {
    state = zeros(im, stateShape, f32);
  }
  double scale = im.attrFloat("scale", 0.0f);
  if (scale == 0.0) {
    scale = 1.0 / std::sqrt(static_cast<double>(dk));
  }

  auto at = [&](Value x, int64_t t) { return slice(im, x, 2, t, 1); };
  auto matmul = [&](Value a, Value b, ArrayRef<int64_t> shape) {
    return im.create<MatMulOp>(RankedTensorType::get(shape, f32), {a, b});
  };
  SmallVector<Value> outputs;
  for (int64_t t = 0; t < len; ++t) {
    Value kt = at(k4, t), vt = at(v4, t); // (B, H_kv, 1, d)
    if (gating) {
      // (B, H_kv, 1, d_k or 1) -> (B, H_kv, d_k or 1, 1): over d_v.
      Value gt = at(decay4, t);
      gt = reshapeTo(im, gt,
                     {batch, kvHeads, typeOf(gt).getDimSize(3), 1});
      state = createBinary<MulOp>(im, state, gt);
    }
    if (delta) {
      Value retrieved = matmul(kt, state, {batch, kvHeads, 1, dv});
      // One op per statement: argument evaluation order differs between
      // compilers, and the IR must not.
      Value diff = createBinary<SubOp>(im, vt, retrieved);
      vt = createBinary<MulOp>(im, at(beta4, t), diff);
    }
    Value outer = createBinary<MulOp>(
        im, reshapeTo(im, kt, {batch, kvHeads, dk, 1}), vt);
    state = createBinary<AddOp>(im, state, outer);
    // Query heads h * group .. h * group + group - 1 read KV head h.
    Value qt = reshapeTo(im, at(q4, t), {batch, kvHeads, group, dk});
    Value ot = matmul(qt, state, {batch, kvHeads, group, dv});
    outputs.push_back(reshapeTo(im, ot, {batch, qHeads, 1, dv}));
  }
  Value y = concatAlong(im, outputs, 2); // (B, H_q, T, d_v)
  y = createBinary<MulOp>(im, y, createScalarConstant(im, f32, scale));
  y = transposeBy(im, y, {0, 2, 1, 3});
  y = reshapeTo(im, y, {batch, len, qHeads * dv});
  im.setOutput(0, castTo(im, y, elem));
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, castTo(im, state, stateElem));
  }
  return success();
}

} // namespace

void importer::registerStatefulOps(OpTable &table) {
  table["CausalConvWithState"] = importCausalConvWithState;
  table["LinearAttention"] = importLinearAttention;
}
