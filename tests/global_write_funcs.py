"""Functions that change module variables (``global``), for test_global_writes."""
from __future__ import annotations

import numpy as np

CALLS = 0
BEST = np.inf


def counted(w):
    global CALLS
    CALLS += 1
    return np.sum(np.sin(w) * w)


def scaled_by_count(x):
    global CALLS
    CALLS = CALLS + 1
    return x ** 3 * CALLS  # (the value written back is read again)


def best_so_far(w):
    global BEST
    loss = np.sum((w - 1.0) ** 2)
    if loss < BEST:  # (data-dependent: each way in the tests)
        BEST = float(loss)
    return loss * 2.0


def counted_in_a_loop(w):
    global CALLS
    total = 0.0
    for i in range(len(w)):
        CALLS += 1
        total = total + w[i] ** 2 * CALLS
    return total


def _tick():
    global CALLS
    CALLS += 10


def counted_by_a_helper(w):
    _tick()
    return np.sum(np.exp(w))


def deletes(w):
    global CALLS
    del CALLS
    return np.sum(w)
