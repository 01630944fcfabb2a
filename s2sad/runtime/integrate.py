"""The adjoint of ``scipy.integrate.odeint`` (the rule in ``rules/scipy_integrate.py``).

The forward pass runs SciPy's solver as the user's code does (the same values).  The
reverse pass solves the adjoint system backward in time between the output times, with
SciPy's solver again: ``a' = -a^T df/dy``, ``b' = -a^T df/dargs``, the output's
cotangent added to ``a`` at each output time; ``a`` at the first time is the adjoint of
``y0``, ``b`` that of the parameters.  ``a^T df/dy`` and ``a^T df/dargs`` are one
VJP of the user's right-hand side, which s2sad differentiates (``s2sad.vjp``, made once).
The gradient is exact up to the solver's tolerances (the same ``rtol`` and ``atol``)."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["odeint_adjoint", "odeint_tangent"]

_LAST: list = [None, None]  # (g, ans) of the last adjoint worked out, and its result


def odeint_adjoint(g: Any, ans: Any, func: Any, y0: Any, t: Any, args: Any = (),
                   tfirst: bool = False, rtol: Any = None, atol: Any = None,
                   mxstep: int = 0, full_output: Any = 0) -> tuple:
    """(adjoint of ``y0``, adjoints of ``args``) for the cotangent ``g`` of ``ans``,
    ``odeint(func, y0, t, args)``; worked out once for the two templates that read it."""
    _refuse_full_output(full_output)
    if _LAST[0] is not None and _LAST[0][0] is g and _LAST[0][1] is ans:
        return _LAST[1]
    from scipy.integrate import odeint
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    t = np.asarray(t, dtype=float)
    shape = np.shape(y0)
    n = int(np.size(y0))
    ys = np.reshape(np.asarray(ans, dtype=float), (len(t), n))
    gs = np.reshape(np.asarray(g, dtype=float), (len(t), n))
    active = [k for k, a in enumerate(args) if _real(a)]
    sizes = [int(np.size(args[k])) for k in active]
    vjp = _vjp_of(func, tfirst, active)
    m = sum(sizes)

    first = (t[-1], ys[-1]) if tfirst else (ys[-1], t[-1])
    template = func(*first, *args)  # (what the right-hand side returns: its cotangent's kind)

    def adjoint_dynamics(state: np.ndarray, time: float) -> np.ndarray:
        y, a = state[:n], state[n:2 * n]
        call = (time, y) if tfirst else (y, time)
        value, grads = vjp(*call, *args, cotangent_like(template, a))
        parts = [np.ravel(grads[0])] + [np.ravel(d) for d in grads[1:]]
        return np.concatenate([np.ravel(value), -parts[0], *(-p for p in parts[1:])])

    a, b = gs[-1].copy(), np.zeros(m)
    for i in range(len(t) - 1, 0, -1):
        state = np.concatenate([ys[i], a, b])
        back = odeint(adjoint_dynamics, state, np.array([t[i], t[i - 1]]), rtol=rtol,
                      atol=atol, mxstep=mxstep)[1]
        a, b = back[n:2 * n] + gs[i - 1], back[2 * n:]
    dy0 = float(a[0]) if shape == () else np.reshape(a, shape)
    _LAST[0], _LAST[1] = (g, ans), (dy0, tuple(split_adjoints(b, args, active)))
    return _LAST[1]


def _refuse_full_output(full_output: Any) -> None:
    if full_output:
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            "<s2sad>:?: odeint with full_output=True: its derivative is not supported; "
            "call it without full_output inside the differentiated function")


def split_adjoints(flat: np.ndarray, args: tuple, active: list[int]) -> list:
    """The adjoints of ``args`` from ``flat``, the active ones' entries one after the
    other (each shaped as its argument, a float for a number); zeros for the others."""
    out: list = [0.0 * np.asarray(x) if np.ndim(x) else 0.0 for x in args]
    at = 0
    for k in active:
        size = int(np.size(args[k]))
        part = flat[at:at + size]
        out[k] = float(part[0]) if np.ndim(args[k]) == 0 else np.reshape(part, np.shape(
            args[k]))
        at += size
    return out


def cotangent_like(out: Any, a: np.ndarray) -> Any:
    """``a`` (a flat vector) shaped as the right-hand side's output ``out``: a list or
    tuple of numbers or rows where it returns one (``return [dx, dy]``), whose VJP takes
    a cotangent of that structure."""
    if isinstance(out, (list, tuple)):
        return type(out)(np.reshape(a, np.shape(np.asarray(out, dtype=float))))
    return np.reshape(a, np.shape(out)) if np.ndim(out) else float(a[0])


def _real(a: Any) -> bool:
    """A parameter the adjoint is worked out for (a float or an array of floats); one
    holding floats otherwise (a list, a complex array) is refused, not taken for a
    constant (its derivative would silently be zero)."""
    if isinstance(a, (float, np.floating)) or isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return True
    if _holds_floats(a):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"<s2sad>:?: odeint given a {type(a).__name__} of floats in args: its derivative "
            "is worked out for floats and real float arrays only; pass np.array(...) of "
            "the values (or the values one by one) instead")
    return False


def _holds_floats(a: Any) -> bool:
    if isinstance(a, (list, tuple)):
        return any(_holds_floats(v) for v in a)
    if isinstance(a, dict):
        return any(_holds_floats(v) for v in a.values())
    return isinstance(a, (float, complex, np.floating, np.complexfloating)) or \
        isinstance(a, np.ndarray) and a.dtype.kind in "fc"


_VJPS: dict = {}


def _vjp_of(func: Any, tfirst: bool, active: list[int]) -> Any:
    """``s2sad.vjp`` of the right-hand side in ``y`` and the active parameters."""
    key = (func, tfirst, tuple(active))
    if key not in _VJPS:
        import s2sad
        start = 2  # (y and t come first, in either order)
        _VJPS[key] = s2sad.vjp(func, wrt=(1 if tfirst else 0, *(start + k for k in active)))
    return _VJPS[key]


def odeint_tangent(ans: Any, func: Any, y0: Any, t: Any, args: Any = (), dy0: Any = None,
                   dargs: Any = None, tfirst: bool = False, rtol: Any = None,
                   atol: Any = None, mxstep: int = 0, full_output: Any = 0) -> np.ndarray:
    """The tangent of ``ans = odeint(func, y0, t, args)`` along ``dy0`` and ``dargs``
    (either None: zero): the sensitivity ``s' = df/dy s + df/dargs dargs``, ``s(t0) =
    dy0``, solved with the state by SciPy's solver (a JVP of the right-hand side)."""
    _refuse_full_output(full_output)
    from scipy.integrate import odeint
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    n = int(np.size(y0))
    active = [k for k, a in enumerate(args) if _real(a)]
    jvp = _jvp_of(func, tfirst, active)
    given = [np.zeros_like(np.asarray(args[k], dtype=float)) if dargs is None or
             dargs[k] is None else dargs[k] for k in active]

    def sensitivity_dynamics(state: np.ndarray, time: float) -> np.ndarray:
        y, s = state[:n], state[n:]
        call = (time, y) if tfirst else (y, time)
        value, tangent = jvp(*call, *args, s, *given)
        return np.concatenate([np.ravel(value), np.ravel(tangent)])

    s0 = np.zeros(n) if dy0 is None else np.ravel(np.asarray(dy0, dtype=float))
    state = np.concatenate([np.ravel(np.asarray(y0, dtype=float)), s0])
    out = odeint(sensitivity_dynamics, state, np.asarray(t, dtype=float), rtol=rtol,
                 atol=atol, mxstep=mxstep)
    return np.reshape(out[:, n:], np.shape(ans))


_JVPS: dict = {}


def _jvp_of(func: Any, tfirst: bool, active: list[int]) -> Any:
    """``s2sad.jvp`` of the right-hand side in ``y`` and the active parameters."""
    key = (func, tfirst, tuple(active))
    if key not in _JVPS:
        import s2sad
        _JVPS[key] = s2sad.jvp(func, wrt=(1 if tfirst else 0, *(2 + k for k in active)))
    return _JVPS[key]
