"""``scipy.integrate.solve_ivp``'s solution and its derivatives (the rule in
``rules/scipy_integrate.py``, the closed form building the result in
``rules/scipy_integrate_through.py``).

The forward pass runs SciPy's solver as the user's code does (the same values).  The
output times (``t_eval``, or the steps the solver chose) are taken as given, as in
:mod:`integrate` for ``odeint``: the reverse pass solves the adjoint system backward in
time between them, down to ``t_span[0]``, with the same method and tolerances (``a' =
-a^T df/dy``, ``b' = -a^T df/dargs``, the output's cotangent added to ``a`` at each
output time); the forward pass of a tangent solves the sensitivity equations with the
state.  Exact up to the solver's tolerances."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.integrate import _jvp_of, _real, _vjp_of, cotangent_like, split_adjoints

__all__ = ["ivp_solve", "ivp_adjoint", "ivp_tangent"]

_LAST: list = [None, None]  # (g, ans) of the last adjoint worked out, and its result


def ivp_solve(fun: Any, t_span: Any, y0: Any, method: Any, t_eval: Any, rtol: float,
              atol: Any, first_step: Any, max_step: Any, args: Any, *free: Any) -> np.ndarray:
    """``np.vstack([sol.t, sol.y])`` of ``solve_ivp(..., args=args)`` (one array: the
    times a row that carries no derivative); ``free``: more arguments of ``fun``, after
    ``args`` (the variables a closure read, lifted); a failed solve refused (its
    derivative needs a solution)."""
    from scipy.integrate import solve_ivp
    sol = solve_ivp(fun, t_span, y0, method=method, t_eval=t_eval,
                    args=_all(args, free) or None, rtol=rtol, atol=atol,
                    **_steps(first_step, max_step))
    if not sol.success:
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(f"<s2sad>:?: solve_ivp failed ({sol.message}): its "
                                   "derivative needs a solution")
    return np.vstack([sol.t, sol.y])


def _all(args: Any, free: tuple) -> tuple:
    return (() if args is None else tuple(args)) + tuple(free)


def _steps(first_step: Any, max_step: Any) -> dict:
    return {"first_step": first_step, "max_step": np.inf if max_step is None else max_step}


def ivp_adjoint(g: Any, ans: np.ndarray, fun: Any, t_span: Any, y0: Any, method: Any,
                t_eval: Any, rtol: float, atol: Any, first_step: Any, max_step: Any,
                args: Any, free: tuple) -> tuple:
    """(adjoint of ``y0``, adjoints of ``args``, adjoints of ``free``) for the cotangent
    ``g`` of ``ans``; worked out once for the templates that read it."""
    if _LAST[0] is not None and _LAST[0][0] is g and _LAST[0][1] is ans:
        return _LAST[1]
    from scipy.integrate import solve_ivp
    given, args = args, _all(args, free)
    ts, ys = ans[0], ans[1:]
    n = int(np.size(y0))
    g = np.zeros_like(ans) if g is None else np.asarray(g, dtype=float)
    if t_eval is None and np.any(g[0, 1:-1]):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            "<s2sad>:?: a derivative through the times solve_ivp chose (sol.t without "
            "t_eval): they are taken as given; pass t_eval to fix them")
    gs = g[1:]
    active = [k for k, a in enumerate(args) if _real(a)]
    sizes = [int(np.size(args[k])) for k in active]
    vjp = _vjp_of(fun, True, active)

    template = fun(ts[-1], ys[:, -1], *args) if len(ts) else None  # (its cotangent's kind)

    def adjoint_dynamics(time: float, state: np.ndarray) -> np.ndarray:
        y, a = state[:n], state[n:2 * n]
        value, grads = vjp(time, y, *args, cotangent_like(template, a))
        parts = [np.ravel(grads[0])] + [np.ravel(d) for d in grads[1:]]
        return np.concatenate([np.ravel(value), *(-p for p in parts)])

    def back(state: np.ndarray, start: float, stop: float) -> np.ndarray:
        return solve_ivp(adjoint_dynamics, (start, stop), state, method=method, rtol=rtol,
                         atol=atol, **_steps(first_step, max_step)).y[:, -1]

    a, b = np.zeros(n), np.zeros(sum(sizes))
    for i in range(len(ts) - 1, -1, -1):  # (from each output time to the one before)
        a = a + gs[:, i]
        stop = ts[i - 1] if i else float(t_span[0])
        if stop != ts[i]:
            state = back(np.concatenate([ys[:, i], a, b]), float(ts[i]), float(stop))
            a, b = state[n:2 * n], state[2 * n:]
    dy0 = float(a[0]) if np.shape(y0) == () else np.reshape(a, np.shape(y0))
    dargs = split_adjoints(b, args, active)
    first = 0 if given is None else len(given)
    _LAST[0], _LAST[1] = (g, ans), (dy0, None if given is None else tuple(dargs[:first]),
                                    tuple(dargs[first:]))
    return _LAST[1]


def ivp_tangent(ans: np.ndarray, fun: Any, t_span: Any, y0: Any, method: Any, t_eval: Any,
                rtol: float, atol: Any, first_step: Any, max_step: Any, args: Any,
                free: tuple, dy0: Any = None, dargs: Any = None, k: int = -1,
                dk: Any = None) -> np.ndarray:
    """The tangent of ``ans = ivp_solve(...)`` along ``dy0`` and ``dargs`` (tangents of
    ``args``; None: zero) or, for ``k`` at least 0, along ``dk`` in ``free[k]``: the
    sensitivity ``s' = df/dy s + df/dargs
    dargs``, ``s(t0) = dy0``, solved with the state and read at the output times; the
    times' row is zero (``t_eval``, the ends) or NaN (the steps the solver chose, whose
    derivative is not worked out)."""
    from scipy.integrate import solve_ivp
    first = 0 if args is None else len(args)
    tangents = list(dargs or [None] * first) + [None] * len(free)
    if k >= 0:
        tangents[first + k] = dk
    args = _all(args, free)
    n = int(np.size(y0))
    active = [j for j, a in enumerate(args) if _real(a)]
    jvp = _jvp_of(fun, True, active)
    given = [np.zeros_like(np.asarray(args[j], dtype=float)) if tangents[j] is None else
             tangents[j] for j in active]

    def sensitivity_dynamics(time: float, state: np.ndarray) -> np.ndarray:
        value, tangent = jvp(time, state[:n], *args, state[n:], *given)
        return np.concatenate([np.ravel(value), np.ravel(tangent)])

    s0 = np.zeros(n) if dy0 is None else np.ravel(np.asarray(dy0, dtype=float))
    state = np.concatenate([np.ravel(np.asarray(y0, dtype=float)), s0])
    ts = ans[0]
    out = solve_ivp(sensitivity_dynamics, t_span, state, method=method, t_eval=ts, rtol=rtol,
                    atol=atol, **_steps(first_step, max_step))
    dt = np.zeros(np.shape(ts))
    if t_eval is None:
        dt[1:-1] = np.nan  # (the times the solver chose: their derivative not known)
    return np.vstack([dt, out.y[n:]])
