#!/bin/sh
# Installs what ONNX Runtime's quantization tools need beyond .venv (a newer
# onnx Python package, ml_dtypes) into build/quant-env, kept apart from the
# Debian onnx 1.12 the rest of the harness uses. test/e2e/test_quant.py's
# ORT-quantized cases run etch_testing.ort_quantize with it on PYTHONPATH.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m pip install --quiet --disable-pip-version-check --target "${QUANT_ENV:-build/quant-env}" --no-deps \
  'onnx==1.23.2' 'ml_dtypes>=0.5,<0.6' 'typing_extensions>=4.7' 'onnx-ir>=0.1,<0.3'
