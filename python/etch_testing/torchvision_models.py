"""MobileNetV2 and ResNet-18 from torchvision (batch 1, 3x224x224) and a 2-layer
torch.nn.TransformerEncoder (d_model 128, 4 heads, sequence 32), random seeded
weights, eval mode, exported to ONNX at opset 13 and 17.

Needs torch/torchvision (Debian's python3-torch/python3-torchvision, visible in
the --system-site-packages venv). Exports are cached: ``export(...)`` writes the
file once, atomically, so parallel pytest workers can share a cache directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import List, Tuple

from .onnx_build import seed_for

ARCHS = ("mobilenet_v2", "resnet18", "transformer_encoder")
OPSETS = (13, 17)
INPUT_SHAPE = (1, 3, 224, 224)


def cases() -> List[Tuple[str, str, int]]:
    """(test name, torchvision architecture, opset) for every exported model."""
    return [(f"{arch}_op{opset}", arch, opset) for arch in ARCHS for opset in OPSETS]


def export(arch: str, opset: int, path: Path) -> Path:
    """Exports ``arch`` at ``opset`` to ``path`` unless it is already there."""
    path = Path(path)
    if path.is_file():
        return path
    import torch
    import torchvision

    name = f"{arch}_op{opset}"
    torch.manual_seed(seed_for(name))
    if arch == "transformer_encoder":
        layer = torch.nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256,
                                                 batch_first=True)
        model = torch.nn.TransformerEncoder(layer, num_layers=2).eval()
        example, names = torch.randn(1, 32, 128), (["x"], ["y"])
    else:
        model = getattr(torchvision.models, arch)(weights=None).eval()
        example, names = torch.randn(*INPUT_SHAPE), (["input"], ["logits"])
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
    try:
        torch.onnx.export(model, example, tmp, opset_version=opset, input_names=names[0],
                          output_names=names[1], do_constant_folding=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def main() -> None:
    import argparse

    p = argparse.ArgumentParser(description="Export the torchvision test models.")
    p.add_argument("out_dir")
    args = p.parse_args()
    for name, arch, opset in cases():
        print(export(arch, opset, Path(args.out_dir) / f"{name}.onnx"))


if __name__ == "__main__":
    main()
