"""Freed arrays' memory kept for the next call, where the C library would return it.

A gradient makes its temporaries afresh on every call (an adjoint per array the
function makes).  With glibc's ``malloc``, a block of 128 KiB or more at first, and
later of at least the largest size freed so far, is mapped from the operating system
and unmapped when freed; and the top of the heap is handed back once more than twice
that is free there.  Either way the next call's arrays are new pages, and the first
write to each page is a page fault (~0.25-2 us each on a loaded virtual machine; a
survival curve of 5000 subjects over 20 periods, 800 KB an array: 1.2 ms of a 3.7 ms
gradient, the hand-written one 1.0 of 2.2 ms).  Which sizes are mapped depends on what
the process freed before, so the same gradient runs at different speeds in different
programs.

``keep_freed_memory`` sets the two thresholds once, when s2sad first generates a
derivative, to where glibc's own adjustment stops (a block of up to 32 MiB from the
heap, the heap's top returned beyond 64 MiB free): what a program that has freed a
32 MiB array gets anyway.  It is process-wide (it speeds the user's own code the same
way) and costs at most 64 MiB of memory kept free.  ``S2SAD_MALLOC=system`` leaves the
C library's settings alone; other C libraries are left alone too.
"""
from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1  # (glibc's malloc.h)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # (glibc's own rule when it raises the first)

_done: list[bool] = []


def keep_freed_memory() -> bool:
    """Set glibc's mapping and trimming thresholds once (see the module's docstring);
    whether they are set (False: not glibc, or ``S2SAD_MALLOC=system``)."""
    if _done:
        return _done[0]
    _done.append(False)
    if os.environ.get("S2SAD_MALLOC", "") == "system" or not sys.platform.startswith(
            "linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # (musl and others: no such symbol, left alone)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    _done[0] = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and \
        bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _done[0]
