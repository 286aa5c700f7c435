//===- ImportResize.cpp - Resize (opset 10-13) and Upsample (7-9) ---------===//
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

LogicalResult importResize(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto inType = cast<RankedTensorType>(x->getType());
  bool isLegacy = node.op_type() == "Upsample" || im.getOpset() < 11;
  std::string why;
  FailureOr<RankedTensorType> outType =
      im.typeOfValueInfo(node.output(0), why);
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
      "half_pixel",         "pytorch_half_pixel",   "align_corners",
      "asymmetric",         "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (!llvm::is_contained(kModes, ctm)) {
    return im.unsupportedAttr("coordinate_transformation_mode",
                              "'" + ctm + "'",
                              "half_pixel, pytorch_half_pixel, align_corners, "
                              "asymmetric, tf_half_pixel_for_nn, "
                              "tf_crop_and_resize");
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
  if (upsample && opset < 9) {
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
    if (im.constantInput(1)) {
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
  attrs.push_back(im.namedAttr(
      "operandSegmentSizes",
      b.getDenseI32ArrayAttr({1, scalesOperand ? 1 : 0, roiOperand ? 1 : 0})));
  im.setOutput(0, im.create<ResizeOp>(*outType, operands, attrs));
  return success();
}

} // namespace

/// GridSample (opset 16: 2-D, NCHW).
static LogicalResult importGridSample(GraphImporter &im,
                                      const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), grid = im.input(1);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(grid) || failed(outType)) {
    return failure();
  }
  std::string mode = im.attrString("mode", "bilinear");
  std::string padding = im.attrString("padding_mode", "zeros");
  if (!llvm::is_contained({"bilinear", "nearest", "bicubic"}, mode)) {
    return im.unsupportedAttr("mode", "'" + mode + "'",
                              "bilinear, nearest, bicubic");
  }
  if (!llvm::is_contained({"zeros", "border", "reflection"}, padding)) {
    return im.unsupportedAttr("padding_mode", "'" + padding + "'",
                              "zeros, border, reflection");
  }
  auto xType = cast<RankedTensorType>(x->getType());
  if (xType.getRank() != 4 || !isa<FloatType>(xType.getElementType())) {
    return im.error() << "expected a 4-D floating-point input (N, C, H, W), "
                         "got "
                      << xType;
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<GridSampleOp>(
                      *outType, {*x, *grid},
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
