"""Candidate schedules: mutations and crossover of measured schedules.

The space is the #etch.schedule attribute itself (its JSON form,
codegen/LLVMCPU/ScheduleJSON.cpp): tile levels 0-2, vector sizes and the
level-0 interchange, per loop of the root op. This module only proposes;
whether a proposal is a schedule of the op is decided by the compiler's
verifiers (measure.verify) before anything is built."""

from __future__ import annotations

import copy
import random
from typing import List, Optional

# Register tiles above this many elements make vectors no register file
# holds; such candidates are pruned (a search-efficiency choice, not the
# constraint: the verifiers are).
MAX_REGISTER_ELEMENTS = 1024


def _sizes(extent: int, lanes: int) -> List[int]:
    """Tile sizes worth trying for a loop of `extent`: its divisors up to 64,
    powers of two and multiples of the vector width up to the extent."""
    out = {1, extent} if extent <= 64 else {1}
    out |= {d for d in range(1, min(extent, 64) + 1) if extent % d == 0}
    p = 2
    while p <= min(extent, 128):
        out.add(p)
        p *= 2
    out |= {m for m in range(lanes, min(extent, 8 * lanes) + 1, lanes)}
    return sorted(out)


class Space:
    def __init__(self, task: dict, lanes: int = 8):
        self.task = task
        self.loops: List[int] = list(task["loops"])
        self.reduction = [it == "reduction" for it in task["iterators"]]
        self.lanes = lanes
        self.n = len(self.loops)

    def _levels(self, s: dict) -> List[List[int]]:
        tiles = [list(level) for level in s.get("tile", [])]
        while len(tiles) < 3:
            tiles.append([])
        return [t if t else [0] * self.n for t in tiles]

    def _pack(self, base: dict, tiles: List[List[int]], interchange: Optional[List[int]]) -> dict:
        s = copy.deepcopy(base)
        s["tile"] = tiles
        vector = list(s.get("vector") or [])
        if vector:
            # Vector sizes cover the innermost tile (the attribute verifier
            # rejects smaller ones).
            for i in range(self.n):
                inner = max(tiles[1][i], tiles[2][i])
                if inner:
                    vector[i] = inner
            s["vector"] = vector
        if interchange is not None:
            s["interchange"] = interchange
        return s

    def mutate(self, s: dict, rng: random.Random) -> dict:
        tiles = self._levels(s)
        interchange = list(s.get("interchange") or []) or None
        parallel = [i for i in range(self.n) if not self.reduction[i]]
        reduction = [i for i in range(self.n) if self.reduction[i]]
        moves = ["register"] * 3 + ["workgroup"] * 2
        if reduction:
            moves += ["reduction"] * 2
        if len(parallel) >= 2:
            moves.append("interchange")
        move = rng.choice(moves)
        if move == "register" and parallel:
            i = rng.choice(parallel)
            tiles[1][i] = rng.choice(_sizes(self.loops[i], self.lanes))
            # A register tile larger than the level-0 tile is meaningless.
            if tiles[0][i] and tiles[0][i] < tiles[1][i]:
                tiles[0][i] = 0
        elif move == "workgroup" and parallel:
            i = rng.choice(parallel)
            reg = tiles[1][i] or 1
            options = [0] + [m for m in range(reg, self.loops[i] + 1, reg) if m <= 256][:16]
            tiles[0][i] = rng.choice(options)
        elif move == "reduction" and reduction:
            i = rng.choice(reduction)
            tiles[2][i] = rng.choice(_sizes(self.loops[i], self.lanes))
        elif move == "interchange":
            perm = interchange or list(range(self.n))
            a, b = rng.sample(parallel, 2)
            pa, pb = perm.index(a), perm.index(b)
            perm[pa], perm[pb] = perm[pb], perm[pa]
            interchange = perm
        return self._pack(s, tiles, interchange)

    def crossover(self, a: dict, b: dict, rng: random.Random) -> dict:
        ta, tb = self._levels(a), self._levels(b)
        tiles = [[0] * self.n for _ in range(3)]
        for i in range(self.n):
            src = ta if rng.random() < 0.5 else tb
            for level in range(3):
                tiles[level][i] = src[level][i]
        interchange = list((a if rng.random() < 0.5 else b).get("interchange") or []) or None
        return self._pack(a, tiles, interchange)

    def plausible(self, s: dict) -> bool:
        tiles = self._levels(s)
        elems = 1
        for i in range(self.n):
            elems *= max(tiles[1][i], tiles[2][i], 1)
        return elems <= MAX_REGISTER_ELEMENTS
