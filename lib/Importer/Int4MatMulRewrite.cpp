//===- Int4MatMulRewrite.cpp - int4 DequantizeLinear -> MatMulNBits -------===//
//
// Opset 21's DequantizeLinear with block_size of an int4/uint4 initializer
// W that feeds MatMul (or Gemm with transA = 0, alpha = beta = 1 and a 1-D
// C) as B is the same computation as com.microsoft MatMulNBits; rewriting
// it into that node before import lets both forms share one lowering, whose
// weights stay packed (ImportInt4.cpp). The codes are repacked at compile
// time into MatMulNBits' layout [N, n_blocks, block_size / 2] (packed along
// K); int4 codes c become the uint4 codes c + 8 with zero points + 8, which
// changes no value: (c + 8) - (z + 8) = c - z. A DequantizeLinear whose
// output has any other use is left alone (the general blocked path).
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

namespace {

int64_t intAttr(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  for (const onnx::AttributeProto &a : node.attribute()) {
    if (a.name() == name) {
      return a.i();
    }
  }
  return dflt;
}

float floatAttr(const onnx::NodeProto &node, StringRef name, float dflt) {
  for (const onnx::AttributeProto &a : node.attribute()) {
    if (a.name() == name) {
      return a.f();
    }
  }
  return dflt;
}

struct Rewriter {
  MLIRContext &ctx;
  onnx::GraphProto &graph;
  StringRef modelDir;
  llvm::StringMap<const onnx::TensorProto *> inits;
  llvm::StringMap<SmallVector<std::pair<int, int>>> uses; // node, input
  llvm::StringSet<> graphOutputs;

  void index() {
    for (const onnx::TensorProto &t : graph.initializer()) {
      inits[t.name()] = &t;
    }
    for (int i = 0; i < graph.node_size(); ++i) {
      const onnx::NodeProto &node = graph.node(i);
      for (int j = 0; j < node.input_size(); ++j) {
        uses[node.input(j)].push_back({i, j});
      }
    }
    for (const onnx::ValueInfoProto &o : graph.output()) {
      graphOutputs.insert(o.name());
    }
  }

  /// Whether node `i` takes the dequantized weight as B in a form
  /// MatMulNBits computes; `transB` is Gemm's.
  bool isConsumer(int i, int input, bool &transB) {
    const onnx::NodeProto &node = graph.node(i);
    transB = false;
    if (!node.domain().empty() || input != 1) {
      return false;
    }
    if (node.op_type() == "MatMul") {
      return true;
    }
    if (node.op_type() != "Gemm" || intAttr(node, "transA", 0) != 0 ||
        floatAttr(node, "alpha", 1.0f) != 1.0f ||
        floatAttr(node, "beta", 1.0f) != 1.0f) {
      return false;
    }
    transB = intAttr(node, "transB", 0) != 0;
    if (node.input_size() > 2 && !node.input(2).empty()) {
      // The bias must be [N] (MatMulNBits adds a 1-D bias).
      auto it = inits.find(node.input(2));
      return it != inits.end() && it->second->dims_size() == 1;
    }
    return true;
  }

  onnx::TensorProto *addInit(const std::string &name, int32_t type,
                             ArrayRef<int64_t> dims) {
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (int64_t d : dims) {
      t->add_dims(d);
    }
    return t;
  }

  /// Rewrites the consumers of DequantizeLinear node `d`; whether it did.
  bool rewrite(int d) {
    const onnx::NodeProto &dq = graph.node(d);
    int64_t bs = intAttr(dq, "block_size", 0);
    if (dq.op_type() != "DequantizeLinear" || !dq.domain().empty() ||
        bs < 2 || bs % 2 != 0 || dq.output_size() != 1 ||
        graphOutputs.contains(dq.output(0)) || dq.input_size() < 2) {
      return false;
    }
    auto init = [&](int j) -> const onnx::TensorProto * {
      if (j >= dq.input_size() || dq.input(j).empty()) {
        return nullptr;
      }
      auto it = inits.find(dq.input(j));
      return it == inits.end() ? nullptr : it->second;
    };
    const onnx::TensorProto *x = init(0), *scale = init(1), *zp = init(2);
    bool hasZp = dq.input_size() > 2 && !dq.input(2).empty();
    if (!x || !scale || (hasZp && !zp) || x->dims_size() != 2 ||
        (x->data_type() != kOnnxInt4 && x->data_type() != kOnnxUInt4) ||
        scale->data_type() != onnx::TensorProto::FLOAT ||
        intAttr(dq, "output_dtype", 0) > 1) {
      return false;
    }
    auto useIt = uses.find(dq.output(0));
    if (useIt == uses.end() || useIt->second.empty()) {
      return false;
    }
    // Every use must read W the same way (as [K, N], or as [N, K] with
    // Gemm's transB).
    bool transB = false;
    for (size_t u = 0; u < useIt->second.size(); ++u) {
      auto [i, j] = useIt->second[u];
      bool t = false;
      if (!isConsumer(i, j, t) || (u > 0 && t != transB)) {
        return false;
      }
      transB = t;
    }
    // W is [K, N] (or [N, K] with transB); the blocks must run along K.
    int64_t axis = intAttr(dq, "axis", 1);
    axis = axis < 0 ? axis + 2 : axis;
    int64_t kAxis = transB ? 1 : 0;
    if (axis != kAxis) {
      return false;
    }
    int64_t k = x->dims(kAxis), n = x->dims(1 - kAxis);
    Location loc = UnknownLoc::get(&ctx);
    FailureOr<SmallVector<int64_t>> codes = tensorToInts(*x, modelDir, loc);
    FailureOr<SmallVector<double>> scales =
        tensorToFloats(*scale, modelDir, loc);
    FailureOr<SmallVector<int64_t>> zps =
        zp ? tensorToInts(*zp, modelDir, loc)
           : FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>());
    int64_t nBlocks = (k + bs - 1) / bs, h = bs / 2;
    if (failed(codes) || failed(scales) || failed(zps) ||
        static_cast<int64_t>(codes->size()) != k * n ||
        static_cast<int64_t>(scales->size()) != nBlocks * n ||
        (zp && static_cast<int64_t>(zps->size()) != nBlocks * n)) {
      return false;
    }
    int64_t offset = x->data_type() == kOnnxInt4 ? 8 : 0;
    // Element (k, n) of W and (block, n) of the scale / zero point.
    auto at = [&](ArrayRef<int64_t> v, int64_t kk, int64_t nn, int64_t rows) {
      return transB ? v[nn * rows + kk] : v[kk * n + nn];
    };
    std::string base = dq.output(0) + "_nbits";
    std::string packed(n * nBlocks * h, '\0');
    for (int64_t c = 0; c < n; ++c) {
      for (int64_t kk = 0; kk < k; ++kk) {
        auto code = static_cast<uint8_t>(at(*codes, kk, c, k) + offset);
        packed[(c * nBlocks * bs + kk) / 2] |=
            static_cast<char>(code << (4 * (kk % 2)));
      }
    }
    std::string zpBytes(n * ((nBlocks + 1) / 2), '\0');
    std::vector<float> s(n * nBlocks);
    for (int64_t c = 0; c < n; ++c) {
      for (int64_t b = 0; b < nBlocks; ++b) {
        int64_t z = (zp ? at(*zps, b, c, nBlocks) : 0) + offset;
        zpBytes[c * ((nBlocks + 1) / 2) + b / 2] |=
            static_cast<char>(z << (4 * (b % 2)));
        s[c * nBlocks + b] = static_cast<float>(
            transB ? (*scales)[c * nBlocks + b] : (*scales)[b * n + c]);
      }
    }
    addInit(base + "_B", onnx::TensorProto::UINT8, {n, nBlocks, h})
        ->set_raw_data(packed);
    addInit(base + "_scales", onnx::TensorProto::FLOAT, {n, nBlocks})
        ->set_raw_data(s.data(), s.size() * sizeof(float));
    addInit(base + "_zero_points", onnx::TensorProto::UINT8,
            {n, (nBlocks + 1) / 2})
        ->set_raw_data(zpBytes);
    for (auto [i, j] : useIt->second) {
      onnx::NodeProto &old = *graph.mutable_node(i);
      onnx::NodeProto node;
      node.set_name(old.name());
      node.set_op_type("MatMulNBits");
      node.set_domain("com.microsoft");
      node.add_input(old.input(0));
      node.add_input(base + "_B");
      node.add_input(base + "_scales");
      node.add_input(base + "_zero_points");
      if (old.op_type() == "Gemm" && old.input_size() > 2 &&
          !old.input(2).empty()) {
        node.add_input("");
        node.add_input(old.input(2));
      }
      node.add_output(old.output(0));
      for (auto [name, value] : {std::pair<const char *, int64_t>{"K", k},
                                 {"N", n},
                                 {"bits", 4},
                                 {"block_size", bs}}) {
        onnx::AttributeProto *a = node.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(value);
      }
      old = std::move(node);
    }
    return true;
  }
};

} // namespace

bool importer::rewriteInt4MatMuls(MLIRContext &ctx, onnx::GraphProto &graph,
                                  StringRef modelDir) {
  Rewriter r{ctx, graph, modelDir, {}, {}, {}};
  r.index();
  SmallVector<int> dead;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (r.rewrite(i)) {
      dead.push_back(i);
    }
  }
  for (int i : llvm::reverse(dead)) {
    graph.mutable_node()->DeleteSubrange(i, 1);
  }
  return !dead.empty();
}
