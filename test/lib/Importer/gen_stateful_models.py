#!/usr/bin/python3
"""Generates the opset-27 models under Inputs/ for stateful.mlir
(CausalConvWithState, LinearAttention).

Run with Debian's python (onnx 1.12, which writes newer opsets' nodes without
checking them): /usr/bin/python3 gen_stateful_models.py
"""
from onnx import TensorProto, helper

from gen_models import save, vi

F16 = TensorProto.FLOAT16


def main():
    # k = 3 with bias, past state and SiLU (computed in f32 for float16).
    save("causal_conv_27", [
        helper.make_node("CausalConvWithState", ["x", "w", "b", "past"],
                         ["y", "present"], name="causal_conv",
                         activation="silu"),
    ], [vi("x", [1, 2, 4], F16), vi("w", [2, 1, 3], F16), vi("b", [2], F16),
        vi("past", [1, 2, 2], F16)],
        [vi("y", [1, 2, 4], F16), vi("present", [1, 2, 2], F16)],
        opset=27, ir_version=11)
    # No past state: zeros; an input shorter than k - 1 keeps some of them.
    save("causal_conv_short_27", [
        helper.make_node("CausalConvWithState", ["x", "w"],
                         ["y", "present"], name="causal_conv_short"),
    ], [vi("x", [1, 2, 1]), vi("w", [2, 1, 4])],
        [vi("y", [1, 2, 1]), vi("present", [1, 2, 3])],
        opset=27, ir_version=11)
    # gated_delta with grouped query heads (4 query heads on 2 KV heads),
    # per-head decay and beta, a past state, T = 2 (unrolled).
    save("linear_attention_27", [
        helper.make_node("LinearAttention",
                         ["q", "k", "v", "past", "decay", "beta"],
                         ["y", "present"], name="linear_attention",
                         q_num_heads=4, kv_num_heads=2, scale=0.5),
    ], [vi("q", [1, 2, 12]), vi("k", [1, 2, 6]), vi("v", [1, 2, 10]),
        vi("past", [1, 2, 3, 5]), vi("decay", [1, 2, 2]),
        vi("beta", [1, 2, 2])],
        [vi("y", [1, 2, 20]), vi("present", [1, 2, 3, 5])],
        opset=27, ir_version=11)
    # 'delta' without beta: a user error naming the node.
    save("linear_attention_no_beta_27", [
        helper.make_node("LinearAttention", ["q", "k", "v"], ["y"],
                         name="la_no_beta", q_num_heads=1, kv_num_heads=1,
                         update_rule="delta"),
    ], [vi("q", [1, 1, 4]), vi("k", [1, 1, 4]), vi("v", [1, 1, 4])],
        [vi("y", [1, 1, 4])], opset=27, ir_version=11)


if __name__ == "__main__":
    main()
