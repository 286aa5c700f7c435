//===- Pipelines.h - etch compilation phases and driver ---------*- C++ -*-===//
//
// The phase enum, the options of one compilation, and the library entry point
// `etch-compile`'s main calls. Each phase runs the pipeline builder of the
// component that owns it (importer, graph, linalg, LLVMCPU tiling, common
// codegen) — see DESIGN.md, "Pipeline".
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_PIPELINES_PIPELINES_H
#define ETCH_PIPELINES_PIPELINES_H

#include "etch/Importer/OnnxImporter.h"
#include "etch/codegen/Common/EmitObject.h"
#include "etch/codegen/Common/SizeReport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::etch {

/// Compilation phases, in order; `--compile-to=<phase>` stops after one and
/// prints its IR.
enum class Phase {
  Import,
  Graph,
  Linalg,
  Schedule,
  Tiled,
  Vector,
  Bufferized,
  LLVM,
  Obj
};

/// Module attribute naming the phase a printed module is at, so that
/// etch-compile continues it from there (`--extract-workload` writes it).
constexpr llvm::StringLiteral kPhaseAttrName = "etch.phase";

/// "import", "graph", ..., "obj".
llvm::StringRef stringifyPhase(Phase phase);
std::optional<Phase> parsePhase(llvm::StringRef name);

/// One compilation.
struct CompileOptions {
  /// An ONNX model, or a `.mlir` file holding a module at the `import`,
  /// `graph` or `linalg` phase (compilation continues from there; a module
  /// attribute `etch.phase = "<phase>"`, which `--extract-workload` writes,
  /// says which, else the earlier phases run again, harmlessly).
  std::string inputPath;
  /// Object (or printed IR with compileTo < Obj; empty or "-": stdout).
  std::string outputPath;
  /// Generated header; empty: `outputPath` with its extension replaced by
  /// `.h`.
  std::string headerPath;
  /// C prefix of the exported symbols; empty: the input file's stem,
  /// sanitized to a C identifier.
  std::string modelName;
  TargetSpec target;
  /// `--input-shape` specs (`name=1x3x224x224`), passed to the importer.
  std::vector<std::string> inputShapes;
  /// `--input-value` specs (`name=v0,v1,...`): graph inputs fixed to
  /// constants at compile time.
  std::vector<std::string> inputValues;
  /// `--max-model-bytes`: bound on any tensor or static shape of the model
  /// and on its weights together (0: the importer's default, 4 GiB).
  uint64_t maxModelBytes = 0;
  /// `--requant`: "float" (ONNX Runtime's fp32 requantization), "fixedpoint"
  /// (gemmlowp/TensorFlow Lite integer requantization) or empty: fixedpoint
  /// for targets without an OS (Cortex-M), float otherwise.
  std::string requantMode;
  Phase compileTo = Phase::Obj;
  /// LLVM optimization level (0-3).
  unsigned optLevel = 3;
  /// Object-file section for the weights (empty: the default, .rodata).
  std::string weightsSection;
  /// Print the object's footprint to stdout in this format (with Obj only).
  std::optional<SizeReportFormat> sizeReport;
  /// Report each root op's schedule and whether it was vectorized (as
  /// remarks, located at the op's ONNX node).
  bool scheduleReport = false;
  /// `--tuning-db`: JSONL database from etch-tune applied during strategy
  /// selection; `--tuning-db-strict`: a layer without a valid record is an
  /// error. `--emit-tuning-tasks` (with compileTo == Schedule): write the
  /// root ops' workloads (key, layer, heuristic schedule, loops) as JSON.
  std::string tuningDbPath;
  bool tuningDbStrict = false;
  std::string tuningTasksPath;
  /// `--extract-workload=<key>`: compile only that workload's layer (its
  /// root op with the producers and consumer chain fused into its tiles) as
  /// a model whose inputs are what the layer reads from the rest of the
  /// model. With compileTo == Linalg, the layer's IR tagged `etch.phase`.
  std::string extractWorkload;
  /// With `target.triple == "opencl"` (`target.cpu` is then a GPU preset):
  /// the host triple of the object (empty: x86_64-linux-gnu), a folder to
  /// write `<name>.cl` into (empty: none), and half-precision compute.
  std::string openclHost;
  std::string emitOpenCLDir;
  bool openclFP16 = false;
  /// `--threads`: above 1, each layer's outer tiles run on up to this many
  /// threads (etch_parallel_for_tid); targets with an OS only.
  int64_t threads = 1;
  /// `--profile`: the object times each layer (ONNX node) through the
  /// runtime's etch_profile_* functions; CPU targets with an OS only.
  bool profile = false;
  /// `--time-report`: time the importer, each phase's passes and the LLVM
  /// back end; the tree goes to CompileOutputs::timingReport.
  bool timing = false;
};

/// Largest `--threads` (the runtime pool's ETCH_MAX_THREADS).
constexpr int64_t kMaxThreads = 256;

/// Whether `options` compile for the OpenCL target (`--target=opencl`).
inline bool isOpenCLTarget(const CompileOptions &options) {
  return options.target.triple == "opencl";
}

/// The requantization `options` ask for (`--requant`, or the target's
/// default: fixedpoint without an OS, float otherwise); failure for an
/// unknown mode name.
FailureOr<RequantMode> resolveRequantMode(const CompileOptions &options);

/// Runs the phases up to `options.compileTo` on the module in `module`,
/// which is at `from` (the phase it was produced by). Writes the `etch.target`
/// attribute first. Diagnostics go to the context's handler.
/// With `timing`, each phase's pass manager reports under a nested scope.
LogicalResult runPhases(ModuleOp module, Phase from, Phase to,
                        const CompileOptions &options,
                        TimingScope *timing = nullptr);

/// What one compilation produced, all in memory (see compileToMemory).
struct CompileOutputs {
  /// With `compileTo` before `obj`: the printed IR (for `--target=opencl`
  /// with `compileTo == LLVM`, the host code's LLVM IR). Empty otherwise.
  std::string ir;
  /// The object file and its `<name>.h`.
  std::string object;
  std::string header;
  /// `--target=opencl`: the kernels (`<name>.cl`), and with fp16 the fp32
  /// fallback the object also carries (empty otherwise).
  std::string openclSource;
  std::string openclFP32Source;
  /// The C prefix of the exported symbols.
  std::string modelName;
  /// The object's target as the TargetMachine resolved it.
  std::string triple;
  std::string cpu;
  /// The footprint of the object (`--size-report`), in both formats.
  std::string sizeReportText;
  std::string sizeReportJson;
  /// The model's inputs, outputs and arena, as the object's tables say.
  ModelSignature signature;
  /// With CompileOptions::timing: the compile-time report (a tree of wall
  /// and CPU times per phase and pass).
  std::string timingReport;
};

/// Reads `options.inputPath` (ONNX or .mlir) and compiles it into `outputs`
/// without writing anything (`outputPath`, `headerPath`, `emitOpenCLDir` and
/// `sizeReport` are ignored). Diagnostics go to the context's handler; on
/// failure `outputs` is unspecified. Safe to call concurrently on different
/// contexts.
LogicalResult compileToMemory(MLIRContext &ctx, const CompileOptions &options,
                              CompileOutputs &outputs);

/// compileToMemory, then writes the outputs: the printed IR, or the object
/// and its header (and the OpenCL kernels with `emitOpenCLDir`), and prints
/// the size report to stdout if asked. Nothing is written on failure.
LogicalResult compile(MLIRContext &ctx, const CompileOptions &options);

/// `etch-compile`'s whole main: flags, diagnostics printed as
/// `etch-compile: error: <location>: <message>`, exit code.
int runEtchCompileMain(int argc, char **argv);

/// Registers every dialect, interface and translation the phases use.
void registerEtchCompileDialects(DialectRegistry &registry);

} // namespace mlir::etch

#endif // ETCH_PIPELINES_PIPELINES_H
