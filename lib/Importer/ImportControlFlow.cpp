//===- ImportControlFlow.cpp - If, Loop, SequenceMap ----------------------===//
//
// etch compiles one static program. An If whose condition is known at
// compile time (a constant, a value folded at import - the usual case in
// exported models: a test on a static shape - or a graph input fixed with
// --input-value) imports the taken branch's nodes in place. A condition
// computed at run time imports both branches and selects each output with
// etch.where, when both branches give it one static type.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"
#include "ImportControlFlow.h"
#include "ImportMath.h"

#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

/// Marks every value the nodes of `graph` (and their subgraphs) read as used.
void markSubgraphUses(GraphImporter &im, const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input()) {
      im.markUsed(in);
    }
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g()) {
        markSubgraphUses(im, attr.g());
      }
    }
  }
  for (const onnx::ValueInfoProto &out : graph.output()) {
    im.markUsed(out.name());
  }
}

/// Imports `branchName`'s nodes in place; returns the bindings of its
/// outputs (tensors, sequences or absent optionals).
FailureOr<SmallVector<GraphImporter::Bound>>
importBranch(GraphImporter &im, const onnx::NodeProto &node,
             StringRef branchName) {
  const onnx::AttributeProto *attr = im.attr(branchName);
  if (!attr || !attr->has_g()) {
    return im.error() << "has no '" << branchName << "' graph";
  }
  const onnx::GraphProto &branch = attr->g();
  if (branch.output_size() != node.output_size()) {
    return im.error() << "'" << branchName << "' has " << branch.output_size()
                      << " outputs; the node has " << node.output_size();
  }
  for (const onnx::ValueInfoProto &info : branch.value_info()) {
    im.addValueInfo(info);
  }
  for (const onnx::ValueInfoProto &info : branch.output()) {
    if (info.type().has_tensor_type() &&
        info.type().tensor_type().has_shape()) {
      im.addValueInfo(info);
    }
  }
  markSubgraphUses(im, branch);
  const onnx::NodeProto &ifNode = im.getNode();
  Location ifLoc = im.getLoc();
  if (failed(im.importSubgraph(branch))) {
    return failure();
  }
  im.beginNode(ifNode, ifLoc);
  SmallVector<GraphImporter::Bound> outs;
  for (const onnx::ValueInfoProto &out : branch.output()) {
    if (!im.isKnown(out.name())) {
      return im.error() << "'" << branchName << "' output '" << out.name()
                        << "' is not produced by the branch";
    }
    FailureOr<GraphImporter::Bound> b = im.capture(out.name(), ifLoc);
    if (failed(b)) {
      return failure();
    }
    outs.push_back(std::move(*b));
  }
  return outs;
}

/// An If whose condition is computed at run time: both branches are
/// imported and each output selects between them (etch.where on the
/// condition), which needs tensors of one static type from both.
LogicalResult importRuntimeIf(GraphImporter &im, const onnx::NodeProto &node) {
  FailureOr<Value> cond = im.input(0);
  if (failed(cond)) {
    return failure();
  }
  auto condType = cast<RankedTensorType>(cond->getType());
  if (!condType.getElementType().isInteger(1) ||
      condType.getNumElements() != 1) {
    return im.error() << "'cond' must be one bool, got " << condType;
  }
  Value c = reshapeTo(im, *cond, {});
  FailureOr<SmallVector<GraphImporter::Bound>> thenOuts =
      importBranch(im, node, "then_branch");
  if (failed(thenOuts)) {
    return failure();
  }
  FailureOr<SmallVector<GraphImporter::Bound>> elseOuts =
      importBranch(im, node, "else_branch");
  if (failed(elseOuts)) {
    return failure();
  }
  for (auto [i, t, e] : llvm::enumerate(*thenOuts, *elseOuts)) {
    auto tensorOf = [&](GraphImporter::Bound &b) -> FailureOr<Value> {
      if (b.value) {
        return b.value;
      }
      if (b.constant) {
        // A constant branch output: bind it to a name and materialize it.
        std::string name = node.output(i) + (&b == &t ? ".then" : ".else");
        im.bind(name, b);
        return im.lookup(name, im.getLoc());
      }
      return failure();
    };
    FailureOr<Value> tv = tensorOf(t), ev = tensorOf(e);
    if (failed(tv) || failed(ev) || tv->getType() != ev->getType()) {
      InFlightDiagnostic diag =
          im.error() << "the condition is computed at run time, so both "
                        "branches are computed and selected; output "
                     << i << " ('" << node.output(i) << "') must then be a "
                     << "tensor of one static type in both branches";
      if (succeeded(tv) && succeeded(ev)) {
        diag << ", got " << tv->getType() << " and " << ev->getType();
      }
      diag << im.constantHint(node.input(0));
      return diag;
    }
    im.setOutput(i, im.create<WhereOp>(tv->getType(), {c, *tv, *ev}));
  }
  return success();
}

LogicalResult importIf(GraphImporter &im, const onnx::NodeProto &node) {
  if (im.hasInput(0) && !im.constantInput(0)) {
    return importRuntimeIf(im, node);
  }
  FailureOr<SmallVector<int64_t>> cond = im.constantInts(0, "cond");
  if (failed(cond)) {
    return failure();
  }
  if (cond->size() != 1) {
    return im.error() << "'cond' must hold one element, got " << cond->size();
  }
  StringRef branchName = cond->front() ? "then_branch" : "else_branch";
  FailureOr<SmallVector<GraphImporter::Bound>> outs =
      importBranch(im, node, branchName);
  if (failed(outs)) {
    return failure();
  }
  for (auto [i, out] : llvm::enumerate(*outs)) {
    // Branch outputs may be tensors, sequences or absent optionals.
    im.bind(node.output(i), out);
  }
  return success();
}

/// An int64 or bool scalar constant for binding a subgraph input.
GraphImporter::Bound scalarConstant(GraphImporter &im, StringRef name,
                                    int64_t v, bool isBool) {
  onnx::TensorProto t;
  t.set_name(name.str());
  if (isBool) {
    t.set_data_type(onnx::TensorProto::BOOL);
    t.add_int32_data(v != 0);
  } else {
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_int64_data(v);
  }
  GraphImporter::Bound bound;
  bound.constant = im.keepTensor(std::move(t));
  return bound;
}

} // namespace

/// The body's value infos, and every outer value it reads marked used.
void importer::prepareBody(GraphImporter &im, const onnx::GraphProto &body) {
  for (const onnx::ValueInfoProto &info : body.value_info()) {
    im.addValueInfo(info);
  }
  markSubgraphUses(im, body);
}

/// Stacks per-iteration tensors along a new axis 0 (Loop/Scan outputs).
FailureOr<Value> importer::stack(GraphImporter &im, ArrayRef<Value> parts,
                                 StringRef what) {
  if (parts.empty()) {
    return im.error() << what << " has no iterations: its shape is unknown";
  }
  SmallVector<Value> rows;
  auto type = cast<RankedTensorType>(parts.front().getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin(), 1);
  for (Value p : parts) {
    if (p.getType() != type) {
      return im.error() << what << " changes type across iterations ("
                        << type << " vs " << p.getType() << ")";
    }
    rows.push_back(im.create<ReshapeOp>(
        RankedTensorType::get(shape, type.getElementType()), p));
  }
  if (rows.size() == 1) {
    return rows.front();
  }
  shape[0] = rows.size();
  return im.create<ConcatOp>(
      RankedTensorType::get(shape, type.getElementType()), rows,
      {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(0))});
}

namespace {

/// Loop, unrolled: each iteration imports the body with its inputs bound to
/// the iteration number, the condition and the loop-carried values. A
/// condition (the input or the body's) that does not fold to a constant
/// predicates the iterations from there on, up to the constant trip count:
/// while-style loops (`for i in range(M): ... if c: break`) compute every
/// iteration and keep the carried values of the last active one.
LogicalResult importLoop(GraphImporter &im, const onnx::NodeProto &node) {
  const onnx::AttributeProto *bodyAttr = im.attr("body");
  if (!bodyAttr || !bodyAttr->has_g()) {
    return im.error() << "has no 'body' graph";
  }
  const onnx::GraphProto &body = bodyAttr->g();
  int64_t carried = node.input_size() - 2;
  int64_t scans = body.output_size() - 1 - carried;
  if (carried < 0 || body.input_size() != carried + 2 || scans < 0) {
    return im.error() << "body inputs/outputs do not match the loop's "
                      << carried << " loop-carried values";
  }
  int64_t trip = std::numeric_limits<int64_t>::max();
  if (im.hasInput(0)) {
    FailureOr<SmallVector<int64_t>> m = im.constantInts(0, "M");
    if (failed(m)) {
      return failure();
    }
    trip = m->front();
  }
  bool cond = true;
  // A condition computed at run time: the body is unrolled up to the trip
  // count and each iteration is predicated on `active` (the AND of the
  // conditions so far, an i1 scalar): the loop-carried values keep the
  // previous iteration's where it is false.
  Value active;
  std::string activeFrom; // the value that made the condition run-time
  const onnx::NodeProto &loopNode = im.getNode();
  Location loc = im.getLoc();
  auto toCondition = [&](Value v) -> FailureOr<Value> {
    auto t = cast<RankedTensorType>(v.getType());
    if (!t.getElementType().isInteger(1) || t.getNumElements() != 1) {
      return im.error() << "the condition must be one bool, got " << t;
    }
    return reshapeTo(im, v, {});
  };
  if (im.hasInput(1) && im.constantInput(1)) {
    FailureOr<SmallVector<int64_t>> c = im.constantInts(1, "cond");
    if (failed(c)) {
      return failure();
    }
    cond = c->front() != 0;
  } else if (im.hasInput(1)) {
    FailureOr<Value> c = im.input(1);
    if (failed(c) || failed(c = toCondition(*c))) {
      return failure();
    }
    active = *c;
    activeFrom = node.input(1);
  }
  SmallVector<GraphImporter::Bound> state;
  for (int64_t k = 0; k < carried; ++k) {
    FailureOr<GraphImporter::Bound> b = im.capture(node.input(2 + k), loc);
    if (failed(b)) {
      return failure();
    }
    state.push_back(*b);
  }
  prepareBody(im, body);
  SmallVector<SmallVector<Value>> scanParts(scans);
  int64_t i = 0;
  for (; i < trip && cond; ++i) {
    if (i == kMaxUnrolledIterations) {
      return im.error() << "runs more than " << kMaxUnrolledIterations
                        << " iterations; loops are unrolled at compile time";
    }
    if (active && trip == std::numeric_limits<int64_t>::max()) {
      im.beginNode(loopNode, loc);
      return im.error() << "has a condition computed at run time and no trip "
                           "count; loops are unrolled at compile time, so a "
                           "run-time condition needs a constant M"
                        << im.constantHint(activeFrom);
    }
    if (active && scans > 0) {
      im.beginNode(loopNode, loc);
      return im.error() << "has scan outputs and a condition computed at run "
                           "time: their length would be known only at run "
                           "time; supported: scan outputs with a compile-time "
                           "condition"
                        << im.constantHint(activeFrom);
    }
    im.forgetInferredTypes();
    im.bind(body.input(0).name(), scalarConstant(im, "iter", i, false));
    if (active) {
      GraphImporter::Bound b;
      b.value = active;
      im.bind(body.input(1).name(), b);
    } else {
      im.bind(body.input(1).name(), scalarConstant(im, "cond", 1, true));
    }
    for (int64_t k = 0; k < carried; ++k) {
      im.bind(body.input(2 + k).name(), state[k]);
    }
    if (failed(im.importSubgraph(body))) {
      return failure();
    }
    bool wasActive = static_cast<bool>(active);
    Value guard = active; // this iteration's predicate (null: it runs)
    if (const onnx::TensorProto *condOut =
            im.constantTensor(body.output(0).name())) {
      bool c = condOut->int32_data_size() ? condOut->int32_data(0) != 0
               : condOut->raw_data().size() ? condOut->raw_data()[0] != 0
                                             : true;
      if (!wasActive) {
        cond = c;
      } else if (!c) {
        // Every later iteration is off: stop after this one.
        cond = false;
      }
    } else {
      FailureOr<Value> c = im.lookup(body.output(0).name(), loc);
      if (failed(c) || failed(c = toCondition(*c))) {
        return failure();
      }
      active = wasActive ? createBinary<AndOp>(im, active, *c) : *c;
      if (!wasActive) {
        activeFrom = body.output(0).name();
      }
    }
    for (int64_t k = 0; k < carried; ++k) {
      FailureOr<GraphImporter::Bound> b =
          im.capture(body.output(1 + k).name(), loc);
      if (failed(b)) {
        return failure();
      }
      if (!guard) {
        state[k] = *b;
        continue;
      }
      // Predicated: keep the previous value where this iteration is off.
      auto tensorOf = [&](GraphImporter::Bound &bound,
                          StringRef tag) -> FailureOr<Value> {
        if (bound.value) {
          return bound.value;
        }
        if (bound.constant) {
          std::string name = (node.output_size() > k ? node.output(k)
                                                     : std::string("carried")) +
                             "." + tag.str() + std::to_string(i);
          im.bind(name, bound);
          return im.lookup(name, loc);
        }
        return failure();
      };
      FailureOr<Value> now = tensorOf(*b, "it"), before = tensorOf(state[k], "was");
      if (failed(now) || failed(before) || now->getType() != before->getType()) {
        im.beginNode(loopNode, loc);
        return im.error() << "the condition is computed at run time, so each "
                             "iteration is predicated; loop-carried value "
                          << k << " must then be a tensor of one static type "
                             "across iterations"
                          << im.constantHint(activeFrom);
      }
      GraphImporter::Bound selected;
      selected.value =
          im.create<WhereOp>(now->getType(), {guard, *now, *before});
      state[k] = selected;
    }
    for (int64_t j = 0; j < scans; ++j) {
      FailureOr<Value> v = im.lookup(body.output(1 + carried + j).name(), loc);
      if (failed(v)) {
        return failure();
      }
      scanParts[j].push_back(*v);
    }
  }
  im.beginNode(loopNode, loc);
  if (trip == std::numeric_limits<int64_t>::max() && cond) {
    return im.error() << "has no trip count and its condition stays true";
  }
  for (int64_t k = 0; k < carried; ++k) {
    if (k < node.output_size() && !node.output(k).empty()) {
      im.bind(node.output(k), state[k]);
    }
  }
  for (int64_t j = 0; j < scans; ++j) {
    if (carried + j >= node.output_size() || node.output(carried + j).empty()) {
      continue;
    }
    FailureOr<Value> stacked = stack(im, scanParts[j], "scan output");
    if (failed(stacked)) {
      return failure();
    }
    im.setOutput(carried + j, *stacked);
  }
  return success();
}

/// SequenceMap: the body once per element, its outputs collected into
/// sequences.
LogicalResult importSequenceMap(GraphImporter &im,
                                const onnx::NodeProto &node) {
  const onnx::AttributeProto *bodyAttr = im.attr("body");
  if (!bodyAttr || !bodyAttr->has_g()) {
    return im.error() << "has no 'body' graph";
  }
  const onnx::GraphProto &body = bodyAttr->g();
  if (body.input_size() != node.input_size()) {
    return im.error() << "the body takes " << body.input_size()
                      << " inputs; the node has " << node.input_size();
  }
  Location loc = im.getLoc();
  SmallVector<GraphImporter::Bound> inputs;
  for (const std::string &in : node.input()) {
    FailureOr<GraphImporter::Bound> b = im.capture(in, loc);
    if (failed(b)) {
      return failure();
    }
    inputs.push_back(*b);
  }
  if (!inputs.front().sequence) {
    return im.error() << "input 0 must be a sequence";
  }
  size_t count = inputs.front().sequence->size();
  prepareBody(im, body);
  SmallVector<SmallVector<Value>> outputs(body.output_size());
  for (size_t i = 0; i < count; ++i) {
    im.forgetInferredTypes();
    for (auto [k, in] : llvm::enumerate(inputs)) {
      GraphImporter::Bound element = in;
      if (in.sequence) {
        if (in.sequence->size() != count) {
          return im.error() << "input sequences differ in length";
        }
        element = GraphImporter::Bound();
        element.value = (*in.sequence)[i];
      }
      im.bind(body.input(k).name(), element);
    }
    if (failed(im.importSubgraph(body))) {
      return failure();
    }
    for (auto [k, out] : llvm::enumerate(body.output())) {
      FailureOr<Value> v = im.lookup(out.name(), loc);
      if (failed(v)) {
        return failure();
      }
      outputs[k].push_back(*v);
    }
  }
  im.beginNode(node, loc);
  for (auto [k, list] : llvm::enumerate(outputs)) {
    im.setSequence(node.output(k), list);
  }
  return success();
}

} // namespace

FailureOr<ScanRun> importer::runScanBody(
    GraphImporter &im, const onnx::GraphProto &body,
    SmallVector<GraphImporter::Bound> states, ArrayRef<Value> scanIn,
    ArrayRef<int64_t> inAxes, ArrayRef<int64_t> inDirs, int64_t steps,
    int64_t numScanOut) {
  if (steps > kMaxUnrolledIterations) {
    return im.error() << "runs " << steps << " steps; at most "
                      << kMaxUnrolledIterations << " are unrolled";
  }
  const onnx::NodeProto &node = im.getNode();
  Location loc = im.getLoc();
  int64_t numStates = states.size(), numScanIn = scanIn.size();
  SmallVector<SmallVector<Value>> outs(numScanOut);
  for (int64_t t = 0; t < steps; ++t) {
    im.forgetInferredTypes();
    for (int64_t k = 0; k < numStates; ++k) {
      im.bind(body.input(k).name(), states[k]);
    }
    for (int64_t j = 0; j < numScanIn; ++j) {
      auto type = cast<RankedTensorType>(scanIn[j].getType());
      int64_t at = inDirs[j] ? steps - 1 - t : t;
      SmallVector<int64_t> shape(type.getShape());
      shape.erase(shape.begin() + inAxes[j]);
      GraphImporter::Bound element;
      element.value =
          reshapeTo(im, slice(im, scanIn[j], inAxes[j], at, 1), shape);
      im.bind(body.input(numStates + j).name(), element);
    }
    if (failed(im.importSubgraph(body))) {
      return failure();
    }
    for (int64_t k = 0; k < numStates; ++k) {
      FailureOr<GraphImporter::Bound> bound =
          im.capture(body.output(k).name(), loc);
      if (failed(bound)) {
        return failure();
      }
      states[k] = *bound;
    }
    for (int64_t j = 0; j < numScanOut; ++j) {
      FailureOr<Value> v = im.lookup(body.output(numStates + j).name(), loc);
      if (failed(v)) {
        return failure();
      }
      outs[j].push_back(*v);
    }
  }
  im.beginNode(node, loc);
  return ScanRun{std::move(states), std::move(outs)};
}

namespace {

/// Scan (opset 9+), unrolled over the scan inputs' static length: per step
/// the body sees the states and one slice of every scan input; its scan
/// outputs are stacked along their axes.
LogicalResult importScan(GraphImporter &im, const onnx::NodeProto &node) {
  if (im.getOpset() < 9) {
    return importScan8(im, node);
  }
  const onnx::AttributeProto *bodyAttr = im.attr("body");
  if (!bodyAttr || !bodyAttr->has_g()) {
    return im.error() << "has no 'body' graph";
  }
  const onnx::GraphProto &body = bodyAttr->g();
  int64_t numScanIn = im.attrInt("num_scan_inputs", 0);
  int64_t numStates = node.input_size() - numScanIn;
  int64_t numScanOut = body.output_size() - numStates;
  if (numScanIn < 1 || numStates < 0 || numScanOut < 0 ||
      body.input_size() != node.input_size()) {
    return im.error() << "body inputs/outputs do not match " << numStates
                      << " states and " << numScanIn << " scan inputs";
  }
  auto ints = [&](StringRef name, int64_t count) {
    SmallVector<int64_t> v =
        im.attrInts(name).value_or(SmallVector<int64_t>(count, 0));
    v.resize(count, 0);
    return v;
  };
  SmallVector<int64_t> inAxes = ints("scan_input_axes", numScanIn);
  SmallVector<int64_t> inDirs = ints("scan_input_directions", numScanIn);
  SmallVector<int64_t> outAxes = ints("scan_output_axes", numScanOut);
  SmallVector<int64_t> outDirs = ints("scan_output_directions", numScanOut);
  Location loc = im.getLoc();
  SmallVector<GraphImporter::Bound> states;
  for (int64_t k = 0; k < numStates; ++k) {
    FailureOr<GraphImporter::Bound> b = im.capture(node.input(k), loc);
    if (failed(b)) {
      return failure();
    }
    states.push_back(*b);
  }
  SmallVector<Value> scanIn;
  int64_t steps = -1;
  for (int64_t j = 0; j < numScanIn; ++j) {
    FailureOr<Value> v = im.input(numStates + j);
    if (failed(v)) {
      return failure();
    }
    auto type = cast<RankedTensorType>(v->getType());
    FailureOr<int64_t> axis =
        normalizeAxis(im, inAxes[j], type.getRank(), "scan_input_axes");
    if (failed(axis)) {
      return failure();
    }
    inAxes[j] = *axis;
    int64_t len = type.getDimSize(*axis);
    if (steps >= 0 && len != steps) {
      return im.error() << "scan inputs differ in length (" << steps
                        << " and " << len << ")";
    }
    steps = len;
    scanIn.push_back(*v);
  }
  OpBuilder &b = im.getBuilder();
  prepareBody(im, body);
  FailureOr<ScanRun> run =
      runScanBody(im, body, states, scanIn, inAxes, inDirs, steps, numScanOut);
  if (failed(run)) {
    return failure();
  }
  states = std::move(run->states);
  SmallVector<SmallVector<Value>> &outs = run->outs;
  im.beginNode(node, loc);
  for (int64_t k = 0; k < numStates; ++k) {
    if (k < node.output_size() && !node.output(k).empty()) {
      im.bind(node.output(k), states[k]);
    }
  }
  for (int64_t j = 0; j < numScanOut; ++j) {
    if (numStates + j >= node.output_size() ||
        node.output(numStates + j).empty()) {
      continue;
    }
    if (outDirs[j]) {
      std::reverse(outs[j].begin(), outs[j].end());
    }
    FailureOr<Value> stacked = stack(im, outs[j], "scan output");
    if (failed(stacked)) {
      return failure();
    }
    auto type = cast<RankedTensorType>(stacked->getType());
    FailureOr<int64_t> axis =
        normalizeAxis(im, outAxes[j], type.getRank(), "scan_output_axes");
    if (failed(axis)) {
      return failure();
    }
    Value result = *stacked;
    if (*axis != 0) {
      // Stacked along 0; move that axis to `axis`.
      SmallVector<int64_t> perm, shape;
      for (int64_t d = 1; d <= *axis; ++d) {
        perm.push_back(d);
      }
      perm.push_back(0);
      for (int64_t d = *axis + 1; d < type.getRank(); ++d) {
        perm.push_back(d);
      }
      for (int64_t p : perm) {
        shape.push_back(type.getDimSize(p));
      }
      result = im.create<TransposeOp>(
          RankedTensorType::get(shape, type.getElementType()), result,
          {im.namedAttr("perm", b.getDenseI64ArrayAttr(perm))});
    }
    im.setOutput(numStates + j, result);
  }
  return success();
}

} // namespace

void importer::registerControlFlowOps(OpTable &table) {
  table["Scan"] = importScan;
  table["If"] = importIf;
  table["Loop"] = importLoop;
  table["SequenceMap"] = importSequenceMap;
}
