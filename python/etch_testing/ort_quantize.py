"""Quantizes an fp32 ONNX model with ONNX Runtime's quantize_static:
per-channel symmetric int8 weights, uint8 activations, MinMax calibration on
seeded random normal inputs; QDQ or QOperator format.

ONNX Runtime's quantization tools need a newer `onnx` Python package (and
`ml_dtypes`) than the Debian onnx 1.12 that the rest of the harness uses, so
this runs as its own process with those packages on PYTHONPATH
(scripts/setup_quant_env.sh installs them into build/quant-env):

    PYTHONPATH=build/quant-env python -m etch_testing.ort_quantize in.onnx out.onnx --format QDQ
"""

from __future__ import annotations

import argparse
import sys

import numpy as np


def quantize(src: str, dst: str, fmt: str, samples: int = 8, seed: int = 0, preprocess: bool = False) -> None:
    import onnx
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    if preprocess:
        # ONNX Runtime's recommended pre-processing (shape inference, then its
        # graph optimizer, which folds BatchNormalization into Conv), so
        # every conv gets quantized with its batch norm as a deployed model
        # would be.
        from onnxruntime.quantization.shape_inference import quant_pre_process

        quant_pre_process(src, dst)
        src = dst
    model = onnx.load(src)
    inits = {i.name for i in model.graph.initializer}
    inputs = [(vi.name, [d.dim_value for d in vi.type.tensor_type.shape.dim])
              for vi in model.graph.input if vi.name not in inits]
    rng = np.random.default_rng(seed)
    batches = [{n: rng.standard_normal(s).astype(np.float32) for n, s in inputs} for _ in range(samples)]

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(batches)

        def get_next(self):
            return next(self.it, None)

    quantize_static(src, dst, Reader(), quant_format=getattr(QuantFormat, fmt), per_channel=True,
                    weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8)


def quantize_int4(src: str, dst: str, block_size: int, symmetric: bool, fmt: str = "QOperator") -> None:
    """ONNX Runtime's MatMulNBitsQuantizer (MatMul4BitsQuantizer before 1.20), 4 bits: MatMulNBits (QOperator) or
    blocked int4 DequantizeLinear + MatMul (QDQ) for every MatMul with a
    constant B."""
    import onnx
    from onnxruntime.quantization import QuantFormat
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer as Quantizer
    except ImportError:  # before ONNX Runtime 1.20
        from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer as Quantizer

    q = Quantizer(onnx.load(src), block_size=block_size, is_symmetric=symmetric,
                             quant_format=getattr(QuantFormat, fmt))
    q.process()
    q.model.save_model_to_file(dst, False)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--format", default="QDQ", choices=["QDQ", "QOperator"])
    p.add_argument("--samples", type=int, default=8)
    p.add_argument("--preprocess", action="store_true", help="run ONNX Runtime's quant_pre_process first")
    p.add_argument("--int4-block-size", type=int, default=0,
                   help="MatMul4BitsQuantizer with this block size instead of quantize_static")
    p.add_argument("--int4-symmetric", action="store_true")
    args = p.parse_args(argv)
    if args.int4_block_size:
        quantize_int4(args.src, args.dst, args.int4_block_size, args.int4_symmetric, args.format)
    else:
        quantize(args.src, args.dst, args.format, args.samples, preprocess=args.preprocess)
    return 0


if __name__ == "__main__":
    sys.exit(main())
