"""NumPy's polynomial helpers and a few array functions differentiated through closed
forms (``defthrough``) that compute the same values, as NumPy does:

- ``np.polyadd``, ``np.polysub`` (the shorter coefficients padded with leading zeros),
  ``np.polymul`` (``np.convolve``), ``np.polyder`` (coefficients times their powers,
  ``m`` times), ``np.polyint`` (divided by their new powers, the constants ``k`` last);
  coefficients as arrays (``np.poly1d`` objects are refused);
- ``np.geomspace`` (``np.logspace`` of the logarithms, of ends of one sign);
- ``np.modf`` (``x - np.trunc(x)`` and ``np.trunc(x)``);
- ``np.broadcast_arrays`` (``np.broadcast_to`` the common shape, each).
"""
from __future__ import annotations

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def polyadd(a1, a2):
    a, b = _coefficients(a1), _coefficients(a2)
    extra = np.size(b) - np.size(a)
    if extra > 0:
        return np.concatenate([np.zeros(extra), a]) + b
    if extra < 0:
        return a + np.concatenate([np.zeros(-extra), b])
    return a + b


def polysub(a1, a2):
    return polyadd(a1, -_coefficients(a2))


def polymul(a1, a2):
    return np.convolve(_coefficients(a1), _coefficients(a2))


def polyder(p, m=1):
    out = _coefficients(p)
    for _ in range(m):
        n = np.size(out) - 1
        out = out[:-1] * np.arange(n, 0, -1)
    return out


def polyint(p, m=1, k=None):
    out = _coefficients(p)
    constants = np.zeros(m) if k is None else np.broadcast_to(k, (m,))
    for i in range(m):
        out = np.concatenate([out / np.arange(np.size(out), 0, -1), constants[i:i + 1]])
    return out


def _coefficients(p):
    if isinstance(p, np.poly1d):
        raise DifferentiationError("<s2sad>:?: a np.poly1d object: pass its coefficients "
                                   "(p.coeffs) as an array")
    return np.atleast_1d(p)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    sign = np.sign(start)  # (NumPy asks for ends of one sign)
    spread = np.logspace(np.log10(start * sign), np.log10(stop * sign), num,
                         endpoint=endpoint, axis=axis)
    if np.ndim(sign) > 0:  # (ends of arrays: the samples run along axis)
        sign = np.expand_dims(sign, axis % np.ndim(spread))
    return sign * spread


def modf(x):
    whole = np.trunc(x)
    return x - whole, whole


def broadcast_arrays(*args, subok=False):
    shape = np.broadcast_shapes(*[np.shape(a) for a in args])
    return tuple([np.broadcast_to(a, shape) for a in args])


for _fn, _reference in ((np.polyadd, polyadd), (np.polysub, polysub), (np.polymul, polymul),
                        (np.polyder, polyder), (np.polyint, polyint),
                        (np.geomspace, geomspace), (np.modf, modf),
                        (np.broadcast_arrays, broadcast_arrays)):
    defthrough(_fn, _reference)
