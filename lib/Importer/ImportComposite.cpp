//===- ImportComposite.cpp - ConvTranspose, Einsum, LRN, Shrink, IsInf ---===//
//
// ConvTranspose resolves auto_pad/output_shape/output_padding into explicit
// pads (ONNX's formulas) for etch.conv_transpose. Einsum of one or two
// operands becomes reduce_sum/transpose/reshape/etch.matmul (the well-trodden
// matmul path); diagonals and more operands one etch.einsum. The others are
// decomposed into core etch ops: LRN's window sum over channels is an
// AveragePool (count_include_pad) of x^2 viewed as [N, 1, C, rest].
//
//===----------------------------------------------------------------------===//
#include "ImportMath.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

LogicalResult importConvTranspose(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), w = im.input(1);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(w) || failed(outType)) {
    return failure();
  }
  SmallVector<Value> operands = {*x, *w};
  if (im.hasInput(2)) {
    FailureOr<Value> bias = im.input(2);
    if (failed(bias)) {
      return failure();
    }
    operands.push_back(*bias);
  }
  auto xType = cast<RankedTensorType>(x->getType());
  auto wType = cast<RankedTensorType>(w->getType());
  int64_t rank = xType.getRank(), spatial = rank - 2;
  if (rank < 3 || wType.getRank() != rank || outType->getRank() != rank) {
    return im.error() << "expected input, weight and result of equal rank "
                         ">= 3";
  }
  auto ints = [&](StringRef name, int64_t n, int64_t dflt) {
    return im.attrInts(name).value_or(SmallVector<int64_t>(n, dflt));
  };
  SmallVector<int64_t> strides = ints("strides", spatial, 1);
  SmallVector<int64_t> dilations = ints("dilations", spatial, 1);
  SmallVector<int64_t> pads = ints("pads", 2 * spatial, 0);
  SmallVector<int64_t> outPadding = ints("output_padding", spatial, 0);
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  if (auto k = im.attrInts("kernel_shape"); k && *k != kernel) {
    return im.error() << "'kernel_shape' differs from the weight's shape";
  }
  if (strides.size() != size_t(spatial) || dilations.size() != size_t(spatial) ||
      pads.size() != size_t(2 * spatial) ||
      outPadding.size() != size_t(spatial)) {
    return im.error() << "strides, dilations, output_padding need " << spatial
                      << " entries and pads " << 2 * spatial;
  }
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER") {
    return im.unsupportedAttr("auto_pad", "'" + autoPad + "'",
                              "NOTSET, SAME_UPPER, SAME_LOWER, VALID");
  }
  std::optional<SmallVector<int64_t>> outputShape =
      im.attrInts("output_shape");
  if (outputShape && outputShape->size() > size_t(spatial)) {
    outputShape->erase(outputShape->begin(),
                       outputShape->end() - spatial); // [N, C, spatial...]
  }
  if (autoPad == "VALID") {
    pads.assign(2 * spatial, 0);
  } else if (outputShape || autoPad != "NOTSET") {
    // ONNX: total = stride * (in - 1) + output_padding + (k - 1) * d + 1 -
    // out; SAME_LOWER puts the larger half first, SAME_UPPER and NOTSET
    // (output_shape) last, as ONNX's reference does.
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = xType.getDimSize(i + 2);
      int64_t out = outputShape ? (*outputShape)[i] : in * strides[i];
      int64_t total = strides[i] * (in - 1) + outPadding[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - out;
      bool upper = autoPad != "SAME_LOWER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[i + spatial] = upper ? total - total / 2 : total / 2;
    }
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<ConvTransposeOp>(
                      *outType, operands,
                      {im.namedAttr("strides", b.getDenseI64ArrayAttr(strides)),
                       im.namedAttr("pads", b.getDenseI64ArrayAttr(pads)),
                       im.namedAttr("dilations",
                                    b.getDenseI64ArrayAttr(dilations)),
                       im.namedAttr("group", b.getI64IntegerAttr(
                                                 im.attrInt("group", 1)))}));
  return success();
}

FailureOr<Value> floatInput(GraphImporter &im) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  if (!isa<FloatType>(cast<RankedTensorType>(x->getType()).getElementType())) {
    return im.error() << "expected a floating-point input, got "
                      << x->getType();
  }
  return x;
}

Value scalar(GraphImporter &im, Value like, double v) {
  return createScalarConstant(
      im, cast<RankedTensorType>(like.getType()).getElementType(), v);
}

RankedTensorType boolLike(GraphImporter &im, Value x) {
  return RankedTensorType::get(cast<RankedTensorType>(x.getType()).getShape(),
                               im.getBuilder().getI1Type());
}

/// LRN: x / (bias + alpha / size * sum_{window over C} x^2) ^ beta.
LogicalResult importLRN(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t size = im.attrInt("size", 0);
  if (type.getRank() < 3 || size < 1) {
    return im.error() << "expected an input of rank >= 3 and 'size' >= 1";
  }
  int64_t n = type.getDimSize(0), c = type.getDimSize(1);
  int64_t rest = type.getNumElements() / std::max<int64_t>(n * c, 1);
  Type elem = type.getElementType();
  auto viewType = RankedTensorType::get({n, 1, c, rest}, elem);
  Value sq = im.create<MulOp>(type, {*x, *x});
  Value view = im.create<ReshapeOp>(viewType, {sq});
  SmallVector<int64_t> kernel = {size, 1}, ones = {1, 1};
  SmallVector<int64_t> pads = {(size - 1) / 2, 0, size / 2, 0};
  // count_include_pad: the mean is the window sum / size.
  Value mean = AveragePoolOp::create(im.getBuilder(), im.getLoc(), viewType,
                                     view, kernel, ones, pads, ones, false,
                                     true);
  mean = im.create<ReshapeOp>(type, {mean});
  Value t = createBinary<MulOp>(im, mean,
                                scalar(im, *x, im.attrFloat("alpha", 1e-4f)));
  t = createBinary<AddOp>(im, t, scalar(im, *x, im.attrFloat("bias", 1.0f)));
  t = im.create<PowOp>(type, {t, scalar(im, *x, im.attrFloat("beta", 0.75f))});
  im.setOutput(0, im.create<DivOp>(type, {*x, t}));
  return success();
}

/// Shrink: x < -lambd ? x + bias : x > lambd ? x - bias : 0.
LogicalResult importShrink(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(type.getElementType()) &&
      !type.getElementType().isSignlessInteger()) {
    return im.error() << "element type " << type.getElementType()
                      << " is not supported";
  }
  double lambd = im.attrFloat("lambd", 0.5f), bias = im.attrFloat("bias", 0.0f);
  Value low = im.create<LessOp>(boolLike(im, *x), {*x, scalar(im, *x, -lambd)});
  Value high =
      im.create<GreaterOp>(boolLike(im, *x), {*x, scalar(im, *x, lambd)});
  Value plus = createBinary<AddOp>(im, *x, scalar(im, *x, bias));
  Value minus = createBinary<SubOp>(im, *x, scalar(im, *x, bias));
  Value zero = scalar(im, *x, 0.0);
  Value y = im.create<WhereOp>(type, {high, minus, zero});
  im.setOutput(0, im.create<WhereOp>(type, {low, plus, y}));
  return success();
}

LogicalResult importIsNaN(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  RankedTensorType t = boolLike(im, *x);
  im.setOutput(0, im.create<NotOp>(t, {im.create<EqualOp>(t, {*x, *x})}));
  return success();
}

LogicalResult importIsInf(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = floatInput(im);
  if (failed(x)) {
    return failure();
  }
  RankedTensorType t = boolLike(im, *x);
  double inf = std::numeric_limits<double>::infinity();
  Value result;
  if (im.attrInt("detect_positive", 1)) {
    result = im.create<EqualOp>(t, {*x, scalar(im, *x, inf)});
  }
  if (im.attrInt("detect_negative", 1)) {
    Value neg = im.create<EqualOp>(t, {*x, scalar(im, *x, -inf)});
    result = result ? im.create<OrOp>(t, {result, neg}) : neg;
  }
  if (!result) {
    result = im.create<ConstantOp>(
        t, {}, {im.namedAttr("value", DenseElementsAttr::get(t, false))});
  }
  im.setOutput(0, result);
  return success();
}

/// One Einsum term ("bij", "...ii") as labels: letters are their character
/// codes, ellipsis dims 1000 + k (right-aligned across operands, `ellipsis`
/// of them in total); `rank` < 0 for the output.
FailureOr<SmallVector<int64_t>> einsumLabels(GraphImporter &im, StringRef term,
                                             int64_t rank, int64_t &ellipsis) {
  size_t dots = term.find("...");
  StringRef before = dots == StringRef::npos ? term : term.take_front(dots);
  StringRef after = dots == StringRef::npos ? "" : term.drop_front(dots + 3);
  for (char c : llvm::concat<const char>(before, after)) {
    if (!llvm::isAlpha(c)) {
      return im.error() << "bad einsum term '" << term << "'";
    }
  }
  int64_t n = before.size() + after.size();
  int64_t e = 0;
  if (dots != StringRef::npos) {
    e = rank < 0 ? ellipsis : rank - n;
  } else if (rank >= 0 && rank != n) {
    return im.error() << "einsum term '" << term << "' has " << n
                      << " labels for an operand of rank " << rank;
  }
  if (e < 0) {
    return im.error() << "einsum term '" << term << "' has too many labels";
  }
  ellipsis = std::max(ellipsis, e);
  SmallVector<int64_t> labels(before.begin(), before.end());
  for (int64_t k = 0; k < e; ++k) {
    labels.push_back(1000 + k + (rank < 0 ? 0 : -e)); // fixed up below
  }
  labels.append(after.begin(), after.end());
  return labels;
}

/// `x` (dims labelled `labels`) transposed to the label order `order`.
Value transposeTo(GraphImporter &im, Value x, ArrayRef<int64_t> labels,
                  ArrayRef<int64_t> order) {
  SmallVector<int64_t> perm;
  for (int64_t label : order) {
    perm.push_back(llvm::find(labels, label) - labels.begin());
  }
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
    return x;
  }
  return transposeBy(im, x, perm);
}

/// Sums `x` over the dims whose label fails `keep` and drops those labels.
Value sumAway(GraphImporter &im, Value x, SmallVector<int64_t> &labels,
              function_ref<bool(int64_t)> keep) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> axes, shape, kept;
  for (auto [d, label] : llvm::enumerate(labels)) {
    if (keep(label)) {
      shape.push_back(type.getDimSize(d));
      kept.push_back(label);
    } else {
      axes.push_back(d);
    }
  }
  if (axes.empty()) {
    return x;
  }
  labels = kept;
  OpBuilder &b = im.getBuilder();
  return im.create<ReduceSumOp>(
      RankedTensorType::get(shape, type.getElementType()), {x},
      {im.namedAttr("axes", b.getDenseI64ArrayAttr(axes)),
       im.namedAttr("keepdims", b.getBoolAttr(false))});
}

/// Einsum of at most two operands without diagonals as core ops: labels used
/// by one operand only are summed first; then one operand is a transpose,
/// two are [batch, M, K] x [batch, K, N] etch.matmul between transposes and
/// reshapes.
Value einsumAsMatmul(GraphImporter &im, SmallVector<Value> inputs,
                     SmallVector<SmallVector<int64_t>> labels,
                     ArrayRef<int64_t> out) {
  llvm::DenseMap<int64_t, int64_t> size;
  for (auto [v, l] : llvm::zip(inputs, labels)) {
    for (auto [d, label] : llvm::enumerate(l)) {
      size[label] = cast<RankedTensorType>(v.getType()).getDimSize(d);
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    inputs[i] = sumAway(im, inputs[i], labels[i], [&](int64_t label) {
      return llvm::is_contained(out, label) ||
             (inputs.size() == 2 && llvm::is_contained(labels[1 - i], label));
    });
  }
  if (inputs.size() == 1) {
    return transposeTo(im, inputs[0], labels[0], out);
  }
  SmallVector<int64_t> batch, contracted, freeA, freeB;
  for (int64_t label : labels[0]) {
    bool inB = llvm::is_contained(labels[1], label);
    bool inOut = llvm::is_contained(out, label);
    (inB ? (inOut ? batch : contracted) : freeA).push_back(label);
  }
  for (int64_t label : labels[1]) {
    if (!llvm::is_contained(labels[0], label)) {
      freeB.push_back(label);
    }
  }
  auto product = [&](ArrayRef<int64_t> ls) {
    int64_t n = 1;
    for (int64_t label : ls) {
      n *= size[label];
    }
    return n;
  };
  int64_t bt = product(batch), m = product(freeA), k = product(contracted),
          n = product(freeB);
  auto cat = [](ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                ArrayRef<int64_t> c) {
    SmallVector<int64_t> r(a);
    r.append(b.begin(), b.end());
    r.append(c.begin(), c.end());
    return r;
  };
  Value a = reshapeTo(
      im, transposeTo(im, inputs[0], labels[0], cat(batch, freeA, contracted)),
      {bt, m, k});
  Value b = reshapeTo(
      im, transposeTo(im, inputs[1], labels[1], cat(batch, contracted, freeB)),
      {bt, k, n});
  Type elem = cast<RankedTensorType>(a.getType()).getElementType();
  Value y = im.create<MatMulOp>(RankedTensorType::get({bt, m, n}, elem),
                                {a, b});
  SmallVector<int64_t> yLabels = cat(batch, freeA, freeB), yShape;
  for (int64_t label : yLabels) {
    yShape.push_back(size[label]);
  }
  return transposeTo(im, reshapeTo(im, y, yShape), yLabels, out);
}

bool hasRepeatedLabel(ArrayRef<int64_t> labels) {
  SmallVector<int64_t> sorted(labels);
  llvm::sort(sorted);
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

LogicalResult importEinsum(GraphImporter &im, const onnx::NodeProto &node) {
  std::string eq;
  for (char c : im.attrString("equation", "")) {
    if (c != ' ') {
      eq.push_back(c);
    }
  }
  StringRef lhs = eq, rhs;
  bool explicitOut = StringRef(eq).contains("->");
  if (explicitOut) {
    std::tie(lhs, rhs) = StringRef(eq).split("->");
  }
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (static_cast<int>(terms.size()) != node.input_size()) {
    return im.error() << "equation '" << eq << "' has " << terms.size()
                      << " operand terms for " << node.input_size()
                      << " inputs";
  }
  SmallVector<Value> inputs;
  SmallVector<SmallVector<int64_t>> labels;
  int64_t ellipsis = 0;
  for (auto [i, term] : llvm::enumerate(terms)) {
    FailureOr<Value> v = im.input(i);
    if (failed(v)) {
      return failure();
    }
    inputs.push_back(*v);
    FailureOr<SmallVector<int64_t>> l = einsumLabels(
        im, term, cast<RankedTensorType>(v->getType()).getRank(), ellipsis);
    if (failed(l)) {
      return failure();
    }
    labels.push_back(std::move(*l));
  }
  // Operand ellipsis labels were numbered from the right (1000 - e ..
  // 999); shift them so the rightmost of all is 1000 + ellipsis - 1.
  for (auto &l : labels) {
    for (int64_t &label : l) {
      if (label >= 1000 - ellipsis && label < 1000) {
        label += ellipsis;
      }
    }
  }
  SmallVector<int64_t> out;
  if (explicitOut) {
    FailureOr<SmallVector<int64_t>> l = einsumLabels(im, rhs, -1, ellipsis);
    if (failed(l)) {
      return failure();
    }
    out = std::move(*l);
  } else {
    for (int64_t k = 0; k < ellipsis; ++k) {
      out.push_back(1000 + k);
    }
    SmallVector<int64_t> once;
    for (auto &l : labels) {
      for (int64_t label : l) {
        int64_t count = 0;
        for (auto &m : labels) {
          count += llvm::count(m, label);
        }
        if (label < 1000 && count == 1) {
          once.push_back(label);
        }
      }
    }
    llvm::sort(once);
    out.append(once);
  }
  // ONNX 1.12 infers no Einsum shapes: the result shape follows from the
  // labels (the verifier checks the sizes agree).
  SmallVector<int64_t> shape;
  for (int64_t label : out) {
    int64_t size = -1;
    for (auto [v, l] : llvm::zip(inputs, labels)) {
      auto it = llvm::find(l, label);
      if (it != l.end()) {
        size = cast<RankedTensorType>(v.getType()).getDimSize(it - l.begin());
        break;
      }
    }
    if (size < 0) {
      return im.error() << "output label '" << char(label)
                        << "' is not used by any operand";
    }
    shape.push_back(size);
  }
  OpBuilder &b = im.getBuilder();
  SmallVector<Attribute> inputLabels;
  for (auto &l : labels) {
    inputLabels.push_back(b.getDenseI64ArrayAttr(l));
  }
  auto outType = RankedTensorType::get(
      shape, cast<RankedTensorType>(inputs.front().getType()).getElementType());
  if (inputs.size() <= 2 && !llvm::any_of(labels, [](ArrayRef<int64_t> l) {
        return hasRepeatedLabel(l);
      })) {
    im.setOutput(0, einsumAsMatmul(im, inputs, labels, out));
    return success();
  }
  im.setOutput(0, im.create<EinsumOp>(
                      outType, inputs,
                      {im.namedAttr("input_labels", b.getArrayAttr(inputLabels)),
                       im.namedAttr("output_labels",
                                    b.getDenseI64ArrayAttr(out))}));
  return success();
}

/// Col2Im (18): columns [N, C * prod(block), L] summed back into the image
/// [N, C, image_shape...] (the inverse of im2col, overlaps added). That is a
/// ConvTranspose with group C whose kernel is, for input channel c*K + k,
/// the one-hot of block position k: the lowering every convolution already
/// has, N-d, strided, dilated and padded.
LogicalResult importCol2Im(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<SmallVector<int64_t>> image = im.constantInts(1, "image_shape");
  FailureOr<SmallVector<int64_t>> block = im.constantInts(2, "block_shape");
  if (failed(x) || failed(image) || failed(block)) {
    return failure();
  }
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t n = image->size();
  if (xType.getRank() != 3 || n < 1 || block->size() != size_t(n) ||
      !isa<FloatType>(xType.getElementType())) {
    return im.error() << "expected floating-point columns [N, C * prod(block), "
                         "L] and image_shape, block_shape of one length, got "
                      << xType;
  }
  auto ints = [&](StringRef name, int64_t count, int64_t dflt) {
    return im.attrInts(name).value_or(SmallVector<int64_t>(count, dflt));
  };
  SmallVector<int64_t> strides = ints("strides", n, 1);
  SmallVector<int64_t> dilations = ints("dilations", n, 1);
  SmallVector<int64_t> pads = ints("pads", 2 * n, 0);
  if (strides.size() != size_t(n) || dilations.size() != size_t(n) ||
      pads.size() != size_t(2 * n)) {
    return im.error() << "strides and dilations need " << n
                      << " entries and pads " << 2 * n;
  }
  int64_t k = 1, blocks = 1;
  SmallVector<int64_t> grid;
  for (int64_t i = 0; i < n; ++i) {
    int64_t window = ((*block)[i] - 1) * dilations[i] + 1;
    int64_t span = (*image)[i] + pads[i] + pads[n + i] - window;
    if ((*block)[i] < 1 || (*image)[i] < 1 || strides[i] < 1 ||
        dilations[i] < 1 || span < 0) {
      return im.error() << "block " << (*block)[i] << " does not fit image dim "
                        << i << " (" << (*image)[i] << " padded by " << pads[i]
                        << " and " << pads[n + i] << ")";
    }
    k *= (*block)[i];
    grid.push_back(span / strides[i] + 1);
    blocks *= grid.back();
  }
  int64_t batch = xType.getDimSize(0), cols = xType.getDimSize(1);
  if (cols % k != 0 || xType.getDimSize(2) != blocks) {
    return im.error() << "the columns " << xType << " are not C * " << k
                      << " channels by " << blocks << " block positions";
  }
  int64_t channels = cols / k;
  Type elem = xType.getElementType();
  SmallVector<int64_t> colShape = {batch, cols};
  colShape.append(grid);
  Value columns = reshapeTo(im, *x, colShape);
  // Weight [C * K, 1, block...]: row c*K + j is one at block position j.
  SmallVector<int64_t> wShape = {cols, 1};
  wShape.append(*block);
  auto wType = RankedTensorType::get(wShape, elem);
  const llvm::fltSemantics &sem = cast<FloatType>(elem).getFloatSemantics();
  SmallVector<APFloat> ones(cols * k, APFloat::getZero(sem));
  for (int64_t row = 0; row < cols; ++row) {
    ones[row * k + row % k] = APFloat::getOne(sem);
  }
  Value weight = im.create<ConstantOp>(
      wType, {}, {im.namedAttr("value", DenseElementsAttr::get(wType, ones))});
  SmallVector<int64_t> outShape = {batch, channels};
  outShape.append(*image);
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<ConvTransposeOp>(
                      RankedTensorType::get(outShape, elem), {columns, weight},
                      {im.namedAttr("strides", b.getDenseI64ArrayAttr(strides)),
                       im.namedAttr("pads", b.getDenseI64ArrayAttr(pads)),
                       im.namedAttr("dilations",
                                    b.getDenseI64ArrayAttr(dilations)),
                       im.namedAttr("group", b.getI64IntegerAttr(channels))}));
  return success();
}

} // namespace

void importer::registerCompositeOps(OpTable &table) {
  table["Einsum"] = importEinsum;
  table["ConvTranspose"] = importConvTranspose;
  table["Col2Im"] = importCol2Im;
  table["IsInf"] = importIsInf;
  table["IsNaN"] = importIsNaN;
  table["LRN"] = importLRN;
  table["Shrink"] = importShrink;
}
