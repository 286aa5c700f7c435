//===- ImportDeformConv.cpp - AffineGrid (20) and DeformConv (19) ---------===//
//
// Two sampling-grid ops, composed of etch ops with static shapes. Every
// result type is computed here: libonnx 1.12 has no schema for them.
//
// AffineGrid: the base grid of normalized pixel centers [x, (y,) (z,) 1] is a
// constant (D*H*W, k+1); the grid is base x theta^T, one MatMul per batch.
//
// DeformConv (2-D): the sampling locations of every kernel tap (the regular
// conv window plus the learned offset) of every offset group become one
// GridSample grid (N*offset_group, kH*kW*oH, oW, 2) over the input viewed as
// (N*offset_group, C/offset_group, H, W); its result, scaled by the mask, is
// the im2col matrix (N, C*kH*kW, oH*oW) that each conv group multiplies by
// its weights. Bilinear sampling with zero padding is DeformConv's
// interpolation (the ONNX reference samples with GridSample too).
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// A float etch.constant of `shape` holding `values` (row-major).
Value floatConstant(GraphImporter &im, Type elem, ArrayRef<int64_t> shape,
                    ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elem);
  auto ft = cast<FloatType>(elem);
  SmallVector<Attribute> attrs = llvm::map_to_vector(
      values, [&](double v) -> Attribute { return FloatAttr::get(ft, v); });
  return im.create<ConstantOp>(
      type, {}, {im.namedAttr("value", DenseElementsAttr::get(type, attrs))});
}

Value matmul(GraphImporter &im, Value a, Value b) {
  ArrayRef<int64_t> as = typeOf(a).getShape(), bs = typeOf(b).getShape();
  SmallVector<int64_t> shape =
      broadcastShape(as.drop_back(2), bs.drop_back(2));
  shape.push_back(as[as.size() - 2]);
  shape.push_back(bs.back());
  return im.create<MatMulOp>(
      RankedTensorType::get(shape, typeOf(a).getElementType()), {a, b});
}

/// Normalized coordinates of the `n` pixel centers along one axis, as the
/// ONNX reference spaces them: with align_corners from -1 to 1 inclusive,
/// else the centers of n equal cells of [-1, 1].
SmallVector<double> gridAxis(int64_t n, bool alignCorners) {
  SmallVector<double> v(n);
  for (int64_t i = 0; i < n; ++i) {
    v[i] = alignCorners ? (n == 1 ? -1.0 : -1.0 + 2.0 * i / (n - 1))
                        : -1.0 + (2.0 * i + 1.0) / n;
  }
  return v;
}

LogicalResult importAffineGrid(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> theta = im.input(0);
  if (failed(theta)) {
    return failure();
  }
  FailureOr<SmallVector<int64_t>> size = im.constantInts(1, "size");
  if (failed(size)) {
    return failure();
  }
  RankedTensorType thetaType = typeOf(*theta);
  int64_t k = static_cast<int64_t>(size->size()) - 2; // spatial dims
  if ((k != 2 && k != 3) || !isa<FloatType>(thetaType.getElementType()) ||
      thetaType.getShape() != ArrayRef<int64_t>{(*size)[0], k, k + 1}) {
    return im.error() << "expected 'size' (N, C, H, W) or (N, C, D, H, W) and "
                         "a float 'theta' (N, 2, 3) or (N, 3, 4) to match, "
                         "got size of "
                      << size->size() << " values and theta " << thetaType;
  }
  SmallVector<int64_t> spatial(size->begin() + 2, size->end());
  if (llvm::any_of(spatial, [](int64_t d) { return d <= 0; })) {
    return im.error() << "'size' must have positive spatial sizes";
  }
  bool align = im.attrInt("align_corners", 0) != 0;
  int64_t count = 1;
  for (int64_t d : spatial) {
    count *= d;
  }
  if (failed(im.checkDerivedShape({(*size)[0], count, k},
                                  thetaType.getElementType()))) {
    return failure();
  }
  // Rows in (D,) H, W order; columns x, y, (z,) 1.
  SmallVector<SmallVector<double>> axes;
  for (int64_t d : spatial) {
    axes.push_back(gridAxis(d, align));
  }
  SmallVector<double> base;
  base.reserve(count * (k + 1));
  for (int64_t flat = 0; flat < count; ++flat) {
    SmallVector<double> coord(k);
    for (int64_t a = k - 1, rest = flat; a >= 0; --a) {
      coord[a] = axes[a][rest % spatial[a]];
      rest /= spatial[a];
    }
    for (int64_t a = k - 1; a >= 0; --a) { // x is the innermost axis
      base.push_back(coord[a]);
    }
    base.push_back(1.0);
  }
  Value baseGrid =
      floatConstant(im, thetaType.getElementType(), {count, k + 1}, base);
  Value thetaT = transposeBy(im, *theta, {0, 2, 1}); // (N, k+1, k)
  Value grid = matmul(im, baseGrid, thetaT);         // (N, count, k)
  SmallVector<int64_t> outShape = {(*size)[0]};
  llvm::append_range(outShape, spatial);
  outShape.push_back(k);
  im.setOutput(0, reshapeTo(im, grid, outShape));
  return success();
}

LogicalResult importDeformConv(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), w = im.input(1), offset = im.input(2);
  if (failed(x) || failed(w) || failed(offset)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*x), wType = typeOf(*w),
                   offType = typeOf(*offset);
  Type elem = xType.getElementType();
  if (xType.getRank() != 4 || wType.getRank() != 4 || offType.getRank() != 4 ||
      !isa<FloatType>(elem)) {
    return im.error() << "expected a 2-D float DeformConv: X (N, C, H, W), W "
                         "(oC, C/group, kH, kW), offset (N, 2*offset_group*kH*"
                         "kW, oH, oW); got X "
                      << xType << ", W " << wType << ", offset " << offType
                      << " (1-D and 3-D DeformConv are not supported)";
  }
  int64_t n = xType.getDimSize(0), c = xType.getDimSize(1),
          h = xType.getDimSize(2), wd = xType.getDimSize(3);
  int64_t oc = wType.getDimSize(0), kh = wType.getDimSize(2),
          kw = wType.getDimSize(3), kk = kh * kw;
  int64_t oh = offType.getDimSize(2), ow = offType.getDimSize(3);
  int64_t group = im.attrInt("group", 1);
  int64_t og = im.attrInt("offset_group", 1);
  auto ints = [&](StringRef name, SmallVector<int64_t> dflt) {
    return im.attrInts(name).value_or(dflt);
  };
  SmallVector<int64_t> strides = ints("strides", {1, 1});
  SmallVector<int64_t> dilations = ints("dilations", {1, 1});
  SmallVector<int64_t> pads = ints("pads", {0, 0, 0, 0});
  SmallVector<int64_t> kernel = ints("kernel_shape", {kh, kw});
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4 ||
      kernel != SmallVector<int64_t>{kh, kw}) {
    return im.error() << "expected 2 strides, 2 dilations, 4 pads and a "
                         "kernel_shape equal to W's spatial shape";
  }
  if (group <= 0 || og <= 0 || c != wType.getDimSize(1) * group ||
      oc % group != 0 || c % og != 0 ||
      offType.getDimSize(0) != n || offType.getDimSize(1) != 2 * og * kk) {
    return im.error() << "inconsistent shapes: X " << xType << ", W " << wType
                      << ", offset " << offType << " with group " << group
                      << " and offset_group " << og;
  }
  for (int64_t i = 0; i < 2; ++i) {
    int64_t in = i ? wd : h, k = i ? kw : kh, out = i ? ow : oh;
    int64_t span = (k - 1) * dilations[i] + 1;
    if (strides[i] <= 0 || dilations[i] <= 0 ||
        (in + pads[i] + pads[i + 2] - span) / strides[i] + 1 != out) {
      return im.error() << "the offset's spatial shape " << offType
                        << " does not match the convolution's output";
    }
  }
  Value mask;
  if (im.hasInput(4)) {
    FailureOr<Value> m = im.input(4);
    if (failed(m)) {
      return failure();
    }
    if (typeOf(*m).getShape() != ArrayRef<int64_t>{n, og * kk, oh, ow}) {
      return im.error() << "expected a mask (N, offset_group*kH*kW, oH, oW) = ("
                        << n << ", " << og * kk << ", " << oh << ", " << ow
                        << "), got " << typeOf(*m);
    }
    mask = reshapeTo(im, *m, {n * og, 1, kk * oh, ow});
  }
  if (failed(im.checkDerivedShape({n, c * kk, oh * ow}, elem))) {
    return failure();
  }

  // Normalized sampling location (GridSample, align_corners=0) of tap
  // (i, j) at output (y, x): pixel p = y*stride - pad + i*dilation + offset,
  // normalized (2p + 1) / size - 1 = offset * 2/size + base.
  SmallVector<double> baseY(kk * oh), baseX(kk * ow);
  for (int64_t i = 0; i < kh; ++i) {
    for (int64_t j = 0; j < kw; ++j) {
      for (int64_t y = 0; y < oh; ++y) {
        double p = y * strides[0] - pads[0] + i * dilations[0];
        baseY[(i * kw + j) * oh + y] = (2.0 * p + 1.0) / h - 1.0;
      }
      for (int64_t xo = 0; xo < ow; ++xo) {
        double p = xo * strides[1] - pads[1] + j * dilations[1];
        baseX[(i * kw + j) * ow + xo] = (2.0 * p + 1.0) / wd - 1.0;
      }
    }
  }
  // offset (N, og*kk*2, oH, oW) -> (N, og, kk, 2, oH, oW): [.., 0] is the
  // vertical offset, [.., 1] the horizontal one.
  Value off = reshapeTo(im, *offset, {n, og, kk, 2, oh, ow});
  auto coord = [&](int64_t which, ArrayRef<double> base,
                   ArrayRef<int64_t> baseShape, int64_t extent) {
    Value o =
        reshapeTo(im, slice(im, off, 3, which, 1), {n, og, kk, oh, ow, 1});
    Value scaled = createBinary<MulOp>(
        im, o, createScalarConstant(im, elem, 2.0 / extent));
    return createBinary<AddOp>(im, scaled,
                               floatConstant(im, elem, baseShape, base));
  };
  Value gy = coord(0, baseY, {kk, oh, 1, 1}, h);
  Value gx = coord(1, baseX, {kk, 1, ow, 1}, wd);
  // One GridSample for every (batch, offset group): x viewed as
  // (N*og, C/og, H, W) against the grids (N*og, kk*oH, oW, 2).
  int64_t cg = c / og;
  Value grid = reshapeTo(im, concatAlong(im, {gx, gy}, 5), {n * og, kk * oh, ow, 2});
  OpBuilder &b = im.getBuilder();
  Value sampled = im.create<GridSampleOp>(
      RankedTensorType::get({n * og, cg, kk * oh, ow}, elem),
      {reshapeTo(im, *x, {n * og, cg, h, wd}), grid},
      {im.namedAttr("mode", b.getStringAttr("bilinear")),
       im.namedAttr("padding_mode", b.getStringAttr("zeros")),
       im.namedAttr("align_corners", b.getBoolAttr(false))});
  if (mask) {
    sampled = createBinary<MulOp>(im, sampled, mask);
  }
  // [n, g, c, k, y, x] is im2col row (g*C/og + c)*kk + k, column y*oW + x,
  // of (N, C*kk, L): viewed (N, group, C/group*kk, L) for the conv groups,
  // and W as (group, oC/group, C/group*kk).
  int64_t cpg = c / group, ocg = oc / group;
  Value cols = reshapeTo(im, sampled, {n, group, cpg * kk, oh * ow});
  Value wMat = reshapeTo(im, *w, {group, ocg, cpg * kk});
  Value y = reshapeTo(im, matmul(im, wMat, cols), {n, oc, oh, ow});
  if (im.hasInput(3)) {
    FailureOr<Value> bias = im.input(3);
    if (failed(bias)) {
      return failure();
    }
    if (typeOf(*bias).getShape() != ArrayRef<int64_t>{oc}) {
      return im.error() << "expected a bias of " << oc << " values, got "
                        << typeOf(*bias);
    }
    y = createBinary<AddOp>(im, y, reshapeTo(im, *bias, {1, oc, 1, 1}));
  }
  im.setOutput(0, y);
  return success();
}

} // namespace

void importer::registerDeformConvOps(OpTable &table) {
  table["AffineGrid"] = importAffineGrid;
  table["DeformConv"] = importDeformConv;
}
