"""Numeric helpers that elementwise and reduction rule templates call.

Helpers that take a partial derivative which can be infinite (``sqrt`` at 0,
``log`` at 0, ``arcsin`` at 1, ...) go through :func:`safe_mul` or
:func:`safe_div`: where the incoming adjoint or tangent is exactly zero the
result is exactly zero, never ``0 * inf = nan``, and Python floats never
raise ``ZeroDivisionError``.  0-d results come back as numpy scalars
(``np.float64`` is a ``float``), arrays stay arrays.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "safe_mul", "safe_div", "broadcast_like", "pow_dbase", "pow_dexp", "abs_slope",
    "abs_tangent", "imag_adjoint", "max_share", "min_share", "fmax_share", "fmin_share",
    "clip_mask", "clip_bound_share", "sinc_deriv", "sinc_deriv2", "log_of_base", "polygamma",
    "bessel_i1", "bessel_i1_deriv",
    "sign_adjoint",
    "sign_tangent", "arg_share", "number_sign", "or_one", "conj_if_complex",
]


def _scalar(r: Any) -> Any:
    """A 0-d array as a numpy scalar; anything else unchanged."""
    return r[()] if isinstance(r, np.ndarray) and r.ndim == 0 else r


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None or ndim == 0:  # (NumPy takes axis=0 or -1 of a number: no axis)
        return tuple(range(ndim))
    axis = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % ndim for a in axis)


def _float(x: Any) -> np.ndarray:
    """``x`` as a float (or complex) array, ints promoted."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.inexact) else x.astype(float)


# ----- NaN-safe products and quotients -----

_NUMBERS = (float, int, np.float64)


def safe_mul(g: Any, d: Any) -> Any:
    """``g * d``, exactly 0 where ``g == 0`` even if ``d`` is inf or nan."""
    if type(g) in _NUMBERS and type(d) in _NUMBERS:  # the fast path of scalar code
        return g * d if g else 0.0
    if type(d) in _NUMBERS and math.isfinite(d) or type(g) in _NUMBERS and g:
        return g * d  # a finite factor (or g nowhere 0): nothing to guard
    if type(d) is np.ndarray and _finite(d):
        return g * d  # no 0 * inf anywhere: no guard (and no errstate, ~2 us)
    if type(d) is np.ndarray or type(g) is np.ndarray:
        with np.errstate(invalid="ignore"):
            r = np.multiply(g, d)
        if not _has_nan(r):  # one extra read, no extra pass where nothing is wrong
            return r
        return _zero_where(r, g)
    with np.errstate(all="ignore"):
        r = np.multiply(g, d)
    return _scalar(np.where(np.equal(g, 0), 0.0, r))


def safe_div(g: Any, den: Any) -> Any:
    """``g / den``, exactly 0 where ``g == 0`` even if ``den == 0``; never raises."""
    if type(g) in _NUMBERS and type(den) in _NUMBERS and den:
        return g / den if g else 0.0
    if type(den) in _NUMBERS and den and math.isfinite(den):
        return g / den  # a finite divisor other than 0: nothing to guard
    if type(den) is np.ndarray and _finite(den) and np.count_nonzero(den) == den.size:
        return g / den  # finite, nowhere 0: nothing to guard
    if type(den) is np.ndarray or type(g) is np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.divide(g, den)
        if not _has_nan(r):  # g / 0 = inf is the right answer where g != 0
            return r
        return _zero_where(r, g)
    with np.errstate(all="ignore"):
        r = np.divide(g, den)
    return _scalar(np.where(np.equal(g, 0), 0.0, r))


def _zero_where(r: Any, g: Any) -> Any:
    """``r`` (a product or quotient of ``g``, just made) with 0 where ``g`` is: written in
    place (a masked pole's NaNs: one pass, not a second product and a ``np.where``)."""
    if type(r) is not np.ndarray or not r.ndim:
        return _scalar(np.where(np.equal(g, 0), 0.0, r))
    np.copyto(r, 0.0, where=np.equal(g, 0))
    return r


def or_one(n: Any) -> Any:
    """``n`` with 1.0 where it is 0: the divisor of a norm's partials ``x / n``, whose
    vector is 0 where its norm is (the partial's 0 there, and no NaN for the unguarded
    derivative to fall back from)."""
    if type(n) in _NUMBERS:
        return n or 1.0
    return np.where(n == 0, 1.0, n)


def _finite(a: np.ndarray) -> bool:
    """Whether a float64 array is finite everywhere, by one BLAS dot product (a value
    beyond 1e154 squares to inf: it takes the guarded path, which is right anyway)."""
    if a.dtype == np.float64 and a.flags.c_contiguous and a.size:
        v = a.reshape(-1)
        return math.isfinite(np.dot(v, v))
    return False


def _has_nan(r: np.ndarray) -> bool:
    """Whether ``r`` holds a nan: by one BLAS dot product (nan iff a nan is there;
    inf squares to inf) for contiguous floats, twice as fast as ``isnan().any()``."""
    if r.dtype == np.float64 and r.flags.c_contiguous and r.size:
        v = r.reshape(-1)
        return math.isnan(np.dot(v, v))
    return bool(np.isnan(r).any())


def broadcast_like(t: Any, ans: Any) -> Any:
    """A tangent given the output's shape (a term of ``x + y`` with ``x`` smaller)."""
    if np.shape(t) == np.shape(ans):
        return t
    if isinstance(t, (list, tuple)) and isinstance(ans, (list, tuple)):
        from s2sad.runtime.core import joined_lists
        raise joined_lists()  # (a + b of lists taken for numbers: not a broadcast)
    return np.array(np.broadcast_to(t, np.shape(ans)))


# ----- partial derivatives with kinks or poles -----

def pow_dbase(x: Any, y: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1); 0 where y == 0 (so 0**0 has slope 0)."""
    if type(y) in (int, float) and y and type(x) is np.ndarray and x.dtype.kind == "f":
        return y * _power(x, y - 1)  # a constant exponent: no masks
    x = _float(x)
    with np.errstate(all="ignore"):
        r = y * np.power(x, np.where(np.equal(y, 0), 1.0, np.subtract(y, 1)))
    return _scalar(np.where(np.equal(y, 0), 0.0, r))


def _power(x: np.ndarray, q: float) -> np.ndarray:
    """``x ** q``, by products and one square root for small integer and half-integer
    ``q`` (libm's pow is several times slower than a product)."""
    n = abs(q)
    if n > 6 or 2 * n != int(2 * n):
        with np.errstate(all="ignore"):
            return np.power(x, q)
    with np.errstate(all="ignore"):
        r = np.sqrt(x) if n != int(n) else np.ones_like(x)
        for _ in range(int(n)):
            r = r * x
        return 1.0 / r if q < 0 else r


def pow_dexp(x: Any, ans: Any) -> Any:
    """d(x**y)/dy = x**y * log(x); 0 at x == 0, nan for x < 0."""
    x = _float(x)
    with np.errstate(all="ignore"):
        r = np.multiply(ans, np.log(np.where(np.equal(x, 0), 1.0, x)))
    return _scalar(r)


def abs_slope(x: Any) -> Any:
    """d|x|: ``sign(x)`` (0 at 0) for reals; ``conj(x) / |x|`` for complex ``x``, the
    cotangent convention under which a real output's gradient is its real part."""
    if not np.iscomplexobj(x):
        return np.sign(x)
    x = np.asarray(x)
    size = np.abs(x)
    return _scalar(np.where(size == 0, 0.0, np.conj(x) / np.where(size == 0, 1.0, size)))


def conj_if_complex(x: Any) -> Any:
    """``np.conj(x)``; a real ``x`` itself, not a copy (``|x| ** 2``'s slope is
    ``2 conj(x)``: ``2 x`` of a real ``x``, in one pass)."""
    return np.conj(x) if np.iscomplexobj(x) else x


def abs_tangent(t: Any, x: Any) -> Any:
    """Tangent of |x|: ``t * sign(x)``; ``Re(conj(x) t) / |x|`` for complex ``x``."""
    if not np.iscomplexobj(x):
        return t * np.sign(x)
    return _scalar(np.real(t * abs_slope(x)))


def sign_tangent(t: Any, x: Any, s: Any) -> Any:
    """Tangent of ``s = np.sign(x)``: 0 for real ``x``; for complex ``x`` (NumPy 2:
    ``x / |x|``) ``(t - s**2 conj(t)) / (2 |x|)``, 0 at 0."""
    if not np.iscomplexobj(x):
        return 0.0 * t
    return _on_circle(t - s * s * np.conj(t), x)


def sign_adjoint(g: Any, x: Any, s: Any) -> Any:
    """Adjoint of ``s = np.sign(x)`` (the transpose of :func:`sign_tangent`)."""
    if not np.iscomplexobj(x):
        return np.zeros_like(x, dtype=float) + 0.0 * np.real(g)
    return _on_circle(g - np.conj(g) * np.conj(s * s), x)


def _on_circle(v: Any, x: Any) -> Any:
    size = 2.0 * np.abs(x)
    return _scalar(np.where(size == 0, 0.0, v / np.where(size == 0, 1.0, size)))


def imag_adjoint(g: Any, val: Any) -> Any:
    """Adjoint of ``np.imag(val)``: ``-1j * g`` for complex ``val``, 0 for a real one."""
    return -1j * g if np.iscomplexobj(val) else np.zeros_like(g, dtype=float) + 0.0 * g


def max_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``max(x, y)``: 1, 1/2 on a tie, 0."""
    return _share(np.greater(x, y), x, y)


def min_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``min(x, y)``: 1, 1/2 on a tie, 0."""
    return _share(np.less(x, y), x, y)


def _share(wins: Any, x: Any, y: Any) -> Any:
    """``wins`` as 1/0 (a boolean mask multiplies like one), 1/2 where ``x == y``."""
    ties = np.equal(x, y)
    if not np.count_nonzero(ties):  # no tie: the mask itself (relu's gradient in two
        return wins  # passes; count_nonzero of a mask is C alone, np.any ~5 Python calls)
    return _scalar(wins + 0.5 * ties)


def number_sign(x: Any) -> Any:
    """``np.sign`` of a real number (NaN stays NaN) without a ufunc call: the slope of
    ``abs`` in an element loop costs a comparison, not ~1 us."""
    return 1.0 if x > 0 else -1.0 if x < 0 else x * 0.0


def arg_share(v: Any, result: Any, other: Any, *more: Any) -> float:
    """Share of the number ``v`` in the builtin ``max(v, other, *more)`` or ``min`` (which
    returned ``result``): 1 over how many arguments equal ``result`` if ``v`` does,
    else 0 (``extremum_args_adjoint``'s split, for numbers: no arrays of hits)."""
    if v != result:
        return 0.0
    if more:
        return 1.0 / (1 + (other == result) + sum(1 for o in more if o == result))
    return 0.5 if other == result else 1.0


def fmax_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``np.fmax(x, y)``: as ``max_share``, but nan loses."""
    share = np.where(np.isnan(y), 1.0, max_share(x, y))
    return _scalar(np.where(np.isnan(x), 0.0, share))


def fmin_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``np.fmin(x, y)``: as ``min_share``, but nan loses."""
    share = np.where(np.isnan(y), 1.0, min_share(x, y))
    return _scalar(np.where(np.isnan(x), 0.0, share))


def clip_mask(a: Any, lo: Any, hi: Any) -> Any:
    """1.0 where ``lo <= a <= hi`` (inclusive; ``None`` is no bound), else 0 (the
    comparisons' own masks, combined in place: no mask of ones to start from)."""
    if lo is None and hi is None:
        return _scalar(np.ones(np.shape(a)))
    if lo is None or hi is None:
        inside = np.greater_equal(a, lo) if hi is None else np.less_equal(a, hi)
    else:
        inside = np.greater_equal(a, lo)
        above = np.less_equal(a, hi)
        if type(inside) is np.ndarray and inside.shape == np.shape(above):
            inside &= above
        else:
            inside = inside & above
    return _scalar(inside.astype(float))


def clip_bound_share(a: Any, lo: Any, hi: Any, upper: bool) -> Any:
    """1.0 where ``np.clip(a, lo, hi)`` is the bound ``hi`` (``upper``) or ``lo``, else 0:
    NumPy's clip is ``min(max(a, lo), hi)``, so where ``lo > hi`` it is ``hi``."""
    return _scalar(np.asarray(bound_hit(a, lo, hi, upper)).astype(float))


def bound_hit(a: Any, lo: Any, hi: Any, upper: bool) -> Any:
    if upper:
        return (a > hi) | (lo > hi) if lo is not None else a > hi
    return (a < lo) & (lo <= hi) if hi is not None else a < lo


def sinc_deriv(x: Any) -> Any:
    """d sinc(x)/dx = (cos(pi x) - sinc(x)) / x; its Taylor series near 0 (exact at 0)."""
    x = _float(x)
    far = np.where(np.abs(x) < 1e-3, 1.0, x)
    series = -np.pi ** 2 * x / 3 + np.pi ** 4 * x ** 3 / 30
    return _scalar(np.where(np.abs(x) < 1e-3, series, (np.cos(np.pi * far) - np.sinc(far)) / far))


def sinc_deriv2(x: Any) -> Any:
    """d^2 sinc(x)/dx^2 = (-pi sin(pi x) - 2 sinc'(x)) / x; its Taylor series near 0."""
    x = _float(x)
    far = np.where(np.abs(x) < 1e-3, 1.0, x)
    series = -np.pi ** 2 / 3 + np.pi ** 4 * x ** 2 / 10
    r = (-np.pi * np.sin(np.pi * far) - 2 * sinc_deriv(far)) / far
    return _scalar(np.where(np.abs(x) < 1e-3, series, r))


def bessel_i1(x: Any) -> Any:
    """The modified Bessel function I1, ``np.i0``'s derivative: SciPy's when installed,
    else its power series sum (x/2)^(2k+1) / (k! (k+1)!) summed to double precision."""
    x = _float(x)
    try:
        from scipy.special import i1
    except ImportError:
        half, term = x / 2, x / 2
        total = term
        for k in range(1, 500):
            term = term * half * half / (k * (k + 1))
            total = total + term
            if np.all(np.abs(term) <= 1e-17 * np.abs(total)):
                break
        return _scalar(total)
    return _scalar(i1(x))


def bessel_i1_deriv(x: Any) -> Any:
    """d I1(x)/dx = I0(x) - I1(x) / x; 1/2 at 0 (its series there)."""
    x = _float(x)
    far = np.where(np.abs(x) < 1e-4, 1.0, x)
    near = 0.5 + 3 * x * x / 16
    return _scalar(np.where(np.abs(x) < 1e-4, near, np.i0(far) - bessel_i1(far) / far))


def log_of_base(base: Any) -> Any:
    """``log(base)``; 1.0 for ``math.log(x)`` called without a base."""
    return 1.0 if base is None else np.log(base)


def polygamma(n: Any, x: Any) -> Any:
    """The n-th derivative of digamma: ``gammaln`` has derivative ``polygamma(0, x)``
    (needs scipy, imported only when used).  Of a Python int order the one function it
    takes: scipy's ``polygamma`` computes both ``digamma`` and the ``zeta`` form for
    every element, then picks one by ``np.where`` (1.6x the time of ``digamma``)."""
    import scipy.special as sp
    if type(n) is int and n >= 0:
        if n == 0:
            return _scalar(sp.digamma(x))
        return _scalar((-1.0) ** (n + 1) * math.factorial(n) * sp.zeta(n + 1, x))
    return _scalar(sp.polygamma(n, x))
