"""Generates the int4 models under Inputs/ for int4.mlir: MatMulNBits with
packed uint4 zero points and a bias, a blocked int4 DequantizeLinear feeding
MatMul (rewritten into MatMulNBits), and a blocked DequantizeLinear of a
graph input (the general path: the scale gathered per element)."""

import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

from gen_models import OUT, save, vi
from gen_narrow_models import INT4, UINT4, packed


def main():
    # K = 48 (two blocks of 32, the last padded), N = 4.
    k, n, bs = 48, 4, 32
    rng = np.random.default_rng(0)
    b = rng.integers(0, 256, size=(n, 2, bs // 2), dtype=np.uint8)
    model = save("matmulnbits", [
        helper.make_node("MatMulNBits", ["a", "b", "s", "z", "", "bias"], ["y"], name="nbits",
                         domain="com.microsoft", K=k, N=n, bits=4, block_size=bs, accuracy_level=4),
    ], [vi("a", [2, 3, k])], [vi("y", [2, 3, n])],
        [numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(rng.uniform(0.01, 0.1, (n, 2)).astype(np.float32), "s"),
         numpy_helper.from_array(np.array([[0x21], [0x43], [0x65], [0x87]], np.uint8), "z"),
         numpy_helper.from_array(np.arange(n, dtype=np.float32), "bias")], opset=17)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save_model(model, os.path.join(OUT, "matmulnbits.onnx"))
    # W int4 [8, 2], blocks of 4 along K: codes 0..15 - 8, zero points 1.
    save("dq_int4_matmul", [
        helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wf"], name="dq", axis=0, block_size=4),
        helper.make_node("MatMul", ["x", "wf"], ["y"], name="mm"),
    ], [vi("x", [1, 8])], [vi("y", [1, 2])],
        [packed("w", INT4, [8, 2], [(2 * i) | ((2 * i + 1) << 4) for i in range(8)]),
         numpy_helper.from_array(np.full((2, 2), 0.5, np.float32), "ws"),
         packed("wz", INT4, [2, 2], [0x11, 0x11])], opset=21, ir_version=10)
    # A uint4 graph input [4, 6] dequantized in blocks of 3 along axis 1.
    save("dq_blocked_input", [
        helper.make_node("DequantizeLinear", ["x", "s"], ["y"], name="dq", axis=1, block_size=3),
    ], [vi("x", [4, 6], UINT4), vi("s", [4, 2])], [vi("y", [4, 6])], opset=21, ir_version=10)


if __name__ == "__main__":
    main()
