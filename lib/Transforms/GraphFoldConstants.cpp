//===- GraphFoldConstants.cpp - evaluate etch ops on constants ------------===//
//
// Exporters leave constant subgraphs behind (weights transposed or reshaped
// at run time, shape constants, scalar arithmetic); evaluating them at compile
// time removes work from the device and lets later passes see plain weights.
//
//===----------------------------------------------------------------------===//
#include "etch/Transforms/ConstantData.h"
#include "etch/Transforms/Passes.h"
#include "etch/Transforms/ScalarActivation.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>

#define DEBUG_TYPE "etch-graph-fold-constants"

namespace mlir::etch {
#define GEN_PASS_DEF_GRAPHFOLDCONSTANTSPASS
#include "lib/Transforms/Passes.h.inc"
} // namespace mlir::etch

using namespace mlir;
using namespace mlir::etch;

namespace {

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

/// For each element of `outShape`, the linear index of the element of an
/// operand of shape `inShape` that NumPy broadcasting reads.
SmallVector<int64_t> broadcastIndices(ArrayRef<int64_t> outShape,
                                      ArrayRef<int64_t> inShape) {
  int64_t outRank = outShape.size(), inRank = inShape.size();
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  int64_t numel = 1;
  for (int64_t d : outShape) {
    numel *= d;
  }
  SmallVector<int64_t> result(numel);
  SmallVector<int64_t> idx(outRank, 0);
  for (int64_t linear = 0; linear < numel; ++linear) {
    int64_t in = 0;
    for (int64_t d = 0; d < inRank; ++d) {
      int64_t od = d + outRank - inRank;
      if (inShape[d] != 1) {
        in += idx[od] * inStrides[d];
      }
    }
    result[linear] = in;
    for (int64_t d = outRank - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d]) {
        break;
      }
      idx[d] = 0;
    }
  }
  return result;
}

template <typename T>
std::optional<T> applyBinary(Operation *op, T a, T b) {
  return llvm::TypeSwitch<Operation *, std::optional<T>>(op)
      .Case([&](AddOp) { return a + b; })
      .Case([&](SubOp) { return a - b; })
      .Case([&](MulOp) { return a * b; })
      .Case([&](DivOp) -> std::optional<T> {
        if constexpr (std::is_integral_v<T>) {
          if (b == 0) {
            return std::nullopt;
          }
        }
        return a / b;
      })
      .Case([&](MaxOp) {
        if constexpr (std::is_floating_point_v<T>) {
          return (std::isnan(a) || std::isnan(b)) ? NAN : std::max(a, b);
        }
        return std::max(a, b);
      })
      .Case([&](MinOp) {
        if constexpr (std::is_floating_point_v<T>) {
          return (std::isnan(a) || std::isnan(b)) ? NAN : std::min(a, b);
        }
        return std::min(a, b);
      })
      .Default([](Operation *) { return std::nullopt; });
}

struct FoldConstantOp : public RewritePattern {
  FoldConstantOp(MLIRContext *ctx, int64_t maxElements,
                 int64_t resourceThreshold)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        maxElements(maxElements), resourceThreshold(resourceThreshold) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    // Unsigned integer arithmetic (signless tensors) is left to run time.
    if (!isa<EtchDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
        op->getNumResults() != 1 || op->getNumOperands() == 0 ||
        op->hasAttr("is_unsigned")) {
      return failure();
    }
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !resultType.hasStaticShape()) {
      return failure();
    }
    SmallVector<ElementsAttr> inputs;
    int64_t inputElements = 0;
    for (Value operand : op->getOperands()) {
      ElementsAttr attr;
      if (!matchPattern(operand, m_Constant(&attr))) {
        return rewriter.notifyMatchFailure(op, "operand is not a constant");
      }
      inputs.push_back(attr);
      inputElements += cast<ShapedType>(operand.getType()).getNumElements();
    }
    if (resultType.getNumElements() > std::max(inputElements, maxElements)) {
      return rewriter.notifyMatchFailure(op, "result would grow too large");
    }
    ElementsAttr folded = fold(op, inputs, resultType);
    if (!folded) {
      return rewriter.notifyMatchFailure(op, "op kind not folded");
    }
    rewriter.replaceOpWithNewOp<ConstantOp>(op, resultType, folded);
    return success();
  }

private:
  std::string blobName(Operation *op) const {
    if (auto name = dyn_cast<NameLoc>(op->getLoc())) {
      return (name.getName().strref() + "_folded").str();
    }
    return "folded";
  }

  ElementsAttr fold(Operation *op, ArrayRef<ElementsAttr> inputs,
                    RankedTensorType resultType) const {
    return llvm::TypeSwitch<Operation *, ElementsAttr>(op)
        .Case([&](ReshapeOp) { return foldReshape(inputs[0], resultType); })
        .Case([&](TransposeOp t) {
          return foldTranspose(op, inputs[0], t.getPerm(), resultType);
        })
        .Case([&](ConcatOp c) {
          return foldConcat(op, inputs, c.getAxis(), resultType);
        })
        .Case<SubOp, MulOp, DivOp, MaxOp, MinOp>(
            [&](Operation *) { return foldBinary(op, inputs, resultType); })
        .Case([&](AddOp add) -> ElementsAttr {
          if (add.getActivation() != ActivationKind::None) {
            return {};
          }
          return foldBinary(op, inputs, resultType);
        })
        .Case<ReluOp, SigmoidOp, TanhOp, HardSwishOp, ClipOp, HardSigmoidOp,
              LeakyReluOp>([&](Operation *) {
          return foldUnary(op, inputs[0], resultType);
        })
        .Default([](Operation *) { return ElementsAttr(); });
  }

  /// Reshape only changes the type: reuse the data (and a resource blob's
  /// handle) without copying.
  ElementsAttr foldReshape(ElementsAttr input,
                           RankedTensorType resultType) const {
    if (auto dense = dyn_cast<DenseElementsAttr>(input)) {
      return dense.reshape(resultType);
    }
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(input)) {
      return DenseResourceElementsAttr::get(resultType,
                                            resource.getRawHandle());
    }
    return {};
  }

  ElementsAttr foldTranspose(Operation *op, ElementsAttr input,
                             ArrayRef<int64_t> perm,
                             RankedTensorType resultType) const {
    std::optional<SmallVector<char>> bytes = getConstantBytes(input);
    if (!bytes) {
      return {};
    }
    int64_t elemSize = getElementByteSize(resultType.getElementType());
    ArrayRef<int64_t> inShape = input.getShapedType().getShape();
    SmallVector<int64_t> inStrides = stridesOf(inShape);
    ArrayRef<int64_t> outShape = resultType.getShape();
    int64_t rank = outShape.size();
    SmallVector<char> out(bytes->size());
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t linear = 0, n = resultType.getNumElements(); linear < n;
         ++linear) {
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d) {
        src += idx[d] * inStrides[perm[d]];
      }
      std::memcpy(out.data() + linear * elemSize,
                  bytes->data() + src * elemSize, elemSize);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < outShape[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return makeConstantAttr(resultType, out, blobName(op), resourceThreshold);
  }

  ElementsAttr foldConcat(Operation *op, ArrayRef<ElementsAttr> inputs,
                          int64_t axis, RankedTensorType resultType) const {
    int64_t elemSize = getElementByteSize(resultType.getElementType());
    if (elemSize == 0) {
      return {};
    }
    ArrayRef<int64_t> outShape = resultType.getShape();
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) {
      outer *= outShape[d];
    }
    SmallVector<SmallVector<char>> datas;
    SmallVector<int64_t> chunk;
    for (ElementsAttr input : inputs) {
      std::optional<SmallVector<char>> bytes = getConstantBytes(input);
      if (!bytes) {
        return {};
      }
      chunk.push_back(outer == 0 ? 0 : bytes->size() / outer);
      datas.push_back(std::move(*bytes));
    }
    SmallVector<char> out;
    out.reserve(resultType.getNumElements() * elemSize);
    for (int64_t o = 0; o < outer; ++o) {
      for (size_t i = 0; i < datas.size(); ++i) {
        const char *src = datas[i].data() + o * chunk[i];
        out.append(src, src + chunk[i]);
      }
    }
    return makeConstantAttr(resultType, out, blobName(op), resourceThreshold);
  }

  ElementsAttr foldBinary(Operation *op, ArrayRef<ElementsAttr> inputs,
                          RankedTensorType resultType) const {
    ArrayRef<int64_t> outShape = resultType.getShape();
    SmallVector<int64_t> lhsIdx =
        broadcastIndices(outShape, inputs[0].getShapedType().getShape());
    SmallVector<int64_t> rhsIdx =
        broadcastIndices(outShape, inputs[1].getShapedType().getShape());
    Type elementType = resultType.getElementType();
    if (elementType.isF32()) {
      auto lhs = getConstantFloats(inputs[0]);
      auto rhs = getConstantFloats(inputs[1]);
      if (!lhs || !rhs) {
        return {};
      }
      SmallVector<float> out(lhsIdx.size());
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = *applyBinary<float>(op, (*lhs)[lhsIdx[i]], (*rhs)[rhsIdx[i]]);
      }
      return makeFloatConstantAttr(resultType, out, blobName(op),
                                   resourceThreshold);
    }
    auto intType = dyn_cast<IntegerType>(elementType);
    if (!intType || (intType.getWidth() != 32 && intType.getWidth() != 64)) {
      return {};
    }
    auto lhs = getConstantInts(inputs[0]);
    auto rhs = getConstantInts(inputs[1]);
    if (!lhs || !rhs) {
      return {};
    }
    SmallVector<char> out(lhsIdx.size() * intType.getWidth() / 8);
    for (size_t i = 0; i < lhsIdx.size(); ++i) {
      std::optional<int64_t> v =
          applyBinary<int64_t>(op, (*lhs)[lhsIdx[i]], (*rhs)[rhsIdx[i]]);
      if (!v) {
        return {};
      }
      if (intType.getWidth() == 32) {
        int32_t v32 = static_cast<int32_t>(*v);
        std::memcpy(out.data() + i * 4, &v32, 4);
      } else {
        std::memcpy(out.data() + i * 8, &*v, 8);
      }
    }
    return makeConstantAttr(resultType, out, blobName(op), resourceThreshold);
  }

  ElementsAttr foldUnary(Operation *op, ElementsAttr input,
                         RankedTensorType resultType) const {
    if (!resultType.getElementType().isF32()) {
      return {};
    }
    std::optional<ScalarActivation> act = getScalarActivation(op);
    std::optional<SmallVector<float>> values = getConstantFloats(input);
    if (!act || !values) {
      return {};
    }
    for (float &v : *values) {
      v = act->apply(v);
    }
    return makeFloatConstantAttr(resultType, *values, blobName(op),
                                 resourceThreshold);
  }

  int64_t maxElements;
  int64_t resourceThreshold;
};

struct GraphFoldConstantsPass
    : public etch::impl::GraphFoldConstantsPassBase<GraphFoldConstantsPass> {
  using GraphFoldConstantsPassBase::GraphFoldConstantsPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConstantOp>(&getContext(), maxElements,
                                 resourceThreshold);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("constant folding did not converge");
      signalPassFailure();
    }
  }
};

} // namespace
