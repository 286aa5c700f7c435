"""ONNX backend conformance: ONNX's own backend test data run through etch.

Every test directory under /usr/share/libonnx-testdata/data/<suite>/ (Debian's
libonnx-testdata; $ETCH_ONNX_TESTDATA overrides the root) holds model.onnx and
test_data_set_*/{input,output}_<k>.pb TensorProtos. For each test:

    etch-compile <test>/model.onnx --target=x86_64-linux-gnu --name=onnx_test -o W/onnx_test.o
    cc harness.o status.o W/onnx_test.o -o W/run       (test/e2e/harness.c, built once)
    W/run W/in0.bin ... -- W/out0.bin ...               (per test_data_set_*)

and every output is compared with the expected one the way ONNX's backend
runner does: np.testing.assert_allclose semantics with rtol 1e-3, atol 1e-7
(NaN positions must match) for floating types, exact equality for integers and
bool; a test's data.json may set rtol/atol, as ONNX's loader allows.

test/conformance/xfail.txt lists the tests etch does not pass, one per line:
``<suite>/<test_name>  # <one-line reason>``. A listed test that passes (XPASS)
and an unlisted test that fails are both errors, so the list only shrinks.
test/conformance/results.md (per-op pass table, included by README) is derived
from the test list and xfail.txt.

    python -m etch_testing.conformance                 # run all, check against xfail.txt
    python -m etch_testing.conformance --update        # rewrite xfail.txt and results.md
    python -m etch_testing.conformance -k conv --suite node -v
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import onnx
from onnx import numpy_helper

from . import runner

DATA_ROOT = Path(os.environ.get("ETCH_ONNX_TESTDATA", "/usr/share/libonnx-testdata/data"))
SUITES = ("node", "simple", "pytorch-converted", "pytorch-operator")
CONFORMANCE_DIR = runner.REPO / "test" / "conformance"
XFAIL_FILE = CONFORMANCE_DIR / "xfail.txt"
RESULTS_FILE = CONFORMANCE_DIR / "results.md"
NAME = "onnx_test"  # the C name every test model is compiled under
RTOL, ATOL = 1e-3, 1e-7  # ONNX's backend-test defaults
COMPILE_TIMEOUT, RUN_TIMEOUT = 60.0, 10.0
COMPILE_MEMORY = 4 << 30  # bytes of address space per etch-compile (prlimit --as)

XFAIL_HEADER = """\
# ONNX backend tests etch does not pass yet: <suite>/<test_name>  # <reason>
# A listed test that passes fails the run (XPASS), as does an unlisted test that
# fails. Regenerate with: .venv/bin/python test/conformance/run.py --update
# (existing reasons are kept; edit them freely). See test/conformance/README.md.
"""


@dataclass(frozen=True)
class Test:
    suite: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"

    @property
    def dir(self) -> Path:
        return DATA_ROOT / self.suite / self.name


@dataclass
class Outcome:
    test: Test
    passed: bool
    reason: str = ""  # one line, for xfail.txt
    detail: str = ""  # the failing command's output
    seconds: float = 0.0


class Failure(Exception):
    """A test failed; args[0] is the one-line reason, detail the long story."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(one_line(reason))
        self.detail = detail


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def discover(suites: Sequence[str] = SUITES, pattern: Optional[str] = None) -> List[Test]:
    """Test directories with a model.onnx, sorted; pattern is a regex searched in the id."""
    rx = re.compile(pattern) if pattern else None
    tests = []
    for suite in suites:
        root = DATA_ROOT / suite
        if not root.is_dir():
            continue
        for d in sorted(root.iterdir()):
            t = Test(suite, d.name)
            if (d / "model.onnx").is_file() and (not rx or rx.search(t.id)):
                tests.append(t)
    return tests


# ---------------------------------------------------------------- xfail list

def read_xfail(path: Path = XFAIL_FILE) -> Dict[str, str]:
    entries: Dict[str, str] = {}
    if not path.is_file():
        return entries
    for num, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        test_id, _, reason = line.partition("#")
        test_id = test_id.strip()
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", test_id) or not reason.strip():
            raise ValueError(f"{path}:{num}: expected '<suite>/<test_name>  # <reason>', got {line!r}")
        if test_id in entries:
            raise ValueError(f"{path}:{num}: {test_id} is listed twice")
        entries[test_id] = reason.strip()
    return entries


def write_xfail(entries: Dict[str, str], path: Path = XFAIL_FILE) -> None:
    lines = [f"{k}  # {one_line(v)}" for k, v in sorted(entries.items())]
    path.write_text(XFAIL_HEADER + "\n".join(lines) + ("\n" if lines else ""))


# ---------------------------------------------------------------- test data

@dataclass
class Tensor:
    name: str
    value: np.ndarray  # bfloat16 is held as float32, see is_bf16
    is_bf16: bool = False

    def raw(self) -> bytes:
        v = self.value
        if self.is_bf16:
            v = (np.ascontiguousarray(v, np.float32).view(np.uint32) >> 16).astype(np.uint16)
        if v.dtype == object:
            raise Failure(f"input '{self.name}' is a string tensor; the harness feeds only numeric tensors")
        return np.ascontiguousarray(v, v.dtype.newbyteorder("<")).tobytes()


def load_tensor(path: Path) -> Tensor:
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return Tensor(t.name, numpy_helper.to_array(t), t.data_type == onnx.TensorProto.BFLOAT16)


# A graph input or output's value: a tensor, a sequence of tensors, or an
# absent optional (None).
Value = Union[Tensor, List[Tensor], None]


def load_value(path: Path, type_proto: Optional[onnx.TypeProto]) -> Value:
    """The .pb file as its graph type says: TensorProto, SequenceProto or
    OptionalProto (unknown types are read as tensors)."""
    kind = type_proto.WhichOneof("value") if type_proto is not None else "tensor_type"
    if kind == "sequence_type":
        seq = onnx.SequenceProto()
        seq.ParseFromString(path.read_bytes())
        return [Tensor(f"{seq.name}.{i}", np.asarray(v)) for i, v in enumerate(numpy_helper.to_list(seq))]
    if kind == "optional_type":
        opt = onnx.OptionalProto()
        opt.ParseFromString(path.read_bytes())
        v = numpy_helper.to_optional(opt)
        if v is None:
            return None
        if isinstance(v, list):
            return [Tensor(f"{opt.name}.{i}", np.asarray(e)) for i, e in enumerate(v)]
        return Tensor(opt.name, np.asarray(v))
    return load_tensor(path)


def flat(values: Sequence[Value]) -> List[Tensor]:
    """The tensors the harness reads or writes: sequences element by
    element, absent optionals not at all."""
    out: List[Tensor] = []
    for v in values:
        if isinstance(v, list):
            out.extend(v)
        elif v is not None:
            out.append(v)
    return out


def data_sets(test: Test, model: onnx.ModelProto) -> List[Tuple[Path, List[Value], List[Value]]]:
    def numbered(d: Path, kind: str) -> List[Path]:
        files = list(d.glob(f"{kind}_*.pb"))
        return sorted(files, key=lambda p: int(p.stem.rpartition("_")[2]))

    inits = {init.name for init in model.graph.initializer}
    in_types = [vi.type for vi in model.graph.input if vi.name not in inits]
    out_types = [vi.type for vi in model.graph.output]

    def typed(files: List[Path], types) -> List[Value]:
        return [load_value(p, types[k] if k < len(types) else None) for k, p in enumerate(files)]

    sets = sorted(test.dir.glob("test_data_set_*"), key=lambda p: int(p.name.rpartition("_")[2]))
    return [(d, typed(numbered(d, "input"), in_types), typed(numbered(d, "output"), out_types)) for d in sets]


def structure_pin(values: List[Value]) -> Optional[str]:
    """--input-shape for a sequence or optional input ([2x3;4x5] or none),
    if every data set agrees; None for plain tensors."""
    def spec(v: Value) -> Optional[str]:
        if v is None:
            return "none"
        if isinstance(v, list):
            return "[" + ";".join("x".join(str(d) for d in t.value.shape) or "scalar" for t in v) + "]"
        return None
    specs = {spec(v) for v in values}
    return specs.pop() if len(specs) == 1 else None


def tolerances(test: Test) -> Tuple[float, float]:
    data_json = test.dir / "data.json"
    if data_json.is_file():
        d = json.loads(data_json.read_text())
        return float(d.get("rtol", RTOL)), float(d.get("atol", ATOL))
    return RTOL, ATOL


def compare(name: str, got: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> Optional[str]:
    """None if got matches ref by ONNX's rules, else a one-line explanation."""
    if got.shape != ref.shape:
        return f"output '{name}' shape {list(got.shape)} != expected {list(ref.shape)}"
    if ref.size == 0:
        return None
    if not np.issubdtype(ref.dtype, np.inexact):
        off = int(np.count_nonzero(got != ref))
        return f"output '{name}' mismatch: {off}/{ref.size} values differ" if off else None
    g, r = got.astype(np.float64), ref.astype(np.float64)
    nan_g, nan_r = np.isnan(g), np.isnan(r)
    if (nan_g != nan_r).any():
        return (f"output '{name}' mismatch: NaN at {int((nan_g & ~nan_r).sum())} unexpected and "
                f"{int((nan_r & ~nan_g).sum())} missing positions")
    with np.errstate(invalid="ignore"):
        err = np.where(nan_r | (g == r), 0.0, np.abs(g - r))  # g == r covers equal infinities
        bad = ~(err <= atol + rtol * np.abs(r))
    bad &= ~nan_r
    if bad.any():
        worst = float(np.max(np.where(bad, err, 0.0)))
        return (f"output '{name}' mismatch: max abs err {worst:.3g} "
                f"({int(bad.sum())}/{ref.size} values beyond atol {atol:g} + rtol {rtol:g})")
    return None


# ---------------------------------------------------------------- one test

def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def tidy_message(msg: str) -> str:
    """A diagnostic made test-independent: no paths, no repeated node prefixes,
    no list of supported ops."""
    m = re.search(r"unsupported op '([\w.]+)'", msg)
    if m:
        return f"unsupported op '{m.group(1)}'"
    msg = re.sub(r"'?(/[^\s':]+/)+([^\s/':]+)'?", r"\2", msg)  # paths -> base names
    msg = re.sub(r"^(model\.onnx:\s*)+", "", msg)
    msg = re.sub(r"^(node '[^']*':\s*)+", "", msg)
    msg = re.sub(r"^node '[^']*' \(([\w.]+)\):\s*", r"\1: ", msg)
    return msg.split("; supported ops:")[0]


def compile_reason(proc: subprocess.CompletedProcess) -> str:
    """One line from etch-compile's diagnostics: the first 'error: ...' message."""
    text = proc.stderr + proc.stdout
    if proc.returncode < 0:
        hint = next((ln for ln in text.splitlines() if "Assertion" in ln or "LLVM ERROR" in ln), "")
        return f"etch-compile crashed ({_signal_name(proc.returncode)}) {tidy_message(hint)}".strip()
    for line in text.splitlines():
        m = re.search(r"\berror:\s*(.*)", line)
        if m and m.group(1).strip():
            return tidy_message(m.group(1))
    last = [ln for ln in text.splitlines() if ln.strip()]
    return f"etch-compile exit {proc.returncode}: {tidy_message(last[-1]) if last else 'no message'}"


def link_reason(proc: subprocess.CompletedProcess) -> str:
    undefined = sorted(set(re.findall(r"undefined reference to [`'](\w+)'", proc.stderr)))
    if undefined:
        return f"link failed: undefined {', '.join(undefined)} (the object may link only libc)"
    first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "see log")
    return "link failed: " + tidy_message(re.sub(r"^\S*ld: (\S+\.o: )?", "", first))


def build_harness_objects(work: Path, target: runner.Target = runner.HOST) -> List[Path]:
    """harness.c and status.c compiled once, for models compiled as NAME."""
    work.mkdir(parents=True, exist_ok=True)
    objs = []
    for src, defines in ((runner.HARNESS_C, [f"-DETCH_MODEL_SYM={NAME}_model"]), (runner.STATUS_C, [])):
        obj = work / f"{src.stem}.o"
        proc = runner.run([*target.cc, "-std=c11", "-O2", *target.cflags, f"-I{runner.RUNTIME_INCLUDE}",
                           *defines, "-c", src, "-o", obj])
        if proc.returncode != 0:
            raise RuntimeError(f"building the harness failed\n{runner.describe(proc)}")
        objs.append(obj)
    return objs


def run_test(test: Test, etch_compile: str, work: Path, harness_objs: Sequence[Path],
             compile_timeout: float = COMPILE_TIMEOUT, run_timeout: float = RUN_TIMEOUT) -> Outcome:
    start = time.monotonic()
    case = work / test.suite / test.name
    shutil.rmtree(case, ignore_errors=True)
    case.mkdir(parents=True)
    try:
        _run_test(test, etch_compile, case, harness_objs, compile_timeout, run_timeout)
        outcome = Outcome(test, True)
    except Failure as f:
        outcome = Outcome(test, False, str(f), f.detail)
    except Exception as e:  # a bug in the test data handling: still a result
        outcome = Outcome(test, False, f"conformance runner error: {type(e).__name__}: {e}", repr(e))
    outcome.seconds = time.monotonic() - start
    (case / "result.txt").write_text(f"{'PASS' if outcome.passed else 'FAIL'} {outcome.reason}\n{outcome.detail}")
    return outcome


def _run_test(test: Test, etch_compile: str, case: Path, harness_objs: Sequence[Path],
              compile_timeout: float, run_timeout: float) -> None:
    model = onnx.load(str(test.dir / "model.onnx"), load_external_data=False)
    # A compile that runs away with memory must fail alone, not starve its neighbours.
    prlimit = shutil.which("prlimit")
    cmd = [*([prlimit, f"--as={COMPILE_MEMORY}", "--"] if prlimit else []), etch_compile,
           test.dir / "model.onnx", f"--target={runner.HOST.triple}", f"--name={NAME}", "-o", case / f"{NAME}.o"]
    # etch is ahead-of-time with static shapes: a graph input that decides a
    # shape (Reshape's shape, reduction axes, ...) is fixed at compile time
    # with --input-value when every data set gives it the same value.
    sets = data_sets(test, model)
    graph_inputs = [vi.name for vi in model.graph.input
                    if vi.name not in {init.name for init in model.graph.initializer}]
    pinned: Dict[str, str] = {}
    shapes: Dict[str, str] = {}
    # Sequence inputs give their elements' shapes, absent optionals "none".
    for k, name in enumerate(graph_inputs):
        values = [inputs[k] for _, inputs, _ in sets if k < len(inputs)]
        if any(v is None or isinstance(v, list) for v in values):
            spec = structure_pin(values)
            if spec is not None:
                shapes[name] = spec
    while True:
        try:
            proc = runner.run([*cmd, *(f"--input-value={k}={v}" for k, v in pinned.items()),
                               *(f"--input-shape={k}={v}" for k, v in shapes.items())],
                              timeout=compile_timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"compile timeout ({compile_timeout:g}s)")
        name = _shape_input_to_pin(proc, graph_inputs, pinned)
        value = _pinned_value(sets, graph_inputs.index(name)) if name else None
        if value is not None:
            pinned[name] = value
            continue
        # A dynamic dimension: fixed with --input-shape from the data sets,
        # as a user would for their deployment shape.
        name = _dynamic_input_to_pin(proc, graph_inputs, shapes)
        shape = _pinned_shape(sets, graph_inputs.index(name)) if name else None
        if shape is None:
            break
        shapes[name] = shape
    if proc.returncode != 0:
        raise Failure(compile_reason(proc), runner.describe(proc))
    obj = case / f"{NAME}.o"
    if not obj.is_file():
        raise Failure("etch-compile exited 0 but wrote no object", runner.describe(proc))
    try:
        runner.check_header(case / f"{NAME}.h", NAME)
    except runner.CaseFailure as e:
        raise Failure(f"bad header: {str(e).splitlines()[0]}", str(e))
    exe = case / "run"
    proc = runner.run([*runner.HOST.cc, *harness_objs, obj, "-o", exe])
    if proc.returncode != 0:
        raise Failure(link_reason(proc), runner.describe(proc))
    rtol, atol = tolerances(test)
    for set_dir, inputs, expected_values in sets:
        ins, outs = [], []
        fed = [v for k, v in enumerate(inputs) if not (k < len(graph_inputs) and graph_inputs[k] in pinned)]
        for k, t in enumerate(flat(fed)):
            ins.append(case / f"in{k}.bin")
            ins[-1].write_bytes(t.raw())
        expected = flat(expected_values)
        outs = [case / f"out{k}.bin" for k in range(len(expected))]
        try:
            proc = runner.run([exe, *ins, "--", *outs], timeout=run_timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"run timeout ({run_timeout:g}s)")
        if proc.returncode < 0:
            raise Failure(f"runtime crash ({_signal_name(proc.returncode)})", runner.describe(proc))
        if proc.returncode != 0:
            msg = next((m.group(1) for ln in proc.stderr.splitlines() if (m := re.search(r"error: (.*)", ln))),
                       proc.stderr.strip() or f"exit {proc.returncode}")
            raise Failure(f"harness: {msg}", runner.describe(proc))
        errors, details = [], []
        for k, (out, ref) in enumerate(zip(outs, expected)):
            if not ref.name and k < len(model.graph.output) and len(expected) == len(model.graph.output):
                ref.name = model.graph.output[k].name
            err = _check_output(out, ref, rtol, atol)
            if err:
                errors.append(err)
                details.append(f"{err}\n{_worst(out, ref)}")
        if errors:
            raise Failure(errors[0] + (f" (+{len(errors) - 1} more outputs)" if len(errors) > 1 else ""),
                          f"{set_dir.name} (inputs in {case}):\n" + "\n".join(details))


def _shape_input_to_pin(proc: subprocess.CompletedProcess, graph_inputs: Sequence[str],
                        pinned: Dict[str, str]) -> Optional[str]:
    """The graph input etch-compile asks to fix with --input-value, if any."""
    if proc.returncode == 0:
        return None
    m = re.search(r"fix a graph input's value with --input-value (\S+)=", proc.stderr)
    if not m or m.group(1) not in graph_inputs or m.group(1) in pinned:
        return None
    return m.group(1)


def _dynamic_input_to_pin(proc: subprocess.CompletedProcess, graph_inputs: Sequence[str],
                          shapes: Dict[str, str]) -> Optional[str]:
    """The graph input etch-compile asks to pin with --input-shape, if any."""
    if proc.returncode == 0:
        return None
    m = re.search(r"pin it with --input-shape (\S+)=", proc.stderr)
    if not m or m.group(1) not in graph_inputs or m.group(1) in shapes:
        return None
    return m.group(1)


def _pinned_shape(sets, index: int) -> Optional[str]:
    """Input `index`'s shape as an --input-shape value, if every data set agrees."""
    if any(not isinstance(inputs[index], Tensor) for _, inputs, _ in sets if index < len(inputs)):
        return None
    dims = {tuple(inputs[index].value.shape) for _, inputs, _ in sets if index < len(inputs)}
    if len(dims) != 1:
        return None
    shape = dims.pop()
    return "x".join(str(d) for d in shape) if shape else None


def _pinned_value(sets, index: int) -> Optional[str]:
    """Input `index` as an --input-value list, if every data set has the same one."""
    if any(not isinstance(inputs[index], Tensor) for _, inputs, _ in sets if index < len(inputs)):
        return None
    values = [inputs[index].value for _, inputs, _ in sets if index < len(inputs)]
    if not values or len(values) != len(sets) or any(not np.array_equal(v, values[0]) for v in values):
        return None
    v = values[0]
    if v.dtype.kind not in "biuf":
        return None
    return ",".join(str(int(x)) if v.dtype.kind in "biu" else repr(float(x)) for x in v.reshape(-1))


def _read_output(path: Path, ref: Tensor) -> Optional[np.ndarray]:
    """The harness's output file as ref's dtype and shape; None if its size is wrong."""
    dtype = np.dtype(np.uint16 if ref.is_bf16 else ref.value.dtype).newbyteorder("<")
    data = np.fromfile(path, dtype=np.uint8)
    if data.size != ref.value.size * dtype.itemsize:
        return None
    got = data.view(dtype)
    if ref.is_bf16:
        got = (got.astype(np.uint32) << 16).view(np.float32)
    return got.reshape(ref.value.shape)


def _check_output(path: Path, ref: Tensor, rtol: float, atol: float) -> Optional[str]:
    if ref.value.dtype == object:
        return f"output '{ref.name}' is a string tensor"
    got = _read_output(path, ref)
    if got is None:
        return f"output '{ref.name}': {path.stat().st_size} bytes, expected {ref.value.nbytes}"
    return compare(ref.name, got, ref.value, rtol, atol)


def _worst(path: Path, ref: Tensor) -> str:
    """Where got and expected differ most, for the log."""
    got = _read_output(path, ref)
    if got is None or got.shape != ref.value.shape or ref.value.size == 0 or ref.value.dtype == object:
        return ""
    with np.errstate(invalid="ignore"):
        err = np.abs(got.astype(np.float64) - ref.value.astype(np.float64))
    err = np.where(np.isnan(err) & ~(np.isnan(got) & np.isnan(ref.value)), np.inf, np.nan_to_num(err))
    idx = np.unravel_index(int(np.argmax(err)), got.shape)
    return f"worst at {tuple(int(i) for i in idx)}: got {got[idx]!r}, expected {ref.value[idx]!r}"


# ---------------------------------------------------------------- many tests

def run_all(tests: Sequence[Test], etch_compile: str, work: Path, jobs: int = 0,
            compile_timeout: float = COMPILE_TIMEOUT, run_timeout: float = RUN_TIMEOUT,
            progress: bool = False) -> List[Outcome]:
    work.mkdir(parents=True, exist_ok=True)
    harness_dir = Path(tempfile.mkdtemp(prefix="harness-", dir=work))  # concurrent runs share work
    harness_objs = build_harness_objects(harness_dir)
    jobs = jobs or os.cpu_count() or 1
    results: List[Outcome] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_test, t, etch_compile, work, harness_objs, compile_timeout, run_timeout)
                   for t in tests]
        for n, fut in enumerate(futures, 1):
            results.append(fut.result())
            if progress:
                o = results[-1]
                print(f"[{n}/{len(tests)}] {'PASS' if o.passed else 'FAIL'} {o.test.id} ({o.seconds:.1f}s)"
                      f"{'  ' + o.reason if o.reason else ''}", flush=True)
    shutil.rmtree(harness_dir, ignore_errors=True)
    return results


@dataclass
class Verdict:
    """Outcomes judged against the xfail list."""

    passed: List[Outcome] = field(default_factory=list)
    xfailed: List[Outcome] = field(default_factory=list)
    failed: List[Outcome] = field(default_factory=list)  # unexpected failures
    xpassed: List[Outcome] = field(default_factory=list)  # listed but passing
    stale: List[str] = field(default_factory=list)  # listed tests that do not exist

    @property
    def ok(self) -> bool:
        return not (self.failed or self.xpassed or self.stale)


def judge(outcomes: Sequence[Outcome], xfail: Dict[str, str], suites: Iterable[str] = (),
          complete: bool = False) -> Verdict:
    """complete: outcomes cover every test of `suites`, so xfail entries of
    those suites naming no test are stale."""
    v = Verdict()
    for o in outcomes:
        listed = o.test.id in xfail
        {(True, False): v.passed, (True, True): v.xpassed, (False, True): v.xfailed,
         (False, False): v.failed}[(o.passed, listed)].append(o)
    if complete:
        ran = {o.test.id for o in outcomes}
        v.stale = sorted(k for k in xfail if k.split("/")[0] in set(suites) and k not in ran)
    return v


def summary(outcomes: Sequence[Outcome], v: Verdict, wall: Optional[float] = None) -> str:
    lines = []
    by_suite = collections.defaultdict(list)
    for o in outcomes:
        by_suite[o.test.suite].append(o)
    for suite, os_ in by_suite.items():
        n_pass = sum(o.passed for o in os_)
        lines.append(f"{suite:18} {n_pass:4}/{len(os_):<4} pass ({100.0 * n_pass / len(os_):5.1f}%)")
    for title, items in (("UNEXPECTED FAILURES (fix, or add to xfail.txt with --update)", v.failed),
                         ("XPASS (now passing: remove from xfail.txt, e.g. with --update)", v.xpassed)):
        if items:
            lines.append(f"{title}:")
            lines += [f"  {o.test.id}  # {o.reason}" for o in items]
    if v.stale:
        lines.append("STALE xfail entries (no such test):")
        lines += [f"  {s}" for s in v.stale]
    total_s = sum(o.seconds for o in outcomes)
    lines.append(f"{len(v.passed)} passed, {len(v.xfailed)} xfailed, {len(v.failed)} failed, "
                 f"{len(v.xpassed)} xpassed, {len(v.stale)} stale; {total_s:.0f}s of test time"
                 + (f", {wall:.0f}s wall" if wall is not None else ""))
    return "\n".join(lines)


def updated_xfail(outcomes: Sequence[Outcome], old: Dict[str, str], fresh: bool = False,
                  suites: Iterable[str] = (), complete: bool = False) -> Dict[str, str]:
    """old with the tests that ran replaced by their outcomes; a still-failing
    test keeps its old (possibly hand-edited) reason unless fresh."""
    new = dict(old)
    if complete:
        for k in [k for k in new if k.split("/")[0] in set(suites)]:
            del new[k]
    for o in outcomes:
        if o.passed:
            new.pop(o.test.id, None)
        else:
            new[o.test.id] = o.reason if fresh or o.test.id not in old else old[o.test.id]
    return new


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--suite", action="append", choices=SUITES, help="run only this suite (repeatable)")
    p.add_argument("-k", dest="pattern", help="run only tests whose <suite>/<name> matches this regex")
    p.add_argument("-j", "--jobs", type=int, default=0, help="parallel tests (default: all cores)")
    p.add_argument("--update", action="store_true",
                   help="rewrite xfail.txt from the outcomes (keeping existing reasons) and results.md")
    p.add_argument("--fresh-reasons", action="store_true", help="with --update: regenerate every reason")
    p.add_argument("--results-only", action="store_true",
                   help="run nothing; regenerate results.md from xfail.txt")
    p.add_argument("--work", type=Path, help="work directory (default: <build>/conformance)")
    p.add_argument("--compile-timeout", type=float, default=COMPILE_TIMEOUT)
    p.add_argument("--run-timeout", type=float, default=RUN_TIMEOUT)
    p.add_argument("-v", "--verbose", action="store_true", help="print every test as it finishes")
    args = p.parse_args(argv)
    suites = args.suite or list(SUITES)
    complete = args.pattern is None
    from .conformance_report import write_results  # noqa: E402 (keeps this module small)

    if args.results_only:
        write_results(read_xfail())
        print(f"wrote {RESULTS_FILE}")
        return 0
    etch_compile = runner.find_etch_compile()
    if not etch_compile:
        print("etch-compile not found: build it or set ETCH_COMPILE / ETCH_BUILD_DIR", file=sys.stderr)
        return 2
    tests = discover(suites, args.pattern)
    if not tests:
        print(f"no tests found under {DATA_ROOT} (install libonnx-testdata)", file=sys.stderr)
        return 2
    work = args.work or runner.build_dir() / "conformance"
    start = time.monotonic()
    outcomes = run_all(tests, etch_compile, work, args.jobs, args.compile_timeout, args.run_timeout,
                       args.verbose)
    wall = time.monotonic() - start
    xfail = read_xfail()
    verdict = judge(outcomes, xfail, suites, complete)
    print(summary(outcomes, verdict, wall))
    print(f"logs: {work}/<suite>/<test>/result.txt")
    if args.update:
        write_xfail(updated_xfail(outcomes, xfail, args.fresh_reasons, suites, complete))
        write_results(read_xfail())
        print(f"wrote {XFAIL_FILE} and {RESULTS_FILE}")
        return 0
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
