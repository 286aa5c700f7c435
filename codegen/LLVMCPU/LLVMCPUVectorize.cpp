//===- LLVMCPUVectorize.cpp - vectorize static tiles down to FMAs ---------===//
#include "LLVMCPUPatterns.h"
#include "etch/codegen/LLVMCPU/Passes.h"
#include "etch/codegen/LLVMCPU/Schedule.h"
#include "etch/codegen/LLVMCPU/TargetInfo.h"

#include "llvm/ADT/MapVector.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#define DEBUG_TYPE "etch-llvmcpu-vectorize"

namespace mlir::etch::llvmcpu {
#define GEN_PASS_DEF_LLVMCPUVECTORIZEPASS
#include "codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::etch::llvmcpu

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

namespace {

/// addf(mulf(a, b), c) on vectors -> vector.fma(a, b, c): the payloads of
/// depthwise convolutions and bias/scale chains are written as separate
/// multiply and add, and LLVM only fuses them under fast-math contraction.
struct FuseMulAddToFMA : public OpRewritePattern<arith::AddFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::AddFOp add,
                                PatternRewriter &rewriter) const override {
    if (!isa<VectorType>(add.getType())) {
      return failure();
    }
    for (unsigned i = 0; i < 2; ++i) {
      auto mul = add->getOperand(i).getDefiningOp<arith::MulFOp>();
      if (!mul || !mul->hasOneUse()) {
        continue;
      }
      rewriter.replaceOpWithNewOp<vector::FMAOp>(
          add, mul.getLhs(), mul.getRhs(), add->getOperand(1 - i));
      return success();
    }
    return failure();
  }
};

/// tensor.extract of an extract_slice -> tensor.extract of the slice's
/// source at offset + index * stride. The vectorizer linearizes a gather's
/// indices against the shape of the tensor it reads, but a slice bufferizes
/// to a strided view whose row pitch is the source's: a gather from the slice
/// would read the wrong elements. Reading the source directly keeps the
/// linearization and the buffer's layout the same.
struct FoldExtractOfExtractSlice : public OpRewritePattern<tensor::ExtractOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExtractOp extract,
                                PatternRewriter &rewriter) const override {
    auto slice = extract.getTensor().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice) {
      return failure();
    }
    Location loc = extract.getLoc();
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<OpFoldResult> strides = slice.getMixedStrides();
    SmallVector<Value> indices;
    unsigned next = 0;
    for (unsigned d = 0, e = offsets.size(); d < e; ++d) {
      Value offset =
          getValueOrCreateConstantIndexOp(rewriter, loc, offsets[d]);
      if (dropped.test(d)) {
        indices.push_back(offset);
        continue;
      }
      Value idx = extract.getIndices()[next++];
      Value stride =
          getValueOrCreateConstantIndexOp(rewriter, loc, strides[d]);
      Value scaled = arith::MulIOp::create(rewriter, loc, idx, stride);
      indices.push_back(arith::AddIOp::create(rewriter, loc, scaled, offset));
    }
    rewriter.replaceOpWithNewOp<tensor::ExtractOp>(extract, slice.getSource(),
                                                   indices);
    return success();
  }
};

/// Vectors of 8- or 16-bit elements: LLVM builds an odd-width or transposed
/// one element at a time, where it moves 32-bit lanes in whole registers.
bool hasSubWordElements(VectorType type) {
  return type.getElementType().getIntOrFloatBitWidth() < 32;
}

/// A read whose innermost vector dimension is a broadcast (the map's last
/// result is 0: a depthwise convolution's weights, one per channel row,
/// the same for every output column) -> the read with that dimension 1 wide,
/// then a vector.broadcast. The permutation-map lowering would move the
/// broadcast dimension first and transpose it back, which for bytes LLVM
/// lowers one element at a time.
struct ReadThenBroadcastLanes : public OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    VectorType vecType = read.getVectorType();
    AffineMap map = read.getPermutationMap();
    if (read.getMask() || vecType.getRank() < 2 || vecType.isScalable() ||
        vecType.getShape().back() == 1 || map.getNumResults() == 0) {
      return failure();
    }
    auto last = dyn_cast<AffineConstantExpr>(map.getResults().back());
    if (!last || last.getValue() != 0) {
      return failure();
    }
    // 32-bit elements transpose well (one broadcast load per row).
    if (!hasSubWordElements(vecType)) {
      return failure();
    }
    SmallVector<int64_t> shape(vecType.getShape());
    shape.back() = 1;
    auto narrow = vector::TransferReadOp::create(
        rewriter, read.getLoc(), VectorType::get(shape, vecType.getElementType()),
        read.getBase(), read.getIndices(), read.getPermutationMapAttr(),
        read.getPadding(), /*mask=*/Value(), read.getInBoundsAttr());
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(read, vecType, narrow);
    return success();
  }
};

/// A vector read along a strided slice (stride 2 to 4 in the innermost,
/// vectorized dimension: stride-2 convolutions, depthwise convolutions and
/// pools) -> one contiguous read of the slice's source, V * s elements per
/// row, and a shuffle that keeps every s-th lane. Left as it is, the strided
/// read lowers to one scalar insert per lane. Rows of 8- and 16-bit
/// elements are read V * s wide rather than the (V - 1) * s + 1 elements
/// they need, the last s - 1 lanes masked (they may lie past the source): an
/// odd width such as 63 bytes would be assembled element by element.
struct ContiguousReadOfStridedSlice
    : public OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto slice = read.getBase().getDefiningOp<tensor::ExtractSliceOp>();
    VectorType vecType = read.getVectorType();
    if (!slice || read.getMask() || vecType.getRank() == 0 ||
        vecType.isScalable() || !read.getPermutationMap().isMinorIdentity() ||
        read.getPermutationMap().getNumResults() !=
            static_cast<unsigned>(slice.getType().getRank())) {
      return failure();
    }
    // Only the innermost dimension may run past the slice (an int8
    // dot-product tile pads a 14-wide row to 16 lanes): then the lanes from
    // `valid` on take the padding value, after the shuffle.
    SmallVector<bool> inBoundsValues = read.getInBoundsValues();
    if (llvm::any_of(ArrayRef<bool>(inBoundsValues).drop_back(),
                     [](bool b) { return !b; })) {
      return failure();
    }
    int64_t lanes = vecType.getShape().back();
    int64_t valid = lanes;
    if (!inBoundsValues.back()) {
      std::optional<int64_t> first =
          getConstantIntValue(read.getIndices().back());
      int64_t extent = slice.getType().getShape().back();
      if (!first || ShapedType::isDynamic(extent) || extent - *first <= 0) {
        return failure();
      }
      valid = std::min(lanes, extent - *first);
    }
    std::optional<int64_t> innerStride =
        getConstantIntValue(slice.getMixedStrides().back());
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    unsigned srcRank = slice.getSourceType().getRank();
    if (!innerStride || *innerStride < 2 || *innerStride > 4 ||
        dropped.test(srcRank - 1)) {
      return failure();
    }
    // Every other kept dimension must have stride 1.
    SmallVector<OpFoldResult> strides = slice.getMixedStrides();
    for (unsigned d = 0; d + 1 < srcRank; ++d) {
      std::optional<int64_t> st = getConstantIntValue(strides[d]);
      if (!dropped.test(d) && (!st || *st != 1)) {
        return failure();
      }
    }
    int64_t s = *innerStride;
    // Sub-32-bit rows are read V * s wide, the lanes past (V - 1) * s + 1
    // masked. 32-bit rows LLVM splits into whole registers plus a short
    // tail, which is cheaper than the masked read.
    bool masked = hasSubWordElements(vecType) || valid < lanes;
    int64_t wide = masked ? lanes * s : (lanes - 1) * s + 1;
    Location loc = read.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<Value> indices;
    SmallVector<AffineExpr> exprs;
    unsigned next = 0;
    for (unsigned d = 0; d < srcRank; ++d) {
      Value offset = getValueOrCreateConstantIndexOp(rewriter, loc, offsets[d]);
      if (dropped.test(d)) {
        indices.push_back(offset);
        continue;
      }
      Value idx = read.getIndices()[next++];
      if (d == srcRank - 1) {
        Value st = arith::ConstantIndexOp::create(rewriter, loc, s);
        idx = arith::MulIOp::create(rewriter, loc, idx, st);
      }
      indices.push_back(arith::AddIOp::create(rewriter, loc, idx, offset));
      exprs.push_back(getAffineDimExpr(d, ctx));
    }
    SmallVector<int64_t> wideShape(vecType.getShape());
    wideShape.back() = wide;
    auto wideType = VectorType::get(wideShape, vecType.getElementType());
    SmallVector<bool> inBounds(wideShape.size(), true);
    inBounds.back() = !masked;
    // The masked lanes are dropped by the shuffle: any padding value does
    // (a poison one would not survive the masked load's lowering).
    Value padding = read.getPadding();
    if (masked && padding.getDefiningOp<ub::PoisonOp>()) {
      padding = arith::ConstantOp::create(
          rewriter, loc, rewriter.getZeroAttr(vecType.getElementType()));
    }
    AffineMap map = AffineMap::get(srcRank, 0, exprs, ctx);
    auto wideRead = vector::TransferReadOp::create(
        rewriter, loc, wideType, slice.getSource(), indices,
        AffineMapAttr::get(map), padding, /*mask=*/Value(),
        rewriter.getBoolArrayAttr(inBounds));
    // Lanes past the slice come from a splat of the padding (the shuffle's
    // second operand, indices from `wide` on).
    SmallVector<int64_t> keep;
    for (int64_t i = 0; i < lanes; ++i) {
      keep.push_back(i < valid ? i * s : wide);
    }
    Value padRow;
    if (valid < lanes) {
      padRow = vector::BroadcastOp::create(
          rewriter, loc, VectorType::get({wide}, vecType.getElementType()),
          padding);
    }
    // Shuffle each innermost row (shuffles are 1-D).
    Value result = arith::ConstantOp::create(
        rewriter, loc, vecType, rewriter.getZeroAttr(vecType));
    int64_t rows = vecType.getNumElements() / lanes;
    ArrayRef<int64_t> outer = vecType.getShape().drop_back();
    for (int64_t r = 0; r < rows; ++r) {
      SmallVector<int64_t> pos = delinearize(r, computeStrides(outer));
      Value row = wideRead.getResult();
      if (!pos.empty()) {
        row = vector::ExtractOp::create(rewriter, loc, row, pos);
      }
      Value picked = vector::ShuffleOp::create(rewriter, loc, row,
                                               padRow ? padRow : row, keep);
      result = pos.empty() ? picked
                           : vector::InsertOp::create(rewriter, loc, picked,
                                                      result, pos)
                                 .getResult();
    }
    rewriter.replaceOp(read, result);
    return success();
  }
};

bool hasStaticShapes(Operation *op) {
  auto isStatic = [](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    return !shaped || shaped.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}

/// Canonicalization patterns of the dialects the vector code touches.
void addCleanupPatterns(RewritePatternSet &patterns, MLIRContext *ctx) {
  for (Dialect *dialect : ctx->getLoadedDialects()) {
    dialect->getCanonicalizationPatterns(patterns);
  }
  for (RegisteredOperationName op : ctx->getRegisteredOperations()) {
    op.getCanonicalizationPatterns(patterns, ctx);
  }
}

/// What `--schedule-report` prints: one line per root op (the tiles of one
/// root share its location and schedule) and one per unscheduled op left
/// unvectorized. Empty reason: vectorized.
class VectorizeReport {
public:
  void record(Operation *op, const std::string &reason) {
    record(op->getLoc(), getSchedule(op), op->getName().getStringRef(),
           reason);
  }
  void record(Location loc, ScheduleAttr schedule, StringRef opName,
              const std::string &reason) {
    auto key = std::make_pair(Attribute(loc), Attribute(schedule));
    auto [it, inserted] = entries.try_emplace(key);
    if (inserted) {
      it->second.opName = opName.str();
    }
    // A failure in any tile makes the root's entry a failure.
    if (!reason.empty() || inserted) {
      if (it->second.reason.empty()) {
        it->second.reason = reason;
      }
    }
  }
  void emit() const {
    for (const auto &[key, entry] : entries) {
      Location loc = cast<LocationAttr>(key.first);
      auto schedule = dyn_cast_or_null<ScheduleAttr>(key.second);
      if (schedule) {
        InFlightDiagnostic diag = emitRemark(loc);
        diag << "schedule " << stringifyPipelineKind(schedule.getKind())
             << " (" << entry.opName << "): " << schedule << ": ";
        if (entry.reason.empty()) {
          diag << "vectorized";
        } else {
          diag << "NOT vectorized, scalar loops: " << entry.reason;
        }
      } else if (!entry.reason.empty()) {
        emitRemark(loc) << "no schedule (" << entry.opName
                        << "): NOT vectorized, scalar loops: " << entry.reason;
      }
    }
  }

private:
  struct Entry {
    std::string opName;
    std::string reason;
  };
  llvm::MapVector<std::pair<Attribute, Attribute>, Entry> entries;
};

struct LLVMCPUVectorizePass
    : public mlir::etch::llvmcpu::impl::LLVMCPUVectorizePassBase<LLVMCPUVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();

    {
      RewritePatternSet patterns(ctx);
      populateDecomposeUnitWindowPatterns(patterns);
      patterns.add<FoldExtractOfExtractSlice>(ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }

    // Every linalg op left on tensors is either vectorized here or becomes
    // scalar loops after bufferization: `summary` says which, per op.
    VectorizeReport summary;
    SmallVector<Operation *> candidates;
    func.walk([&](Operation *op) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || !linalgOp.hasPureTensorSemantics()) {
        return;
      }
      if (!hasStaticShapes(op)) {
        summary.record(op, "dynamic shapes");
        return;
      }
      if (!linalg::hasVectorizationImpl(op)) {
        summary.record(op, "no vectorization for this op");
        return;
      }
      int64_t elements = 1;
      for (int64_t r : linalgOp.getStaticLoopRanges()) {
        elements *= r;
      }
      if (elements > maxVectorElements) {
        summary.record(op, "iteration space of " + std::to_string(elements) +
                              " > max-vector-elements; no schedule tiled it");
        return;
      }
      summary.record(op, "");
      candidates.push_back(op);
    });
    IRRewriter rewriter(ctx);
    Int8DotTarget int8Dot =
        getInt8DotTarget(getCPUTarget(func->getParentOfType<ModuleOp>()));
    for (Operation *op : candidates) {
      if (failed(linalg::vectorizeOpPrecondition(
              op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
              /*vectorizeNDExtract=*/true))) {
        // Ops the vectorizer cannot handle stay for the backend's loops.
        summary.record(op, "the vectorizer's preconditions failed");
        continue;
      }
      Location opLoc = op->getLoc();
      ScheduleAttr opSchedule = getSchedule(op);
      rewriter.setInsertionPoint(op);
      // Tiles keep the unit dims of the outer loops (batch, output row):
      // drop them first so that reads and writes of an accumulator have the
      // same vector shape and can be hoisted as a pair.
      Operation *target = op;
      // i8 x i8 -> i32 tiles on AArch64 sdot/udot targets (the named ops
      // included: they extend both operands alike): as a generic without
      // unit dims, to dot products; what the dot path does not take goes on
      // as below.
      if (int8Dot.sameSignedness()) {
        target = vectorizeAArch64Int8Tile(rewriter, op, int8Dot);
        if (!target) {
          continue;
        }
      }
      // Contractions are vectorized straight to vector.contract with the
      // op's own maps: generics are specialized back to named contractions.
      // Not with a zero-extended operand (a uint8 activation times int8
      // weights): the named ops' one `cast` attribute would extend both
      // operands alike.
      auto hasZeroExtension = [](linalg::GenericOp g) {
        return llvm::any_of(g.getBody()->getOperations(), [](Operation &o) {
          return isa<arith::ExtUIOp>(o);
        });
      };
      if (auto generic = dyn_cast<linalg::GenericOp>(target);
          generic && linalg::isaContractionOpInterface(generic) &&
          !hasZeroExtension(generic)) {
        // Specialized on a copy: upstream (LLVM 22) turns a generic that
        // reads B transposed (`ij,kj->ik`) into a linalg.matmul with the
        // default maps, which computes something else. Only a named op with
        // the generic's own maps replaces it; the others stay generic and
        // take the broadcast + reduction path, re-formed into a correct
        // vector.contract below.
        auto copy = cast<linalg::GenericOp>(rewriter.clone(*generic));
        FailureOr<linalg::LinalgOp> named =
            linalg::specializeGenericOp(rewriter, copy);
        if (failed(named)) {
          rewriter.eraseOp(copy);
        } else if (isa<linalg::ContractionOpInterface>(
                       named->getOperation()) &&
                   named->getIndexingMapsArray() ==
                       generic.getIndexingMapsArray()) {
          rewriter.replaceOp(generic, named->getOperation()->getResults());
          target = *named;
        } else {
          rewriter.eraseOp(*named);
        }
      }
      bool isNamedContraction = isa<linalg::ContractionOpInterface>(target);
      if (!isNamedContraction && !isa<linalg::GenericOp>(target)) {
        FailureOr<linalg::GenericOp> generic = linalg::generalizeNamedOp(
            rewriter, cast<linalg::LinalgOp>(target));
        if (succeeded(generic)) {
          target = *generic;
        }
      }
      auto generic = dyn_cast<linalg::GenericOp>(target);
      if (generic && !isNamedContraction) {
        linalg::ControlDropUnitDims control;
        control.rankReductionStrategy = linalg::ControlDropUnitDims::
            RankReductionStrategy::ExtractInsertSlice;
        rewriter.setInsertionPoint(generic);
        FailureOr<linalg::DropUnitDimsResult> dropped =
            linalg::dropUnitDims(rewriter, generic, control);
        if (succeeded(dropped)) {
          rewriter.replaceOp(generic, dropped->replacements);
          target = dropped->resultOp;
        }
      }
      // uint8 x int8 tiles: dot-product instructions where the target has
      // them, else one contraction on the operands as stored.
      if (auto g = dyn_cast<linalg::GenericOp>(target)) {
        if (succeeded(vectorizeInt8DotProduct(rewriter, g, int8Dot))) {
          continue;
        }
      }
      rewriter.setInsertionPoint(target);
      // Contractions go straight to vector.contract with the op's maps (no
      // broadcast reads + multi_reduction to re-match).
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, target, /*inputVectorSizes=*/{},
          /*inputScalableVecDims=*/{}, /*vectorizeNDExtract=*/true,
          /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/isNamedContraction);
      if (failed(result)) {
        summary.record(opLoc, opSchedule, target->getName().getStringRef(),
                      "the vectorizer failed");
        continue;
      }
      if (target->getNumResults() != 0) {
        rewriter.replaceOp(target, result->replacements);
      } else {
        rewriter.eraseOp(target);
      }
    }

    // Fold slices into transfers, then hoist loop-invariant accumulator
    // transfer pairs out of the reduction loops (inner loops first) while
    // reads and writes still have matching forms.
    {
      RewritePatternSet patterns(ctx);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      patterns.add<ContiguousReadOfStridedSlice, ReadThenBroadcastLanes>(ctx);
      populateForwardWholeWritePatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    func.walk([&](LoopLikeOpInterface loop) {
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    });

    // Pads left at this point are bufferized as a fill of the whole padded
    // buffer, then the interior copy. (Filling only the border, 4a505fc, gave
    // wrong results on PP-OCRv4 det and is reverted until that is found.)

    // Reductions to contractions (with broadcasts and transposes split out
    // of the transfers so they fold into the contraction maps); then leading
    // unit dims cast away. The two sets run separately: unit-dim dropping
    // and permutation-map lowering undo each other.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorReductionToContractPatterns(patterns);
      // Integer extensions (a zero-extended uint8 operand is not folded into
      // the contraction) move before broadcasts and transposes, so that those
      // fold into the contraction's maps and the extension applies to the
      // 8-bit operand as read.
      vector::populateSinkVectorOpsPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      tensor::populateFoldTensorSubsetOpPatterns(patterns);
      populateForwardWholeWritePatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    {
      RewritePatternSet patterns(ctx);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorReductionToContractPatterns(patterns);
      populateForwardWholeWritePatterns(patterns);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }

    if (lowerContractions) {
      RewritePatternSet patterns(ctx);
      populateLLVMCPUVectorLoweringPatterns(patterns);
      populateFiniteClampPatterns(patterns);
      patterns.add<FuseMulAddToFMA>(ctx);
      addCleanupPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
        return signalPassFailure();
      }
    }
    if (report) {
      summary.emit();
    }
  }
};
} // namespace
