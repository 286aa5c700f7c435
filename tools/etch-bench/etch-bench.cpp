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

/// The command line. Parsed by hand: libLLVM registers options of its own
/// (e.g. --threads) in llvm::cl's global registry.
struct Options {
  std::string model;
  unsigned threads = 1;
  std::string mcpu = "native";
  std::string mattr;
  std::vector<std::string> passThrough; // --input-shape=..., --input-value=...
  unsigned runs = 20;
  unsigned warmup = 3;
  bool json = false;
  double peakGflops = 0;
  std::string keepDir;
  std::string compiler;
};

constexpr const char *kUsage = R"(usage: etch-bench model.onnx [options]

Compiles the model with `etch-compile --profile`, runs it and prints each
layer's (ONNX node's) time, share, GFLOP/s and % of the measured FMA peak.

  --threads=N            threads (etch-compile --threads where it has it)
  --mcpu=CPU             target CPU for etch-compile (default: native)
  --mattr=+a,-b          target features for etch-compile
  --input-shape=NAME=DIMS, --input-value=NAME=V,...
                         passed to etch-compile (repeatable)
  --runs=N               timed runs (default 20)
  --warmup=N             untimed runs first (default 3)
  --json                 print JSON instead of the table
  --peak-gflops=X        single-core fp32 peak to compare with (default:
                         measured by an FMA probe)
  --keep=DIR             build in DIR and keep it
  --etch-compile=PATH    etch-compile to use (default: beside etch-bench)
)";

[[noreturn]] void fail(const llvm::Twine &message);

Options parseOptions(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "-h" || arg == "--help" || arg == "-help") {
      llvm::outs() << kUsage;
      std::exit(0);
    }
    if (!arg.starts_with("-")) {
      if (!o.model.empty()) {
        fail("one model only; got '" + o.model + "' and '" + arg + "'");
      }
      o.model = arg.str();
      continue;
    }
    arg = arg.drop_while([](char c) { return c == '-'; });
    auto [key, value] = arg.split('=');
    bool hasValue = arg.contains('=');
    auto needValue = [&]() -> std::string {
      if (hasValue) {
        return value.str();
      }
      if (i + 1 >= argc) {
        fail("--" + key + " needs a value");
      }
      return argv[++i];
    };
    auto number = [&](llvm::StringRef text) {
      unsigned n = 0;
      if (text.getAsInteger(10, n)) {
        fail("--" + key + "=" + text + ": not a number");
      }
      return n;
    };
    if (key == "threads") {
      o.threads = number(needValue());
    } else if (key == "mcpu") {
      o.mcpu = needValue();
    } else if (key == "mattr") {
      o.mattr = needValue();
    } else if (key == "input-shape" || key == "input-value") {
      o.passThrough.push_back("--" + key.str() + "=" + needValue());
    } else if (key == "runs") {
      o.runs = number(needValue());
    } else if (key == "warmup") {
      o.warmup = number(needValue());
    } else if (key == "json") {
      o.json = true;
    } else if (key == "peak-gflops") {
      std::string text = needValue();
      if (llvm::StringRef(text).getAsDouble(o.peakGflops) ||
          o.peakGflops <= 0) {
        fail("--peak-gflops=" + text + ": not a positive number");
      }
    } else if (key == "keep") {
      o.keepDir = needValue();
    } else if (key == "etch-compile") {
      o.compiler = needValue();
    } else {
      fail("unknown option '" + llvm::StringRef(argv[i]) + "'\n" + kUsage);
    }
  }
  if (o.model.empty()) {
    fail(llvm::Twine("no model given\n") + kUsage);
  }
  return o;
}

/// A temporary work folder to delete on the way out (not a --keep one).
std::string tempWorkDir;

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "etch-bench: error: " << message << "\n";
  if (!tempWorkDir.empty()) {
    llvm::sys::fs::remove_directories(tempWorkDir);
  }
  std::exit(1);
}

/// Runs `argv` and returns its stdout; fails with its stderr.
std::string runTool(llvm::ArrayRef<std::string> argv, llvm::StringRef workDir,
                    llvm::StringRef what) {
  llvm::SmallString<256> out(workDir), err(workDir);
  llvm::sys::path::append(out, "stdout.txt");
  llvm::sys::path::append(err, "stderr.txt");
  // ExecuteAndWait's redirection does not truncate.
  llvm::sys::fs::remove(out);
  llvm::sys::fs::remove(err);
  std::vector<llvm::StringRef> args(argv.begin(), argv.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, out.str(),
                                                err.str()};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(argv[0], args, std::nullopt, redirects, 0,
                                     0, &error);
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
  fail("cannot find " + what + "; looked in: " + llvm::join(candidates, ", "));
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
  std::string fused;
};

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  Options opts = parseOptions(argc, argv);
  const std::string &modelPath = opts.model;
  const std::string &mcpu = opts.mcpu;
  unsigned threads = opts.threads, runs = opts.runs, warmup = opts.warmup;
  bool json = opts.json;
  if (runs == 0 || threads == 0) {
    fail("--runs and --threads must be at least 1");
  }
  if (!llvm::sys::fs::exists(modelPath)) {
    fail(modelPath + ": no such file");
  }
  std::string bin = programDir(argv[0]);
  std::string compiler =
      opts.compiler.empty() ? join(bin, "etch-compile") : opts.compiler;
  if (!llvm::sys::fs::can_execute(compiler)) {
    fail("cannot run etch-compile at " + compiler +
         " (pass --etch-compile=PATH)");
  }
  std::string prefix = llvm::sys::path::parent_path(bin).str();
  std::string include =
      firstExisting({join(prefix, "include/etch/etch.h"),
                     ETCH_BENCH_SOURCE_INCLUDE "/etch/etch.h"},
                    "etch/etch.h");
  include =
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(include)).str();
  std::string runtimeDir =
      llvm::sys::path::parent_path(
          firstExisting({join(prefix, "lib/libetch_runtime.a"),
                         join(prefix, "lib64/libetch_runtime.a"),
                         ETCH_BENCH_BUILD_RUNTIME "/libetch_runtime.a"},
                        "libetch_runtime.a"))
          .str();

  // Work folder.
  std::string work = opts.keepDir;
  if (work.empty()) {
    llvm::SmallString<256> tmp;
    if (llvm::sys::fs::createUniqueDirectory("etch-bench", tmp)) {
      fail("cannot create a temporary folder");
    }
    work = tmp.str().str();
    tempWorkDir = work;
  } else if (llvm::sys::fs::create_directories(work)) {
    fail("cannot create " + work);
  }

  // Compile.
  std::string help = runTool({compiler, "--help"}, work, "etch-compile --help");
  bool hasThreads = llvm::StringRef(help).contains("--threads");
  if (threads > 1 && !hasThreads) {
    fail("--threads=" + llvm::Twine(threads) +
         ": this etch-compile has no --threads flag (single-threaded only)");
  }
  std::string name = "bench_model";
  std::string object = join(work, name + ".o");
  std::vector<std::string> compile = {
      compiler,         modelPath, "--profile", "--name=" + name,
      "--mcpu=" + mcpu, "-o",      object};
  if (!opts.mattr.empty()) {
    compile.push_back("--mattr=" + opts.mattr);
  }
  llvm::append_range(compile, opts.passThrough);
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
  // gnu11, not c11: ISO mode turns off FMA contraction, which the peak
  // probe relies on.
  std::vector<std::string> link = {*cc, "-O2", "-std=gnu11"};
  llvm::Triple host(llvm::sys::getProcessTriple());
  if (host.isX86()) {
    link.push_back("-march=native"); // the peak probe's widest vectors
  } else if (host.isAArch64()) {
    link.push_back("-mcpu=native");
  }
  link.insert(link.end(),
              {"-I" + include, "-DETCH_MODEL_SYM=" + name + "_model", driver,
               object, "-L" + runtimeDir});
  if (threads > 1) {
    link.push_back("-letch_runtime_threads");
  }
  link.insert(link.end(), {"-letch_runtime", "-lpthread", "-o", exe});
  runTool(link, work, "linking the driver");

  // Run.
  bool probe = opts.peakGflops <= 0;
  std::string out = runTool({exe, std::to_string(warmup), std::to_string(runs),
                             std::to_string(threads), probe ? "1" : "0"},
                            work, "running the model");
  if (opts.keepDir.empty()) {
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
  // Means over the faster half of the runs (see driver.c).
  double totalMs = result->getNumber("body_ns").value_or(0) / 1e6;
  double peak1 = probe ? result->getNumber("peak_gflops_1core").value_or(0)
                       : opts.peakGflops;
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
                   l->getNumber("ns").value_or(0) / 1e6,
                   l->getString("fused").value_or("").str()};
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
      layers.push_back(
          llvm::json::Object{{"index", r.index},
                             {"name", r.name},
                             {"op", r.op},
                             {"fused", r.fused},
                             {"ms", r.ms},
                             {"share", totalMs > 0 ? r.ms / totalMs : 0.0},
                             {"gflop", r.flops / 1e9},
                             {"gflops", g},
                             {"peak_fraction", peak > 0 ? g / peak : 0.0}});
    }
    llvm::json::Object report{
        {"model", modelPath},
        {"mcpu", mcpu},
        {"threads", threads},
        {"runs", runs},
        {"warmup", warmup},
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
  llvm::stable_sort(
      sorted, [](const LayerRow &a, const LayerRow &b) { return a.ms > b.ms; });
  size_t nameWidth = 16, opWidth = 2;
  for (const LayerRow &r : rows) {
    nameWidth = std::max(nameWidth, std::min<size_t>(r.name.size(), 60));
    opWidth = std::max(opWidth, r.op.size());
  }
  auto &os = llvm::outs();
  os << "etch-bench " << modelPath << ": --mcpu=" << mcpu << ", " << threads
     << (threads == 1 ? " thread" : " threads") << ", " << runs
     << " runs after " << warmup << " warm-up\n";
  os << llvm::formatv(
      "peak {0:F1} GFLOP/s ({1}){2}\n\n", peak,
      probe ? "measured FMA peak" : "--peak-gflops",
      threads > 1 ? llvm::formatv(" = {0} x {1:F1}", threads, peak1).str()
                  : std::string());
  auto line = [&](llvm::StringRef idx, llvm::StringRef name, llvm::StringRef op,
                  llvm::StringRef ms, llvm::StringRef share, llvm::StringRef g,
                  llvm::StringRef pk, llvm::StringRef fused = "") {
    os << llvm::left_justify(idx, 5) << llvm::left_justify(name, nameWidth + 2)
       << llvm::left_justify(op, opWidth + 2) << llvm::right_justify(ms, 10)
       << llvm::right_justify(share, 8) << llvm::right_justify(g, 10)
       << llvm::right_justify(pk, 8);
    if (!fused.empty()) {
      os << "  " << fused;
    }
    os << "\n";
  };
  line("#", "layer", "op", "ms", "share", "GFLOP/s", "%peak", "fused");
  for (const LayerRow &r : sorted) {
    double g = gflops(r.flops, r.ms);
    std::string shown =
        r.name.size() > 60
            ? r.name.substr(0, 28) + "..." + r.name.substr(r.name.size() - 29)
            : r.name;
    line(std::to_string(r.index), shown, r.op,
         llvm::formatv("{0:F3}", r.ms).str(),
         llvm::formatv("{0:F1}%", totalMs > 0 ? 100 * r.ms / totalMs : 0).str(),
         r.flops > 0 ? llvm::formatv("{0:F1}", g).str() : "-",
         r.flops > 0 && peak > 0
             ? llvm::formatv("{0:F0}%", 100 * g / peak).str()
             : "-",
         r.fused.size() > 60 ? r.fused.substr(0, 57) + "..." : r.fused);
  }
  line(
      "", "(between layers)", "", llvm::formatv("{0:F3}", otherMs).str(),
      llvm::formatv("{0:F1}%", totalMs > 0 ? 100 * otherMs / totalMs : 0).str(),
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
