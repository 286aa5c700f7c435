//===- GridSamplePatterns.cpp - etch.grid_sample to linalg.generic -------===//
//
// One generic over the output [N, C, (Do,) Ho, Wo]: each element reads its
// grid location, maps it to input pixel coordinates (align_corners), applies
// the padding mode to the coordinate (border: clamp; reflection: reflect, then
// clamp) and gathers 1 (nearest), 4 or 8 (bilinear, 2-D or 3-D) or 16
// (bicubic, 2-D) taps with
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
    int64_t rank = type.getRank(), spatial = rank - 2;
    // Input sizes in dim order ([D,] H, W); grid component k - 1 - i is
    // dimension i's coordinate (x is the innermost).
    SmallVector<int64_t> sizes(inType.getShape().drop_front(2));
    int64_t height = sizes[spatial - 2], width = sizes[spatial - 1];
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    bool align = op.getAlignCorners();
    Type elem = type.getElementType();
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{},
        ValueRange{createEmpty(rewriter, op.getLoc(), type)},
        {rewriter.getMultiDimIdentityMap(rank)}, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange) {
          Fp f{b, l, elem};
          Value n = linalg::IndexOp::create(b, l, 0);
          Value ch = linalg::IndexOp::create(b, l, 1);
          SmallVector<Value> outPos;
          for (int64_t i = 2; i < rank; ++i) {
            outPos.push_back(linalg::IndexOp::create(b, l, i));
          }
          auto gridAt = [&](int64_t k) {
            SmallVector<Value> at = {n};
            llvm::append_range(at, outPos);
            at.push_back(arith::ConstantIndexOp::create(b, l, k));
            return tensor::ExtractOp::create(b, l, grid, at);
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
          // input[n, c, (z,) y, x] for integer-valued float coordinates (in
          // dim order); 0 outside.
          auto tapAt = [&](ArrayRef<Value> at) {
            Value inside;
            SmallVector<Value> idx = {n, ch};
            for (int64_t i = 0; i < spatial; ++i) {
              Value in = arith::AndIOp::create(
                  b, l, f.cmp(arith::CmpFPredicate::OGE, at[i], f.c(0)),
                  f.cmp(arith::CmpFPredicate::OLE, at[i],
                        f.c(sizes[i] - 1)));
              inside = inside ? arith::AndIOp::create(b, l, inside, in) : in;
              Value v = arith::FPToSIOp::create(
                  b, l, b.getI64Type(), f.clamp(at[i], 0, sizes[i] - 1));
              idx.push_back(
                  arith::IndexCastOp::create(b, l, b.getIndexType(), v));
            }
            Value v = tensor::ExtractOp::create(b, l, input, idx);
            return f.select(inside, v, f.c(0));
          };
          auto tap = [&](Value y, Value x) { return tapAt({y, x}); };
          SmallVector<Value> coord(spatial);
          for (int64_t i = 0; i < spatial; ++i) {
            coord[i] = unnormalize(gridAt(spatial - 1 - i), sizes[i]);
          }
          Value x = coord[spatial - 1], y = coord[spatial - 2];
          Value result;
          if (mode == "nearest") {
            for (int64_t i = 0; i < spatial; ++i) {
              coord[i] =
                  math::RoundEvenOp::create(b, l, pad(coord[i], sizes[i]));
            }
            result = tapAt(coord);
          } else if (mode == "bilinear") {
            // 2^k corners, weights multiplied in dim order, summed as a
            // balanced tree.
            SmallVector<Value> lo(spatial), hi(spatial), wLo(spatial),
                wHi(spatial);
            for (int64_t i = 0; i < spatial; ++i) {
              Value c = pad(coord[i], sizes[i]);
              lo[i] = f.floor(c);
              hi[i] = f.add(lo[i], f.c(1));
              wHi[i] = f.sub(c, lo[i]);
              wLo[i] = f.sub(f.c(1), wHi[i]);
            }
            SmallVector<Value> terms;
            for (int64_t corner = 0; corner < (int64_t(1) << spatial);
                 ++corner) {
              SmallVector<Value> at(spatial);
              Value weight;
              for (int64_t i = 0; i < spatial; ++i) {
                bool high = (corner >> (spatial - 1 - i)) & 1;
                at[i] = high ? hi[i] : lo[i];
                Value wi = high ? wHi[i] : wLo[i];
                weight = weight ? f.mul(weight, wi) : wi;
              }
              terms.push_back(f.mul(weight, tapAt(at)));
            }
            while (terms.size() > 1) {
              SmallVector<Value> next;
              for (size_t i = 0; i < terms.size(); i += 2) {
                next.push_back(f.add(terms[i], terms[i + 1]));
              }
              terms = std::move(next);
            }
            result = terms.front();
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
