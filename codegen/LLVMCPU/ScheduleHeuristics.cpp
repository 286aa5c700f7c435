//===- ScheduleHeuristics.cpp - default #etch.schedule per root op --------===//
//
// Register blocking follows the usual CPU GEMM micro-kernel: an accumulator
// block of `rows x cols` where `cols` is a multiple of the vector width and
// rows * cols / lanes uses about half of the vector registers, leaving the
// rest for the broadcast operand and the loaded vectors. NCHW convolutions,
// depthwise convolutions and pools vectorize along the output width (the
// contiguous dimension of both input and output) and block output channels
// as rows; the window loops are tiled to 1 so that every register tile is a
// small matmul (conv) or an elementwise FMA (depthwise, pool).
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/LLVMCPU/Schedule.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::llvmcpu;

/// Conv (output channels from input channels), depthwise (a per-channel
/// filter) or pool (a filter that is only the window), for any convolution
/// whose loops upstream's inferConvolutionDims can name.
static PipelineKind classifyConvolution(linalg::LinalgOp op) {
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  if (failed(dims) || dims->outputImage.empty()) {
    return PipelineKind::None;
  }
  if (!dims->outputChannel.empty() && !dims->inputChannel.empty()) {
    return PipelineKind::Conv;
  }
  if (!dims->outputChannel.empty() || !dims->inputChannel.empty()) {
    return PipelineKind::None;
  }
  AffineMap filterMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  bool filterUsesDepth = llvm::any_of(dims->depth, [&](unsigned d) {
    return filterMap.isFunctionOfDim(d);
  });
  return filterUsesDepth ? PipelineKind::Depthwise : PipelineKind::Pool;
}

/// Roles of a convolution's loops from its convolution dimensions (any rank
/// and layout): the column is the loop of the innermost output dimension
/// (contiguous in memory, vectorized); the row is the output channel
/// (conv), the channel (depthwise/pool), or the image dimension next to a
/// channel column (channels-last); K is the input channel. Every other
/// reduction is a window loop, every other parallel loop is outer.
static LogicalResult assignConvolutionRoles(linalg::LinalgOp op,
                                            PipelineKind kind,
                                            LoopNestInfo &info) {
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  if (failed(dims) || dims->outputImage.empty()) {
    return failure();
  }
  AffineMap outMap =
      op.getIndexingMapMatchingResult(cast<OpResult>(op->getResult(0)));
  if (!outMap.isProjectedPermutation() || outMap.getNumResults() == 0) {
    return failure();
  }
  for (unsigned i = 0, e = info.ranges.size(); i < e; ++i) {
    info.roles[i] = info.isReduction[i] ? kRoleWindow : kRoleOuterParallel;
  }
  // The innermost output dimension with more than one element: dimensions
  // of extent 1 do not change which one is contiguous in memory (an NCHW
  // output of width 1, e.g. a [k, 1] kernel over an Hx1 image, is contiguous
  // along H), and a unit loop has nothing to vectorize.
  unsigned col = outMap.getDimPosition(outMap.getNumResults() - 1);
  for (unsigned r = outMap.getNumResults(); r-- > 0;) {
    unsigned d = outMap.getDimPosition(r);
    if (info.ranges[d] != 1) {
      col = d;
      break;
    }
  }
  // Channels of a pool are the loops it shares between input and output
  // only (upstream's "batch" set, whose last one is the channel in NC...
  // layouts); of a depthwise conv, the loops the filter shares too.
  SmallVector<unsigned, 2> channels = kind == PipelineKind::Conv
                                          ? dims->outputChannel
                                      : !dims->depth.empty() ? dims->depth
                                                             : dims->batch;
  std::optional<unsigned> row;
  if (llvm::is_contained(dims->outputImage, col)) {
    if (!channels.empty()) {
      row = channels.back();
    } else if (dims->outputImage.size() > 1) {
      row = dims->outputImage[dims->outputImage.size() - 2];
    }
  } else if (llvm::is_contained(channels, col)) {
    row = dims->outputImage.back();
  } else {
    return failure();
  }
  info.roles[col] = kRoleCol;
  if (row && *row != col) {
    info.roles[*row] = kRoleRow;
  }
  if (kind == PipelineKind::Conv) {
    if (dims->inputChannel.empty()) {
      return failure();
    }
    info.roles[dims->inputChannel.back()] = kRoleK;
  }
  return success();
}

PipelineKind mlir::etch::llvmcpu::classifyRootOp(linalg::LinalgOp op) {
  if (!op || !op.hasPureTensorSemantics()) {
    return PipelineKind::None;
  }
  if (isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp>(op)) {
    return PipelineKind::Conv;
  }
  if (isa<linalg::DepthwiseConv2DNchwChwOp>(op)) {
    return PipelineKind::Depthwise;
  }
  if (isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op)) {
    return PipelineKind::Pool;
  }
  if (linalg::isaConvolutionOpInterface(op)) {
    // Any other rank, layout or grouping: the kind follows from which loops
    // index the filter (see classifyConvolution).
    return classifyConvolution(op);
  }
  if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (succeeded(dims) && !dims->m.empty() && !dims->n.empty() &&
        !dims->k.empty()) {
      return PipelineKind::Matmul;
    }
  }
  if (op.getNumLoops() == 0) {
    return PipelineKind::None;
  }
  if (op.getNumReductionLoops() == 0) {
    return PipelineKind::Elementwise;
  }
  return PipelineKind::Reduction;
}

FailureOr<LoopNestInfo>
mlir::etch::llvmcpu::getLoopNestInfo(linalg::LinalgOp op, PipelineKind kind) {
  LoopNestInfo info;
  info.kind = kind;
  info.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(info.ranges, ShapedType::isDynamic)) {
    return failure();
  }
  unsigned n = info.ranges.size();
  for (utils::IteratorType it : op.getIteratorTypesArray()) {
    info.isReduction.push_back(it == utils::IteratorType::reduction);
  }
  info.roles.assign(n, kRoleOuterParallel);
  if (op.getNumDpsInputs() == 2 && op->getNumResults() == 1 &&
      getElementTypeOrSelf(op->getResult(0).getType()).isInteger(32)) {
    bool zext = false, sext = false;
    for (Operation &inner : op->getRegion(0).front()) {
      zext |= isa<arith::ExtUIOp>(inner) &&
              inner.getOperand(0).getType().isInteger(8);
      sext |= isa<arith::ExtSIOp>(inner) &&
              inner.getOperand(0).getType().isInteger(8);
    }
    info.isMixedInt8 = zext && sext;
    info.isInt8 = llvm::all_of(op.getDpsInputOperands(), [](OpOperand *in) {
      return getElementTypeOrSelf(in->get().getType()).isInteger(8);
    });
    info.isSignedInt8 = sext && !zext;
  }
  switch (kind) {
  case PipelineKind::Matmul: {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims)) {
      return failure();
    }
    for (unsigned k : dims->k) {
      info.roles[k] = kRoleWindow;
    }
    info.roles[dims->m.back()] = kRoleRow;
    info.roles[dims->n.back()] = kRoleCol;
    info.roles[dims->k.back()] = kRoleK;
    break;
  }
  case PipelineKind::Conv:
  case PipelineKind::Depthwise:
  case PipelineKind::Pool: {
    if (failed(assignConvolutionRoles(op, kind, info))) {
      return failure();
    }
    break;
  }
  case PipelineKind::Elementwise:
  case PipelineKind::Reduction: {
    int lastPar = -1, prevPar = -1, lastRed = -1;
    for (unsigned i = 0; i < n; ++i) {
      if (info.isReduction[i]) {
        info.roles[i] = kRoleWindow;
        lastRed = i;
      } else {
        prevPar = lastPar;
        lastPar = i;
      }
    }
    if (lastRed >= 0) {
      info.roles[lastRed] = kRoleK;
    }
    if (lastPar >= 0) {
      info.roles[lastPar] = kRoleCol;
    }
    if (prevPar >= 0 && kind == PipelineKind::Elementwise) {
      info.roles[prevPar] = kRoleRow;
    }
    break;
  }
  case PipelineKind::None:
    break;
  }
  return info;
}

namespace {
int64_t largestDivisorTile(int64_t range, int64_t maxTile) {
  if (range <= maxTile) {
    return range;
  }
  for (int64_t t = maxTile; t > 1; t /= 2) {
    if (range % t == 0) {
      return t;
    }
  }
  return maxTile;
}

/// Whether a loop of `range` split into tiles of `tile` gives tiles and a
/// remainder that are whole vectors or a power of two lanes (an 8-lane tail
/// of a 56-wide row on 16 lanes is one ymm vector; a 24-lane one is not a
/// register type and LLVM assembles it from pieces).
bool isCleanSplit(int64_t range, int64_t tile, int64_t lanes) {
  auto whole = [&](int64_t w) {
    return w == 0 || w % lanes == 0 || llvm::isPowerOf2_64(w);
  };
  return whole(std::min(range, tile)) && whole(range % tile);
}

/// Rounds `v` down to a multiple of `m` (at least `m`).
int64_t roundDownTo(int64_t v, int64_t m) {
  return std::max(m, v / m * m);
}
} // namespace

ScheduleSizes
mlir::etch::llvmcpu::computeDefaultSchedule(const LoopNestInfo &info,
                                            const CPUTargetInfo &target) {
  unsigned n = info.ranges.size();
  ScheduleSizes s;
  s.workgroup.assign(n, 0);
  s.registerTiles.assign(n, 0);
  s.reduction.assign(n, 0);
  int64_t lanes = std::max<int64_t>(1, target.vectorWidthF32);
  int64_t regs = std::max<int64_t>(4, target.numVectorRegisters);

  // Accumulator block: rows x (2 vectors); rows so that the accumulators
  // take about half of the register file.
  int64_t colsReg = 2 * lanes;
  int64_t rowsReg = std::max<int64_t>(1, regs / 2 / 2);
  rowsReg = std::min<int64_t>(rowsReg, 8);

  bool isElementwise = info.kind == PipelineKind::Elementwise;
  bool isReduction = info.kind == PipelineKind::Reduction;
  // A reduction's vector is (parallel col tile) x (reduction tile). Over
  // the innermost loop (row sums, ReduceMax over the last axis) it is a few
  // rows of a few vectors each; over an outer loop with parallel lanes inside
  // (LayerNorm over channels of an NCW map: [1, 512, 16]) one row at a time,
  // added lane-wise into the output vector. Whole-loop vectors (512 x 16 =
  // 8192 lanes) were transposed element by element and took LLVM ~1 minute
  // on a 3 MB model (magika); the sums are ordered either way, so the
  // results are the same bits.
  int kIndex = -1, colIndex = -1;
  for (unsigned i = 0; i < n; ++i) {
    if (info.roles[i] == kRoleK) {
      kIndex = i;
    } else if (info.roles[i] == kRoleCol) {
      colIndex = i;
    }
  }
  bool innerReduction = isReduction && kIndex > colIndex;
  int64_t reductionLanes = 4 * lanes;
  int64_t maxReductionVector = 32 * lanes;

  // Column tile first: a narrow output gets taller row blocks.
  int64_t colTile = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (info.roles[i] != kRoleCol) {
      continue;
    }
    int64_t range = info.ranges[i];
    int64_t maxCols = isElementwise ? 8 * lanes : isReduction ? lanes : colsReg;
    if (innerReduction) {
      int64_t kTile = std::min(info.ranges[kIndex], reductionLanes);
      maxCols = std::max<int64_t>(1, std::min(maxCols, maxReductionVector / kTile));
    }
    colTile = std::min(range, maxCols);
    // An output width that is not a multiple of the vector width would leave
    // a ragged vector in every row (vector<28xf32> on 16 lanes runs at a
    // quarter of the speed of two vector<14xf32> rows): use the largest
    // divisor of the width that fits one vector, with taller row blocks.
    // Depthwise convolutions and pools first try whole vectors with a
    // power-of-two tail (56 on 16 lanes: 3 x 16 + 8, where 2 x 16 left a
    // 24-lane tail that LLVM assembled from pieces and spilled: 1.8x slower).
    bool windowed = info.kind == PipelineKind::Depthwise ||
                    info.kind == PipelineKind::Pool;
    if (windowed && !isCleanSplit(range, colTile, lanes)) {
      colTile = isCleanSplit(range, lanes, lanes) ? lanes : 0;
    }
    // A matmul whose width leaves a ragged remainder (49 = 32 + 17: an 8x17
    // tile of pieced-together vectors) takes one whole vector per row where
    // the tail is clean (49 = 3 x 16 + 1): a 320x1280x49 MatMul went from
    // 0.86 to 0.46 ms (26% -> 49% of the FMA peak); a 3-vector tile (48 + 1)
    // was 2x slower than either.
    if (info.kind == PipelineKind::Matmul && lanes > 1 && range > colTile &&
        !isCleanSplit(range, colTile, lanes) &&
        isCleanSplit(range, lanes, lanes)) {
      colTile = lanes;
    }
    // A float conv row whose ragged remainder is avoided by whole vectors
    // with a clean tail takes those, in twice as many rows, before a smaller
    // divisor (56 on 16 lanes: 16 x (3 x 16 + 8) instead of 16 x (4 x 14):
    // ResNet-18's 56x56 3x3 conv 2.10 -> 1.96 ms).
    bool wholeConvRow = info.kind == PipelineKind::Conv && !info.isInt8 &&
                        !info.isMixedInt8 && lanes > 1 && range > lanes &&
                        !isCleanSplit(range, colTile, lanes) &&
                        isCleanSplit(range, lanes, lanes);
    if (wholeConvRow) {
      colTile = lanes;
    }
    if (!wholeConvRow &&
        (info.kind == PipelineKind::Conv || (windowed && colTile == 0)) &&
        range > lanes && range % lanes != 0) {
      for (int64_t t = lanes; t > 1; --t) {
        if (range % t == 0) {
          colTile = t;
          break;
        }
      }
      // Unless the divisor is half a vector or less: a 508-row column image
      // (magika's 1-D conv) would run on 4 of 16 lanes; whole vectors and
      // one 12-lane tail are ~3x faster.
      if (info.kind == PipelineKind::Conv && 2 * colTile <= lanes &&
          range >= 2 * lanes) {
        colTile = lanes;
      }
    }
    if (colTile == 0) {
      colTile = std::min(range, maxCols);
    }
    // Without vector registers (Cortex-M4/M7: lanes == 1) an int8 tile's
    // epilogue, the requantization in 64-bit fixed-point arithmetic on a
    // 32-bit core, is ~20 instructions per output, and every remainder tile
    // gets its own copy: take a column tile that divides the width, so there
    // is none (int8 DS-CNN: kernel code 44.6 -> 27.8 KiB; fp32 30.7 KiB).
    if (info.isInt8 && lanes == 1 && !isElementwise && !isReduction &&
        range % colTile != 0) {
      while (range % colTile != 0) {
        --colTile;
      }
    }
    if (!isElementwise && !isReduction && (colTile < lanes || wholeConvRow)) {
      rowsReg = std::min<int64_t>(2 * rowsReg, regs / 2);
    }
  }

  for (unsigned i = 0; i < n; ++i) {
    int64_t range = info.ranges[i];
    switch (info.roles[i]) {
    case kRoleCol:
      if (isElementwise || isReduction) {
        s.workgroup[i] = colTile;
      } else {
        s.workgroup[i] = range <= 256 ? 0 : roundDownTo(256, colTile);
        s.registerTiles[i] = colTile;
      }
      break;
    case kRoleRow:
      if (isElementwise) {
        s.workgroup[i] =
            std::min(range, std::max<int64_t>(1, 8 * lanes / colTile));
      } else {
        int64_t rowTile = std::min(range, rowsReg);
        int64_t wg = std::min(range, roundDownTo(64, rowTile));
        s.workgroup[i] = wg >= range ? 0 : wg;
        s.registerTiles[i] = rowTile;
      }
      break;
    case kRoleK:
      if (isReduction) {
        s.reduction[i] = innerReduction ? std::min(range, reductionLanes) : 1;
      } else if (info.isMixedInt8 &&
                 (target.hasAVX512VNNI || target.hasAVXVNNI)) {
        // vpdpbusd reduces 4 k's per lane: 32 k's are 8 instructions per
        // accumulator between reads and writes of the tile.
        s.reduction[i] = largestDivisorTile(range, 32);
      } else if ((info.isSignedInt8 && target.hasDotProd) ||
                 (info.isMixedInt8 && target.hasDotProd && target.hasI8MM)) {
        // sdot/usdot: 4 k's per lane; 16 k's keep the tile's 16 accumulators
        // (8 rows x 2 vectors of 4 lanes), its 4-byte weight groups (one
        // 16-byte row per output channel, for the indexed form) and the
        // interleaved activations within the 32 NEON registers.
        s.reduction[i] = largestDivisorTile(range, 16);
      } else {
        s.reduction[i] = largestDivisorTile(range, 8);
      }
      break;
    case kRoleWindow:
      s.reduction[i] = 1;
      break;
    case kRoleOuterParallel:
      s.workgroup[i] = 1;
      break;
    default:
      break;
    }
    if (info.isReduction[i]) {
      s.workgroup[i] = 0;
      s.registerTiles[i] = 0;
    } else {
      s.reduction[i] = 0;
      s.parallel.push_back(i);
    }
  }
  // Tiles that cover a whole loop are written as 0 (not tiled); register
  // tiles equal to the workgroup tile are dropped as well.
  for (unsigned i = 0; i < n; ++i) {
    int64_t range = info.ranges[i];
    for (SmallVector<int64_t> *level :
         {&s.workgroup, &s.registerTiles, &s.reduction}) {
      if ((*level)[i] >= range) {
        (*level)[i] = 0;
      }
    }
    if (s.registerTiles[i] != 0 && s.registerTiles[i] == s.workgroup[i]) {
      s.registerTiles[i] = 0;
    }
    int64_t inner = s.registerTiles[i] ? s.registerTiles[i]
                    : s.reduction[i]   ? s.reduction[i]
                    : s.workgroup[i]   ? s.workgroup[i]
                                       : range;
    s.vector.push_back(inner);
  }
  if (llvm::all_of(s.registerTiles, [](int64_t v) { return v == 0; })) {
    s.registerTiles.clear();
  }
  if (llvm::all_of(s.reduction, [](int64_t v) { return v == 0; })) {
    s.reduction.clear();
  }
  return s;
}

ScheduleAttr mlir::etch::llvmcpu::buildScheduleAttr(MLIRContext *ctx,
                                                    PipelineKind kind,
                                                    const ScheduleSizes &s) {
  SmallVector<int64_t> registerTiles = s.registerTiles;
  SmallVector<int64_t> workgroup = s.workgroup;
  // An omitted middle level must still be printable: keep level 1 when
  // level 2 exists.
  if (registerTiles.empty() && !s.reduction.empty()) {
    registerTiles.assign(s.reduction.size(), 0);
  }
  return ScheduleAttr::get(ctx, kind, workgroup, registerTiles, s.reduction,
                           s.vector, /*interchange=*/{}, s.parallel,
                           /*unroll=*/{});
}
