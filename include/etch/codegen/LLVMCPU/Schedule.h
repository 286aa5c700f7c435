//===- Schedule.h - #etch.schedule heuristics and queries -------*- C++ -*-===//
//
// Everything the LLVMCPU passes share about schedules: which ops are roots,
// which elementwise consumers fuse into a root's tiles, the default
// heuristics, and the op-level verifier for a schedule.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_LLVMCPU_SCHEDULE_H
#define ETCH_CODEGEN_LLVMCPU_SCHEDULE_H

#include "etch/codegen/LLVMCPU/TargetInfo.h"
#include "etch/dialects/Etch/IR/EtchAttrs.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::etch::llvmcpu {

/// Discardable attribute name under which an op carries its schedule.
constexpr llvm::StringLiteral kScheduleAttrName = "etch.schedule";

/// The schedule attached to `op`, or null.
ScheduleAttr getSchedule(Operation *op);

/// Pipeline kind the heuristics pick for `op` (None: not a root).
PipelineKind classifyRootOp(linalg::LinalgOp op);

/// Elementwise consumers of `root` that are fused into its tiles, in order:
/// each one is the single user of the previous value, all-parallel, with
/// identity maps on that operand and on its result, and a result of the same
/// shape (its element type may differ: an i32 accumulator requantized to i8).
SmallVector<linalg::LinalgOp> getConsumerChain(linalg::LinalgOp root);

/// True for ops that tiling fuses into any consumer tile that reads them:
/// fills and all-parallel linalg ops whose inputs are not computed by other
/// linalg ops (bias broadcasts and the like).
bool isCheapFusableProducer(Operation *op);

/// Shape facts the heuristics use, kept free of IR so unit tests can call the
/// heuristics directly.
struct LoopNestInfo {
  PipelineKind kind = PipelineKind::None;
  /// Static loop ranges, one per loop of the root op.
  SmallVector<int64_t> ranges;
  /// True for reduction loops.
  SmallVector<bool> isReduction;
  /// Role of each loop for matmul/conv-like kinds (see LoopRole).
  SmallVector<int> roles;
  /// A uint8 x int8 -> int32 contraction (one operand zero-extended, the
  /// other sign-extended): the form of x86's `vpdpbusd`, which reduces 4
  /// bytes per lane, so its K tile is longer.
  bool isMixedInt8 = false;
  /// 8-bit integer operands, an i32 result: a quantized conv or matmul
  /// (followed by a requantization), with either extension.
  bool isInt8 = false;
  /// An int8 x int8 -> int32 contraction with both operands sign-extended:
  /// the form of AArch64's `sdot` (4 bytes per lane as well).
  bool isSignedInt8 = false;
};

/// Loop roles: which loop is the register-tile row (M, output channel),
/// column (N, output width: the vectorized one), and the reduction feeding
/// the FMA chain (K, input channel). Everything else is tiled to 1.
enum LoopRole : int {
  kRoleOther = 0,
  kRoleRow = 1,
  kRoleCol = 2,
  kRoleK = 3,
  kRoleOuterParallel = 4, // tiled at level 0 for locality, then 1
  kRoleWindow = 5,        // kh/kw: reduction tiled to 1
};

/// Computes the loop roles of `op` for its kind; failure if the op's loops
/// are not all static.
FailureOr<LoopNestInfo> getLoopNestInfo(linalg::LinalgOp op,
                                        PipelineKind kind);

/// Plain tile sizes the heuristics pick (levels 0..2, vector sizes,
/// parallel dims), indexed by loop.
struct ScheduleSizes {
  SmallVector<int64_t> workgroup, registerTiles, reduction, vector, parallel;
};

/// The default heuristics: register tiles from vector width and register
/// count, cache tiles for locality, reduction tiles that divide K.
ScheduleSizes computeDefaultSchedule(const LoopNestInfo &info,
                                     const CPUTargetInfo &target);

/// Builds the attribute for `sizes`.
ScheduleAttr buildScheduleAttr(MLIRContext *ctx, PipelineKind kind,
                               const ScheduleSizes &sizes);

/// Verifies `schedule` against the op it is attached to (loop count, level 1
/// and level 0 only on parallel loops, level 2 only on reduction loops,
/// parallel dims parallel). Emits errors on `op`.
LogicalResult verifyScheduleForOp(Operation *op, ScheduleAttr schedule);

/// `schedule` made to distribute `op` over `threads` threads: `parallel`
/// becomes the one parallel loop, first in level-0 loop order, whose whole
/// level-0 tiles split evenly (no remainder, a multiple of `threads` or many
/// tiles), else the first with at least `threads` whole tiles, else the one
/// with the most. Its level-0 tile is kept, or its level-1 tile (or 1) where
/// level 0 did not tile it, or made smaller (whole level-1 tiles) where that
/// gives fewer than `threads` whole tiles.
/// Unchanged for `threads` <= 1 and for ops with no parallel loop of two or
/// more tiles. The strategy selection applies it to the schedules it picks;
/// schedules given by a tuner keep their own `parallel` loops.
ScheduleAttr distributeOverThreads(linalg::LinalgOp op, ScheduleAttr schedule,
                                   int64_t threads);

/// The level-0 tile sizes the threads share: those of the schedule's
/// `parallel` loops (zero elsewhere); all zero if none has a level-0 tile.
SmallVector<int64_t> getDistributedTileSizes(ScheduleAttr schedule);

} // namespace mlir::etch::llvmcpu

#endif // ETCH_CODEGEN_LLVMCPU_SCHEDULE_H
