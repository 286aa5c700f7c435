"""etch: an ahead-of-time ONNX compiler, in process.

    >>> import etch, numpy as np
    >>> art = etch.compile("model.onnx", input_shapes={"x": [1, 3, 224, 224]})
    >>> mod = etch.load(art)                      # host targets
    >>> y, = mod(np.zeros((1, 3, 224, 224), np.float32))
    >>> art.save("out", "model")                  # out/model.o + out/model.h

:func:`compile` calls the compiler's C API (libEtchCompilerC.so, see
include/etch-c/Compiler.h) through ctypes; :func:`load` links the object into
a shared library and runs it with numpy arrays.
"""

from .compiler import (Artifact, CompileError, Diagnostic, ModelLike, OptionError, ShapeLike, compile,
                       version)
from .runtime import LoadError, Module, RunError, TensorSpec, load
from .tools import TuneError, profile, tune

#: The version of this package (and of the compiler it is built with).
__version__: str = "0.1.0"

__all__ = [
    "Artifact",
    "CompileError",
    "Diagnostic",
    "LoadError",
    "ModelLike",
    "Module",
    "OptionError",
    "RunError",
    "ShapeLike",
    "TensorSpec",
    "TuneError",
    "__version__",
    "compile",
    "load",
    "profile",
    "tune",
    "version",
]
