//===- ImportAttention.cpp - Attention (23-25, com.microsoft), Rotary ----===//
//
// Attention as etch ops, following ONNX's reference (and function body):
//
//   Q, K, V (3-D [B, S, H*D] are split into heads: [B, H, S, D])
//   present_key/value = Concat(past, K/V) along the sequence
//   K, V heads repeated to Q's (grouped-query attention)
//   QK = (Q * sqrt(scale)) @ (K * sqrt(scale))^T, softcap: c * tanh(QK / c)
//   P  = Softmax(QK + bias), rows whose bias is all -inf set to 0
//   Y  = P @ V (3-D: heads merged back)
//
// The bias is the attention mask (bool: 0 / -inf; float: added; shorter
// than the key sequence: padded with -inf) plus what is known at import:
// the causal mask (bottom-right aligned after a past or static cache), the
// sliding window (25) and the padding of a constant nonpad_kv_seqlen (24).
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// [B, S, H * D] -> [B, H, S, D].
Value splitHeads(GraphImporter &im, Value x, int64_t heads) {
  ArrayRef<int64_t> s = typeOf(x).getShape();
  Value y = reshapeTo(im, x, {s[0], s[1], heads, s[2] / heads});
  return transposeBy(im, y, {0, 2, 1, 3});
}

/// [B, Hkv, S, D] -> [B, Hkv * reps, S, D], each head repeated in place.
Value repeatHeads(GraphImporter &im, Value x, int64_t reps) {
  if (reps == 1) {
    return x;
  }
  ArrayRef<int64_t> s = typeOf(x).getShape();
  Value y = reshapeTo(im, x, {s[0], s[1], 1, s[2], s[3]});
  y = im.create<ExpandOp>(RankedTensorType::get({s[0], s[1], reps, s[2], s[3]},
                                                typeOf(x).getElementType()),
                          {y});
  return reshapeTo(im, y, {s[0], s[1] * reps, s[2], s[3]});
}

Value floatConstant(GraphImporter &im, ArrayRef<int64_t> shape, Type elem,
                    ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elem);
  auto ft = cast<FloatType>(elem);
  SmallVector<APFloat> data;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    data.push_back(f);
  }
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, data))});
}

/// A [B, H, q, kv]-broadcastable bias of 0 (attend) and -inf from what is
/// known at import: causal and window masks aligned at `offsets` (one per
/// batch, or one for all) and the padding after `nonpad` keys per batch.
struct StaticBias {
  SmallVector<int64_t> shape; // [q, kv] or [B, 1, q, kv]
  SmallVector<double> values;
};

StaticBias staticBias(int64_t batch, int64_t q, int64_t kv, bool causal,
                      int64_t left, int64_t right, ArrayRef<int64_t> offsets,
                      ArrayRef<int64_t> nonpad) {
  StaticBias s;
  bool perBatch = offsets.size() > 1 || !nonpad.empty();
  int64_t nb = perBatch ? batch : 1;
  s.shape = perBatch ? SmallVector<int64_t>{batch, 1, q, kv}
                     : SmallVector<int64_t>{q, kv};
  for (int64_t b = 0; b < nb; ++b) {
    int64_t offset = offsets.size() > 1 ? offsets[b] : offsets.front();
    for (int64_t i = 0; i < q; ++i) {
      for (int64_t j = 0; j < kv; ++j) {
        int64_t diff = i + offset - j;
        bool ok = (!causal || diff >= 0) && (left < 0 || diff <= left) &&
                  (right < 0 || -diff <= right) &&
                  (nonpad.empty() || j < nonpad[b]);
        s.values.push_back(ok ? 0.0 : kNegInf);
      }
    }
  }
  return s;
}

LogicalResult importAttention(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> q = im.input(0), k = im.input(1), v = im.input(2);
  if (failed(q) || failed(k) || failed(v)) {
    return failure();
  }
  RankedTensorType qType = typeOf(*q);
  Type elem = qType.getElementType();
  int64_t rank = qType.getRank();
  if (!isa<FloatType>(elem) || (rank != 3 && rank != 4) ||
      typeOf(*k).getRank() != rank || typeOf(*v).getRank() != rank) {
    return im.error() << "expected floating-point Q, K and V of rank 3 or 4, "
                         "got "
                      << qType << ", " << typeOf(*k) << ", " << typeOf(*v);
  }
  int64_t batch = qType.getDimSize(0);
  if (rank == 3) {
    int64_t qHeads = im.attrInt("q_num_heads", 0);
    int64_t kvHeads = im.attrInt("kv_num_heads", 0);
    if (qHeads < 1 || kvHeads < 1 || qType.getDimSize(2) % qHeads != 0 ||
        typeOf(*k).getDimSize(2) % kvHeads != 0 ||
        typeOf(*v).getDimSize(2) % kvHeads != 0) {
      return im.error() << "3-D inputs need q_num_heads and kv_num_heads "
                           "that divide the hidden sizes";
    }
    *q = splitHeads(im, *q, qHeads);
    *k = splitHeads(im, *k, kvHeads);
    *v = splitHeads(im, *v, kvHeads);
  }
  int64_t qHeads = typeOf(*q).getDimSize(1), kvHeads = typeOf(*k).getDimSize(1);
  int64_t qLen = typeOf(*q).getDimSize(2), headSize = typeOf(*q).getDimSize(3);
  if (kvHeads < 1 || qHeads % kvHeads != 0 ||
      typeOf(*v).getDimSize(1) != kvHeads) {
    return im.error() << "the query heads (" << qHeads
                      << ") must be a multiple of the key/value heads ("
                      << kvHeads << ")";
  }

  // The key/value cache.
  int64_t pastLen = 0;
  if (im.hasInput(4) != im.hasInput(5)) {
    return im.error() << "past_key and past_value must be given together";
  }
  if (im.hasInput(4)) {
    FailureOr<Value> pk = im.input(4), pv = im.input(5);
    if (failed(pk) || failed(pv)) {
      return failure();
    }
    pastLen = typeOf(*pk).getDimSize(2);
    auto concat = [&](Value past, Value x) {
      SmallVector<int64_t> shape(typeOf(x).getShape());
      shape[2] += typeOf(past).getDimSize(2);
      return im.create<ConcatOp>(
          RankedTensorType::get(shape, elem), {past, x},
          {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(2))});
    };
    *k = concat(*pk, *k);
    *v = concat(*pv, *v);
  }
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, *k);
  }
  if (node.output_size() > 2 && !node.output(2).empty()) {
    im.setOutput(2, *v);
  }
  int64_t kvLen = typeOf(*k).getDimSize(2);

  // The bias known at import.
  bool causal = im.attrInt("is_causal", 0) != 0;
  int64_t left = im.attrInt("left_window_size", -1);
  int64_t right = im.attrInt("right_window_size", -1);
  SmallVector<int64_t> offsets = {pastLen}, nonpad;
  if (im.hasInput(6)) {
    FailureOr<SmallVector<int64_t>> n = im.constantInts(6, "nonpad_kv_seqlen");
    if (failed(n)) {
      return failure();
    }
    if (static_cast<int64_t>(n->size()) != batch || pastLen != 0) {
      return im.error() << "nonpad_kv_seqlen needs one length per batch and "
                           "no past_key";
    }
    nonpad = *n;
    offsets.clear();
    for (int64_t len : nonpad) {
      offsets.push_back(len - qLen);
    }
  }
  StaticBias sb =
      staticBias(batch, qLen, kvLen, causal, left, right, offsets, nonpad);
  bool hasStatic = llvm::any_of(sb.values, [](double x) { return x != 0; });
  Value bias =
      hasStatic ? floatConstant(im, sb.shape, elem, sb.values) : Value();
  // The attention mask, padded to the key length.
  if (im.hasInput(3)) {
    FailureOr<Value> mask = im.input(3);
    if (failed(mask)) {
      return failure();
    }
    RankedTensorType mType = typeOf(*mask);
    bool isBool = mType.getElementType().isInteger(1);
    if (!isBool && mType.getElementType() != elem) {
      return im.error() << "attn_mask must be bool or of Q's type, got "
                        << mType;
    }
    int64_t mLen = mType.getShape().back();
    if (mLen < kvLen) {
      SmallVector<int64_t> pads(2 * mType.getRank(), 0),
          shape(mType.getShape());
      pads[2 * mType.getRank() - 1] = kvLen - mLen;
      shape.back() = kvLen;
      OpBuilder &b = im.getBuilder();
      *mask = im.create<PadOp>(
          RankedTensorType::get(shape, mType.getElementType()), *mask,
          {im.namedAttr("pads", b.getDenseI64ArrayAttr(pads)),
           im.namedAttr("value",
                        b.getF32FloatAttr(isBool ? 0.0f : -INFINITY))});
    }
    if (isBool) {
      auto t = RankedTensorType::get(typeOf(*mask).getShape(), elem);
      *mask = im.create<WhereOp>(t, {*mask, createScalarConstant(im, elem, 0),
                                     createScalarConstant(im, elem, kNegInf)});
    }
    bias = bias ? createBinary<AddOp>(im, *mask, bias) : *mask;
  }

  // QK^T, scaled on both sides as the reference does.
  int64_t reps = qHeads / kvHeads;
  Value kr = repeatHeads(im, *k, reps), vr = repeatHeads(im, *v, reps);
  double scale = 1.0 / std::sqrt(static_cast<double>(headSize));
  if (const onnx::AttributeProto *a = im.attr("scale")) {
    scale = a->f();
  }
  Value s = createScalarConstant(im, elem, std::sqrt(scale));
  Value kt = transposeBy(im, createBinary<MulOp>(im, kr, s), {0, 1, 3, 2});
  Value qk = im.create<MatMulOp>(
      RankedTensorType::get({batch, qHeads, qLen, kvLen}, elem),
      {createBinary<MulOp>(im, *q, s), kt});
  float softcap = im.attrFloat("softcap", 0.0f);
  if (softcap > 0) {
    Value c = createScalarConstant(im, elem, softcap);
    Value t = im.create<TanhOp>(qk.getType(), createBinary<DivOp>(im, qk, c));
    qk = createBinary<MulOp>(im, t, c);
  }
  Value logits = bias ? createBinary<AddOp>(im, qk, bias) : qk;
  OpBuilder &b = im.getBuilder();
  Value probs = im.create<SoftmaxOp>(
      logits.getType(), logits, {im.namedAttr("axis", b.getI64IntegerAttr(3))});
  if (bias) {
    // Rows with every key masked attend to nothing (softmax gives NaN).
    RankedTensorType bType = typeOf(bias);
    SmallVector<int64_t> rowShape(bType.getShape());
    rowShape.back() = 1;
    Value rowMax = im.create<ReduceMaxOp>(
        RankedTensorType::get(rowShape, elem), bias,
        {im.namedAttr("axes", b.getDenseI64ArrayAttr({bType.getRank() - 1})),
         im.namedAttr("keepdims", b.getBoolAttr(true))});
    Value masked = createBinary<EqualOp>(
        im, rowMax, createScalarConstant(im, elem, kNegInf), b.getI1Type());
    probs = im.create<WhereOp>(
        probs.getType(), {masked, createScalarConstant(im, elem, 0), probs});
  }
  if (node.output_size() > 3 && !node.output(3).empty()) {
    int64_t mode = im.attrInt("qk_matmul_output_mode", 0);
    if (mode < 0 || mode > 3) {
      return im.unsupportedAttr("qk_matmul_output_mode", std::to_string(mode),
                                "0, 1, 2, 3");
    }
    im.setOutput(3, mode == 3 ? probs : mode == 2 ? logits : qk);
  }
  Value y = im.create<MatMulOp>(
      RankedTensorType::get({batch, qHeads, qLen, typeOf(vr).getDimSize(3)},
                            elem),
      {probs, vr});
  if (rank == 3) {
    y = transposeBy(im, y, {0, 2, 1, 3});
    ArrayRef<int64_t> s3 = typeOf(y).getShape();
    y = reshapeTo(im, y, {s3[0], s3[1], s3[2] * s3[3]});
  }
  im.setOutput(0, y);
  return success();
}

Value concatLast(GraphImporter &im, Value a, Value b) {
  RankedTensorType t = typeOf(a);
  SmallVector<int64_t> shape(t.getShape());
  shape.back() += typeOf(b).getShape().back();
  return im.create<ConcatOp>(
      RankedTensorType::get(shape, t.getElementType()), {a, b},
      {im.namedAttr("axis",
                    im.getBuilder().getI64IntegerAttr(t.getRank() - 1))});
}

/// RotaryEmbedding (23): x [B, S, H, D] (from [B, H, S, D] or [B, S, H*D])
/// rotated in its first rotary_embedding_dim channels by the cos/sin caches
/// ([B, S, dim/2], or gathered at position_ids from [max_pos, dim/2]), the
/// rotated pairs being the two halves or (interleaved) even/odd channels.
/// com.microsoft's RotaryEmbedding orders its inputs (input, position_ids,
/// cos_cache, sin_cache) and takes position_ids [1] as the first position
/// of every sequence; without num_heads a 3-D input's head size is the
/// caches' rotary size.
template <bool Contrib>
LogicalResult importRotaryEmbedding(GraphImporter &im,
                                    const onnx::NodeProto &) {
  const unsigned xIdx = 0, cosIdx = Contrib ? 2 : 1, sinIdx = Contrib ? 3 : 2,
                 posIdx = Contrib ? 1 : 3;
  FailureOr<Value> x = im.input(xIdx), cosC = im.input(cosIdx),
                   sinC = im.input(sinIdx);
  if (failed(x) || failed(cosC) || failed(sinC)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*x);
  Type elem = xType.getElementType();
  int64_t rank = xType.getRank();
  if (rank != 3 && rank != 4) {
    return im.error() << "expected an input of rank 3 or 4, got " << xType;
  }
  if (Contrib && (im.attrInt("is_packed_batching", 0) != 0 ||
                  im.attrFloat("scale", 1.0f) != 1.0f)) {
    return im.error() << "is_packed_batching and scale != 1 are not supported";
  }
  Value y = *x;
  if (rank == 4) {
    y = transposeBy(im, y, {0, 2, 1, 3});
  } else {
    int64_t heads = im.attrInt("num_heads", 0);
    int64_t cacheHalf = typeOf(*cosC).getShape().back();
    if (Contrib && heads == 0 && im.attrInt("rotary_embedding_dim", 0) == 0 &&
        cacheHalf > 0 && xType.getDimSize(2) % (2 * cacheHalf) == 0) {
      heads = xType.getDimSize(2) / (2 * cacheHalf);
    }
    if (heads < 1 || xType.getDimSize(2) % heads != 0) {
      return im.error() << "a 3-D input needs num_heads dividing its hidden "
                           "size";
    }
    y = reshapeTo(im, y,
                  {xType.getDimSize(0), xType.getDimSize(1), heads,
                   xType.getDimSize(2) / heads});
  }
  ArrayRef<int64_t> s = typeOf(y).getShape(); // [B, S, H, D]
  int64_t b = s[0], seq = s[1], heads = s[2], d = s[3];
  int64_t rot = im.attrInt("rotary_embedding_dim", 0);
  rot = rot == 0 ? d : rot;
  int64_t half = rot / 2;
  if (rot % 2 != 0 || rot > d) {
    return im.error() << "rotary_embedding_dim " << rot
                      << " must be even and at most the head size " << d;
  }
  if (im.hasInput(posIdx)) {
    FailureOr<Value> pos = im.input(posIdx);
    if (failed(pos)) {
      return failure();
    }
    RankedTensorType posType = typeOf(*pos);
    if (Contrib && posType.getNumElements() == 1 && (b != 1 || seq != 1)) {
      // The first position: positions start + [0, S) for every batch.
      auto rowType = RankedTensorType::get({1, seq}, posType.getElementType());
      SmallVector<APInt> steps;
      for (int64_t i = 0; i < seq; ++i) {
        steps.push_back(APInt(posType.getElementType().getIntOrFloatBitWidth(),
                              i));
      }
      Value range = im.create<ConstantOp>(
          rowType, {},
          {im.namedAttr("value", DenseElementsAttr::get(rowType, steps))});
      Value row = createBinary<AddOp>(im, reshapeTo(im, *pos, {1, 1}), range);
      *pos = im.create<ExpandOp>(
          RankedTensorType::get({b, seq}, posType.getElementType()), {row});
    }
    auto gather = [&](Value cache) {
      SmallVector<int64_t> shape(typeOf(*pos).getShape());
      shape.push_back(typeOf(cache).getShape().back());
      return im.create<GatherOp>(
          RankedTensorType::get(shape, elem), {cache, *pos},
          {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(0))});
    };
    *cosC = gather(*cosC);
    *sinC = gather(*sinC);
  }
  for (Value c : {*cosC, *sinC}) {
    if (typeOf(c).getNumElements() != b * seq * half) {
      return im.error() << "the cos/sin caches must give [" << b << ", " << seq
                        << ", " << half << "] values, got " << c.getType();
    }
  }
  Value cosV = reshapeTo(im, *cosC, {b, seq, 1, half});
  Value sinV = reshapeTo(im, *sinC, {b, seq, 1, half});
  bool interleaved = im.attrInt("interleaved", 0) != 0;
  Value xr = slice(im, y, 3, 0, rot), x1, x2;
  if (interleaved) {
    Value pairs = reshapeTo(im, xr, {b, seq, heads, half, 2});
    x1 = reshapeTo(im, slice(im, pairs, 4, 0, 1), {b, seq, heads, half});
    x2 = reshapeTo(im, slice(im, pairs, 4, 1, 1), {b, seq, heads, half});
  } else {
    x1 = slice(im, xr, 3, 0, half);
    x2 = slice(im, xr, 3, half, half);
  }
  Value real = createBinary<SubOp>(im, createBinary<MulOp>(im, cosV, x1),
                                   createBinary<MulOp>(im, sinV, x2));
  Value imag = createBinary<AddOp>(im, createBinary<MulOp>(im, sinV, x1),
                                   createBinary<MulOp>(im, cosV, x2));
  Value rotated;
  if (interleaved) {
    rotated = concatLast(im, reshapeTo(im, real, {b, seq, heads, half, 1}),
                         reshapeTo(im, imag, {b, seq, heads, half, 1}));
    rotated = reshapeTo(im, rotated, {b, seq, heads, rot});
  } else {
    rotated = concatLast(im, real, imag);
  }
  if (rot < d) {
    rotated = concatLast(im, rotated, slice(im, y, 3, rot, d - rot));
  }
  im.setOutput(0, rank == 4 ? transposeBy(im, rotated, {0, 2, 1, 3})
                            : reshapeTo(im, rotated, xType.getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// com.microsoft Attention and MultiHeadAttention (ONNX Runtime's fusions of
// BERT/GPT-style attention): softmax(scale * Q K^T + mask + attention_bias) V
// with masked positions at mask_filter_value (-10000), as ORT computes them.
//===----------------------------------------------------------------------===//

/// The additive mask of ORT's mask_index / key_padding_mask (int32) for
/// [B, N, S, L] logits: 1-D [B] holds each batch's key length (keys at or
/// after it are masked), 2-D [B, L] and 3-D [B, S, L] are raw masks
/// (0 masks). Returns a tensor broadcastable to [B, 1, S, L].
FailureOr<Value> contribMask(GraphImporter &im, unsigned input, int64_t batch,
                             int64_t qLen, int64_t kvLen, Type elem,
                             float filter) {
  FailureOr<Value> m = im.input(input);
  if (failed(m)) {
    return failure();
  }
  RankedTensorType t = typeOf(*m);
  if (!t.getElementType().isInteger(32)) {
    return im.error() << "input " << input << " (the mask) must be int32, got "
                      << t;
  }
  OpBuilder &b = im.getBuilder();
  Value zero = createScalarConstant(im, elem, 0.0);
  Value masked = createScalarConstant(im, elem, filter);
  ArrayRef<int64_t> shape = t.getShape();
  Value keep; // i1, broadcastable to [B, 1, S, L]
  if (t.getRank() == 1 && shape[0] == batch) {
    SmallVector<int64_t> positions = llvm::to_vector(llvm::seq<int64_t>(0, kvLen));
    auto posType = RankedTensorType::get({kvLen}, t.getElementType());
    SmallVector<APInt> bits;
    for (int64_t p : positions) {
      bits.push_back(APInt(32, p));
    }
    Value pos = im.create<ConstantOp>(
        posType, {}, {im.namedAttr("value", DenseElementsAttr::get(posType, bits))});
    Value ends = reshapeTo(im, *m, {batch, 1, 1, 1});
    keep = createBinary<LessOp>(im, pos, ends, b.getI1Type());
  } else if ((t.getRank() == 2 && shape[0] == batch && shape[1] == kvLen) ||
             (t.getRank() == 3 && shape[0] == batch && shape[1] == qLen &&
              shape[2] == kvLen)) {
    Value raw = t.getRank() == 2 ? reshapeTo(im, *m, {batch, 1, 1, kvLen})
                                 : reshapeTo(im, *m, {batch, 1, qLen, kvLen});
    Value drop = createBinary<EqualOp>(
        im, raw, createScalarConstant(im, t.getElementType(), 0),
        b.getI1Type());
    auto biasType = RankedTensorType::get(typeOf(drop).getShape(), elem);
    return im.create<WhereOp>(biasType, {drop, masked, zero});
  } else {
    return im.error() << "mask " << t << " is not supported; supported: [B] "
                         "key lengths, [B, L] or [B, S, L] 0/1 masks (B "
                      << batch << ", S " << qLen << ", L " << kvLen << ")";
  }
  auto biasType = RankedTensorType::get(typeOf(keep).getShape(), elem);
  return im.create<WhereOp>(biasType, {keep, zero, masked});
}

/// Q [B, N, S, H], K [B, N, L, H], V [B, N, L, Hv] -> [B, S, N * Hv].
Value attendHeads(GraphImporter &im, Value q, Value k, Value v, Value bias,
                  double scale) {
  RankedTensorType qt = typeOf(q);
  Type elem = qt.getElementType();
  int64_t batch = qt.getDimSize(0), heads = qt.getDimSize(1),
          qLen = qt.getDimSize(2), kvLen = typeOf(k).getDimSize(2);
  Value kt = transposeBy(im, k, {0, 1, 3, 2});
  Value qk = im.create<MatMulOp>(
      RankedTensorType::get({batch, heads, qLen, kvLen}, elem), {q, kt});
  qk = createBinary<MulOp>(im, qk, createScalarConstant(im, elem, scale));
  if (bias) {
    qk = createBinary<AddOp>(im, qk, bias);
  }
  Value probs = im.create<SoftmaxOp>(
      qk.getType(), qk,
      {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(3))});
  Value y = im.create<MatMulOp>(
      RankedTensorType::get({batch, heads, qLen, typeOf(v).getDimSize(3)},
                            elem),
      {probs, v});
  y = transposeBy(im, y, {0, 2, 1, 3});
  ArrayRef<int64_t> s = typeOf(y).getShape();
  return reshapeTo(im, y, {s[0], s[1], s[2] * s[3]});
}

/// mask (from `maskInput`, optional) + causal mask (unidirectional) +
/// attention_bias (from `biasInput`, optional), all at mask_filter_value.
FailureOr<Value> contribBias(GraphImporter &im, unsigned maskInput,
                             unsigned biasInput, int64_t batch, int64_t qLen,
                             int64_t kvLen, Type elem) {
  float filter = im.attrFloat("mask_filter_value", -10000.0f);
  Value bias;
  if (im.hasInput(maskInput)) {
    FailureOr<Value> m =
        contribMask(im, maskInput, batch, qLen, kvLen, elem, filter);
    if (failed(m)) {
      return failure();
    }
    bias = *m;
  }
  if (im.attrInt("unidirectional", 0) != 0) {
    // Query i (aligned to the end of the keys) sees keys <= i + L - S.
    SmallVector<double> values;
    for (int64_t i = 0; i < qLen; ++i) {
      for (int64_t j = 0; j < kvLen; ++j) {
        values.push_back(j <= i + kvLen - qLen ? 0.0 : filter);
      }
    }
    Value causal = floatConstant(im, {1, 1, qLen, kvLen}, elem, values);
    bias = bias ? createBinary<AddOp>(im, bias, causal) : causal;
  }
  if (im.hasInput(biasInput)) {
    FailureOr<Value> ab = im.input(biasInput);
    if (failed(ab)) {
      return failure();
    }
    if (typeOf(*ab).getElementType() != elem || typeOf(*ab).getRank() != 4) {
      return im.error() << "attention_bias must be 4-D of Q's type, got "
                        << typeOf(*ab);
    }
    bias = bias ? createBinary<AddOp>(im, bias, *ab) : *ab;
  }
  return bias;
}

LogicalResult rejectContribInputs(GraphImporter &im, const onnx::NodeProto &node,
                                  ArrayRef<unsigned> inputs, StringRef what) {
  for (unsigned i : inputs) {
    if (im.hasInput(i)) {
      return im.error() << what << " (input " << i << ", '" << node.input(i)
                        << "') is not supported";
    }
  }
  for (int i = 1; i < node.output_size(); ++i) {
    if (!node.output(i).empty()) {
      return im.error() << "output " << i << " (the present key/value) is "
                           "not supported";
    }
  }
  return success();
}

/// com.microsoft.Attention (input [B, S, D_in], weights [D_in, Dq+Dk+Dv],
/// bias, mask_index, past, attention_bias): Q, K, V = input W + bias.
LogicalResult importContribAttention(GraphImporter &im,
                                     const onnx::NodeProto &node) {
  if (failed(rejectContribInputs(im, node, {4, 6}, "past"))) {
    return failure();
  }
  if (im.attrInt("do_rotary", 0) != 0 ||
      im.attrInt("past_present_share_buffer", 0) != 0) {
    return im.error() << "do_rotary and past_present_share_buffer are not "
                         "supported";
  }
  FailureOr<Value> x = im.input(0), w = im.input(1);
  if (failed(x) || failed(w)) {
    return failure();
  }
  RankedTensorType xt = typeOf(*x), wt = typeOf(*w);
  Type elem = xt.getElementType();
  int64_t heads = im.attrInt("num_heads", 0);
  if (!isa<FloatType>(elem) || xt.getRank() != 3 || wt.getRank() != 2 ||
      wt.getDimSize(0) != xt.getDimSize(2) || heads < 1) {
    return im.error() << "expected a float input [B, S, D], weights [D, "
                         "Dq+Dk+Dv] and num_heads >= 1, got "
                      << xt << ", " << wt;
  }
  SmallVector<int64_t> sizes = im.attrInts("qkv_hidden_sizes")
                                   .value_or(SmallVector<int64_t>(
                                       3, wt.getDimSize(1) / 3));
  if (sizes.size() != 3 || sizes[0] != sizes[1] ||
      sizes[0] + sizes[1] + sizes[2] != wt.getDimSize(1) ||
      llvm::any_of(sizes, [&](int64_t d) { return d <= 0 || d % heads; })) {
    return im.error() << "the weights' " << wt.getDimSize(1)
                      << " columns do not split into Q, K, V sizes divisible "
                         "by num_heads "
                      << heads;
  }
  int64_t batch = xt.getDimSize(0), seq = xt.getDimSize(1);
  Value qkv = im.create<MatMulOp>(
      RankedTensorType::get({batch, seq, wt.getDimSize(1)}, elem), {*x, *w});
  if (im.hasInput(2)) {
    FailureOr<Value> b = im.input(2);
    if (failed(b)) {
      return failure();
    }
    qkv = createBinary<AddOp>(im, qkv, *b);
  }
  Value q = splitHeads(im, slice(im, qkv, 2, 0, sizes[0]), heads);
  Value k = splitHeads(im, slice(im, qkv, 2, sizes[0], sizes[1]), heads);
  Value v = splitHeads(im, slice(im, qkv, 2, sizes[0] + sizes[1], sizes[2]),
                       heads);
  FailureOr<Value> bias = contribBias(im, 3, 5, batch, seq, seq, elem);
  if (failed(bias)) {
    return failure();
  }
  double scale = im.attr("scale") ? im.attrFloat("scale", 1.0f)
                                  : 1.0 / std::sqrt(double(sizes[0] / heads));
  im.setOutput(0, attendHeads(im, q, k, v, *bias, scale));
  return success();
}

/// com.microsoft.MultiHeadAttention with 3-D query [B, S, D], key [B, L, D]
/// and value [B, L, Dv], the optional bias [D + D + Dv], key_padding_mask
/// and attention_bias.
LogicalResult importMultiHeadAttention(GraphImporter &im,
                                       const onnx::NodeProto &node) {
  if (failed(rejectContribInputs(im, node, {6, 7, 8, 9},
                                 "past key/value or cache"))) {
    return failure();
  }
  FailureOr<Value> q = im.input(0);
  if (failed(q)) {
    return failure();
  }
  if (!im.hasInput(1) || !im.hasInput(2)) {
    return im.error() << "packed QKV / KV inputs are not supported; supported: "
                         "separate 3-D query, key and value";
  }
  FailureOr<Value> k = im.input(1), v = im.input(2);
  if (failed(k) || failed(v)) {
    return failure();
  }
  RankedTensorType qt = typeOf(*q), kt = typeOf(*k), vt = typeOf(*v);
  Type elem = qt.getElementType();
  int64_t heads = im.attrInt("num_heads", 0);
  if (!isa<FloatType>(elem) || qt.getRank() != 3 || kt.getRank() != 3 ||
      vt.getRank() != 3 || heads < 1 || qt.getDimSize(2) % heads ||
      kt.getDimSize(2) != qt.getDimSize(2) || vt.getDimSize(2) % heads ||
      kt.getDimSize(1) != vt.getDimSize(1)) {
    return im.error() << "expected float 3-D query [B, S, D], key [B, L, D], "
                         "value [B, L, Dv] with D and Dv divisible by num_heads, "
                         "got "
                      << qt << ", " << kt << ", " << vt;
  }
  int64_t d = qt.getDimSize(2), dv = vt.getDimSize(2);
  if (im.hasInput(3)) {
    FailureOr<Value> b = im.input(3);
    if (failed(b)) {
      return failure();
    }
    if (typeOf(*b).getRank() != 1 || typeOf(*b).getDimSize(0) != 2 * d + dv) {
      return im.error() << "bias must be [" << 2 * d + dv << "], got "
                        << typeOf(*b);
    }
    *q = createBinary<AddOp>(im, *q, slice(im, *b, 0, 0, d));
    *k = createBinary<AddOp>(im, *k, slice(im, *b, 0, d, d));
    *v = createBinary<AddOp>(im, *v, slice(im, *b, 0, 2 * d, dv));
  }
  int64_t batch = qt.getDimSize(0), qLen = qt.getDimSize(1),
          kvLen = kt.getDimSize(1);
  FailureOr<Value> bias = contribBias(im, 4, 5, batch, qLen, kvLen, elem);
  if (failed(bias)) {
    return failure();
  }
  double scale = im.attr("scale") ? im.attrFloat("scale", 1.0f)
                                  : 1.0 / std::sqrt(double(d / heads));
  im.setOutput(0, attendHeads(im, splitHeads(im, *q, heads),
                              splitHeads(im, *k, heads),
                              splitHeads(im, *v, heads), *bias, scale));
  return success();
}

} // namespace

void importer::registerAttentionOps(OpTable &table) {
  table["com.microsoft.Attention"] = importContribAttention;
  table["com.microsoft.MultiHeadAttention"] = importMultiHeadAttention;
  table["Attention"] = importAttention;
  table["RotaryEmbedding"] = importRotaryEmbedding<false>;
  table["com.microsoft.RotaryEmbedding"] = importRotaryEmbedding<true>;
}
