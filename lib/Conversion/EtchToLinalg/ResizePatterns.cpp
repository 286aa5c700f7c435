//===- ResizePatterns.cpp - etch.resize to linalg.generic -----------------===//
//
// One linalg.generic over the result. Per resized dimension the body maps the
// output coordinate to an input coordinate (coordinate_transformation_mode,
// following ONNX's reference implementation: the "resized length" is
// `scale * input length`), picks the taps of `mode` (1 nearest, 2 linear,
// 4 cubic) with edge-clamped indices, and sums weight * tensor.extract over
// the cartesian product of the taps. Dimensions that keep their size with a
// static scale of 1 (or have size 1 on both sides) read their own index.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

struct Taps {
  SmallVector<Value> indices; // index-typed, clamped to the input
  SmallVector<Value> weights; // f32; empty for nearest/identity
};

class ResizeBodyBuilder {
public:
  ResizeBodyBuilder(OpBuilder &b, Location l, ResizeOp op, Value scales,
                    Value roi)
      : b(b), l(l), op(op), scales(scales), roi(roi), f32(b.getF32Type()) {}

  Value cf(double v) {
    return arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, l, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, l, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, l, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, l, x, y); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, l, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, l, c, x, y);
  }

  Value scaleOf(int64_t d) {
    if (auto s = op.getStaticScales()) {
      return cf((*s)[d]);
    }
    return tensor::ExtractOp::create(
        b, l, scales, ValueRange{arith::ConstantIndexOp::create(b, l, d)});
  }
  Value roiOf(int64_t i) {
    if (auto r = op.getStaticRoi()) {
      return cf((*r)[i]);
    }
    return tensor::ExtractOp::create(
        b, l, roi, ValueRange{arith::ConstantIndexOp::create(b, l, i)});
  }

  /// The input coordinate of output index `o` along dimension `d`.
  Value sourceCoordinate(int64_t d, Value o, int64_t in, Value &outside) {
    int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
    Value x = arith::SIToFPOp::create(
        b, l, f32, arith::IndexCastOp::create(b, l, b.getI64Type(), o));
    Value s = scaleOf(d);
    Value inF = cf(in), inM1 = cf(in - 1);
    Value outF = mul(inF, s);
    Value outIsOne = cmp(arith::CmpFPredicate::OEQ, outF, cf(1.0));
    StringRef mode = op.getCoordinateTransformationMode();
    if (mode == "half_pixel" || mode == "pytorch_half_pixel") {
      Value v = sub(div(add(x, cf(0.5)), s), cf(0.5));
      return mode == "half_pixel" ? v : select(outIsOne, cf(-0.5), v);
    }
    if (mode == "half_pixel_symmetric") {
      // half_pixel shifted so that the sampled span stays centred when the
      // output size was rounded down from in * scale.
      int64_t out = cast<RankedTensorType>(op.getType()).getDimSize(d);
      Value adjustment = div(cf(out), outF);
      Value offset = mul(cf(in / 2.0), sub(cf(1.0), adjustment));
      return add(offset, sub(div(add(x, cf(0.5)), s), cf(0.5)));
    }
    if (mode == "align_corners") {
      return select(outIsOne, cf(0.0), div(mul(x, inM1), sub(outF, cf(1.0))));
    }
    if (mode == "asymmetric") {
      return div(x, s);
    }
    if (mode == "tf_half_pixel_for_nn") {
      return div(add(x, cf(0.5)), s);
    }
    // tf_crop_and_resize
    Value start = roiOf(d), end = roiOf(d + rank);
    Value span = mul(sub(end, start), inM1);
    Value v = select(outIsOne, div(span, cf(2.0)),
                     div(mul(x, span), sub(outF, cf(1.0))));
    v = add(v, mul(start, inM1));
    Value out = arith::OrIOp::create(b, l, cmp(arith::CmpFPredicate::OLT, v,
                                               cf(0.0)),
                                     cmp(arith::CmpFPredicate::OGT, v, inM1));
    outside = outside ? arith::OrIOp::create(b, l, outside, out) : out;
    return v;
  }

  /// `f` (an integral f32) as an index clamped to [0, in).
  Value clampedIndex(Value f, int64_t offset, int64_t in) {
    Value i = arith::IndexCastOp::create(
        b, l, b.getIndexType(),
        arith::FPToSIOp::create(b, l, b.getI64Type(), f));
    if (offset) {
      i = arith::AddIOp::create(b, l, i,
                                arith::ConstantIndexOp::create(b, l, offset));
    }
    i = arith::MaxSIOp::create(b, l, i, arith::ConstantIndexOp::create(b, l, 0));
    return arith::MinSIOp::create(b, l, i,
                                  arith::ConstantIndexOp::create(b, l, in - 1));
  }

  Taps taps(int64_t d, Value o, int64_t in, Value &outside) {
    Value x = sourceCoordinate(d, o, in, outside);
    Taps t;
    StringRef mode = op.getMode();
    if (mode == "nearest") {
      StringRef nm = op.getNearestMode();
      Value r = nm == "round_prefer_floor"
                    ? math::CeilOp::create(b, l, sub(x, cf(0.5))).getResult()
                : nm == "round_prefer_ceil"
                    ? math::FloorOp::create(b, l, add(x, cf(0.5))).getResult()
                : nm == "floor" ? math::FloorOp::create(b, l, x).getResult()
                                : math::CeilOp::create(b, l, x).getResult();
      t.indices.push_back(clampedIndex(r, 0, in));
      return t;
    }
    std::optional<ArrayRef<float>> staticScales = op.getStaticScales();
    if (op.getAntialias() && staticScales && (*staticScales)[d] < 1.0f) {
      return antialiasTaps(x, (*staticScales)[d], in);
    }
    Value fl = math::FloorOp::create(b, l, x);
    Value r = sub(x, fl);
    if (mode == "linear") {
      t.indices = {clampedIndex(fl, 0, in), clampedIndex(fl, 1, in)};
      t.weights = {sub(cf(1.0), r), r};
    } else {
      double a = op.getCubicCoeffA().convertToDouble();
      // ONNX's cubic_coeffs: distances 1 + r, r, 1 - r, 2 - r.
      auto far = [&](Value s) { // 1 < |s| < 2
        return sub(mul(add(mul(sub(mul(cf(a), s), cf(5 * a)), s), cf(8 * a)),
                       s),
                   cf(4 * a));
      };
      auto near = [&](Value s) { // |s| <= 1
        return add(mul(mul(sub(mul(cf(a + 2), s), cf(a + 3)), s), s),
                   cf(1.0));
      };
      Value oneMinus = sub(cf(1.0), r);
      t.weights = {far(add(r, cf(1.0))), near(r), near(oneMinus),
                   far(add(oneMinus, cf(1.0)))};
      for (int64_t k = -1; k <= 2; ++k) {
        t.indices.push_back(clampedIndex(fl, k, in));
      }
      if (op.getExcludeOutside()) {
        Value sum = cf(0.0);
        for (int64_t k = -1; k <= 2; ++k) {
          Value pos = add(fl, cf(k));
          Value inside = arith::AndIOp::create(
              b, l, cmp(arith::CmpFPredicate::OGE, pos, cf(0.0)),
              cmp(arith::CmpFPredicate::OLE, pos, cf(in - 1)));
          Value &w = t.weights[k + 1];
          w = select(inside, w, cf(0.0));
          sum = add(sum, w);
        }
        for (Value &w : t.weights) {
          w = div(w, sum);
        }
      }
    }
    return t;
  }

  /// ONNX's antialiasing filter for a dimension downscaled by `scale`: the
  /// linear (triangle) or cubic kernel stretched by 1/scale over n taps
  /// around x, weights normalized; taps outside the input read its edge.
  Taps antialiasTaps(Value x, double scale, int64_t in) {
    bool linear = op.getMode() == "linear";
    double support = linear ? 1.0 : 2.0;
    int64_t start = static_cast<int64_t>(std::floor(-support / scale)) + 1;
    int64_t n = 2 - 2 * start;
    // ratio in (0, 1]: an integral x takes the pixel on its left, as the
    // reference does.
    Value fl = math::FloorOp::create(b, l, x);
    Value isInt = cmp(arith::CmpFPredicate::OEQ, x, fl);
    Value base = select(isInt, sub(x, cf(1.0)), fl);
    double a = op.getCubicCoeffA().convertToDouble();
    Taps t;
    Value sum = cf(0.0);
    for (int64_t i = 0; i < n; ++i) {
      Value pos = add(base, cf(start + i));
      Value s = math::AbsFOp::create(b, l, mul(sub(pos, x), cf(scale)));
      Value w;
      if (linear) {
        w = arith::MaximumFOp::create(b, l, sub(cf(1.0), s), cf(0.0));
      } else {
        Value s2 = mul(s, s), s3 = mul(s2, s);
        Value nearW = add(sub(mul(cf(a + 2), s3), mul(cf(a + 3), s2)), cf(1.0));
        Value farW = sub(add(sub(mul(cf(a), s3), mul(cf(5 * a), s2)),
                             mul(cf(8 * a), s)),
                         cf(4 * a));
        w = select(cmp(arith::CmpFPredicate::OLE, s, cf(1.0)), nearW,
                   select(cmp(arith::CmpFPredicate::OLT, s, cf(2.0)), farW,
                          cf(0.0)));
      }
      t.indices.push_back(clampedIndex(pos, 0, in));
      t.weights.push_back(w);
      sum = add(sum, w);
    }
    for (Value &w : t.weights) {
      w = div(w, sum);
    }
    return t;
  }

private:
  OpBuilder &b;
  Location l;
  ResizeOp op;
  Value scales, roi;
  Type f32;
};

struct ResizeLowering : public OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank();
    bool crop = op.getCoordinateTransformationMode() == "tf_crop_and_resize";
    std::optional<ArrayRef<float>> staticScales = op.getStaticScales();
    SmallVector<bool> resized;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = inType.getDimSize(d), out = type.getDimSize(d);
      bool keep = (in == 1 && out == 1) ||
                  (!crop && in == out && staticScales &&
                   (*staticScales)[d] == 1.0f);
      resized.push_back(!keep);
    }
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{},
        ValueRange{createEmpty(rewriter, op.getLoc(), type)},
        {rewriter.getMultiDimIdentityMap(rank)}, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange) {
          ResizeBodyBuilder rb(b, l, op, adaptor.getScales(),
                               adaptor.getRoi());
          Value outside;
          SmallVector<Taps> taps;
          for (int64_t d = 0; d < rank; ++d) {
            Value o = linalg::IndexOp::create(b, l, d);
            int64_t in = inType.getDimSize(d);
            if (!resized[d]) {
              Taps t;
              t.indices.push_back(
                  in == 1 ? arith::ConstantIndexOp::create(b, l, 0).getResult()
                          : o);
              taps.push_back(t);
              continue;
            }
            taps.push_back(rb.taps(d, o, in, outside));
          }
          // Sum over the cartesian product of the taps.
          Value acc;
          SmallVector<int64_t> pick(rank, 0);
          while (true) {
            SmallVector<Value> idx;
            Value w;
            for (int64_t d = 0; d < rank; ++d) {
              idx.push_back(taps[d].indices[pick[d]]);
              if (!taps[d].weights.empty()) {
                Value wd = taps[d].weights[pick[d]];
                w = w ? rb.mul(w, wd) : wd;
              }
            }
            Value v = tensor::ExtractOp::create(b, l, input, idx);
            if (w) {
              if (elem != b.getF32Type()) {
                v = arith::ExtFOp::create(b, l, b.getF32Type(), v);
              }
              v = rb.mul(w, v);
              acc = acc ? rb.add(acc, v) : v;
            } else {
              acc = v;
            }
            int64_t d = rank - 1;
            for (; d >= 0; --d) {
              if (++pick[d] < static_cast<int64_t>(taps[d].indices.size())) {
                break;
              }
              pick[d] = 0;
            }
            if (d < 0) {
              break;
            }
          }
          if (acc.getType() != elem) {
            acc = arith::TruncFOp::create(b, l, elem, acc);
          }
          if (outside) {
            acc = rb.select(
                outside,
                createScalar(b, l, elem,
                             op.getExtrapolationValue().convertToDouble()),
                acc);
          }
          linalg::YieldOp::create(b, l, acc);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchResizeToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(patterns.getContext());
}
