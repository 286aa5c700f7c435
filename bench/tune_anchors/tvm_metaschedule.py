"""TVM MetaSchedule on the five anchor layers (layers.py), as a peer of
etch-tune at the same per-layer trial budget on the same core.

  /work/venvs/tvm/bin/python bench/tune_anchors/tvm_metaschedule.py \\
      --trials 64 --cpu 1 --out tvm.json

PyPI `apache-tvm` (0.27: MetaSchedule lives in tvm.s_tir.meta_schedule)
in its own venv, because it brings numpy 2 (setup_anchors.sh makes it,
with apache-tvm-ffi 0.1.14: 0.1.15 segfaults in tune_tir). The JSON
database segfaulted too, so the tuning database is in memory.
Each layer is the TE compute TOPI gives (conv2d_nchw / depthwise /
dense) plus the model's epilogue, tuned by MetaSchedule's evolutionary
search with its XGBoost cost model, one tuning core and `-num-cores=1`
(single-threaded code, like etch's --threads=1); then the best schedule is
built and timed with time_evaluator (runs >= --min-ms per repeat, median of
--repeats) pinned to --cpu. Prints one JSON object per layer and writes
them all to --out.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import tvm
from tvm import te, topi
from tvm.s_tir import meta_schedule as ms

sys.path.insert(0, str(Path(__file__).resolve().parent))
from layers import LAYERS, flops  # noqa: E402


def epilogue(v, bias_value, kind):
    v = v + bias_value
    if kind == "relu":
        return te.max(v, tvm.tirx.const(0, "float32"))
    if kind == "relu6":
        return te.min(te.max(v, tvm.tirx.const(0, "float32")), tvm.tirx.const(6, "float32"))
    return v


def te_layer(l):
    """(PrimFunc, numpy arguments) of one layer."""
    rng = np.random.default_rng(0)
    if l["kind"] == "matmul":
        a = te.placeholder((l["M"], l["K"]), name="a")
        w = te.placeholder((l["N"], l["K"]), name="w")
        b = te.placeholder((l["N"],), name="b")
        mm = topi.nn.dense(a, w)
        out = te.compute(mm.shape, lambda i, j: epilogue(mm[i, j], b[j], l["epilogue"]), name="out")
        args = [a, w, b, out]
    else:
        data = te.placeholder((1, l["C"], l["H"], l["W"]), name="data")
        if l["kind"] == "depthwise":
            w = te.placeholder((l["C"], 1, l["K"], l["K"]), name="w")
            conv = topi.nn.depthwise_conv2d_nchw(data, w, l["stride"], l["pad"], 1)
        else:
            w = te.placeholder((l["F"], l["C"], l["K"], l["K"]), name="w")
            conv = topi.nn.conv2d_nchw(data, w, l["stride"], l["pad"], 1)
        b = te.placeholder((l["F"],), name="b")
        out = te.compute(conv.shape, lambda n, f, y, x: epilogue(conv[n, f, y, x], b[f], l["epilogue"]),
                         name="out")
        args = [data, w, b, out]
    func = te.create_prim_func(args)
    arrays = [rng.uniform(-1, 1, [int(d) for d in t.shape]).astype("float32") for t in args[:-1]]
    arrays.append(np.zeros([int(d) for d in out.shape], "float32"))
    return func, arrays


def host_cpu() -> str:
    get = tvm.get_global_func("target.llvm_get_system_cpu", allow_missing=True)
    return get() if get else "native"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=64)
    p.add_argument("--cpu", type=int, default=1, help="core the final timing is pinned to")
    p.add_argument("--layers", default="", help="comma-separated names from layers.py (default all)")
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--min-ms", type=float, default=20)
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    os.environ.setdefault("TVM_NUM_THREADS", "1")
    # TVM 0.27 takes targets as dicts (the "llvm -mcpu=..." form is gone).
    target = tvm.target.Target({"kind": "llvm", "mcpu": host_cpu(), "num-cores": 1})
    wanted = set(filter(None, args.layers.split(",")))
    rows = []
    for l in LAYERS:
        if wanted and l["name"] not in wanted:
            continue
        func, arrays = te_layer(l)
        mod = tvm.IRModule({"main": func})
        t0 = time.monotonic()
        # Kept: MetaSchedule's logs there say why candidates failed to build.
        work = tempfile.mkdtemp(prefix=f"ms-{l['name']}-")
        print(f"{l['name']}: MetaSchedule work folder {work}", flush=True)
        db = ms.tune_tir(mod, target, work, max_trials_global=args.trials,
                         num_trials_per_iter=min(16, args.trials), cost_model="xgb",
                         num_tuning_cores=1, seed=1, database="memory")
        sch = ms.tir_integration.compile_tir(db, mod, target)
        tune_s = time.monotonic() - t0
        if sch is None:
            rows.append({"layer": l["name"], "error": "MetaSchedule found no valid schedule"})
            print(json.dumps(rows[-1]), flush=True)
            continue
        exe = tvm.compile(sch.mod, target=target)
        dev = tvm.cpu()
        tensors = [tvm.runtime.tensor(a, dev) for a in arrays]
        os.sched_setaffinity(0, {args.cpu})
        timer = exe.time_evaluator(exe.entry_name, dev, number=1, repeat=args.repeats,
                                   min_repeat_ms=args.min_ms)
        res = timer(*tensors)
        os.sched_setaffinity(0, set(range(os.cpu_count())))
        us = statistics.median(res.results) * 1e6
        rows.append({"layer": l["name"], "model": l["model"], "node": l["node"], "tool": "tvm-metaschedule",
                     "trials": args.trials, "us": us, "gflops": flops(l) / us / 1e3, "tune_s": tune_s,
                     "tvm": tvm.__version__, "target": str(target)})
        print(json.dumps(rows[-1]), flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
