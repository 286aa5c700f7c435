//===- CommonProfileLayers.cpp - Op and FLOPs per ONNX node ---------------===//
//
// The FLOPs must be counted before tiling: afterwards a layer is loops over
// vector ops whose trip counts are no longer one static product.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "ProfileNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/MapVector.h"

#define DEBUG_TYPE "etch-common-profile-layers"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONPROFILELAYERSPASS
#include "codegen/Common/Passes.h.inc"

namespace {

/// Floating-point ops one iteration of `op`'s payload performs.
int64_t payloadFlops(linalg::LinalgOp op) {
  int64_t flops = 0;
  for (Operation &inner : op.getBlock()->without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(inner.getDialect())) {
      continue;
    }
    if (inner.getNumResults() != 1 ||
        !isa<FloatType>(getElementTypeOrSelf(inner.getResult(0).getType()))) {
      continue;
    }
    if (isa<arith::ConstantOp>(inner)) {
      continue;
    }
    flops += isa<math::FmaOp>(inner) ? 2 : 1;
  }
  return flops;
}

/// FLOPs of one execution of `op`; 0 when a loop range is not static.
int64_t linalgFlops(linalg::LinalgOp op) {
  int64_t iterations = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range)) {
      return 0;
    }
    iterations *= range;
  }
  return iterations * payloadFlops(op);
}

struct NodeInfo {
  std::string op;
  std::optional<int64_t> flops;
};

struct CommonProfileLayersPass
    : public impl::CommonProfileLayersPassBase<CommonProfileLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    llvm::MapVector<StringAttr, NodeInfo> nodes;
    if (auto known =
            module->getAttrOfType<DictionaryAttr>(kProfileNodesAttrName)) {
      for (NamedAttribute entry : known) {
        auto fields = dyn_cast<DictionaryAttr>(entry.getValue());
        if (!fields) {
          continue;
        }
        NodeInfo &info = nodes[entry.getName()];
        if (auto op = fields.getAs<StringAttr>("op")) {
          info.op = op.str();
        }
        if (auto flops = fields.getAs<IntegerAttr>("flops")) {
          info.flops = flops.getInt();
        }
      }
    }
    // This run's counts replace an earlier run's: the pass may run on a
    // module it has seen.
    llvm::MapVector<StringAttr, int64_t> flops;
    bool sawLinalg = false;
    module.walk([&](Operation *op) {
      std::optional<StringAttr> name = profileNodeName(op->getLoc());
      if (!name) {
        return;
      }
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
        sawLinalg = true;
        flops[*name] += linalgFlops(linalgOp);
        return;
      }
      // Initializers import as `etch.constant` named after the tensor: no
      // node, no time.
      Dialect *dialect = op->getDialect();
      if (dialect && dialect->getNamespace() == "etch" &&
          op->getName().stripDialect() != "constant") {
        NodeInfo &info = nodes[*name];
        if (info.op.empty()) {
          info.op = op->getName().stripDialect().str();
        }
      }
    });
    if (sawLinalg) {
      for (auto &[name, count] : flops) {
        nodes[name].flops = count;
      }
    }
    Builder b(ctx);
    llvm::SmallVector<NamedAttribute> entries;
    for (auto &[name, info] : nodes) {
      llvm::SmallVector<NamedAttribute> fields;
      if (!info.op.empty()) {
        fields.push_back(b.getNamedAttr("op", b.getStringAttr(info.op)));
      }
      if (info.flops) {
        fields.push_back(
            b.getNamedAttr("flops", b.getI64IntegerAttr(*info.flops)));
      }
      entries.push_back(b.getNamedAttr(name, b.getDictionaryAttr(fields)));
    }
    module->setAttr(kProfileNodesAttrName, b.getDictionaryAttr(entries));
  }
};

} // namespace
} // namespace mlir::etch
