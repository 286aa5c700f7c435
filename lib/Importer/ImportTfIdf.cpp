//===- ImportTfIdf.cpp - TfIdfVectorizer as static n-gram matching --------===//
//
// TfIdfVectorizer-9 counts, per row of an int32/int64 input [C] or [B, C],
// how often each n-gram of `pool_int64s` occurs, with every skip distance d
// in 1..max_skip_count + 1 between its tokens (unigrams once), for the
// n-gram lengths min_gram_length..max_gram_length. All of that is static:
// per length g the importer lists every window (d, start) that fits in C and
// gathers its g tokens ([B, W] each), compares them with the pool's n-grams
// of length g ([B, W, P] matches), sums over the windows and scatters the
// counts to their output columns with a constant matmul that also applies
// the n-grams' weights (TFIDF: count * weight; IDF: weight where count > 0).
// Counting follows ONNX's reference implementation (a pool n-gram listed
// twice counts under its last index).
//
//===----------------------------------------------------------------------===//
#include "ImportML.h"

#include "llvm/ADT/STLExtras.h"

#include <map>
#include <vector>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// The pool n-grams of one length: their tokens and output column.
struct GramPool {
  std::map<std::vector<int64_t>, int64_t> column; // n-gram -> id; last wins
};

LogicalResult importTfIdfVectorizer(GraphImporter &im,
                                    const onnx::NodeProto &) {
  if (im.attr("pool_strings")) {
    return im.error() << "'pool_strings' is not supported (etch tensors are "
                         "numeric); supported: pool_int64s";
  }
  FailureOr<Value> xIn = im.input(0);
  if (failed(xIn)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*xIn);
  Type xElem = xType.getElementType();
  if ((!xElem.isInteger(32) && !xElem.isInteger(64)) || xType.getRank() < 1 ||
      xType.getRank() > 2) {
    return im.error() << "expected an int32 or int64 input of shape [C] or "
                         "[B, C], got "
                      << xIn->getType();
  }
  std::string mode = im.attrString("mode", "");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF") {
    return im.unsupportedAttr("mode", mode, "TF, IDF, TFIDF");
  }
  int64_t minGram = im.attrInt("min_gram_length", 0);
  int64_t maxGram = im.attrInt("max_gram_length", 0);
  int64_t maxSkip = im.attrInt("max_skip_count", 0);
  SmallVector<int64_t> counts =
      im.attrInts("ngram_counts").value_or(SmallVector<int64_t>());
  SmallVector<int64_t> indexes =
      im.attrInts("ngram_indexes").value_or(SmallVector<int64_t>());
  SmallVector<int64_t> pool =
      im.attrInts("pool_int64s").value_or(SmallVector<int64_t>());
  if (minGram < 1 || maxGram < minGram || maxSkip < 0 || indexes.empty() ||
      llvm::any_of(indexes, [](int64_t i) { return i < 0; })) {
    return im.error() << "expected 1 <= min_gram_length <= max_gram_length, "
                         "max_skip_count >= 0 and non-negative "
                         "ngram_indexes";
  }
  int64_t width = *llvm::max_element(indexes) + 1;
  // The pool, per n-gram length: ids count over every listed n-gram (those
  // of lengths outside [min, max] too), as ngram_indexes does.
  std::map<int64_t, GramPool> pools;
  int64_t id = 0, total = pool.size();
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t g = i + 1;
    int64_t begin = counts[i];
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : total;
    if (begin < 0 || end < begin || end > total || (end - begin) % g != 0) {
      return im.error() << "ngram_counts does not split pool_int64s into "
                           "whole n-grams (length "
                        << g << ": items " << begin << " to " << end << ")";
    }
    for (int64_t at = begin; at < end; at += g, ++id) {
      if (g < minGram || g > maxGram) {
        continue;
      }
      if (id >= static_cast<int64_t>(indexes.size())) {
        return im.error() << "ngram_indexes has " << indexes.size()
                          << " entries; the pool lists more n-grams";
      }
      pools[g].column[std::vector<int64_t>(pool.begin() + at,
                                           pool.begin() + at + g)] = id;
    }
  }

  // `weights` are per pool n-gram (the i-th weighs the i-th n-gram, as the
  // spec and ONNX Runtime have it): applied before the scatter to columns.
  SmallVector<double> weights;
  if (const onnx::AttributeProto *a = im.attr("weights");
      a && a->floats_size() > 0) {
    if (a->floats_size() != static_cast<int>(indexes.size())) {
      return im.error() << "'weights' has " << a->floats_size()
                        << " entries; ngram_indexes has " << indexes.size();
    }
    weights.assign(a->floats().begin(), a->floats().end());
  }
  bool weighted = mode != "TF" && !weights.empty();

  Builder &b = im.getBuilder();
  Type f32 = b.getF32Type();
  int64_t batch = xType.getRank() == 2 ? xType.getDimSize(0) : 1;
  int64_t length = xType.getShape().back();
  Value x = reshapeTo(im, *xIn, {batch, length});
  if (xElem.isInteger(32)) {
    x = im.create<CastOp>(
        RankedTensorType::get({batch, length}, b.getI64Type()), {x});
  }
  auto outType = RankedTensorType::get({batch, width}, f32);
  Value freq;
  for (auto &[g, grams] : pools) {
    // Every window (skip distance d, start) of length g inside the row.
    SmallVector<SmallVector<int64_t>> positions(g);
    int64_t lastSkip = g == 1 ? 1 : maxSkip + 1;
    for (int64_t d = 1; d <= lastSkip; ++d) {
      for (int64_t start = 0; start + (g - 1) * d < length; ++start) {
        for (int64_t k = 0; k < g; ++k) {
          positions[k].push_back(start + k * d);
        }
      }
    }
    int64_t windows = positions[0].size();
    int64_t numGrams = grams.column.size();
    if (windows == 0) {
      continue;
    }
    if (failed(
            im.checkDerivedShape({batch, windows, numGrams}, b.getI1Type()))) {
      return failure();
    }
    auto matchType =
        RankedTensorType::get({batch, windows, numGrams}, b.getI1Type());
    Value all;
    for (int64_t k = 0; k < g; ++k) {
      SmallVector<int64_t> tokens;
      for (const auto &entry : grams.column) {
        tokens.push_back(entry.first[k]);
      }
      Value idx = constantOf(im, {windows}, b.getI64Type(), positions[k]);
      Value picked = im.create<GatherOp>(
          RankedTensorType::get({batch, windows}, b.getI64Type()), {x, idx},
          {im.namedAttr("axis", b.getI64IntegerAttr(1))});
      Value eq = im.create<EqualOp>(
          matchType, {reshapeTo(im, picked, {batch, windows, 1}),
                      constantOf(im, {numGrams}, b.getI64Type(), tokens)});
      all = all ? im.create<AndOp>(matchType, {all, eq}) : eq;
    }
    Value hits = im.create<CastOp>(matchType.clone(f32), {all});
    Value perGram = im.create<ReduceSumOp>(
        RankedTensorType::get({batch, numGrams}, f32), {hits},
        {im.namedAttr("axes", b.getDenseI64ArrayAttr({1})),
         im.namedAttr("keepdims", b.getBoolAttr(false))});
    if (mode == "IDF" && weighted) {
      Value seen =
          im.create<GreaterOp>(typeOf(perGram).clone(b.getI1Type()),
                               {perGram, createScalarConstant(im, f32, 0)});
      perGram = im.create<CastOp>(perGram.getType(), {seen});
    }
    SmallVector<double> scatter(numGrams * width, 0.0);
    int64_t row = 0;
    for (const auto &entry : grams.column) {
      scatter[row++ * width + indexes[entry.second]] =
          weighted ? weights[entry.second] : 1.0;
    }
    Value columns = im.create<MatMulOp>(
        outType, {perGram, constantOf(im, {numGrams, width}, f32, scatter)});
    freq = freq ? createBinary<AddOp>(im, freq, columns) : columns;
  }
  if (!freq) {
    freq = constantOf(im, {batch, width}, f32,
                      SmallVector<double>(batch * width, 0.0));
  }

  Value y = freq;
  if (mode == "IDF" && !weighted) {
    Value present = im.create<GreaterOp>(
        outType.clone(b.getI1Type()), {freq, createScalarConstant(im, f32, 0)});
    y = im.create<WhereOp>(outType, {present, createScalarConstant(im, f32, 1),
                                     createScalarConstant(im, f32, 0)});
  }
  if (xType.getRank() == 1) {
    y = reshapeTo(im, y, {width});
  }
  im.setOutput(0, y);
  return success();
}

} // namespace

void importer::registerTfIdfOps(OpTable &table) {
  table["TfIdfVectorizer"] = importTfIdfVectorizer;
}
