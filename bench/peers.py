"""The engines etch is compared with, each timed in this process.

Every peer gets the same input arrays as etch and a thread count; the caller
pins the process (os.sched_setaffinity) before creating the session, so the
peer's threads inherit the CPU set. A peer that is not installed reports why
instead of a time.
"""
from __future__ import annotations

import time
from typing import Dict, List, Optional

import numpy as np


def _median_ms(fn, warmup: int, runs: int) -> Dict[str, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return {"median_ms": times[len(times) // 2], "min_ms": times[0]}


class OnnxRuntime:
    name = "onnxruntime"

    def __init__(self, model_path: str, feeds: Dict[str, np.ndarray], threads: int):
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sess = ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])
        names = {i.name for i in self.sess.get_inputs()}
        self.feeds = {k: v for k, v in feeds.items() if k in names}
        self.version = ort.__version__

    def outputs(self) -> List[np.ndarray]:
        return self.sess.run(None, self.feeds)

    def time(self, warmup: int, runs: int) -> Dict[str, float]:
        return _median_ms(lambda: self.sess.run(None, self.feeds), warmup, runs)


class OpenVINO:
    """OpenVINO's CPU plugin, f32 inference precision forced (it defaults to
    bf16 on CPUs with AMX/AVX512-BF16), latency hint, one stream."""
    name = "openvino"

    def __init__(self, model_path: str, feeds: Dict[str, np.ndarray], threads: int):
        import openvino as ov
        core = ov.Core()
        model = core.read_model(model_path)
        shapes = {}
        for port in model.inputs:
            name = port.get_any_name()
            if name in feeds:
                shapes[port] = ov.PartialShape(list(feeds[name].shape))
        model.reshape(shapes)
        config = {"INFERENCE_PRECISION_HINT": "f32", "INFERENCE_NUM_THREADS": threads,
                  "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1}
        self.compiled = core.compile_model(model, "CPU", config)
        self.request = self.compiled.create_infer_request()
        self.feeds = {p.get_any_name(): feeds[p.get_any_name()] for p in self.compiled.inputs
                      if p.get_any_name() in feeds}
        self.version = ov.__version__
        precision = self.compiled.get_property("INFERENCE_PRECISION_HINT")
        if str(precision).lower() not in ("f32", "<type: 'float32'>", "float32"):
            raise RuntimeError(f"OpenVINO kept inference precision {precision}, not f32")

    def time(self, warmup: int, runs: int) -> Dict[str, float]:
        return _median_ms(lambda: self.request.infer(self.feeds), warmup, runs)


def litert_unavailable_reason() -> Optional[str]:
    """LiteRT runs .tflite files only; converting ONNX needs TensorFlow
    (onnx2tf) or torch 2 (ai-edge-torch), neither of which fits beside
    Debian's torch 1.13 / numpy 1.x here."""
    try:
        import ai_edge_litert  # noqa: F401
    except ImportError:
        return "not installed (needs .tflite models: no ONNX->TFLite converter in the bench venv)"
    return "installed, but no ONNX->TFLite converter in the bench venv"


PEERS = (OnnxRuntime, OpenVINO)
