//===- ImportResize.cpp - Resize (opset 10-19) and Upsample (7-9) ---------===//
//
// The result shape comes from ONNX shape inference or the model's declared
// output. Scales: constant `scales` become static_scales; `sizes` (constant
// or not) give static scales of out/in; a run-time `scales` input stays an
// operand that the lowering reads. Upsample and opset-10 Resize are
// asymmetric with floor rounding for nearest.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// Input `i` if present and not an empty constant.
bool hasNonEmptyInput(GraphImporter &im, unsigned i) {
  if (!im.hasInput(i)) {
    return false;
  }
  const onnx::TensorProto *t = im.constantInput(i);
  if (!t) {
    return true;
  }
  int64_t n = 1;
  for (int64_t d : t->dims()) {
    n *= d;
  }
  return n != 0;
}

FailureOr<Value> runtimeF32Vector(GraphImporter &im, unsigned i,
                                  StringRef what) {
  FailureOr<Value> v = im.input(i);
  if (failed(v)) {
    return failure();
  }
  auto type = cast<RankedTensorType>(v->getType());
  if (type.getRank() != 1 || !type.getElementType().isF32()) {
    return im.error() << "the '" << what << "' input must be a 1-D float "
                      << "tensor, got " << type;
  }
  return *v;
}

/// The result shape from constant sizes or scales (floor(in * scale)), for
/// when ONNX inference could not see them (sizes computed by folded shape
/// arithmetic).
std::optional<SmallVector<int64_t>>
shapeFromConstants(GraphImporter &im, const onnx::NodeProto &node,
                   RankedTensorType inType, bool legacy) {
  int64_t rank = inType.getRank();
  if (!legacy && hasNonEmptyInput(im, 3) && im.constantInput(3)) {
    FailureOr<SmallVector<int64_t>> sizes = im.constantInts(3, "sizes");
    if (succeeded(sizes) && static_cast<int64_t>(sizes->size()) == rank) {
      return *sizes;
    }
    return std::nullopt;
  }
  unsigned scalesInput = legacy ? 1 : 2;
  std::optional<SmallVector<double>> scales;
  if (node.op_type() == "Upsample" && im.getOpset() < 9) {
    if (const onnx::AttributeProto *a = im.attr("scales")) {
      scales = SmallVector<double>(a->floats().begin(), a->floats().end());
    }
  } else if (hasNonEmptyInput(im, scalesInput) &&
             im.constantInput(scalesInput)) {
    FailureOr<SmallVector<double>> v = im.constantFloats(scalesInput, "scales");
    if (succeeded(v)) {
      scales = std::move(*v);
    }
  }
  if (!scales || static_cast<int64_t>(scales->size()) != rank ||
      (!legacy && im.attrString("coordinate_transformation_mode", "") ==
                      "tf_crop_and_resize")) {
    return std::nullopt;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(static_cast<int64_t>(
        std::floor(inType.getDimSize(d) * static_cast<float>((*scales)[d]))));
  }
  return shape;
}

/// Resize-18's `axes` and `keep_aspect_ratio_policy`, resolved at import:
/// constant scales or sizes over the listed axes widened to every axis (1,
/// the input size, roi [0, 1] elsewhere), the policy's one scale applied.
struct AxesResize {
  SmallVector<int64_t> shape;
  SmallVector<float> scales;
  std::optional<SmallVector<float>> roi;
};

FailureOr<AxesResize> resolveAxes(GraphImporter &im, RankedTensorType inType) {
  int64_t rank = inType.getRank();
  SmallVector<int64_t> axes;
  if (std::optional<SmallVector<int64_t>> a = im.attrInts("axes")) {
    for (int64_t axis : *a) {
      FailureOr<int64_t> n = normalizeAxis(im, axis, rank, "axes");
      if (failed(n)) {
        return failure();
      }
      if (llvm::is_contained(axes, *n)) {
        return im.error() << "axes contain duplicates";
      }
      axes.push_back(*n);
    }
  } else {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  int64_t n = axes.size();
  AxesResize r;
  r.shape = SmallVector<int64_t>(inType.getShape());
  r.scales = SmallVector<float>(rank, 1.0f);
  std::string policy = im.attrString("keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch" && policy != "not_larger" &&
      policy != "not_smaller") {
    return im.unsupportedAttr("keep_aspect_ratio_policy", "'" + policy + "'",
                              "stretch, not_larger, not_smaller");
  }
  if (hasNonEmptyInput(im, 3)) {
    FailureOr<SmallVector<int64_t>> sizes = im.constantInts(3, "sizes");
    if (failed(sizes)) {
      return failure();
    }
    if (static_cast<int64_t>(sizes->size()) != n) {
      return im.error() << "'sizes' has " << sizes->size()
                        << " entries, expected " << n << " (one per axis)";
    }
    std::optional<double> kept;
    for (auto [i, a] : llvm::enumerate(axes)) {
      double s = static_cast<double>((*sizes)[i]) / inType.getDimSize(a);
      if (policy == "stretch") {
        r.shape[a] = (*sizes)[i];
        r.scales[a] = static_cast<float>(s);
      } else {
        kept = !kept ? s
               : policy == "not_larger" ? std::min(*kept, s)
                                        : std::max(*kept, s);
      }
    }
    for (int64_t a : kept ? ArrayRef<int64_t>(axes) : ArrayRef<int64_t>()) {
      r.scales[a] = static_cast<float>(*kept);
      r.shape[a] = static_cast<int64_t>(
          std::floor(*kept * inType.getDimSize(a) + 0.5));
    }
  } else if (hasNonEmptyInput(im, 2)) {
    FailureOr<SmallVector<double>> scales = im.constantFloats(2, "scales");
    if (failed(scales)) {
      return failure();
    }
    if (static_cast<int64_t>(scales->size()) != n) {
      return im.error() << "'scales' has " << scales->size()
                        << " entries, expected " << n << " (one per axis)";
    }
    for (auto [i, a] : llvm::enumerate(axes)) {
      r.scales[a] = static_cast<float>((*scales)[i]);
      r.shape[a] = static_cast<int64_t>(
          std::floor(inType.getDimSize(a) * r.scales[a]));
    }
  } else {
    return im.error() << "needs 'scales' or 'sizes'";
  }
  if (hasNonEmptyInput(im, 1) &&
      im.attrString("coordinate_transformation_mode", "") ==
          "tf_crop_and_resize") {
    FailureOr<SmallVector<double>> roi = im.constantFloats(1, "roi");
    if (failed(roi)) {
      return failure();
    }
    if (static_cast<int64_t>(roi->size()) != 2 * n) {
      return im.error() << "'roi' has " << roi->size() << " entries, expected "
                        << 2 * n;
    }
    r.roi = SmallVector<float>(rank, 0.0f);
    r.roi->append(rank, 1.0f);
    for (auto [i, a] : llvm::enumerate(axes)) {
      (*r.roi)[a] = (*roi)[i];
      (*r.roi)[rank + a] = (*roi)[n + i];
    }
  }
  return r;
}

LogicalResult importResize(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto inType = cast<RankedTensorType>(x->getType());
  bool isLegacy = node.op_type() == "Upsample" || im.getOpset() < 11;
  std::optional<AxesResize> axesResize;
  if (!isLegacy && im.getOpset() >= 18 &&
      (im.attr("axes") || im.attr("keep_aspect_ratio_policy"))) {
    FailureOr<AxesResize> r = resolveAxes(im, inType);
    if (failed(r)) {
      return failure();
    }
    axesResize = std::move(*r);
  }
  std::string why;
  FailureOr<RankedTensorType> outType =
      axesResize ? RankedTensorType::get(axesResize->shape,
                                         inType.getElementType())
                 : im.typeOfValueInfo(node.output(0), why);
  if (failed(outType)) {
    std::optional<SmallVector<int64_t>> shape =
        shapeFromConstants(im, node, inType, isLegacy);
    outType = shape ? FailureOr<RankedTensorType>(RankedTensorType::get(
                          *shape, inType.getElementType()))
                    : im.outputType(0);
    if (failed(outType)) {
      return failure();
    }
  }
  int64_t rank = inType.getRank();
  if (outType->getRank() != rank) {
    return im.error() << "result rank differs from the input rank";
  }
  bool upsample = node.op_type() == "Upsample";
  int64_t opset = im.getOpset();
  bool legacy = upsample || opset < 11;
  std::string mode = im.attrString("mode", "nearest");
  if (mode == "bilinear") {
    mode = "linear";
  }
  if (mode != "nearest" && mode != "linear" &&
      (legacy || mode != "cubic")) {
    return im.unsupportedAttr("mode", "'" + mode + "'",
                              legacy ? "nearest, linear" : "nearest, linear, cubic");
  }
  std::string ctm = legacy ? "asymmetric"
                           : im.attrString("coordinate_transformation_mode",
                                           "half_pixel");
  static const char *const kModes[] = {
      "half_pixel",           "half_pixel_symmetric", "pytorch_half_pixel",
      "align_corners",        "asymmetric",           "tf_half_pixel_for_nn",
      "tf_crop_and_resize"};
  if (!llvm::is_contained(kModes, ctm)) {
    return im.unsupportedAttr("coordinate_transformation_mode",
                              "'" + ctm + "'",
                              "half_pixel, half_pixel_symmetric, "
                              "pytorch_half_pixel, align_corners, asymmetric, "
                              "tf_half_pixel_for_nn, tf_crop_and_resize");
  }
  std::string nearestMode =
      legacy ? "floor" : im.attrString("nearest_mode", "round_prefer_floor");
  static const char *const kNearest[] = {"round_prefer_floor",
                                         "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(kNearest, nearestMode)) {
    return im.unsupportedAttr("nearest_mode", "'" + nearestMode + "'",
                              "round_prefer_floor, round_prefer_ceil, floor, "
                              "ceil");
  }
  // Antialiasing changes only downscaled linear/cubic dimensions.
  bool antialias =
      im.attrInt("antialias", 0) != 0 && mode != "nearest" &&
      llvm::any_of(llvm::zip(inType.getShape(), outType->getShape()),
                   [](auto p) { return std::get<1>(p) < std::get<0>(p); });
  if (mode != "nearest" && !isa<FloatType>(inType.getElementType())) {
    return im.error() << "mode '" << mode << "' needs a floating-point input";
  }

  OpBuilder &b = im.getBuilder();
  SmallVector<Value> operands = {*x};
  SmallVector<NamedAttribute> attrs = {
      im.namedAttr("mode", b.getStringAttr(mode)),
      im.namedAttr("coordinate_transformation_mode", b.getStringAttr(ctm)),
      im.namedAttr("nearest_mode", b.getStringAttr(nearestMode))};
  if (!legacy) {
    attrs.push_back(im.namedAttr(
        "cubic_coeff_a", b.getF32FloatAttr(im.attrFloat("cubic_coeff_a",
                                                        -0.75f))));
    attrs.push_back(im.namedAttr(
        "exclude_outside",
        b.getBoolAttr(im.attrInt("exclude_outside", 0) != 0)));
    attrs.push_back(im.namedAttr(
        "extrapolation_value",
        b.getF32FloatAttr(im.attrFloat("extrapolation_value", 0.0f))));
  }

  // Scales: attribute (Upsample-7), input 1 (Upsample-9, Resize-10) or
  // input 2 (Resize-11+); or sizes (input 3).
  unsigned scalesInput = legacy ? 1 : 2;
  Value scalesOperand;
  std::optional<SmallVector<float>> scales;
  if (axesResize) {
    scales = axesResize->scales;
  } else if (upsample && opset < 9) {
    const onnx::AttributeProto *a = im.attr("scales");
    if (!a) {
      return im.error() << "missing required attribute 'scales'";
    }
    scales = SmallVector<float>(a->floats().begin(), a->floats().end());
  } else if (hasNonEmptyInput(im, scalesInput)) {
    if (im.constantInput(scalesInput)) {
      FailureOr<SmallVector<double>> v =
          im.constantFloats(scalesInput, "scales");
      if (failed(v)) {
        return failure();
      }
      scales = SmallVector<float>(v->begin(), v->end());
    } else {
      FailureOr<Value> v = runtimeF32Vector(im, scalesInput, "scales");
      if (failed(v)) {
        return failure();
      }
      scalesOperand = *v;
    }
  } else if (!legacy && hasNonEmptyInput(im, 3)) {
    scales.emplace();
    for (int64_t d = 0; d < rank; ++d) {
      scales->push_back(static_cast<float>(
          static_cast<double>(outType->getDimSize(d)) / inType.getDimSize(d)));
    }
  } else {
    return im.error() << "needs 'scales' or 'sizes'";
  }
  if (scales && static_cast<int64_t>(scales->size()) != rank) {
    return im.error() << "'scales' has " << scales->size()
                      << " entries, expected " << rank;
  }
  if (scalesOperand) {
    operands.push_back(scalesOperand);
  } else {
    attrs.push_back(
        im.namedAttr("static_scales", b.getDenseF32ArrayAttr(*scales)));
  }
  Value roiOperand;
  if (ctm == "tf_crop_and_resize") {
    if (!hasNonEmptyInput(im, 1)) {
      return im.error() << "tf_crop_and_resize needs the 'roi' input";
    }
    if (axesResize && axesResize->roi) {
      attrs.push_back(im.namedAttr("static_roi",
                                   b.getDenseF32ArrayAttr(*axesResize->roi)));
    } else if (im.constantInput(1)) {
      FailureOr<SmallVector<double>> v = im.constantFloats(1, "roi");
      if (failed(v)) {
        return failure();
      }
      if (static_cast<int64_t>(v->size()) != 2 * rank) {
        return im.error() << "'roi' has " << v->size() << " entries, expected "
                          << 2 * rank;
      }
      attrs.push_back(im.namedAttr(
          "static_roi",
          b.getDenseF32ArrayAttr(SmallVector<float>(v->begin(), v->end()))));
    } else {
      FailureOr<Value> v = runtimeF32Vector(im, 1, "roi");
      if (failed(v)) {
        return failure();
      }
      roiOperand = *v;
      operands.push_back(roiOperand);
    }
  }
  if (antialias) {
    if (scalesOperand) {
      return im.error() << "antialias=1 when downscaling needs constant "
                           "'scales' or 'sizes' (opset "
                        << opset << "): its filter width depends on them"
                        << im.constantHint(im.getNode().input(scalesInput));
    }
    attrs.push_back(im.namedAttr("antialias", b.getBoolAttr(true)));
  }
  attrs.push_back(im.namedAttr(
      "operandSegmentSizes",
      b.getDenseI32ArrayAttr({1, scalesOperand ? 1 : 0, roiOperand ? 1 : 0})));
  im.setOutput(0, im.create<ResizeOp>(*outType, operands, attrs));
  return success();
}

} // namespace

/// GridSample (opset 16, and 20 with its mode names and 3-D inputs; NCHW /
/// NCDHW). The result is (N, C, [D_out,] H_out, W_out) of the grid (N,
/// [D_out,] H_out, W_out, 2 or 3).
static LogicalResult importGridSample(GraphImporter &im,
                                      const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), grid = im.input(1);
  if (failed(x) || failed(grid)) {
    return failure();
  }
  bool v20 = im.getOpset() >= 20;
  std::string mode = im.attrString("mode", v20 ? "linear" : "bilinear");
  std::string padding = im.attrString("padding_mode", "zeros");
  if (v20 && (mode == "linear" || mode == "cubic")) {
    mode = mode == "linear" ? "bilinear" : "bicubic";
  } else if (v20 ? mode != "nearest"
                 : !llvm::is_contained({"bilinear", "nearest", "bicubic"},
                                       mode)) {
    return im.unsupportedAttr("mode", "'" + mode + "'",
                              v20 ? "linear, nearest, cubic"
                                  : "bilinear, nearest, bicubic");
  }
  if (!llvm::is_contained({"zeros", "border", "reflection"}, padding)) {
    return im.unsupportedAttr("padding_mode", "'" + padding + "'",
                              "zeros, border, reflection");
  }
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t rank = xType.getRank();
  if ((rank != 4 && rank != 5) || !isa<FloatType>(xType.getElementType())) {
    return im.error() << "expected a 4-D (N, C, H, W) or 5-D (N, C, D, H, W) "
                         "floating-point input, got "
                      << xType;
  }
  if (rank == 5 && mode == "bicubic") {
    return im.unsupportedAttr("mode", "'cubic'",
                              "linear, nearest for a 5-D input");
  }
  auto gridType = cast<RankedTensorType>(grid->getType());
  if (gridType.getRank() != rank || gridType.getDimSize(rank - 1) != rank - 2 ||
      gridType.getDimSize(0) != xType.getDimSize(0)) {
    return im.error() << "expected a grid (N, [D_out,] H_out, W_out, "
                      << rank - 2 << ") for the input " << xType << ", got "
                      << gridType;
  }
  SmallVector<int64_t> outShape = {xType.getDimSize(0), xType.getDimSize(1)};
  llvm::append_range(outShape, gridType.getShape().slice(1, rank - 2));
  auto outType = RankedTensorType::get(outShape, xType.getElementType());
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<GridSampleOp>(
                      outType, {*x, *grid},
                      {im.namedAttr("mode", b.getStringAttr(mode)),
                       im.namedAttr("padding_mode", b.getStringAttr(padding)),
                       im.namedAttr("align_corners",
                                    b.getBoolAttr(im.attrInt("align_corners",
                                                             0) != 0))}));
  return success();
}

void importer::registerResizeOps(OpTable &table) {
  table["GridSample"] = importGridSample;
  table["Resize"] = importResize;
  table["Upsample"] = importResize;
}
