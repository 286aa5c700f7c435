//===- ImportGroupQueryAttention.cpp - com.microsoft GroupQueryAttention --===//
//
// ONNX Runtime's GroupQueryAttention with a static KV cache, composed of etch
// ops, following ORT's CPU kernel. Per batch b, with seqlens_k[b] + 1 keys in
// total and S new tokens:
//   - the first prompt (S == total_sequence_length) writes the new keys and
//     values at [0, S) and ignores the past; otherwise they go after the
//     seqlens_k[b] + 1 - S cached ones (`p`);
//   - present[b, :, j] = past (j < p), new[j - p] (j < p + S), else 0, over
//     max(total_sequence_length, past length) positions;
//   - query i (position p + i) attends to keys j <= p + i and j <= seqlens_k;
//     query head n reads kv head n / (num_heads / kv_num_heads).
// seqlens_k and total_sequence_length may be run-time inputs: the write
// position is a GatherElements index and the masks are comparisons. Rotary
// embedding, local windows, smooth softmax, attention bias, head sinks and
// position ids are errors naming the node and what is unsupported.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// An i64 etch.constant of `shape` holding 0, 1, ... along its one non-unit
/// dimension.
Value iota(GraphImporter &im, ArrayRef<int64_t> shape, int64_t n) {
  auto type = RankedTensorType::get(shape, im.getBuilder().getI64Type());
  SmallVector<APInt> values;
  for (int64_t i = 0; i < n; ++i) {
    values.push_back(APInt(64, i));
  }
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, values))});
}

Value i64Const(GraphImporter &im, int64_t v) {
  return createScalarConstant(im, im.getBuilder().getI64Type(), v);
}

template <typename OpTy>
Value compare(GraphImporter &im, Value a, Value b) {
  return createBinary<OpTy>(im, a, b, im.getBuilder().getI1Type());
}

Value where(GraphImporter &im, Value cond, Value a, Value b) {
  SmallVector<int64_t> shape =
      broadcastShape(typeOf(cond).getShape(),
                     broadcastShape(typeOf(a).getShape(),
                                    typeOf(b).getShape()));
  return im.create<WhereOp>(
      RankedTensorType::get(shape, typeOf(a).getElementType()), {cond, a, b});
}

/// Int input `i` as i64 reshaped to `shape`.
FailureOr<Value> intInput(GraphImporter &im, unsigned i,
                          ArrayRef<int64_t> shape, StringRef what) {
  FailureOr<Value> v = im.input(i);
  if (failed(v)) {
    return failure();
  }
  RankedTensorType t = typeOf(*v);
  if (!t.getElementType().isInteger(32) && !t.getElementType().isInteger(64)) {
    return im.error() << "expected an int32 '" << what << "', got " << t;
  }
  int64_t count = 1;
  for (int64_t d : shape) {
    count *= d;
  }
  if (t.getNumElements() != count) {
    return im.error() << "expected '" << what << "' of " << count
                      << " values, got " << t;
  }
  Type i64 = im.getBuilder().getI64Type();
  Value x = *v;
  if (t.getElementType() != i64) {
    x = im.create<CastOp>(RankedTensorType::get(t.getShape(), i64), {x});
  }
  return reshapeTo(im, x, shape);
}

LogicalResult importGroupQueryAttention(GraphImporter &im,
                                        const onnx::NodeProto &node) {
  int64_t heads = im.attrInt("num_heads", 0);
  int64_t kvHeads = im.attrInt("kv_num_heads", 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
    return im.error() << "num_heads (" << heads << ") must be a positive "
                      << "multiple of kv_num_heads (" << kvHeads << ")";
  }
  for (StringRef attr : {"do_rotary", "smooth_softmax", "qk_output"}) {
    if (im.attrInt(attr, 0) != 0) {
      return im.unsupportedAttr(attr, std::to_string(im.attrInt(attr, 0)),
                                "0");
    }
  }
  if (im.attrInt("local_window_size", -1) != -1) {
    return im.unsupportedAttr(
        "local_window_size",
        std::to_string(im.attrInt("local_window_size", -1)), "-1");
  }
  static const char *const extras[] = {"cos_cache",    "sin_cache",
                                       "position_ids", "attention_bias",
                                       "head_sink"};
  for (unsigned i = 7; i < unsigned(node.input_size()); ++i) {
    if (im.hasInput(i)) {
      return im.error() << "input " << i << " ('"
                        << (i - 7 < std::size(extras) ? extras[i - 7] : "?")
                        << "') is not supported; supported inputs: query, "
                           "key, value, past_key, past_value, seqlens_k, "
                           "total_sequence_length";
    }
  }
  if (node.output_size() > 3 && !node.output(3).empty()) {
    return im.error() << "the output_qk output ('" << node.output(3)
                      << "') is not supported";
  }
  if (!im.hasInput(5) || !im.hasInput(6)) {
    return im.error() << "seqlens_k and total_sequence_length are required";
  }
  FailureOr<Value> query = im.input(0);
  if (failed(query)) {
    return failure();
  }
  RankedTensorType qType = typeOf(*query);
  Type elem = qType.getElementType();
  if (qType.getRank() != 3 || !isa<FloatType>(elem)) {
    return im.error() << "expected a float query (B, S, D), got " << qType;
  }
  int64_t batch = qType.getDimSize(0), seq = qType.getDimSize(1);
  int64_t group = heads / kvHeads;
  Value q = *query, k, v;
  int64_t head = 0;
  if (!im.hasInput(1)) {
    // Packed QKV: (B, S, (N + 2 * kvN) * H).
    int64_t width = qType.getDimSize(2);
    if (im.hasInput(2) || width % (heads + 2 * kvHeads) != 0) {
      return im.error() << "packed QKV " << qType << " does not split into "
                        << heads << " query and 2 x " << kvHeads
                        << " key/value heads";
    }
    head = width / (heads + 2 * kvHeads);
    q = slice(im, *query, 2, 0, heads * head);
    k = slice(im, *query, 2, heads * head, kvHeads * head);
    v = slice(im, *query, 2, (heads + kvHeads) * head, kvHeads * head);
  } else {
    FailureOr<Value> key = im.input(1), value = im.input(2);
    if (!im.hasInput(2) || failed(key) || failed(value)) {
      return failure(); // input() reported it, or value is missing
    }
    head = qType.getDimSize(2) / heads;
    k = *key;
    v = *value;
    SmallVector<int64_t> kvShape = {batch, seq, kvHeads * head};
    if (qType.getDimSize(2) != heads * head ||
        typeOf(k).getShape() != ArrayRef(kvShape) ||
        typeOf(v).getShape() != ArrayRef(kvShape)) {
      return im.error() << "expected query (B, S, " << heads
                        << " * H) and key/value (B, S, " << kvHeads
                        << " * H), got " << qType << ", " << typeOf(k) << ", "
                        << typeOf(v);
    }
  }
  Value pastK, pastV;
  int64_t pastLen = 0;
  if (im.hasInput(3) != im.hasInput(4)) {
    return im.error() << "past_key and past_value come together";
  }
  if (im.hasInput(3)) {
    FailureOr<Value> pk = im.input(3), pv = im.input(4);
    if (failed(pk) || failed(pv)) {
      return failure();
    }
    pastLen = typeOf(*pk).getRank() == 4 ? typeOf(*pk).getDimSize(2) : -1;
    SmallVector<int64_t> shape = {batch, kvHeads, pastLen, head};
    if (typeOf(*pk).getShape() != ArrayRef(shape) ||
        typeOf(*pv).getShape() != ArrayRef(shape)) {
      return im.error() << "expected past_key/past_value (B, kv_num_heads, "
                           "max_length, H) = ("
                        << batch << ", " << kvHeads << ", max_length, " << head
                        << "), got " << typeOf(*pk) << ", " << typeOf(*pv);
    }
    pastK = *pk;
    pastV = *pv;
  }
  // Present length: max(total_sequence_length, past length). A run-time
  // total must fit the cache (it is the cache the present takes the shape
  // of); without a cache the total must be known.
  std::optional<int64_t> total;
  if (im.constantInput(6)) {
    FailureOr<SmallVector<int64_t>> ints =
        im.constantInts(6, "total_sequence_length");
    if (failed(ints) || ints->size() != 1) {
      return failed(ints) ? failure()
                          : (im.error() << "total_sequence_length must be "
                                           "one value");
    }
    total = ints->front();
  }
  if (!total && !pastK) {
    return im.error() << "without past_key/past_value, total_sequence_length "
                         "must be a constant (it gives the present length); "
                         "fix a graph input's value with --input-value "
                      << node.input(6) << "=<n>";
  }
  int64_t len = std::max(total.value_or(0), pastLen);
  if (len < seq) {
    return im.error() << "total_sequence_length " << len
                      << " is shorter than the " << seq << " new tokens";
  }

  // p (B, 1, 1, 1): where the new tokens go.
  FailureOr<Value> seqlens = intInput(im, 5, {batch, 1, 1, 1}, "seqlens_k");
  if (failed(seqlens)) {
    return failure();
  }
  Value cont = createBinary<AddOp>(im, *seqlens, i64Const(im, 1 - seq));
  Value p;
  if (total) {
    p = *total == seq ? createBinary<MulOp>(im, *seqlens, i64Const(im, 0))
                      : cont;
  } else {
    FailureOr<Value> tot =
        intInput(im, 6, {1, 1, 1, 1}, "total_sequence_length");
    if (failed(tot)) {
      return failure();
    }
    Value prompt = compare<EqualOp>(im, *tot, i64Const(im, seq));
    p = where(im, prompt, createBinary<MulOp>(im, cont, i64Const(im, 0)),
              cont);
  }

  // present = past (j < p), new[j - p] (j < p + S), else 0.
  Value j = iota(im, {1, 1, len, 1}, len);
  Value rel = createBinary<SubOp>(im, j, p); // (B, 1, L, 1)
  Value idx = createBinary<MinOp>(
      im, createBinary<MaxOp>(im, rel, i64Const(im, 0)),
      i64Const(im, seq - 1));
  auto i64Type = [&](ArrayRef<int64_t> s) {
    return RankedTensorType::get(s, im.getBuilder().getI64Type());
  };
  Value fullIdx =
      im.create<ExpandOp>(i64Type({batch, kvHeads, len, head}), {idx});
  Value inPast = compare<LessOp>(im, j, p);
  Value inNew =
      compare<LessOp>(im, j, createBinary<AddOp>(im, p, i64Const(im, seq)));
  Value zero = createScalarConstant(im, elem, 0.0);
  auto present = [&](Value x, Value past) {
    Value bnsh = transposeBy(im, reshapeTo(im, x, {batch, seq, kvHeads, head}),
                             {0, 2, 1, 3});
    Value gathered = im.create<GatherElementsOp>(
        RankedTensorType::get({batch, kvHeads, len, head}, elem),
        {bnsh, fullIdx},
        {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(2))});
    Value out = where(im, inNew, gathered, zero);
    if (!past) {
      return out;
    }
    if (pastLen < len) {
      Value pad = im.create<ConstantOp>(
          RankedTensorType::get({batch, kvHeads, len - pastLen, head}, elem),
          {},
          {im.namedAttr(
              "value",
              DenseElementsAttr::get(
                  RankedTensorType::get({batch, kvHeads, len - pastLen, head},
                                        elem),
                  FloatAttr::get(elem, 0.0)))});
      past = im.create<ConcatOp>(
          RankedTensorType::get({batch, kvHeads, len, head}, elem),
          {past, pad},
          {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(2))});
    }
    return where(im, inPast, past, out);
  };
  Value presentK = present(k, pastK), presentV = present(v, pastV);

  // Scores (B, kvN, G*S, L): query head kv * G + g against kv head kv.
  Value qh = reshapeTo(
      im,
      transposeBy(im, reshapeTo(im, q, {batch, seq, kvHeads, group, head}),
                  {0, 2, 3, 1, 4}),
      {batch, kvHeads, group * seq, head});
  Value kT = transposeBy(im, presentK, {0, 1, 3, 2});
  Value scores = im.create<MatMulOp>(
      RankedTensorType::get({batch, kvHeads, group * seq, len}, elem),
      {qh, kT});
  double scale = im.attrFloat("scale", 0.0f);
  if (scale == 0.0) {
    scale = 1.0 / std::sqrt(static_cast<double>(head));
  }
  scores =
      createBinary<MulOp>(im, scores, createScalarConstant(im, elem, scale));
  float softcap = im.attrFloat("softcap", 0.0f);
  if (softcap > 0) {
    Value c = createScalarConstant(im, elem, softcap);
    Value t = im.create<TanhOp>(scores.getType(),
                                createBinary<DivOp>(im, scores, c));
    scores = createBinary<MulOp>(im, t, c);
  }
  scores = reshapeTo(im, scores, {batch, kvHeads, group, seq, len});
  // Key j is visible to query i when j <= p + i and j <= seqlens_k.
  Value jj = iota(im, {1, 1, 1, 1, len}, len);
  Value ii = iota(im, {1, 1, 1, seq, 1}, seq);
  Value p5 = reshapeTo(im, p, {batch, 1, 1, 1, 1});
  Value last = reshapeTo(im, *seqlens, {batch, 1, 1, 1, 1});
  Value one = i64Const(im, 1);
  Value visible = createBinary<AndOp>(
      im,
      compare<LessOp>(im, jj,
                      createBinary<AddOp>(im, createBinary<AddOp>(im, p5, ii),
                                          one)),
      compare<LessOp>(im, jj, createBinary<AddOp>(im, last, one)),
      im.getBuilder().getI1Type());
  auto ft = cast<FloatType>(elem);
  double lowestValue =
      llvm::APFloat::getLargest(ft.getFloatSemantics(), true).convertToDouble();
  Value lowest = createScalarConstant(im, elem, lowestValue);
  Value logits = where(im, visible, scores, lowest);
  Value probs = im.create<SoftmaxOp>(
      logits.getType(), logits,
      {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(4))});
  Value y = im.create<MatMulOp>(
      RankedTensorType::get({batch, kvHeads, group * seq, head}, elem),
      {reshapeTo(im, probs, {batch, kvHeads, group * seq, len}), presentV});
  y = transposeBy(im, reshapeTo(im, y, {batch, kvHeads, group, seq, head}),
                  {0, 3, 1, 2, 4});
  im.setOutput(0, reshapeTo(im, y, {batch, seq, heads * head}));
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, presentK);
  }
  if (node.output_size() > 2 && !node.output(2).empty()) {
    im.setOutput(2, presentV);
  }
  return success();
}

} // namespace

void importer::registerGroupQueryAttentionOps(OpTable &table) {
  table["com.microsoft.GroupQueryAttention"] = importGroupQueryAttention;
}
