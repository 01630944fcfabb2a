"""``scipy.integrate.quad``'s value and its derivatives (the rule and the closed form
building the ``(value, abserr)`` result in ``rules/scipy_integrate.py``).

The value is SciPy's own.  By Leibniz's rule, the derivative in the upper limit is
``f(b)``, in the lower one ``-f(a)``, and in the parameters ``args`` (and the variables
a closure given as ``func`` reads, lifted) the integral of ``df/dargs``: worked out
with ``quad`` again (one integral per parameter entry, same tolerances), ``df/dargs``
a VJP of ``func`` that s2sad differentiates.  The error estimate carries no
derivative."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.integrate import _real, split_adjoints

__all__ = ["quad_value", "quad_adjoint", "quad_tangent"]

_VJPS: dict = {}
_LAST: list = [None, None]  # (g, ans) of the last adjoint worked out, and its result


def quad_value(func: Any, a: Any, b: Any, epsabs: float, epsrel: float, limit: int,
               args: Any, *free: Any) -> np.ndarray:
    """``np.array(quad(func, a, b, args))``: the integral and its error estimate."""
    from scipy.integrate import quad
    return np.array(quad(func, a, b, args=_all(args, free), epsabs=epsabs, epsrel=epsrel,
                         limit=limit)[:2])


def _all(args: Any, free: tuple) -> tuple:
    if args is not None and not isinstance(args, tuple):
        args = (args,)  # (quad takes one argument for args=k as args=(k,))
    return (() if args is None else args) + tuple(free)


def _at(func: Any, t: Any, args: tuple) -> float:
    """``func`` at a limit (0 at an infinite one, where an integral converges)."""
    return 0.0 if np.isinf(t) else float(func(t, *args))


def quad_adjoint(g: Any, ans: np.ndarray, func: Any, a: Any, b: Any, epsabs: float,
                 epsrel: float, limit: int, args: Any, free: tuple) -> tuple:
    """(adjoint of ``a``, of ``b``, of ``args``, of ``free``) for the cotangent ``g``."""
    if _LAST[0] is not None and _LAST[0][0] is g and _LAST[0][1] is ans:
        return _LAST[1]
    from scipy.integrate import quad
    given, every = args, _all(args, free)
    gv = 0.0 if g is None else float(np.asarray(g)[0])
    active = [k for k, v in enumerate(every) if _real(v)]
    flat = np.zeros(0)
    if active and gv != 0.0:
        vjp = _vjp_of(func, active)
        count = sum(int(np.size(every[k])) for k in active)

        def entry(t: float, j: int) -> float:  # (entry j of df/dargs at t, flattened)
            _, parts = vjp(t, *every, 1.0)
            return float(np.concatenate([np.ravel(p) for p in parts])[j])

        flat = np.array([quad(entry, a, b, args=(j,), epsabs=epsabs, epsrel=epsrel,
                              limit=limit)[0] for j in range(count)]) * gv
    grads = split_adjoints(flat, every, active if len(flat) else [])
    first = len(_all(given, ()))
    mine: Any = None if given is None else tuple(grads[:first]) if isinstance(
        given, tuple) else grads[0]  # (args=k: k's adjoint)
    result = (-gv * _at(func, a, every), gv * _at(func, b, every), mine,
              tuple(grads[first:]))
    _LAST[0], _LAST[1] = (g, ans), result
    return result


def _vjp_of(func: Any, active: list[int]) -> Any:
    """``s2sad.vjp`` of the integrand in the active parameters (after ``t``)."""
    key = (func, tuple(active))
    if key not in _VJPS:
        import s2sad
        _VJPS[key] = s2sad.vjp(func, wrt=tuple(1 + k for k in active))
    return _VJPS[key]


def quad_tangent(ans: np.ndarray, func: Any, a: Any, b: Any, epsabs: float, epsrel: float,
                 limit: int, args: Any, free: tuple, da: Any = None, db: Any = None,
                 dargs: Any = None, k: int = -1, dk: Any = None) -> np.ndarray:
    """The tangent of ``ans`` along ``da``, ``db``, ``dargs`` (of ``args``) or, for ``k``
    at least 0, ``dk`` (of ``free[k]``); each None: zero."""
    every = _all(args, free)
    value = (0.0 if db is None else float(db) * _at(func, b, every)) - \
        (0.0 if da is None else float(da) * _at(func, a, every))
    first = len(_all(args, ()))
    given = [] if dargs is None else list(dargs) if isinstance(args, tuple) else [dargs]
    pairs = [(j, t) for j, t in enumerate(given)] + ([(first + k, dk)] if k >= 0 else [])
    for j, t in pairs:
        if t is not None and _real(every[j]):
            value += _integral_along(func, a, b, every, j, t, (epsabs, epsrel, limit))
    return np.array([value, 0.0])


def _integral_along(func: Any, a: Any, b: Any, every: tuple, j: int, t: Any,
                    settings: tuple) -> float:
    """The integral of ``df/d every[j]`` along ``t``."""
    from scipy.integrate import quad
    vjp = _vjp_of(func, [j])
    direction = np.ravel(np.asarray(t, dtype=float))

    def along(time: float) -> float:
        _, (part,) = vjp(time, *every, 1.0)
        return float(np.ravel(part) @ direction)

    epsabs, epsrel, limit = settings
    return float(quad(along, a, b, epsabs=epsabs, epsrel=epsrel, limit=limit)[0])
