"""Compiling ONNX models in process: :func:`compile` and its :class:`Artifact`."""

from __future__ import annotations

import ctypes
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _capi

#: What :func:`compile` accepts as a model: a path to an ``.onnx`` (or
#: ``.mlir``) file, the bytes of a serialized ``onnx.ModelProto``, or the
#: ``onnx.ModelProto`` itself.
ModelLike = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, Any]

#: A dimension list (``[1, 3, 224, 224]``) or etch-compile's spelling
#: (``"1x3x224x224"``; ``"[2x3;4x5]"`` for a sequence, ``"none"`` for an
#: absent optional input).
ShapeLike = Union[Sequence[int], str]


@dataclass(frozen=True)
class Diagnostic:
    """One message of a compilation.

    Attributes:
        severity: ``"error"``, ``"warning"``, ``"note"`` or ``"remark"``.
        node: The ONNX node the message is about (its ``name``, or
            ``<OpType>_<index>`` for an unnamed node); ``""`` if none.
        op: That node's ONNX op type (``"Conv"``); ``""`` if none.
        message: What is wrong and, for unsupported features, what is supported.
        location: ``file:line:col`` or a file the message is about; ``""`` if none.
    """

    severity: str
    node: str
    op: str
    message: str
    location: str

    def __str__(self) -> str:
        where = self.location
        if self.node:
            where = f"{where}: node '{self.node}'" if where else f"node '{self.node}'"
            if self.op:
                where += f" ({self.op})"
        return f"{self.severity}: {where + ': ' if where else ''}{self.message}"


class CompileError(Exception):
    """The model could not be compiled (a bad model, an unsupported op or
    attribute, a bad option, an unknown target).

    Attributes:
        diagnostics: Every message of the compilation, errors first in the
            order the compiler gave them, notes after their error.
        node: ONNX node name of the first error (``""`` if it names none).
        op: ONNX op type of the first error (``""`` if none).
        message: Text of the first error.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], summary: Optional[str] = None) -> None:
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        first = next((d for d in self.diagnostics if d.severity == "error"), None)
        self.node: str = first.node if first else ""
        self.op: str = first.op if first else ""
        self.message: str = first.message if first else (summary or "compilation failed")
        lines = [summary] if summary else []
        lines += [str(d) for d in self.diagnostics]
        super().__init__("\n".join(lines) if lines else self.message)


class OptionError(ValueError):
    """An option :func:`compile` cannot take: malformed (``threads=0``, a bad
    shape, an unknown ``requant_mode``) or not supported by this build; the
    message says which."""


class Artifact:
    """A compiled model: the object file, its C header and the reports.

    Created by :func:`compile`; load it with :func:`etch.load` (host targets)
    or write it with :meth:`save`.
    """

    def __init__(self, *, name: str, object_bytes: bytes, header: str, triple: str, cpu: str,
                 size_report_text: str, size_report_json: str, schedule_status: str,
                 schedule_text: str = "", schedule_json: str = "",
                 opencl_source: str = "", diagnostics: Sequence[Diagnostic] = ()) -> None:
        self._name = name
        self._object = object_bytes
        self._header = header
        self._triple = triple
        self._cpu = cpu
        self._size_text = size_report_text
        self._size_json = size_report_json
        self._schedule_status = schedule_status
        self._schedule_text = schedule_text
        self._schedule_json = schedule_json
        self._opencl_source = opencl_source
        self._diagnostics = list(diagnostics)

    @property
    def name(self) -> str:
        """The C prefix of the symbols (``<name>_model``, ``<name>_run``)."""
        return self._name

    @property
    def object_bytes(self) -> bytes:
        """The relocatable ELF object."""
        return self._object

    @property
    def header(self) -> str:
        """The generated ``<name>.h``."""
        return self._header

    @property
    def triple(self) -> str:
        """The target triple the object is for, as resolved by LLVM."""
        return self._triple

    @property
    def cpu(self) -> str:
        """The target CPU (or OpenCL device preset) the object is tuned for."""
        return self._cpu

    @property
    def opencl_source(self) -> str:
        """The OpenCL C kernels (``target="opencl"`` only; ``""`` otherwise)."""
        return self._opencl_source

    @property
    def diagnostics(self) -> List[Diagnostic]:
        """Warnings and remarks of the successful compilation."""
        return list(self._diagnostics)

    def size_report(self, format: str = "json") -> Union[Dict[str, Any], str]:
        """The footprint of the object (``etch-compile --size-report``).

        Args:
            format: ``"json"`` for a dict (code, weights, ABI tables, static
                RAM, the arena against its lower bound), ``"text"`` for the
                aligned table etch-compile prints.
        """
        if format == "json":
            return json.loads(self._size_json)
        if format == "text":
            return self._size_text
        raise ValueError(f"size_report(format={format!r}): formats: 'json', 'text'")

    def schedule_report(self, format: str = "json") -> Union[List[Dict[str, Any]], str]:
        """The schedule chosen for each root op (``etch-compile
        --schedule-report``).

        Args:
            format: ``"json"`` for a list of dicts, one per root op, with
                ``node`` (ONNX node name), ``strategy`` (conv, matmul, pool,
                reduction, elementwise, ...), ``op`` (the linalg op),
                ``schedule`` (the ``#etch.schedule`` attribute: tile sizes per
                level, vector sizes, parallel loops), ``vectorized`` and
                ``reason`` (why not, when not); ``"text"`` for one line each.

        Raises:
            NotImplementedError: the artifact has no schedule report (OpenCL
                targets, or a compilation stopped before vectorization); the
                message says which.
        """
        if format not in ("json", "text"):
            raise ValueError(f"schedule_report(format={format!r}): formats: 'json', 'text'")
        if self._schedule_status:
            raise NotImplementedError(f"etch: schedule report {self._schedule_status}")
        return json.loads(self._schedule_json) if format == "json" else self._schedule_text

    def save(self, directory: Union[str, "os.PathLike[str]"], name: Optional[str] = None) -> Path:
        """Writes ``<directory>/<name>.o`` and ``<name>.h`` (the folder is
        created; each file goes through a temporary file renamed into place,
        so a failure leaves no partial file). Returns the object's path.

        Args:
            directory: The output folder.
            name: The file stem; default :attr:`name`. The symbols inside keep
                the name the model was compiled with.
        """
        stem = name or self._name
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written: List[Path] = []
        try:
            for path, data in ((out / f"{stem}.o", self._object), (out / f"{stem}.h", self._header.encode())):
                tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
                tmp.write_bytes(data)
                os.replace(tmp, path)
                written.append(path)
        except OSError:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        return out / f"{stem}.o"

    def __repr__(self) -> str:
        return f"<etch.Artifact {self._name!r} for {self._triple} ({len(self._object)} bytes)>"


def _shape_spec(name: str, shape: ShapeLike) -> str:
    if isinstance(shape, str):
        return f"{name}={shape}"
    dims = [int(d) for d in shape]
    return f"{name}=" + "x".join(str(d) for d in dims)


def _value_spec(name: str, values: Any) -> str:
    try:
        import numpy as np

        flat = np.asarray(values).reshape(-1).tolist()
    except ImportError:  # pragma: no cover - numpy is a dependency
        flat = list(values) if isinstance(values, (list, tuple)) else [values]
    return f"{name}=" + ",".join(str(int(v)) if isinstance(v, bool) else repr(v) for v in flat)


_KNOWN_OPTIONS = ("name", "mattr", "opt_level", "weights_section", "requant_mode", "opencl_host",
                  "opencl_fp16", "profile")


def _check(lib: ctypes.CDLL, session: _capi.Handle, status: int, what: str) -> None:
    if status == _capi.STATUS_OK:
        return
    message = lib.etchSessionGetLastError(session).to_str() or lib.etchStatusGetName(status).decode()
    if status == _capi.STATUS_UNSUPPORTED:
        raise OptionError(f"{what}: not supported: {message}")
    # The C API's messages usually start with the option already.
    raise OptionError(message if message.startswith(what.split("=")[0] + "=") else f"{what}: {message}")


def _model_source(model: ModelLike) -> Union[Path, bytes]:
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if not path.exists():
            raise FileNotFoundError(f"etch.compile: no such model file: {path}")
        return path
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    if hasattr(model, "SerializeToString"):
        return model.SerializeToString()
    raise TypeError(f"etch.compile: model must be a path, bytes or an onnx.ModelProto, not {type(model).__name__}")


def compile(model: ModelLike, target: Optional[str] = None, mcpu: Optional[str] = None,
            input_shapes: Optional[Mapping[str, ShapeLike]] = None,
            input_values: Optional[Mapping[str, Any]] = None, threads: int = 1,
            tuning_db: Optional[Union[str, "os.PathLike[str]"]] = None, **options: Any) -> Artifact:
    """Compiles an ONNX model to an object file and C header, in process.

    Args:
        model: A path to an ``.onnx`` file (external data next to it is
            read), the bytes of a serialized ``onnx.ModelProto``, or an
            ``onnx.ModelProto``.
        target: The target triple (``"x86_64-linux-gnu"``,
            ``"aarch64-linux-gnu"``, ``"thumbv7em-none-eabihf"``, ``"opencl"``);
            default: the host's.
        mcpu: The target CPU (``"cortex-m7"``, ``"native"``); default
            ``"generic"``. With ``target="opencl"``, a device preset.
        input_shapes: Static shapes for inputs with dynamic dims, e.g.
            ``{"x": [1, 3, 224, 224]}`` (``--input-shape``).
        input_values: Inputs fixed to constants at compile time (they leave
            the signature), e.g. ``{"shape": [1, -1]}`` (``--input-value``).
        threads: Threads the generated code splits each layer over (1 to
            256; above 1 the object calls the runtime's thread pool, which
            :func:`load` links).
        tuning_db: A tuning database written by ``etch-tune`` (JSONL): the
            best record for each layer's workload replaces the heuristic
            schedule (``etch-compile --tuning-db``).
        **options: ``name`` (C prefix of the symbols; default: the file's
            stem, or ``"model"`` for bytes), ``mattr`` (``"+avx2,-fma"``),
            ``opt_level`` (0-3, default 3), ``weights_section``,
            ``requant_mode`` (``"float"``: ONNX Runtime's fp32
            requantization; ``"fixedpoint"``: TensorFlow Lite's int32
            multiplier and shift; default: fixedpoint for targets without an
            OS, float otherwise; as ``--requant``), ``opencl_host``,
            ``opencl_fp16``, ``profile`` (``etch-compile --profile``: the
            object times each layer; see :func:`etch.profile`).

    Returns:
        The :class:`Artifact`.

    Raises:
        CompileError: The model does not compile; carries the ONNX node, op
            and message of each error.
        OptionError: A malformed option (``threads=0``, an unknown
            ``requant_mode``), or one this build does not support.
        TypeError: An unknown keyword option or a model of the wrong type.
        FileNotFoundError: ``model`` names a file that does not exist.
    """
    unknown = sorted(set(options) - set(_KNOWN_OPTIONS))
    if unknown:
        raise TypeError(f"etch.compile: unknown option(s) {', '.join(unknown)}; known: {', '.join(_KNOWN_OPTIONS)}")
    source = _model_source(model)
    lib = _capi.library()
    session = lib.etchSessionCreate()
    try:
        S = _capi.string_ref

        def setopt(fn: str, value: Any, what: str) -> None:
            _check(lib, session, getattr(lib, fn)(session, value), what)

        if target:
            setopt("etchSessionSetTarget", S(target), f"target={target!r}")
        if mcpu:
            setopt("etchSessionSetCPU", S(mcpu), f"mcpu={mcpu!r}")
        if options.get("mattr"):
            setopt("etchSessionSetFeatures", S(options["mattr"]), f"mattr={options['mattr']!r}")
        if options.get("name"):
            setopt("etchSessionSetModelName", S(options["name"]), f"name={options['name']!r}")
        if "opt_level" in options:
            level = int(options["opt_level"])
            if level < 0:
                raise OptionError(f"opt_level={level}: the optimization level must be 0 to 3")
            setopt("etchSessionSetOptLevel", level, f"opt_level={level}")
        if options.get("weights_section"):
            setopt("etchSessionSetWeightsSection", S(options["weights_section"]),
                   f"weights_section={options['weights_section']!r}")
        if options.get("requant_mode"):
            setopt("etchSessionSetRequantMode", S(options["requant_mode"]),
                   f"requant_mode={options['requant_mode']!r}")
        if options.get("opencl_host"):
            setopt("etchSessionSetOpenCLHost", S(options["opencl_host"]), "opencl_host")
        if options.get("opencl_fp16"):
            setopt("etchSessionSetOpenCLFP16", True, "opencl_fp16")
        if options.get("profile"):
            setopt("etchSessionSetProfile", True, "profile")
        if not isinstance(threads, int) or isinstance(threads, bool):
            raise OptionError(f"threads={threads!r}: must be an int")
        setopt("etchSessionSetThreads", threads, f"threads={threads}")
        if tuning_db is not None:
            setopt("etchSessionSetTuningDatabase", S(os.fspath(tuning_db)), f"tuning_db={os.fspath(tuning_db)!r}")
        for name, shape in (input_shapes or {}).items():
            spec = _shape_spec(name, shape)
            setopt("etchSessionAddInputShape", S(spec), f"input_shapes[{name!r}]")
        for name, values in (input_values or {}).items():
            spec = _value_spec(name, values)
            setopt("etchSessionAddInputValue", S(spec), f"input_values[{name!r}]")

        if isinstance(source, Path):
            result = lib.etchSessionCompileFile(session, S(os.fspath(source)))
        else:
            buf = ctypes.create_string_buffer(source, len(source))
            result = lib.etchSessionCompileBuffer(session, ctypes.cast(buf, ctypes.c_void_p), len(source))
    finally:
        lib.etchSessionDestroy(session)
    try:
        return _artifact(lib, result)
    finally:
        lib.etchResultDestroy(result)


def _diagnostics(lib: ctypes.CDLL, result: _capi.Handle) -> List[Diagnostic]:
    out = []
    for i in range(lib.etchResultGetNumDiagnostics(result)):
        d = lib.etchResultGetDiagnostic(result, i)
        severity = _capi.SEVERITIES[d.severity] if 0 <= d.severity < len(_capi.SEVERITIES) else "error"
        out.append(Diagnostic(severity, d.node.to_str(), d.op.to_str(), d.message.to_str(), d.location.to_str()))
    return out


def _artifact(lib: ctypes.CDLL, result: _capi.Handle) -> Artifact:
    diagnostics = _diagnostics(lib, result)
    if not lib.etchResultSucceeded(result):
        raise CompileError(diagnostics)
    reports = {}
    for fmt in (_capi.REPORT_TEXT, _capi.REPORT_JSON):
        ref = _capi.StringRef()
        lib.etchResultGetSizeReport(result, fmt, ctypes.byref(ref))
        reports[fmt] = ref.to_str()
    schedule = {}
    schedule_ok = True
    for fmt in (_capi.REPORT_TEXT, _capi.REPORT_JSON):
        ref = _capi.StringRef()
        status = lib.etchResultGetScheduleReport(result, fmt, ctypes.byref(ref))
        schedule[fmt] = ref.to_str()
        schedule_ok = schedule_ok and status == 0
    return Artifact(
        name=lib.etchResultGetModelName(result).to_str(),
        object_bytes=lib.etchResultGetObject(result).to_bytes(),
        header=lib.etchResultGetHeader(result).to_str(),
        triple=lib.etchResultGetTriple(result).to_str(),
        cpu=lib.etchResultGetCPU(result).to_str(),
        size_report_text=reports[_capi.REPORT_TEXT],
        size_report_json=reports[_capi.REPORT_JSON],
        schedule_status="" if schedule_ok else schedule[_capi.REPORT_JSON],
        schedule_text=schedule[_capi.REPORT_TEXT] if schedule_ok else "",
        schedule_json=schedule[_capi.REPORT_JSON] if schedule_ok else "",
        opencl_source=lib.etchResultGetOpenCLSource(result).to_str(),
        diagnostics=diagnostics,
    )


def version() -> str:
    """The compiler library's version, e.g. ``"0.1.0 (LLVM 22.1.0)"``."""
    return _capi.library().etchGetVersion().decode()


_HEADER_MODEL = re.compile(r"extern const etch_model_t (\w+)_model;")


def model_name_from_header(header: str) -> Optional[str]:
    """The model name a generated header declares (``<name>_model``), if any."""
    m = _HEADER_MODEL.search(header)
    return m.group(1) if m else None
