"""Running compiled models on the host: :func:`load` and :class:`Module`."""

from __future__ import annotations

import ctypes
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from .compiler import Artifact, model_name_from_header

#: The C ABI version (ETCH_ABI_VERSION of runtime/include/etch/etch.h) this
#: module reads.
ABI_VERSION = 2

_STATUS = ("ETCH_OK", "ETCH_ERR_INVALID_ARGUMENT", "ETCH_ERR_ARENA_TOO_SMALL", "ETCH_ERR_ARENA_UNALIGNED",
           "ETCH_ERR_DEVICE", "ETCH_ERR_UNSUPPORTED")

# etch_dtype_t, in enum order -> (name, numpy dtype). bf16 has no numpy type:
# its tensors are passed as uint16 arrays holding the raw bits; the float8
# types as uint8 arrays of their bits; the sub-byte types (_PACKED_BITS) as
# 1-D uint8 arrays of the packed bytes (ONNX's layout, see etch.h).
_DTYPES = (("f32", np.float32), ("f16", np.float16), ("bf16", np.uint16), ("i8", np.int8), ("u8", np.uint8),
           ("i16", np.int16), ("i32", np.int32), ("i64", np.int64), ("bool", np.bool_), ("f64", np.float64),
           ("u16", np.uint16), ("u32", np.uint32), ("u64", np.uint64),
           ("f8e4m3fn", np.uint8), ("f8e4m3fnuz", np.uint8), ("f8e5m2", np.uint8), ("f8e5m2fnuz", np.uint8),
           ("f8e8m0", np.uint8), ("i4", np.uint8), ("u4", np.uint8), ("f4e2m1", np.uint8), ("i2", np.uint8),
           ("u2", np.uint8))
_PACKED_BITS = {"i4": 4, "u4": 4, "f4e2m1": 4, "i2": 2, "u2": 2}


class LoadError(RuntimeError):
    """The object cannot be loaded here: built for another target, not
    linkable into a shared library, or not an etch model object."""


class RunError(RuntimeError):
    """The model's ``run`` returned an error status (``status`` holds its
    ``etch_status_t`` name)."""

    def __init__(self, model: str, status: int) -> None:
        self.status: str = _STATUS[status] if 0 <= status < len(_STATUS) else f"status {status}"
        super().__init__(f"etch: model '{model}' failed: {self.status}")


@dataclass(frozen=True)
class TensorSpec:
    """One model input or output, as the object's ABI tables describe it.

    Attributes:
        name: The ONNX name.
        dtype: The numpy dtype arrays must have (``uint16`` raw bits for bf16).
        shape: The static shape.
        etch_dtype: The ``etch_dtype_t`` name (``"f32"``, ``"i8"``, ``"bf16"``...).
        scale: Quantization scale (0 if not quantized).
        zero_point: Quantization zero point.
        logical_shape: The tensor's shape; ``shape`` differs from it only for
            the packed sub-byte dtypes (``i4``, ``u4``, ``f4e2m1``, ``i2``,
            ``u2``), whose arrays are the packed bytes, ``(bytes,)``.
    """

    name: str
    dtype: np.dtype
    shape: Tuple[int, ...]
    etch_dtype: str
    scale: float = 0.0
    zero_point: int = 0
    logical_shape: Tuple[int, ...] = ()


class _TensorDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("scale", ctypes.c_float),
                ("zero_point", ctypes.c_int32)]


# CFUNCTYPE (not PYFUNCTYPE): ctypes releases the GIL for the call.
_RunFn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p),
                          ctypes.c_void_p)


class _Model(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("name", ctypes.c_char_p), ("num_inputs", ctypes.c_int32),
                ("num_outputs", ctypes.c_int32), ("inputs", ctypes.POINTER(_TensorDesc)),
                ("outputs", ctypes.POINTER(_TensorDesc)), ("arena_size", ctypes.c_size_t),
                ("arena_align", ctypes.c_size_t), ("run", _RunFn), ("max_threads", ctypes.c_int32)]


def _spec(desc: _TensorDesc) -> TensorSpec:
    if not 0 <= desc.dtype < len(_DTYPES):
        raise LoadError(f"etch: tensor '{desc.name.decode()}' has an unknown dtype {desc.dtype}")
    name, dtype = _DTYPES[desc.dtype]
    logical = tuple(int(desc.shape[i]) for i in range(desc.rank))
    shape = logical
    if name in _PACKED_BITS:
        shape = (-(-int(np.prod(logical, dtype=np.int64)) * _PACKED_BITS[name] // 8),)
    return TensorSpec(desc.name.decode(), np.dtype(dtype), shape, name, float(desc.scale), int(desc.zero_point),
                      logical)


class Module:
    """A compiled model loaded into this process; call it with numpy arrays.

    ``module(x0, x1, ...)`` or ``module(x=..., ...)`` checks each input
    (dtype, shape, C-contiguity, alignment), runs the model with the GIL
    released and returns the outputs as a list of new arrays (or fills the
    arrays given as ``out=``). Inputs are passed to the model without copies;
    Python lists and scalars are converted. The arena is allocated once and
    reused; calls on one module are serialized by a lock (one arena), calls
    on different modules run in parallel.
    """

    def __init__(self, library: ctypes.CDLL, name: str, model: _Model) -> None:
        if model.abi_version != ABI_VERSION:
            raise LoadError(f"etch: model '{name}' has ABI version {model.abi_version}; this package reads "
                            f"version {ABI_VERSION}")
        self._lib = library  # keeps the code mapped
        self._model = model
        self._name = name
        self._inputs = [_spec(model.inputs[i]) for i in range(model.num_inputs)]
        self._outputs = [_spec(model.outputs[i]) for i in range(model.num_outputs)]
        align = max(int(model.arena_align), 1)
        size = int(model.arena_size)
        self._arena_buf = np.empty(size + align, dtype=np.uint8)
        base = self._arena_buf.ctypes.data
        self._arena = ctypes.c_void_p((base + align - 1) // align * align if size else None)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model's C name."""
        return self._name

    @property
    def inputs(self) -> List[TensorSpec]:
        """The inputs, in ONNX graph order."""
        return list(self._inputs)

    @property
    def outputs(self) -> List[TensorSpec]:
        """The outputs, in ONNX graph order."""
        return list(self._outputs)

    @property
    def max_threads(self) -> int:
        """The most threads a call splits its work over (``threads`` of
        :func:`etch.compile`); the runtime's pool size bounds it too."""
        return int(self._model.max_threads)

    @property
    def arena_size(self) -> int:
        """Bytes of the arena (allocated once at load)."""
        return int(self._model.arena_size)

    def _check_input(self, spec: TensorSpec, value: Any) -> np.ndarray:
        if not isinstance(value, np.ndarray):
            try:
                value = np.asarray(value, dtype=spec.dtype)
            except (TypeError, ValueError) as e:
                raise TypeError(f"input '{spec.name}': cannot convert {type(value).__name__} to {spec.dtype}: {e}")
        if value.dtype != spec.dtype:
            raise TypeError(f"input '{spec.name}': expected dtype {spec.dtype} ({spec.etch_dtype}), got "
                            f"{value.dtype}; convert with .astype(np.{spec.dtype.name})")
        if value.shape != spec.shape:
            raise ValueError(f"input '{spec.name}': expected shape {list(spec.shape)}, got {list(value.shape)}")
        return self._check_buffer(f"input '{spec.name}'", value)

    @staticmethod
    def _check_buffer(what: str, value: np.ndarray) -> np.ndarray:
        if not value.flags.c_contiguous:
            raise ValueError(f"{what}: the array is not C-contiguous; pass np.ascontiguousarray(...)")
        if not value.flags.aligned:
            raise ValueError(f"{what}: the array is not aligned to its element size")
        return value

    def _check_output(self, spec: TensorSpec, value: Any) -> np.ndarray:
        if not isinstance(value, np.ndarray):
            raise TypeError(f"out '{spec.name}': expected a numpy array, got {type(value).__name__}")
        if value.dtype != spec.dtype or value.shape != spec.shape:
            raise ValueError(f"out '{spec.name}': expected {spec.dtype}{list(spec.shape)}, got "
                             f"{value.dtype}{list(value.shape)}")
        if not value.flags.writeable:
            raise ValueError(f"out '{spec.name}': the array is read-only")
        return self._check_buffer(f"out '{spec.name}'", value)

    def __call__(self, *args: Any, out: Optional[Sequence[np.ndarray]] = None, **kwargs: Any) -> List[np.ndarray]:
        """Runs the model.

        Args:
            *args: The inputs in graph order, or
            **kwargs: the inputs by ONNX name (names that are not Python
                identifiers: use :meth:`run` with a dict).
            out: Arrays to write the outputs into (graph order).

        Returns:
            The outputs, in graph order.

        Raises:
            TypeError: A missing or unknown input, or a wrong dtype.
            ValueError: A wrong shape, a non-contiguous or misaligned array.
            RunError: The model returned an error status.
        """
        if args and kwargs:
            raise TypeError(f"{self._name}: pass the inputs either by position or by name, not both")
        if kwargs:
            return self.run(kwargs, out=out)
        if len(args) != len(self._inputs):
            raise TypeError(f"{self._name}: expected {len(self._inputs)} input(s) "
                            f"({', '.join(s.name for s in self._inputs)}), got {len(args)}")
        return self._run(list(args), out)

    def run(self, inputs: Union[Mapping[str, Any], Sequence[Any]],
            out: Optional[Sequence[np.ndarray]] = None) -> List[np.ndarray]:
        """Like calling the module, with the inputs as a dict by ONNX name
        (or a sequence in graph order)."""
        if isinstance(inputs, Mapping):
            names = [s.name for s in self._inputs]
            unknown = sorted(set(inputs) - set(names))
            missing = [n for n in names if n not in inputs]
            if unknown or missing:
                raise TypeError(f"{self._name}: inputs are {names}; " +
                                (f"unknown: {unknown} " if unknown else "") +
                                (f"missing: {missing}" if missing else ""))
            return self._run([inputs[n] for n in names], out)
        return self(*inputs, out=out)

    def _run(self, values: List[Any], out: Optional[Sequence[np.ndarray]]) -> List[np.ndarray]:
        arrays = [self._check_input(s, v) for s, v in zip(self._inputs, values)]
        if out is None:
            outputs = [np.empty(s.shape, dtype=s.dtype) for s in self._outputs]
        else:
            if len(out) != len(self._outputs):
                raise TypeError(f"{self._name}: out= needs {len(self._outputs)} array(s), got {len(out)}")
            outputs = [self._check_output(s, o) for s, o in zip(self._outputs, out)]
        in_ptrs = (ctypes.c_void_p * max(len(arrays), 1))(*[a.ctypes.data for a in arrays])
        out_ptrs = (ctypes.c_void_p * max(len(outputs), 1))(*[o.ctypes.data for o in outputs])
        with self._lock:
            status = self._model.run(in_ptrs, out_ptrs, self._arena)
        if status != 0:
            raise RunError(self._name, status)
        return outputs

    def __repr__(self) -> str:
        sig = lambda specs: ", ".join(f"{s.name}: {s.etch_dtype}{list(s.shape)}" for s in specs)  # noqa: E731
        return f"<etch.Module {self._name}({sig(self._inputs)}) -> ({sig(self._outputs)})>"


def _host_arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def _check_host(triple: str) -> None:
    arch = triple.split("-")[0]
    if arch == "x86-64":
        arch = "x86_64"
    if arch != _host_arch() or "linux" not in triple:
        raise LoadError(f"etch.load: the object is for {triple}; etch.load runs objects for this machine "
                        f"({_host_arch()}-linux) only. Compile with target=None for the host.")


def _runtime_archives() -> List[Path]:
    """libetch_runtime_threads.a and libetch_runtime.a (thread pool first, so
    that its strong symbols win over the serial fallback), from the package
    (``pip install ./python`` copies them) or the build tree."""
    here = Path(__file__).resolve().parent
    dirs = [here / "_lib"]
    if os.environ.get("ETCH_BUILD_DIR"):
        dirs.append(Path(os.environ["ETCH_BUILD_DIR"]) / "runtime")
    dirs.append(here.parents[1] / "build" / "runtime")
    for d in dirs:
        archives = [d / "libetch_runtime_threads.a", d / "libetch_runtime.a"]
        if all(a.is_file() for a in archives):
            return archives
    raise LoadError("etch.load: the object was compiled with threads > 1 or profile=True and needs the "
                    "runtime (libetch_runtime_threads.a, libetch_runtime.a); looked in "
                    f"{', '.join(str(d) for d in dirs)}")


def _link_and_open(object_path: Path, name: str, workdir: Path) -> ctypes.CDLL:
    cc = os.environ.get("CC", "cc")
    if not shutil.which(cc):
        raise LoadError(f"etch.load: no C compiler '{cc}' to link the object (set $CC)")
    so = workdir / f"lib{name}.so"
    extra: List[str] = []
    # Multi-threaded objects (--threads > 1) call the runtime's thread pool,
    # profiled ones (--profile) its clock.
    data = object_path.read_bytes()
    if b"etch_parallel_for" in data or b"etch_profile_begin" in data:
        extra = [str(a) for a in _runtime_archives()] + ["-lpthread"]
    proc = subprocess.run([cc, "-shared", "-o", str(so), str(object_path), *extra, "-lm"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        hint = (" (the object is not position-independent: compile it for an OS target such as "
                "x86_64-linux-gnu)" if "-fPIC" in proc.stderr or "relocation" in proc.stderr else "")
        raise LoadError(f"etch.load: cannot link {object_path.name} into a shared library{hint}:\n{proc.stderr}")
    try:
        return ctypes.CDLL(str(so), mode=getattr(os, "RTLD_LOCAL", 0) | getattr(os, "RTLD_NOW", 2))
    except OSError as e:
        raise LoadError(f"etch.load: cannot load {so.name}: {e}") from e


def load(source: Union[Artifact, str, "os.PathLike[str]"], name: Optional[str] = None) -> Module:
    """Loads a compiled model for the host into this process.

    The object is linked into a shared library with the system C compiler
    (``$CC`` or ``cc``, ``-shared``; etch objects for OS targets are
    position-independent) and opened with ``dlopen``; the library file is
    deleted once mapped.

    Args:
        source: An :class:`Artifact`, or the path of a ``.o`` written by
            etch-compile or :meth:`Artifact.save`.
        name: The model's C name (``<name>_model``); default: the artifact's,
            else the one the ``.h`` next to the object declares, else the
            object's file stem.

    Returns:
        A callable :class:`Module`.

    Raises:
        LoadError: The object is for another target, cannot be linked, or has
            no ``<name>_model``.
        FileNotFoundError: ``source`` names a missing file.
    """
    with tempfile.TemporaryDirectory(prefix="etch-load-") as tmp:
        workdir = Path(tmp)
        if isinstance(source, Artifact):
            _check_host(source.triple)
            if not source.object_bytes:
                raise LoadError("etch.load: the artifact has no object")
            name = name or source.name
            object_path = workdir / f"{name}.o"
            object_path.write_bytes(source.object_bytes)
        else:
            object_path = Path(source)
            if not object_path.is_file():
                raise FileNotFoundError(f"etch.load: no such object file: {object_path}")
            if not name:
                header = object_path.with_suffix(".h")
                if header.is_file():
                    name = model_name_from_header(header.read_text(errors="replace"))
                name = name or object_path.stem
        library = _link_and_open(object_path, name, workdir)
    try:
        model = _Model.in_dll(library, f"{name}_model")
    except ValueError as e:
        raise LoadError(f"etch.load: {object_path.name} defines no '{name}_model' (pass name=...)") from e
    return Module(library, name, model)
