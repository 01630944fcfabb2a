"""A derivative without the NaN guards finiteness does not prove, and its way back.

``safe_mul(g, d)`` is ``g * d`` but exactly 0 where ``g`` is 0 and ``d`` is inf or NaN
(the adjoint of a value a ``np.where`` masked out); where the compiler cannot prove ``d``
finite it keeps the call, and on small arrays each call costs several times the product.
The *unguarded* variant writes ``g * d`` and ``g / d`` everywhere.  It computes what the
guarded one does except where a guard would have given 0: there it has a NaN (or, on
Python floats, raises ``ZeroDivisionError``), and a NaN does not vanish on its way to the
returned derivatives (sums, products and slices carry it; a mask that drops it drops
the guarded 0 as well).  So the unguarded variant runs first, and when a returned
derivative holds a NaN, or an arithmetic error was raised, the guarded one runs instead
and its result is returned: the same numbers as the guarded derivative, always (the
next calls, up to ``RETRY``, go to the guarded one directly: the same numbers).  The
unguarded run ignores NumPy's "invalid value" warnings (its ``0 * inf``); the user's own
invalid values reach the derivatives as NaN, and the guarded run warns of them.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.compiler.generated import Generated


def guarded(fast: Generated, slow: Callable[[], Generated], lean: bool,
            has_aux: bool) -> Generated:
    """``fast`` (unguarded) falling back to ``slow()`` (guarded, made when first needed);
    ``lean``: it returns the derivatives alone (else ``(value, derivatives)``)."""
    run_fast = fast.fn
    made: list[Generated] = []
    straight = [0]  # calls left that go to the guarded derivative directly

    def made_guarded() -> Generated:
        if not made:
            made.append(slow())
        return made[0]

    def run(*args: Any, **kwargs: Any) -> Any:
        if straight[0]:
            straight[0] -= 1
            return run_guarded(*args, **kwargs)
        quiet = _quiet()  # (its 0 * inf: the guarded run warns)
        try:
            out = run_fast(*args, **kwargs)
        except ArithmeticError:  # (0.0 / 0.0 of Python floats, or np.seterr raising)
            out = _FAILED
        finally:
            _loud(quiet)
        if out is not _FAILED:
            derivatives = (out[0] if has_aux else out) if lean else out[1]
            if not has_nan(derivatives):
                return out
        straight[0] = RETRY
        return run_guarded(*args, **kwargs)

    def run_guarded(*args: Any, **kwargs: Any) -> Any:
        guarded_fn = made_guarded().fn
        guarded_fn.s2sad_refresh()  # type: ignore[attr-defined]  # (loader.load's)
        return guarded_fn(*args, **kwargs)

    run.s2sad_refresh = run_fast.s2sad_refresh  # type: ignore[attr-defined]
    run.__wrapped__ = run_fast  # type: ignore[attr-defined]  # (inspect.getsource, names)
    run.__name__ = getattr(run_fast, "__name__", "derivative")
    run.s2sad_guarded = made_guarded  # type: ignore[attr-defined]
    return Generated(run, fast.source, fast.name, fast.tree, fast.ported)


_FAILED = object()  # (the unguarded run raised)
# after a fallback, the calls that go to the guarded derivative before the unguarded one
# is tried again: a loop's arguments change little from call to call (a pairwise
# distance's zero diagonal stays), and a run that fails costs a whole derivative
RETRY = 15
try:  # NumPy's error state is a context variable holding one object per state
    from numpy._core._ufunc_config import (  # type: ignore[attr-defined]
        _extobj_contextvar as _STATE,
    )
except ImportError:  # (another NumPy: np.errstate each time)
    _STATE = None
_QUIET: dict[Any, Any] = {}  # a state -> the same state ignoring invalid values


def _quiet() -> Any:
    """Ignore NumPy's "invalid value" warnings until :func:`_loud`: ``np.errstate``'s
    state made once per state it starts from (entering ``np.errstate`` costs ~1.5 us,
    as much as a small derivative), set and reset as the context variable it is."""
    if _STATE is None:
        state = np.errstate(invalid="ignore")
        state.__enter__()
        return state
    current = _STATE.get()
    quiet = _QUIET.get(current)
    if quiet is None:
        if len(_QUIET) > 8:
            _QUIET.clear()
        with np.errstate(invalid="ignore"):
            quiet = _QUIET[current] = _STATE.get()
    return _STATE.set(quiet)


def _loud(token: Any) -> None:
    if _STATE is None:
        token.__exit__(None, None, None)
    else:
        _STATE.reset(token)


def guarded_of(gen: Generated) -> Generated:
    """The guarded derivative of ``gen`` (``gen`` itself if it has no fallback): what a
    derivative of a derivative differentiates (its source, whose NaN guards keep the
    second derivative's zeros too)."""
    made = getattr(gen.fn, "s2sad_guarded", None)
    return made() if made is not None else gen


def has_nan(x: Any) -> bool:
    """Whether a derivative (a number, an array, or a container of them) holds a NaN."""
    t = type(x)
    if t is float or t is np.float64:
        return math.isnan(x)
    if t is np.ndarray:
        if x.dtype == np.float64 and x.flags.c_contiguous and x.size:
            v = x.reshape(-1)
            return math.isnan(np.dot(v, v))  # (inf squares to inf: only a NaN is NaN)
        return x.dtype.kind in "fc" and bool(np.isnan(x).any())
    if isinstance(x, (tuple, list)):  # (a namedtuple argument's gradient too)
        return any(has_nan(item) for item in x)
    if isinstance(x, dict):
        return any(has_nan(item) for item in x.values())
    if isinstance(x, (complex, np.complexfloating, np.floating)):
        return bool(np.isnan(x))
    return False
