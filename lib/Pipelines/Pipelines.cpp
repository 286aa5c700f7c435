//===- Pipelines.cpp - Phases of one etch compilation ---------------------===//
#include "etch/Pipelines/Pipelines.h"
#include "TuningHooks.h"

#include "etch/Conversion/Passes.h"
#include "etch/Importer/OnnxImporter.h"
#include "etch/Transforms/Passes.h"
#include "etch/codegen/Common/Parallel.h"
#include "etch/codegen/Common/Passes.h"
#include "etch/codegen/Common/Profile.h"
#include "etch/codegen/LLVMCPU/Passes.h"
#include "etch/codegen/OpenCL/OpenCL.h"
#include "etch/dialects/Etch/IR/EtchDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "etch/codegen/LLVMCPU/TargetInfo.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir::etch {

llvm::StringRef stringifyPhase(Phase phase) {
  switch (phase) {
  case Phase::Import:
    return "import";
  case Phase::Graph:
    return "graph";
  case Phase::Linalg:
    return "linalg";
  case Phase::Schedule:
    return "schedule";
  case Phase::Tiled:
    return "tiled";
  case Phase::Vector:
    return "vector";
  case Phase::Bufferized:
    return "bufferized";
  case Phase::LLVM:
    return "llvm";
  case Phase::Obj:
    return "obj";
  }
  return "?";
}

std::optional<Phase> parsePhase(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Phase>>(name)
      .Case("import", Phase::Import)
      .Case("graph", Phase::Graph)
      .Case("linalg", Phase::Linalg)
      .Case("schedule", Phase::Schedule)
      .Case("tiled", Phase::Tiled)
      .Case("vector", Phase::Vector)
      .Case("bufferized", Phase::Bufferized)
      .Case("llvm", Phase::LLVM)
      .Case("obj", Phase::Obj)
      .Default(std::nullopt);
}

void registerEtchCompileDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<EtchDialect>();
  registerEtchCommonDialects(registry);
}

namespace {

/// The target, resolved: the host triple by default, `native` kept as is
/// (the TargetMachine resolves it).
TargetSpec resolveTarget(const TargetSpec &spec) {
  TargetSpec resolved = spec;
  if (resolved.triple.empty()) {
    resolved.triple = llvm::sys::getDefaultTargetTriple();
  }
  resolved.triple = llvm::Triple::normalize(resolved.triple);
  if (resolved.cpu.empty()) {
    resolved.cpu = "generic";
  }
  return resolved;
}

/// `etch.target = {triple, cpu, features}` on the module, read by the
/// strategy selection and the LLVM lowering.
void setTargetAttr(ModuleOp module, const TargetSpec &target) {
  Builder b(module.getContext());
  module->setAttr("etch.target",
                  b.getDictionaryAttr({
                      b.getNamedAttr("triple", b.getStringAttr(target.triple)),
                      b.getNamedAttr("cpu", b.getStringAttr(target.cpu)),
                      b.getNamedAttr("features",
                                     b.getStringAttr(target.features)),
                  }));
}

/// Alignment of arena buffers: a cache line (64 bytes) where there are
/// caches and wide vectors; on microcontrollers (32-bit Arm without an OS)
/// 16 bytes, enough for Helium's 128-bit loads, so small models do not pay
/// a cache line of padding per intermediate.
unsigned arenaAlignmentFor(const TargetSpec &target) {
  llvm::Triple triple(target.triple);
  bool microcontroller = triple.getOS() == llvm::Triple::UnknownOS &&
                         (triple.isARM() || triple.isThumb());
  return microcontroller ? 16 : 64;
}

/// Adds to `pm` the passes that take the module from phase `phase - 1` to
/// `phase`, given that compilation stops at `to`.
void addPhasePasses(OpPassManager &pm, Phase phase, Phase to,
                    const TargetSpec &target, bool opencl,
                    const CompileOptions &options) {
  // OpenCL kernels are written from the bufferized linalg ops: no CPU
  // schedule, tiling or vectorization.
  if (opencl && (phase == Phase::Schedule || phase == Phase::Tiled ||
                 phase == Phase::Vector)) {
    return;
  }
  switch (phase) {
  case Phase::Import:
    break;
  case Phase::Graph:
    buildGraphPassPipeline(pm, GraphOptions());
    break;
  case Phase::Linalg: {
    LinalgOptions linalg;
    // sdot/udot targets take int8 conv weights channels-last, as x86's
    // vpdpbusd path does for its uint8 activations.
    linalg.packInt8Weights =
        !opencl && llvmcpu::resolveCPUTarget(target.triple, target.cpu,
                                             target.features)
                       .hasDotProd;
    buildLinalgPassPipeline(pm, linalg);
    // 1x1 convolutions as matmuls over the flattened map (vectors along
    // H*W, not one output row). Not on bare-metal targets (the MCU kernels'
    // code size is budgeted) nor for a conv whose result is padded for a
    // window op: the pad's in-place interior needs the NCHW producer
    // (MobileNetV2: 9.33 -> 8.26 ms; with padded ones too 8.55 ms).
    if (!opencl &&
        llvm::Triple(target.triple).getOS() != llvm::Triple::UnknownOS) {
      llvmcpu::LLVMCPUPointwiseConvToMatmulPassOptions pointwise;
      pointwise.keepPadded = true;
      pm.nest<func::FuncOp>().addPass(
          llvmcpu::createLLVMCPUPointwiseConvToMatmulPass(pointwise));
    }
    break;
  }
  case Phase::Schedule:
    // The tiling pipeline selects the strategy itself; only a compilation
    // that stops here runs the selection alone.
    if (to == Phase::Schedule) {
      llvmcpu::LLVMCPUSelectStrategyPassOptions select;
      select.targetTriple = target.triple;
      select.targetCPU = target.cpu;
      select.targetFeatures = target.features;
      select.tuningDb = options.tuningDbPath;
      select.tuningDbStrict = options.tuningDbStrict;
      select.annotateWorkloadKeys = !options.tuningTasksPath.empty();
      select.threads = options.threads;
      pm.addPass(llvmcpu::createLLVMCPUSelectStrategyPass(select));
    }
    break;
  case Phase::Tiled: {
    llvmcpu::LLVMCPUTilingOptions tiling;
    tiling.targetTriple = target.triple;
    tiling.targetCPU = target.cpu;
    tiling.targetFeatures = target.features;
    tiling.skipVectorization = to == Phase::Tiled;
    tiling.scheduleReport = options.scheduleReport;
    tiling.tuningDb = options.tuningDbPath;
    tiling.tuningDbStrict = options.tuningDbStrict;
    tiling.threads = options.threads;
    llvmcpu::buildLLVMCPUTilingPassPipeline(pm, tiling);
    break;
  }
  case Phase::Vector:
    // Vectorization is part of the tiling pipeline run for `tiled`.
    break;
  case Phase::Bufferized: {
    CommonBufferizeOptions bufferize;
    bufferize.arenaAlignment = arenaAlignmentFor(target);
    bufferize.threads = options.threads;
    // Border-only fills save a memset and a copy per padded layer but cost
    // code: on bare-metal targets (microcontrollers) code size comes first
    // (+30-40% kernel code on the MCU models), so they keep fill + copy.
    bufferize.decomposePads =
        !opencl && llvm::Triple(target.triple).getOS() != llvm::Triple::UnknownOS;
    buildCommonBufferizePassPipeline(pm, bufferize);
    break;
  }
  case Phase::LLVM: {
    CommonLowerToLLVMOptions lower;
    lower.threads = options.threads;
    if (!opencl) {
      lower.nativeRounding =
          llvmcpu::resolveCPUTarget(target.triple, target.cpu, target.features)
              .hasNativeRounding;
    }
    buildCommonLowerToLLVMPassPipeline(pm, lower);
    break;
  }
  case Phase::Obj:
    break;
  }
}

} // namespace

std::string defaultModelName(llvm::StringRef inputPath) {
  return sanitizeCIdentifier(llvm::sys::path::stem(inputPath));
}

LogicalResult runPhases(ModuleOp module, Phase from, Phase to,
                        const CompileOptions &options, TimingScope *timing) {
  TargetSpec target = resolveTarget(options.target);
  setTargetAttr(module, target);
  if (options.threads > 1) {
    // Threads need the runtime's pthread pool: no OS, no pool.
    if (isOpenCLTarget(options)) {
      return emitError(UnknownLoc::get(module.getContext()))
             << "--threads=" << options.threads
             << ": the OpenCL target runs its kernels on the device; "
                "multi-threading is for CPU targets";
    }
    if (llvm::Triple(target.triple).getOS() == llvm::Triple::UnknownOS) {
      return emitError(UnknownLoc::get(module.getContext()))
             << "--threads=" << options.threads << ": target " << target.triple
             << " has no operating system (bare metal), so no thread pool; "
                "use --threads=1 (the default) or a target with an OS, e.g. "
                "aarch64-linux-gnu";
    }
  }
  if (options.threads > 1) {
    // The model's max_threads and its header (ModelSignature::threads).
    module->setAttr(kThreadsAttrName,
                    IntegerAttr::get(IntegerType::get(module.getContext(), 64),
                                     options.threads));
  }
  if (options.profile && from == Phase::Import) {
    // The ONNX op of each node, read from the graph (see
    // etch-common-profile-layers).
    PassManager pm(module.getContext());
    pm.addPass(createCommonProfileLayersPass());
    if (failed(pm.run(module))) {
      return failure();
    }
  }
  for (int p = static_cast<int>(from) + 1;
       p <= static_cast<int>(to) && p <= static_cast<int>(Phase::LLVM); ++p) {
    auto phase = static_cast<Phase>(p);
    PassManager pm(module.getContext());
    TimingScope phaseTiming;
    if (timing) {
      phaseTiming = timing->nest(stringifyPhase(phase));
      pm.enableTiming(phaseTiming);
    }
    if (options.profile && phase == Phase::LLVM) {
      CommonProfileInstrumentPassOptions instrument;
      instrument.modelName = options.modelName.empty()
                                 ? defaultModelName(options.inputPath)
                                 : options.modelName;
      pm.addPass(createCommonProfileInstrumentPass(instrument));
    }
    addPhasePasses(pm, phase, to, target, isOpenCLTarget(options), options);
    if (options.profile && phase == Phase::Linalg) {
      // FLOPs per node, from the linalg ops before tiling.
      pm.addPass(createCommonProfileLayersPass());
    }
    if (failed(pm.run(module))) {
      return failure();
    }
    if (phase == Phase::Bufferized && !isOpenCLTarget(options)) {
      // The tiling engineer's vector cleanups need the bufferized form.
      TimingScope cleanupTiming =
          timing ? phaseTiming.nest("post-bufferization cleanups")
                 : TimingScope();
      for (auto func : module.getOps<func::FuncOp>()) {
        llvmcpu::runLLVMCPUPostBufferizationCleanups(func);
      }
    }
  }
  return success();
}

FailureOr<RequantMode> resolveRequantMode(
    const CompileOptions &options) {
  llvm::StringRef mode = options.requantMode;
  if (mode == "float") {
    return RequantMode::Float;
  }
  if (mode == "fixedpoint") {
    return RequantMode::FixedPoint;
  }
  if (!mode.empty()) {
    return failure();
  }
  // Microcontrollers (no OS) may have no FPU and follow TFLite Micro /
  // CMSIS-NN arithmetic; hosts and GPUs follow ONNX Runtime.
  if (isOpenCLTarget(options) || options.target.triple.empty()) {
    return RequantMode::Float;
  }
  return llvm::Triple(llvm::Triple::normalize(options.target.triple))
                     .getOS() == llvm::Triple::UnknownOS
             ? RequantMode::FixedPoint
             : RequantMode::Float;
}

namespace {

/// The module in `path`: ONNX through the importer, `.mlir` parsed (and
/// taken to be at the `linalg` phase at the latest; earlier phases are
/// re-run, which is harmless on linalg IR). Sets `from`.
FailureOr<OwningOpRef<ModuleOp>> loadInput(MLIRContext &ctx,
                                           const CompileOptions &options,
                                           Phase &from) {
  llvm::StringRef path = options.inputPath;
  if (!llvm::sys::fs::exists(path)) {
    return emitError(FileLineColLoc::get(&ctx, path, 0, 0))
           << "no such file";
  }
  if (path.ends_with(".mlir")) {
    llvm::SourceMgr sourceMgr;
    std::string error;
    std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
    if (!file) {
      return emitError(FileLineColLoc::get(&ctx, path, 0, 0)) << error;
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
    if (!module) {
      return failure();
    }
    from = Phase::Import;
    // A module that says where it stands continues from there.
    if (auto phase = module.get()->getAttrOfType<StringAttr>(kPhaseAttrName)) {
      std::optional<Phase> parsed = parsePhase(phase.getValue());
      if (!parsed || *parsed > Phase::Linalg) {
        return emitError(module.get()->getLoc())
               << kPhaseAttrName << " = \"" << phase.getValue()
               << "\": etch-compile continues modules at the import, graph "
                  "or linalg phase";
      }
      from = *parsed;
      module.get()->removeAttr(kPhaseAttrName);
    }
    return module;
  }
  OnnxImportOptions importOptions;
  if (options.maxModelBytes) {
    importOptions.maxModelBytes = options.maxModelBytes;
  }
  FailureOr<RequantMode> requant = resolveRequantMode(options);
  if (failed(requant)) {
    return emitError(UnknownLoc::get(&ctx))
           << "--requant=" << options.requantMode
           << ": unknown requantization mode; supported: float (ONNX "
              "Runtime's fp32 arithmetic), fixedpoint (TensorFlow Lite's "
              "int32 arithmetic)";
  }
  importOptions.requant = *requant;
  if (!isOpenCLTarget(options)) {
    llvmcpu::CPUTargetInfo cpu = llvmcpu::resolveCPUTarget(
        options.target.triple, options.target.cpu, options.target.features);
    // Targets with an unsigned x signed byte dot product (x86 vpdpbusd,
    // AArch64 i8mm usdot) keep uint8 activations unflipped.
    importOptions.unsignedActivations = cpu.hasAVX512VNNI || cpu.hasAVXVNNI ||
                                        (cpu.hasDotProd && cpu.hasI8MM);
  }
  for (const std::string &spec : options.inputShapes) {
    if (llvm::Error err = addInputShapeSpec(importOptions, spec)) {
      return emitError(UnknownLoc::get(&ctx))
             << "--input-shape=" << spec << ": "
             << llvm::toString(std::move(err));
    }
  }
  for (const std::string &spec : options.inputValues) {
    if (llvm::Error err = addInputValueSpec(importOptions, spec)) {
      return emitError(UnknownLoc::get(&ctx))
             << "--input-value=" << spec << ": "
             << llvm::toString(std::move(err));
    }
  }
  from = Phase::Import;
  return importOnnxModel(ctx, path, importOptions);
}

/// Writes `contents` to `path` through a temporary file in the same folder,
/// renamed into place, so a failure never leaves a partial file.
LogicalResult writeAtomically(MLIRContext &ctx, llvm::StringRef path,
                              llvm::StringRef contents) {
  llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << contents;
    return llvm::Error::success();
  });
  if (err) {
    return emitError(FileLineColLoc::get(&ctx, path, 0, 0))
           << "cannot write: " << llvm::toString(std::move(err));
  }
  return success();
}

/// `--target=opencl` after the `bufferized` phase: the OpenCL program, the
/// host object for `--host` and the header (codegen/OpenCL), into `outputs`.
LogicalResult compileOpenCL(MLIRContext &ctx, ModuleOp module,
                            const ModelSignature &signature,
                            const CompileOptions &options,
                            CompileOutputs &outputs) {
  std::string presetName =
      options.target.cpu.empty() ? "generic" : options.target.cpu;
  std::optional<opencl::DevicePreset> preset =
      opencl::lookupDevicePreset(presetName);
  if (!preset) {
    return emitError(UnknownLoc::get(&ctx))
           << "--mcpu=" << presetName
           << ": not an OpenCL device preset; known: "
           << opencl::listDevicePresets();
  }
  PassManager schedule(&ctx);
  opencl::OpenCLSelectStrategyPassOptions select;
  select.mcpu = presetName;
  schedule.addPass(opencl::createOpenCLSelectStrategyPass(select));
  if (failed(schedule.run(module))) {
    return failure();
  }
  opencl::OpenCLOptions clOptions;
  clOptions.preset = *preset;
  clOptions.fp16 = options.openclFP16;
  FailureOr<opencl::OpenCLProgram> program =
      opencl::buildOpenCLProgram(module, clOptions);
  if (failed(program)) {
    return failure();
  }
  TargetSpec host;
  host.triple = options.openclHost.empty() ? "x86_64-linux-gnu"
                                           : options.openclHost;
  host = resolveTarget(host);
  std::string tmError;
  std::unique_ptr<llvm::TargetMachine> tm =
      createEtchTargetMachine(host, options.optLevel, tmError);
  if (!tm) {
    return emitError(UnknownLoc::get(&ctx))
           << "--host=" << host.triple << ": " << tmError;
  }
  outputs.triple = tm->getTargetTriple().str();
  outputs.cpu = presetName;
  if (options.compileTo == Phase::LLVM) {
    // The host code's LLVM IR (the kernels are OpenCL C: --emit-opencl).
    llvm::raw_string_ostream os(outputs.ir);
    return opencl::printOpenCLHostIR(module, *program, signature, *tm, os);
  }
  llvm::SmallVector<char> object;
  opencl::OpenCLObjectSizes sizes;
  if (failed(opencl::emitOpenCLObject(module, *program, signature, *tm, object,
                                      &sizes))) {
    return failure();
  }
  outputs.object.assign(object.data(), object.size());
  outputs.header = opencl::emitOpenCLModelHeader(
      signature, *program, llvm::sys::path::filename(options.inputPath));
  llvm::raw_string_ostream cl(outputs.openclSource);
  opencl::printOpenCLProgram(*program, cl);
  outputs.openclFP32Source = program->fp32Source;
  for (bool json : {false, true}) {
    llvm::raw_string_ostream os(json ? outputs.sizeReportJson
                                     : outputs.sizeReportText);
    opencl::printOpenCLSizeReport(os, signature, *program, sizes,
                                  outputs.triple, json);
  }
  return success();
}

/// Writes `contents` to `path` (and records it in `written`), or removes
/// everything in `written` and fails.
LogicalResult writeOrRollBack(MLIRContext &ctx, llvm::StringRef path,
                              llvm::StringRef contents,
                              llvm::SmallVectorImpl<std::string> &written) {
  if (succeeded(writeAtomically(ctx, path, contents))) {
    written.push_back(path.str());
    return success();
  }
  for (const std::string &done : written) {
    llvm::sys::fs::remove(done);
  }
  return failure();
}

} // namespace

LogicalResult compileToMemory(MLIRContext &ctx, const CompileOptions &options,
                              CompileOutputs &outputs) {
  if (options.profile) {
    std::string reason =
        isOpenCLTarget(options)
            ? std::string("--profile times CPU code; it cannot be combined "
                          "with --target=opencl")
            : profileUnsupportedReason(resolveTarget(options.target).triple);
    if (!reason.empty()) {
      return emitError(UnknownLoc::get(&ctx)) << reason;
    }
  }
  // --time-report: one tree for the whole compilation, printed into
  // outputs.timingReport when this function returns.
  std::optional<llvm::raw_string_ostream> timingStream; // outlives the manager
  std::optional<DefaultTimingManager> timingManager;
  TimingScope root;
  if (options.timing) {
    timingManager.emplace();
    timingStream.emplace(outputs.timingReport);
    timingManager->setEnabled(true);
    timingManager->setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
    timingManager->setOutput(createOutputStrategy(
        DefaultTimingManager::OutputFormat::Text, *timingStream));
    root = timingManager->getRootScope();
  }
  auto finishTiming = llvm::make_scope_exit([&] {
    if (timingManager) {
      root.stop();
      timingManager->print();
      timingManager->setEnabled(false); // printed once, not again on exit
    }
  });
  TimingScope *timing = options.timing ? &root : nullptr;

  Phase from = Phase::Import;
  TimingScope importTiming = options.timing ? root.nest("import (ONNX)")
                                            : TimingScope();
  FailureOr<OwningOpRef<ModuleOp>> loaded = loadInput(ctx, options, from);
  importTiming.stop();
  if (failed(loaded)) {
    return failure();
  }
  ModuleOp module = loaded->get();
  auto printModule = [&]() -> LogicalResult {
    llvm::raw_string_ostream os(outputs.ir);
    module.print(os);
    return success();
  };

  if (!options.extractWorkload.empty()) {
    // The whole model up to selection (for the keys), then only the layer.
    if (failed(runPhases(module, from, Phase::Linalg, options, timing))) {
      return failure();
    }
    TargetSpec target = resolveTarget(options.target);
    FailureOr<OwningOpRef<ModuleOp>> layer = extractWorkloadLayer(
        module, options.extractWorkload, target.triple, target.cpu,
        target.features, options.threads);
    if (failed(layer)) {
      return failure();
    }
    *loaded = std::move(*layer);
    module = loaded->get();
    from = Phase::Linalg;
    if (options.compileTo == Phase::Linalg) {
      module->setAttr(kPhaseAttrName, StringAttr::get(&ctx, "linalg"));
      // With locations, so diagnostics on the layer still name ONNX nodes.
      llvm::raw_string_ostream os(outputs.ir);
      module.print(os, OpPrintingFlags().enableDebugInfo());
      return success();
    }
  }
  if (failed(runPhases(module, from,
                       std::min(options.compileTo, Phase::Bufferized),
                       options, timing))) {
    return failure();
  }
  reportTuningDb(module, options.inputPath);
  if (!options.tuningTasksPath.empty() &&
      failed(writeTuningTasks(module, options.tuningTasksPath))) {
    return failure();
  }
  if (options.compileTo <= Phase::Bufferized) {
    return printModule();
  }

  // The I/O signature is read from the memory-planned function, before the
  // LLVM lowering erases its types.
  std::string name = options.modelName.empty()
                         ? defaultModelName(options.inputPath)
                         : options.modelName;
  if (name != sanitizeCIdentifier(name)) {
    return emitError(UnknownLoc::get(&ctx))
           << "--name='" << name << "' is not a C identifier";
  }
  FailureOr<ModelSignature> signature = readModelSignature(module, name);
  if (failed(signature)) {
    return failure();
  }
  outputs.modelName = name;
  outputs.signature = *signature;
  if (isOpenCLTarget(options)) {
    return compileOpenCL(ctx, module, *signature, options, outputs);
  }
  std::optional<std::string> tuningDbHash = getTuningDbHash(module);
  if (failed(runPhases(module, Phase::Bufferized, Phase::LLVM, options,
                       timing))) {
    return failure();
  }
  if (tuningDbHash) {
    addTuningDbIdent(module, *tuningDbHash);
  }
  if (options.compileTo == Phase::LLVM) {
    return printModule();
  }

  std::string tmError;
  TargetSpec target = resolveTarget(options.target);
  std::unique_ptr<llvm::TargetMachine> tm =
      createEtchTargetMachine(target, options.optLevel, tmError);
  if (!tm) {
    return emitError(UnknownLoc::get(&ctx))
           << "--target=" << target.triple << ": " << tmError;
  }
  llvm::SmallVector<char> object;
  ObjectSizes sizes;
  TimingScope objTiming = options.timing
                              ? root.nest("obj (LLVM translation, optimization "
                                          "and code generation)")
                              : TimingScope();
  if (failed(emitModelObject(module, *signature, *tm, options.optLevel,
                             object, /*entry=*/"main",
                             options.weightsSection, &sizes,
                             options.timing ? &objTiming : nullptr))) {
    return failure();
  }
  objTiming.stop();
  outputs.object.assign(object.data(), object.size());
  outputs.header =
      emitModelHeader(*signature, llvm::sys::path::filename(options.inputPath));
  if (options.profile) {
    addProfileToHeader(outputs.header, name);
  }
  if (tuningDbHash) {
    outputs.header += "\n/* Schedules from tuning database " + *tuningDbHash +
                      " (etch-tune); the object's .comment section names it "
                      "too. */\n";
  }
  outputs.triple = tm->getTargetTriple().str();
  outputs.cpu = tm->getTargetCPU().str();
  TargetSpec reported = target;
  reported.triple = outputs.triple;
  reported.cpu = outputs.cpu;
  for (SizeReportFormat format :
       {SizeReportFormat::Text, SizeReportFormat::Json}) {
    llvm::raw_string_ostream os(format == SizeReportFormat::Json
                                    ? outputs.sizeReportJson
                                    : outputs.sizeReportText);
    printSizeReport(os, *signature, sizes, reported, format);
  }
  return success();
}

LogicalResult compile(MLIRContext &ctx, const CompileOptions &options) {
  CompileOutputs outputs;
  if (failed(compileToMemory(ctx, options, outputs))) {
    return failure();
  }
  bool toStdout = options.outputPath.empty() || options.outputPath == "-";
  if (outputs.object.empty()) {
    // --compile-to before `obj`: the printed IR.
    if (options.timing) {
      llvm::errs() << outputs.timingReport;
    }
    if (toStdout) {
      llvm::outs() << outputs.ir;
      return success();
    }
    return writeAtomically(ctx, options.outputPath, outputs.ir);
  }

  std::string objectPath =
      toStdout ? (outputs.modelName + ".o") : options.outputPath;
  std::string headerPath = options.headerPath;
  if (headerPath.empty()) {
    llvm::SmallString<256> derived(objectPath);
    llvm::sys::path::replace_extension(derived, ".h");
    headerPath = derived.str().str();
  }
  llvm::SmallVector<std::string> written;
  if (!options.emitOpenCLDir.empty() && isOpenCLTarget(options)) {
    if (std::error_code ec =
            llvm::sys::fs::create_directories(options.emitOpenCLDir)) {
      return emitError(FileLineColLoc::get(&ctx, options.emitOpenCLDir, 0, 0))
             << "cannot create the folder: " << ec.message();
    }
    llvm::SmallString<256> clPath(options.emitOpenCLDir);
    llvm::sys::path::append(clPath, outputs.modelName + ".cl");
    if (failed(writeOrRollBack(ctx, clPath, outputs.openclSource, written))) {
      return failure();
    }
    // With --opencl-fp16, the fp32 fallback the object also carries.
    if (!outputs.openclFP32Source.empty()) {
      llvm::SmallString<256> fp32(options.emitOpenCLDir);
      llvm::sys::path::append(fp32, outputs.modelName + ".fp32.cl");
      if (failed(writeOrRollBack(ctx, fp32, outputs.openclFP32Source,
                                 written))) {
        return failure();
      }
    }
  }
  if (failed(writeOrRollBack(ctx, objectPath, outputs.object, written)) ||
      failed(writeOrRollBack(ctx, headerPath, outputs.header, written))) {
    return failure();
  }
  if (options.sizeReport) {
    llvm::outs() << (*options.sizeReport == SizeReportFormat::Json
                         ? outputs.sizeReportJson
                         : outputs.sizeReportText);
  }
  if (options.timing) {
    llvm::errs() << outputs.timingReport;
  }
  return success();
}

} // namespace mlir::etch
