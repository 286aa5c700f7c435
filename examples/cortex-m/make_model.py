"""Writes kws.onnx, the DS-CNN keyword-spotting network this example runs
(python/etch_testing/mcu_models.py builds it, seeded, so the file is the same
on every machine):

    PYTHONPATH=python python3 examples/cortex-m/make_model.py
"""
import sys
from pathlib import Path

import onnx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python"))

from etch_testing.mcu_models import ds_cnn_kws  # noqa: E402

if __name__ == "__main__":
    _, model = ds_cnn_kws()
    onnx.save(model, str(HERE / "kws.onnx"))
    print(HERE / "kws.onnx")
