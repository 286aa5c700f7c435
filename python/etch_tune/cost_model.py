"""Cost model: gradient-boosted trees (xgboost) trained online on this run's
measurements, predicting log(time / task baseline) from features.extract.
Without xgboost installed (scripts/setup.sh puts it in .venv-tune) the
search still runs, choosing candidates at random, and says so."""

from __future__ import annotations

import math
from typing import List, Optional

try:
    import numpy as np
    import xgboost as xgb
except ImportError:  # pragma: no cover - depends on the environment
    np = None
    xgb = None

MIN_SAMPLES = 4


def available() -> bool:
    return xgb is not None


class CostModel:
    def __init__(self, seed: int = 0):
        self.seed = seed
        self.xs: List[List[float]] = []
        self.ys: List[float] = []
        self.model = None

    def add(self, features: List[float], time_us: float, baseline_us: float) -> None:
        self.xs.append(features)
        self.ys.append(math.log(time_us / baseline_us))

    def fit(self) -> bool:
        if xgb is None or len(self.xs) < MIN_SAMPLES:
            self.model = None
            return False
        data = xgb.DMatrix(np.asarray(self.xs, dtype=np.float64),
                           label=np.asarray(self.ys, dtype=np.float64))
        params = {"objective": "reg:squarederror", "max_depth": 4, "eta": 0.2,
                  "subsample": 0.9, "seed": self.seed, "nthread": 1, "verbosity": 0}
        self.model = xgb.train(params, data, num_boost_round=60)
        return True

    def predict(self, features: List[List[float]]) -> Optional[List[float]]:
        if self.model is None or not features:
            return None
        data = xgb.DMatrix(np.asarray(features, dtype=np.float64))
        return [float(v) for v in self.model.predict(data)]
