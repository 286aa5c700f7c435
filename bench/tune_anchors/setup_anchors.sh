#!/bin/sh
# The peers of bench/tune_anchors (not CI): TVM MetaSchedule from PyPI in its
# own venv (apache-tvm 0.27 brings numpy 2, which Debian's torch in .venv
# cannot take; xgboost-cpu for its cost model, without the CUDA wheels
# plain xgboost pulls), and Debian's Halide 14 with its autoschedulers
# (kept out of etch's CMake project: it pulls LLVM 14).
set -eu
venv="${TVM_VENV:-/work/venvs/tvm}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# apache-tvm-ffi 0.1.15 segfaults in ToJSONGraph when MetaSchedule builds a
# TuneContext; cloudpickle and psutil are undeclared needs of its worker pools.
"$venv/bin/pip" install --quiet "apache-tvm==0.27.0.post1" "apache-tvm-ffi==0.1.14.post1" \
  cloudpickle psutil xgboost-cpu
apt-get install -y --no-install-recommends libhalide14-0-dev
