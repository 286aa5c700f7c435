"""Every foundation op, alone, compiled by etch-compile and compared with ONNX
Runtime (python/etch_testing/models.py lists the cases)."""

import pytest

from etch_testing import models, runner

CASES = models.single_op_models()


@pytest.mark.parametrize("name,model", CASES, ids=[n for n, _ in CASES])
def test_single_op(name, model, etch_compile, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile)

