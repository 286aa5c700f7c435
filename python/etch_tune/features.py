"""Features of a candidate schedule for the cost model, computed from the
loop nest the task describes and the schedule's tiles."""

from __future__ import annotations

import math
from typing import List

from .space import Space

L1_BYTES = 32 * 1024
L2_BYTES = 1024 * 1024
ELEM_BYTES = 4

NAMES = [
    "log_flops", "log_reg_elems", "lane_util", "log_l0_footprint", "l0_fits_l1", "l0_fits_l2",
    "log_reg_footprint", "arith_intensity", "padding_waste", "log_parallel_extent",
    "log_red_tile", "interchanged", "unroll",
]


def extract(space: Space, s: dict) -> List[float]:
    tiles = space._levels(s)
    n, loops, red = space.n, space.loops, space.reduction
    flops = 2.0 * math.prod(loops)
    reg = [max(tiles[1][i], tiles[2][i]) or 1 for i in range(n)]
    reg_elems = math.prod(reg)
    # The innermost parallel register tile is the vectorized dimension.
    par = [i for i in range(n) if not red[i]]
    inner = reg[par[-1]] if par else 1
    lane_util = (inner % space.lanes or space.lanes) / space.lanes if inner >= space.lanes else inner / space.lanes
    l0 = [tiles[0][i] or loops[i] for i in range(n)]
    l0 = [l0[i] if not red[i] else loops[i] for i in range(n)]
    out_fp = math.prod(l0[i] for i in par) * ELEM_BYTES if par else ELEM_BYTES
    in_fp = math.prod(l0) ** 0.5 * ELEM_BYTES * 2  # rough: two operands of the tile
    l0_fp = out_fp + in_fp
    reg_out = math.prod(reg[i] for i in par) if par else 1
    reg_in = sum(reg) or 1
    intensity = reg_out / reg_in
    waste = 0.0
    for i in range(n):
        t = tiles[1][i] or tiles[2][i]
        if t:
            waste += (math.ceil(loops[i] / t) * t - loops[i]) / loops[i]
    parallel_extent = math.prod(math.ceil(loops[i] / (tiles[0][i] or loops[i])) for i in par) if par else 1
    red_tile = math.prod(tiles[2][i] or 1 for i in range(n) if red[i]) if any(red) else 1
    interchange = s.get("interchange") or []
    unroll = math.prod(u or 1 for u in (s.get("unroll") or [1]))
    return [
        math.log2(flops + 1), math.log2(reg_elems), lane_util, math.log2(l0_fp),
        float(l0_fp <= L1_BYTES), float(l0_fp <= L2_BYTES), math.log2(reg_elems * ELEM_BYTES),
        intensity, waste, math.log2(parallel_extent), math.log2(red_tile),
        float(bool(interchange) and interchange != sorted(interchange)), float(unroll),
    ]
