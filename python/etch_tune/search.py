"""The tuning loop: baseline first, then evolutionary search per task
(mutation + crossover of the best measured schedules) ranked by the cost
model with epsilon-greedy exploration; every measurement is appended to the
database as it happens."""

from __future__ import annotations

import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from . import cost_model, features
from .db import Database, schedule_id
from .measure import NOISY_SPREAD, Builder, Measurement, same_outputs
from .space import Space

POOL = 48          # candidates proposed per pick
EPSILON = 0.2      # share of picks made at random
PATIENCE = 12      # trials without a 1% gain before a task stops (converged)
DRIFT_EVERY = 8    # built trials of a task between re-measurements of its baseline
DRIFT = 0.15       # relative baseline change that counts as drift
CONFIRM_ROUNDS = 2 # alternating heuristic/candidate runs a new best must win


@dataclass
class TaskState:
    task: dict
    space: Space
    baseline_us: float = math.inf
    best_us: float = math.inf
    best_schedule: Optional[dict] = None
    trials: int = 0
    since_gain: int = 0
    statuses: Dict[str, int] = field(default_factory=dict)
    curve: List[float] = field(default_factory=list)
    baseline_outputs: Optional[list] = None
    converged: bool = False
    baseline_exe: Optional[object] = None
    best_exe: Optional[object] = None
    # "layer": timed as its extracted layer alone; "model": the whole model
    # with only this workload's schedule changed.
    measure: str = "model"

    @property
    def key(self) -> str:
        return self.task["key"]

    @property
    def label(self) -> str:
        layers = self.task.get("layers") or ["?"]
        return f"{layers[0] or '?'}" + (f" (x{self.task['count']})" if self.task["count"] > 1 else "")


class Tuner:
    def __init__(self, builder: Builder, db: Database, args, log):
        self.builder = builder
        self.db = db
        self.args = args
        self.log = log
        self.rng = random.Random(args.seed)
        self.model = cost_model.CostModel(args.seed)
        self.deadline = time.monotonic() + args.time_budget if args.time_budget else None
        self.counter = 0
        # Every workload of the model (cli.py sets it; --tasks may tune fewer).
        self.all_tasks: List[dict] = []
        # On a terminal: a callable that redraws one progress line (cli.py);
        # otherwise None and every trial is a plain line.
        self.progress = None

    # -- helpers ------------------------------------------------------------
    def _record(self, st: TaskState, schedule: dict, m: Measurement, remeasure: bool = False) -> None:
        runner = self.builder.runner
        self.db.append({
            "key": st.key, "layer": (st.task.get("layers") or [""])[0], "schedule": schedule,
            "status": m.status, "median_us": round(m.median_us, 3), "runs": len(m.times_us),
            "cv": round(m.cv, 4), "spread": round(m.spread, 4), "target": self.args.target, "cpu": self.args.mcpu,
            "features": "", "runner": runner.name, "timing_valid": runner.timing_valid,
            "etch_version": self.args.etch_version, "seed": self.args.seed,
            "message": m.message[:300], "measure": st.measure,
            **({"remeasure": True} if remeasure else {}),
            **({"device": m.device} if m.device else {}),
        })
        st.statuses[m.status] = st.statuses.get(m.status, 0) + 1

    def _schedules_with(self, st: TaskState, schedule: dict) -> Dict[str, dict]:
        # Other workloads stay on their heuristic schedules while one is
        # tuned, so the model's time changes only with this candidate.
        # (--tasks: the workloads not tuned are in the model too.)
        out = {t["key"]: t["schedule"] for t in self.all_tasks or [s.task for s in self.states]}
        out[st.key] = schedule
        return out

    def _measure(self, exe, baseline_us: float) -> Measurement:
        a = self.args
        # 20x the baseline's time (samples last >= 200 us each), never
        # under 10 s: a candidate that hangs is a timeout, not a stall.
        sample_s = max(20 * baseline_us, 4000) / 1e6
        timeout = max(10.0, sample_s * (a.repeats + a.warmup + 1) + 3 * a.min_time_us / 1e6 + 5) \
            if math.isfinite(baseline_us) else 120.0
        m = self.builder.run(exe, a.warmup, a.repeats, a.min_time_us, timeout)
        if m.status == "ok" and m.spread > NOISY_SPREAD:
            # Noisy: measure again and keep the steadier run.
            again = self.builder.run(exe, a.warmup, a.repeats, a.min_time_us, timeout)
            if again.status == "ok" and again.spread < m.spread:
                m = again
        return m

    def _confirm(self, st: TaskState, exe, m: Measurement) -> Measurement:
        """A new best may be a quiet moment on a loaded machine (the search
        keeps the minimum over many noisy candidates): it is timed against
        the heuristic in alternating runs and kept only if it wins every
        round; otherwise its record gets its time in the round it lost,
        scaled to the baseline's, so it never ranks above the heuristic."""
        for _ in range(CONFIRM_ROUNDS):
            a = self._measure(st.baseline_exe, st.baseline_us)
            b = self._measure(exe, st.baseline_us)
            if a.status != "ok" or b.status != "ok" or a.median_us <= 0:
                return m
            if b.median_us >= a.median_us:
                scale = st.baseline_us / a.median_us
                return Measurement("ok", [t * scale for t in b.times_us],
                                   "not faster than the heuristic in alternating runs",
                                   outputs=m.outputs, device=m.device)
        return m

    # -- phases -------------------------------------------------------------
    def baseline(self, st: TaskState) -> bool:
        sid = schedule_id(st.task["schedule"])
        self.counter += 1
        exe, status, message = self.builder.build(self._schedules_with(st, st.task["schedule"]),
                                                  f"c{self.counter}", key=st.key)
        if exe is None:
            self.log(f"{st.label}: the heuristic schedule does not build ({message}); task skipped")
            return False
        m = self._measure(exe, math.inf)
        if m.status != "ok":
            self.log(f"{st.label}: the heuristic schedule does not run ({m.status}: {m.message}); task skipped")
            return False
        st.baseline_outputs = m.outputs
        st.baseline_exe = exe
        previous = self.db.measured(st.key, st.measure).get(sid)
        if previous is None or previous.get("status") != "ok" or not self.args.resume:
            self._record(st, st.task["schedule"], m)
        st.baseline_us = m.median_us
        self._absorb_db(st)
        if st.best_us > st.baseline_us or st.best_schedule is None:
            st.best_us, st.best_schedule = st.baseline_us, st.task["schedule"]
            st.best_exe = exe
        st.curve.append(st.best_us)
        return True

    def _absorb_db(self, st: TaskState) -> None:
        """With --resume: what earlier runs measured counts (trials, best,
        cost-model samples) and is never measured again."""
        for r in self.db.for_key(st.key, st.measure):
            if schedule_id(r.get("schedule", {})) == schedule_id(st.task["schedule"]) or r.get("remeasure"):
                continue
            st.trials += 1
            st.statuses[r.get("status", "?")] = st.statuses.get(r.get("status", "?"), 0) + 1
            if r.get("status") == "ok" and r.get("median_us", 0) > 0 and r.get("timing_valid", True):
                self.model.add(features.extract(st.space, r["schedule"]), r["median_us"], st.baseline_us)
                if r["median_us"] < st.best_us:
                    st.best_us, st.best_schedule = r["median_us"], r["schedule"]

    def _propose(self, st: TaskState, n: int) -> List[dict]:
        measured = self.db.measured(st.key, st.measure)
        seen = set(measured)
        ok = sorted((r for r in measured.values() if r.get("status") == "ok"),
                    key=lambda r: r["median_us"])
        parents = [r["schedule"] for r in ok[:4]] or [st.task["schedule"]]
        pool: Dict[str, dict] = {}
        for _ in range(POOL * 8):
            if len(pool) >= POOL:
                break
            if len(parents) >= 2 and self.rng.random() < 0.3:
                a, b = self.rng.sample(parents, 2)
                cand = st.space.mutate(st.space.crossover(a, b, self.rng), self.rng)
            else:
                cand = st.space.mutate(self.rng.choice(parents), self.rng)
            sid = schedule_id(cand)
            if sid not in seen and sid not in pool and st.space.plausible(cand):
                pool[sid] = cand
        cands = list(pool.values())
        if not cands:
            return []
        self.model.fit()
        preds = self.model.predict([features.extract(st.space, c) for c in cands])
        picks: List[dict] = []
        order = sorted(range(len(cands)), key=lambda i: preds[i]) if preds else []
        for _ in range(min(n, len(cands))):
            if preds is None or self.rng.random() < EPSILON:
                rest = [c for c in cands if c not in picks]
                picks.append(self.rng.choice(rest))
            else:
                picks.append(next(cands[i] for i in order if cands[i] not in picks))
        return picks

    def step(self, st: TaskState) -> None:
        slots = self.builder.runner.slots()
        cands = self._propose(st, max(1, min(max(self.args.jobs, slots), self.args.trials - st.trials)))
        if not cands:
            st.converged = True
            return
        tags = []
        for _ in cands:
            self.counter += 1
            tags.append(f"c{self.counter}")

        def build(i):
            schedules = self._schedules_with(st, cands[i])
            error = self.builder.verify(schedules, tags[i], key=st.key)
            if error is not None:
                return None, "invalid", error
            return self.builder.build(schedules, tags[i], key=st.key)

        with ThreadPoolExecutor(max_workers=max(1, self.args.jobs)) as pool:
            built = list(pool.map(build, range(len(cands))))

        def measure(i):
            exe, status, message = built[i]
            if exe is None:
                return Measurement(status, message=message)
            m = self._measure(exe, st.baseline_us)
            if m.status == "ok" and not same_outputs(m.outputs, st.baseline_outputs):
                m = Measurement("wrong_result", m.times_us, "outputs differ from the baseline's")
            elif (m.status == "ok" and self.builder.runner.timing_valid and st.baseline_exe is not None
                  and m.median_us < st.best_us * 0.99):
                m = self._confirm(st, exe, m)
            return m

        # One measurement per device at a time: a single runner measures the
        # candidates in turn, a farm (the Ray runner) all at once.
        with ThreadPoolExecutor(max_workers=max(1, slots)) as pool:
            measured = list(pool.map(measure, range(len(cands))))
        for cand, (exe, _, _), m in zip(cands, built, measured):
            self._record(st, cand, m)
            if m.status == "invalid":
                continue  # never built: not a trial
            st.trials += 1
            gain = False
            if m.status == "ok" and self.builder.runner.timing_valid:
                self.model.add(features.extract(st.space, cand), m.median_us, st.baseline_us)
                if m.median_us < st.best_us * 0.99:
                    gain = True
                if m.median_us < st.best_us:
                    st.best_us, st.best_schedule, st.best_exe = m.median_us, cand, exe
            st.since_gain = 0 if gain else st.since_gain + 1
            st.curve.append(st.best_us)
            shown = f"{m.median_us:.1f} us (iqr/median {m.spread:.3f})" if m.status == "ok" else m.status
            if self.progress:
                self.progress(self._bar())
            else:
                self.log(f"[{st.label}] trial {st.trials}/{self.args.trials}: {shown}; "
                         f"best {st.best_us:.1f} us, {st.baseline_us / st.best_us:.2f}x over heuristic"
                         f"{self._eta()}")
        if st.since_gain >= PATIENCE:
            st.converged = True
        if self.builder.runner.timing_valid and st.trials and st.trials % DRIFT_EVERY < len(cands):
            self.check_drift(st)

    def _bar(self, width: int = 24) -> str:
        """One terminal line: trials done over the budget (or the time
        budget), the ETA and each task's best speedup so far."""
        done = sum(s.trials for s in self.live)
        if self.args.trials < 1 << 30:
            total = sum(max(s.trials, self.args.trials) if not s.converged else s.trials
                        for s in self.live)
            frac = done / total if total else 1.0
            count = f"{done}/{total} trials"
        else:
            spent = time.monotonic() - self.started
            frac = min(1.0, spent / self.args.time_budget) if self.args.time_budget else 0.0
            count = f"{done} trials"
        fill = int(round(frac * width))
        best = ", ".join(f"{s.label} {s.baseline_us / s.best_us:.2f}x" for s in self.live
                         if s.best_us > 0)
        return f"[{'#' * fill}{'.' * (width - fill)}] {count}{self._eta()}; best: {best}"

    def _eta(self) -> str:
        """Upper bound on the time left: the average trial so far times the
        trials left to open tasks (or the time budget, if sooner)."""
        done = sum(s.trials for s in self.live) - self.resumed_trials
        left = sum(max(0, self.args.trials - s.trials) for s in self.live if not s.converged)
        if done <= 0 or left <= 0 or self.args.trials >= 1 << 30:
            remaining = (self.deadline - time.monotonic()) if self.deadline else None
            return f", budget left {int(remaining)} s" if remaining else ""
        eta = (time.monotonic() - self.started) / done * left
        if self.deadline:
            eta = min(eta, self.deadline - time.monotonic())
        return f", ETA {int(eta) // 60}m{int(eta) % 60:02d}s"

    def check_drift(self, st: TaskState) -> None:
        """Re-measures the baseline; if the machine's speed moved beyond
        DRIFT, re-measures the best too, so the ranking never mixes slow and
        fast periods silently."""
        m = self._measure(st.baseline_exe, st.baseline_us)
        if m.status != "ok" or abs(m.median_us - st.baseline_us) <= DRIFT * st.baseline_us:
            return
        self.log(f"[{st.label}] drift: baseline now {m.median_us:.1f} us (was {st.baseline_us:.1f}); "
                 "re-measuring the best")
        self._record(st, st.task["schedule"], m, remeasure=True)
        st.baseline_us = m.median_us
        if st.best_exe is not None and st.best_exe != st.baseline_exe:
            b = self._measure(st.best_exe, st.baseline_us)
            if b.status == "ok":
                self._record(st, st.best_schedule, b, remeasure=True)
                st.best_us = b.median_us
                if st.best_us > st.baseline_us:
                    # Measured in the same period, the heuristic wins again.
                    st.best_us, st.best_schedule = st.baseline_us, st.task["schedule"]
                    st.best_exe = st.baseline_exe
        elif st.best_exe == st.baseline_exe:
            st.best_us = st.baseline_us

    def extract_layers(self) -> None:
        """--measure=layer: each task's layer cut out of the model once; a
        task whose layer cannot be extracted is timed as the whole model."""
        def extract(st):
            return st, self.builder.extract_layer(st.key)

        with ThreadPoolExecutor(max_workers=max(1, self.args.jobs)) as pool:
            for st, error in pool.map(extract, self.states):
                if error is None:
                    st.measure = "layer"
                else:
                    self.log(f"{st.label}: its layer could not be extracted ({error}); "
                             "timed as the whole model")

    def run(self, tasks: List[dict], lanes: int) -> List[TaskState]:
        self.states = [TaskState(t, Space(t, lanes)) for t in tasks]
        if getattr(self.args, "measure", "model") == "layer":
            self.extract_layers()
        live = [st for st in self.states if self.baseline(st)]
        self.live = live
        self.started = time.monotonic()
        self.resumed_trials = sum(s.trials for s in live)
        for st in live:
            self.log(f"[{st.label}] baseline (heuristic) {st.baseline_us:.1f} us; "
                     f"{st.trials} earlier trial(s) in the database")
        while True:
            if self.deadline and time.monotonic() > self.deadline:
                self.log("time budget spent")
                break
            open_ = [st for st in live if st.trials < self.args.trials and not st.converged]
            if not open_:
                break
            # Most expected gain first: weight by how often the workload
            # occurs (times its layer's time, when tasks are timed as
            # layers), prefer tasks that improved recently.
            layers = all(s.measure == "layer" for s in live)
            st = max(open_, key=lambda s: (s.task["count"] * (s.baseline_us if layers else 1)
                                           / (1 + s.since_gain), -s.trials))
            self.step(st)
        return live
