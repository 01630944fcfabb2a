"""Library functions that consume an iterable, differentiated through the closed forms
their documentation gives (``defthrough``): ``heapq.nsmallest`` / ``nlargest`` are
``sorted(iterable, key=key)[:n]`` (``reverse=True`` for the largest; the same items in
the same order, ties included: both keep the first of equal keys), and
``np.fromiter(iterable, dtype, count)`` is ``np.array(list(iterable), dtype)`` cut to
``count`` items (no further read, as NumPy reads).
Their own sources run heaps with try blocks, or are compiled: no derivative to read."""
from __future__ import annotations

import heapq

import numpy as np

from s2sad.rules.registry import defthrough


def nsmallest(n, iterable, key=None):
    return sorted(iterable, key=key)[:n]


def nlargest(n, iterable, key=None):
    return sorted(iterable, key=key, reverse=True)[:n]


def fromiter(iterable, dtype, count=-1):
    if count < 0:
        return np.array(list(iterable), dtype=dtype)
    # zip reads the range first: no item past ``count`` is taken (an endless iterator)
    return np.array([v for _, v in zip(range(count), iterable)], dtype=dtype)


defthrough(heapq.nsmallest, nsmallest)
defthrough(heapq.nlargest, nlargest)
defthrough(np.fromiter, fromiter)
