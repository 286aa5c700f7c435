"""etch-tune's search pieces without a compiler: mutations stay inside what
the schedule verifiers accept for the loop kinds (so few candidates are
wasted), features respond to what they describe, and the cost model
(xgboost, from .venv-tune) learns a ranking. Runs in well under a second."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

from etch_tune import features  # noqa: E402
from etch_tune.space import Space  # noqa: E402

MATMUL = {"key": "w1-m", "count": 1, "loops": [64, 96, 128],
          "iterators": ["parallel", "parallel", "reduction"],
          "schedule": {"kind": "matmul", "tile": [[0, 0, 0], [4, 16, 0], [0, 0, 8]],
                       "vector": [4, 16, 8], "parallel": [0, 1]}}
CONV = {"key": "w1-c", "count": 2, "loops": [1, 32, 28, 28, 32, 3, 3],
        "iterators": ["parallel"] * 4 + ["reduction"] * 3,
        "schedule": {"kind": "conv", "tile": [[0, 0, 1, 0, 0, 0, 0], [0, 8, 0, 14, 0, 0, 0],
                                               [0, 0, 0, 0, 8, 1, 1]],
                     "vector": [1, 8, 1, 14, 8, 1, 1], "parallel": [0, 1, 2, 3]}}


@pytest.mark.parametrize("task", [MATMUL, CONV], ids=["matmul", "conv"])
def test_mutations_respect_the_loop_kinds(task):
    space = Space(task, lanes=8)
    rng = random.Random(0)
    s = task["schedule"]
    seen = set()
    for _ in range(300):
        s = space.mutate(s, rng) if rng.random() < 0.8 else space.crossover(s, task["schedule"], rng)
        tiles = s["tile"]
        assert len(tiles) == 3 and all(len(level) == space.n for level in tiles)
        for i, red in enumerate(space.reduction):
            # verifyScheduleForOp: levels 0/1 tile parallel loops, level 2 reductions.
            if red:
                assert tiles[0][i] == 0 and tiles[1][i] == 0
            else:
                assert tiles[2][i] == 0
            # ScheduleAttr::verify: vector sizes cover the innermost tile.
            inner = max(tiles[1][i], tiles[2][i])
            assert s["vector"][i] >= inner
        if s.get("interchange"):
            assert sorted(s["interchange"]) == list(range(space.n))
        seen.add(str(s))
    assert len(seen) > 50  # the space is explored, not stuck


def test_features_follow_the_schedule():
    space = Space(MATMUL, lanes=8)
    base = MATMUL["schedule"]
    narrow = dict(base, tile=[[0, 0, 0], [4, 4, 0], [0, 0, 8]], vector=[4, 4, 8])
    f_base, f_narrow = features.extract(space, base), features.extract(space, narrow)
    lane = features.NAMES.index("lane_util")
    assert f_base[lane] == 1.0 and f_narrow[lane] == 0.5
    big = dict(base, tile=[[64, 96, 0], [4, 16, 0], [0, 0, 8]])
    small = dict(base, tile=[[8, 16, 0], [4, 16, 0], [0, 0, 8]])
    par = features.NAMES.index("log_parallel_extent")
    assert features.extract(space, small)[par] > features.extract(space, big)[par]
    waste = features.NAMES.index("padding_waste")
    ragged = dict(base, tile=[[0, 0, 0], [5, 16, 0], [0, 0, 8]], vector=[5, 16, 8])
    assert features.extract(space, ragged)[waste] > f_base[waste] == 0.0
    assert len(f_base) == len(features.NAMES)


def test_cost_model_learns_a_ranking():
    tune_python = REPO / ".venv-tune" / "bin" / "python"
    if not tune_python.exists():
        pytest.skip(".venv-tune (scripts/setup.sh) not present")
    code = """
import json, random, sys
from etch_tune import cost_model, features
from etch_tune.space import Space
MATMUL = json.loads(sys.argv[1])
space = Space(MATMUL, lanes=8)
rng = random.Random(1)
model = cost_model.CostModel(seed=1)
assert cost_model.available()
lane = features.NAMES.index("lane_util")
cands, s = [], MATMUL["schedule"]
for _ in range(60):
    s = space.mutate(s, rng)
    cands.append(s)
def true_time(c):  # faster with full lanes and bigger register tiles
    f = features.extract(space, c)
    return 100.0 / (0.1 + f[lane]) / (1 + f[features.NAMES.index("log_reg_elems")])
for c in cands[:40]:
    model.add(features.extract(space, c), true_time(c), 100.0)
assert model.fit()
held = cands[40:]
pred = model.predict([features.extract(space, c) for c in held])
best_pred = min(range(len(held)), key=lambda i: pred[i])
times = sorted(true_time(c) for c in held)
assert true_time(held[best_pred]) <= times[len(times) // 4], (true_time(held[best_pred]), times)
print("ok")
"""
    proc = subprocess.run([str(tune_python), "-c", code, json.dumps(MATMUL)], capture_output=True,
                          text=True, env={"PYTHONPATH": str(REPO / "python")})
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stdout + proc.stderr
