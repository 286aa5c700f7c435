//===- Int8DotProduct.cpp - int8 register tiles to dot-product instructions ===//
//
// A register tile of a quantized convolution or matmul is, after tiling and
// DecomposeUnitWindow, a 2-D contraction generic
//   out[m, n] += ext(L[.. n .. k ..]) * ext(R[.. m .. k ..])     (i8 -> i32)
// where n is the output's contiguous dimension (the vector lanes) and k the
// reduction. On x86 with VNNI one `vpdpbusd` multiplies 4 unsigned bytes by
// 4 signed bytes and adds the 4 products into each i32 lane: 64 multiply-
// adds per instruction at 512 bits, where the generic lowering spends sign
// extensions, a `vpmulld` and a `vpaddd` per 16. This file vectorizes such a
// tile straight to those instructions:
//   - L is read as stored, zero-padded to K % 4 == 0 and to whole lane
//     vectors (masked reads: a 7-wide row is one masked load, not 7 byte
//     inserts), so that each group of 4 k's of one lane is one i32 of the
//     instruction's operand; stored [K][N], as NCHW activations are, four
//     rows are interleaved into one operand (bytes, then 16-bit pairs: unpack
//     instructions);
//   - each row m of R contributes its 4 bytes of a k group broadcast to all
//     lanes (one i32 broadcast);
//   - the accumulator rows are the instruction's accumulators, W lanes at a
//     time (16 for zmm, 8 for ymm, 4 for xmm; the lane count is padded up,
//     the padding lanes dropped before the store).
// `vpdpbusd` takes one unsigned and one signed operand: the tile must
// zero-extend one side and sign-extend the other (uint8 activations times
// int8 weights, what quantize_static writes). AArch64's `sdot`/`udot`
// (Armv8.2 dotprod) have the same structure at 128 bits (4 i32 lanes, each
// += 4 byte products) with both operands signed or both unsigned: there a
// uint8 activation enters sign-flipped (x - 128, at import) and the tile
// sign-extends both sides; with i8mm, `usdot` multiplies unsigned by signed
// bytes as vpdpbusd does, and the activation stays uint8 (LLVM selects the
// by-element forms, `sdot v.4s, v.16b, v.4b[i]` and `usdot`/`sudot`, from
// the broadcast operand). Other tiles keep the generic path. Zero padding
// is exact either way (0 * anything = 0).
//
//===----------------------------------------------------------------------===//
#include "LLVMCPUPatterns.h"
#include "etch/codegen/LLVMCPU/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::etch::llvmcpu;

namespace {

/// `v` = arith.extsi/extui of an i8 block argument: the argument and whether
/// the extension is unsigned.
std::optional<std::pair<BlockArgument, bool>> extendedByte(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<arith::ExtSIOp, arith::ExtUIOp>(def)) {
    return std::nullopt;
  }
  auto arg = dyn_cast<BlockArgument>(def->getOperand(0));
  if (!arg || !arg.getType().isInteger(8)) {
    return std::nullopt;
  }
  return std::make_pair(arg, isa<arith::ExtUIOp>(def));
}

/// The dimension positions of a 2-result projected-permutation map.
std::optional<std::pair<unsigned, unsigned>> twoDims(AffineMap map) {
  if (map.getNumResults() != 2 || !map.isProjectedPermutation()) {
    return std::nullopt;
  }
  return std::make_pair(map.getDimPosition(0), map.getDimPosition(1));
}

Value zeros(OpBuilder &b, Location loc, VectorType type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

/// `src` ([rows][cols] i8 or i32) padded to [rows2][cols2] with zeros, or
/// with poison where the padding is never read (`poison`).
Value padTo(OpBuilder &b, Location loc, Value src, int64_t rows2,
            int64_t cols2, bool poison = false) {
  auto type = cast<VectorType>(src.getType());
  if (type.getDimSize(0) == rows2 && type.getDimSize(1) == cols2) {
    return src;
  }
  auto wide = VectorType::get({rows2, cols2}, type.getElementType());
  Value base = poison ? ub::PoisonOp::create(b, loc, wide).getResult()
                      : zeros(b, loc, wide);
  return vector::InsertStridedSliceOp::create(
      b, loc, src, base, ArrayRef<int64_t>{0, 0}, ArrayRef<int64_t>{1, 1});
}

/// From `l` stored [K][N] (i8), the 4 rows k0..k0+3 at lanes n0..n0+W-1 as
/// one vector<4W x i8> whose i32 lane n holds the bytes (k0..k0+3, n): two
/// rounds of interleaving (bytes of rows 0/1 and 2/3, then 16-bit pairs),
/// which LLVM selects as unpack instructions, instead of a generic
/// transpose that it scalarizes into byte inserts and permutes.
Value interleaveFourRows(OpBuilder &b, Location loc, Value l, int64_t k0,
                         int64_t n0, int64_t W) {
  Type i8 = b.getIntegerType(8), i16 = b.getIntegerType(16);
  int64_t K = cast<VectorType>(l.getType()).getDimSize(0);
  Value rows[4];
  for (int64_t t = 0; t < 4; ++t) {
    // Rows past K (its padding to a multiple of 4) are zeros.
    if (k0 + t >= K) {
      rows[t] = zeros(b, loc, VectorType::get({W}, i8));
      continue;
    }
    Value row = vector::ExtractOp::create(b, loc, l, ArrayRef<int64_t>{k0 + t});
    rows[t] = vector::ExtractStridedSliceOp::create(
        b, loc, row, ArrayRef<int64_t>{n0}, ArrayRef<int64_t>{W},
        ArrayRef<int64_t>{1});
  }
  auto pairs = [&](Value a, Value c) -> Value {
    Value bytes = vector::InterleaveOp::create(b, loc, a, c);
    return vector::BitCastOp::create(b, loc, VectorType::get({W}, i16), bytes);
  };
  Value quads = vector::InterleaveOp::create(b, loc, pairs(rows[0], rows[1]),
                                             pairs(rows[2], rows[3]));
  return vector::BitCastOp::create(b, loc, VectorType::get({4 * W}, i8), quads);
}

} // namespace

FailureOr<Operation *> mlir::etch::llvmcpu::vectorizeInt8DotProduct(
    RewriterBase &rewriter, linalg::GenericOp op, const Int8DotTarget &target) {
  if (op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 3 ||
      op.getNumReductionLoops() != 1 || !op.hasPureTensorSemantics()) {
    return failure();
  }
  // Body: yield addi(acc, muli(ext(a), ext(b))), either operand order.
  Block *body = op.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || !add.getType().isInteger(32) || body->getOperations().size() != 5) {
    return failure();
  }
  Value accArg = body->getArgument(2);
  Value product = add.getLhs() == accArg   ? add.getRhs()
                  : add.getRhs() == accArg ? add.getLhs()
                                           : Value();
  auto mul = product ? product.getDefiningOp<arith::MulIOp>() : nullptr;
  if (!mul) {
    return failure();
  }
  auto x = extendedByte(mul.getLhs()), y = extendedByte(mul.getRhs());
  if (!x || !y || x->first == y->first) {
    return failure();
  }
  // Operands extended alike: only for sdot/udot, and only as dot products
  // (otherwise the generic lowering, as before).
  bool sameSign = x->second == y->second;
  if (sameSign && !target.sameSignedness()) {
    return failure();
  }
  // Unsigned flags per input operand (0, 1).
  bool isUnsigned[2];
  isUnsigned[x->first.getArgNumber()] = x->second;
  isUnsigned[y->first.getArgNumber()] = y->second;

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto outDims = twoDims(maps[2]);
  auto in0 = twoDims(maps[0]), in1 = twoDims(maps[1]);
  if (!outDims || !in0 || !in1) {
    return failure();
  }
  unsigned mDim = outDims->first, nDim = outDims->second;
  unsigned kDim = 3 - mDim - nDim;
  if (op.getIteratorTypesArray()[kDim] != utils::IteratorType::reduction) {
    return failure();
  }
  auto has = [](std::pair<unsigned, unsigned> d, unsigned x) {
    return d.first == x || d.second == x;
  };
  // L: the operand indexed by (n, k); R: by (m, k).
  int lIdx = has(*in0, nDim) && has(*in0, kDim)   ? 0
             : has(*in1, nDim) && has(*in1, kDim) ? 1
                                                  : -1;
  if (lIdx < 0) {
    return failure();
  }
  int rIdx = 1 - lIdx;
  auto rDims = rIdx == 0 ? *in0 : *in1;
  auto lDims = lIdx == 0 ? *in0 : *in1;
  if (!has(rDims, mDim) || !has(rDims, kDim)) {
    return failure();
  }
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(ranges)) {
    return failure();
  }
  int64_t M = ranges[mDim], N = ranges[nDim], K = ranges[kDim];
  // Lane width: the widest the target has that the lanes fill.
  int64_t W = std::max<int64_t>(target.maxLanes, 4);
  while (W > 4 && W / 2 >= N && W / 2 >= target.minLanes) {
    W /= 2;
  }
  int64_t NW = (N + W - 1) / W * W, K4 = (K + 3) / 4 * 4;
  // Dot products where the target has them and a tile has enough k's to
  // fill them; otherwise one vector.contract on the operands as stored, for
  // the outer-product lowering. uint8 x int8 (vpdpbusd, usdot) takes 3 (the
  // first layer's 3 channels: one 4-byte group, one byte of it padding; its
  // weights are channels-last whatever the channel count, so a row's 3
  // bytes are one read): 16 instructions per 8x32 tile and window tap where
  // the widening multiply-adds took 48 plus extensions. Signed int8
  // (sdot/udot) keeps 8: below that its weights stay [F, C, KH, KW]
  // (EtchToLinalg's packInt8Weights) and each row would be gathered.
  bool useDot = (sameSign ? target.sameSignedness()
                         : target.mixedSignedness()) &&
                K >= (sameSign ? 8 : 3) &&
                M * (K4 / 4) * (NW / W) <= 2048;
  if (sameSign && !useDot) {
    return failure();
  }

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Type i8 = rewriter.getIntegerType(8), i32 = rewriter.getI32Type();
  Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value pad8 = arith::ConstantOp::create(rewriter, loc, rewriter.getI8IntegerAttr(0));
  Value pad32 = arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0));
  // Each loop's extent padded: n to whole lane vectors, k to groups of 4.
  auto paddedRange = [&](unsigned d) {
    return d == nDim ? NW : d == kDim ? K4 : ranges[d];
  };
  // Reads `source` in its own layout (maps with unit dims dropped are 2-D
  // here), with `padded` at the padded extents, the lanes past the tile
  // masked to `padding` (one masked load per row, where a non-power-of-two
  // row would be assembled byte by byte).
  auto read = [&](Value source, std::pair<unsigned, unsigned> dims, Type elem,
                  Value padding, bool padded = false,
                  bool padK = true) -> Value {
    auto type = cast<RankedTensorType>(source.getType());
    SmallVector<Value> indices(type.getRank(), c0);
    int64_t sizes[2];
    bool inBounds[2];
    unsigned dimOf[2] = {dims.first, dims.second};
    for (int i = 0; i < 2; ++i) {
      sizes[i] = padded && (padK || dimOf[i] != kDim) ? paddedRange(dimOf[i])
                                                      : ranges[dimOf[i]];
      inBounds[i] = sizes[i] == ranges[dimOf[i]];
    }
    return vector::TransferReadOp::create(
        rewriter, loc, VectorType::get(sizes, elem), source, indices, padding,
        ArrayRef<bool>(inBounds));
  };
  Value inputs[2] = {op.getDpsInputOperand(0)->get(),
                     op.getDpsInputOperand(1)->get()};
  Value init = op.getDpsInitOperand(0)->get();
  for (Value v : {inputs[0], inputs[1], init}) {
    if (cast<RankedTensorType>(v.getType()).getRank() != 2) {
      return failure();
    }
  }
  if (!useDot) {
    // Iteration dims of the contraction: (m, n, k).
    MLIRContext *ctx = rewriter.getContext();
    auto position = [&](unsigned d) {
      return getAffineDimExpr(d == mDim ? 0 : d == nDim ? 1 : 2, ctx);
    };
    auto mapOf = [&](std::pair<unsigned, unsigned> dims) {
      return AffineMap::get(3, 0, {position(dims.first), position(dims.second)},
                            ctx);
    };
    auto widen = [&](Value v, bool zeroExtend) -> Value {
      auto type = VectorType::get(cast<VectorType>(v.getType()).getShape(), i32);
      if (zeroExtend) {
        return arith::ExtUIOp::create(rewriter, loc, type, v);
      }
      return arith::ExtSIOp::create(rewriter, loc, type, v);
    };
    Value lhs = widen(read(inputs[rIdx], rDims, i8, pad8), isUnsigned[rIdx]);
    Value rhs = widen(read(inputs[lIdx], lDims, i8, pad8), isUnsigned[lIdx]);
    Value acc = read(init, *outDims, i32, pad32);
    Value contract = vector::ContractionOp::create(
        rewriter, loc, lhs, rhs, acc,
        rewriter.getAffineMapArrayAttr(
            {mapOf(rDims), mapOf(lDims),
             AffineMap::get(3, 0, {position(mDim), position(nDim)}, ctx)}),
        rewriter.getArrayAttr(
            {vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
             vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
             vector::IteratorTypeAttr::get(ctx,
                                           vector::IteratorType::reduction)}));
    Operation *write = vector::TransferWriteOp::create(
        rewriter, loc, contract, init, SmallVector<Value>(2, c0),
        ArrayRef<bool>{true, true});
    rewriter.replaceOp(op, write->getResults());
    return write;
  }

  // L as [N][K] or [K][N] (as stored), R as [M][K], acc as [M][N]. Stored
  // [K][N], L is read with its K rows as they are (the padding rows are
  // zeros in registers): only the lanes run past the tile, so a strided
  // row (stride-2 convolutions) is still one contiguous read and a shuffle.
  bool lStoredKN = lDims.first != nDim;
  Value l = read(inputs[lIdx], lDims, i8, pad8, /*padded=*/true,
                 /*padK=*/!lStoredKN);
  // Channels-last weight rows whose K is not a multiple of 4 (a first
  // layer's 3 channels) are read 4 bytes wide, the 4th masked to zero: one
  // masked load per row, where 3 bytes were assembled with a 2-byte load
  // and a byte insert before each broadcast.
  bool rStoredMK = rDims.first == mDim;
  Value r = read(inputs[rIdx], rDims, i8, pad8,
                 /*padded=*/rStoredMK && K % 4 != 0);
  if (!rStoredMK) {
    r = vector::TransposeOp::create(rewriter, loc, r, ArrayRef<int64_t>{1, 0});
  }
  // The accumulator is read at its exact size and padded in registers: a
  // read of the same shape as the write that initialized it folds away, so
  // the fused tile never reaches memory (a wider, masked read would not
  // fold, and the whole i32 result would get a buffer in the arena).
  Value acc = read(init, *outDims, i32, pad32);
  // The weights' padding bytes must be zeros (a poison byte would make the
  // whole broadcast i32 poison); the accumulators' padding lanes are
  // dropped before the store and no other lane reads them (each lane of a
  // dot product is independent), so they are poison: with zeros, LLVM
  // re-zeroed them in every iteration of the reduction loop the
  // accumulators are carried through (a vpexpandq per accumulator, 16 per
  // 128 vpdpbusd on a 14-wide row).
  r = padTo(rewriter, loc, r, M, K4);
  acc = padTo(rewriter, loc, acc, M, NW, /*poison=*/true);

  auto bytes = VectorType::get({4 * W}, i8);
  auto lanes = VectorType::get({W}, i32);
  std::string intrinsic =
      target.kind == Int8DotKind::AArch64Dot
          ? std::string(!sameSign      ? "llvm.aarch64.neon.usdot.v4i32.v16i8"
                        : isUnsigned[0] ? "llvm.aarch64.neon.udot.v4i32.v16i8"
                                        : "llvm.aarch64.neon.sdot.v4i32.v16i8")
          : "llvm.x86.avx512.vpdpbusd." + std::to_string(32 * W);
  // The lane operand's 4-byte groups, one vector per (lane chunk, k group).
  SmallVector<Value> lChunks;
  for (int64_t j = 0; j < NW / W; ++j) {
    for (int64_t c = 0; c < K4 / 4; ++c) {
      if (!lStoredKN) {
        Value slice = vector::ExtractStridedSliceOp::create(
            rewriter, loc, l, ArrayRef<int64_t>{j * W, c * 4},
            ArrayRef<int64_t>{W, 4}, ArrayRef<int64_t>{1, 1});
        lChunks.push_back(
            vector::ShapeCastOp::create(rewriter, loc, bytes, slice));
        continue;
      }
      lChunks.push_back(interleaveFourRows(rewriter, loc, l, c * 4, j * W, W));
    }
  }
  Value result = zeros(rewriter, loc, VectorType::get({M, NW}, i32));
  for (int64_t m = 0; m < M; ++m) {
    Value row = vector::ExtractOp::create(rewriter, loc, r, ArrayRef<int64_t>{m});
    Value accRow = vector::ExtractOp::create(rewriter, loc, acc, ArrayRef<int64_t>{m});
    SmallVector<Value> groups;
    for (int64_t c = 0; c < K4 / 4; ++c) {
      Value four = vector::ExtractStridedSliceOp::create(
          rewriter, loc, row, ArrayRef<int64_t>{c * 4}, ArrayRef<int64_t>{4},
          ArrayRef<int64_t>{1});
      Value word = vector::BitCastOp::create(
          rewriter, loc, VectorType::get({1}, i32), four);
      Value splat = vector::BroadcastOp::create(
          rewriter, loc, lanes,
          vector::ExtractOp::create(rewriter, loc, word, ArrayRef<int64_t>{0}));
      groups.push_back(vector::BitCastOp::create(rewriter, loc, bytes, splat));
    }
    for (int64_t j = 0; j < NW / W; ++j) {
      Value a = vector::ExtractStridedSliceOp::create(
          rewriter, loc, accRow, ArrayRef<int64_t>{j * W}, ArrayRef<int64_t>{W},
          ArrayRef<int64_t>{1});
      for (int64_t c = 0; c < K4 / 4; ++c) {
        Value lv = lChunks[j * (K4 / 4) + c], rv = groups[c];
        // vpdpbusd/usdot(acc, unsigned bytes, signed bytes) (usdot's
        // indexed form broadcasts the signed one, the weights); sdot/udot
        // (acc, a, b) with the broadcast operand last.
        Value u = isUnsigned[lIdx] ? lv : rv, s = isUnsigned[lIdx] ? rv : lv;
        if (sameSign) {
          u = lv;
          s = rv;
        }
        a = LLVM::CallIntrinsicOp::create(
                rewriter, loc, lanes, rewriter.getStringAttr(intrinsic),
                ValueRange{a, u, s})
                .getResult(0);
      }
      accRow = vector::InsertStridedSliceOp::create(
          rewriter, loc, a, accRow, ArrayRef<int64_t>{j * W},
          ArrayRef<int64_t>{1});
    }
    result = vector::InsertOp::create(rewriter, loc, accRow, result,
                                      ArrayRef<int64_t>{m});
  }
  // The padding lanes are dropped before the store (same reason).
  if (NW != N) {
    result = vector::ExtractStridedSliceOp::create(
        rewriter, loc, result, ArrayRef<int64_t>{0, 0},
        ArrayRef<int64_t>{M, N}, ArrayRef<int64_t>{1, 1});
  }
  SmallVector<Value> indices(2, c0);
  Operation *write = vector::TransferWriteOp::create(
      rewriter, loc, result, init, indices, ArrayRef<bool>{true, true});
  rewriter.replaceOp(op, write->getResults());
  return write;
}

Operation *mlir::etch::llvmcpu::vectorizeAArch64Int8Tile(
    RewriterBase &rewriter, Operation *op, const Int8DotTarget &target) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  auto elementOf = [](Value v) { return getElementTypeOrSelf(v.getType()); };
  if (!target.sameSignedness() || !linalgOp ||
      linalgOp.getNumDpsInputs() != 2 || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumReductionLoops() != 1 ||
      !linalgOp.hasPureTensorSemantics() ||
      !elementOf(linalgOp.getDpsInputOperand(0)->get()).isInteger(8) ||
      !elementOf(linalgOp.getDpsInputOperand(1)->get()).isInteger(8) ||
      !elementOf(linalgOp.getDpsInitOperand(0)->get()).isInteger(32)) {
    return op;
  }
  rewriter.setInsertionPoint(op);
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic) {
    FailureOr<linalg::GenericOp> g =
        linalg::generalizeNamedOp(rewriter, linalgOp);
    if (failed(g)) {
      return op;
    }
    generic = *g;
  }
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  rewriter.setInsertionPoint(generic);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, generic, control);
  if (succeeded(dropped)) {
    auto reduced =
        dyn_cast<linalg::GenericOp>(dropped->resultOp.getOperation());
    rewriter.replaceOp(generic, dropped->replacements);
    if (!reduced) {
      return dropped->resultOp.getOperation();
    }
    generic = reduced;
  }
  if (succeeded(vectorizeInt8DotProduct(rewriter, generic, target))) {
    return nullptr;
  }
  return generic;
}

Int8DotTarget
mlir::etch::llvmcpu::getInt8DotTarget(const CPUTargetInfo &target) {
  Int8DotTarget dot;
  if (target.hasAVX512VNNI) {
    dot.kind = Int8DotKind::X86VPDPBUSD;
    dot.maxLanes = 16;
    dot.minLanes = target.hasAVX512VL || target.hasAVXVNNI ? 4 : 16;
  } else if (target.hasAVXVNNI) {
    dot.kind = Int8DotKind::X86VPDPBUSD;
    dot.maxLanes = 8;
    dot.minLanes = 4;
  } else if (target.hasDotProd) {
    dot.kind = Int8DotKind::AArch64Dot;
    dot.maxLanes = 4;
    dot.minLanes = 4;
    dot.hasUSDot = target.hasI8MM;
  }
  return dot;
}
