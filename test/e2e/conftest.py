"""Shared fixtures for etch's e2e tests (run: .venv/bin/python -m pytest -n auto test/e2e).

Tests that need etch-compile skip while it is not built, unless
ETCH_REQUIRE_COMPILER=1 (scripts/test.sh sets it once tools/etch-compile
exists), in which case a missing binary fails them.
"""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

from etch_testing import runner  # noqa: E402


@pytest.fixture(scope="session")
def etch_compile() -> str:
    path = runner.find_etch_compile()
    if path:
        return path
    msg = "etch-compile not found (build it, or set ETCH_COMPILE / ETCH_BUILD_DIR)"
    if os.environ.get("ETCH_REQUIRE_COMPILER") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Where exported torchvision models are kept between runs."""
    return Path(os.environ.get("ETCH_MODEL_CACHE", runner.build_dir() / "e2e-models"))
