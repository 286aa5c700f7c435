"""QDQ-quantized models end to end (QuantizeLinear/DequantizeLinear around
float ops, as ONNX Runtime's quantizer writes them) against ONNX Runtime.

Both sides compute in float between the Q/DQ boundaries, but in different
orders, so an activation that lands within float rounding of a .5 step can
quantize one step apart: outputs must match within two output-scale steps
and almost all of them exactly (to 1e-4)."""

import numpy as np
import pytest

from etch_testing import quant_models, runner

MODELS = quant_models.quant_models()
TARGETS = [runner.HOST, runner.AARCH64_LINUX, runner.opencl_target()]


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
@pytest.mark.parametrize("name,model", MODELS, ids=[m[0] for m in MODELS])
def test_qdq_model(name, model, target, etch_compile, tmp_path):
    if not target.available():
        pytest.skip(f"{target.id}: toolchain, QEMU or OpenCL runtime missing")
    # A loose tolerance for run_case; the real checks follow.
    result = runner.run_case(name, model, tmp_path, etch_compile, target, rtol=0.1)
    ref = np.fromfile(tmp_path / result.manifest.outputs[0].file, dtype=np.float32)
    got = result.outputs[0].reshape(-1)
    err = np.abs(got - ref)
    step = 0.05  # two output steps of the last activation scale times |w|, generously
    print(f"{name} {target.id}: max err {err.max():.3g}, exact {np.mean(err <= 1e-4):.1%}")
    assert err.max() <= step, f"{name}: max |err| {err.max():.4g}"
    assert np.mean(err <= 1e-4) >= 0.9, f"{name}: only {np.mean(err <= 1e-4):.0%} of outputs match to 1e-4"
