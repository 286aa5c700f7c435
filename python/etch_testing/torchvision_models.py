"""torchvision models (batch 1, 3x224x224 unless INPUT_SIZES says otherwise) and
a 2-layer torch.nn.TransformerEncoder (d_model 128, 4 heads, sequence 32),
random seeded weights, eval mode, exported to ONNX at opset 13 and 17: the
e2e networks (ARCHS) and the model zoo (ZOO, run by scripts/model_zoo.py; the
ZOO_CI third also by test/e2e/test_models.py). Opsets 18 and 21 (UPGRADE_OPSETS)
are the opset-17 export converted by ONNX 1.23's version converter
(opset_upgrade.py), as a user upgrades an old model; ZOO_UPGRADE_CI is the
third of them CI runs.

Needs torch/torchvision (Debian's python3-torch/python3-torchvision, visible in
the --system-site-packages venv). Exports are cached: ``export(...)`` writes the
file once, atomically, so parallel pytest workers can share a cache directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import List, Tuple

from . import opset_upgrade
from .onnx_build import seed_for

ARCHS = ("mobilenet_v2", "resnet18", "transformer_encoder")
OPSETS = (13, 17)
INPUT_SHAPE = (1, 3, 224, 224)

# The model zoo (issue "ONNX coverage"): every torchvision classification model
# with at most 30 M parameters (torchvision 0.14, Debian's python3-torchvision),
# plus LR-ASPP segmentation, the SSDlite detector without its dynamic
# post-processing, and the TransformerEncoder above.
ZOO_CLASSIFIERS = (
    "convnext_tiny", "densenet121", "densenet161", "densenet169", "densenet201",
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
    "efficientnet_v2_s", "googlenet", "inception_v3",
    "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
    "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
    "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf",
    "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf",
    "resnet18", "resnet34", "resnet50", "resnext50_32x4d",
    "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "squeezenet1_0", "squeezenet1_1", "swin_t", "swin_v2_t",
)
ZOO_EXTRAS = ("lraspp_mobilenet_v3_large", "ssdlite320_mobilenet_v3_large", "transformer_encoder")
ZOO = ZOO_CLASSIFIERS + ZOO_EXTRAS
# Input sizes other than 3x224x224.
INPUT_SIZES = {"inception_v3": 299, "ssdlite320_mobilenet_v3_large": 320}
# The third of the zoo that CI runs (test_models.py); scripts/model_zoo.py runs all.
ZOO_CI = ("mobilenet_v3_small", "squeezenet1_1", "shufflenet_v2_x0_5", "mnasnet0_5", "efficientnet_b0",
          "regnet_y_400mf", "densenet121", "googlenet", "resnet18", "mobilenet_v2",
          "lraspp_mobilenet_v3_large", "ssdlite320_mobilenet_v3_large", "transformer_encoder")

# Opsets Debian's torch 1.13 cannot export: export() makes them from the opset-17
# export with ONNX 1.23's version_converter.
EXPORT_OPSET_MAX = 17
UPGRADE_OPSETS = (18, 21)
# The third of the upgraded zoo CI runs (test_models.py::test_upgraded_zoo): ZOO_CI
# without densenet121 (30 s a model, nothing in it changed after opset 17) and with
# squeezenet1_0. Split (shufflenet), Resize (LR-ASPP), Pad, Reshape, Cast,
# Transpose, Squeeze/Unsqueeze, LayerNormalization and Softmax all get new op
# versions in 18-21 and appear in these models.
ZOO_UPGRADE_CI = tuple(a for a in ZOO_CI if a != "densenet121") + ("squeezenet1_0",)


def zoo_cases(archs=ZOO, opsets=OPSETS) -> List[Tuple[str, str, int]]:
    """(test name, architecture, opset) for every zoo model and opset."""
    return [(f"{arch}_op{opset}", arch, opset) for arch in archs for opset in opsets]


def cases() -> List[Tuple[str, str, int]]:
    """(test name, torchvision architecture, opset) for every exported model."""
    return [(f"{arch}_op{opset}", arch, opset) for arch in ARCHS for opset in OPSETS]


def export(arch: str, opset: int, path: Path) -> Path:
    """Exports ``arch`` at ``opset`` to ``path`` unless it is already there.
    Above EXPORT_OPSET_MAX the opset-17 export (kept beside ``path``) is
    converted (opset_upgrade.upgrade; raises opset_upgrade.ConverterError if
    ONNX's converter fails)."""
    path = Path(path)
    if path.is_file():
        return path
    if opset > EXPORT_OPSET_MAX:
        base = export(arch, EXPORT_OPSET_MAX, path.parent / f"{arch}_op{EXPORT_OPSET_MAX}.onnx")
        return opset_upgrade.upgrade(base, path, opset)
    import torch
    import torchvision

    name = f"{arch}_op{opset}"
    torch.manual_seed(seed_for(name))
    size = INPUT_SIZES.get(arch, INPUT_SHAPE[-1])
    if arch == "transformer_encoder":
        layer = torch.nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256,
                                                 batch_first=True)
        model = torch.nn.TransformerEncoder(layer, num_layers=2).eval()
        example, names = torch.randn(1, 32, 128), (["x"], ["y"])
    elif arch == "lraspp_mobilenet_v3_large":
        net = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)
        model = _dict_output(net, "out").eval()
        example, names = torch.randn(1, 3, size, size), (["input"], ["out"])
    elif arch == "ssdlite320_mobilenet_v3_large":
        net = torchvision.models.detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None)
        model = _ssd_backbone_head(net).eval()
        example, names = torch.randn(1, 3, size, size), (["input"], ["bbox_regression", "cls_logits"])
    else:
        model = getattr(torchvision.models, arch)(weights=None).eval()
        example, names = torch.randn(1, 3, size, size), (["input"], ["logits"])
    # Fresh BatchNorm layers are identities; randomize them so the (exporter-
    # folded) conv weights are not just the init distribution.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)
    _register_missing_symbolics(opset)
    try:
        torch.onnx.export(model, example, tmp, opset_version=opset, input_names=names[0],
                          output_names=names[1], do_constant_folding=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _register_missing_symbolics(opset: int) -> None:
    """ONNX symbolics Debian's torch 1.13 exporter lacks: ``aten::zero`` (the
    traced form of ``Tensor.zero_()``, which Swin-V2 applies to the K part of
    its qkv bias) is a ``zeros_like``."""
    import torch
    from torch.onnx import symbolic_opset9

    def zero(g, self):
        return symbolic_opset9.zeros_like(g, self)

    torch.onnx.register_custom_op_symbolic("aten::zero", zero, opset)


def _dict_output(net, key: str):
    """A segmentation model returning {key: tensor} -> one returning the tensor."""
    import torch

    class DictOutput(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = net

        def forward(self, x):
            return self.net(x)[key]

    return DictOutput()


def _ssd_backbone_head(net):
    """SSDlite's backbone and head: box regressions and class logits for every
    anchor, before the (data-dependent) box decoding and NMS."""
    import torch

    class BackboneHead(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone, self.head = net.backbone, net.head

        def forward(self, x):
            out = self.head(list(self.backbone(x).values()))
            return out["bbox_regression"], out["cls_logits"]

    return BackboneHead()


def main() -> None:
    import argparse

    p = argparse.ArgumentParser(description="Export the torchvision test models.")
    p.add_argument("out_dir")
    args = p.parse_args()
    for name, arch, opset in cases():
        print(export(arch, opset, Path(args.out_dir) / f"{name}.onnx"))


if __name__ == "__main__":
    main()
