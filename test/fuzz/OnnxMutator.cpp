//===- OnnxMutator.cpp - structured mutations of ONNX models --------------===//
//
// libprotobuf-mutator is not packaged for Debian 12, so the fuzz targets
// carry their own LLVMFuzzerCustomMutator: it parses the input as a
// ModelProto and applies one of the defects a broken or hostile model can
// carry (dims, data types, raw_data lengths, attribute values, dropped /
// duplicated / renamed inputs, outputs and initializers, reordered nodes and
// cycles, opsets, op types, external-data locations). Inputs that do not
// parse, and one mutation in eight, get libFuzzer's byte-level mutations.
//
//===----------------------------------------------------------------------===//
#include "onnx/onnx_pb.h"

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

using onnx::AttributeProto;
using onnx::GraphProto;
using onnx::ModelProto;
using onnx::NodeProto;
using onnx::TensorProto;

class Mutator {
public:
  explicit Mutator(unsigned seed) : rng(seed) {}

  /// Applies one structural mutation; false if it found nothing to change.
  bool mutate(ModelProto &m);

private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool coin() { return pick(2) == 0; }

  int64_t interestingInt() {
    static const int64_t values[] = {0,          -1,          1,        2,
                                     3,          -2,          7,        64,
                                     1 << 15,    INT32_MAX,   INT32_MIN,
                                     1ll << 31,  1ll << 40,   1ll << 62,
                                     INT64_MAX,  INT64_MIN,   -(1ll << 40)};
    if (pick(4) == 0) {
      return static_cast<int64_t>(pick(16)) - 4;
    }
    return values[pick(sizeof(values) / sizeof(values[0]))];
  }

  /// Every value name the graph mentions (for renames and rewiring).
  std::vector<std::string> names(const GraphProto &g) {
    std::vector<std::string> out;
    for (const auto &in : g.input()) {
      out.push_back(in.name());
    }
    for (const auto &t : g.initializer()) {
      out.push_back(t.name());
    }
    for (const auto &n : g.node()) {
      for (const auto &o : n.output()) {
        out.push_back(o);
      }
    }
    return out;
  }

  std::string someName(const GraphProto &g) {
    std::vector<std::string> all = names(g);
    if (all.empty() || pick(4) == 0) {
      static const char *fresh[] = {"", "ghost", "x", "y", "w"};
      return fresh[pick(5)];
    }
    return all[pick(all.size())];
  }

  TensorProto *someTensor(GraphProto &g);
  onnx::TensorShapeProto *someShape(GraphProto &g);
  bool mutateTensor(GraphProto &g);
  bool mutateShape(GraphProto &g);
  bool mutateAttribute(GraphProto &g);
  bool mutateWiring(GraphProto &g);
  bool mutateNodes(GraphProto &g);
  bool mutateExternal(GraphProto &g);

  std::mt19937_64 rng;
};

/// Initializers and Constant-node tensors alike.
TensorProto *Mutator::someTensor(GraphProto &g) {
  std::vector<TensorProto *> all;
  for (auto &t : *g.mutable_initializer()) {
    all.push_back(&t);
  }
  for (auto &n : *g.mutable_node()) {
    for (auto &a : *n.mutable_attribute()) {
      if (a.has_t()) {
        all.push_back(a.mutable_t());
      }
    }
  }
  return all.empty() ? nullptr : all[pick(all.size())];
}

onnx::TensorShapeProto *Mutator::someShape(GraphProto &g) {
  std::vector<onnx::TensorShapeProto *> all;
  auto add = [&](onnx::ValueInfoProto &vi) {
    if (vi.type().has_tensor_type()) {
      all.push_back(vi.mutable_type()->mutable_tensor_type()->mutable_shape());
    }
  };
  for (auto &vi : *g.mutable_input()) {
    add(vi);
  }
  for (auto &vi : *g.mutable_output()) {
    add(vi);
  }
  for (auto &vi : *g.mutable_value_info()) {
    add(vi);
  }
  return all.empty() ? nullptr : all[pick(all.size())];
}

bool Mutator::mutateTensor(GraphProto &g) {
  TensorProto *t = someTensor(g);
  if (!t) {
    return false;
  }
  switch (pick(6)) {
  case 0: // a dim
    if (t->dims_size() == 0 || pick(4) == 0) {
      t->add_dims(interestingInt());
    } else {
      t->set_dims(pick(t->dims_size()), interestingInt());
    }
    return true;
  case 1: // drop a dim (the data no longer matches)
    if (t->dims_size() == 0) {
      return false;
    }
    t->mutable_dims()->RemoveLast();
    return true;
  case 2: // the data type
    t->set_data_type(static_cast<int32_t>(pick(20)) - (pick(8) == 0 ? 100 : 0));
    return true;
  case 3: { // raw_data length
    std::string raw = t->raw_data();
    if (coin() && !raw.empty()) {
      raw.resize(pick(raw.size()));
    } else {
      raw.append(1 + pick(16), '\x01');
    }
    t->set_raw_data(raw);
    return true;
  }
  case 4: // typed data instead of / besides raw_data
    if (coin()) {
      t->clear_raw_data();
    }
    for (size_t i = 0, n = pick(5); i < n; ++i) {
      t->add_float_data(1.0f);
      t->add_int64_data(interestingInt());
      t->add_int32_data(static_cast<int32_t>(interestingInt()));
    }
    return true;
  default: // rename
    t->set_name(someName(g));
    return true;
  }
}

bool Mutator::mutateShape(GraphProto &g) {
  onnx::TensorShapeProto *s = someShape(g);
  if (!s) {
    return false;
  }
  if (s->dim_size() == 0 || pick(4) == 0) {
    s->add_dim()->set_dim_value(interestingInt());
  } else if (pick(4) == 0) {
    s->mutable_dim(pick(s->dim_size()))->set_dim_param("N");
  } else {
    s->mutable_dim(pick(s->dim_size()))->set_dim_value(interestingInt());
  }
  return true;
}

bool Mutator::mutateAttribute(GraphProto &g) {
  if (g.node_size() == 0) {
    return false;
  }
  NodeProto &n = *g.mutable_node(pick(g.node_size()));
  if (n.attribute_size() == 0 || pick(5) == 0) {
    static const char *attrNames[] = {
        "axis",     "axes",      "strides", "pads",        "dilations",
        "group",    "kernel_shape", "blocksize", "hidden_size", "perm",
        "keepdims", "to",        "split",   "ceil_mode",   "direction"};
    AttributeProto *a = n.add_attribute();
    a->set_name(attrNames[pick(sizeof(attrNames) / sizeof(attrNames[0]))]);
    if (coin()) {
      a->set_type(AttributeProto::INT);
      a->set_i(interestingInt());
    } else {
      a->set_type(AttributeProto::INTS);
      for (size_t i = 0, e = pick(5); i < e; ++i) {
        a->add_ints(interestingInt());
      }
    }
    return true;
  }
  int index = static_cast<int>(pick(n.attribute_size()));
  AttributeProto &a = *n.mutable_attribute(index);
  switch (pick(5)) {
  case 0:
    a.set_i(interestingInt());
    return true;
  case 1:
    if (a.ints_size() == 0) {
      a.add_ints(interestingInt());
    } else {
      a.set_ints(pick(a.ints_size()), interestingInt());
    }
    return true;
  case 2:
    a.add_ints(interestingInt());
    return true;
  case 3: // wrong type tag
    a.set_type(static_cast<AttributeProto::AttributeType>(pick(15)));
    return true;
  default:
    n.mutable_attribute()->DeleteSubrange(index, 1);
    return true;
  }
}

bool Mutator::mutateWiring(GraphProto &g) {
  switch (pick(6)) {
  case 0: { // a node input: renamed, dropped, added
    if (g.node_size() == 0) {
      return false;
    }
    NodeProto &n = *g.mutable_node(pick(g.node_size()));
    if (n.input_size() && coin()) {
      n.set_input(pick(n.input_size()), someName(g));
    } else if (n.input_size() && coin()) {
      n.mutable_input()->RemoveLast();
    } else {
      n.add_input(someName(g));
    }
    return true;
  }
  case 1: { // a node output
    if (g.node_size() == 0) {
      return false;
    }
    NodeProto &n = *g.mutable_node(pick(g.node_size()));
    if (n.output_size() && coin()) {
      n.set_output(pick(n.output_size()), someName(g));
    } else if (n.output_size() && coin()) {
      n.mutable_output()->RemoveLast();
    } else {
      n.add_output(someName(g));
    }
    return true;
  }
  case 2: // graph outputs: duplicated, renamed, dropped
    if (g.output_size() == 0) {
      return false;
    }
    if (coin()) {
      *g.add_output() = g.output(pick(g.output_size()));
    } else if (coin()) {
      g.mutable_output(pick(g.output_size()))->set_name(someName(g));
    } else {
      g.mutable_output()->RemoveLast();
    }
    return true;
  case 3: // graph inputs
    if (g.input_size() && coin()) {
      *g.add_input() = g.input(pick(g.input_size()));
    } else if (g.input_size()) {
      g.mutable_input()->RemoveLast();
    } else {
      return false;
    }
    return true;
  case 4: // initializers: duplicated, dropped
    if (g.initializer_size() == 0) {
      return false;
    }
    if (coin()) {
      *g.add_initializer() = g.initializer(pick(g.initializer_size()));
    } else {
      g.mutable_initializer()->DeleteSubrange(pick(g.initializer_size()), 1);
    }
    return true;
  default: { // a cycle: an early node reads a late node's output
    if (g.node_size() < 2) {
      return false;
    }
    const NodeProto &late = g.node(g.node_size() - 1);
    if (late.output_size() == 0) {
      return false;
    }
    NodeProto &early = *g.mutable_node(pick(g.node_size() - 1));
    if (early.input_size() == 0) {
      early.add_input(late.output(0));
    } else {
      early.set_input(pick(early.input_size()), late.output(0));
    }
    return true;
  }
  }
}

bool Mutator::mutateNodes(GraphProto &g) {
  if (g.node_size() == 0) {
    return false;
  }
  switch (pick(4)) {
  case 0: { // swap two nodes (breaks the topological order)
    int a = pick(g.node_size()), b = pick(g.node_size());
    g.mutable_node()->SwapElements(a, b);
    return true;
  }
  case 1: // duplicate a node (its outputs are now produced twice)
    *g.add_node() = g.node(pick(g.node_size()));
    return true;
  case 2: { // another op type
    static const char *ops[] = {
        "Conv",      "MaxPool",   "AveragePool", "Reshape",   "Flatten",
        "Concat",    "Gather",    "Expand",      "Tile",      "NonZero",
        "LSTM",      "Slice",     "Transpose",   "Resize",    "Split",
        "Squeeze",   "Unsqueeze", "Pad",         "ConstantOfShape",
        "Range",     "TopK",      "Einsum",      "DepthToSpace", "If",
        "Loop",      "Scan",      "ReduceSum",   "Softmax",   "MatMul",
        "Gemm",      "Cast",      "Identity",    "Unknown"};
    g.mutable_node(pick(g.node_size()))
        ->set_op_type(ops[pick(sizeof(ops) / sizeof(ops[0]))]);
    return true;
  }
  default: // drop a node (its consumers dangle)
    g.mutable_node()->DeleteSubrange(pick(g.node_size()), 1);
    return true;
  }
}

bool Mutator::mutateExternal(GraphProto &g) {
  if (g.initializer_size() == 0) {
    return false;
  }
  TensorProto &t = *g.mutable_initializer(pick(g.initializer_size()));
  static const char *locations[] = {
      "ext.bin",       "../ext.bin",  "/etc/passwd", "sub",
      "missing.bin",   "sub/../ext.bin", "./ext.bin", "sub/../../etc/passwd",
      "",              "ext.bin/x",   "model.onnx"};
  t.set_data_location(TensorProto::EXTERNAL);
  t.clear_raw_data();
  t.clear_external_data();
  auto add = [&](const char *key, std::string value) {
    auto *e = t.add_external_data();
    e->set_key(key);
    e->set_value(std::move(value));
  };
  add("location", locations[pick(sizeof(locations) / sizeof(locations[0]))]);
  if (coin()) {
    add("offset", std::to_string(coin() ? pick(5000) : interestingInt()));
  }
  if (coin()) {
    add("length", std::to_string(coin() ? pick(5000) : interestingInt()));
  }
  return true;
}

bool Mutator::mutate(ModelProto &m) {
  // Mostly the top-level graph; sometimes a subgraph (If/Loop/Scan body).
  GraphProto *g = m.mutable_graph();
  std::vector<GraphProto *> subgraphs;
  for (auto &n : *g->mutable_node()) {
    for (auto &a : *n.mutable_attribute()) {
      if (a.has_g()) {
        subgraphs.push_back(a.mutable_g());
      }
    }
  }
  if (!subgraphs.empty() && pick(4) == 0) {
    g = subgraphs[pick(subgraphs.size())];
  }
  switch (pick(8)) {
  case 0:
    return mutateTensor(*g);
  case 1:
    return mutateShape(*g);
  case 2:
  case 3:
    return mutateAttribute(*g);
  case 4:
    return mutateWiring(*g);
  case 5:
    return mutateNodes(*g);
  case 6:
    return mutateExternal(*g);
  default: // the opset
    if (m.opset_import_size() == 0) {
      m.add_opset_import()->set_version(13);
    }
    m.mutable_opset_import(0)->set_version(
        coin() ? static_cast<int64_t>(pick(20)) + 1 : interestingInt());
    return true;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  ModelProto model;
  Mutator mutator(seed);
  if (seed % 8 == 0 || !model.ParseFromArray(data, static_cast<int>(size))) {
    return LLVMFuzzerMutate(data, size, maxSize);
  }
  // One to three structural changes per mutant.
  for (unsigned i = 0, n = 1 + seed % 3; i < n; ++i) {
    mutator.mutate(model);
  }
  std::string out;
  if (!model.SerializeToString(&out) || out.size() > maxSize) {
    return LLVMFuzzerMutate(data, size, maxSize);
  }
  std::copy(out.begin(), out.end(), data);
  return out.size();
}
