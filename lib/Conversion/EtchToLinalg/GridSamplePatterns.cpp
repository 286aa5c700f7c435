//===- GridSamplePatterns.cpp - etch.grid_sample to linalg.generic -------===//
//
// One generic over the output [N, C, Ho, Wo]: each element reads its grid
// location, maps it to input pixel coordinates (align_corners), applies the
// padding mode to the coordinate (border: clamp; reflection: reflect, then
// clamp) and gathers 1 (nearest), 4 (bilinear) or 16 (bicubic) taps with
// tensor.extract; taps outside the input read 0 (the zeros mode; border and
// reflection never leave it). PyTorch's grid_sample is the reference.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::to_linalg;

namespace {

/// Scalar float arithmetic in the body.
struct Fp {
  OpBuilder &b;
  Location l;
  Type t;
  Value c(double v) { return createScalar(b, l, t, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, l, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, l, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, l, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, l, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, l, x); }
  Value abs(Value x) { return math::AbsFOp::create(b, l, x); }
  Value clamp(Value x, double lo, double hi) {
    return arith::MinimumFOp::create(
        b, l, arith::MaximumFOp::create(b, l, x, c(lo)), c(hi));
  }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, l, p, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, l, cond, x, y);
  }
};

struct GridSampleLowering : public OpConversionPattern<GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GridSampleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Value input = adaptor.getInput(), grid = adaptor.getGrid();
    int64_t height = inType.getDimSize(2), width = inType.getDimSize(3);
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    bool align = op.getAlignCorners();
    Type elem = type.getElementType();
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{},
        ValueRange{createEmpty(rewriter, op.getLoc(), type)},
        {rewriter.getMultiDimIdentityMap(4)}, parallelIterators(4),
        [&](OpBuilder &b, Location l, ValueRange) {
          Fp f{b, l, elem};
          Value n = linalg::IndexOp::create(b, l, 0);
          Value ch = linalg::IndexOp::create(b, l, 1);
          Value h = linalg::IndexOp::create(b, l, 2);
          Value w = linalg::IndexOp::create(b, l, 3);
          auto gridAt = [&](int64_t k) {
            return tensor::ExtractOp::create(
                b, l, grid,
                ValueRange{n, h, w, arith::ConstantIndexOp::create(b, l, k)});
          };
          // Normalized [-1, 1] to pixel coordinates.
          auto unnormalize = [&](Value g, int64_t size) {
            if (align) {
              return f.mul(f.mul(f.add(g, f.c(1)), f.c(0.5)), f.c(size - 1));
            }
            return f.mul(f.sub(f.mul(f.add(g, f.c(1)), f.c(size)), f.c(1)),
                         f.c(0.5));
          };
          // Reflect into [lo, hi] (PyTorch's reflect_coordinates).
          auto reflect = [&](Value x, double twiceLow, double twiceHigh) {
            if (twiceLow == twiceHigh) {
              return f.c(0);
            }
            double lo = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
            Value in = f.abs(f.sub(x, f.c(lo)));
            Value flips = f.floor(f.div(in, f.c(span)));
            Value extra = f.sub(in, f.mul(flips, f.c(span)));
            Value half = f.mul(flips, f.c(0.5));
            Value even = f.cmp(arith::CmpFPredicate::OEQ, f.floor(half), half);
            return f.select(even, f.add(extra, f.c(lo)),
                            f.add(f.sub(f.c(span), extra), f.c(lo)));
          };
          // The padding mode applied to one coordinate.
          auto pad = [&](Value x, int64_t size) {
            if (padding == "border") {
              return f.clamp(x, 0, size - 1);
            }
            if (padding == "reflection") {
              x = align ? reflect(x, 0, 2 * (size - 1))
                        : reflect(x, -1, 2 * size - 1);
              return f.clamp(x, 0, size - 1);
            }
            return x;
          };
          // input[n, c, y, x] for integer-valued float y, x; 0 outside.
          auto tap = [&](Value y, Value x) {
            Value inside = arith::AndIOp::create(
                b, l,
                arith::AndIOp::create(
                    b, l, f.cmp(arith::CmpFPredicate::OGE, x, f.c(0)),
                    f.cmp(arith::CmpFPredicate::OLE, x, f.c(width - 1))),
                arith::AndIOp::create(
                    b, l, f.cmp(arith::CmpFPredicate::OGE, y, f.c(0)),
                    f.cmp(arith::CmpFPredicate::OLE, y, f.c(height - 1))));
            auto index = [&](Value v, int64_t size) {
              Value i = arith::FPToSIOp::create(b, l, b.getI64Type(),
                                                f.clamp(v, 0, size - 1));
              return arith::IndexCastOp::create(b, l, b.getIndexType(), i);
            };
            Value v = tensor::ExtractOp::create(
                b, l, input,
                ValueRange{n, ch, index(y, height), index(x, width)});
            return f.select(inside, v, f.c(0));
          };
          Value x = unnormalize(gridAt(0), width);
          Value y = unnormalize(gridAt(1), height);
          Value result;
          if (mode == "nearest") {
            x = math::RoundEvenOp::create(b, l, pad(x, width));
            y = math::RoundEvenOp::create(b, l, pad(y, height));
            result = tap(y, x);
          } else if (mode == "bilinear") {
            x = pad(x, width);
            y = pad(y, height);
            Value x0 = f.floor(x), y0 = f.floor(y);
            Value x1 = f.add(x0, f.c(1)), y1 = f.add(y0, f.c(1));
            Value wx1 = f.sub(x, x0), wy1 = f.sub(y, y0);
            Value wx0 = f.sub(f.c(1), wx1), wy0 = f.sub(f.c(1), wy1);
            result = f.add(
                f.add(f.mul(f.mul(wy0, wx0), tap(y0, x0)),
                      f.mul(f.mul(wy0, wx1), tap(y0, x1))),
                f.add(f.mul(f.mul(wy1, wx0), tap(y1, x0)),
                      f.mul(f.mul(wy1, wx1), tap(y1, x1))));
          } else {
            // Bicubic (A = -0.75) over the 4x4 neighbourhood; each tap's
            // coordinate gets the padding mode.
            Value x0 = f.floor(x), y0 = f.floor(y);
            Value tx = f.sub(x, x0), ty = f.sub(y, y0);
            auto weights = [&](Value t) {
              const double a = -0.75;
              auto far = [&](Value d) { // 1 <= d < 2
                return f.sub(
                    f.mul(f.add(f.mul(f.sub(f.mul(f.c(a), d), f.c(5 * a)), d),
                                f.c(8 * a)),
                          d),
                    f.c(4 * a));
              };
              auto near = [&](Value d) { // 0 <= d < 1
                return f.add(
                    f.mul(f.mul(f.sub(f.mul(f.c(a + 2), d), f.c(a + 3)), d),
                          d),
                    f.c(1));
              };
              return std::array<Value, 4>{far(f.add(t, f.c(1))), near(t),
                                          near(f.sub(f.c(1), t)),
                                          far(f.sub(f.c(2), t))};
            };
            std::array<Value, 4> wx = weights(tx), wy = weights(ty);
            result = f.c(0);
            for (int i = 0; i < 4; ++i) {
              Value row = f.c(0);
              Value yi = pad(f.add(y0, f.c(i - 1)), height);
              for (int j = 0; j < 4; ++j) {
                Value xj = pad(f.add(x0, f.c(j - 1)), width);
                row = f.add(row, f.mul(wx[j], tap(yi, xj)));
              }
              result = f.add(result, f.mul(wy[i], row));
            }
          }
          linalg::YieldOp::create(b, l, result);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::etch::populateEtchGridSampleToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<GridSampleLowering>(patterns.getContext());
}
