"""etch-tune: autotunes the #etch.schedule of each workload of a model.

The tuner sits outside the compiler (DESIGN.md): etch-compile lists the
workloads (--compile-to=schedule --emit-tuning-tasks), takes candidate
schedules through a tuning database (--tuning-db, verified there by the
attribute verifier and verifyScheduleForOp), and the tuner measures the
objects it builds on a runner. Components: db (JSONL), space (mutations),
features + cost_model (xgboost), runners, measure, search, cli.
"""

FORMAT_VERSION = 1
