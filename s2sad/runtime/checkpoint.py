"""Checkpointed loops: recompute instead of store.

``for t in s2sad.checkpoint(range(T)):`` runs as written (the marker returns its
range). Differentiated, the loop becomes one call of a function of its own (the
loop over a part of the range, ``loop``), and its reverse sweep is driven here:

- **uniform** (``every=k``, default ceil(sqrt(T))): the forward pass keeps the
  loop-carried values at the start of each segment of k trips; the reverse pass
  takes the segments last to first, and for each runs the generated VJP of
  ``loop`` over that segment (taped forward over k trips, then its reverse).
  Memory: T/k snapshots plus one segment's tape; time: about one more forward pass.
- **binomial** (``snapshots=c``, Griewank and Walther's revolve): at most c
  snapshots; each part of the range is split where the binomial schedule says,
  advanced without taping, reversed right part first. The number of recomputed
  trips is the fewest any schedule with c snapshots needs.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np


def checkpoint(iterable: Any, every: int | None = None, snapshots: int | None = None) -> Any:
    """Mark a ``for`` loop over ``range(...)`` for checkpointing; returns ``iterable``.

    ``every=k``: uniform segments of k trips (default ceil(sqrt(trips))).
    ``snapshots=c``: the binomial (revolve) schedule with c snapshots.
    The function runs unchanged; derivatives recompute trips instead of storing them.
    """
    if every is not None and snapshots is not None:
        raise ValueError("checkpoint: give every= or snapshots=, not both")
    if every is not None and int(every) < 1 or snapshots is not None and int(snapshots) < 1:
        raise ValueError("checkpoint: every= and snapshots= must be at least 1")
    return iterable


class Record:
    """What the forward pass of a checkpointed loop keeps: its snapshots."""

    def __init__(self, bounds: tuple, snaps: list) -> None:
        self.bounds, self.snaps = bounds, snaps  # snaps: [(trip index, carried values)]


def copied(values: Any) -> Any:
    """A copy the loop may write into without changing what is kept."""
    if isinstance(values, np.ndarray):
        return values.copy()
    if isinstance(values, (list, tuple)):
        return type(values)(copied(v) for v in values)
    if isinstance(values, dict):
        return {k: copied(v) for k, v in values.items()}
    return values


def trips(start: int, stop: int, step: int) -> int:
    return len(range(start, stop, step))


def segment_length(schedule: tuple, n: int) -> int:
    kind, size = schedule
    if kind == "uniform":
        return int(size) if size else max(1, math.isqrt(max(n - 1, 0)) + 1)
    return max(n, 1)


def run(loop: Callable, schedule: tuple, nc: int, start: int, stop: int, step: int,
        *args: Any) -> tuple:
    """The forward pass: the loop's carried values after it, and a :class:`Record`."""
    carried, params = list(args[:nc]), args[nc:]
    n = trips(start, stop, step)
    k = segment_length(schedule, n)
    snaps = []
    for i in range(0, n, k):
        snaps.append((i, copied(carried)))
        j = min(i + k, n)
        carried = list(_as_tuple(loop(start + i * step, start + j * step, step, *carried,
                                      *params), nc))
    if schedule[0] == "binomial":
        snaps = snaps[:1]
    return (*carried, Record((start, stop, step), snaps))


def _as_tuple(out: Any, nc: int) -> tuple:
    return (out,) if nc == 1 else tuple(out)


def reverse(loop: Callable, vjp_of: Callable, schedule: tuple, nc: int, g: Any, record: Record,
            args: tuple) -> tuple:
    """Cotangents of (start, stop, step, *carried, *params) from those of the outputs."""
    start, stop, step = record.bounds
    n = trips(start, stop, step)
    carried0, params = list(args[:nc]), args[nc:]
    cot = [_zero_if_none(c, v) for c, v in zip(list(g)[:nc], carried0)]
    totals: list = [None] * len(params)
    step_back = _Reverser(loop, vjp_of, nc, start, step, params, totals)
    if n == 0:
        return (None, None, None, *cot, *totals)
    if schedule[0] == "binomial":
        # c snapshots in all: the start state and c - 1 more
        revolve(step_back, record.snaps[0][1], 0, n, max(int(schedule[1]) - 1, 0), cot)
    else:
        k = segment_length(schedule, n)
        for i, state in reversed(record.snaps):
            cot = step_back(state, i, min(i + k, n), cot)
    return (None, None, None, *cot, *totals)


def _zero_if_none(c: Any, v: Any) -> Any:
    from s2sad.runtime.core import zeros_like
    return zeros_like(v) if c is None else c


class _Reverser:
    """Reverse trips [i, j) from the carried values at trip i: the generated VJP of the
    loop over that part of the range; parameter cotangents are summed."""

    def __init__(self, loop: Callable, vjp_of: Callable, nc: int, start: int, step: int,
                 params: tuple, totals: list) -> None:
        self.loop, self.vjp_of, self.nc = loop, vjp_of, nc
        self.start, self.step, self.params, self.totals = start, step, params, totals

    def fresh(self, state: list) -> list:
        """The state as the loop may use it: a copy only if the loop writes into it."""
        return copied(state) if getattr(self.loop, "s2sad_writes", True) else state

    def advance(self, state: list, i: int, j: int) -> list:
        out = self.loop(self.start + i * self.step, self.start + j * self.step, self.step,
                        *self.fresh(state), *self.params)
        return list(_as_tuple(out, self.nc))

    def __call__(self, state: list, i: int, j: int, cot: list) -> list:
        a, b = self.start + i * self.step, self.start + j * self.step
        args = (a, b, self.step, *self.fresh(state), *self.params)
        grads = list(self.vjp_of(args)(*args, _taken(cot, self.nc))[1])
        for k, gp in enumerate(grads[self.nc:]):
            if gp is None:
                continue
            if self.totals[k] is None:
                self.totals[k] = copied(gp)
            elif isinstance(self.totals[k], np.ndarray) and self.totals[k].shape == np.shape(gp):
                self.totals[k] += gp  # summed in place: no new array per segment
            else:
                self.totals[k] = self.totals[k] + gp
        return [_zero_if_none(c, v) for c, v in zip(grads[:self.nc], state)]


def _taken(cot: list, nc: int) -> Any:
    """The outputs' cotangents, emptied from ``cot`` so the VJP may free them early."""
    out = cot[0] if nc == 1 else tuple(cot)
    cot.clear()
    return out


def beta(s: int, r: int) -> int:
    """The most trips ``s`` snapshots reverse with each trip run at most ``r`` times
    forward beyond the first: C(s + r, s)."""
    return math.comb(s + r, s)


def revolve(step_back: _Reverser, state: list, i: int, j: int, s: int, cot: list) -> None:
    """Reverse trips [i, j) from the carried values at i, with ``s`` free snapshots
    (the one holding ``state`` not counted), by the binomial schedule. ``cot`` (the
    cotangents at trip j) is replaced in place by those at trip i, so no frame of the
    recursion keeps an old one alive."""
    while j - i > 1 and s > 0:
        m = i + _split(j - i, s)
        mid = step_back.advance(state, i, m)
        revolve(step_back, mid, m, j, s - 1, cot)
        del mid  # its snapshot is free again for the left part
        j = m
    if s == 0:  # no snapshot left: recompute from i for every trip, last first
        for t in range(j - 1, i, -1):
            cot[:] = step_back(step_back.advance(state, i, t), t, t + 1, cot)
    cot[:] = step_back(state, i, i + 1, cot)


@functools.cache
def _split(n: int, s: int) -> int:
    """Where to store the next snapshot: the split with the fewest recomputed trips,
    among those the binomial bound allows (the right part fits s - 1 more snapshots)."""
    r = 0
    while beta(s + 1, r) < n:
        r += 1
    low, high = max(1, n - beta(s, r)), min(n - 1, beta(s + 1, r - 1)) if r else n - 1
    return min(range(low, max(low, high) + 1),
               key=lambda m: m + optimal_advances(n - m, s - 1) + optimal_advances(m, s))


@functools.cache
def optimal_advances(n: int, s: int) -> int:
    """The fewest trips run forward without taping to reverse ``n`` trips from a start
    state and ``s`` more snapshots (Griewank and Walther: r n - beta(s + 2, r - 1), r
    the least with beta(s + 1, r) >= n)."""
    if n <= 1:
        return 0
    if s == 0:
        return n * (n - 1) // 2
    r = 0
    while beta(s + 1, r) < n:
        r += 1
    return r * n - beta(s + 2, r - 1)
