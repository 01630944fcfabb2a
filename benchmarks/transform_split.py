"""Where the transform's CPU time goes, without cProfile (which makes every call of a
builtin-heavy walk cost ~10x: its figures mislead, session 47's closing note).

    python benchmarks/transform_time.py --split s2sad.compiler.dims:Facts.__init__,\
s2sad.compiler.simplify:_drop_dead
    python benchmarks/transform_time.py --sample 40

``--split``: each function named ``module:function`` (or ``module:Class.method``) is
wrapped with ``time.process_time``: its calls and its CPU time, counted at its outermost
call only (a recursive function once), over a first call of every case from a fresh
state.  A function another module imported by name (``from m import f``) is called
there unwrapped: name it in that module too.  ``--sample``: a sampler on the CPU-time
interval timer (``SIGPROF``, a sample a millisecond, no cost per call): the share of the
samples each function was on the stack for (inclusive) and at the top of (self); a long
call into C counts once, when it returns (an under-estimate there).
"""
from __future__ import annotations

import collections
import importlib
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

Run = Callable[[], None]  # every case's first call, from a fresh state


def split(run: Run, names: list[str]) -> None:
    """Print the calls and CPU seconds of each function in ``names`` during ``run``."""
    spent: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()
    undo = [_wrapped(name, spent, calls) for name in names]
    t0 = time.process_time()
    try:
        run()
    finally:
        for put_back in undo:
            put_back()
    total = time.process_time() - t0
    print(f"{'function':60s} {'calls':>7s} {'cpu s':>8s} {'share':>6s}   (of {total:.2f} s)")
    for name in names:
        print(f"{name:60s} {calls[name]:7d} {spent[name]:8.3f} {spent[name] / total:6.1%}")


def _wrapped(name: str, spent: collections.Counter, calls: collections.Counter
             ) -> Callable[[], None]:
    """Wrap the function ``name`` (module:attr or module:Class.attr); the undoing."""
    module, _, attr = name.partition(":")
    owner: Any = importlib.import_module(module)
    *path, leaf = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    inner = getattr(owner, leaf)
    depth = [0]

    def timed(*args: Any, **kwargs: Any) -> Any:
        if depth[0]:
            return inner(*args, **kwargs)
        depth[0] += 1
        t0 = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            spent[name] += time.process_time() - t0
            calls[name] += 1
    setattr(owner, leaf, timed)
    return lambda: setattr(owner, leaf, inner)


def sample(run: Run, top: int, interval: float = 0.001) -> None:
    """Print the ``top`` functions by inclusive and by self share of CPU samples."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    taken = [0]
    harness = sys._getframe()  # (its frame and those above it: not counted)

    def on_signal(signum: int, frame: Any) -> None:
        if frame is harness:
            return  # (a sample before ``run`` began or after it ended)
        taken[0] += 1
        own[_label(frame)] += 1
        seen = set()
        while frame is not None and frame is not harness:
            label = _label(frame)
            if label not in seen:
                seen.add(label)
                inclusive[label] += 1
            frame = frame.f_back
    before = signal.signal(signal.SIGPROF, on_signal)
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    try:
        run()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, before)
    n = max(taken[0], 1)
    for title, counts in (("inclusive", inclusive), ("self", own)):
        print(f"== {title} ({taken[0]} samples)")
        for label, k in counts.most_common(top):
            print(f"{k / n:6.1%} {label}")


def _label(frame: Any) -> str:
    code = frame.f_code
    return f"{os.path.basename(code.co_filename)}:{code.co_name}"
