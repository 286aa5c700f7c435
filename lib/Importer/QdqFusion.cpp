//===- QdqFusion.cpp - DQ -> op -> Q groups as QOperator nodes -------------===//
//
// ONNX Runtime's quantizer writes QDQ models: every quantized tensor goes
// through QuantizeLinear -> DequantizeLinear, and the ops between compute in
// float. ONNX Runtime itself does not run them that way: its QDQ transformers
// (onnxruntime/core/optimizer/qdq_transformer) replace each
// "DequantizeLinear inputs -> op -> QuantizeLinear" group by the integer op
// of the QOperator format, and that is what makes its int8 results what
// they are. This file does the same rewrite on the ONNX graph, after shape
// inference and before import, so that the QOperator importers
// (ImportQuant.cpp) lower both formats the same way:
//
//   DQ(x) DQ(w) [DQ(b int32)] -> Conv   -> Q   =>  QLinearConv
//   DQ(a) DQ(b)               -> MatMul -> Q   =>  QLinearMatMul
//   DQ(a) DQ(b) [DQ(c int32)] -> Gemm   -> Q   =>  com.microsoft.QGemm
//   DQ(a) DQ(b)         -> Add | Mul    -> Q   =>  com.microsoft.QLinearAdd|Mul
//   DQ(x)         -> GlobalAveragePool  -> Q   =>  com.microsoft.QLinearGlobalAveragePool
//   DQ(x) -> AveragePool over the whole unpadded H x W -> Q   =>  the same
//   DQ(x_i)                 -> Concat   -> Q   =>  com.microsoft.QLinearConcat
//   DQ(x) -> MaxPool|Reshape|Flatten|Transpose|Squeeze|Unsqueeze -> Q
//       with the same scale and zero point     =>  the op on the integers
//
// A Relu or Clip between the op and the Q is dropped where it cannot change
// the quantized result (ORT's ReluQuantFusion/ClipQuantFusion): Relu when
// the Q's zero point is the lowest value of its type, Clip when its range
// covers the Q's. Each fused node writes the Q's output name, so the types
// shape inference found stay valid; DequantizeLinear nodes left without
// users are removed.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

constexpr const char *kMicrosoft = "com.microsoft";

bool isDefaultDomain(const onnx::NodeProto &n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}

class QdqFuser {
public:
  QdqFuser(MLIRContext &ctx, onnx::GraphProto &graph) : ctx(ctx), graph(graph) {
    for (const auto &init : graph.initializer()) {
      constants[init.name()] = &init;
    }
    for (int i = 0; i < graph.node_size(); ++i) {
      const onnx::NodeProto &n = graph.node(i);
      if (n.op_type() == "Constant" && isDefaultDomain(n) &&
          n.output_size() == 1) {
        for (const auto &a : n.attribute()) {
          if (a.name() == "value" && a.has_t()) {
            constants[n.output(0)] = &a.t();
          }
        }
      }
      for (const std::string &out : n.output()) {
        producer[out] = i;
      }
      for (const std::string &in : n.input()) {
        ++uses[in];
      }
    }
    for (const auto &out : graph.output()) {
      ++uses[out.name()];
      graphOutputs.insert(out.name());
    }
    for (const auto &info : graph.value_info()) {
      types[info.name()] = &info.type();
    }
    for (const auto &info : graph.input()) {
      types[info.name()] = &info.type();
    }
  }

  bool run();

private:
  /// The DequantizeLinear producing `name`, with a constant per-tensor or
  /// per-axis scale and zero point (the zero point present).
  const onnx::NodeProto *dq(const std::string &name) const {
    auto it = producer.find(name);
    if (it == producer.end()) {
      return nullptr;
    }
    const onnx::NodeProto &n = graph.node(it->second);
    if (n.op_type() != "DequantizeLinear" || !isDefaultDomain(n) ||
        n.input_size() != 3 || !constants.count(n.input(1)) ||
        !constants.count(n.input(2)) || attrInt(n, "block_size", 0) != 0) {
      return nullptr;
    }
    return &n;
  }

  /// The QuantizeLinear that is the only user of `name` (through at most one
  /// Relu/Clip that cannot change its result); `skipped` gets that node.
  const onnx::NodeProto *singleQ(const std::string &name,
                                 const onnx::NodeProto *&skipped) const {
    skipped = nullptr;
    const onnx::NodeProto *user = onlyUser(name);
    if (user && (user->op_type() == "Relu" || user->op_type() == "Clip") &&
        isDefaultDomain(*user)) {
      const onnx::NodeProto *q = onlyUser(user->output(0));
      if (!q || !isQ(*q) || !activationIsNoOp(*user, *q)) {
        return nullptr;
      }
      skipped = user;
      return q;
    }
    return user && isQ(*user) ? user : nullptr;
  }

  const onnx::NodeProto *onlyUser(const std::string &name) const {
    auto it = uses.find(name);
    if (it == uses.end() || it->second != 1 || graphOutputs.count(name)) {
      return nullptr;
    }
    for (const onnx::NodeProto &n : graph.node()) {
      if (llvm::is_contained(n.input(), name)) {
        return &n;
      }
    }
    return nullptr;
  }

  bool isQ(const onnx::NodeProto &n) const {
    return n.op_type() == "QuantizeLinear" && isDefaultDomain(n) &&
           n.input_size() == 3 && perTensor(n.input(1)) &&
           perTensor(n.input(2)) && attrInt(n, "block_size", 0) == 0;
  }

  bool perTensor(const std::string &name) const {
    auto it = constants.find(name);
    if (it == constants.end()) {
      return false;
    }
    int64_t count = 1;
    for (int64_t d : it->second->dims()) {
      count *= d;
    }
    return count == 1;
  }

  std::optional<double> scalar(const std::string &name) const {
    auto it = constants.find(name);
    if (it == constants.end() || !perTensor(name)) {
      return std::nullopt;
    }
    FailureOr<SmallVector<double>> v =
        tensorToFloats(*it->second, "", UnknownLoc::get(&ctx));
    if (failed(v) || v->size() != 1) {
      return std::nullopt;
    }
    return (*v)[0];
  }

  /// Whether the (constant) zero point `name` is int8 or uint8: the QOperator
  /// ops take 8-bit tensors only (int16 QDQ models stay in float).
  bool is8Bit(const std::string &name) const {
    auto it = constants.find(name);
    return it != constants.end() &&
           (it->second->data_type() == onnx::TensorProto::INT8 ||
            it->second->data_type() == onnx::TensorProto::UINT8);
  }

  /// Whether Relu/Clip `act` before QuantizeLinear `q` changes nothing.
  bool activationIsNoOp(const onnx::NodeProto &act,
                        const onnx::NodeProto &q) const {
    std::optional<double> scale = scalar(q.input(1)),
                          zp = scalar(q.input(2));
    auto zpTensor = constants.find(q.input(2));
    if (!scale || !zp || zpTensor == constants.end()) {
      return false;
    }
    bool isUnsigned = isUnsignedType(zpTensor->second->data_type());
    double qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
    if (zpTensor->second->data_type() != onnx::TensorProto::UINT8 &&
        zpTensor->second->data_type() != onnx::TensorProto::INT8) {
      return false;
    }
    if (act.op_type() == "Relu") {
      return *zp == qmin;
    }
    // Clip: min/max as attributes (opset < 11) or constant inputs.
    double lo = -std::numeric_limits<double>::infinity(),
           hi = std::numeric_limits<double>::infinity();
    for (const auto &a : act.attribute()) {
      if (a.name() == "min") {
        lo = a.f();
      } else if (a.name() == "max") {
        hi = a.f();
      }
    }
    for (int i = 1; i < act.input_size() && i < 3; ++i) {
      if (act.input(i).empty()) {
        continue;
      }
      std::optional<double> v = scalar(act.input(i));
      if (!v) {
        return false;
      }
      (i == 1 ? lo : hi) = *v;
    }
    float lower = static_cast<float>((qmin - *zp) * *scale);
    float upper = static_cast<float>((qmax - *zp) * *scale);
    return lo <= lower && hi >= upper;
  }

  /// Whether DequantizeLinear `d` and QuantizeLinear `q` use the same
  /// per-tensor scale and zero point (values and zero-point type).
  bool sameParams(const onnx::NodeProto &d, const onnx::NodeProto &q) const {
    if (!perTensor(d.input(1)) || !perTensor(d.input(2))) {
      return false;
    }
    auto dz = constants.find(d.input(2)), qz = constants.find(q.input(2));
    return scalar(d.input(1)) == scalar(q.input(1)) &&
           scalar(d.input(2)) == scalar(q.input(2)) &&
           dz->second->data_type() == qz->second->data_type();
  }

  /// Whether AveragePool `n` averages each channel's whole N x C x H x W
  /// input with no padding (Keras' GlobalAveragePooling2D exports this
  /// way): then it is GlobalAveragePool.
  bool isWholeWindowPool(const onnx::NodeProto &n) const {
    auto it = types.find(n.input(0));
    if (it == types.end() || !it->second->has_tensor_type() ||
        !it->second->tensor_type().has_shape()) {
      return false;
    }
    const auto &dims = it->second->tensor_type().shape().dim();
    if (dims.size() != 4) {
      return false;
    }
    SmallVector<int64_t> kernel;
    for (const auto &a : n.attribute()) {
      StringRef name = a.name();
      if (name == "kernel_shape") {
        kernel.assign(a.ints().begin(), a.ints().end());
      } else if (name == "pads" || name == "dilations") {
        int64_t neutral = name == "pads" ? 0 : 1;
        if (!llvm::all_of(a.ints(), [&](int64_t v) { return v == neutral; })) {
          return false;
        }
      } else if (name == "auto_pad") {
        if (a.s() != "NOTSET" && a.s() != "VALID") {
          return false;
        }
      } else if (name != "strides" && name != "ceil_mode" &&
                 name != "count_include_pad") {
        return false;
      }
    }
    return kernel.size() == 2 && dims[2].has_dim_value() &&
           dims[3].has_dim_value() && kernel[0] == dims[2].dim_value() &&
           kernel[1] == dims[3].dim_value();
  }

  static int64_t attrInt(const onnx::NodeProto &n, StringRef name,
                         int64_t dflt) {
    for (const auto &a : n.attribute()) {
      if (a.name() == name) {
        return a.i();
      }
    }
    return dflt;
  }

  /// The DequantizeLinear of a constant int32 tensor with zero points 0 (or
  /// none) producing `name`: a quantized bias.
  const onnx::NodeProto *biasDq(const std::string &name) const {
    auto it = producer.find(name);
    if (it == producer.end()) {
      return nullptr;
    }
    const onnx::NodeProto &d = graph.node(it->second);
    if (d.op_type() != "DequantizeLinear" || !isDefaultDomain(d) ||
        d.input_size() < 2) {
      return nullptr;
    }
    auto c = constants.find(d.input(0));
    if (c == constants.end() ||
        c->second->data_type() != onnx::TensorProto::INT32) {
      return nullptr;
    }
    if (d.input_size() > 2 && !d.input(2).empty()) {
      auto z = constants.find(d.input(2));
      if (z == constants.end()) {
        return nullptr;
      }
      FailureOr<SmallVector<int64_t>> zs =
          tensorToInts(*z->second, "", UnknownLoc::get(&ctx));
      if (failed(zs) || llvm::any_of(*zs, [](int64_t v) { return v != 0; })) {
        return nullptr;
      }
    }
    return &d;
  }

  /// Whether weight DQ `w` is per tensor, or per axis along `axis` (of a
  /// constant weight, negative counting from the end).
  bool weightAxisIs(const onnx::NodeProto &w, int64_t axis) const {
    if (perTensor(w.input(1)) && perTensor(w.input(2))) {
      return true;
    }
    auto c = constants.find(w.input(0));
    if (c == constants.end()) {
      return false;
    }
    int64_t rank = c->second->dims_size();
    int64_t a = attrInt(w, "axis", 1);
    return (a < 0 ? a + rank : a) == (axis < 0 ? axis + rank : axis);
  }

  /// Appends DQ `d`'s (x, scale, zero point) to `node`'s inputs.
  static void addQuantized(onnx::NodeProto &node, const onnx::NodeProto &d) {
    for (int i = 0; i < 3; ++i) {
      node.add_input(d.input(i));
    }
  }

  bool fuse(int index);
  bool fusePassthrough(int index, const onnx::NodeProto &n,
                       const onnx::NodeProto &q);
  void replace(int index, onnx::NodeProto fused, const onnx::NodeProto &q,
               const onnx::NodeProto *skipped);

  MLIRContext &ctx;
  onnx::GraphProto &graph;
  llvm::StringMap<const onnx::TensorProto *> constants;
  llvm::StringMap<const onnx::TypeProto *> types;
  llvm::StringMap<int> producer;
  llvm::StringMap<int> uses;
  llvm::StringSet<> graphOutputs;
  /// The Q (and Relu/Clip) nodes that fused groups absorbed.
  llvm::DenseSet<const onnx::NodeProto *> dead;
};

void QdqFuser::replace(int index, onnx::NodeProto fused,
                       const onnx::NodeProto &q,
                       const onnx::NodeProto *skipped) {
  const onnx::NodeProto &old = graph.node(index);
  fused.set_name(old.name());
  fused.add_output(q.output(0));
  dead.insert(&q);
  if (skipped) {
    dead.insert(skipped);
  }
  // The old op's float inputs lose a use (their DQs may become dead).
  for (const std::string &in : old.input()) {
    --uses[in];
  }
  for (const std::string &in : fused.input()) {
    ++uses[in];
  }
  *graph.mutable_node(index) = std::move(fused);
}

bool QdqFuser::fusePassthrough(int index, const onnx::NodeProto &n,
                               const onnx::NodeProto &q) {
  const onnx::NodeProto *d = dq(n.input(0));
  if (!d || !sameParams(*d, q)) {
    return false;
  }
  // MaxPool's Indices output must be unused.
  for (int i = 1; i < n.output_size(); ++i) {
    if (!n.output(i).empty() && uses.lookup(n.output(i)) != 0) {
      return false;
    }
  }
  onnx::NodeProto fused = n;
  fused.clear_output();
  fused.set_input(0, d->input(0));
  replace(index, std::move(fused), q, nullptr);
  return true;
}

bool QdqFuser::fuse(int index) {
  const onnx::NodeProto &n = graph.node(index);
  if (!isDefaultDomain(n) || n.output_size() < 1) {
    return false;
  }
  StringRef op = n.op_type();
  static const llvm::StringSet<> passthrough = {
      "MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"};
  static const llvm::StringSet<> fusable = {
      "Conv", "MatMul", "Gemm", "Add", "Mul", "GlobalAveragePool", "Concat"};
  bool globalPool = op == "GlobalAveragePool" ||
                    (op == "AveragePool" && isWholeWindowPool(n));
  if (!passthrough.contains(op) && !fusable.contains(op) && !globalPool) {
    return false;
  }
  const onnx::NodeProto *skipped = nullptr;
  const onnx::NodeProto *q = singleQ(n.output(0), skipped);
  if (!q) {
    return false;
  }
  if (passthrough.contains(op)) {
    return !skipped && n.input_size() >= 1 && fusePassthrough(index, n, *q);
  }
  // Every quantized operand (input 0 of each DQ) and the output are 8-bit.
  if (!is8Bit(q->input(2))) {
    return false;
  }
  for (const std::string &in : n.input()) {
    const onnx::NodeProto *d = dq(in);
    if (d && !is8Bit(d->input(2)) && !biasDq(in)) {
      return false;
    }
  }
  onnx::NodeProto fused;
  for (const auto &a : n.attribute()) {
    *fused.add_attribute() = a;
  }
  auto addQOutput = [&] {
    fused.add_input(q->input(1));
    fused.add_input(q->input(2));
  };
  if (op == "Conv" || op == "MatMul" || op == "Gemm") {
    if (n.input_size() < 2) {
      return false;
    }
    const onnx::NodeProto *x = dq(n.input(0)), *w = dq(n.input(1));
    if (!x || !w || !perTensor(x->input(1)) || !perTensor(x->input(2))) {
      return false;
    }
    int64_t wAxis = op == "Conv" ? 0 : op == "MatMul" ? -1
                    : attrInt(n, "transB", 0) ? 0 : 1;
    if (!weightAxisIs(*w, wAxis)) {
      return false;
    }
    const onnx::NodeProto *b = nullptr;
    if (n.input_size() > 2 && !n.input(2).empty()) {
      b = biasDq(n.input(2));
      if (!b) {
        return false;
      }
    }
    if (op == "Gemm") {
      // QGemm has no beta (and etch's QGemm takes alpha 1 only).
      for (const auto &a : n.attribute()) {
        if ((a.name() == "beta" && b && a.f() != 1.0f) ||
            (a.name() == "alpha" && a.f() != 1.0f)) {
          return false;
        }
      }
      fused.set_op_type("QGemm");
      fused.set_domain(kMicrosoft);
      fused.clear_attribute();
      for (const auto &a : n.attribute()) {
        if (a.name() != "beta") {
          *fused.add_attribute() = a;
        }
      }
      addQuantized(fused, *x);
      addQuantized(fused, *w);
      fused.add_input(b ? b->input(0) : "");
      addQOutput();
    } else {
      fused.set_op_type(op == "Conv" ? "QLinearConv" : "QLinearMatMul");
      addQuantized(fused, *x);
      addQuantized(fused, *w);
      addQOutput();
      if (b) {
        if (op != "Conv") {
          return false;
        }
        fused.add_input(b->input(0));
      }
    }
  } else if (op == "Add" || op == "Mul") {
    const onnx::NodeProto *a = dq(n.input(0)), *b = dq(n.input(1));
    if (!a || !b || !perTensor(a->input(1)) || !perTensor(b->input(1))) {
      return false;
    }
    fused.set_op_type(op == "Add" ? "QLinearAdd" : "QLinearMul");
    fused.set_domain(kMicrosoft);
    addQuantized(fused, *a);
    addQuantized(fused, *b);
    addQOutput();
  } else if (globalPool) {
    const onnx::NodeProto *x = dq(n.input(0));
    if (!x || !perTensor(x->input(1))) {
      return false;
    }
    fused.clear_attribute(); // AveragePool's window attributes
    fused.set_op_type("QLinearGlobalAveragePool");
    fused.set_domain(kMicrosoft);
    addQuantized(fused, *x);
    addQOutput();
  } else { // Concat
    fused.set_op_type("QLinearConcat");
    fused.set_domain(kMicrosoft);
    addQOutput();
    for (const std::string &in : n.input()) {
      const onnx::NodeProto *x = dq(in);
      if (!x || !perTensor(x->input(1))) {
        return false;
      }
      addQuantized(fused, *x);
    }
  }
  replace(index, std::move(fused), *q, skipped);
  return true;
}

bool QdqFuser::run() {
  bool changed = false;
  for (int i = 0; i < graph.node_size(); ++i) {
    changed |= fuse(i);
  }
  if (!changed) {
    return false;
  }
  // Drop the fused Q (and Relu/Clip) nodes, then DequantizeLinear nodes
  // nothing reads any more.
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (const onnx::NodeProto &n : graph.node()) {
    if (dead.contains(&n)) {
      continue;
    }
    if (n.op_type() == "DequantizeLinear" && isDefaultDomain(n) &&
        uses.lookup(n.output(0)) == 0) {
      for (const std::string &in : n.input()) {
        --uses[in];
      }
      continue;
    }
    *kept.Add() = n;
  }
  graph.mutable_node()->Swap(&kept);
  return true;
}

} // namespace

bool importer::fuseQdqGroups(MLIRContext &ctx, onnx::GraphProto &graph) {
  return QdqFuser(ctx, graph).run();
}
