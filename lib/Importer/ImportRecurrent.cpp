//===- ImportRecurrent.cpp - LSTM, GRU, RNN unrolled over time ------------===//
//
// Sequence lengths are static, so the recurrences are unrolled at import
// time into etch ops: one matmul of the whole input sequence with W (and
// its bias) per direction, then per time step a matmul of the hidden state
// with R, the gate activations and the state updates. Constant
// `sequence_lens` shorter than the sequence hold the state and write zeros
// past each batch entry's length, as ONNX specifies.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportMath.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

enum class Cell { LSTM, GRU, RNN };

struct Activation {
  std::string name;
  float alpha = 0, beta = 0;
};

/// Builds the unrolled recurrence of one node.
class RecurrentBuilder {
public:
  RecurrentBuilder(GraphImporter &im, Cell cell)
      : im(im), b(im.getBuilder()), cell(cell),
        gates(cell == Cell::LSTM ? 4 : cell == Cell::GRU ? 3 : 1) {}

  LogicalResult build(const onnx::NodeProto &node);

private:
  RankedTensorType type(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, elem);
  }
  ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }
  Value matmul(Value x, Value w) {
    SmallVector<int64_t> shape(shapeOf(x));
    shape.back() = shapeOf(w).back();
    return im.create<MatMulOp>(type(shape), {x, w});
  }
  Value add(Value x, Value y) { return createBinary<AddOp>(im, x, y); }
  Value sub(Value x, Value y) { return createBinary<SubOp>(im, x, y); }
  Value mul(Value x, Value y) { return createBinary<MulOp>(im, x, y); }
  Value scalar(double v) { return createScalarConstant(im, elem, v); }
  Value clip(Value v) {
    if (!clipValue) {
      return v;
    }
    return im.create<ClipOp>(
        v.getType(), v,
        {im.namedAttr("min", b.getF32FloatAttr(-*clipValue)),
         im.namedAttr("max", b.getF32FloatAttr(*clipValue))});
  }
  Value activate(const Activation &a, Value v);
  LogicalResult readActivations(int64_t numDirections);
  FailureOr<Value> optionalInput(unsigned i) {
    if (!im.hasInput(i)) {
      return Value();
    }
    return im.input(i);
  }

  GraphImporter &im;
  OpBuilder &b;
  Cell cell;
  int64_t gates;
  Type elem;
  std::optional<float> clipValue;
  /// Per direction: f, g(, h) for LSTM; f, g for GRU; f for RNN.
  SmallVector<SmallVector<Activation>> activations;
};

Value RecurrentBuilder::activate(const Activation &a, Value v) {
  Type t = v.getType();
  auto f32 = [&](float x) { return b.getF32FloatAttr(x); };
  if (a.name == "Sigmoid") {
    return im.create<SigmoidOp>(t, v);
  }
  if (a.name == "Tanh") {
    return im.create<TanhOp>(t, v);
  }
  if (a.name == "Relu") {
    return im.create<ReluOp>(t, v);
  }
  if (a.name == "HardSigmoid") {
    return im.create<HardSigmoidOp>(t, v,
                                    {im.namedAttr("alpha", f32(a.alpha)),
                                     im.namedAttr("beta", f32(a.beta))});
  }
  if (a.name == "LeakyRelu") {
    return im.create<LeakyReluOp>(t, v, {im.namedAttr("alpha", f32(a.alpha))});
  }
  if (a.name == "ThresholdedRelu") {
    return im.create<ThresholdedReluOp>(t, v,
                                        {im.namedAttr("alpha", f32(a.alpha))});
  }
  if (a.name == "Elu") {
    return im.create<EluOp>(t, v, {im.namedAttr("alpha", f32(a.alpha))});
  }
  if (a.name == "Softsign") {
    return im.create<SoftsignOp>(t, v);
  }
  if (a.name == "Softplus") {
    return im.create<SoftplusOp>(t, v);
  }
  if (a.name == "Affine") {
    return add(mul(v, scalar(a.alpha)), scalar(a.beta));
  }
  // ScaledTanh.
  return mul(im.create<TanhOp>(t, mul(v, scalar(a.beta))), scalar(a.alpha));
}

LogicalResult RecurrentBuilder::readActivations(int64_t numDirections) {
  SmallVector<std::string> defaults;
  if (cell == Cell::LSTM) {
    defaults = {"Sigmoid", "Tanh", "Tanh"};
  } else if (cell == Cell::GRU) {
    defaults = {"Sigmoid", "Tanh"};
  } else {
    defaults = {"Tanh"};
  }
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *a = im.attr("activations")) {
    for (const std::string &s : a->strings()) {
      names.push_back(s);
    }
    if (names.size() != defaults.size() * numDirections) {
      return im.error() << "'activations' has " << names.size()
                        << " entries; expected " << defaults.size()
                        << " per direction";
    }
  } else {
    for (int64_t d = 0; d < numDirections; ++d) {
      names.append(defaults.begin(), defaults.end());
    }
  }
  SmallVector<float> alphas, betas;
  if (const onnx::AttributeProto *a = im.attr("activation_alpha")) {
    alphas.assign(a->floats().begin(), a->floats().end());
  }
  if (const onnx::AttributeProto *a = im.attr("activation_beta")) {
    betas.assign(a->floats().begin(), a->floats().end());
  }
  // Alphas and betas are consumed in order by the activations that take
  // them; the others use the ONNX operators' defaults.
  size_t nextAlpha = 0, nextBeta = 0;
  auto take = [](SmallVector<float> &list, size_t &next, float dflt) {
    return next < list.size() ? list[next++] : dflt;
  };
  activations.assign(numDirections, {});
  for (auto [i, name] : llvm::enumerate(names)) {
    Activation a;
    a.name = name;
    std::optional<std::pair<float, float>> params =
        llvm::StringSwitch<std::optional<std::pair<float, float>>>(name)
            .Cases({"Sigmoid", "Tanh", "Relu", "Softsign", "Softplus"},
                   std::pair<float, float>{0, 0})
            .Case("HardSigmoid", std::pair<float, float>{0.2f, 0.5f})
            .Case("LeakyRelu", std::pair<float, float>{0.01f, 0})
            .Case("ThresholdedRelu", std::pair<float, float>{1.0f, 0})
            .Case("Elu", std::pair<float, float>{1.0f, 0})
            .Case("Affine", std::pair<float, float>{1.0f, 0})
            .Case("ScaledTanh", std::pair<float, float>{1.0f, 1.0f})
            .Default(std::nullopt);
    if (!params) {
      return im.error() << "activation '" << name
                        << "' is not supported; supported: Sigmoid, Tanh, "
                           "Relu, HardSigmoid, LeakyRelu, ThresholdedRelu, "
                           "Elu, Softsign, Softplus, Affine, ScaledTanh";
    }
    bool hasAlpha = !llvm::is_contained(
        {"Sigmoid", "Tanh", "Relu", "Softsign", "Softplus"}, name);
    bool hasBeta = llvm::is_contained(
        {"HardSigmoid", "Affine", "ScaledTanh"}, name);
    a.alpha = hasAlpha ? take(alphas, nextAlpha, params->first) : 0;
    a.beta = hasBeta ? take(betas, nextBeta, params->second) : 0;
    activations[i / defaults.size()].push_back(a);
  }
  return success();
}

LogicalResult RecurrentBuilder::build(const onnx::NodeProto &node) {
  FailureOr<Value> xIn = im.input(0), w = im.input(1), r = im.input(2);
  if (failed(xIn) || failed(w) || failed(r)) {
    return failure();
  }
  auto xType = cast<RankedTensorType>(xIn->getType());
  elem = xType.getElementType();
  if (!isa<FloatType>(elem) || xType.getRank() != 3) {
    return im.error() << "expected a 3-D floating-point input X, got "
                      << xType;
  }
  int64_t layout = im.attrInt("layout", 0);
  if (layout != 0 && layout != 1) {
    return im.unsupportedAttr("layout", std::to_string(layout), "0 and 1");
  }
  Value x = layout == 1 ? transposeBy(im, *xIn, {1, 0, 2}) : *xIn;
  int64_t seq = shapeOf(x)[0], batch = shapeOf(x)[1], inSize = shapeOf(x)[2];
  std::string direction = im.attrString("direction", "forward");
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional") {
    return im.unsupportedAttr("direction", "'" + direction + "'",
                              "forward, reverse and bidirectional");
  }
  int64_t numDir = direction == "bidirectional" ? 2 : 1;
  int64_t hidden = im.attrInt("hidden_size", shapeOf(*r).back());
  if (shapeOf(*w) != ArrayRef<int64_t>{numDir, gates * hidden, inSize} ||
      shapeOf(*r) != ArrayRef<int64_t>{numDir, gates * hidden, hidden}) {
    return im.error() << "W " << w->getType() << " and R " << r->getType()
                      << " do not match " << numDir << " direction(s), "
                      << gates << " gate(s) of hidden_size " << hidden
                      << " and input size " << inSize;
  }
  if (const onnx::AttributeProto *c = im.attr("clip")) {
    clipValue = c->f();
  }
  bool inputForget = im.attrInt("input_forget", 0) != 0;
  bool linearBeforeReset = im.attrInt("linear_before_reset", 0) != 0;
  if (failed(readActivations(numDir))) {
    return failure();
  }
  FailureOr<Value> bias = optionalInput(3);
  FailureOr<Value> initialH = optionalInput(5);
  FailureOr<Value> initialC =
      cell == Cell::LSTM ? optionalInput(6) : FailureOr<Value>(Value());
  FailureOr<Value> peephole =
      cell == Cell::LSTM ? optionalInput(7) : FailureOr<Value>(Value());
  if (failed(bias) || failed(initialH) || failed(initialC) ||
      failed(peephole)) {
    return failure();
  }
  // Per batch entry, the number of valid steps.
  SmallVector<int64_t> lengths(batch, seq);
  if (im.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> lens = im.constantInts(4, "sequence_lens");
    if (failed(lens)) {
      return failure();
    }
    if (static_cast<int64_t>(lens->size()) != batch ||
        llvm::any_of(*lens, [&](int64_t l) { return l < 0 || l > seq; })) {
      return im.error() << "'sequence_lens' must have " << batch
                        << " entries in [0, " << seq << "]";
    }
    lengths = *lens;
  }
  bool ragged = llvm::any_of(lengths, [&](int64_t l) { return l != seq; });
  auto stateType = type({batch, hidden});
  auto zerosOf = [&](RankedTensorType t) {
    return im.create<ConstantOp>(
        t, {},
        {im.namedAttr("value", DenseElementsAttr::get(
                                   t, b.getFloatAttr(elem, 0.0)))});
  };
  auto perDirection = [&](Value v, int64_t d, ArrayRef<int64_t> shape) {
    return reshapeTo(im, slice(im, v, 0, d, 1), shape);
  };
  auto gate = [&](Value v, int64_t k) { return slice(im, v, 1, k * hidden, hidden); };
  auto gateBias = [&](Value v, int64_t k) {
    return v ? slice(im, v, 0, k * hidden, hidden) : Value();
  };
  auto addIf = [&](Value v, Value bias) { return bias ? add(v, bias) : v; };

  // Y per step and direction ([batch, hidden]), in time order.
  SmallVector<SmallVector<Value>> ys(numDir, SmallVector<Value>(seq));
  SmallVector<Value> finalH, finalC;
  for (int64_t d = 0; d < numDir; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    const SmallVector<Activation> &acts = activations[d];
    Value wT = transposeBy(im, perDirection(*w, d, {gates * hidden, inSize}), {1, 0});
    Value rT = transposeBy(im, perDirection(*r, d, {gates * hidden, hidden}), {1, 0});
    // X W^T + Wb for every step at once: [seq, batch, gates * hidden].
    Value xw = matmul(x, wT);
    Value rb;
    if (*bias) {
      Value bd = perDirection(*bias, d, {2 * gates * hidden});
      xw = add(xw, slice(im, bd, 0, 0, gates * hidden));
      rb = slice(im, bd, 0, gates * hidden, gates * hidden);
    }
    Value h = *initialH ? perDirection(*initialH, d, {batch, hidden})
                        : zerosOf(stateType);
    Value c;
    if (cell == Cell::LSTM) {
      c = *initialC ? perDirection(*initialC, d, {batch, hidden})
                    : zerosOf(stateType);
    }
    Value pi, po, pf;
    if (*peephole) {
      Value p = perDirection(*peephole, d, {3 * hidden});
      pi = slice(im, p, 0, 0, hidden);
      po = slice(im, p, 0, hidden, hidden);
      pf = slice(im, p, 0, 2 * hidden, hidden);
    }
    for (int64_t step = 0; step < seq; ++step) {
      int64_t t = reverse ? seq - 1 - step : step;
      Value xt = reshapeTo(im, slice(im, xw, 0, t, 1), {batch, gates * hidden});
      // The first step of a zero initial state needs no recurrent matmul.
      bool zeroState = step == 0 && !*initialH;
      Value hr = zeroState ? zerosOf(type({batch, gates * hidden}))
                           : matmul(h, rT);
      Value newH, newC;
      if (cell == Cell::LSTM) {
        // Gate order i, o, f, c.
        Value g = addIf(add(xt, hr), rb);
        Value i = gate(g, 0), o = gate(g, 1), f = gate(g, 2), z = gate(g, 3);
        if (pi) {
          i = add(i, mul(pi, c));
          f = add(f, mul(pf, c));
        }
        i = activate(acts[0], clip(i));
        f = inputForget ? sub(scalar(1.0), i) : activate(acts[0], clip(f));
        z = activate(acts[1], clip(z));
        newC = add(mul(f, c), mul(i, z));
        if (po) {
          o = add(o, mul(po, newC));
        }
        o = activate(acts[0], clip(o));
        newH = mul(o, activate(acts[2], newC));
      } else if (cell == Cell::GRU) {
        // Gate order z, r, h.
        Value z = activate(acts[0], clip(addIf(add(gate(xt, 0), gate(hr, 0)),
                                               gateBias(rb, 0))));
        Value rg = activate(acts[0], clip(addIf(add(gate(xt, 1), gate(hr, 1)),
                                                gateBias(rb, 1))));
        Value hh;
        if (linearBeforeReset) {
          hh = add(gate(xt, 2), mul(rg, addIf(gate(hr, 2), gateBias(rb, 2))));
        } else {
          Value rhT = slice(im, rT, 1, 2 * hidden, hidden);
          hh = addIf(add(gate(xt, 2), matmul(mul(rg, h), rhT)),
                     gateBias(rb, 2));
        }
        hh = activate(acts[1], clip(hh));
        newH = add(mul(sub(scalar(1.0), z), hh), mul(z, h));
      } else {
        newH = activate(acts[0], clip(addIf(add(xt, hr), rb)));
      }
      if (ragged) {
        // Entries past their length keep their state and output zeros.
        SmallVector<bool> valid;
        for (int64_t l : lengths) {
          valid.push_back(t < l);
        }
        auto maskType = RankedTensorType::get({batch, 1}, b.getI1Type());
        Value mask = im.create<ConstantOp>(
            maskType, {},
            {im.namedAttr("value", DenseElementsAttr::get(maskType, valid))});
        ys[d][t] = im.create<WhereOp>(stateType, {mask, newH, scalar(0.0)});
        newH = im.create<WhereOp>(stateType, {mask, newH, h});
        if (newC) {
          newC = im.create<WhereOp>(stateType, {mask, newC, c});
        }
      } else {
        ys[d][t] = newH;
      }
      h = newH;
      c = newC;
    }
    finalH.push_back(reshapeTo(im, h, {1, batch, hidden}));
    if (c) {
      finalC.push_back(reshapeTo(im, c, {1, batch, hidden}));
    }
  }

  auto concat = [&](ArrayRef<Value> parts, int64_t axis) {
    if (parts.size() == 1) {
      return parts.front();
    }
    SmallVector<int64_t> shape(shapeOf(parts.front()));
    shape[axis] = 0;
    for (Value p : parts) {
      shape[axis] += shapeOf(p)[axis];
    }
    return im.create<ConcatOp>(type(shape), parts,
                               {im.namedAttr("axis",
                                             b.getI64IntegerAttr(axis))});
  };
  auto wanted = [&](int i) {
    return node.output_size() > i && !node.output(i).empty();
  };
  if (wanted(0)) {
    // [seq, numDir, batch, hidden] (layout 1: [batch, seq, numDir, hidden]).
    SmallVector<Value> steps;
    for (int64_t t = 0; t < seq; ++t) {
      SmallVector<Value> dirs;
      for (int64_t d = 0; d < numDir; ++d) {
        dirs.push_back(reshapeTo(im, ys[d][t], {1, 1, batch, hidden}));
      }
      steps.push_back(concat(dirs, 1));
    }
    Value y = concat(steps, 0);
    im.setOutput(0, layout == 1 ? transposeBy(im, y, {2, 0, 1, 3}) : y);
  }
  auto state = [&](ArrayRef<Value> finals) {
    Value s = concat(finals, 0);
    return layout == 1 ? transposeBy(im, s, {1, 0, 2}) : s;
  };
  if (wanted(1)) {
    im.setOutput(1, state(finalH));
  }
  if (cell == Cell::LSTM && wanted(2)) {
    im.setOutput(2, state(finalC));
  }
  return success();
}

template <Cell cell>
LogicalResult importRecurrent(GraphImporter &im, const onnx::NodeProto &node) {
  return RecurrentBuilder(im, cell).build(node);
}

} // namespace

void importer::registerRecurrentOps(OpTable &table) {
  table["LSTM"] = importRecurrent<Cell::LSTM>;
  table["GRU"] = importRecurrent<Cell::GRU>;
  table["RNN"] = importRecurrent<Cell::RNN>;
}
