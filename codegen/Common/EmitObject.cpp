//===- EmitObject.cpp - LLVM IR, ABI wrappers, optimization, object -------===//
//
// After translation to LLVM IR, the lowered entry function takes one pointer
// per input, per output and the arena. Here it becomes internal and gets the
// C ABI around it, written directly with IRBuilder:
//
//   static etch_status_t NAME_run_impl(const void *const *inputs,
//                                      void *const *outputs, void *arena);
//   const etch_model_t NAME_model = {ETCH_ABI_VERSION, "NAME", ...};
//   etch_status_t NAME_run(const float *in0, ..., float *out0, ..., void *);
//
// then the whole module goes through LLVM's O2/O3 pipeline and the target's
// code generator, in process.
//
//===----------------------------------------------------------------------===//
#include "etch/codegen/Common/EmitObject.h"

#include "EmitObjectInternal.h"

#include "etch/codegen/Common/ModelAbi.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Transforms/IPO/LoopExtractor.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

namespace mlir::etch {

namespace {

enum Status : int32_t {
  kOk = 0,
  kInvalidArgument = 1,
  kArenaTooSmall = 2,
  kArenaUnaligned = 3,
};

void initializeTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
  });
}

/// Builds the ABI around the lowered entry function.
class AbiBuilder : public ModelAbiBuilder {
public:
  using ModelAbiBuilder::ModelAbiBuilder;

  void build(llvm::Function *entry) {
    llvm::Function *runImpl = buildRunImpl(entry);
    buildModel(runImpl, sig.arenaSize, sig.arenaAlign);
    buildTypedRun(runImpl);
  }

private:
  /// Loads `count` pointers from the array `table`, returning INVALID_ARGUMENT
  /// through `fail` if the table or an entry is null.
  std::vector<llvm::Value *> loadPointers(llvm::IRBuilder<> &b,
                                          llvm::Value *table, size_t count,
                                          llvm::BasicBlock *fail,
                                          llvm::Function *fn) {
    std::vector<llvm::Value *> values;
    if (count == 0) {
      return values;
    }
    auto check = [&](llvm::Value *isNull) {
      llvm::BasicBlock *next = llvm::BasicBlock::Create(ctx, "ok", fn);
      b.CreateCondBr(isNull, fail, next);
      b.SetInsertPoint(next);
    };
    check(b.CreateIsNull(table));
    for (size_t i = 0; i < count; ++i) {
      llvm::Value *slot = b.CreateConstInBoundsGEP1_64(ptrTy, table, i);
      llvm::Value *ptr = b.CreateAlignedLoad(ptrTy, slot,
                                             layout.getPointerABIAlignment(0));
      check(b.CreateIsNull(ptr));
      values.push_back(ptr);
    }
    return values;
  }

  llvm::Function *buildRunImpl(llvm::Function *entry) {
    auto *fnTy = llvm::FunctionType::get(i32Ty, {ptrTy, ptrTy, ptrTy}, false);
    auto *fn = llvm::Function::Create(fnTy, llvm::GlobalValue::InternalLinkage,
                                      sig.name + "_run_impl", module);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::Argument *inputs = fn->getArg(0);
    llvm::Argument *outputs = fn->getArg(1);
    llvm::Argument *arena = fn->getArg(2);
    inputs->setName("inputs");
    outputs->setName("outputs");
    arena->setName("arena");

    llvm::BasicBlock *start = llvm::BasicBlock::Create(ctx, "entry", fn);
    llvm::BasicBlock *invalid = llvm::BasicBlock::Create(ctx, "invalid", fn);
    llvm::BasicBlock *unaligned = llvm::BasicBlock::Create(ctx, "unaligned", fn);
    llvm::IRBuilder<> b(invalid);
    b.CreateRet(llvm::ConstantInt::get(i32Ty, kInvalidArgument));
    b.SetInsertPoint(unaligned);
    b.CreateRet(llvm::ConstantInt::get(i32Ty, kArenaUnaligned));

    b.SetInsertPoint(start);
    std::vector<llvm::Value *> args =
        loadPointers(b, inputs, sig.inputs.size(), invalid, fn);
    std::vector<llvm::Value *> outs =
        loadPointers(b, outputs, sig.outputs.size(), invalid, fn);
    llvm::append_range(args, outs);
    if (sig.arenaSize > 0) {
      llvm::BasicBlock *nonNull = llvm::BasicBlock::Create(ctx, "arena", fn);
      b.CreateCondBr(b.CreateIsNull(arena), invalid, nonNull);
      b.SetInsertPoint(nonNull);
      llvm::Value *bits = b.CreatePtrToInt(arena, sizeTy);
      llvm::Value *misaligned = b.CreateICmpNE(
          b.CreateAnd(bits, llvm::ConstantInt::get(sizeTy, sig.arenaAlign - 1)),
          llvm::ConstantInt::get(sizeTy, 0));
      llvm::BasicBlock *run = llvm::BasicBlock::Create(ctx, "run", fn);
      b.CreateCondBr(misaligned, unaligned, run);
      b.SetInsertPoint(run);
    }
    args.push_back(arena);
    b.CreateCall(entry, args);
    b.CreateRet(llvm::ConstantInt::get(i32Ty, kOk));
    return fn;
  }

};

uint64_t elfSymbolSize(const llvm::object::SymbolRef &symbol) {
  if (llvm::isa<llvm::object::ELFObjectFileBase>(symbol.getObject())) {
    return llvm::object::ELFSymbolRef(symbol).getSize();
  }
  return 0;
}

/// Symbols an object may leave undefined: the C library's memory functions,
/// compiler-runtime helpers and the etch runtime.
bool isAllowedUndefined(llvm::StringRef name) {
  return name == "memcpy" || name == "memmove" || name == "memset" ||
         name.starts_with("__") || name.starts_with("etch_") ||
         name == "_GLOBAL_OFFSET_TABLE_" || name.empty();
}

/// Instructions in the entry function above which its top-level loop nests
/// (one per fused layer, in practice) are outlined before optimization.
constexpr size_t kOutlineThreshold = 40000;

/// A whole network lowers to one function, and LLVM's O3 (instruction
/// scheduling, register allocation, GVN over the whole CFG) grows faster than
/// linearly with function size: DenseNet-121 as one function takes minutes.
/// Above kOutlineThreshold instructions, each top-level loop nest of `entry`
/// moves to its own non-inlinable function (LLVM's CodeExtractor, through
/// LoopExtractorPass), so the work stays linear in the number of layers.
/// Models up to MobileNetV2's size (~31k instructions, 7 s) keep one
/// function: no calls, and the pointers keep the entry's noalias facts.
void outlineLayerLoops(llvm::Module &module, llvm::Function &entry,
                       llvm::TargetMachine &tm) {
  if (entry.getInstructionCount() < kOutlineThreshold) {
    return;
  }
  llvm::SmallPtrSet<llvm::Function *, 8> before;
  for (llvm::Function &fn : module) {
    before.insert(&fn);
  }
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  // The extractor needs loops with preheaders and dedicated exits.
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(
      llvm::LoopSimplifyPass()));
  mpm.addPass(llvm::LoopExtractorPass());
  mpm.run(module, mam);
  for (llvm::Function &fn : module) {
    if (!before.contains(&fn) && !fn.isDeclaration()) {
      fn.addFnAttr(llvm::Attribute::NoInline);
      fn.addFnAttr(llvm::Attribute::NoUnwind);
    }
  }
}

void optimize(llvm::Module &module, llvm::TargetMachine &tm,
              unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  // LLVM's own instrumentation (e.g. the hidden -time-passes and
  // -print-after flags, for compiler engineers).
  llvm::PassInstrumentationCallbacks pic;
  llvm::StandardInstrumentations si(module.getContext(),
                                    /*DebugLogging=*/false);
  si.registerCallbacks(pic, &mam);
  llvm::PassBuilder pb(&tm, tuning, std::nullopt, &pic);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = llvm::OptimizationLevel::O3;
  switch (optLevel) {
  case 0:
    level = llvm::OptimizationLevel::O0;
    break;
  case 1:
    level = llvm::OptimizationLevel::O1;
    break;
  case 2:
    level = llvm::OptimizationLevel::O2;
    break;
  default:
    break;
  }
  llvm::ModulePassManager mpm = optLevel == 0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

/// Fills the section-derived fields of `sizes` (the globals' are set).
void measureObject(const llvm::object::ObjectFile &object,
                   const ModelSignature &sig, ObjectSizes &sizes) {
  uint64_t code = 0, readOnly = 0;
  for (const llvm::object::SectionRef &section : object.sections()) {
    auto elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(&object);
    uint64_t flags = elf ? llvm::object::ELFSectionRef(section).getFlags() : 0;
    if (elf && !(flags & llvm::ELF::SHF_ALLOC)) {
      continue;
    }
    if (section.isText()) {
      code += section.getSize();
    } else if (section.isBSS() || (flags & llvm::ELF::SHF_WRITE)) {
      sizes.staticRAM += section.getSize();
    } else {
      readOnly += section.getSize();
    }
  }
  for (const llvm::object::SymbolRef &symbol : object.symbols()) {
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    llvm::Expected<llvm::object::SymbolRef::Type> type = symbol.getType();
    if (!name || !type) {
      llvm::consumeError(name.takeError());
      llvm::consumeError(type.takeError());
      continue;
    }
    if (*type == llvm::object::SymbolRef::ST_Function &&
        (*name == sig.name + "_run" || *name == sig.name + "_run_impl")) {
      sizes.glueCode += elfSymbolSize(symbol);
    }
  }
  sizes.glueCode = std::min(sizes.glueCode, code);
  sizes.kernelCode = code - sizes.glueCode;
  uint64_t known = sizes.weights + sizes.abiTables;
  sizes.otherConstants = readOnly > known ? readOnly - known : 0;
}

} // namespace

std::unique_ptr<llvm::TargetMachine>
createEtchTargetMachine(const TargetSpec &spec, unsigned optLevel,
                        std::string &error) {
  initializeTargets();
  // Normalized, so "x86_64-linux-gnu" has OS linux (and gets PIC).
  llvm::Triple triple(llvm::Triple::normalize(
      spec.triple.empty() ? llvm::sys::getDefaultTargetTriple() : spec.triple));
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    return nullptr;
  }
  std::string cpu = spec.cpu.empty() ? "generic" : spec.cpu;
  std::vector<std::string> features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
      features.push_back((feature.second ? "+" : "-") + feature.getKey().str());
    }
  }
  if (!spec.features.empty()) {
    features.push_back(spec.features);
  }
  llvm::TargetOptions options;
  // Bare metal (no OS) links statically; everything else may end up in a
  // shared library.
  std::optional<llvm::Reloc::Model> reloc =
      triple.getOS() == llvm::Triple::UnknownOS ? llvm::Reloc::Static
                                                : llvm::Reloc::PIC_;
  llvm::CodeGenOptLevel level = optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2
                                    ? llvm::CodeGenOptLevel::Default
                                    : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, llvm::join(features, ","), options, reloc, std::nullopt,
      level));
  if (!tm) {
    error = "cannot create a target machine for '" + triple.str() + "'";
  }
  return tm;
}

LogicalResult emitModelObject(ModuleOp module, const ModelSignature &sig,
                              llvm::TargetMachine &tm, unsigned optLevel,
                              llvm::SmallVectorImpl<char> &object,
                              llvm::StringRef entryName,
                              llvm::StringRef weightsSection,
                              ObjectSizes *sizes, TimingScope *timing) {
  auto step = [&](llvm::StringRef name) {
    return timing ? timing->nest(name) : TimingScope();
  };
  TimingScope translateTiming = step("translate to LLVM IR");
  // etch.* argument attributes (names, markers) have no LLVM meaning.
  module.walk([](FunctionOpInterface fn) {
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i) {
      for (NamedAttribute attr : fn.getArgAttrs(i)) {
        if (attr.getName().getValue().starts_with("etch.")) {
          fn.removeArgAttr(i, attr.getName());
        }
      }
    }
  });

  detail::storeLargeConstantsAsBytes(module,
                                     tm.createDataLayout().isLittleEndian());

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, sig.name);
  if (!llvmModule) {
    return module.emitError() << "cannot translate the module to LLVM IR";
  }
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());

  llvm::Function *entry = llvmModule->getFunction(entryName);
  if (!entry || entry->isDeclaration()) {
    return module.emitError() << "no entry function '" << entryName
                              << "' in the LLVM module";
  }
  size_t numParams = sig.inputs.size() + sig.outputs.size() + 1;
  if (entry->arg_size() != numParams) {
    return module.emitError()
           << "entry function takes " << entry->arg_size()
           << " pointers; the signature needs " << numParams;
  }
  // Nothing but the ABI is exported: keep other definitions from clashing
  // with the user's symbols (e.g. `main`) and let LLVM inline them.
  for (llvm::Function &fn : *llvmModule) {
    if (!fn.isDeclaration()) {
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
    }
  }
  // Every global here is a model constant (intermediates live in the arena):
  // with --weights-section a linker script can place them all, e.g. in
  // flash. The ABI tables added below stay in .rodata.
  llvm::StringSet<> weightNames;
  for (llvm::GlobalVariable &global : llvmModule->globals()) {
    if (!global.isDeclaration()) {
      weightNames.insert(global.getName());
      global.setLinkage(llvm::GlobalValue::PrivateLinkage);
      if (!weightsSection.empty() && global.isConstant()) {
        global.setSection(weightsSection);
      }
    }
  }
  entry->setName(sig.name + "_main");
  entry->addFnAttr(llvm::Attribute::NoUnwind);
  // Both `run` paths (the table's and the typed wrapper) reach it: one copy.
  entry->addFnAttr(llvm::Attribute::NoInline);
  // The ABI forbids inputs, outputs and arena to overlap.
  for (llvm::Argument &arg : entry->args()) {
    arg.addAttr(llvm::Attribute::NoAlias);
    if (arg.getArgNo() < sig.inputs.size()) {
      arg.addAttr(llvm::Attribute::ReadOnly);
    }
  }

  AbiBuilder(*llvmModule, sig).build(entry);

  std::string cpu = tm.getTargetCPU().str();
  std::string features = tm.getTargetFeatureString().str();
  for (llvm::Function &fn : *llvmModule) {
    if (fn.isDeclaration()) {
      continue;
    }
    fn.addFnAttr("target-cpu", cpu);
    if (!features.empty()) {
      fn.addFnAttr("target-features", features);
    }
  }

  std::string verifyErrors;
  llvm::raw_string_ostream verifyStream(verifyErrors);
  if (llvm::verifyModule(*llvmModule, &verifyStream)) {
    return module.emitError() << "internal error: invalid LLVM IR: "
                              << verifyErrors;
  }

  translateTiming.stop();
  if (optLevel > 0) {
    TimingScope outlineTiming = step("outline layer loops");
    outlineLayerLoops(*llvmModule, *entry, tm);
  }
  TimingScope optTiming = step("LLVM optimization pipeline");
  optimize(*llvmModule, tm, optLevel);
  optTiming.stop();
  detail::expandLibmIntrinsics(*llvmModule, tm);
  if (sizes) {
    // What survived optimization, by origin: the model's globals, or the ABI
    // tables added above.
    *sizes = ObjectSizes();
    sizes->weightsSection =
        weightsSection.empty() ? ".rodata" : weightsSection.str();
    const llvm::DataLayout &layout = llvmModule->getDataLayout();
    for (llvm::GlobalVariable &global : llvmModule->globals()) {
      if (global.isDeclaration()) {
        continue;
      }
      uint64_t bytes = layout.getTypeAllocSize(global.getValueType());
      (weightNames.contains(global.getName()) ? sizes->weights
                                              : sizes->abiTables) += bytes;
    }
  }

  object.clear();
  // The object is mostly the weights: reserve them up front so the buffer
  // does not double (and copy) its way up to gigabytes.
  uint64_t globalBytes = 0;
  for (llvm::GlobalVariable &global : llvmModule->globals()) {
    if (global.hasInitializer()) {
      globalBytes += llvmModule->getDataLayout().getTypeAllocSize(
          global.getValueType());
    }
  }
  object.reserve(globalBytes + (1 << 20));
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (tm.addPassesToEmitFile(codegen, os, nullptr,
                             llvm::CodeGenFileType::ObjectFile)) {
    return module.emitError() << "target '" << tm.getTargetTriple().str()
                              << "' cannot emit object files";
  }
  TimingScope codegenTiming = step("LLVM code generation");
  codegen.run(*llvmModule);
  codegenTiming.stop();

  // An object that needs libm (or anything else) would not link on bare
  // metal: check what the code generator left undefined.
  llvm::Expected<std::unique_ptr<llvm::object::ObjectFile>> parsed =
      llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(
          llvm::StringRef(object.data(), object.size()), sig.name));
  if (!parsed) {
    return module.emitError() << "internal error: unreadable object: "
                              << llvm::toString(parsed.takeError());
  }
  if (sizes) {
    measureObject(**parsed, sig, *sizes);
  }
  for (const llvm::object::SymbolRef &symbol : (*parsed)->symbols()) {
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    if (!flags) {
      llvm::consumeError(flags.takeError());
      continue;
    }
    if (!(*flags & llvm::object::SymbolRef::SF_Undefined)) {
      continue;
    }
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (!isAllowedUndefined(*name)) {
      return module.emitError()
             << "internal error: the object calls '" << *name
             << "', which is not in the C library (libm is not allowed)";
    }
  }
  return success();
}

} // namespace mlir::etch
