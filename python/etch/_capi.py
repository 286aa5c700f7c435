"""ctypes declarations of the compiler's C API (include/etch-c/Compiler.h).

Private: the public API is :mod:`etch`. The shared library is looked up, in
order, at ``$ETCH_CAPI_LIBRARY``, inside the installed package
(``etch/_lib``, where ``pip install ./python`` copies it), in the build tree
of a source checkout (``$ETCH_BUILD_DIR/lib`` or ``build/lib``), then on the
system library path (an installed ``cmake --install`` prefix).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path
from typing import List, Optional

#: ETCH_CAPI_VERSION this module was written against.
CAPI_VERSION = 1

LIBRARY_NAME = "libEtchCompilerC.so"

STATUS_OK = 0
STATUS_INVALID_ARGUMENT = 1
STATUS_UNSUPPORTED = 2
STATUS_COMPILE_FAILED = 3
STATUS_IO_ERROR = 4
STATUS_NOT_AVAILABLE = 5

REPORT_TEXT = 0
REPORT_JSON = 1

SEVERITIES = ("error", "warning", "note", "remark")


class StringRef(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t)]

    def to_bytes(self) -> bytes:
        if not self.data or not self.length:
            return b""
        return ctypes.string_at(self.data, self.length)

    def to_str(self) -> str:
        return self.to_bytes().decode("utf-8", errors="replace")


class Handle(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p)]


class Diagnostic(ctypes.Structure):
    _fields_ = [
        ("severity", ctypes.c_int),
        ("node", StringRef),
        ("op", StringRef),
        ("message", StringRef),
        ("location", StringRef),
    ]


def string_ref(text: str | bytes) -> StringRef:
    """A view of `text`; keep the returned object alive while it is used
    (it holds the encoded buffer)."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    buf = ctypes.create_string_buffer(data, len(data))
    ref = StringRef(ctypes.cast(buf, ctypes.c_void_p), len(data))
    ref._keep = buf  # type: ignore[attr-defined]
    return ref


def _candidates() -> List[Path]:
    found: List[Path] = []
    env = os.environ.get("ETCH_CAPI_LIBRARY")
    if env:
        return [Path(env)]
    here = Path(__file__).resolve().parent
    found.append(here / "_lib" / LIBRARY_NAME)
    build = os.environ.get("ETCH_BUILD_DIR")
    if build:
        found.append(Path(build) / "lib" / LIBRARY_NAME)
    # A source checkout: python/etch/_capi.py -> <repo>/build/lib.
    found.append(here.parents[1] / "build" / "lib" / LIBRARY_NAME)
    return found


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def library() -> ctypes.CDLL:
    """The loaded C API library (loaded and declared on first use)."""
    global _lib
    with _lock:
        if _lib is None:
            _lib = _declare(_open())
        return _lib


def _open() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_file():
            return ctypes.CDLL(str(path))
    system = ctypes.util.find_library("EtchCompilerC")
    if system:
        return ctypes.CDLL(system)
    tried.append("the system library path (libEtchCompilerC)")
    raise ImportError(
        "etch: cannot find the compiler library libEtchCompilerC.so; looked at "
        + ", ".join(tried)
        + ". Build it (ninja -C build EtchCompilerC), then `pip install ./python`, "
        "or set ETCH_CAPI_LIBRARY to its path."
    )


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    sig = {
        "etchGetCAPIVersion": ([], ctypes.c_uint),
        "etchGetVersion": ([], ctypes.c_char_p),
        "etchStatusGetName": ([ctypes.c_int], ctypes.c_char_p),
        "etchSessionCreate": ([], Handle),
        "etchSessionDestroy": ([Handle], None),
        "etchSessionGetLastError": ([Handle], StringRef),
        "etchSessionSetTarget": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetCPU": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetFeatures": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetModelName": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetOptLevel": ([Handle, ctypes.c_uint], ctypes.c_int),
        "etchSessionAddInputShape": ([Handle, StringRef], ctypes.c_int),
        "etchSessionAddInputValue": ([Handle, StringRef], ctypes.c_int),
        "etchSessionClearInputs": ([Handle], None),
        "etchSessionSetWeightsSection": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetThreads": ([Handle, ctypes.c_int], ctypes.c_int),
        "etchSessionSetTuningDatabase": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetRequantMode": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetOpenCLHost": ([Handle, StringRef], ctypes.c_int),
        "etchSessionSetOpenCLFP16": ([Handle, ctypes.c_bool], ctypes.c_int),
        "etchSessionSetProfile": ([Handle, ctypes.c_bool], ctypes.c_int),
        "etchSessionSetCompileTo": ([Handle, StringRef], ctypes.c_int),
        "etchSessionCompileFile": ([Handle, StringRef], Handle),
        "etchSessionCompileBuffer": ([Handle, ctypes.c_void_p, ctypes.c_size_t], Handle),
        "etchResultDestroy": ([Handle], None),
        "etchResultSucceeded": ([Handle], ctypes.c_bool),
        "etchResultGetObject": ([Handle], StringRef),
        "etchResultGetHeader": ([Handle], StringRef),
        "etchResultGetIR": ([Handle], StringRef),
        "etchResultGetOpenCLSource": ([Handle], StringRef),
        "etchResultGetModelName": ([Handle], StringRef),
        "etchResultGetTriple": ([Handle], StringRef),
        "etchResultGetCPU": ([Handle], StringRef),
        "etchResultGetSizeReport": ([Handle, ctypes.c_int, ctypes.POINTER(StringRef)], ctypes.c_int),
        "etchResultGetScheduleReport": ([Handle, ctypes.c_int, ctypes.POINTER(StringRef)], ctypes.c_int),
        "etchResultWriteFiles": ([Handle, StringRef, StringRef], ctypes.c_int),
        "etchResultGetLastError": ([Handle], StringRef),
        "etchResultGetNumDiagnostics": ([Handle], ctypes.c_size_t),
        "etchResultGetDiagnostic": ([Handle, ctypes.c_size_t], Diagnostic),
    }
    for name, (args, res) in sig.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = res
    version = lib.etchGetCAPIVersion()
    if version != CAPI_VERSION:
        raise ImportError(
            f"etch: libEtchCompilerC.so has C API version {version}; this package needs {CAPI_VERSION}"
        )
    return lib
