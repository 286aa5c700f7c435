#!/usr/bin/env bash
# Makes the benchmark venv (not used by CI): the peers and plotting on top of
# Debian's torch/torchvision/onnx/numpy 1.x, kept apart from .venv so the test
# environment never changes.
#   bash bench/setup_bench.sh            # -> $ETCH_BENCH_VENV or <repo>/.venv-bench
# Then: .venv-bench/bin/python bench/run_bench.py
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ETCH_BENCH_VENV:-$ROOT/.venv-bench}"
if [[ ! -x "$VENV/bin/python" ]]; then
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
# Debian's torch 1.13 needs numpy 1.x: never let a peer upgrade it.
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
/usr/bin/python3 -c 'import numpy; print("numpy==" + numpy.__version__)' >"$CONSTRAINTS"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -c "$CONSTRAINTS" \
  -r "$ROOT/bench/requirements-bench.txt"
"$VENV/bin/python" -c "import onnxruntime, openvino, matplotlib, torch, torchvision"
echo "bench venv ready: $VENV"
