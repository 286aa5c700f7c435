"""LSTM, GRU and RNN models (etch unrolls them over the static sequence):
directions, layouts, biases, initial states, peepholes, clip, per-batch
sequence lengths, GRU's linear_before_reset and non-default activations,
every output (Y, Y_h, Y_c)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np
import onnx

from .onnx_build import Rand, make_model, node

SEQ, BATCH, IN, HID = 5, 2, 3, 4
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def _recurrent(case: str, op: str, direction: str = "forward", layout: int = 0, bias: bool = True,
               initial: bool = False, lens: Optional[Sequence[int]] = None, peephole: bool = False,
               outputs: Sequence[str] = ("Y", "Y_h"), opset: int = 14, **attrs) -> Tuple[str, onnx.ModelProto]:
    r = Rand(case)
    dirs = 2 if direction == "bidirectional" else 1
    g = GATES[op]
    inits = {"W": r.normal([dirs, g * HID, IN], 0.5), "R": r.normal([dirs, g * HID, HID], 0.5)}
    names = ["X", "W", "R"]
    if bias:
        inits["B"] = r.normal([dirs, 2 * g * HID], 0.3)
    names.append("B" if bias else "")
    if lens is not None:
        inits["sequence_lens"] = np.array(lens, np.int32)
    names.append("sequence_lens" if lens is not None else "")
    state = [BATCH, dirs, HID] if layout else [dirs, BATCH, HID]
    if initial:
        inits["initial_h"] = r.normal(state, 0.5)
        names.append("initial_h")
        if op == "LSTM":
            inits["initial_c"] = r.normal(state, 0.5)
            names.append("initial_c")
    elif op == "LSTM" and peephole:
        names += ["", ""]
    if peephole:
        inits["P"] = r.normal([dirs, 3 * HID], 0.5)
        names.append("P")
    while names and names[-1] == "":
        names.pop()
    x = [BATCH, SEQ, IN] if layout else [SEQ, BATCH, IN]
    n = node(op, names, list(outputs), f"{op.lower()}_0", hidden_size=HID, direction=direction,
             **({"layout": layout} if layout else {}), **attrs)
    name = f"{case}_op{opset}"
    return name, make_model(name, opset, [n], [("X", x)], [o for o in outputs if o], inits)


def recurrent_models() -> List[Tuple[str, onnx.ModelProto]]:
    return [
        _recurrent("lstm_fwd", "LSTM", outputs=("Y", "Y_h", "Y_c")),
        _recurrent("lstm_bidir_init", "LSTM", "bidirectional", initial=True, outputs=("Y", "Y_h", "Y_c")),
        _recurrent("lstm_reverse_peephole_clip", "LSTM", "reverse", initial=True, peephole=True, clip=1.5,
                   outputs=("Y", "Y_h", "Y_c")),
        _recurrent("lstm_ragged", "LSTM", "bidirectional", lens=[5, 3], outputs=("Y", "Y_h", "Y_c")),
        # layout = 1 (batchwise): ONNX Runtime has no kernel; the ONNX node
        # tests (conformance) cover it against ONNX's reference outputs.
        _recurrent("gru_fwd", "GRU"),
        _recurrent("gru_reverse_lbr", "GRU", "reverse", initial=True, linear_before_reset=1),
        _recurrent("gru_bidir_ragged", "GRU", "bidirectional", lens=[2, 5]),
        _recurrent("gru_nobias_hardsigmoid", "GRU", bias=False, activations=["HardSigmoid", "Tanh"],
                   activation_alpha=[0.3], activation_beta=[0.4]),
        _recurrent("rnn_fwd", "RNN"),
        _recurrent("rnn_bidir_relu", "RNN", "bidirectional", activations=["Relu", "Relu"], initial=True),
        _recurrent("rnn_yh_only", "RNN", "reverse", outputs=("", "Y_h")),
    ]
