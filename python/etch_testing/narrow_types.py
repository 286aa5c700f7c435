"""ONNX's float8, float4, int4 and int2 tensors in plain numpy.

onnx 1.12 (the runner's) cannot read element types 17..26; this module reads
them from a TensorProto itself, following onnx.proto: float8 values are one
byte each (raw_data, or one per int32_data entry); int4, uint4 and float4e2m1
are packed two per byte, int2 and uint2 four per byte, the first element in
the lowest bits (raw_data, or one packed byte per int32_data entry). etch's C
ABI uses the same layout (runtime/include/etch/etch.h), so the codes travel
unchanged.

Values decode by bit manipulation: the float types to float32 (NaN and
infinities per format), the integer types to int8. Comparing decoded values
(NaN where expected) is bit-exact but for NaN payloads and the sign of zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

import numpy as np


@dataclass(frozen=True)
class NarrowType:
    name: str
    bits: int  # bits per element in memory (8 for float8)
    # Float formats: exponent/mantissa bits, bias, and their special values:
    # "ieee" (exponent all ones: inf/NaN), "fn" (only S.1111.111 is NaN),
    # "fnuz" (0x80 is NaN, no -0), "none", "e8m0" (exponent only).
    exp_bits: int = 0
    mant_bits: int = 0
    bias: int = 0
    specials: str = ""
    signed: bool = False  # for the integer types

    @property
    def is_float(self) -> bool:
        return bool(self.specials)


NARROW_TYPES: Dict[int, NarrowType] = {
    17: NarrowType("float8e4m3fn", 8, 4, 3, 7, "fn"),
    18: NarrowType("float8e4m3fnuz", 8, 4, 3, 8, "fnuz"),
    19: NarrowType("float8e5m2", 8, 5, 2, 15, "ieee"),
    20: NarrowType("float8e5m2fnuz", 8, 5, 2, 16, "fnuz"),
    21: NarrowType("uint4", 4),
    22: NarrowType("int4", 4, signed=True),
    23: NarrowType("float4e2m1", 4, 2, 1, 1, "none"),
    24: NarrowType("float8e8m0", 8, 8, 0, 127, "e8m0"),
    25: NarrowType("uint2", 2),
    26: NarrowType("int2", 2, signed=True),
}


def narrow_type(data_type: int) -> Optional[NarrowType]:
    return NARROW_TYPES.get(data_type)


def unpack(packed: np.ndarray, bits: int, count: int) -> np.ndarray:
    """`count` codes (uint8) from bytes packed `bits` per element, low bits first."""
    packed = np.asarray(packed, np.uint8).reshape(-1)
    if bits == 8:
        return packed[:count].copy()
    per_byte = 8 // bits
    shifts = np.arange(per_byte, dtype=np.uint8) * bits
    codes = (packed[:, None] >> shifts[None, :]) & np.uint8((1 << bits) - 1)
    return codes.reshape(-1)[:count].astype(np.uint8)


def pack(codes: np.ndarray, bits: int) -> bytes:
    """Codes (uint8, `bits` significant) packed as ONNX and etch's ABI do."""
    codes = np.asarray(codes, np.uint8).reshape(-1) & np.uint8((1 << bits) - 1)
    if bits == 8:
        return codes.tobytes()
    per_byte = 8 // bits
    padded = np.zeros(-(-codes.size // per_byte) * per_byte, np.uint8)
    padded[:codes.size] = codes
    lanes = padded.reshape(-1, per_byte).astype(np.uint16)
    shifts = (np.arange(per_byte) * bits).astype(np.uint16)
    return (lanes << shifts).sum(axis=1).astype(np.uint8).tobytes()


def packed_size(count: int, bits: int) -> int:
    return -(-count * bits // 8)


def decode(codes: np.ndarray, t: NarrowType) -> np.ndarray:
    """Codes as values: float32 for the float types, int8 for the others."""
    c = np.asarray(codes, np.uint8).astype(np.uint32)
    if not t.is_float:
        v = c.astype(np.int16)
        if t.signed:
            v = np.where(v >= (1 << (t.bits - 1)), v - (1 << t.bits), v)
        return v.astype(np.int8)
    if t.specials == "e8m0":
        bits = np.where(c == 0, np.uint32(0x00400000), c << np.uint32(23))
        bits = np.where(c == 0xFF, np.uint32(0x7FC00000), bits)
        return bits.astype(np.uint32).view(np.float32)
    m, em = t.mant_bits, t.exp_bits + t.mant_bits
    sign = (c >> em) & 1
    exp = (c >> m) & ((1 << t.exp_bits) - 1)
    mant = c & ((1 << m) - 1)
    with np.errstate(over="ignore"):
        value = np.where(exp == 0, mant.astype(np.float64) * 2.0 ** (1 - t.bias - m),
                         (1.0 + mant / 2.0 ** m) * np.exp2(exp.astype(np.float64) - t.bias))
    value = np.where(sign == 1, -value, value)
    if t.specials == "ieee":
        top = exp == (1 << t.exp_bits) - 1
        value = np.where(top & (mant == 0), np.where(sign == 1, -np.inf, np.inf), value)
        value = np.where(top & (mant != 0), np.nan, value)
    elif t.specials == "fn":
        value = np.where((c & ((1 << em) - 1)) == (1 << em) - 1, np.nan, value)
    elif t.specials == "fnuz":
        value = np.where(c == (1 << em), np.nan, value)
    return value.astype(np.float32)


def tensor_codes(tensor) -> np.ndarray:
    """A TensorProto of a narrow type as its codes (uint8), shaped by its dims."""
    t = NARROW_TYPES[tensor.data_type]
    count = int(np.prod(tensor.dims, dtype=np.int64)) if len(tensor.dims) else 1
    if tensor.raw_data:
        raw = np.frombuffer(tensor.raw_data, np.uint8)
    else:
        raw = np.asarray(tensor.int32_data, np.int64).astype(np.uint8)
    return unpack(raw, t.bits, count).reshape(tuple(tensor.dims))
