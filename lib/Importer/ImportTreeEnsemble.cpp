//===- ImportTreeEnsemble.cpp - ai.onnx.ml TreeEnsemble (version 5) -------===//
//
// TreeEnsemble's trees are attributes: node arrays (feature, split, mode,
// true/false successor, whether a successor is a leaf) and leaf arrays
// (weight, target). The importer walks all trees of every row at once, with
// static shapes: one table of nodes followed by leaves, where a leaf is its
// own successor, and a state `idx` [N, trees] that starts at the roots. Each
// of max-depth steps gathers the current entries' feature, split and mode
// masks, evaluates the comparison (LEQ, LT, GTE, GT, EQ, NEQ; BRANCH_MEMBER
// against the node's set, padded with NaN; NaN inputs go the true way where
// nodes_missing_value_tracks_true says so) and selects the true or false
// successor. After the walk every tree sits on a leaf; its weight goes to its
// target, summed, averaged, or reduced with min/max over the trees (0 where
// no tree reaches a target), then
// post_transform (NONE, SOFTMAX, LOGISTIC) applies.
//
//===----------------------------------------------------------------------===//
#include "ImportML.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

enum Mode : int64_t { LEQ = 0, LT, GTE, GT, EQ, NEQ, MEMBER };

struct Trees {
  int64_t numNodes = 0, numLeaves = 0;
  SmallVector<int64_t> feature, trueNext, falseNext, modes, roots, targets;
  SmallVector<int64_t> tracksTrue;
  SmallVector<double> splits, weights;
  SmallVector<SmallVector<double>> members; // per node (empty if not MEMBER)
};

FailureOr<SmallVector<int64_t>> requiredInts(GraphImporter &im, StringRef name,
                                             size_t size) {
  std::optional<SmallVector<int64_t>> v = im.attrInts(name);
  if (!v || v->size() != size) {
    return im.error() << "expected the attribute '" << name << "' with " << size
                      << " entries";
  }
  return *v;
}

/// Reads and checks the node and leaf arrays; successors become indices
/// into the combined table (leaves after the nodes).
FailureOr<Trees> readTrees(GraphImporter &im, int64_t numFeatures,
                           int64_t numTargets) {
  Trees t;
  FailureOr<SmallVector<double>> splits = attrTensorFloats(im, "nodes_splits");
  FailureOr<SmallVector<double>> weights = attrTensorFloats(im, "leaf_weights");
  FailureOr<SmallVector<int64_t>> modes = attrTensorInts(im, "nodes_modes");
  if (failed(splits) || failed(weights) || failed(modes)) {
    return failure();
  }
  t.numNodes = splits->size();
  t.numLeaves = weights->size();
  t.splits = std::move(*splits);
  t.weights = std::move(*weights);
  t.modes = std::move(*modes);
  size_t m = t.numNodes;
  auto feature = requiredInts(im, "nodes_featureids", m);
  auto trueIds = requiredInts(im, "nodes_truenodeids", m);
  auto falseIds = requiredInts(im, "nodes_falsenodeids", m);
  auto trueLeaf = requiredInts(im, "nodes_trueleafs", m);
  auto falseLeaf = requiredInts(im, "nodes_falseleafs", m);
  auto targets = requiredInts(im, "leaf_targetids", t.numLeaves);
  if (failed(feature) || failed(trueIds) || failed(falseIds) ||
      failed(trueLeaf) || failed(falseLeaf) || failed(targets)) {
    return failure();
  }
  if (t.modes.size() != m) {
    return im.error() << "expected 'nodes_modes' with " << m << " entries";
  }
  t.roots = im.attrInts("tree_roots").value_or(SmallVector<int64_t>());
  if (t.roots.empty()) {
    return im.error() << "expected the attribute 'tree_roots'";
  }
  t.tracksTrue = im.attrInts("nodes_missing_value_tracks_true")
                     .value_or(SmallVector<int64_t>(m, 0));
  if (t.tracksTrue.size() != m) {
    return im.error() << "expected 'nodes_missing_value_tracks_true' with " << m
                      << " entries";
  }
  auto successor = [&](int64_t id, bool leaf) -> int64_t {
    if (leaf) {
      return id >= 0 && id < t.numLeaves ? t.numNodes + id : -1;
    }
    return id >= 0 && id < t.numNodes ? id : -1;
  };
  for (size_t i = 0; i < m; ++i) {
    int64_t tn = successor((*trueIds)[i], (*trueLeaf)[i]);
    int64_t fn = successor((*falseIds)[i], (*falseLeaf)[i]);
    if (tn < 0 || fn < 0 || (*feature)[i] < 0 || (*feature)[i] >= numFeatures ||
        t.modes[i] < LEQ || t.modes[i] > MEMBER) {
      return im.error() << "node " << i << " has a successor, feature id or "
                        << "mode out of range (" << numFeatures
                        << " features, modes 0..6)";
    }
    t.trueNext.push_back(tn);
    t.falseNext.push_back(fn);
  }
  t.feature = std::move(*feature);
  for (int64_t target : *targets) {
    if (target < 0 || target >= numTargets) {
      return im.error() << "leaf target id " << target
                        << " is out of range (n_targets = " << numTargets
                        << ")";
    }
  }
  t.targets = std::move(*targets);
  for (int64_t &root : t.roots) {
    if (root < 0 || root >= t.numNodes) {
      return im.error() << "tree root " << root << " is out of range";
    }
    // A tree that is one leaf: both successors are that leaf.
    if ((*trueLeaf)[root] && (*falseLeaf)[root] &&
        (*trueIds)[root] == (*falseIds)[root]) {
      root = t.trueNext[root];
    }
  }
  // BRANCH_MEMBER sets, in the order of those nodes, NaN-delimited.
  t.members.resize(m);
  size_t memberNodes = llvm::count(t.modes, MEMBER);
  if (memberNodes) {
    FailureOr<SmallVector<double>> values =
        attrTensorFloats(im, "membership_values");
    if (failed(values)) {
      return failure();
    }
    size_t node = 0, sets = 0;
    auto nextMember = [&] {
      while (node < m && t.modes[node] != MEMBER) {
        ++node;
      }
    };
    nextMember();
    for (double v : *values) {
      if (node >= m) {
        break;
      }
      if (std::isnan(v)) {
        ++sets;
        ++node;
        nextMember();
      } else {
        t.members[node].push_back(v);
      }
    }
    if (sets != memberNodes) {
      return im.error() << "'membership_values' must hold one NaN-terminated "
                           "set per BRANCH_MEMBER node ("
                        << memberNodes << ")";
    }
  }
  return t;
}

/// Steps until every tree reaches a leaf (failure on a cycle).
FailureOr<int64_t> maxDepth(GraphImporter &im, const Trees &t) {
  SmallVector<int64_t> depth(t.numNodes, -1); // -2: on the current path
  std::function<int64_t(int64_t)> visit = [&](int64_t i) -> int64_t {
    if (i >= t.numNodes) {
      return 0;
    }
    if (depth[i] == -2) {
      return -1;
    }
    if (depth[i] >= 0) {
      return depth[i];
    }
    depth[i] = -2;
    int64_t a = visit(t.trueNext[i]), b = visit(t.falseNext[i]);
    if (a < 0 || b < 0) {
      return -1;
    }
    return depth[i] = 1 + std::max(a, b);
  };
  int64_t deepest = 0;
  for (int64_t root : t.roots) {
    int64_t d = visit(root);
    if (d < 0) {
      return im.error() << "the trees have a cycle";
    }
    deepest = std::max(deepest, d);
  }
  return deepest;
}

LogicalResult importTreeEnsemble(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> xIn = im.input(0);
  if (failed(xIn)) {
    return failure();
  }
  RankedTensorType xType = typeOf(*xIn);
  Type elem = xType.getElementType();
  if (xType.getRank() != 2 || !isa<FloatType>(elem)) {
    return im.error() << "expected a float input of shape [N, F], got "
                      << xIn->getType();
  }
  int64_t numTargets = im.attrInt("n_targets", 0);
  int64_t aggregate = im.attrInt("aggregate_function", 1);
  int64_t post = im.attrInt("post_transform", 0);
  if (numTargets < 1 || aggregate < 0 || aggregate > 3) {
    return im.error() << "expected n_targets >= 1 and aggregate_function "
                         "0..3 (AVERAGE, SUM, MIN, MAX)";
  }
  if (post < 0 || post > 2) {
    return im.unsupportedAttr("post_transform", std::to_string(post),
                              "0 (NONE), 1 (SOFTMAX), 2 (LOGISTIC)");
  }
  FailureOr<Trees> trees = readTrees(im, xType.getDimSize(1), numTargets);
  if (failed(trees)) {
    return failure();
  }
  FailureOr<int64_t> depth = maxDepth(im, *trees);
  if (failed(depth)) {
    return failure();
  }
  const Trees &t = *trees;
  Builder &b = im.getBuilder();
  Type i1 = b.getI1Type(), i64 = b.getI64Type();
  int64_t n = xType.getDimSize(0), numTrees = t.roots.size();
  int64_t size = t.numNodes + t.numLeaves;
  auto stateType = RankedTensorType::get({n, numTrees}, i64);
  auto valueType = RankedTensorType::get({n, numTrees}, elem);
  auto condType = RankedTensorType::get({n, numTrees}, i1);
  auto axis = [&](int64_t a) {
    return im.namedAttr("axis", b.getI64IntegerAttr(a));
  };
  auto gather = [&](Value table, Value idx, RankedTensorType type) {
    return im.create<GatherOp>(type, {table, idx}, {axis(0)});
  };
  // The tables; leaves are their own successors.
  SmallVector<int64_t> feature(t.feature), trueNext(t.trueNext),
      falseNext(t.falseNext);
  SmallVector<double> splits(t.splits);
  SmallVector<int64_t> lt, eq, gt, nan;
  for (int64_t i = 0; i < t.numNodes; ++i) {
    int64_t mode = t.modes[i];
    lt.push_back(mode == LEQ || mode == LT || mode == NEQ);
    eq.push_back(mode == LEQ || mode == GTE || mode == EQ);
    gt.push_back(mode == GTE || mode == GT || mode == NEQ);
    nan.push_back(t.tracksTrue[i] != 0 || mode == NEQ);
  }
  for (int64_t l = 0; l < t.numLeaves; ++l) {
    feature.push_back(0);
    trueNext.push_back(t.numNodes + l);
    falseNext.push_back(t.numNodes + l);
    splits.push_back(0);
    for (auto *mask : {&lt, &eq, &gt, &nan}) {
      mask->push_back(0);
    }
  }
  Value featureT = constantOf(im, {size}, i64, feature);
  Value trueT = constantOf(im, {size}, i64, trueNext);
  Value falseT = constantOf(im, {size}, i64, falseNext);
  Value splitT = constantOf(im, {size}, elem, splits);
  Value ltT = constantOf(im, {size}, i1, lt),
        eqT = constantOf(im, {size}, i1, eq);
  Value gtT = constantOf(im, {size}, i1, gt);
  Value nanT = constantOf(im, {size}, i1, nan);
  int64_t setSize = 0;
  for (const auto &set : t.members) {
    setSize = std::max<int64_t>(setSize, set.size());
  }
  Value memberT;
  if (setSize > 0) {
    if (failed(im.checkDerivedShape({n, numTrees, setSize}, elem))) {
      return failure();
    }
    SmallVector<double> table(size * setSize,
                              std::numeric_limits<double>::quiet_NaN());
    for (auto [i, set] : llvm::enumerate(t.members)) {
      llvm::copy(set, table.begin() + i * setSize);
    }
    memberT = constantOf(im, {size, setSize}, elem, table);
  }

  Value idx = constantOf(im, {numTrees}, i64, t.roots);
  idx = im.create<ExpandOp>(stateType, {idx});
  for (int64_t step = 0; step < *depth; ++step) {
    Value feat = gather(featureT, idx, stateType);
    Value x = im.create<GatherElementsOp>(valueType, {*xIn, feat}, {axis(1)});
    Value split = gather(splitT, idx, valueType);
    auto both = [&](Value cmp, Value maskTable) {
      return im.create<AndOp>(condType,
                              {cmp, gather(maskTable, idx, condType)});
    };
    Value cond = both(im.create<LessOp>(condType, {x, split}), ltT);
    cond = im.create<OrOp>(
        condType, {cond, both(im.create<EqualOp>(condType, {x, split}), eqT)});
    cond = im.create<OrOp>(
        condType,
        {cond, both(im.create<GreaterOp>(condType, {x, split}), gtT)});
    Value isNan =
        im.create<NotOp>(condType, {im.create<EqualOp>(condType, {x, x})});
    cond = im.create<OrOp>(condType, {cond, both(isNan, nanT)});
    if (memberT) {
      auto setType = RankedTensorType::get({n, numTrees, setSize}, elem);
      Value set = gather(memberT, idx, setType);
      Value hit = im.create<EqualOp>(setType.clone(i1),
                                     {reshapeTo(im, x, {n, numTrees, 1}), set});
      Value any = im.create<ReduceMaxOp>(
          valueType.clone(b.getI32Type()),
          {im.create<CastOp>(setType.clone(b.getI32Type()), {hit})},
          {im.namedAttr("axes", b.getDenseI64ArrayAttr({2})),
           im.namedAttr("keepdims", b.getBoolAttr(false))});
      cond =
          im.create<OrOp>(condType, {cond, im.create<CastOp>(condType, {any})});
    }
    idx = im.create<WhereOp>(stateType, {cond, gather(trueT, idx, stateType),
                                         gather(falseT, idx, stateType)});
  }

  // Leaf weights to their targets: [N, trees, targets], reduced over trees.
  SmallVector<double> weights(t.numNodes, 0.0);
  weights.append(t.weights);
  SmallVector<int64_t> targets(t.numNodes, 0);
  targets.append(t.targets);
  Value w = gather(constantOf(im, {size}, elem, weights), idx, valueType);
  Value target = gather(constantOf(im, {size}, i64, targets), idx, stateType);
  SmallVector<int64_t> iota =
      llvm::to_vector(llvm::seq<int64_t>(0, numTargets));
  auto spread = RankedTensorType::get({n, numTrees, numTargets}, elem);
  Value onTarget = im.create<EqualOp>(
      spread.clone(i1), {reshapeTo(im, target, {n, numTrees, 1}),
                         constantOf(im, {numTargets}, i64, iota)});
  double fill = 0;
  if (aggregate == 2 || aggregate == 3) {
    const llvm::fltSemantics &sem = cast<FloatType>(elem).getFloatSemantics();
    fill = llvm::APFloat::getLargest(sem, aggregate == 3).convertToDouble();
  }
  Value spreadW =
      im.create<WhereOp>(spread, {onTarget, reshapeTo(im, w, {n, numTrees, 1}),
                                  createScalarConstant(im, elem, fill)});
  auto outType = RankedTensorType::get({n, numTargets}, elem);
  SmallVector<NamedAttribute> reduceAttrs = {
      im.namedAttr("axes", b.getDenseI64ArrayAttr({1})),
      im.namedAttr("keepdims", b.getBoolAttr(false))};
  Value y;
  if (aggregate == 2) {
    y = im.create<ReduceMinOp>(outType, {spreadW}, reduceAttrs);
  } else if (aggregate == 3) {
    y = im.create<ReduceMaxOp>(outType, {spreadW}, reduceAttrs);
  } else {
    y = im.create<ReduceSumOp>(outType, {spreadW}, reduceAttrs);
    if (aggregate == 0) {
      y = createBinary<DivOp>(im, y, createScalarConstant(im, elem, numTrees));
    }
  }
  if (aggregate == 2 || aggregate == 3) {
    // A target no tree reaches is 0, as in ONNX Runtime (ONNX's reference
    // leaves the min/max identity there; the spec does not say).
    auto outI32 = outType.clone(b.getI32Type());
    Value reached = im.create<ReduceMaxOp>(
        outI32, {im.create<CastOp>(spread.clone(b.getI32Type()), {onTarget})},
        reduceAttrs);
    y = im.create<WhereOp>(outType,
                           {im.create<CastOp>(outType.clone(i1), {reached}), y,
                            createScalarConstant(im, elem, 0)});
  }
  if (post == 1) {
    y = im.create<SoftmaxOp>(outType, {y}, {axis(1)});
  } else if (post == 2) {
    y = im.create<SigmoidOp>(outType, {y});
  }
  im.setOutput(0, y);
  return success();
}

} // namespace

void importer::registerTreeEnsembleOps(OpTable &table) {
  table["ai.onnx.ml.TreeEnsemble"] = importTreeEnsemble;
}
