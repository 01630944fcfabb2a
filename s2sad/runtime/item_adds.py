"""A loop's element adds into an array adjoint, gathered and made after the loop.

A reversed loop that adds a number into ``dx[i]`` (and ``dx[i + 1]``) every trip costs a
NumPy scalar read and write per add, ~10x a list's append.  Where the loop does nothing
else with ``dx``, the derivative appends the positions and the numbers to two lists
(:mod:`s2sad.compiler.item_adds`) and adds them all after the loop: ``np.add.at`` adds
each in turn, in the loop's order, so the sums are the very ones the loop made.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.core import _FLOAT64
from s2sad.runtime.writes import add_at

__all__ = ["add_items", "items_at"]


def add_items(acc: Any, at: list, ts: list) -> Any:
    """``acc`` (owned: written in place) with ``ts[k]`` added at ``at[k]``, in order."""
    if not at:
        return acc
    if type(acc) is np.ndarray and acc.dtype is _FLOAT64:
        idx = np.array(at)
        np.add.at(acc, tuple(idx.T) if idx.ndim == 2 else idx, np.array(ts, dtype=np.float64))
        return acc
    for i, t in zip(at, ts):  # (any other array: one add at a time, as the loop did)
        acc = add_at(acc, None, i, t)
    return acc


def items_at(g: Any, at: list) -> list:
    """The elements of ``g`` at the positions ``at`` (the adjoint of the added numbers)."""
    return [g[i] for i in at]
