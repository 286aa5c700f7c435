//===- Driver.cpp - etch-compile command line -----------------------------===//
//
// Flags, user-facing diagnostics and the exit code; everything else is
// `compile()` in Pipelines.cpp.
//
//===----------------------------------------------------------------------===//
#include "etch/Pipelines/Pipelines.h"
#include "etch/codegen/LLVMCPU/TargetInfo.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#ifndef ETCH_VERSION_STRING
#define ETCH_VERSION_STRING "unknown"
#endif

namespace mlir::etch {

namespace {

/// "file:line:col", "<input>: node 'conv1'", ... for a diagnostic whose
/// text is `message` (nodes the message already names are not repeated).
std::string formatLocation(Location loc, llvm::StringRef inputPath,
                           llvm::StringRef message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::SmallVector<std::string> nodes;
  std::string file;
  loc->walk([&](Location nested) {
    if (auto name = dyn_cast<NameLoc>(nested)) {
      std::string node = name.getName().str();
      if (!message.contains("'" + node + "'") &&
          !llvm::is_contained(nodes, node)) {
        nodes.push_back(node);
      }
    } else if (auto fileLoc = dyn_cast<FileLineColLoc>(nested)) {
      if (file.empty()) {
        file = fileLoc.getFilename().str();
        if (fileLoc.getLine() != 0) {
          file += ":" + std::to_string(fileLoc.getLine()) + ":" +
                  std::to_string(fileLoc.getColumn());
        }
      }
    }
    return WalkResult::advance();
  });
  os << (file.empty() ? inputPath.str() : file);
  if (!nodes.empty()) {
    os << ": node ";
    llvm::interleaveComma(nodes, os,
                          [&](const std::string &n) { os << "'" << n << "'"; });
  }
  return text;
}

const char *severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

/// `--threads`. libLLVM 22 already registers an undocumented
/// `--threads=<int>` (default 0) and two options cannot share a name, so
/// etch-compile adopts that one (default 1; once read, libLLVM gets
/// its own value back) and makes its own only where
/// there is none.
int llvmThreadsDefault = 0;
llvm::cl::opt<int> &threadsOption() {
  static llvm::cl::opt<int> *option = [] {
    auto registered = llvm::cl::getRegisteredOptions();
    auto it = registered.find("threads");
    llvm::cl::opt<int> *opt =
        it == registered.end() ? nullptr
                               : dynamic_cast<llvm::cl::opt<int> *>(it->second);
    if (!opt) {
      opt = new llvm::cl::opt<int>("threads");
    }
    llvmThreadsDefault = opt->getValue();
    opt->setInitialValue(1);
    return opt;
  }();
  return *option;
}

} // namespace

int runEtchCompileMain(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  static llvm::cl::OptionCategory category("etch-compile options");
  static llvm::cl::opt<std::string> input(
      llvm::cl::Positional, llvm::cl::Required, llvm::cl::cat(category),
      llvm::cl::desc("<model.onnx | module.mlir>"));
  static llvm::cl::opt<std::string> output(
      "o", llvm::cl::cat(category), llvm::cl::value_desc("path"),
      llvm::cl::desc("Output: the object (default <name>.o), or the IR "
                     "with --compile-to (default: stdout)"));
  static llvm::cl::opt<std::string> name(
      "name", llvm::cl::cat(category), llvm::cl::value_desc("identifier"),
      llvm::cl::desc("C prefix of the generated symbols (<name>_model, "
                     "<name>_run); default: the model file's stem"));
  static llvm::cl::opt<std::string> target(
      "target", llvm::cl::cat(category), llvm::cl::value_desc("triple"),
      llvm::cl::desc("Target triple (default: the host's), e.g. "
                     "aarch64-linux-gnu, thumbv7em-none-eabihf, or 'opencl' "
                     "(OpenCL C kernels + a host object for --host)"));
  static llvm::cl::opt<std::string> openclHost(
      "host", llvm::cl::cat(category), llvm::cl::value_desc("triple"),
      llvm::cl::desc("With --target=opencl: the host triple of the object "
                     "(default: x86_64-linux-gnu)"));
  static llvm::cl::opt<std::string> emitOpenCL(
      "emit-opencl", llvm::cl::cat(category), llvm::cl::value_desc("dir"),
      llvm::cl::desc("With --target=opencl: also write the kernels to "
                     "<dir>/<name>.cl"));
  static llvm::cl::opt<bool> openclFP16(
      "opencl-fp16", llvm::cl::cat(category), llvm::cl::init(false),
      llvm::cl::desc("With --target=opencl: compute in half precision "
                     "(needs cl_khr_fp16 on the device)"));
  static llvm::cl::opt<std::string> cpu(
      "mcpu", llvm::cl::cat(category), llvm::cl::value_desc("cpu"),
      llvm::cl::init("generic"),
      llvm::cl::desc("Target CPU, e.g. cortex-m7, x86-64-v3, neoverse-n1, or "
                     "'native' for the CPU of this machine. Default: the "
                     "architecture's generic CPU (portable, but slow: SSE2 "
                     "only on x86-64); etch-compile says so when it is used"));
  static llvm::cl::opt<std::string> features(
      "mattr", llvm::cl::cat(category), llvm::cl::value_desc("+a,-b"),
      llvm::cl::desc("Target features to enable (+) or disable (-)"));
  static llvm::cl::list<std::string> inputShapes(
      "input-shape", llvm::cl::cat(category),
      llvm::cl::value_desc("name=1x3x224x224"),
      llvm::cl::desc("Static shape for a model input with dynamic dims "
                     "(repeatable)"));
  static llvm::cl::list<std::string> inputValues(
      "input-value", llvm::cl::cat(category),
      llvm::cl::value_desc("name=v0,v1,..."),
      llvm::cl::desc("Fix a model input to these values (row-major); it "
                     "becomes a constant and leaves the C signature. For "
                     "inputs that decide shapes, e.g. Reshape's shape "
                     "(repeatable)"));
  static llvm::cl::opt<uint64_t> maxModelBytes(
      "max-model-bytes", llvm::cl::cat(category), llvm::cl::init(0),
      llvm::cl::value_desc("bytes"),
      llvm::cl::desc("Reject models with a tensor, a static shape or weights "
                     "in total larger than this (default 0: 4 GiB)"));
  static llvm::cl::opt<std::string> requant(
      "requant", llvm::cl::cat(category), llvm::cl::value_desc("mode"),
      llvm::cl::desc(
          "Requantization of int8 convolutions, matmuls, Add and Mul: "
          "'float' (ONNX Runtime's fp32 scale, bit-exact with it) or "
          "'fixedpoint' (TensorFlow Lite / CMSIS-NN int32 multiplier and "
          "shift, no floating point). Default: fixedpoint for targets "
          "without an OS (Cortex-M), float otherwise"));
  static llvm::cl::opt<Phase> compileTo(
      "compile-to", llvm::cl::cat(category), llvm::cl::init(Phase::Obj),
      llvm::cl::desc("Stop after this phase and print its IR"),
      llvm::cl::values(
          clEnumValN(Phase::Import, "import", "etch graph dialect (ONNX ops)"),
          clEnumValN(Phase::Graph, "graph", "after graph optimizations"),
          clEnumValN(Phase::Linalg, "linalg", "linalg on tensors"),
          clEnumValN(Phase::Schedule, "schedule",
                     "with #etch.schedule on root ops"),
          clEnumValN(Phase::Tiled, "tiled", "tiled and fused loops"),
          clEnumValN(Phase::Vector, "vector", "vectorized"),
          clEnumValN(Phase::Bufferized, "bufferized",
                     "memrefs, one planned arena"),
          clEnumValN(Phase::LLVM, "llvm", "LLVM dialect"),
          clEnumValN(Phase::Obj, "obj", "object file and header (default)")));
  static llvm::cl::opt<unsigned> optLevel(
      "O", llvm::cl::cat(category), llvm::cl::Prefix, llvm::cl::init(3),
      llvm::cl::value_desc("level"),
      llvm::cl::desc("LLVM optimization level, -O0 to -O3 (default: -O3)"));
  static llvm::cl::opt<std::string> headerPath(
      "emit-header", llvm::cl::cat(category), llvm::cl::value_desc("path"),
      llvm::cl::desc("Where to write the C header (default: the object's "
                     "path with .h)"));

  static llvm::cl::opt<std::string> weightsSection(
      "weights-section", llvm::cl::cat(category), llvm::cl::value_desc("name"),
      llvm::cl::desc("Put the weights in this object-file section (e.g. one "
                     "a firmware linker script places in flash); default: "
                     ".rodata"));

  static llvm::cl::opt<std::string> sizeReport(
      "size-report", llvm::cl::cat(category), llvm::cl::ValueOptional,
      llvm::cl::value_desc("text|json"),
      llvm::cl::desc("Print the object's footprint to stdout: code (kernels, "
                     "entry), weights, ABI tables, static RAM, and the arena "
                     "against its lower bound (default format: text)"));

  static llvm::cl::opt<bool> scheduleReport(
      "schedule-report", llvm::cl::cat(category), llvm::cl::init(false),
      llvm::cl::desc("Print, for every root op (conv, matmul, pool, "
                     "reduction, elementwise group), its ONNX node, its "
                     "#etch.schedule (strategy, tile and vector sizes) and "
                     "whether it was vectorized; ops left to scalar loops "
                     "are listed with the reason (CPU targets)"));

  static llvm::cl::opt<std::string> tuningDb(
      "tuning-db", llvm::cl::cat(category), llvm::cl::value_desc("tune.jsonl"),
      llvm::cl::desc("Apply the fastest valid record per workload from this "
                     "etch-tune database (other layers use the heuristics; "
                     "prints how many layers it tuned)"));
  static llvm::cl::opt<bool> tuningDbStrict(
      "tuning-db-strict", llvm::cl::cat(category), llvm::cl::init(false),
      llvm::cl::desc("With --tuning-db: a layer without a valid record is an "
                     "error naming the layer"));
  static llvm::cl::opt<std::string> tuningTasks(
      "emit-tuning-tasks", llvm::cl::cat(category),
      llvm::cl::value_desc("tasks.json"),
      llvm::cl::desc("With --compile-to=schedule: write each workload (key, "
                     "layers, heuristic schedule, loops) for etch-tune"));
  static llvm::cl::opt<std::string> extractWorkload(
      "extract-workload", llvm::cl::cat(category), llvm::cl::value_desc("key"),
      llvm::cl::desc("Compile only the layer of this workload (a key from "
                     "--emit-tuning-tasks): its root op with the producers "
                     "and consumer chain fused into its tiles, as a model "
                     "whose inputs are what the layer reads (etch-tune times "
                     "candidates on it); with --compile-to=linalg, its IR, "
                     "which etch-compile continues from"));
  llvm::cl::opt<int> &threads = threadsOption();
  threads.addCategory(category);
  threads.setValueStr("N");
  threads.setDescription("Split each layer's outer tiles over up to N threads "
                         "through the runtime's etch_parallel_for_tid (link "
                         "libetch_runtime_threads.a); 1 (default): the object "
                         "calls nothing and needs only the C library");
  static llvm::cl::opt<bool> profile(
      "profile", llvm::cl::cat(category), llvm::cl::init(false),
      llvm::cl::desc("Time each layer (ONNX node) at run time: the object "
                     "keeps an etch_profile_t (<name>_profile() in the "
                     "header) and needs libetch_runtime.a; hosts with an OS "
                     "only. See etch-bench"));

  static llvm::cl::opt<bool> timeReport(
      "time-report", llvm::cl::cat(category), llvm::cl::init(false),
      llvm::cl::desc("Print to stderr where compile time goes: the importer, "
                     "each phase and its passes, the LLVM back end (wall and "
                     "CPU time, as a tree)"));

  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "etch-compile " ETCH_VERSION_STRING " (LLVM " LLVM_VERSION_STRING
          ")\n";
  });
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "etch: ahead-of-time ONNX compiler\n");

  CompileOptions options;
  options.inputPath = input;
  options.outputPath = output;
  options.headerPath = headerPath;
  options.modelName = name;
  options.target.triple = target;
  options.target.cpu = cpu;
  options.target.features = features;
  options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  options.inputValues.assign(inputValues.begin(), inputValues.end());
  options.maxModelBytes = maxModelBytes;
  options.requantMode = requant;
  options.compileTo = compileTo;
  options.weightsSection = weightsSection;
  options.openclHost = openclHost;
  options.emitOpenCLDir = emitOpenCL;
  options.openclFP16 = openclFP16;
  options.scheduleReport = scheduleReport;
  options.tuningDbPath = tuningDb;
  options.tuningDbStrict = tuningDbStrict;
  options.tuningTasksPath = tuningTasks;
  options.extractWorkload = extractWorkload;
  if (!extractWorkload.empty() &&
      (compileTo < Phase::Linalg || isOpenCLTarget(options))) {
    llvm::errs() << "etch-compile: error: --extract-workload cuts a CPU "
                    "workload's layer out after the linalg phase; it needs "
                    "--compile-to=linalg or later and a CPU --target\n";
    return 1;
  }
  if (tuningDbStrict && tuningDb.empty()) {
    llvm::errs() << "etch-compile: error: --tuning-db-strict needs "
                    "--tuning-db\n";
    return 1;
  }
  if (!tuningTasks.empty() && compileTo != Phase::Schedule) {
    llvm::errs() << "etch-compile: error: --emit-tuning-tasks needs "
                    "--compile-to=schedule\n";
    return 1;
  }
  if ((!tuningDb.empty() || !tuningTasks.empty()) &&
      isOpenCLTarget(options)) {
    llvm::errs() << "etch-compile: error: --tuning-db and "
                    "--emit-tuning-tasks tune CPU schedules; they do not "
                    "apply to --target=opencl\n";
    return 1;
  }
  options.profile = profile;
  options.timing = timeReport;
  if (!isOpenCLTarget(options) &&
      (!openclHost.empty() || !emitOpenCL.empty() || openclFP16)) {
    llvm::errs() << "etch-compile: error: --host, --emit-opencl and "
                    "--opencl-fp16 need --target=opencl\n";
    return 1;
  }
  if (sizeReport.getNumOccurrences() > 0) {
    options.sizeReport = parseSizeReportFormat(
        sizeReport.empty() ? llvm::StringRef("text") : llvm::StringRef(sizeReport));
    if (!options.sizeReport) {
      llvm::errs() << "etch-compile: error: --size-report=" << sizeReport
                   << ": unknown format; supported: text, json\n";
      return 1;
    }
    if (compileTo != Phase::Obj) {
      llvm::errs() << "etch-compile: error: --size-report measures the "
                      "object; it cannot be combined with --compile-to="
                   << stringifyPhase(compileTo) << "\n";
      return 1;
    }
  }
  if (optLevel > 3) {
    llvm::errs() << "etch-compile: error: -O" << optLevel
                 << ": the optimization level must be 0 to 3\n";
    return 1;
  }
  options.optLevel = optLevel;
  // A generic CPU is the portable choice, but on x86-64 it means SSE2 and
  // no FMA (about 3x slower than AVX2/AVX-512 code): say what the user gets
  // and how to choose, once, whenever they did not choose.
  if (cpu.getNumOccurrences() == 0 && !isOpenCLTarget(options) &&
      compileTo == Phase::Obj) {
    llvm::StringRef triple = options.target.triple;
    llvmcpu::CPUTargetInfo info = llvmcpu::resolveCPUTarget(
        triple.empty() ? llvm::StringRef(llvm::sys::getDefaultTargetTriple())
                       : triple,
        "generic", features);
    llvm::errs() << "etch-compile: note: no --mcpu given: compiling for "
                 << llvmcpu::describeCPUTarget(info)
                 << "; pass --mcpu=native for this machine ("
                 << llvm::sys::getHostCPUName()
                 << ") or --mcpu=<deployment CPU>\n";
  }
  if (threads < 1 || threads > kMaxThreads) {
    llvm::errs() << "etch-compile: error: --threads=" << threads
                 << ": the thread count must be 1 to " << kMaxThreads << "\n";
    return 1;
  }
  options.threads = threads;
  threads.setValue(llvmThreadsDefault);

  DialectRegistry registry;
  registerEtchCompileDialects(registry);
  MLIRContext ctx(registry);
  // User errors must stay short: no dump of the failing op.
  ctx.printOpOnDiagnostic(false);
  bool sawError = false;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    sawError |= diag.getSeverity() == DiagnosticSeverity::Error;
    llvm::errs() << "etch-compile: " << severityName(diag.getSeverity())
                 << ": "
                 << formatLocation(diag.getLocation(), options.inputPath,
                                   diag.str())
                 << ": " << diag.str() << "\n";
    for (Diagnostic &note : diag.getNotes()) {
      llvm::errs() << "etch-compile: note: "
                   << formatLocation(note.getLocation(), options.inputPath,
                                     note.str())
                   << ": " << note.str() << "\n";
    }
    return success();
  });

  if (failed(compile(ctx, options))) {
    if (!sawError) {
      llvm::errs() << "etch-compile: error: " << options.inputPath
                   << ": compilation failed\n";
    }
    return 1;
  }
  return 0;
}

} // namespace mlir::etch
