"""Adjoint and tangent helpers of cumulative sums and products: ``np.cumsum``'s adjoint
(the cumulative sum taken from the end), and ``np.cumprod``'s adjoint, tangent and
second derivative (by division where every partial product is a normal number, through
its Jacobian otherwise).  The loop forms of running sums are in :mod:`running`."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.numeric import _float
from s2sad.runtime.running import run_in_place

__all__ = [
    "reverse_cumsum", "cumprod_adjoint", "cumprod_tangent", "cumprod_second",
]


def reverse_cumsum(g: Any, a: Any, axis: Any = None) -> Any:
    """Adjoint of ``np.cumsum(a, axis)``: the cumulative sum taken from the end."""
    if axis is None:
        return np.reshape(np.cumsum(np.ravel(g)[::-1])[::-1], np.shape(a))
    if type(g) is np.ndarray and g.dtype.kind in "fc":  # (wide steps: a loop, in a copy)
        return run_in_place(np.add, g.copy(), axis, reverse=True)
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def _cumprod_jacobian(a: Any, axis: Any) -> np.ndarray:
    """``J[..., j, k] = d cumprod_k / d a_j`` along the last axis (exact at zeros)."""
    n = a.shape[-1]
    m = np.array(np.broadcast_to(a[..., None, :], a.shape[:-1] + (n, n)))
    i = np.arange(n)
    m[..., i, i] = 1.0
    return np.cumprod(m, axis=-1) * (i[None, :] >= i[:, None])


def _cumprod_apply(t: Any, a: Any, axis: Any, spec: str, shape: tuple) -> Any:
    ax = -1 if axis is None else axis
    a2 = _float(a).ravel() if axis is None else np.moveaxis(_float(a), ax, -1)
    t2 = np.ravel(t) if axis is None else np.moveaxis(np.asarray(t), ax, -1)
    r = np.einsum(spec, _cumprod_jacobian(a2, axis), t2)
    return np.reshape(r, shape) if axis is None else np.moveaxis(r, -1, ax)


def _cumprod_curvature(a: np.ndarray) -> np.ndarray:
    """``C[..., j, m, k] = d^2 cumprod_k / d a_j d a_m`` along the last axis."""
    n = a.shape[-1]
    c = np.array(np.broadcast_to(a[..., None, None, :], a.shape[:-1] + (n, n, n)))
    i = np.arange(n)
    c[..., i, :, i] = 1.0
    c[..., :, i, i] = 1.0
    keep = (i[:, None, None] != i[None, :, None]) & (i[None, None, :] >= i[:, None, None]) \
        & (i[None, None, :] >= i[None, :, None])
    return np.cumprod(c, axis=-1) * keep


def cumprod_second(t: Any, u: Any, a: Any, axis: Any = None, adjoint: bool = True) -> Any:
    """Second derivative of ``np.cumprod(a, axis)`` contracted with ``t`` and ``u``:
    ``adjoint=True`` gives the derivative of ``cumprod_adjoint(t, a)`` along ``u``
    (either mode: the contraction is symmetric in ``j, m``), ``False`` that of
    ``cumprod_tangent(t, a)`` along ``u``; or its adjoint when ``u`` is the output's."""
    shape = np.shape(a)
    ax = -1 if axis is None else axis
    def last(v: Any) -> np.ndarray:
        return np.ravel(v) if axis is None else np.moveaxis(np.asarray(v), ax, -1)
    c = _cumprod_curvature(last(_float(a)))
    if adjoint:  # (H(t) u)_j = sum_{m,k} C[j,m,k] t_k u_m
        r = np.einsum("...jmk,...k,...m->...j", c, last(t), last(u))
        return np.reshape(r, shape) if axis is None else np.moveaxis(r, -1, ax)
    r = np.einsum("...jmk,...j,...m->...k", c, last(t), last(u))
    return r if axis is None else np.moveaxis(r, -1, ax)


def _cumprod_normal(a: Any, axis: Any, p: Any = None) -> tuple | None:
    """``(a, axis, cumprod)`` along ``axis`` (``a`` flattened when it is None; ``p``: the
    products when the forward sweep has them) when every partial product is a finite
    number no smaller than the smallest normal float (no zero, no underflow, no
    overflow: the usual case), so that dividing a product by one of its factors is exact
    to rounding; None otherwise."""
    a2 = _float(a).ravel() if axis is None else _float(a)
    ax = 0 if axis is None else axis
    if p is None:
        with np.errstate(over="ignore", under="ignore"):  # (then the Jacobian's case)
            p = np.cumprod(a2, axis=ax)
    p = np.asarray(p)
    if p.size and not _normal(p):
        return None
    return a2, ax, p


def _normal(p: np.ndarray) -> bool:
    """Every entry a finite number no smaller in size than the smallest normal float:
    where they are all positive (survival probabilities, products of positive factors)
    seen from the least and the largest, without an array of their sizes (a NaN fails
    the comparisons and takes the full look)."""
    info = np.finfo(p.dtype)
    if p.dtype.kind == "f" and info.tiny <= p.min() and p.max() <= info.max:
        return True
    return bool(np.abs(p).min() >= info.tiny and np.isfinite(p).all())


def cumprod_adjoint(g: Any, a: Any, axis: Any = None, p: Any = None) -> Any:
    """Adjoint of ``np.cumprod(a, axis)`` (``p``: its value, when kept): ``sum_{k >= j}
    g_k p_k / a_j``, a reverse cumulative sum, O(n), where the products are normal
    numbers; else the O(n^2) per slice Jacobian, exact with zeros."""
    normal = _cumprod_normal(a, axis, p)
    if normal is None:
        return _cumprod_apply(g, a, axis, "...jk,...k->...j", np.shape(a))
    a2, ax, p = normal
    gp = g * p
    if type(gp) is np.ndarray and gp.shape == a2.shape and \
            gp.dtype == np.result_type(gp, a2):  # (one new array, not three: a
        run_in_place(np.add, gp, ax, reverse=True)  # survival curve's adjoint)
        gp /= a2
        return np.reshape(gp, np.shape(a))
    tail = np.flip(np.cumsum(np.flip(gp, ax), ax), ax)
    return np.reshape(tail / a2, np.shape(a))


def cumprod_tangent(da: Any, a: Any, axis: Any = None) -> Any:
    """Tangent of ``np.cumprod(a, axis)``: ``p_k sum_{j <= k} da_j / a_j`` where the
    products are normal numbers (O(n)); else by the Jacobian."""
    normal = _cumprod_normal(a, axis)
    if normal is None:
        return _cumprod_apply(da, a, axis, "...jk,...j->...k", (-1,))
    a2, ax, p = normal
    ratio = (np.ravel(da) if axis is None else da) / a2
    if type(ratio) is np.ndarray and ratio.dtype.kind in "fc" and ratio.shape == p.shape:
        return p * run_in_place(np.add, ratio, ax)  # (a new array: summed in place)
    return p * np.cumsum(ratio, ax)
