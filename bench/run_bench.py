#!/usr/bin/env python3
"""etch vs ONNX Runtime and OpenVINO on the benchmark suite (bench/suite.py).

Run from the repository root after scripts/setup.sh and bench/setup_bench.sh:

    .venv-bench/bin/python bench/run_bench.py [--models all|resnet18,...] [--threads 1,2]

For each model it compiles with etch-compile (--mcpu=native; --threads=N
where etch-compile lists the flag, else etch's N>1 column is n/a), links
bench/bench_harness.c, checks etch's outputs against ONNX Runtime relative to
the outputs' own scale, and times etch, ONNX Runtime (all graph
optimizations) and OpenVINO (CPU, f32 inference precision) on the same input
in the same run: for N threads the process is pinned to N CPUs (one thread:
CPU 1, like `taskset -c 1`), and the engines take turns over --rounds rounds
so that a load change hits all of them; each number is the median of the
rounds' medians. LiteRT/XNNPACK is reported as unavailable when it cannot
run the suite. Writes bench/results/suite-<date>.json, suite_latest.md and
suite_ratios.png; with --profiles, etch-bench's per-layer profiles too.
"""
import argparse
import datetime
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
import report  # noqa: E402
import suite  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
# Outputs must match ONNX Runtime within this fraction of their own largest
# magnitude (different summation orders and math approximations).
OUTPUT_RTOL = 1e-3


def tool(build, name):
    path = os.path.join(build, "bin", name)
    if not os.path.exists(path):
        sys.exit(f"run_bench: {path} not found; build first (scripts/setup.sh)")
    return path


# Runs argv[1:] in a child of a small Python and reports that child's peak
# RSS. Measured directly from this process, ru_maxrss would include the pages
# of this (large: torch, ORT, OpenVINO) process that the child shares until
# it execs: Linux keeps the pre-exec high-water mark.
_MAXRSS_LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[1], sys.argv[1:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "sys.stderr.write('\\nETCH_MAXRSS_KB=%d\\n' % usage.ru_maxrss)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n")


def run_measured(cmd, log_path):
    """Runs cmd (output to log_path); returns (exit code, seconds, peak RSS
    MiB of the command alone, log text)."""
    t0 = time.perf_counter()
    with open(log_path, "wb") as log:
        rc = subprocess.run([sys.executable, "-S", "-c", _MAXRSS_LAUNCHER, *cmd],
                            stdout=log, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - t0
    with open(log_path, errors="replace") as log:
        text = log.read()
    mib = None
    for line in text.splitlines():
        if line.startswith("ETCH_MAXRSS_KB="):
            mib = int(line.split("=", 1)[1]) / 1024.0
    return rc, seconds, mib, text


# --- helpers bench/opencl_bench.py shares -------------------------------------

def find_tool(build, name):
    return tool(build, name)


def find_runtime_lib(build):
    hits = glob.glob(os.path.join(build, "**", "libetch_runtime.a"), recursive=True)
    if not hits:
        sys.exit("run_bench: libetch_runtime.a not found in the build tree")
    return hits[0]


def export_model(name, path, opset):
    """A torchvision model with random weights as ONNX (no BatchNorm
    re-estimation: opencl_bench.py compares etch with itself)."""
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=opset,
                          input_names=["input"], output_names=["logits"])


def count_macs(model_path):
    """Multiply-accumulates of Conv/Gemm/MatMul, from ONNX shape inference."""
    from onnx import shape_inference
    m = shape_inference.infer_shapes(onnx.load(model_path))
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for init in m.graph.initializer:
        shapes[init.name] = list(init.dims)
    macs = 0
    for n in m.graph.node:
        if n.op_type == "Conv":
            w, y = shapes[n.input[1]], shapes[n.output[0]]
            macs += int(np.prod(y)) * int(np.prod(w[1:]))
        elif n.op_type in ("Gemm", "MatMul"):
            a, y = shapes[n.input[0]], shapes[n.output[0]]
            macs += int(np.prod(y)) * a[-1]
    return macs


# --- the suite --------------------------------------------------------------------

def etch_inputs(model_path, feeds, fixed):
    """The arrays etch's C signature takes, in ONNX graph order."""
    m = onnx.load(model_path, load_external_data=False)
    inits = {i.name for i in m.graph.initializer}
    return [(i.name, feeds[i.name]) for i in m.graph.input
            if i.name not in inits and i.name not in fixed]


class Etch:
    """One compiled, linked etch model (a harness executable)."""

    def __init__(self, compiler, runtime_dir, model, model_path, work, threads):
        self.work, self.name = work, f"{model.name}_t{threads}"
        obj = os.path.join(work, self.name + ".o")
        cmd = [compiler, model_path, "--target=x86_64-linux-gnu", "--mcpu=native",
               f"--name={self.name}", "-o", obj, *model.compile_flags]
        if threads > 1:
            cmd.append(f"--threads={threads}")
        rc, self.compile_s, self.compile_mib, log = run_measured(cmd, obj + ".log")
        if rc != 0:
            raise RuntimeError("etch-compile failed: " + log.strip().splitlines()[-1][:300])
        self.exe = os.path.join(work, self.name + ".bench")
        link = ["cc", "-O2", "-std=c11", "-I", os.path.join(ROOT, "runtime", "include"),
                f"-DETCH_MODEL_SYM={self.name}_model",
                os.path.join(ROOT, "bench", "bench_harness.c"), obj, f"-L{runtime_dir}"]
        if threads > 1:
            link.append("-letch_runtime_threads")
        link += ["-letch_runtime", "-lpthread", "-o", self.exe]
        subprocess.run(link, check=True)

    def run(self, in_paths, warmup, runs, out_paths=()):
        cmd = [self.exe, str(warmup), str(runs), *in_paths]
        if out_paths:
            cmd += ["--", *out_paths]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"etch run failed: {proc.stderr.strip()[:300]}")
        return json.loads(proc.stdout)


def output_error(etch_outs, ref_outs):
    """max |etch - ort| / max |ort| over all outputs (0 = identical)."""
    worst = 0.0
    for got, ref in zip(etch_outs, ref_outs):
        ref = np.asarray(ref, np.float64)
        got = np.asarray(got, np.float64).reshape(ref.shape)
        scale = float(np.max(np.abs(ref))) if ref.size else 0.0
        err = float(np.max(np.abs(got - ref))) if ref.size else 0.0
        worst = max(worst, err / scale if scale > 0 else err)
    return worst


def bench_model(model, args, compiler, runtime_dir, has_threads, work):
    row = {"model": model.name, "source": model.source}
    path = model.make(args.cache)
    feeds = model.inputs()
    all_feeds = {**feeds, **model.fixed}
    ins = etch_inputs(path, all_feeds, model.fixed)
    in_paths = []
    for k, (_, arr) in enumerate(ins):
        p = os.path.join(work, f"{model.name}.in{k}.bin")
        np.ascontiguousarray(arr).tofile(p)
        in_paths.append(p)

    os.sched_setaffinity(0, args.cpus[1])
    ort1 = peers.OnnxRuntime(path, all_feeds, 1)
    ref = ort1.outputs()
    row["onnxruntime_version"] = ort1.version
    etch = {}
    try:
        etch[1] = Etch(compiler, runtime_dir, model, path, work, 1)
        row["compile_s"], row["compile_peak_mib"] = etch[1].compile_s, etch[1].compile_mib
        outs = [os.path.join(work, f"{model.name}.out{k}.bin") for k in range(len(ref))]
        etch[1].run(in_paths, 0, 1, outs)
        got = [np.fromfile(p, dtype=r.dtype) for p, r in zip(outs, ref)]
        row["output_rel_err"] = output_error(got, ref)
        row["output_ok"] = row["output_rel_err"] <= OUTPUT_RTOL
        row["output_scale"] = max(float(np.max(np.abs(r))) for r in ref if r.size)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        row["etch_error"] = str(e)
        print(f"  etch: {e}", flush=True)

    for t in args.threads:
        os.sched_setaffinity(0, args.cpus[t])
        engines = {}
        if t in etch or (t > 1 and has_threads and 1 in etch):
            try:
                if t not in etch:
                    etch[t] = Etch(compiler, runtime_dir, model, path, work, t)
                engines["etch"] = lambda n, e=etch[t]: e.run(in_paths, args.warmup, n)
            except (RuntimeError, subprocess.CalledProcessError) as e:
                row[f"etch_t{t}_error"] = str(e)
        elif t > 1 and 1 in etch:
            row[f"etch_t{t}_note"] = "n/a: etch-compile has no --threads"
        for peer in peers.PEERS:
            try:
                session = ort1 if (peer is peers.OnnxRuntime and t == 1) else peer(path, all_feeds, t)
                row[f"{peer.name}_version"] = session.version
                engines[peer.name] = lambda n, s=session: s.time(args.warmup, n)
            except Exception as e:  # a peer that cannot load the model
                row[f"{peer.name}_t{t}_error"] = f"{type(e).__name__}: {str(e)[:600]}"
        medians = {name: [] for name in engines}
        for _ in range(args.rounds):
            for name, timed in engines.items():
                medians[name].append(timed(args.runs)["median_ms"])
        for name, values in medians.items():
            row[f"{name}_t{t}_ms"] = statistics.median(values)
    os.sched_setaffinity(0, args.cpus["all"])
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="all", help="'all' or a comma list of suite names")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--runs", type=int, default=10, help="timed runs per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cache", default=None, help="model cache (default: <build>/bench-models)")
    ap.add_argument("--profiles", default="resnet18,mobilenet_v2",
                    help="models to profile per layer with etch-bench ('' for none)")
    ap.add_argument("--note", default="", help="a line about the machine's state for the report")
    ap.add_argument("--resume", action="store_true",
                    help="keep the models <cache>/suite-partial.json already has")
    ap.add_argument("--render", metavar="JSON",
                    help="only rewrite suite_latest.md and suite_ratios.png from this result file")
    args = ap.parse_args()
    if args.render:
        with open(args.render) as f:
            result = json.load(f)
        text = report.markdown(result)
        with open(os.path.join(RESULTS, "suite_latest.md"), "w") as f:
            f.write(text)
        report.plot(result, os.path.join(RESULTS, "suite_ratios.png"))
        print(text)
        return
    args.threads = [int(t) for t in args.threads.split(",")]
    ncpu = os.cpu_count() or 1
    args.cpus = {t: set(range(ncpu - t, ncpu)) if t <= ncpu else set(range(ncpu))
                 for t in args.threads}
    args.cpus["all"] = os.sched_getaffinity(0)
    args.cache = args.cache or os.path.join(args.build, "bench-models")
    os.makedirs(args.cache, exist_ok=True)

    compiler = tool(args.build, "etch-compile")
    runtime_dir = os.path.dirname(glob.glob(os.path.join(args.build, "runtime", "libetch_runtime.a"))[0])
    help_text = subprocess.run([compiler, "--help"], capture_output=True, text=True).stdout
    has_threads = "--threads" in help_text
    models = suite.suite()
    if args.models != "all":
        wanted = args.models.split(",")
        unknown = set(wanted) - {m.name for m in models}
        if unknown:
            sys.exit(f"run_bench: unknown models {sorted(unknown)}; known: {[m.name for m in models]}")
        models = [m for m in models if m.name in wanted]

    rows = []
    partial = os.path.join(args.cache, "suite-partial.json")
    if args.resume and os.path.exists(partial):
        with open(partial) as f:
            rows = json.load(f)
        done = {r["model"] for r in rows}
        models = [m for m in models if m.name not in done]
        print(f"resuming after {sorted(done)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="etch-bench-") as work:
        for model in models:
            print(f"{model.name} ...", flush=True)
            row = bench_model(model, args, compiler, runtime_dir, has_threads, work)
            rows.append(row)
            print("  " + report.row_summary(row, args.threads), flush=True)
            with open(partial, "w") as f:  # survives a crash of a later model
                json.dump(rows, f, indent=2)

    now = datetime.datetime.now(datetime.timezone.utc)
    result = {
        "date": now.isoformat(timespec="seconds"),
        "command": " ".join([".venv-bench/bin/python"] + [os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]),
        "machine": {"cpu": report.cpu_name(), "cpus": ncpu, "pinning": {str(t): sorted(c) for t, c in args.cpus.items() if t != "all"},
                    "loadavg_at_end": os.getloadavg(), "note": args.note},
        "etch_threads_flag": has_threads,
        "litert": peers.litert_unavailable_reason(),
        "runs": args.runs, "rounds": args.rounds, "warmup": args.warmup,
        "output_rtol": OUTPUT_RTOL, "threads": args.threads, "rows": rows,
    }
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"suite-{now.date().isoformat()}.json"), "w") as f:
        json.dump(result, f, indent=2)
    text = report.markdown(result)
    with open(os.path.join(RESULTS, "suite_latest.md"), "w") as f:
        f.write(text)
    print(text)
    report.plot(result, os.path.join(RESULTS, "suite_ratios.png"))

    for name in filter(None, args.profiles.split(",")):
        model = next((m for m in suite.suite() if m.name == name), None)
        if model is None:
            continue
        os.sched_setaffinity(0, args.cpus[1])
        bench = tool(args.build, "etch-bench")
        path = model.make(args.cache)
        base = [bench, path, "--runs=20", "--warmup=3", *model.compile_flags]
        for fmt, ext in (([], "txt"), (["--json"], "json")):
            proc = subprocess.run(base + fmt, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"etch-bench {name} failed: {proc.stderr}", flush=True)
                break
            with open(os.path.join(RESULTS, f"profile_{name}.{ext}"), "w") as f:
                f.write(proc.stdout)
        os.sched_setaffinity(0, args.cpus["all"])


if __name__ == "__main__":
    main()
