"""Small composite CNNs (graph-level fusions), whole torchvision networks and
the CI third of the model zoo (as exported, and upgraded to opsets 18 and 21),
compiled by etch-compile and compared with ONNX Runtime."""

import os

import onnx
import pytest

from etch_testing import models, opset_upgrade, runner, torchvision_models

COMPOSITES = models.composite_models()


@pytest.mark.parametrize("name,model", COMPOSITES, ids=[n for n, _ in COMPOSITES])
def test_composite(name, model, etch_compile, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile)


def test_run_checks_its_arguments(etch_compile, tmp_path):
    """DESIGN.md: a model's run rejects null pointers and a misaligned arena
    with a status instead of crashing (cnn_small has intermediates, so it
    needs an arena)."""
    name, model = next((n, m) for n, m in COMPOSITES if n == "cnn_small_op13")
    runner.run_case(name, model, tmp_path, etch_compile, check_args=True)


@pytest.mark.slow
@pytest.mark.parametrize("name,arch,opset", torchvision_models.cases(),
                         ids=[c[0] for c in torchvision_models.cases()])
def test_torchvision(name, arch, opset, etch_compile, model_cache, tmp_path):
    path = torchvision_models.export(arch, opset, model_cache / f"{name}.onnx")
    runner.run_case(name, onnx.load(str(path)), tmp_path, etch_compile)


# A representative third of the model zoo (torchvision_models.ZOO_CI, beyond
# ARCHS above); scripts/model_zoo.py runs all of it and records the table in
# test/model_zoo/results.md.
ZOO_CI_CASES = torchvision_models.zoo_cases([a for a in torchvision_models.ZOO_CI
                                            if a not in torchvision_models.ARCHS])


@pytest.mark.slow
@pytest.mark.parametrize("name,arch,opset", ZOO_CI_CASES, ids=[c[0] for c in ZOO_CI_CASES])
def test_model_zoo(name, arch, opset, etch_compile, model_cache, tmp_path):
    path = torchvision_models.export(arch, opset, model_cache / f"{name}.onnx")
    runner.run_case(name, onnx.load(str(path)), tmp_path, etch_compile)


# The upgraded zoo (issue "Modern ONNX"): ZOO_UPGRADE_CI's opset-17 exports
# converted to opsets 18 and 21 by ONNX 1.23's version_converter (in
# .venv-onnx123), compiled and compared with ONNX Runtime like the rest of the
# zoo. 26 cases, about 3 CPU-minutes (~1.5 min of CI's 2 cores); the converter
# itself takes 0.1-2 s a model. scripts/model_zoo.py --opsets 18,21 runs the
# whole zoo.
UPGRADE_CI_CASES = torchvision_models.zoo_cases(torchvision_models.ZOO_UPGRADE_CI,
                                                torchvision_models.UPGRADE_OPSETS)


@pytest.fixture(scope="session")
def onnx123_python() -> str:
    path = opset_upgrade.onnx123_python()
    if path:
        return path
    msg = "the ONNX 1.23 venv (.venv-onnx123) is missing: run scripts/setup.sh or set ETCH_ONNX123_PYTHON"
    if os.environ.get("ETCH_REQUIRE_COMPILER") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.mark.slow
@pytest.mark.parametrize("name,arch,opset", UPGRADE_CI_CASES, ids=[c[0] for c in UPGRADE_CI_CASES])
def test_upgraded_zoo(name, arch, opset, etch_compile, onnx123_python, model_cache, tmp_path):
    path = torchvision_models.export(arch, opset, model_cache / f"{name}.onnx")
    model = onnx.load(str(path))
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [opset]
    runner.run_case(name, model, tmp_path, etch_compile)
