//===- ImportConvPool.cpp - Conv, pools, BatchNormalization ---------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {
/// Window attributes of Conv/MaxPool/AveragePool with auto_pad resolved.
struct Window {
  SmallVector<int64_t> kernel, strides, pads, dilations;
};
} // namespace

/// Reads strides/dilations/pads/auto_pad for `spatial` dims over the input
/// shape `in` with kernel `kernel`, resolving auto_pad into explicit pads.
static FailureOr<Window> readWindow(GraphImporter &im, ArrayRef<int64_t> in,
                                    SmallVector<int64_t> kernel) {
  // (ceil_mode does not change how SAME pads are chosen.)
  size_t spatial = in.size() - 2;
  Window w;
  w.kernel = std::move(kernel);
  w.strides = im.attrInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
  w.dilations =
      im.attrInts("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  w.pads = im.attrInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  auto checkSize = [&](StringRef name, ArrayRef<int64_t> v,
                       size_t n) -> LogicalResult {
    if (v.size() == n) {
      return success();
    }
    return im.error() << "attribute '" << name << "' has " << v.size()
                      << " entries, expected " << n;
  };
  if (failed(checkSize("kernel_shape", w.kernel, spatial)) ||
      failed(checkSize("strides", w.strides, spatial)) ||
      failed(checkSize("dilations", w.dilations, spatial)) ||
      failed(checkSize("pads", w.pads, 2 * spatial))) {
    return failure();
  }
  for (int64_t s : llvm::concat<int64_t>(w.strides, w.dilations)) {
    if (s < 1) {
      return im.error() << "strides and dilations must be >= 1";
    }
  }
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    for (int64_t p : w.pads) {
      if (p < 0) {
        return im.error() << "negative pads are not supported";
      }
    }
    return w;
  }
  if (autoPad == "VALID") {
    w.pads.assign(2 * spatial, 0);
    return w;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER") {
    return im.unsupportedAttr("auto_pad", "'" + autoPad + "'",
                              "NOTSET, SAME_UPPER, SAME_LOWER, VALID");
  }
  // SAME: output = ceil(in / stride); the extra padding goes at the end
  // (SAME_UPPER) or the beginning (SAME_LOWER).
  for (size_t i = 0; i < spatial; ++i) {
    int64_t out = llvm::divideCeil(in[2 + i], w.strides[i]);
    int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total =
        std::max<int64_t>(0, (out - 1) * w.strides[i] + window - in[2 + i]);
    int64_t small = total / 2, large = total - total / 2;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

FailureOr<Value> importer::buildConv(GraphImporter &im, Value x, Value w,
                                     Value bias, Type resultElement) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  if (xType.getRank() < 3 || wType.getRank() != xType.getRank()) {
    return im.error() << "expected input and weight of equal rank >= 3, got "
                      << xType << " and " << wType;
  }
  SmallVector<int64_t> kernel = im.attrInts("kernel_shape").value_or(
      SmallVector<int64_t>(wType.getShape().drop_front(2)));
  FailureOr<Window> win =
      readWindow(im, xType.getShape(), std::move(kernel));
  if (failed(win)) {
    return failure();
  }
  // The result shape from the window, not from ONNX's inference: the same
  // formula, and it also serves the ops ONNX does not know
  // (com.microsoft.FusedConv).
  SmallVector<int64_t> shape = {xType.getDimSize(0), wType.getDimSize(0)};
  size_t spatial = xType.getRank() - 2;
  for (size_t i = 0; i < spatial; ++i) {
    int64_t window = (win->kernel[i] - 1) * win->dilations[i] + 1;
    int64_t span = xType.getDimSize(2 + i) + win->pads[i] +
                   win->pads[spatial + i] - window;
    if (span < 0) {
      return im.error() << "the window of spatial dim " << i << " (" << window
                        << " with dilation) exceeds the padded input ("
                        << xType.getDimSize(2 + i) + win->pads[i] +
                               win->pads[spatial + i]
                        << ")";
    }
    shape.push_back(span / win->strides[i] + 1);
  }
  auto type = RankedTensorType::get(shape, resultElement);
  return ConvOp::create(im.getBuilder(), im.getLoc(), type, x, w, bias,
                        win->strides, win->pads, win->dilations,
                        im.attrInt("group", 1), /*unsigned_input=*/false,
                        ActivationKind::None,
                        APFloat(0.0f), APFloat(0.0f))
      .getResult();
}

static LogicalResult importConv(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0), w = im.input(1);
  if (failed(x) || failed(w)) {
    return failure();
  }
  Value bias;
  if (im.hasInput(2)) {
    FailureOr<Value> b = im.input(2);
    if (failed(b)) {
      return failure();
    }
    bias = *b;
  }
  FailureOr<Value> conv = buildConv(
      im, *x, *w, bias, cast<RankedTensorType>(x->getType()).getElementType());
  if (failed(conv)) {
    return failure();
  }
  im.setOutput(0, *conv);
  return success();
}

namespace {
struct PoolParts {
  Value input;
  Window window;
  RankedTensorType type;
  bool ceilMode;
};
} // namespace

static FailureOr<PoolParts> readPool(GraphImporter &im) {
  FailureOr<Value> x = im.input(0);
  if (failed(x)) {
    return failure();
  }
  auto xType = cast<RankedTensorType>(x->getType());
  if (xType.getRank() < 3) {
    return im.error() << "expected an input of rank >= 3, got " << xType;
  }
  std::optional<SmallVector<int64_t>> kernel = im.attrInts("kernel_shape");
  if (!kernel) {
    return im.error() << "missing required attribute 'kernel_shape'";
  }
  bool ceilMode = im.attrInt("ceil_mode", 0) != 0;
  FailureOr<Window> win =
      readWindow(im, xType.getShape(), std::move(*kernel));
  if (failed(win)) {
    return failure();
  }
  // The result shape from the window (not from ONNX inference, which does
  // not know AveragePool-19's dilations). With ceil_mode, a last window
  // that would start inside the end padding is dropped, as in ONNX Runtime
  // and the spec's reference (ONNX 1.12's inference keeps it).
  SmallVector<int64_t> shape(xType.getShape().take_front(2));
  size_t spatial = xType.getRank() - 2;
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = xType.getDimSize(2 + i), pb = win->pads[i];
    int64_t window = (win->kernel[i] - 1) * win->dilations[i] + 1;
    int64_t numer = in + pb + win->pads[spatial + i] - window;
    if (numer < 0) {
      return im.error() << "the pooling window (" << window
                        << ") exceeds the padded input along spatial axis "
                        << i;
    }
    int64_t out = numer / win->strides[i] + 1;
    if (ceilMode) {
      out = llvm::divideCeil(numer, win->strides[i]) + 1;
      if ((out - 1) * win->strides[i] >= in + pb) {
        --out;
      }
    }
    shape.push_back(out);
  }
  auto type = RankedTensorType::get(shape, xType.getElementType());
  return PoolParts{*x, std::move(*win), type, ceilMode};
}

static LogicalResult importMaxPool(GraphImporter &im,
                                   const onnx::NodeProto &node) {
  FailureOr<PoolParts> p = readPool(im);
  if (failed(p)) {
    return failure();
  }
  im.setOutput(0, MaxPoolOp::create(im.getBuilder(), im.getLoc(), p->type,
                                    p->input, p->window.kernel,
                                    p->window.strides, p->window.pads,
                                    p->window.dilations, p->ceilMode));
  // storage_order only changes the Indices output.
  if (node.output_size() > 1 && !node.output(1).empty()) {
    OpBuilder &b = im.getBuilder();
    auto idxType = RankedTensorType::get(p->type.getShape(), b.getI64Type());
    im.setOutput(1, MaxPoolIndicesOp::create(
                        b, im.getLoc(), idxType, p->input, p->window.kernel,
                        p->window.strides, p->window.pads, p->window.dilations,
                        im.attrInt("storage_order", 0) != 0));
  }
  return success();
}

static LogicalResult importAveragePool(GraphImporter &im,
                                       const onnx::NodeProto &) {
  FailureOr<PoolParts> p = readPool(im);
  if (failed(p)) {
    return failure();
  }
  im.setOutput(0, AveragePoolOp::create(
                      im.getBuilder(), im.getLoc(), p->type, p->input,
                      p->window.kernel, p->window.strides, p->window.pads,
                      p->window.dilations, p->ceilMode,
                      im.attrInt("count_include_pad", 0) != 0));
  return success();
}

/// LpPool: (sum over the window of |x|^p)^(1/p), the sum an AveragePool
/// that counts padding times the window size.
static LogicalResult importLpPool(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<PoolParts> p = readPool(im);
  if (failed(p)) {
    return failure();
  }
  Value x = p->input;
  auto type = cast<RankedTensorType>(x.getType());
  if (!isa<FloatType>(type.getElementType())) {
    return im.error() << "expected a floating-point input, got " << type;
  }
  int64_t power = im.attrInt("p", 2);
  if (power < 1) {
    return im.error() << "p must be >= 1, got " << power;
  }
  Type elem = type.getElementType();
  Value a = im.create<AbsOp>(type, x);
  Value powered =
      power == 1   ? a
      : power == 2 ? createBinary<MulOp>(im, x, x)
                   : createBinary<PowOp>(
                         im, a, createScalarConstant(im, elem, power));
  Value avg = AveragePoolOp::create(
      im.getBuilder(), im.getLoc(), p->type, powered, p->window.kernel,
      p->window.strides, p->window.pads, p->window.dilations, p->ceilMode,
      /*count_include_pad=*/true);
  int64_t window = 1;
  for (int64_t k : p->window.kernel) {
    window *= k;
  }
  Value sum =
      createBinary<MulOp>(im, avg, createScalarConstant(im, elem, window));
  Value y = power == 1   ? sum
            : power == 2 ? im.create<SqrtOp>(sum.getType(), sum)
                         : createBinary<PowOp>(
                               im, sum,
                               createScalarConstant(im, elem, 1.0 / power));
  im.setOutput(0, y);
  return success();
}

static LogicalResult importGlobalAveragePool(GraphImporter &im,
                                             const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(outType)) {
    return failure();
  }
  im.setOutput(0, GlobalAveragePoolOp::create(im.getBuilder(), im.getLoc(),
                                              *outType, *x));
  return success();
}

/// GlobalMaxPool: the maximum over every spatial axis (2..rank-1), kept
/// as size-1 dims.
static LogicalResult importGlobalMaxPool(GraphImporter &im,
                                         const onnx::NodeProto &) {
  FailureOr<Value> x = im.input(0);
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(x) || failed(outType)) {
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (rank < 3) {
    return im.error() << "expected an input of rank >= 3 (N, C, spatial...), "
                         "got "
                      << x->getType();
  }
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d) {
    axes.push_back(d);
  }
  OpBuilder &b = im.getBuilder();
  im.setOutput(0, im.create<ReduceMaxOp>(
                      *outType, {*x},
                      {im.namedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                       im.namedAttr("keepdims", b.getBoolAttr(true))}));
  return success();
}

/// BatchNormalization with training_mode = 1 (opset 14+): normalizes with
/// the batch's own statistics (mean and biased variance over every axis but
/// the channel) and, for the optional outputs 1 and 2, updates the running
/// statistics: running = input * momentum + batch * (1 - momentum).
static LogicalResult importBatchNormTraining(GraphImporter &im,
                                             ArrayRef<Value> operands) {
  Value x = operands[0];
  auto type = cast<RankedTensorType>(x.getType());
  Type elem = type.getElementType();
  if (type.getRank() < 2 || !isa<FloatType>(elem)) {
    return im.error() << "expected a floating-point input of rank >= 2, got "
                      << type;
  }
  int64_t channels = type.getDimSize(1);
  for (Value v : operands.drop_front()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != elem || t.getShape() != ArrayRef{channels}) {
      return im.error() << "scale, B, input_mean and input_var must be "
                        << channels << "-element tensors of " << elem
                        << " in training mode, got " << t;
    }
  }
  OpBuilder &b = im.getBuilder();
  SmallVector<int64_t> axes, statShape(type.getRank(), 1);
  statShape[1] = channels;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d != 1) {
      axes.push_back(d);
    }
  }
  auto statType = RankedTensorType::get(statShape, elem);
  auto mean = [&](Value v) {
    return im.create<ReduceMeanOp>(
        statType, {v},
        {im.namedAttr("axes", b.getDenseI64ArrayAttr(axes)),
         im.namedAttr("keepdims", b.getBoolAttr(true))});
  };
  auto perChannel = [&](Value v) { return im.create<ReshapeOp>(statType, {v}); };
  auto scalar = [&](double v) { return createScalarConstant(im, elem, v); };
  Value batchMean = mean(x);
  Value centered = createBinary<SubOp>(im, x, batchMean);
  Value batchVar = mean(createBinary<MulOp>(im, centered, centered));
  Value eps = scalar(im.attrFloat("epsilon", 1e-5f));
  Value stddev = im.create<SqrtOp>(statType,
                                   {createBinary<AddOp>(im, batchVar, eps)});
  Value y = createBinary<DivOp>(im, centered, stddev);
  y = createBinary<MulOp>(im, y, perChannel(operands[1]));
  im.setOutput(0, createBinary<AddOp>(im, y, perChannel(operands[2])));
  double momentum = im.attrFloat("momentum", 0.9f);
  auto running = [&](Value input, Value batch) {
    auto flat = RankedTensorType::get({channels}, elem);
    Value kept = createBinary<MulOp>(im, input, scalar(momentum));
    Value added = createBinary<MulOp>(im, im.create<ReshapeOp>(flat, {batch}),
                                      scalar(1.0 - momentum));
    return createBinary<AddOp>(im, kept, added);
  };
  const onnx::NodeProto &node = im.getNode();
  if (node.output_size() > 1 && !node.output(1).empty()) {
    im.setOutput(1, running(operands[3], batchMean));
  }
  if (node.output_size() > 2 && !node.output(2).empty()) {
    im.setOutput(2, running(operands[4], batchVar));
  }
  return success();
}

static LogicalResult importBatchNorm(GraphImporter &im,
                                     const onnx::NodeProto &) {
  int64_t training = im.attrInt("training_mode", 0);
  if (training != 0 && training != 1) {
    return im.unsupportedAttr("training_mode", std::to_string(training),
                              "0 (inference) and 1 (batch statistics)");
  }
  if (im.attr("spatial") && im.attrInt("spatial", 1) != 1) {
    return im.unsupportedAttr("spatial", "0", "1");
  }
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> v = im.input(i);
    if (failed(v)) {
      return failure();
    }
    operands.push_back(*v);
  }
  if (training) {
    return importBatchNormTraining(im, operands);
  }
  if (failed(im.rejectOutputsFrom(1, "training statistics"))) {
    return failure();
  }
  FailureOr<RankedTensorType> outType = im.outputType(0);
  if (failed(outType)) {
    return failure();
  }
  OpBuilder &b = im.getBuilder();
  auto op = BatchNormOp::create(b, im.getLoc(), *outType, operands[0],
                                operands[1], operands[2], operands[3],
                                operands[4], APFloat(im.attrFloat("epsilon",
                                                                  1e-5f)));
  im.setOutput(0, op);
  return success();
}

void importer::registerConvPoolOps(OpTable &table) {
  table["AveragePool"] = importAveragePool;
  table["BatchNormalization"] = importBatchNorm;
  table["Conv"] = importConv;
  table["GlobalAveragePool"] = importGlobalAveragePool;
  table["GlobalMaxPool"] = importGlobalMaxPool;
  table["LpPool"] = importLpPool;
  table["MaxPool"] = importMaxPool;
}
