"""Builds and measures candidates: each candidate is a set of schedules (one
per workload key) handed to etch-compile through a temporary tuning
database with --tuning-db-strict, so the compiler's own verifiers decide
validity (an invalid candidate stops at strategy selection, before any
tiling or code generation), then the object is linked with
timing_harness.c and run on the runner.

What is built: with `measure="layer"` (the default) each workload's layer
alone, cut out of the model once per task by `etch-compile
--extract-workload=<key> --compile-to=linalg` (the root op with the
producers and consumer chain fused into its tiles, its other operands as
inputs); candidates compile that small module, never re-importing the
model, and their time is the layer's. With `measure="model"` the whole
model, with the other workloads on their heuristic schedules."""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from . import FORMAT_VERSION
from .runners import Runner

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
HARNESS_C = HERE / "timing_harness.c"
RUNTIME_INCLUDE = REPO / "runtime" / "include"
NOISY_SPREAD = 0.10
F32 = 0  # etch_dtype_t ETCH_F32


@dataclass
class Measurement:
    status: str
    times_us: List[float] = field(default_factory=list)
    message: str = ""
    outputs: Optional[List[tuple]] = None  # (dtype, bytes) per output
    device: str = ""  # the farm device that measured it (a farm runner only)

    @property
    def median_us(self) -> float:
        return statistics.median(self.times_us) if self.times_us else 0.0

    @property
    def spread(self) -> float:
        """Interquartile range over the median: how wide the middle half of
        the samples is. Unlike the CV, a few preempted samples on a loaded
        machine do not inflate it."""
        if len(self.times_us) < 4:
            return self.cv
        q = statistics.quantiles(self.times_us, n=4)
        med = self.median_us
        return (q[2] - q[0]) / med if med > 0 else 0.0

    @property
    def cv(self) -> float:
        if len(self.times_us) < 2:
            return 0.0
        mean = statistics.fmean(self.times_us)
        return statistics.pstdev(self.times_us) / mean if mean > 0 else 0.0


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass
class Layer:
    """One workload's layer as its own module (etch-compile
    --extract-workload), and the heuristic schedule of every workload in it
    (normally just the one; --tuning-db-strict needs all)."""
    path: Path
    schedules: Dict[str, dict]


class Builder:
    def __init__(self, etch_compile: str, model: Path, target: str, mcpu: str,
                 runner: Runner, workdir: Path, extra_flags: List[str] = (),
                 measure: str = "layer"):
        self.etch_compile = etch_compile
        self.model = Path(model)
        self.target = target
        self.mcpu = mcpu
        self.runner = runner
        self.workdir = Path(workdir)
        self.extra_flags = list(extra_flags)
        self.measure = measure
        self.layers: Dict[str, Layer] = {}

    def _flags(self, layer: bool = False) -> List[str]:
        # --input-shape and the like are the importer's: a layer is past it.
        return [f"--target={self.target}", f"--mcpu={self.mcpu}",
                *([] if layer else self.extra_flags)]

    def extract_layer(self, key: str) -> Optional[str]:
        """Cuts the layer of workload `key` out of the model (once per
        task). None on success, else why not (the task is then measured as
        the whole model)."""
        d = self.workdir / "layers"
        d.mkdir(parents=True, exist_ok=True)
        path, tasks = d / f"{key}.mlir", d / f"{key}.tasks.json"
        proc = subprocess.run([self.etch_compile, str(self.model), *self._flags(),
                               f"--extract-workload={key}", "--compile-to=linalg", "-o", str(path)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            return _tail(proc.stderr, 3)
        proc = subprocess.run([self.etch_compile, str(path), *self._flags(layer=True),
                               "--compile-to=schedule", f"--emit-tuning-tasks={tasks}",
                               "-o", str(d / f"{key}.schedule.mlir")], capture_output=True, text=True)
        if proc.returncode != 0:
            return _tail(proc.stderr, 3)
        schedules = {t["key"]: t["schedule"] for t in json.loads(tasks.read_text())["tasks"]}
        if key not in schedules:
            return f"the extracted layer has no workload {key}"
        self.layers[key] = Layer(path, schedules)
        return None

    def _input(self, schedules: Dict[str, dict], key: Optional[str]) -> tuple:
        """(input file, flags, schedules to pass) for building `key`'s
        candidate: its layer if it has one, else the model."""
        layer = self.layers.get(key) if key else None
        if layer is None:
            return self.model, self._flags(), schedules
        mine = {k: schedules.get(k, s) if k == key else s for k, s in layer.schedules.items()}
        return layer.path, self._flags(layer=True), mine

    def extract_tasks(self) -> dict:
        out = self.workdir / "tasks.json"
        cmd = [self.etch_compile, str(self.model), *self._flags(), "--compile-to=schedule",
               f"--emit-tuning-tasks={out}", "-o", str(self.workdir / "schedule.mlir")]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"etch-compile could not list the workloads:\n{_tail(proc.stderr)}")
        return json.loads(out.read_text())

    def _write_db(self, path: Path, schedules: Dict[str, dict]) -> None:
        with open(path, "w", encoding="utf-8") as f:
            for key, schedule in schedules.items():
                f.write(json.dumps({"key": key, "schedule": schedule, "status": "ok",
                                    "median_us": 1.0, "format": FORMAT_VERSION}) + "\n")

    def verify(self, schedules: Dict[str, dict], tag: str, key: Optional[str] = None) -> Optional[str]:
        """None if etch-compile's verifiers accept every schedule for its
        op, else their message. Stops at strategy selection: nothing is
        built. `key`: the workload being tuned (its layer is used, if
        extracted)."""
        d = self.workdir / tag
        d.mkdir(parents=True, exist_ok=True)
        db = d / "candidate.jsonl"
        source, flags, schedules = self._input(schedules, key)
        self._write_db(db, schedules)
        cmd = [self.etch_compile, str(source), *flags, "--compile-to=schedule",
               f"--tuning-db={db}", "--tuning-db-strict", "-o", str(d / "schedule.mlir")]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:  # etch-compile replaced under a running tune
            return f"cannot run etch-compile: {e}"
        return None if proc.returncode == 0 else _tail(proc.stderr, 3)

    def build(self, schedules: Dict[str, dict], tag: str, timeout: float = 600,
              key: Optional[str] = None) -> tuple:
        """(executable or None, status, message). `key` as for verify."""
        d = self.workdir / tag
        d.mkdir(parents=True, exist_ok=True)
        db = d / "candidate.jsonl"
        source, flags, schedules = self._input(schedules, key)
        self._write_db(db, schedules)
        obj = d / "model.o"
        cmd = [self.etch_compile, str(source), *flags, "--name=tuned",
               f"--tuning-db={db}", "--tuning-db-strict", "-o", str(obj)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, "compile_error", "etch-compile timed out"
        except OSError as e:
            return None, "compile_error", f"cannot run etch-compile: {e}"
        if proc.returncode != 0:
            return None, "compile_error", _tail(proc.stderr)
        exe = d / "bench"
        link = [*self.runner.cc, "-std=c11", "-O2", f"-I{RUNTIME_INCLUDE}",
                "-DETCH_MODEL_SYM=tuned_model", str(HARNESS_C), str(obj), "-o", str(exe)]
        proc = subprocess.run(link, capture_output=True, text=True)
        if proc.returncode != 0:
            return None, "compile_error", "link: " + _tail(proc.stderr)
        return exe, "ok", ""

    def run(self, exe: Path, warmup: int, repeats: int, min_time_us: float,
            timeout: float) -> Measurement:
        out = exe.parent / "outputs.bin"
        try:
            proc = self.runner.run(exe, [str(warmup), str(repeats), str(int(min_time_us))], out, timeout)
        except subprocess.TimeoutExpired:
            return Measurement("timeout", message=f"over {timeout:.1f} s")
        if proc.returncode != 0:
            return Measurement("run_error", message=_tail(proc.stderr or proc.stdout))
        times, shapes = [], []
        for line in proc.stdout.splitlines():
            parts = line.split()
            if parts[:1] == ["us"]:
                times.append(float(parts[1]))
            elif parts[:1] == ["output"]:
                shapes.append((int(parts[2]), int(parts[3])))
        data = out.read_bytes() if out.exists() else b""
        outputs, offset = [], 0
        for dtype, size in shapes:
            outputs.append((dtype, data[offset:offset + size]))
            offset += size
        if not times or offset != len(data):
            return Measurement("run_error", message="benchmark printed no timings or short outputs")
        return Measurement("ok", times, outputs=outputs, device=getattr(proc, "device", ""))


def same_outputs(a: List[tuple], b: List[tuple], rtol: float = 1e-3) -> bool:
    """f32 outputs within rtol * max(1, max|ref|); other dtypes bit-exact."""
    import array
    if len(a) != len(b):
        return False
    for (da, ba), (db_, bb) in zip(a, b):
        if da != db_ or len(ba) != len(bb):
            return False
        if da != F32:
            if ba != bb:
                return False
            continue
        x, y = array.array("f", ba), array.array("f", bb)
        scale = max([1.0] + [abs(v) for v in y])
        for u, v in zip(x, y):
            if not abs(u - v) <= rtol * scale:  # also catches NaN
                return False
    return True
