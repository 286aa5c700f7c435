//===- ImportSpectral.cpp - DFT and STFT as matmuls with constant bases ---===//
//
// For the transform lengths of on-device audio front ends (a few hundred
// points) a DFT is best a matmul with constant cosine and sine bases: real
// and imaginary parts are the last dimension (size 1 or 2) as in ONNX,
//   Y_re = X_re C + X_im S,  Y_im = X_im C - X_re S     (forward)
// with C[n, k] = cos(2 pi n k / L), S[n, k] = sin(2 pi n k / L), the signs
// of the S terms flipped and a 1/L scale for the inverse. STFT gathers its
// frames with one constant index table, applies the window and reuses it.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

class SpectralBuilder {
public:
  explicit SpectralBuilder(GraphImporter &im)
      : im(im), b(im.getBuilder()) {}

  /// DFT of `x` ([..., N, c], the signal along rank-2, c = 1 or 2) with
  /// length `length` (zero-padded or truncated); result [..., K, 2].
  Value dft(Value x, int64_t length, bool inverse, bool onesided) {
    auto type = cast<RankedTensorType>(x.getType());
    elem = type.getElementType();
    int64_t rank = type.getRank();
    int64_t n = type.getDimSize(rank - 2);
    bool complex = type.getDimSize(rank - 1) == 2;
    if (length < n) {
      x = slice(im, x, rank - 2, 0, length);
    } else if (length > n) {
      SmallVector<int64_t> pads(2 * rank, 0);
      pads[rank + rank - 2] = length - n;
      SmallVector<int64_t> shape(type.getShape());
      shape[rank - 2] = length;
      x = im.create<PadOp>(RankedTensorType::get(shape, elem), x,
                           {im.namedAttr("pads",
                                         b.getDenseI64ArrayAttr(pads))});
    }
    // [..., L, c] -> real and imaginary parts [..., L].
    SmallVector<int64_t> flat(cast<RankedTensorType>(x.getType())
                                  .getShape()
                                  .drop_back());
    Value re = reshapeTo(im, slice(im, x, rank - 1, 0, 1), flat);
    Value im_ =
        complex ? reshapeTo(im, slice(im, x, rank - 1, 1, 1), flat) : Value();
    int64_t bins = onesided ? length / 2 + 1 : length;
    SmallVector<Attribute> cosv, sinv;
    for (int64_t i = 0; i < length; ++i) {
      for (int64_t k = 0; k < bins; ++k) {
        // (i * k) mod length keeps the angle small and exact.
        int64_t phase = (i * k) % length;
        double angle = 2.0 * M_PI * static_cast<double>(phase) /
                       static_cast<double>(length);
        double cv = std::cos(angle), sv = std::sin(angle);
        if ((4 * phase) % length == 0) {
          // Quarter turns: exactly 0 and +-1.
          cv = std::round(cv) + 0.0; // no -0
          sv = std::round(sv) + 0.0;
        }
        cosv.push_back(FloatAttr::get(elem, cv));
        sinv.push_back(FloatAttr::get(elem, sv));
      }
    }
    auto basisType = RankedTensorType::get({length, bins}, elem);
    auto constant = [&](ArrayRef<Attribute> v) {
      return im.create<ConstantOp>(
          basisType, {},
          {im.namedAttr("value", DenseElementsAttr::get(basisType, v))});
    };
    Value c = constant(cosv), s = constant(sinv);
    Value outRe = matmul(re, c);
    Value outIm = im.create<NegOp>(outRe.getType(), matmul(re, s));
    if (inverse) {
      outIm = im.create<NegOp>(outIm.getType(), outIm);
    }
    if (im_) {
      Value imC = matmul(im_, c), imS = matmul(im_, s);
      outRe = inverse ? createBinary<SubOp>(im, outRe, imS)
                      : createBinary<AddOp>(im, outRe, imS);
      outIm = createBinary<AddOp>(im, outIm, imC);
    }
    if (inverse) {
      Value scale = createScalarConstant(im, elem, 1.0 / length);
      outRe = createBinary<MulOp>(im, outRe, scale);
      outIm = createBinary<MulOp>(im, outIm, scale);
    }
    SmallVector<int64_t> partShape(
        cast<RankedTensorType>(outRe.getType()).getShape());
    partShape.push_back(1);
    SmallVector<int64_t> outShape(partShape);
    outShape.back() = 2;
    return im.create<ConcatOp>(
        RankedTensorType::get(outShape, elem),
        {reshapeTo(im, outRe, partShape), reshapeTo(im, outIm, partShape)},
        {im.namedAttr("axis", b.getI64IntegerAttr(rank - 1))});
  }

private:
  Value matmul(Value x, Value w) {
    SmallVector<int64_t> shape(cast<RankedTensorType>(x.getType()).getShape());
    shape.back() = cast<RankedTensorType>(w.getType()).getDimSize(1);
    return im.create<MatMulOp>(RankedTensorType::get(shape, elem), {x, w});
  }

  GraphImporter &im;
  OpBuilder &b;
  Type elem;
};

FailureOr<int64_t> optionalConstant(GraphImporter &im, unsigned i,
                                    StringRef what, int64_t dflt) {
  if (!im.hasInput(i)) {
    return dflt;
  }
  FailureOr<SmallVector<int64_t>> v = im.constantInts(i, what);
  if (failed(v)) {
    return failure();
  }
  if (v->size() != 1 || v->front() < 1) {
    return im.error() << "'" << what << "' must be a positive scalar";
  }
  return v->front();
}

FailureOr<Value> signalInput(GraphImporter &im) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() < 2 || !isa<FloatType>(type.getElementType()) ||
      (type.getShape().back() != 1 && type.getShape().back() != 2)) {
    return im.error() << "expected a floating-point signal whose last "
                         "dimension (real, imaginary) is 1 or 2, got "
                      << type;
  }
  return x;
}

LogicalResult importDFT(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = signalInput(im);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  // DFT-20 takes the axis as an optional scalar input (default -2, the
  // last signal axis); DFT-17 as an attribute (default 1).
  int64_t given = im.attrInt("axis", 1);
  if (im.getOpset() >= 20) {
    given = -2;
    if (im.hasInput(2)) {
      FailureOr<SmallVector<int64_t>> a = im.constantInts(2, "axis");
      if (failed(a)) {
        return failure();
      }
      if (a->size() != 1) {
        return im.error() << "the 'axis' input must be a scalar";
      }
      given = a->front();
    }
  }
  int64_t axis = given < 0 ? given + rank : given;
  if (axis < 0 || axis > rank - 2) {
    return im.error() << "axis " << given
                      << " is out of range for a signal of rank " << rank
                      << " (the last dimension holds real and imaginary "
                         "parts)";
  }
  FailureOr<int64_t> length =
      optionalConstant(im, 1, "dft_length", type.getDimSize(axis));
  if (failed(length)) {
    return failure();
  }
  bool inverse = im.attrInt("inverse", 0) != 0;
  bool onesided = im.attrInt("onesided", 0) != 0;
  if (inverse && onesided) {
    return im.error() << "onesided inverse transforms are not defined";
  }
  SpectralBuilder sb(im);
  // Move the signal axis next to the real/imaginary dimension and back.
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank - 1; ++d) {
    if (d != axis) {
      perm.push_back(d);
    }
  }
  perm.push_back(axis);
  perm.push_back(rank - 1);
  bool moved = axis != rank - 2;
  Value signal = moved ? transposeBy(im, *x, perm) : *x;
  Value y = sb.dft(signal, *length, inverse, onesided);
  if (moved) {
    SmallVector<int64_t> back(rank);
    for (int64_t i = 0; i < rank; ++i) {
      back[perm[i]] = i;
    }
    y = transposeBy(im, y, back);
  }
  im.setOutput(0, y);
  return success();
}

LogicalResult importSTFT(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = signalInput(im);
  if (failed(x)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() != 3) {
    return im.error() << "expected a [batch, length, 1 or 2] signal, got "
                      << type;
  }
  FailureOr<int64_t> step = optionalConstant(im, 1, "frame_step", 0);
  if (failed(step)) {
    return failure();
  }
  Value window;
  int64_t frameLength = 0;
  if (im.hasInput(2)) {
    FailureOr<Value> w = im.input(2);
    if (failed(w)) {
      return failure();
    }
    window = *w;
    frameLength = cast<RankedTensorType>(window.getType()).getDimSize(0);
  }
  FailureOr<int64_t> lengthIn =
      optionalConstant(im, 3, "frame_length", frameLength);
  if (failed(lengthIn)) {
    return failure();
  }
  int64_t length = *lengthIn, signalLength = type.getDimSize(1);
  if (length < 1 || length > signalLength ||
      (frameLength && frameLength != length)) {
    return im.error() << "frame length " << length
                      << " must be in [1, " << signalLength
                      << "] and match the window's";
  }
  int64_t frames = 1 + (signalLength - length) / *step;
  SmallVector<int64_t> table;
  for (int64_t f = 0; f < frames; ++f) {
    for (int64_t i = 0; i < length; ++i) {
      table.push_back(f * *step + i);
    }
  }
  OpBuilder &b = im.getBuilder();
  auto tableType = RankedTensorType::get({frames, length}, b.getI64Type());
  Value indices = im.create<ConstantOp>(
      tableType, {},
      {im.namedAttr("value", DenseElementsAttr::get(tableType,
                                                    ArrayRef(table)))});
  Type elem = type.getElementType();
  int64_t batch = type.getDimSize(0), c = type.getDimSize(2);
  Value framed = im.create<GatherOp>(
      RankedTensorType::get({batch, frames, length, c}, elem), {*x, indices},
      {im.namedAttr("axis", b.getI64IntegerAttr(1))});
  SpectralBuilder sb(im);
  if (window) {
    framed = createBinary<MulOp>(im, framed,
                                 reshapeTo(im, window, {1, 1, length, 1}));
  }
  bool onesided = im.attrInt("onesided", 1) != 0;
  im.setOutput(0, sb.dft(framed, length, /*inverse=*/false, onesided));
  return success();
}

/// MelWeightMatrix of known parameters: a constant
/// [dft_length / 2 + 1, num_mel_bins] of triangular filters on the mel
/// scale, built as ONNX's reference builds it (bin edges floored to
/// spectrogram bins).
LogicalResult importMelWeightMatrix(GraphImporter &im,
                                    const onnx::NodeProto &) {
  FailureOr<SmallVector<int64_t>> bins = im.constantInts(0, "num_mel_bins");
  FailureOr<SmallVector<int64_t>> dft = im.constantInts(1, "dft_length");
  FailureOr<SmallVector<int64_t>> rate = im.constantInts(2, "sample_rate");
  FailureOr<SmallVector<double>> lo = im.constantFloats(3, "lower_edge_hertz");
  FailureOr<SmallVector<double>> hi = im.constantFloats(4, "upper_edge_hertz");
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(bins) || failed(dft) || failed(rate) || failed(lo) ||
      failed(hi) || failed(outType)) {
    return failure();
  }
  int64_t numMel = bins->front(), length = dft->front(),
          sampleRate = rate->front();
  int64_t numSpec = length / 2 + 1;
  auto elem = dyn_cast<FloatType>(outType->getElementType());
  if (numMel < 1 || length < 1 || sampleRate < 1 || !elem ||
      outType->getShape() != ArrayRef<int64_t>{numSpec, numMel}) {
    return im.error() << "expected positive num_mel_bins, dft_length and "
                         "sample_rate and a float result ["
                      << numSpec << ", " << numMel << "], got " << *outType;
  }
  auto toMel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  double lowMel = toMel(lo->front()), highMel = toMel(hi->front());
  double step = (highMel - lowMel) / static_cast<double>(numMel + 2);
  SmallVector<int64_t> edges;
  for (int64_t i = 0; i < numMel + 2; ++i) {
    double hz = 700.0 * (std::pow(10.0, (i * step + lowMel) / 2595.0) - 1.0);
    edges.push_back(static_cast<int64_t>(
        std::floor((length + 1) * hz / static_cast<double>(sampleRate))));
  }
  SmallVector<double> weights(numSpec * numMel, 0.0);
  auto at = [&](int64_t j, int64_t i) -> double & {
    return weights[j * numMel + i];
  };
  for (int64_t i = 0; i < numMel; ++i) {
    int64_t left = edges[i], center = edges[i + 1], right = edges[i + 2];
    if (left < 0 || right >= numSpec + 1 || center >= numSpec) {
      return im.error() << "mel filter " << i << " spans spectrogram bins ["
                        << left << ", " << right << "], outside [0, "
                        << numSpec - 1 << "]";
    }
    if (center == left) {
      at(center, i) = 1.0;
    } else {
      for (int64_t j = left; j <= center; ++j) {
        at(j, i) = static_cast<double>(j - left) / (center - left);
      }
    }
    for (int64_t j = center; j < right; ++j) {
      at(j, i) = static_cast<double>(right - j) / (right - center);
    }
  }
  SmallVector<Attribute> values;
  for (double w : weights) {
    values.push_back(FloatAttr::get(elem, w));
  }
  im.setOutput(0, im.create<ConstantOp>(
                      *outType, {},
                      {im.namedAttr("value",
                                    DenseElementsAttr::get(*outType, values))}));
  return success();
}

} // namespace

void importer::registerSpectralOps(OpTable &table) {
  table["MelWeightMatrix"] = importMelWeightMatrix;
  table["DFT"] = importDFT;
  table["STFT"] = importSTFT;
}
