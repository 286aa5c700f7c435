"""Upgrades an ONNX model to a newer opset with ONNX 1.23's version converter.

Debian's torch 1.13 exporter stops at opset 17 and Debian's onnx 1.12 knows no
newer opset, so the upgraded model zoo (opsets 18 and 21) is made the way a
user upgrades an old model: ``onnx.version_converter.convert_version`` from
ONNX 1.23, run in the ``.venv-onnx123`` venv that scripts/setup.sh makes (numpy 2,
protobuf 6; it cannot share a process with .venv's torch). This file is both
the library side (``upgrade``, run from .venv) and the script the 1.23
interpreter runs (``__main__``, stdlib + onnx only).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]


class ConverterError(RuntimeError):
    """ONNX's version converter (or its checker) rejected the model: upstream's
    limitation, not etch's."""


def onnx123_python() -> Optional[str]:
    """The Python of the ONNX 1.23 venv: $ETCH_ONNX123_PYTHON, else
    <repo>/.venv-onnx123/bin/python; None if neither exists."""
    env = os.environ.get("ETCH_ONNX123_PYTHON")
    if env:
        return env if os.access(env, os.X_OK) else None
    path = ROOT / ".venv-onnx123" / "bin" / "python"
    return str(path) if os.access(path, os.X_OK) else None


def upgrade(src: Path, dst: Path, opset: int, timeout: float = 600) -> Path:
    """Writes ``src`` converted to ``opset`` to ``dst`` (atomically, once: an
    existing ``dst`` is kept). Raises ConverterError if the converter or the
    checker fails, with upstream's message."""
    dst = Path(dst)
    if dst.is_file():
        return dst
    python = onnx123_python()
    if python is None:
        raise FileNotFoundError("the ONNX 1.23 venv (.venv-onnx123) is missing: run scripts/setup.sh "
                                "or set ETCH_ONNX123_PYTHON")
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=dst.parent)
    os.close(fd)
    try:
        proc = subprocess.run([python, "-W", "ignore", __file__, str(src), tmp, str(opset)],
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
            raise ConverterError(f"onnx version_converter {Path(src).name} -> opset {opset}: "
                                 + (lines[-1] if lines else f"exit {proc.returncode}"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return dst


def _convert_main(argv) -> int:
    """Runs under ONNX 1.23: convert, check, save."""
    import onnx
    from onnx import version_converter

    src, dst, opset = argv[0], argv[1], int(argv[2])
    model = onnx.load(src)
    converted = version_converter.convert_version(model, opset)
    onnx.checker.check_model(converted)
    onnx.save(converted, dst)
    return 0


if __name__ == "__main__":
    sys.exit(_convert_main(sys.argv[1:]))
