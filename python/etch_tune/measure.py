"""Builds and measures candidates: each candidate is a set of schedules (one
per workload key) handed to etch-compile through a temporary tuning
database with --tuning-db-strict, so the compiler's own verifiers decide
validity (an invalid candidate stops at strategy selection, before any
tiling or code generation), then the object is linked with
timing_harness.c and run on the runner."""

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
NOISY_CV = 0.10
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
    def cv(self) -> float:
        if len(self.times_us) < 2:
            return 0.0
        mean = statistics.fmean(self.times_us)
        return statistics.pstdev(self.times_us) / mean if mean > 0 else 0.0


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class Builder:
    def __init__(self, etch_compile: str, model: Path, target: str, mcpu: str,
                 runner: Runner, workdir: Path, extra_flags: List[str] = ()):
        self.etch_compile = etch_compile
        self.model = Path(model)
        self.target = target
        self.mcpu = mcpu
        self.runner = runner
        self.workdir = Path(workdir)
        self.extra_flags = list(extra_flags)

    def _flags(self) -> List[str]:
        return [f"--target={self.target}", f"--mcpu={self.mcpu}", *self.extra_flags]

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

    def verify(self, schedules: Dict[str, dict], tag: str) -> Optional[str]:
        """None if etch-compile's verifiers accept every schedule for its
        op, else their message. Stops at strategy selection: nothing is
        built."""
        d = self.workdir / tag
        d.mkdir(parents=True, exist_ok=True)
        db = d / "candidate.jsonl"
        self._write_db(db, schedules)
        cmd = [self.etch_compile, str(self.model), *self._flags(), "--compile-to=schedule",
               f"--tuning-db={db}", "--tuning-db-strict", "-o", str(d / "schedule.mlir")]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        return None if proc.returncode == 0 else _tail(proc.stderr, 3)

    def build(self, schedules: Dict[str, dict], tag: str, timeout: float = 600) -> tuple:
        """(executable or None, status, message)."""
        d = self.workdir / tag
        d.mkdir(parents=True, exist_ok=True)
        db = d / "candidate.jsonl"
        self._write_db(db, schedules)
        obj = d / "model.o"
        cmd = [self.etch_compile, str(self.model), *self._flags(), "--name=tuned",
               f"--tuning-db={db}", "--tuning-db-strict", "-o", str(obj)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, "compile_error", "etch-compile timed out"
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
