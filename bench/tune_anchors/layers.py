"""The five conv/matmul layers of ResNet-18 and MobileNetV2 that issue 11
compares etch-tune with TVM MetaSchedule and Halide's autoschedulers on.
Batch 1, fp32, NCHW (etch's layout for these models), each with the
epilogue the model fuses into it (bias, then ReLU or ReLU6).

`node` is the ONNX node name in bench/suite.py's torchvision exports, which
is how the etch side (bench/tune_gains.py's JSON) is matched."""

LAYERS = [
    # name, model, ONNX node, kind, shape dict, epilogue
    dict(name="r18_l1_conv3x3", model="resnet18", node="/layer1/layer1.0/conv1/Conv", kind="conv",
         C=64, H=56, W=56, F=64, K=3, stride=1, pad=1, epilogue="relu"),
    dict(name="r18_l4_conv3x3", model="resnet18", node="/layer4/layer4.1/conv1/Conv", kind="conv",
         C=512, H=7, W=7, F=512, K=3, stride=1, pad=1, epilogue="relu"),
    dict(name="mnv2_expand1x1", model="mobilenet_v2", node="/features/features.2/conv/conv.0/conv.0.0/Conv",
         kind="conv", C=16, H=112, W=112, F=96, K=1, stride=1, pad=0, epilogue="relu6"),
    dict(name="mnv2_dw3x3", model="mobilenet_v2", node="/features/features.3/conv/conv.1/conv.1.0/Conv",
         kind="depthwise", C=144, H=56, W=56, F=144, K=3, stride=1, pad=1, epilogue="relu6"),
    dict(name="mnv2_classifier", model="mobilenet_v2", node="/classifier/classifier.1/Gemm", kind="matmul",
         M=1, K=1280, N=1000, epilogue="bias"),
]


def flops(layer: dict) -> int:
    """Multiply-adds x 2 (the epilogue is not counted)."""
    if layer["kind"] == "matmul":
        return 2 * layer["M"] * layer["K"] * layer["N"]
    oh = (layer["H"] + 2 * layer["pad"] - layer["K"]) // layer["stride"] + 1
    ow = (layer["W"] + 2 * layer["pad"] - layer["K"]) // layer["stride"] + 1
    per_out = layer["K"] * layer["K"] * (1 if layer["kind"] == "depthwise" else layer["C"])
    return 2 * layer["F"] * oh * ow * per_out
