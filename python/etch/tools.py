"""Profiling and tuning from Python: placeholders until the compiler has them.

``etch.profile`` needs the per-layer profile of ``etch-compile --profile``
and ``etch.tune`` the tuner (``etch-tune``, ``--tuning-db``); neither exists
in this compiler yet, so both raise :class:`NotImplementedError` naming what
is missing rather than returning made-up numbers.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from .compiler import ModelLike


def profile(model: ModelLike, inputs: Optional[Dict[str, Any]] = None, *, target: Optional[str] = None,
            repeat: int = 10, **compile_options: Any) -> List[Dict[str, Any]]:
    """Per-layer time of `model` on the host, as a list of plain records
    (``{"node": ..., "op": ..., "time_us": ...}``).

    Raises:
        NotImplementedError: always, for now: the compiler has no per-layer
            profile (``etch-compile --profile``) yet.
    """
    raise NotImplementedError(
        "etch.profile: this compiler has no per-layer profiling yet (etch-compile --profile); "
        "time whole-model calls of etch.load(...) instead")


def tune(model: ModelLike, *, target: Optional[str] = None, db: Optional[str] = None,
         progress: Optional[Callable[[Dict[str, Any]], None]] = None, **options: Any) -> Dict[str, Any]:
    """Autotunes the schedules of `model` for `target` into the tuning
    database `db`, calling `progress` after each measured candidate, and
    returns the tuning report.

    Raises:
        NotImplementedError: always, for now: the compiler has no tuner
            (etch-tune) and reads no tuning database yet.
    """
    raise NotImplementedError(
        "etch.tune: this compiler has no autotuner yet (etch-tune, --tuning-db); schedules come from its "
        "built-in heuristics")
