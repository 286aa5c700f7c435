"""ONNX backend conformance (python/etch_testing/conformance.py), one test per
suite of ONNX's backend test data: every test must pass unless
test/conformance/xfail.txt lists it, and every listed test must still fail.
Run alone: .venv/bin/python -m pytest test/e2e -m conformance
"""

import os

import pytest

from etch_testing import conformance, conformance_report, runner

pytestmark = pytest.mark.conformance

needs_data = pytest.mark.skipif(not conformance.DATA_ROOT.is_dir(),
                                reason=f"no ONNX test data at {conformance.DATA_ROOT} (apt install libonnx-testdata)")


@needs_data
@pytest.mark.parametrize("suite", conformance.SUITES)
def test_onnx_backend_suite(suite, etch_compile):
    if suite == conformance.ONNX123_SUITE and not conformance.suite_dir(suite).is_dir() \
            and not os.environ.get("ETCH_REQUIRE_COMPILER"):
        pytest.skip(f"no ONNX 1.23 node tests at {conformance.suite_dir(suite)} (scripts/setup.sh generates them)")
    tests = conformance.discover([suite])
    assert tests, f"no tests in {conformance.suite_dir(suite)}"
    work = runner.build_dir() / "conformance"
    outcomes = conformance.run_all(tests, etch_compile, work, jobs=os.cpu_count() or 1)
    verdict = conformance.judge(outcomes, conformance.read_xfail(), [suite], complete=True)
    report = conformance.summary(outcomes, verdict)
    print(report)
    assert verdict.ok, f"{report}\nlogs: {work}/{suite}/<test>/result.txt"


@needs_data
def test_results_md_up_to_date():
    """results.md is generated from xfail.txt; regenerate it after editing the list."""
    if not conformance.XFAIL_FILE.is_file():
        pytest.skip("no test/conformance/xfail.txt yet (generate it: test/conformance/run.py --update)")
    want = conformance_report.render(conformance.read_xfail())
    have = conformance.RESULTS_FILE.read_text() if conformance.RESULTS_FILE.is_file() else ""
    assert have == want, ("test/conformance/results.md is stale: run "
                          "`.venv/bin/python -m etch_testing.conformance --results-only` (from python/)")


# The runner's own logic, without etch-compile: these prove the checks can fail.

def _outcome(test_id, passed, reason=""):
    suite, name = test_id.split("/")
    return conformance.Outcome(conformance.Test(suite, name), passed, reason)


def test_compare_follows_onnx_tolerances():
    import numpy as np

    cmp = lambda g, r: conformance.compare("y", np.array(g), np.array(r), 1e-3, 1e-7)  # noqa: E731
    assert cmp([1.0, 1000.0], [1.0009, 1000.9]) is None  # within rtol
    assert "max abs err" in cmp([1.0, 1000.0], [1.0011, 1000.0])
    assert "max abs err" in cmp([2e-7], [0.0])  # atol 1e-7
    assert cmp([np.nan, np.inf, -np.inf], [np.nan, np.inf, -np.inf]) is None
    assert "NaN" in cmp([np.nan, 1.0], [1.0, 1.0])
    assert "NaN" in cmp([1.0, 1.0], [np.nan, 1.0])
    assert "max abs err" in cmp([np.inf], [1.0])
    assert "2/3 values differ" in cmp(np.array([1, 2, 3]), np.array([1, 3, 4]))  # ints are exact
    assert cmp(np.array([10**15 + 1]), np.array([10**15 + 1])) is None
    assert "differ" in cmp(np.array([True]), np.array([False]))
    assert "shape" in cmp([1.0, 2.0], [[1.0, 2.0]])


def test_judge_xpass_and_unexpected_failures_fail():
    xfail = {"node/test_a": "unsupported op 'A'", "node/test_b": "x", "node/test_gone": "y",
             "simple/test_s": "z"}
    outcomes = [_outcome("node/test_a", False, "unsupported op 'A'"), _outcome("node/test_b", True),
                _outcome("node/test_c", False, "mismatch"), _outcome("node/test_d", True)]
    v = conformance.judge(outcomes, xfail, ["node"], complete=True)
    assert [o.test.id for o in v.passed] == ["node/test_d"]
    assert [o.test.id for o in v.xfailed] == ["node/test_a"]
    assert [o.test.id for o in v.xpassed] == ["node/test_b"]
    assert [o.test.id for o in v.failed] == ["node/test_c"]
    assert v.stale == ["node/test_gone"] and not v.ok
    assert conformance.judge(outcomes[:1] + outcomes[3:], xfail, ["node"]).ok
    new = conformance.updated_xfail(outcomes, xfail, suites=["node"], complete=True)
    assert new == {"node/test_a": "unsupported op 'A'", "node/test_c": "mismatch", "simple/test_s": "z"}


def test_xfail_file_round_trip(tmp_path):
    path = tmp_path / "xfail.txt"
    conformance.write_xfail({"node/test_b": "two\nlines", "node/test_a": "op 'A' # odd"}, path)
    assert conformance.read_xfail(path) == {"node/test_a": "op 'A' # odd", "node/test_b": "two lines"}
    path.write_text("node/test_a\n")
    with pytest.raises(ValueError, match="reason"):
        conformance.read_xfail(path)


def test_committed_xfail_file_parses():
    entries = conformance.read_xfail()
    assert all(k.split("/")[0] in conformance.SUITES for k in entries)
    # Each suite's entries live in its own file.
    for path in (conformance.XFAIL_FILE, conformance.XFAIL_123_FILE):
        assert all(conformance.xfail_file(k.split("/")[0]) == path for k in conformance.read_xfail(path))


def test_xfail_files_split_by_suite(tmp_path, monkeypatch):
    monkeypatch.setattr(conformance, "XFAIL_FILE", tmp_path / "xfail.txt")
    monkeypatch.setattr(conformance, "XFAIL_123_FILE", tmp_path / "xfail-1.23.txt")
    conformance.write_xfail({"node/test_a": "a", "node-1.23/test_b": "b"})
    assert conformance.read_xfail(tmp_path / "xfail.txt") == {"node/test_a": "a"}
    assert conformance.read_xfail(tmp_path / "xfail-1.23.txt") == {"node-1.23/test_b": "b"}
    assert conformance.read_xfail() == {"node/test_a": "a", "node-1.23/test_b": "b"}


FAKE_COMPILER = r'''#!{python}
"""Stands in for etch-compile on a one-input unary float model: y = $FAKE_EXPR(x)."""
import os, subprocess, sys, time
import onnx
model, out = sys.argv[1], sys.argv[sys.argv.index("-o") + 1]
mode = os.environ["FAKE_MODE"]
if mode == "error":
    print(model + ": error: node 'Foo_0': node 'Foo_0': unsupported op 'Foo'; supported ops: A, B", file=sys.stderr)
    sys.exit(1)
if mode == "hang":
    time.sleep(60)
g = onnx.load(model).graph
dims = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
n = 1
for d in dims:
    n *= d
d = os.path.dirname(out)
open(os.path.join(d, "onnx_test.h"), "w").write("""#include <etch/etch.h>
#define ONNX_TEST_ARENA_SIZE 0
#define ONNX_TEST_ARENA_ALIGN 64
extern const etch_model_t onnx_test_model;
etch_status_t onnx_test_run(const float *x, float *y, void *arena);
""")
body = {"relu": "y[i] = x[i] > 0 ? x[i] : 0;", "wrong": "y[i] = x[i];", "crash": "*(volatile int *)0 = 1;"}[mode]
open(os.path.join(d, "m.c"), "w").write("""#include "onnx_test.h"
static const int64_t s[] = {%s};
static const etch_tensor_desc_t in[] = {{"x", ETCH_F32, %d, s, 0, 0}}, o[] = {{"y", ETCH_F32, %d, s, 0, 0}};
static etch_status_t run(const void *const *ins, void *const *outs, void *arena) {
  const float *x = ins[0]; float *y = outs[0];
  for (long i = 0; i < %d; ++i) { %s }
  return ETCH_OK;
}
const etch_model_t onnx_test_model = {ETCH_ABI_VERSION, "onnx_test", 1, 1, in, o, 0, 64, run, 1};
etch_status_t onnx_test_run(const float *x, float *y, void *arena) {
  const void *i[] = {x}; void *q[] = {y}; return run(i, q, arena);
}
""" % (",".join(map(str, dims)), len(dims), len(dims), n, body))
sys.exit(subprocess.call(["cc", "-c", "-I" + os.environ["FAKE_INCLUDE"], "-I" + d, os.path.join(d, "m.c"), "-o", out]))
'''


@needs_data
@pytest.mark.parametrize("mode, reason", [
    ("relu", ""),
    ("wrong", "output 'y' mismatch: max abs err"),
    ("crash", "runtime crash (SIGSEGV)"),
    ("error", "unsupported op 'Foo'"),
    ("hang", "compile timeout (2s)"),
])
def test_runner_end_to_end_with_a_fake_compiler(tmp_path, monkeypatch, mode, reason):
    """node/test_relu through run_test with a stand-in for etch-compile: a right
    object passes, and a wrong result, a crash, an error and a hang each fail
    with their reason."""
    import sys

    fake = tmp_path / "fake-etch-compile"
    fake.write_text(FAKE_COMPILER.replace("{python}", sys.executable))
    fake.chmod(0o755)
    monkeypatch.setenv("FAKE_MODE", mode)
    monkeypatch.setenv("FAKE_INCLUDE", str(runner.RUNTIME_INCLUDE))
    test = conformance.Test("node", "test_relu")
    objs = conformance.build_harness_objects(tmp_path / "harness")
    outcome = conformance.run_test(test, str(fake), tmp_path / "work", objs, compile_timeout=2)
    assert outcome.passed == (mode == "relu"), outcome
    assert outcome.reason.startswith(reason), outcome.reason
