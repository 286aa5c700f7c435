//===- ExpandFloatIntrinsics.cpp - No libm calls on soft-float targets ----===//
//
// Where a float type is not legal in the target's registers (Cortex-M0/M3,
// RV32IMAC, a Cortex-M7 without --mcpu), the code generator softens every
// floating-point op into a runtime call: arithmetic into compiler-runtime
// helpers (__aeabi_fadd, __addsf3: fine), but sqrt, fmin/fmax and friends
// into libm (sqrtf, fminf, and fmaxf/fmaximumf for min/max reductions).
// Those intrinsics are rewritten here, in LLVM IR, into arithmetic and
// compares; sqrt also where the target has no fast square root.
//
//===----------------------------------------------------------------------===//
#include "EmitObjectInternal.h"

#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/CodeGen/TargetLowering.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"
#include "llvm/CodeGen/ValueTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <cmath>
#include <limits>

namespace mlir::etch::detail {

namespace {

/// sqrt(x) from a bit-trick reciprocal square root estimate, Newton steps on
/// 1/sqrt(x), and one Heron step on sqrt(x); exact for 0, inf and NaN.
llvm::Value *buildSqrt(llvm::IRBuilder<> &b, llvm::Value *x) {
  llvm::Type *type = x->getType();
  llvm::Type *scalar = type->getScalarType();
  bool isDouble = scalar->isDoubleTy();
  unsigned bits = isDouble ? 64 : 32;
  llvm::Type *intType = b.getIntNTy(bits);
  if (auto *vec = llvm::dyn_cast<llvm::VectorType>(type)) {
    intType = llvm::VectorType::get(intType, vec->getElementCount());
  }
  auto fp = [&](double v) { return llvm::ConstantFP::get(type, v); };
  llvm::Constant *magic = llvm::ConstantInt::get(
      intType, isDouble ? 0x5fe6eb50c7b537a9ULL : 0x5f3759dfULL);
  llvm::Value *asInt = b.CreateBitCast(x, intType);
  llvm::Value *estimate = b.CreateBitCast(
      b.CreateSub(magic, b.CreateLShr(asInt, 1)), type);
  llvm::Value *halfX = b.CreateFMul(x, fp(0.5));
  llvm::Value *y = estimate;
  for (int i = 0, e = isDouble ? 4 : 3; i < e; ++i) {
    // y = y * (1.5 - 0.5 * x * y * y)
    llvm::Value *t = b.CreateFMul(halfX, b.CreateFMul(y, y));
    y = b.CreateFMul(y, b.CreateFSub(fp(1.5), t));
  }
  llvm::Value *s = b.CreateFMul(x, y);
  s = b.CreateFMul(fp(0.5), b.CreateFAdd(s, b.CreateFDiv(x, s)));
  // Special cases: sqrt(+-0) = +-0, sqrt(+inf) = +inf, sqrt(<0) = NaN,
  // sqrt(NaN) = NaN.
  llvm::Value *zero = b.CreateFCmpOEQ(x, fp(0.0));
  llvm::Value *inf =
      b.CreateFCmpOEQ(x, fp(std::numeric_limits<double>::infinity()));
  llvm::Value *invalid = b.CreateFCmpULT(x, fp(0.0));
  llvm::Value *r = b.CreateSelect(inf, x, s);
  r = b.CreateSelect(zero, x, r);
  return b.CreateSelect(invalid, fp(std::numeric_limits<double>::quiet_NaN()),
                        r);
}

/// maxnum/minnum (the non-NaN operand wins) and maximum/minimum (NaN wins).
llvm::Value *buildMinMax(llvm::IRBuilder<> &b, llvm::Intrinsic::ID id,
                         llvm::Value *x, llvm::Value *y) {
  bool isMax = id == llvm::Intrinsic::maxnum || id == llvm::Intrinsic::maximum;
  bool propagateNaN =
      id == llvm::Intrinsic::maximum || id == llvm::Intrinsic::minimum;
  llvm::Value *better = isMax ? b.CreateFCmpOGT(x, y) : b.CreateFCmpOLT(x, y);
  llvm::Value *nanCase =
      propagateNaN ? b.CreateFCmpUNO(x, x) : b.CreateFCmpUNO(y, y);
  return b.CreateSelect(b.CreateOr(better, nanCase), x, y);
}

/// The min/max intrinsic that folds the elements of a min/max reduction.
llvm::Intrinsic::ID reductionStep(llvm::Intrinsic::ID id) {
  switch (id) {
  case llvm::Intrinsic::vector_reduce_fmax:
    return llvm::Intrinsic::maxnum;
  case llvm::Intrinsic::vector_reduce_fmin:
    return llvm::Intrinsic::minnum;
  case llvm::Intrinsic::vector_reduce_fmaximum:
    return llvm::Intrinsic::maximum;
  case llvm::Intrinsic::vector_reduce_fminimum:
    return llvm::Intrinsic::minimum;
  default:
    return llvm::Intrinsic::not_intrinsic;
  }
}

/// A min/max reduction of `vector` as a chain of compares and selects, in
/// element order (the target's ExpandReductions would emit fmaxf/fmaximumf
/// calls instead).
llvm::Value *buildMinMaxReduction(llvm::IRBuilder<> &b, llvm::Intrinsic::ID id,
                                  llvm::Value *vector) {
  auto *type = llvm::cast<llvm::FixedVectorType>(vector->getType());
  llvm::Intrinsic::ID step = reductionStep(id);
  llvm::Value *acc = b.CreateExtractElement(vector, uint64_t{0});
  for (unsigned i = 1, e = type->getNumElements(); i < e; ++i) {
    acc = buildMinMax(b, step, acc, b.CreateExtractElement(vector, i));
  }
  return acc;
}

} // namespace

void expandLibmIntrinsics(llvm::Module &module, llvm::TargetMachine &tm) {
  llvm::SmallVector<llvm::IntrinsicInst *> worklist;
  for (llvm::Function &fn : module) {
    if (fn.isDeclaration()) {
      continue;
    }
    const llvm::TargetLowering *lowering =
        tm.getSubtargetImpl(fn)->getTargetLowering();
    llvm::TargetTransformInfo tti = tm.getTargetTransformInfo(fn);
    auto softened = [&](llvm::Type *type) {
      llvm::EVT vt = llvm::EVT::getEVT(type->getScalarType());
      return !vt.isSimple() || !lowering->isTypeLegal(vt);
    };
    for (llvm::Instruction &inst : llvm::instructions(fn)) {
      auto *call = llvm::dyn_cast<llvm::IntrinsicInst>(&inst);
      if (!call || !call->getType()->isFPOrFPVectorTy()) {
        continue;
      }
      llvm::Type *type = call->getType();
      switch (call->getIntrinsicID()) {
      case llvm::Intrinsic::sqrt:
        if (softened(type) || !tti.haveFastSqrt(type->getScalarType())) {
          worklist.push_back(call);
        }
        break;
      case llvm::Intrinsic::maxnum:
      case llvm::Intrinsic::minnum:
      case llvm::Intrinsic::maximum:
      case llvm::Intrinsic::minimum:
        if (softened(type)) {
          worklist.push_back(call);
        }
        break;
      case llvm::Intrinsic::vector_reduce_fmax:
      case llvm::Intrinsic::vector_reduce_fmin:
      case llvm::Intrinsic::vector_reduce_fmaximum:
      case llvm::Intrinsic::vector_reduce_fminimum:
        if (softened(type) && llvm::isa<llvm::FixedVectorType>(
                                  call->getArgOperand(0)->getType())) {
          worklist.push_back(call);
        }
        break;
      default:
        break;
      }
    }
  }
  for (llvm::IntrinsicInst *call : worklist) {
    llvm::IRBuilder<> b(call);
    b.setFastMathFlags(call->getFastMathFlags());
    llvm::Intrinsic::ID id = call->getIntrinsicID();
    llvm::Value *replacement =
        id == llvm::Intrinsic::sqrt ? buildSqrt(b, call->getArgOperand(0))
        : reductionStep(id) != llvm::Intrinsic::not_intrinsic
            ? buildMinMaxReduction(b, id, call->getArgOperand(0))
            : buildMinMax(b, id, call->getArgOperand(0),
                          call->getArgOperand(1));
    call->replaceAllUsesWith(replacement);
    call->eraseFromParent();
  }
}

} // namespace mlir::etch::detail
