"""Per-layer profiling and autotuning from Python.

:func:`profile` compiles the model in process with ``profile=True``
(``etch-compile --profile``), loads it, runs it and reads the object's own
per-layer counters (``etch_profile_t``, see ``runtime/include/etch/etch.h``).
:func:`tune` drives the ``etch-tune`` tool (it runs candidate builds in worker
processes and on remote runners, so it stays a separate program) and returns
its report.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from .compiler import ModelLike, ShapeLike, compile
from .runtime import LoadError, load

__all__ = ["profile", "tune", "TuneError"]


class _ProfileLayer(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("op", ctypes.c_char_p), ("flops", ctypes.c_uint64),
                ("fused", ctypes.c_char_p)]


class _Profile(ctypes.Structure):
    pass


_Profile._fields_ = [("model", ctypes.c_char_p), ("num_layers", ctypes.c_int32),
                     ("layers", ctypes.POINTER(_ProfileLayer)), ("layer_ns", ctypes.POINTER(ctypes.c_uint64)),
                     ("runs", ctypes.c_uint64), ("total_ns", ctypes.c_uint64), ("start_ns", ctypes.c_uint64),
                     ("last_ns", ctypes.c_uint64), ("next", ctypes.POINTER(_Profile)),
                     ("registered", ctypes.c_int32)]


def _random_input(spec: Any, rng: np.random.Generator) -> np.ndarray:
    if spec.dtype.kind == "f":
        return rng.standard_normal(spec.shape).astype(spec.dtype)
    if spec.dtype.kind == "b":
        return rng.integers(0, 2, spec.shape).astype(spec.dtype)
    return rng.integers(0, 8, spec.shape).astype(spec.dtype)


def profile(model: ModelLike, inputs: Optional[Mapping[str, Any]] = None, *, target: Optional[str] = None,
            mcpu: Optional[str] = "native", threads: int = 1, repeat: int = 20, warmup: int = 3,
            input_shapes: Optional[Mapping[str, ShapeLike]] = None, **compile_options: Any) -> List[Dict[str, Any]]:
    """Per-layer time of `model` on this machine, as a list of plain records,
    slowest layer first.

    The model is compiled with ``profile=True`` (``etch-compile --profile``)
    for the host, loaded, run ``warmup`` times, then ``repeat`` times with the
    object's counters on; each record is the mean over those runs::

        {"index": 3, "node": "/layer1/conv1/Conv", "op": "conv", "time_us": 812.4,
         "share": 0.21, "gflops": 27.3, "flops": 22478848, "fused": ["/layer1/relu/Relu"]}

    plus one last record ``{"node": "(total)", ...}`` with the whole run.

    Args:
        model: As for :func:`etch.compile`.
        inputs: Input arrays by name; default: random data of each input's
            dtype and shape.
        target: Must be the host (``None``: the host's triple).
        mcpu: The CPU to compile for (default ``"native"``: this machine).
        threads: ``threads`` of the compiled object.
        repeat: Timed runs.
        warmup: Untimed runs first.
        input_shapes: As for :func:`etch.compile`.
        **compile_options: Other :func:`etch.compile` options (``name``,
            ``mattr``, ``opt_level``, ``tuning_db``, ``input_values``).

    Raises:
        CompileError: The model does not compile.
        OptionError: ``profile`` does not apply (e.g. a bare-metal target).
        LoadError: The object cannot be loaded on this machine.
        ValueError: ``repeat`` < 1.
    """
    if repeat < 1:
        raise ValueError(f"etch.profile: repeat={repeat}: must be at least 1")
    compile_options = dict(compile_options)
    compile_options["profile"] = True
    art = compile(model, target=target, mcpu=mcpu, threads=threads, input_shapes=input_shapes, **compile_options)
    mod = load(art)
    rng = np.random.default_rng(0)
    given = dict(inputs or {})
    unknown = sorted(set(given) - {s.name for s in mod.inputs})
    if unknown:
        raise ValueError(f"etch.profile: unknown input(s) {', '.join(unknown)}; the model takes "
                         f"{', '.join(s.name for s in mod.inputs)}")
    args = [given[s.name] if s.name in given else _random_input(s, rng) for s in mod.inputs]
    # The object registers its etch_profile_t with the runtime on its first
    # run; etch_profile_find (libetch_runtime.a, linked into the module) looks
    # it up by the model's name, like the header's <name>_profile().
    find = getattr(mod._lib, "etch_profile_find", None)
    if find is None:
        raise LoadError("etch.profile: the loaded object has no etch_profile_find (libetch_runtime.a not linked)")
    find.restype = ctypes.POINTER(_Profile)
    find.argtypes = [ctypes.c_char_p]
    reset = mod._lib.etch_profile_reset
    reset.restype = None
    reset.argtypes = [ctypes.POINTER(_Profile)]
    for _ in range(max(warmup, 0)):
        mod(*args)
    found = find(mod.name.encode())
    if found:
        reset(found)  # drop what the warm-up runs counted
    for _ in range(repeat):
        mod(*args)
    found = find(mod.name.encode())
    if not found:
        raise LoadError(f"etch.profile: model '{mod.name}' registered no profile (was it compiled with profile=True?)")
    prof = found.contents
    runs = max(int(prof.runs), 1)
    total_us = prof.total_ns / runs / 1e3
    records: List[Dict[str, Any]] = []
    for i in range(prof.num_layers):
        layer = prof.layers[i]
        t_us = prof.layer_ns[i] / runs / 1e3
        flops = int(layer.flops)
        fused = (layer.fused or b"").decode()
        records.append({
            "index": i,
            "node": (layer.name or b"").decode(),
            "op": (layer.op or b"").decode(),
            "time_us": t_us,
            "share": t_us / total_us if total_us > 0 else 0.0,
            "flops": flops,
            "gflops": flops / (t_us * 1e3) if t_us > 0 else 0.0,
            "fused": [f for f in fused.split(",") if f],
        })
    records.sort(key=lambda r: r["time_us"], reverse=True)
    total_flops = sum(r["flops"] for r in records)
    records.append({"index": -1, "node": "(total)", "op": "", "time_us": total_us, "share": 1.0,
                    "flops": total_flops, "gflops": total_flops / (total_us * 1e3) if total_us > 0 else 0.0,
                    "fused": []})
    return records


class TuneError(RuntimeError):
    """``etch-tune`` failed; ``.returncode`` and ``.output`` (its last lines)
    tell why."""

    def __init__(self, message: str, returncode: int, output: str) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.output = output


def _find_etch_tune() -> str:
    """``$ETCH_TUNE``, the build tree this package was installed from or sits
    in (``$ETCH_BUILD_DIR/bin``, ``build/bin``), then ``PATH``."""
    here = Path(__file__).resolve().parent
    candidates: List[Path] = []
    if os.environ.get("ETCH_TUNE"):
        candidates.append(Path(os.environ["ETCH_TUNE"]))
    if os.environ.get("ETCH_BUILD_DIR"):
        candidates.append(Path(os.environ["ETCH_BUILD_DIR"]) / "bin" / "etch-tune")
    recorded = here / "_lib" / "bin_dir.txt"
    if recorded.is_file():
        candidates.append(Path(recorded.read_text().strip()) / "etch-tune")
    candidates.append(here.parents[1] / "build" / "bin" / "etch-tune")
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c)
    found = shutil.which("etch-tune")
    if found:
        return found
    raise FileNotFoundError("etch.tune: etch-tune not found; set $ETCH_TUNE or $ETCH_BUILD_DIR, or put it on PATH "
                            f"(looked at {', '.join(str(c) for c in candidates)})")


_TRIAL = re.compile(r"^\[(?P<task>[^\]]+)\] trial (?P<trial>\d+)/(?P<trials>\d+): (?P<result>[^;]+); "
                    r"best (?P<best>[0-9.]+) us, (?P<speedup>[0-9.]+)x over heuristic")
_BASELINE = re.compile(r"^\[(?P<task>[^\]]+)\] baseline \(heuristic\) (?P<baseline>[0-9.]+) us")


def _progress_record(line: str) -> Dict[str, Any]:
    rec: Dict[str, Any] = {"line": line}
    m = _TRIAL.match(line)
    if m:
        rec.update(kind="trial", task=m["task"], trial=int(m["trial"]), trials=int(m["trials"]),
                   result=m["result"].strip(), best_us=float(m["best"]), speedup=float(m["speedup"]))
        return rec
    m = _BASELINE.match(line)
    if m:
        rec.update(kind="baseline", task=m["task"], baseline_us=float(m["baseline"]))
        return rec
    rec["kind"] = "message"
    return rec


def tune(model: Union[str, "os.PathLike[str]"], *, db: Union[str, "os.PathLike[str]"],
         target: Optional[str] = None, mcpu: str = "native", runner: str = "local",
         trials: Optional[int] = None, time_budget: Optional[str] = None, resume: bool = False, jobs: int = 1,
         seed: int = 0, input_shapes: Optional[Mapping[str, ShapeLike]] = None,
         progress: Optional[Callable[[Dict[str, Any]], None]] = None,
         extra_args: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """Autotunes the schedules of `model` into the tuning database `db` with
    ``etch-tune`` and returns its per-task report.

    ``progress`` is called with one record per line etch-tune prints:
    ``{"kind": "trial", "task", "trial", "trials", "result", "best_us",
    "speedup", "line"}`` after each measured candidate, ``{"kind":
    "baseline", "task", "baseline_us", "line"}`` for each task's heuristic
    schedule, ``{"kind": "message", "line"}`` otherwise. Compile with the
    result through ``etch.compile(..., tuning_db=db)``.

    Args:
        model: Path of the ``.onnx`` file.
        db: The JSONL database (appended to; with ``resume=False`` it must
            not hold records of this model's workloads yet).
        target: Target triple (default: the host's, ``x86_64-linux-gnu`` or
            ``aarch64-linux-gnu``).
        mcpu: Target CPU (``"native"``: this machine).
        runner: ``"local"``, ``"ssh://user@board"``, ``"exec:'<template>'"``,
            ``"qemu-aarch64"``, or ``"ray:address=HOST:PORT,resource=NAME"`` to
            measure on every device of a Ray cluster at once (see README, Tuning).
        trials: Measured candidates per task (etch-tune's default: 16).
        time_budget: Wall-clock budget instead, e.g. ``"30m"``.
        resume: Continue `db` without re-measuring what it records.
        jobs: Candidates compiled in parallel.
        seed: Search seed.
        input_shapes: Static shapes for dynamic inputs.
        extra_args: More etch-tune arguments, passed as they are.

    Returns:
        One record per task: ``key``, ``layers``, ``count``, ``baseline_us``,
        ``best_us``, ``speedup``, ``trials``, ``statuses``, ``curve`` (best so
        far after each trial), ``timing_valid``.

    Raises:
        TuneError: etch-tune exited with an error (the message is its own).
        FileNotFoundError: The model or etch-tune is missing.
    """
    model_path = Path(model)
    if not model_path.is_file():
        raise FileNotFoundError(f"etch.tune: no such model: {model_path}")
    if target is None:
        import platform
        target = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu"}.get(platform.machine(),
                                                                                  "x86_64-linux-gnu")
    exe = _find_etch_tune()
    with tempfile.TemporaryDirectory(prefix="etch-tune-py-") as tmp:
        report = Path(tmp) / "report"
        cmd = [exe, str(model_path), f"--target={target}", f"--mcpu={mcpu}", f"--runner={runner}",
               f"--db={os.fspath(db)}", f"--jobs={jobs}", f"--seed={seed}", f"--report={report}"]
        if trials is not None:
            cmd.append(f"--trials={trials}")
        if time_budget is not None:
            cmd.append(f"--time-budget={time_budget}")
        if resume:
            cmd.append("--resume")
        for name, shape in (input_shapes or {}).items():
            dims = "x".join(str(int(d)) for d in shape)
            cmd.append(f"--input-shape={name}={dims}")
        cmd.extend(extra_args)
        tail: List[str] = []
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            tail = (tail + [line])[-40:]
            if progress is not None:
                progress(_progress_record(line))
        rc = proc.wait()
        if rc != 0:
            errors = [l for l in tail if "error" in l] or tail[-3:]
            raise TuneError(f"etch.tune: etch-tune exited with status {rc}: {' / '.join(errors)}", rc,
                            "\n".join(tail))
        report_json = report / "report.json"
        if not report_json.is_file():
            raise TuneError("etch.tune: etch-tune wrote no report", rc, "\n".join(tail))
        return json.loads(report_json.read_text())
