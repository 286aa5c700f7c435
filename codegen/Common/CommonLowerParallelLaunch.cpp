//===- CommonLowerParallelLaunch.cpp - launches -> etch_parallel_for_tid --===//
//
// After the LLVM conversion a launch declaration has the bare-pointer
// signature of the values its outlined body captured. Each call of it packs
// those values into a struct on the caller's stack and hands it, with a
// thunk that unpacks them, to the runtime's thread pool.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Parallel.h"
#include "etch/codegen/Common/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "etch-common-lower-parallel-launch"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONLOWERPARALLELLAUNCHPASS
#include "codegen/Common/Passes.h.inc"

namespace {

struct CommonLowerParallelLaunchPass
    : public impl::CommonLowerParallelLaunchPassBase<
          CommonLowerParallelLaunchPass> {
  using Base::Base;
  void runOnOperation() override;
};

/// `value` as an integer of `type` (index arguments may be 32-bit).
Value castInteger(OpBuilder &b, Location loc, Value value, Type type) {
  unsigned from = value.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (from == to) {
    return value;
  }
  if (from > to) {
    return LLVM::TruncOp::create(b, loc, type, value);
  }
  return LLVM::SExtOp::create(b, loc, type, value);
}

/// `void thunk(void *ctx, int64_t begin, int64_t end, int32_t tid)`: loads
/// the captured values from `ctx` and calls `body` with them.
LLVM::LLVMFuncOp buildThunk(OpBuilder &b, LLVM::LLVMFuncOp launch,
                            LLVM::LLVMFuncOp body,
                            LLVM::LLVMStructType ctxType) {
  MLIRContext *ctx = b.getContext();
  Location loc = launch.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64), i32 = IntegerType::get(ctx, 32);
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  auto thunk = LLVM::LLVMFuncOp::create(
      b, loc, (body.getName() + "_thunk").str(),
      LLVM::LLVMFunctionType::get(voidType, {ptrType, i64, i64, i32}),
      LLVM::Linkage::Internal);
  Block *entry = thunk.addEntryBlock(b);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(entry);
  SmallVector<Value> args;
  for (auto [i, type] : llvm::enumerate(ctxType.getBody())) {
    Value field = LLVM::GEPOp::create(
        b, loc, ptrType, ctxType, entry->getArgument(0),
        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
    args.push_back(LLVM::LoadOp::create(b, loc, type, field));
  }
  ArrayRef<Type> params = body.getFunctionType().getParams();
  unsigned n = params.size();
  args.push_back(castInteger(b, loc, entry->getArgument(1), params[n - 3]));
  args.push_back(castInteger(b, loc, entry->getArgument(2), params[n - 2]));
  args.push_back(castInteger(b, loc, entry->getArgument(3), params[n - 1]));
  LLVM::CallOp::create(b, loc, body, args);
  LLVM::ReturnOp::create(b, loc, ValueRange());
  return thunk;
}

} // namespace

void CommonLowerParallelLaunchPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  SymbolTable symbols(module);
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64), i32 = IntegerType::get(ctx, 32);
  auto voidType = LLVM::LLVMVoidType::get(ctx);

  SmallVector<LLVM::LLVMFuncOp> launches;
  for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
    if (fn->hasAttr(kParallelLaunchAttr)) {
      launches.push_back(fn);
    }
  }
  if (launches.empty()) {
    return;
  }
  if (threads < 1) {
    module.emitError() << "etch-common-lower-parallel-launch: threads must be "
                          ">= 1, got "
                       << threads;
    return signalPassFailure();
  }

  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  // void etch_parallel_for_tid(int64_t n, void (*fn)(void *, int64_t,
  //                            int64_t, int32_t), void *ctx,
  //                            int32_t max_threads)
  auto runtime = symbols.lookup<LLVM::LLVMFuncOp>(kParallelForTidFunc);
  if (!runtime) {
    runtime = LLVM::LLVMFuncOp::create(
        b, module.getLoc(), kParallelForTidFunc,
        LLVM::LLVMFunctionType::get(voidType, {i64, ptrType, ptrType, i32}));
    symbols.insert(runtime);
  }

  for (LLVM::LLVMFuncOp launch : launches) {
    auto info = launch->getAttrOfType<DictionaryAttr>(kParallelLaunchAttr);
    auto bodyRef = info ? info.getAs<FlatSymbolRefAttr>("body") : nullptr;
    auto count = info ? info.getAs<IntegerAttr>("count") : nullptr;
    auto body = bodyRef ? symbols.lookup<LLVM::LLVMFuncOp>(bodyRef.getValue())
                        : nullptr;
    if (!body || !count ||
        body.getFunctionType().getNumParams() !=
            launch.getFunctionType().getNumParams() + 3) {
      launch.emitOpError() << "internal error: malformed "
                           << kParallelLaunchAttr;
      return signalPassFailure();
    }
    auto ctxType = LLVM::LLVMStructType::getLiteral(
        ctx, launch.getFunctionType().getParams());
    b.setInsertionPointAfter(body);
    LLVM::LLVMFuncOp thunk = buildThunk(b, launch, body, ctxType);

    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (call.getCallee() == launch.getName()) {
        calls.push_back(call);
      }
    });
    for (LLVM::CallOp call : calls) {
      Location loc = call.getLoc();
      auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
      Value context;
      if (ctxType.getBody().empty()) {
        b.setInsertionPoint(call);
        context = LLVM::ZeroOp::create(b, loc, ptrType);
      } else {
        // In the entry block: one stack slot however often the call runs.
        b.setInsertionPointToStart(&caller.getBody().front());
        Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
        context = LLVM::AllocaOp::create(b, loc, ptrType, ctxType, one);
        b.setInsertionPoint(call);
        for (auto [i, operand] : llvm::enumerate(call.getArgOperands())) {
          Value field = LLVM::GEPOp::create(
              b, loc, ptrType, ctxType, context,
              ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
          LLVM::StoreOp::create(b, loc, operand, field);
        }
      }
      b.setInsertionPoint(call);
      Value n = LLVM::ConstantOp::create(b, loc, i64, count.getInt());
      Value fn = LLVM::AddressOfOp::create(b, loc, ptrType, thunk.getName());
      Value maxThreads = LLVM::ConstantOp::create(b, loc, i32, threads);
      LLVM::CallOp::create(b, loc, runtime,
                           ValueRange{n, fn, context, maxThreads});
      call.erase();
    }
    launch.erase();
  }
}

} // namespace mlir::etch
