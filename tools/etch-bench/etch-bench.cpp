//===- etch-bench.cpp - Per-layer profile of one model --------------------===//
//
//   etch-bench model.onnx [--threads N] [--mcpu=native] [--runs N] [--json]
//
// Compiles the model with the sibling `etch-compile --profile`, links the
// run driver (driver.c, embedded) against the object and libetch_runtime.a
// with the C compiler ($CC, else cc), runs it and prints where the time
// goes: per layer (ONNX node) its time, share, GFLOP/s and % of this CPU's
// measured FMA peak (or --peak-gflops), and the total.
//
//===----------------------------------------------------------------------===//
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace {

#include "DriverSource.inc" // kDriverSource: driver.c

namespace cl = llvm::cl;

cl::OptionCategory category("etch-bench options");
cl::opt<std::string> modelPath(cl::Positional, cl::Required, cl::cat(category),
                               cl::desc("<model.onnx | module.mlir>"));
cl::opt<unsigned> threads("threads", cl::cat(category), cl::init(1),
                          cl::desc("Threads (passed as etch-compile "
                                   "--threads where it has the flag)"));
cl::opt<std::string> mcpu("mcpu", cl::cat(category), cl::init("native"),
                          cl::desc("Target CPU for etch-compile (default: "
                                   "native, this machine)"));
cl::opt<std::string> mattr("mattr", cl::cat(category),
                           cl::desc("Target features for etch-compile"));
cl::list<std::string> inputShapes("input-shape", cl::cat(category),
                                  cl::value_desc("name=1x3x224x224"),
                                  cl::desc("Passed to etch-compile"));
cl::opt<unsigned> runs("runs", cl::cat(category), cl::init(20),
                       cl::desc("Timed runs (default 20)"));
cl::opt<unsigned> warmup("warmup", cl::cat(category), cl::init(3),
                         cl::desc("Untimed runs first (default 3)"));
cl::opt<bool> json("json", cl::cat(category), cl::init(false),
                   cl::desc("Print JSON instead of the table"));
cl::opt<double> peakOption("peak-gflops", cl::cat(category), cl::init(0),
                           cl::desc("Single-core fp32 peak (GFLOP/s) to "
                                    "compare with; default: measured"));
cl::opt<std::string> keepDir("keep", cl::cat(category),
                             cl::value_desc("dir"),
                             cl::desc("Build in this folder and keep it"));
cl::opt<std::string> compilerPath(
    "etch-compile", cl::cat(category), cl::value_desc("path"),
    cl::desc("etch-compile to use (default: the one beside etch-bench)"));

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "etch-bench: error: " << message << "\n";
  std::exit(1);
}

/// Runs `argv` and returns its stdout; fails with its stderr.
std::string runTool(llvm::ArrayRef<std::string> argv,
                    llvm::StringRef workDir, llvm::StringRef what) {
  llvm::SmallString<256> out(workDir), err(workDir);
  llvm::sys::path::append(out, "stdout.txt");
  llvm::sys::path::append(err, "stderr.txt");
  std::vector<llvm::StringRef> args(argv.begin(), argv.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, out.str(),
                                                err.str()};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(argv[0], args, std::nullopt, redirects,
                                     0, 0, &error);
  auto read = [](llvm::StringRef path) {
    auto buf = llvm::MemoryBuffer::getFile(path);
    return buf ? (*buf)->getBuffer().str() : std::string();
  };
  if (rc != 0) {
    fail(what + " failed" + (error.empty() ? "" : ": " + error) + "\n$ " +
         llvm::join(args, " ") + "\n" + read(err) + read(out));
  }
  return read(out);
}

std::string programDir(const char *argv0) {
  static int anchor;
  std::string self = llvm::sys::fs::getMainExecutable(argv0, &anchor);
  return llvm::sys::path::parent_path(self).str();
}

/// The first of `candidates` that exists.
std::string firstExisting(llvm::ArrayRef<std::string> candidates,
                          llvm::StringRef what) {
  for (const std::string &c : candidates) {
    if (!c.empty() && llvm::sys::fs::exists(c)) {
      return c;
    }
  }
  fail("cannot find " + what + "; looked in: " +
       llvm::join(candidates, ", "));
}

std::string join(llvm::StringRef a, llvm::StringRef b) {
  llvm::SmallString<256> path(a);
  llvm::sys::path::append(path, b);
  return path.str().str();
}

struct LayerRow {
  unsigned index;
  std::string name, op;
  double flops, ms;
};

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "etch-bench: compile a model with --profile, run it and print "
      "per-layer times\n");
  if (runs == 0 || threads == 0) {
    fail("--runs and --threads must be at least 1");
  }
  if (!llvm::sys::fs::exists(modelPath)) {
    fail(modelPath + ": no such file");
  }
  std::string bin = programDir(argv[0]);
  std::string compiler = compilerPath.empty() ? join(bin, "etch-compile")
                                              : compilerPath.getValue();
  if (!llvm::sys::fs::can_execute(compiler)) {
    fail("cannot run etch-compile at " + compiler +
         " (pass --etch-compile=PATH)");
  }
  std::string prefix = llvm::sys::path::parent_path(bin).str();
  std::string include = firstExisting(
      {join(prefix, "include/etch/etch.h"), ETCH_BENCH_SOURCE_INCLUDE
       "/etch/etch.h"},
      "etch/etch.h");
  include = llvm::sys::path::parent_path(llvm::sys::path::parent_path(include))
                .str();
  std::string runtimeDir = llvm::sys::path::parent_path(firstExisting(
      {join(prefix, "lib/libetch_runtime.a"),
       join(prefix, "lib64/libetch_runtime.a"),
       ETCH_BENCH_BUILD_RUNTIME "/libetch_runtime.a"},
      "libetch_runtime.a")).str();

  // Work folder.
  std::string work = keepDir;
  if (work.empty()) {
    llvm::SmallString<256> tmp;
    if (llvm::sys::fs::createUniqueDirectory("etch-bench", tmp)) {
      fail("cannot create a temporary folder");
    }
    work = tmp.str().str();
  } else if (llvm::sys::fs::create_directories(work)) {
    fail("cannot create " + work);
  }

  // Compile.
  std::string help = runTool({compiler, "--help"}, work, "etch-compile --help");
  bool hasThreads = llvm::StringRef(help).contains("--threads");
  if (threads > 1 && !hasThreads) {
    fail("--threads=" + llvm::Twine(threads.getValue()) +
         ": this etch-compile has no --threads flag (single-threaded only)");
  }
  std::string name = "bench_model";
  std::string object = join(work, name + ".o");
  std::vector<std::string> compile = {compiler, modelPath, "--profile",
                                      "--name=" + name, "--mcpu=" + mcpu,
                                      "-o", object};
  if (!mattr.empty()) {
    compile.push_back("--mattr=" + mattr);
  }
  for (const std::string &shape : inputShapes) {
    compile.push_back("--input-shape=" + shape);
  }
  if (hasThreads) {
    compile.push_back("--threads=" + std::to_string(threads));
  }
  runTool(compile, work, "etch-compile");

  // Link.
  std::string driver = join(work, "driver.c");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(driver, ec);
    if (ec) {
      fail("cannot write " + driver + ": " + ec.message());
    }
    os << kDriverSource;
  }
  const char *ccEnv = std::getenv("CC");
  llvm::ErrorOr<std::string> cc =
      llvm::sys::findProgramByName(ccEnv && *ccEnv ? ccEnv : "cc");
  if (!cc) {
    fail("no C compiler: set CC or install cc");
  }
  std::string exe = join(work, name + ".bench");
  std::vector<std::string> link = {*cc, "-O2", "-std=c11"};
  llvm::Triple host(llvm::sys::getProcessTriple());
  if (host.isX86()) {
    link.push_back("-march=native"); // the peak probe's widest vectors
  } else if (host.isAArch64()) {
    link.push_back("-mcpu=native");
  }
  link.insert(link.end(), {"-I" + include, "-DETCH_MODEL_SYM=" + name + "_model",
                           driver, object, "-L" + runtimeDir});
  if (threads > 1) {
    link.push_back("-letch_runtime_threads");
  }
  link.insert(link.end(), {"-letch_runtime", "-lpthread", "-o", exe});
  runTool(link, work, "linking the driver");

  // Run.
  bool probe = peakOption <= 0;
  std::string out = runTool({exe, std::to_string(warmup.getValue()),
                             std::to_string(runs.getValue()),
                             std::to_string(threads.getValue()),
                             probe ? "1" : "0"},
                            work, "running the model");
  if (keepDir.empty()) {
    llvm::sys::fs::remove_directories(work);
  }
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(out);
  if (!parsed) {
    fail("unreadable driver output: " + llvm::toString(parsed.takeError()));
  }
  llvm::json::Object *result = parsed->getAsObject();
  if (!result) {
    fail("unreadable driver output");
  }
  double profiledRuns = result->getInteger("profiled_runs").value_or(1);
  double totalMs =
      result->getInteger("total_ns").value_or(0) / profiledRuns / 1e6;
  double peak1 = probe ? result->getNumber("peak_gflops_1core").value_or(0)
                       : peakOption.getValue();
  double peak = peak1 * threads;
  std::vector<LayerRow> rows;
  double layerMs = 0, totalFlops = 0;
  if (llvm::json::Array *layers = result->getArray("layers")) {
    for (auto [i, value] : llvm::enumerate(*layers)) {
      llvm::json::Object *l = value.getAsObject();
      if (!l) {
        continue;
      }
      LayerRow row{static_cast<unsigned>(i),
                   l->getString("name").value_or("").str(),
                   l->getString("op").value_or("").str(),
                   static_cast<double>(l->getInteger("flops").value_or(0)),
                   l->getInteger("ns").value_or(0) / profiledRuns / 1e6};
      layerMs += row.ms;
      totalFlops += row.flops;
      rows.push_back(row);
    }
  }
  double otherMs = std::max(0.0, totalMs - layerMs);
  auto gflops = [](double flops, double ms) {
    return ms > 0 ? flops / ms / 1e6 : 0.0;
  };

  if (json) {
    llvm::json::Array layers;
    for (const LayerRow &r : rows) {
      double g = gflops(r.flops, r.ms);
      layers.push_back(llvm::json::Object{
          {"index", r.index},
          {"name", r.name},
          {"op", r.op},
          {"ms", r.ms},
          {"share", totalMs > 0 ? r.ms / totalMs : 0.0},
          {"gflop", r.flops / 1e9},
          {"gflops", g},
          {"peak_fraction", peak > 0 ? g / peak : 0.0}});
    }
    llvm::json::Object report{
        {"model", modelPath},
        {"mcpu", mcpu},
        {"threads", threads.getValue()},
        {"runs", runs.getValue()},
        {"warmup", warmup.getValue()},
        {"wall_median_ms", result->getNumber("wall_median_ms").value_or(0)},
        {"wall_min_ms", result->getNumber("wall_min_ms").value_or(0)},
        {"profiled_total_ms", totalMs},
        {"other_ms", otherMs},
        {"gflop", totalFlops / 1e9},
        {"gflops", gflops(totalFlops, totalMs)},
        {"peak_gflops", peak},
        {"peak_source", probe ? "measured" : "--peak-gflops"},
        {"layers", std::move(layers)}};
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
                 << "\n";
    return 0;
  }

  // Table, slowest layer first.
  std::vector<LayerRow> sorted = rows;
  llvm::stable_sort(sorted, [](const LayerRow &a, const LayerRow &b) {
    return a.ms > b.ms;
  });
  size_t nameWidth = 5;
  for (const LayerRow &r : rows) {
    nameWidth = std::max(nameWidth, std::min<size_t>(r.name.size(), 60));
  }
  auto &os = llvm::outs();
  os << "etch-bench " << modelPath << ": --mcpu=" << mcpu << ", "
     << threads << (threads == 1 ? " thread" : " threads") << ", "
     << runs << " runs after " << warmup << " warm-up\n";
  os << llvm::formatv("peak {0:F1} GFLOP/s ({1}){2}\n\n", peak,
                      probe ? "measured FMA peak" : "--peak-gflops",
                      threads > 1 ? llvm::formatv(" = {0} x {1:F1}", threads,
                                                  peak1)
                                        .str()
                                  : std::string());
  auto line = [&](llvm::StringRef idx, llvm::StringRef name,
                  llvm::StringRef op, llvm::StringRef ms,
                  llvm::StringRef share, llvm::StringRef g,
                  llvm::StringRef pk) {
    os << llvm::left_justify(idx, 5) << llvm::left_justify(name, nameWidth + 2)
       << llvm::left_justify(op, 14) << llvm::right_justify(ms, 10)
       << llvm::right_justify(share, 8) << llvm::right_justify(g, 10)
       << llvm::right_justify(pk, 8) << "\n";
  };
  line("#", "layer", "op", "ms", "share", "GFLOP/s", "%peak");
  for (const LayerRow &r : sorted) {
    double g = gflops(r.flops, r.ms);
    std::string shown = r.name.size() > 60
                            ? r.name.substr(0, 28) + "..." +
                                  r.name.substr(r.name.size() - 29)
                            : r.name;
    line(std::to_string(r.index), shown, r.op,
         llvm::formatv("{0:F3}", r.ms).str(),
         llvm::formatv("{0:F1}%", totalMs > 0 ? 100 * r.ms / totalMs : 0)
             .str(),
         r.flops > 0 ? llvm::formatv("{0:F1}", g).str() : "-",
         r.flops > 0 && peak > 0 ? llvm::formatv("{0:F0}%", 100 * g / peak).str()
                                 : "-");
  }
  line("", "(between layers)", "", llvm::formatv("{0:F3}", otherMs).str(),
       llvm::formatv("{0:F1}%", totalMs > 0 ? 100 * otherMs / totalMs : 0)
           .str(),
       "", "");
  double g = gflops(totalFlops, totalMs);
  line("", "total", "", llvm::formatv("{0:F3}", totalMs).str(), "100.0%",
       llvm::formatv("{0:F1}", g).str(),
       peak > 0 ? llvm::formatv("{0:F0}%", 100 * g / peak).str() : "-");
  os << llvm::formatv(
      "\n{0} layers, {1:F3} GFLOP per run; wall time per run (etch_model_run, "
      "profiled): median {2:F3} ms, min {3:F3} ms\n",
      rows.size(), totalFlops / 1e9,
      result->getNumber("wall_median_ms").value_or(0),
      result->getNumber("wall_min_ms").value_or(0));
  return 0;
}
