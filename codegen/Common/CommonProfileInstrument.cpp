//===- CommonProfileInstrument.cpp - Per-layer timing calls ---------------===//
//
// `etch-compile --profile`: after memory planning, the entry function is a
// sequence of top-level loop nests and ops, each tagged with the ONNX node
// it came from. Bracketing them with runtime calls (runtime/src/profile.c)
// measures exactly what runs, whatever tiling and fusion made of it, and
// the table the runtime fills lives in the object (etch_profile_t).
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/Passes.h"

#include "ProfileNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "etch-common-profile-instrument"

namespace mlir::etch {
#define GEN_PASS_DEF_COMMONPROFILEINSTRUMENTPASS
#include "codegen/Common/Passes.h.inc"

namespace {

/// Ops that do no work of their own (addresses, constants, views): they
/// are timed with the layer that follows them.
bool isBookkeeping(Operation *op) {
  return isa<arith::ConstantOp, memref::GetGlobalOp, memref::AllocOp,
             memref::AllocaOp, memref::DeallocOp, memref::CastOp,
             memref::ReinterpretCastOp, memref::ExtractStridedMetadataOp,
             memref::AssumeAlignmentOp>(op) ||
         isa<ViewLikeOpInterface>(op) ||
         isa<LLVM::LLVMDialect>(op->getDialect());
}

/// A run of consecutive top-level ops from one ONNX node.
struct Group {
  int32_t layer;
  Operation *last;
};

struct Layer {
  std::string op;
  int64_t flops = 0;
  /// Other ONNX nodes whose ops run inside this layer's loop nests.
  std::string fused;
};

/// `{op, flops}` of a node from `etch.profile.nodes`.
struct NodeInfo {
  std::string op;
  int64_t flops = 0;
};

class ProfileTableBuilder {
public:
  ProfileTableBuilder(ModuleOp module, llvm::StringRef modelName)
      : module(module), ctx(module.getContext()), b(module.getBodyRegion()),
        symbols(module), modelName(modelName) {
    b.setInsertionPointToStart(module.getBody());
    ptrTy = LLVM::LLVMPointerType::get(ctx);
    i32Ty = b.getI32Type();
    i64Ty = b.getI64Type();
  }

  /// The profile global for `layers` (names and their fields, in order).
  LLVM::GlobalOp build(Location loc,
                       const llvm::MapVector<StringAttr, Layer> &layers) {
    int64_t n = layers.size();
    // etch_profile_layer_t {name, op, flops, fused}
    auto layerTy =
        LLVM::LLVMStructType::getLiteral(ctx, {ptrTy, ptrTy, i64Ty, ptrTy});
    auto tableTy = LLVM::LLVMArrayType::get(layerTy, n);
    auto nsTy = LLVM::LLVMArrayType::get(i64Ty, n);
    llvm::SmallVector<LLVM::GlobalOp> names, ops, fused;
    for (const auto &[name, layer] : layers) {
      names.push_back(cString(loc, name.getValue(), "etch_profile_name"));
      ops.push_back(cString(loc, layer.op, "etch_profile_op"));
      fused.push_back(cString(loc, layer.fused, "etch_profile_fused"));
    }
    LLVM::GlobalOp table, times;
    if (n > 0) {
      table = global(
          loc, tableTy, /*constant=*/true, "etch_profile_layers",
          [&](OpBuilder &ib) -> Value {
            Value v = LLVM::UndefOp::create(ib, loc, tableTy);
            for (auto [i, entry] : llvm::enumerate(layers)) {
              int64_t idx = i;
              v = LLVM::InsertValueOp::create(ib, loc, v,
                                              addressOf(ib, loc, names[i]),
                                              llvm::ArrayRef<int64_t>{idx, 0});
              v = LLVM::InsertValueOp::create(ib, loc, v,
                                              addressOf(ib, loc, ops[i]),
                                              llvm::ArrayRef<int64_t>{idx, 1});
              v = LLVM::InsertValueOp::create(
                  ib, loc, v,
                  LLVM::ConstantOp::create(
                      ib, loc, i64Ty, ib.getI64IntegerAttr(entry.second.flops)),
                  llvm::ArrayRef<int64_t>{idx, 2});
              v = LLVM::InsertValueOp::create(ib, loc, v,
                                              addressOf(ib, loc, fused[i]),
                                              llvm::ArrayRef<int64_t>{idx, 3});
            }
            return v;
          });
      times = global(loc, nsTy, /*constant=*/false, "etch_profile_ns",
                     [&](OpBuilder &ib) -> Value {
                       return LLVM::ZeroOp::create(ib, loc, nsTy);
                     });
    }
    LLVM::GlobalOp model = cString(loc, modelName, "etch_profile_model");
    // etch_profile_t {model, num_layers, layers, layer_ns, runs, total_ns,
    //                 start_ns, last_ns, next, registered}
    auto profileTy = LLVM::LLVMStructType::getLiteral(
        ctx,
        {ptrTy, i32Ty, ptrTy, ptrTy, i64Ty, i64Ty, i64Ty, i64Ty, ptrTy, i32Ty});
    return global(
        loc, profileTy, /*constant=*/false, "etch_profile",
        [&](OpBuilder &ib) -> Value {
          Value v = LLVM::ZeroOp::create(ib, loc, profileTy);
          Value null = LLVM::ZeroOp::create(ib, loc, ptrTy);
          v = LLVM::InsertValueOp::create(ib, loc, v, addressOf(ib, loc, model),
                                          llvm::ArrayRef<int64_t>{0});
          v = LLVM::InsertValueOp::create(
              ib, loc, v,
              LLVM::ConstantOp::create(ib, loc, i32Ty, ib.getI32IntegerAttr(n)),
              llvm::ArrayRef<int64_t>{1});
          v = LLVM::InsertValueOp::create(
              ib, loc, v, table ? addressOf(ib, loc, table) : null,
              llvm::ArrayRef<int64_t>{2});
          v = LLVM::InsertValueOp::create(
              ib, loc, v, times ? addressOf(ib, loc, times) : null,
              llvm::ArrayRef<int64_t>{3});
          return v;
        });
  }

private:
  static Value addressOf(OpBuilder &ib, Location loc, LLVM::GlobalOp global) {
    return LLVM::AddressOfOp::create(ib, loc, global);
  }

  LLVM::GlobalOp cString(Location loc, llvm::StringRef text,
                         llvm::StringRef symbol) {
    std::string bytes = text.str();
    bytes.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size());
    auto global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                         LLVM::Linkage::Internal, symbol,
                                         b.getStringAttr(bytes));
    symbols.insert(global);
    return global;
  }

  LLVM::GlobalOp global(Location loc, Type type, bool constant,
                        llvm::StringRef symbol,
                        llvm::function_ref<Value(OpBuilder &)> init) {
    auto global = LLVM::GlobalOp::create(
        b, loc, type, constant, LLVM::Linkage::Internal, symbol, Attribute());
    symbols.insert(global);
    Block *body = b.createBlock(&global.getInitializerRegion());
    OpBuilder ib = OpBuilder::atBlockEnd(body);
    LLVM::ReturnOp::create(ib, loc, init(ib));
    b.setInsertionPointAfter(global);
    return global;
  }

  ModuleOp module;
  MLIRContext *ctx;
  OpBuilder b;
  SymbolTable symbols;
  std::string modelName;
  Type ptrTy, i32Ty, i64Ty;
};

/// `func.func private @name(types)`, declared once.
func::FuncOp declareRuntimeFunction(ModuleOp module, llvm::StringRef name,
                                    TypeRange inputs) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name)) {
    return existing;
  }
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name,
                                 b.getFunctionType(inputs, TypeRange()));
  fn.setPrivate();
  return fn;
}

struct CommonProfileInstrumentPass
    : public impl::CommonProfileInstrumentPassBase<
          CommonProfileInstrumentPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(entry);
    if (!fn || fn.isExternal()) {
      module.emitError() << "--profile: no entry function '" << entry << "'";
      return signalPassFailure();
    }
    if (!fn.getBody().hasOneBlock()) {
      fn.emitError() << "--profile needs the entry as one block of "
                        "structured control flow";
      return signalPassFailure();
    }
    if (module.lookupSymbol("etch_profile")) {
      module.emitError() << "--profile: the module is already instrumented";
      return signalPassFailure();
    }
    DictionaryAttr nodes =
        module->getAttrOfType<DictionaryAttr>(kProfileNodesAttrName);

    llvm::DenseMap<StringAttr, NodeInfo> infos;
    if (nodes) {
      for (NamedAttribute entry : nodes) {
        auto fields = dyn_cast<DictionaryAttr>(entry.getValue());
        if (!fields) {
          continue;
        }
        NodeInfo &info = infos[entry.getName()];
        if (auto opName = fields.getAs<StringAttr>("op")) {
          info.op = opName.str();
        }
        if (auto flops = fields.getAs<IntegerAttr>("flops")) {
          info.flops = flops.getInt();
        }
      }
    }
    auto flopsOf = [&](StringAttr name) {
      auto it = infos.find(name);
      return it == infos.end() ? int64_t(0) : it->second.flops;
    };

    // Each top-level op is named after the costliest node among its own and
    // its nested ops: tile-and-fuse may make a residual Add the root of the
    // loop nest that computes the conv feeding it, and that nest is the
    // conv's layer. A node's FLOPs count in the layer holding most of the
    // ops named after it (where its payload was computed); the other nodes
    // counted in a layer are listed as fused into it.
    struct Named {
      Operation *op;
      llvm::MapVector<StringAttr, int64_t> names; // name -> ops carrying it
      StringAttr key;
    };
    Block &body = fn.getBody().front();
    llvm::SmallVector<Named> named;
    for (Operation &op : body.without_terminator()) {
      if (isBookkeeping(&op)) {
        continue;
      }
      Named entry{&op, {}, {}};
      op.walk<WalkOrder::PreOrder>([&](Operation *nested) {
        if (std::optional<StringAttr> name =
                profileNodeName(nested->getLoc())) {
          ++entry.names[*name];
        }
      });
      if (entry.names.empty()) {
        continue;
      }
      entry.key = entry.names.front().first;
      for (auto &[name, count] : entry.names) {
        if (flopsOf(name) > flopsOf(entry.key)) {
          entry.key = name;
        }
      }
      named.push_back(std::move(entry));
    }

    llvm::MapVector<StringAttr, Layer> layers;
    llvm::SmallVector<Group> groups;
    // Per node: the layer with the most of its ops, and how many.
    llvm::MapVector<StringAttr, std::pair<int32_t, int64_t>> home;
    llvm::DenseMap<std::pair<StringAttr, int32_t>, int64_t> tally;
    for (const Named &entry : named) {
      auto [it, inserted] = layers.insert({entry.key, Layer()});
      int32_t index = std::distance(layers.begin(), it);
      if (inserted) {
        auto info = infos.find(entry.key);
        if (info != infos.end()) {
          it->second.op = info->second.op;
        }
      }
      for (auto &[name, count] : entry.names) {
        int64_t total = tally[{name, index}] += count;
        auto [best, fresh] = home.insert({name, {index, total}});
        if (!fresh && total > best->second.second) {
          best->second = {index, total};
        }
      }
      if (groups.empty() || groups.back().layer != index) {
        groups.push_back({index, entry.op});
      } else {
        groups.back().last = entry.op;
      }
    }
    for (auto &[name, where] : home) {
      auto &[key, layer] = layers.begin()[where.first];
      layer.flops += flopsOf(name);
      if (name != key) {
        layer.fused += (layer.fused.empty() ? "" : ",") + name.str();
      }
    }

    Location loc = fn.getLoc();
    LLVM::GlobalOp profile =
        ProfileTableBuilder(module, modelName).build(loc, layers);
    Type ptrTy = LLVM::LLVMPointerType::get(&getContext());
    OpBuilder b(&getContext());
    func::FuncOp begin =
        declareRuntimeFunction(module, "etch_profile_begin", {ptrTy});
    func::FuncOp mark = declareRuntimeFunction(module, "etch_profile_mark",
                                               {ptrTy, b.getI32Type()});
    func::FuncOp end =
        declareRuntimeFunction(module, "etch_profile_end", {ptrTy});

    b.setInsertionPointToStart(&body);
    Value p = LLVM::AddressOfOp::create(b, loc, profile);
    func::CallOp::create(b, loc, begin, ValueRange{p});
    for (const Group &group : groups) {
      b.setInsertionPointAfter(group.last);
      Value layer = arith::ConstantIntOp::create(b, group.last->getLoc(),
                                                 group.layer, 32);
      func::CallOp::create(b, group.last->getLoc(), mark, ValueRange{p, layer});
    }
    b.setInsertionPoint(body.getTerminator());
    func::CallOp::create(b, loc, end, ValueRange{p});
    module->removeAttr(kProfileNodesAttrName);
  }
};

} // namespace
} // namespace mlir::etch
