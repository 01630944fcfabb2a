"""NumPy's statistics differentiated through closed forms (``defthrough``), written as
NumPy computes them so values agree to rounding.

- ``np.cov`` / ``np.corrcoef``: the centred product ``d @ d.T / (N - ddof)`` (``y``,
  ``rowvar``, ``bias``, ``ddof``; ``fweights`` and ``aweights``, differentiated in the
  latter too, with NumPy's weighted mean and normalisation); the correlation is
  the covariance scaled by its diagonal's square roots, clipped to [-1, 1] as NumPy does.
- ``np.quantile``, ``np.percentile`` (``np.median`` has a rule of its own): the sorted
  values taken at the order statistics, linearly interpolated (NumPy's default
  ``method='linear'``, its other continuous methods, ``'weibull'``, ``'hazen'``, ...,
  whose ranks differ, and ``'lower'``, ``'higher'``, ``'midpoint'``, ``'nearest'``,
  which weigh the two statistics around the rank 0, 1 or 1/2); the derivative goes to
  the elements at those ranks (between two, by the weights).  An ``axis`` that is an
  int or None, ``keepdims``; a ``q`` that is a number or a vector.
- ``np.vander``: the columns are powers of ``x``.

What is not covered is refused at the user's line.
"""
from __future__ import annotations

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        dtype=None):
    x = np.atleast_2d(m)
    if not rowvar and x.shape[0] != 1:
        x = x.T
    if y is not None:
        z = np.atleast_2d(y)
        if not rowvar and z.shape[0] != 1:
            z = z.T
        x = np.concatenate((x, z), axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    if fweights is None and aweights is None:
        d = x - np.mean(x, axis=1, keepdims=True)
        return np.squeeze(d @ np.conj(d.T) / (x.shape[1] - ddof))
    return weighted_cov(x, ddof, fweights, aweights)


def weighted_cov(x, ddof, fweights, aweights):
    """NumPy's weighted covariance: frequencies times weights, the normalisation its
    ``fact`` (the weights' sum less ``ddof`` times their mean weight)."""
    if fweights is None:
        w = aweights
    elif aweights is None:
        w = np.asarray(fweights) * 1.0
    else:
        w = np.asarray(fweights) * aweights
    total = np.sum(w)
    d = x - (x @ w / total)[:, None]
    if ddof == 0:
        fact = total
    elif aweights is None:
        fact = total - ddof
    else:
        fact = total - ddof * np.sum(w * aweights) / total
    return np.squeeze(d @ np.conj((d * w).T) / fact)


def corrcoef(x, y=None, rowvar=True, dtype=None):
    c = cov(x, y, rowvar)
    if np.ndim(c) == 0:
        return c / c
    s = np.sqrt(np.diag(c))
    return np.clip(c / s[:, None] / s[None, :], -1.0, 1.0)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method='linear',
             keepdims=False, weights=None, interpolation=None):
    method = method if interpolation is None else interpolation
    if method not in _CONTINUOUS and method not in _PICKED or weights is not None:
        raise DifferentiationError(_METHODS)
    kept = axis
    if isinstance(axis, (tuple, list)):  # several axes: moved last and joined into one
        kept = tuple(sorted(k % np.ndim(a) for k in axis))
        last = np.ndim(a) - len(kept)
        a = np.moveaxis(a, kept, tuple(range(last, np.ndim(a))))
        a = np.reshape(a, np.shape(a)[:last] + (-1,))
        axis = -1
    if axis is None:
        s = np.sort(np.ravel(a))
        at = 0
    else:
        s = np.sort(a, axis=axis)
        at = axis
    n = s.shape[at]
    position = np.clip(_rank(n, np.asarray(q), method), 0, n - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, n - 1)
    weight = position - below
    if method in _PICKED:  # (the weight of the upper statistic: 0, 1 or 1/2)
        weight = _PICKED[method] * (position > below)
    if method == 'nearest':  # (NumPy rounds half to even)
        weight = 1.0 * (np.around(position) > below)
    low = np.take(s, below, axis=at)
    high = np.take(s, above, axis=at)
    if np.ndim(q) > 0 and axis is not None:  # (q's axes first, as NumPy puts them)
        taken = tuple(range(at % np.ndim(s), at % np.ndim(s) + np.ndim(q)))
        low = np.moveaxis(low, taken, tuple(range(np.ndim(q))))
        high = np.moveaxis(high, taken, tuple(range(np.ndim(q))))
        weight = np.reshape(weight, np.shape(weight) + (1,) * (np.ndim(low) - np.ndim(q)))
    out = low + (high - low) * weight
    if keepdims:
        return _kept(out, a, kept, np.ndim(q))
    return out


# NumPy's continuous methods: the rank n q + alpha + q (1 - alpha - beta) - 1, clipped
# (alpha = beta for all of these but 'interpolated_inverted_cdf', left out)
_CONTINUOUS = {'linear': 1.0, 'weibull': 0.0, 'hazen': 0.5, 'median_unbiased': 1 / 3,
               'normal_unbiased': 3 / 8}
# the methods picking between the two order statistics around the linear rank
_PICKED = {'lower': 0.0, 'higher': 1.0, 'midpoint': 0.5, 'nearest': 1.0}
_METHODS = ("<s2sad>:?: np.quantile: only the methods " + ", ".join(
    map(repr, (*_CONTINUOUS, *_PICKED))) + ", without weights")


def _rank(n, q, method):
    """The fractional rank NumPy computes, written as it writes it: the same rounding, so
    'lower', 'nearest' and the like pick the order statistic NumPy picks at a rank
    that is whole or half (``(n - 1) * q`` is 3.5 for n = 6, q = 0.7; ``n * q + 1 - q
    - 1`` is 3.4999999999999996)."""
    if method not in _CONTINUOUS or method == 'linear':
        return (n - 1) * q
    alpha = _CONTINUOUS[method]
    return n * q + (alpha + q * (1 - alpha - alpha)) - 1


def _kept(out, a, axis, qdim):
    if axis is None:
        return np.reshape(out, np.shape(out) + (1,) * np.ndim(a))
    if isinstance(axis, tuple):  # (the axes joined: each kept where it was)
        return np.expand_dims(out, tuple(k + qdim for k in axis))
    return np.expand_dims(out, axis % (np.ndim(out) + 1 - qdim) + qdim)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method='linear',
               keepdims=False, weights=None, interpolation=None):
    return quantile(a, np.asarray(q) / 100.0, axis, out, overwrite_input, method, keepdims,
                    weights, interpolation)


def vander(x, N=None, increasing=False):
    n = np.size(x) if N is None else N
    powers = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    return np.asarray(x)[:, None] ** powers


defthrough(np.cov, cov)
defthrough(np.corrcoef, corrcoef)
defthrough(np.quantile, quantile)
defthrough(np.percentile, percentile)
defthrough(np.vander, vander)
