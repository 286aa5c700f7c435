//===- FuseWeightDequant.cpp - unpack weights inside contractions ---------===//
//
// A weight stored narrower than it computes (int4 codes packed two per
// byte, ImportInt4.cpp) reaches linalg as a chain of elementwise generics on
// constants -- shift, mask, widen to float, subtract the zero point, scale --
// feeding a contraction. As separate ops the chain would be a root of its
// own and write the whole float weight to the arena; fused into the
// contraction's generic (upstream elementwise fusion), the unpacking is part
// of the contraction's body: it is tiled, vectorized and kept in registers
// with the multiply-adds, and only the packed bytes are ever read.
//
// Only such dequantization chains are fused: every leaf input is a
// constant, the chain widens an integer to a float somewhere, each link has
// one use and the chain ends in a generic with reduction loops.
//
//===----------------------------------------------------------------------===//
#include "LLVMCPUPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

using namespace mlir;
using namespace mlir::etch;

namespace {

bool isAllParallel(linalg::GenericOp op) {
  return op.getNumReductionLoops() == 0 && op->getNumResults() == 1 &&
         op.hasPureTensorSemantics();
}

/// Whether `op` computes only from constants (directly or through other
/// such generics); `widens` is set when one of them converts int to float.
bool isConstantChain(linalg::GenericOp op, bool &widens) {
  if (!isAllParallel(op)) {
    return false;
  }
  op.getBody()->walk([&](Operation *inner) {
    widens |= isa<arith::UIToFPOp, arith::SIToFPOp>(inner);
  });
  for (OpOperand *input : op.getDpsInputOperands()) {
    Operation *def = input->get().getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>()) {
      continue;
    }
    auto producer = dyn_cast_or_null<linalg::GenericOp>(def);
    if (!producer || !isConstantChain(producer, widens)) {
      return false;
    }
  }
  return true;
}

/// The generic with reduction loops that `op`'s single-use chain of
/// all-parallel generics ends in, or null.
linalg::GenericOp contractionSink(Operation *op) {
  while (op && op->getNumResults() == 1 && op->getResult(0).hasOneUse()) {
    auto user = dyn_cast<linalg::GenericOp>(*op->getResult(0).user_begin());
    if (!user) {
      return {};
    }
    if (user.getNumReductionLoops() != 0) {
      return user;
    }
    if (!isAllParallel(user)) {
      return {};
    }
    op = user;
  }
  return {};
}

bool shouldFuse(OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  if (!producer || !producer->getResult(0).hasOneUse()) {
    return false;
  }
  bool widens = false;
  if (!isConstantChain(producer, widens)) {
    return false;
  }
  // The consumer's own body may hold the widening (a later link).
  Operation *consumer = operand->getOwner();
  if (auto generic = dyn_cast<linalg::GenericOp>(consumer)) {
    generic.getBody()->walk([&](Operation *inner) {
      widens |= isa<arith::UIToFPOp, arith::SIToFPOp>(inner);
    });
  }
  return widens && contractionSink(producer);
}

/// Fuses one dequantizing producer into `consumer`; the fused op, or null.
Operation *fuseOne(RewriterBase &rewriter, linalg::GenericOp consumer) {
  for (OpOperand &operand : consumer->getOpOperands()) {
    if (!shouldFuse(&operand) ||
        !linalg::areElementwiseOpsFusable(&operand)) {
      continue;
    }
    Operation *producer = operand.get().getDefiningOp();
    rewriter.setInsertionPoint(consumer);
    FailureOr<linalg::ElementwiseOpFusionResult> fused =
        linalg::fuseElementwiseOps(rewriter, &operand);
    if (failed(fused)) {
      continue;
    }
    for (auto [orig, replacement] : fused->replacements) {
      rewriter.replaceUsesWithIf(orig, replacement, [&](OpOperand &use) {
        return use.getOwner() != consumer.getOperation();
      });
    }
    rewriter.eraseOp(consumer);
    if (producer->use_empty()) {
      rewriter.eraseOp(producer);
    }
    return fused->fusedOp;
  }
  return nullptr;
}

} // namespace

void mlir::etch::llvmcpu::fuseWeightDequant(Operation *root) {
  // Not a greedy pattern driver: that would also erase unrelated dead ops.
  IRRewriter rewriter(root->getContext());
  SmallVector<linalg::GenericOp> contractions;
  root->walk([&](linalg::GenericOp op) {
    if (op.getNumReductionLoops() != 0) {
      contractions.push_back(op);
    }
  });
  for (linalg::GenericOp op : contractions) {
    while (Operation *fused = fuseOne(rewriter, op)) {
      op = cast<linalg::GenericOp>(fused);
    }
  }
}
