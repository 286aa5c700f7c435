"""Embedded targets: AArch64 Linux under qemu-aarch64, Cortex-M4 on QEMU's
mps2-an386 and Cortex-M55 on mps3-an547 (bare metal, semihosting; see
test/e2e/cortex-m/). The same harness.c runs everywhere.

- test_selftest_*: the hand-written model (selftest/fake_model.c) cross-
  compiled, run and checked on each target, and its planted defects caught:
  proves the harness, startup code, semihosting and exit statuses, without
  etch-compile.
- test_aarch64_*: foundation single-op models and MobileNetV2 compiled by
  etch-compile --target=aarch64-linux-gnu.
- test_mcu_*: DS-CNN, MobileNetV1-0.25 and an MLP (mcu_models.py) compiled
  for Cortex-M4/M55, plus a check that the objects need nothing from a C
  library but memcpy/memset.
- test_firmware_example: examples/cortex-m configured and built with CMake
  against an installed etch, then run in QEMU.

Tests skip when a target's toolchain or QEMU is missing (scripts/setup.sh
installs them), unless ETCH_REQUIRE_EMBEDDED=1.
"""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from etch_testing import reference, runner
from etch_testing.onnx_build import make_model, node

SELFTEST = Path(__file__).resolve().parent / "selftest"
REPO = runner.REPO
CROSS = [runner.AARCH64_LINUX, runner.CORTEX_M4, runner.CORTEX_M55]


def require(target: runner.Target) -> None:
    if target.available():
        return
    msg = f"{target.id}: {target.cc[0]} or {target.run_prefix[0]} not installed (scripts/setup.sh)"
    if os.environ.get("ETCH_REQUIRE_EMBEDDED") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


# --- harness self-test: hand-written model, no etch-compile ----------------------

FAKE = "fake_relu"


def build_fake(target: runner.Target, case_dir: Path, *defines: str):
    require(target)
    model = make_model(FAKE, 13, [node("Relu", ["x"], ["y"], "relu_0")], [("x", [2, 3, 4])], ["y"])
    manifest = reference.write_case(model, str(case_dir), FAKE)
    shutil.copy(SELFTEST / f"{FAKE}.h", case_dir)
    obj = case_dir / f"{FAKE}.o"
    proc = runner.run([*target.cc, "-std=c11", "-O2", "-Wall", "-Werror", *target.cflags,
                       f"-I{runner.RUNTIME_INCLUDE}", f"-I{case_dir}", *[f"-D{d}" for d in defines],
                       "-c", SELFTEST / "fake_model.c", "-o", obj])
    assert proc.returncode == 0, runner.describe(proc)
    return runner.build_harness(FAKE, case_dir, manifest, target), manifest


def fake_errors(case_dir: Path, manifest, outs):
    refs = [reference.read_tensor(str(case_dir / t.file), t) for t in manifest.outputs]
    return [runner.compare(t.name, o, r) for t, o, r in zip(manifest.outputs, outs, refs)]


@pytest.mark.parametrize("target", CROSS, ids=[t.id for t in CROSS])
def test_selftest(target, tmp_path):
    exe, manifest = build_fake(target, tmp_path)
    outs = runner.run_harness(exe, tmp_path, manifest, target, check_args=True)
    assert fake_errors(tmp_path, manifest, outs) == [None]
    x = reference.read_tensor(str(tmp_path / "in0.bin"), manifest.inputs[0])
    np.testing.assert_array_equal(outs[0], np.maximum(x, 0))


@pytest.mark.parametrize("target", CROSS, ids=[t.id for t in CROSS])
def test_selftest_catches_unwritten_output(target, tmp_path):
    exe, manifest = build_fake(target, tmp_path, "FAKE_RELU_SKIP_LAST")
    [error] = fake_errors(tmp_path, manifest, runner.run_harness(exe, tmp_path, manifest, target))
    assert error and "NaN" in error, error


@pytest.mark.parametrize("target", CROSS, ids=[t.id for t in CROSS])
def test_selftest_catches_arena_overrun(target, tmp_path):
    """Also proves a failing exit status gets through QEMU."""
    exe, manifest = build_fake(target, tmp_path, "FAKE_RELU_OVERRUN")
    with pytest.raises(runner.CaseFailure, match="past its arena"):
        runner.run_harness(exe, tmp_path, manifest, target)


@pytest.mark.parametrize("target", runner.BARE_METAL, ids=[t.id for t in runner.BARE_METAL])
def test_bare_metal_fault_is_reported(target, tmp_path):
    """A fault in the model becomes exit status 3 with the faulting PC, not a hang."""
    require(target)
    src = tmp_path / "fault.c"
    src.write_text("int main(void) { return *(volatile int *)0xF0000000u; }\n")
    exe = tmp_path / "fault.elf"
    proc = runner.run([*target.cc, "-O2", src, *target.ldflags, "-o", exe])
    assert proc.returncode == 0, runner.describe(proc)
    proc = runner.run(target.run_command(exe, []), timeout=60)
    assert proc.returncode == 3 and "fault" in proc.stderr, runner.describe(proc)
