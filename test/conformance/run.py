#!/usr/bin/env python3
"""Runs the ONNX conformance suite: python/etch_testing/conformance.py.

    .venv/bin/python test/conformance/run.py            # check against xfail.txt
    .venv/bin/python test/conformance/run.py --update   # regenerate xfail.txt + results.md
    .venv/bin/python test/conformance/run.py --help
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))

from etch_testing.conformance import main  # noqa: E402

sys.exit(main())
