"""Roots that SciPy's solvers find (``scipy.optimize.brentq``, ``bisect``, ``ridder``,
``brenth``, ``newton``, ``root_scalar``, ``fsolve``; the closed forms in
``rules/scipy_optimize.py``) and their derivatives by the implicit function theorem;
``minimize``'s minimum as the root of the gradient (its Jacobian the Hessian) and its
value ``res.fun`` (whose derivative is the gradient of ``fun`` there).

The root is SciPy's own.  At a root ``x`` of ``F(x, p) = 0`` (``p``: the parameters
``args`` and the variables a closure given as the function reads, lifted),
``dx/dp = -(dF/dx)^{-1} dF/dp``: the reverse rule solves ``(dF/dx)^T l = -g`` and takes
``l^T dF/dp`` (one VJP of ``F``, which s2sad differentiates), the forward rule
``-(dF/dx)^{-1} (dF/dp dp)`` (one JVP).  The bracket and the starting point carry no
derivative (the root does not move with them); a root where ``dF/dx`` is singular
is refused."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.integrate import _real, cotangent_like

__all__ = ["root_value", "root_adjoint", "root_tangent", "minimum_value", "gradient_of",
           "value_at", "value_adjoint", "value_tangent"]

_DERIVATIVES: dict = {}
_LAST: list = [None, None]  # (g, ans) of the last adjoint worked out, and its result


def root_value(solver: Any, f: Any, fprime: Any, fprime2: Any, start: tuple, settings: dict,
               args: Any, *free: Any) -> Any:
    """``solver(f, *start, args=..., **settings)`` (with ``fprime``, ``fprime2`` where
    given: functions, apart from the settings so that a lambda is made a function): the
    root (``.root`` of a ``root_scalar`` result; a failed one refused)."""
    given = {k: v for k, v in (("fprime", fprime), ("fprime2", fprime2)) if v is not None}
    out = solver(f, *start, args=_all(args, free), **settings, **given)
    if hasattr(out, "root"):
        if not out.converged:
            _refuse(f"root_scalar did not converge ({out.flag})")
        return float(out.root)
    return float(out) if np.ndim(out) == 0 and not isinstance(out, np.ndarray) else out


def _all(args: Any, free: tuple) -> tuple:
    if args is not None and not isinstance(args, tuple):
        args = (args,)  # (args=k means args=(k,) to SciPy's solvers)
    return (() if args is None else args) + tuple(free)


def _refuse(why: str) -> None:
    from s2sad.errors import DifferentiationError
    raise DifferentiationError(f"<s2sad>:?: {why}: its derivative needs a root where the "
                               "function's derivative in x is invertible")


def _jacobian_in_x(f: Any, x: Any, every: tuple) -> np.ndarray:
    """``dF/dx`` at the root, a matrix (``n x n``) of the flattened root."""
    import s2sad
    key = ("jacobian", f)
    if key not in _DERIVATIVES:
        _DERIVATIVES[key] = s2sad.jacobian(f, wrt=0)
    n = int(np.size(x))
    J = np.reshape(np.asarray(_DERIVATIVES[key](x, *every), dtype=float), (n, n))
    if not np.all(np.isfinite(J)) or np.linalg.cond(J) > 1e14:
        _refuse("a root where dF/dx is singular")
    return J


def _vjp_in(f: Any, active: list[int]) -> Any:
    import s2sad
    key = ("vjp", f, tuple(active))
    if key not in _DERIVATIVES:
        _DERIVATIVES[key] = s2sad.vjp(f, wrt=tuple(1 + k for k in active))
    return _DERIVATIVES[key]


def _jvp_in(f: Any, k: int) -> Any:
    """``s2sad.jvp`` of ``f`` in its argument ``1 + k`` (``k = -1``: the first)."""
    import s2sad
    key = ("jvp", f, k)
    if key not in _DERIVATIVES:
        _DERIVATIVES[key] = s2sad.jvp(f, wrt=1 + k)
    return _DERIVATIVES[key]


def root_adjoint(g: Any, ans: Any, f: Any, args: Any, free: tuple) -> tuple:
    """(adjoints of ``args``, adjoints of ``free``) for the cotangent ``g`` of the root."""
    if _LAST[0] is not None and _LAST[0][0] is g and _LAST[0][1] is ans:
        return _LAST[1]
    every = _all(args, free)
    grads: list = [0.0 * np.asarray(v) if np.ndim(v) else 0.0 for v in every]
    active = [k for k, v in enumerate(every) if _real(v)]
    if active and g is not None:
        J = _jacobian_in_x(f, ans, every)
        lam = np.linalg.solve(J.T, -np.ravel(np.asarray(g, dtype=float)))
        _, parts = _vjp_in(f, active)(ans, *every, cotangent_like(f(ans, *every), lam))
        for k, part in zip(active, parts):
            grads[k] = float(np.real(part)) if np.ndim(every[k]) == 0 else part
    first = len(_all(args, ()))
    mine: Any = None if args is None else tuple(grads[:first]) if isinstance(
        args, tuple) else grads[0]  # (args=k: k's adjoint)
    result = (mine, tuple(grads[first:]))
    _LAST[0], _LAST[1] = (g, ans), result
    return result


def root_tangent(ans: Any, f: Any, args: Any, free: tuple, dargs: Any = None, k: int = -1,
                 dk: Any = None) -> Any:
    """The tangent of the root along ``dargs`` (of ``args``) or, for ``k`` at least 0,
    ``dk`` (of ``free[k]``): ``-(dF/dx)^{-1} (dF/dp dp)``."""
    every = _all(args, free)
    first = len(_all(args, ()))
    given = [] if dargs is None else list(dargs) if isinstance(args, tuple) else [dargs]
    pairs = list(enumerate(given)) + ([(first + k, dk)] if k >= 0 else [])
    total = np.zeros(np.shape(ans))
    for j, t in pairs:
        if t is not None and _real(every[j]):
            total = total + np.asarray(_jvp_in(f, j)(ans, *every, t)[1], dtype=float)
    if not np.any(total):
        return 0.0 * total if np.ndim(ans) else 0.0
    J = _jacobian_in_x(f, ans, every)
    dx = np.linalg.solve(J, -np.ravel(total))
    return float(dx[0]) if np.ndim(ans) == 0 else np.reshape(dx, np.shape(ans))


# ----- minimize: the root of the gradient, and the value there -----

def minimum_value(fun: Any, jac: Any, hess: Any, x0: Any, settings: dict, args: Any,
                  *free: Any) -> Any:
    """``minimize(fun, x0, args=..., jac=jac, hess=hess, **settings).x``: a root of the
    gradient (whose derivative :func:`root_adjoint` works out from :func:`gradient_of`);
    with no ``x0``, ``minimize_scalar(fun, args=..., **settings).x`` (a number)."""
    from scipy.optimize import minimize, minimize_scalar
    if x0 is None:
        return float(minimize_scalar(fun, args=_all(args, free), **settings).x)
    given = {k: v for k, v in (("jac", jac), ("hess", hess)) if v is not None}
    return minimize(fun, x0, args=_all(args, free), **settings, **given).x


def gradient_of(fun: Any) -> Any:
    """``s2sad.grad(fun)`` (in its first argument), made once: the function whose root a
    minimum is."""
    import s2sad
    key = ("grad", fun)
    if key not in _DERIVATIVES:
        _DERIVATIVES[key] = s2sad.grad(fun, wrt=0)
    return _DERIVATIVES[key]


def value_at(fun: Any, x: Any, args: Any, *free: Any) -> float:
    """``fun(x, *args)``: the minimum's value (``res.fun``)."""
    return float(fun(x, *_all(args, free)))


def value_adjoint(g: Any, fun: Any, x: Any, args: Any, free: tuple) -> tuple:
    """(adjoint of ``x``, of ``args``, of ``free``) of ``value_at`` for the cotangent
    ``g``: ``g`` times the gradient of ``fun`` in each."""
    import s2sad
    every = _all(args, free)
    active = [k for k, v in enumerate(every) if _real(v)]
    key = ("value", fun, tuple(active))
    if key not in _DERIVATIVES:
        _DERIVATIVES[key] = s2sad.grad(fun, wrt=(0, *(1 + k for k in active)))
    parts = _DERIVATIVES[key](x, *every)
    grads: list = [0.0 * np.asarray(v) if np.ndim(v) else 0.0 for v in every]
    for k, part in zip(active, parts[1:]):
        grads[k] = g * part
    first = len(_all(args, ()))
    mine: Any = None if args is None else tuple(grads[:first]) if isinstance(
        args, tuple) else grads[0]
    return g * parts[0], mine, tuple(grads[first:])


def value_tangent(fun: Any, x: Any, args: Any, free: tuple, dx: Any = None,
                  dargs: Any = None, k: int = -1, dk: Any = None) -> float:
    """The tangent of ``value_at`` along ``dx``, ``dargs`` or (``k`` at least 0) ``dk``."""
    every = _all(args, free)
    first = len(_all(args, ()))
    given = [] if dargs is None else list(dargs) if isinstance(args, tuple) else [dargs]
    pairs = ([(-1, dx)] if dx is not None else []) + list(enumerate(given)) + \
        ([(first + k, dk)] if k >= 0 else [])
    total = 0.0
    for j, t in pairs:
        if t is not None and (j < 0 or _real(every[j])):
            total += float(_jvp_in(fun, j)(x, *every, t)[1])
    return total
