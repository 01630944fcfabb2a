"""``scipy.integrate.simpson`` differentiated through a closed form computing what
SciPy computes (``defthrough``), in ``y`` and in the sample points ``x`` / spacing
``dx``: Simpson's rule for uneven spacing over each pair of intervals, and for an even
number of points Cartwright's correction of the last interval (SciPy >= 1.11); two
points, the trapezoid.  The points ``x`` as one vector along ``axis``."""
from __future__ import annotations

import numpy as np
import scipy.integrate as integrate

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def simpson(y, x=None, *, dx=1.0, axis=-1):
    z = np.moveaxis(np.asarray(y), axis, -1)
    n = np.shape(z)[-1]
    d = _spacings(x, dx, n)
    if n == 2:
        return 0.5 * d[0] * (z[..., 1] + z[..., 0])
    if n % 2 == 1:
        return _pairs(z, d, n - 1)
    h0 = d[n - 3]
    h1 = d[n - 2]
    alpha = (2 * h1 ** 2 + 3 * h0 * h1) / (6 * (h1 + h0))
    beta = (h1 ** 2 + 3 * h0 * h1) / (6 * h0)
    eta = h1 ** 3 / (6 * h0 * (h0 + h1))
    return _pairs(z, d, n - 2) + alpha * z[..., -1] + beta * z[..., -2] - eta * z[..., -3]


def _spacings(x, dx, n):
    if x is None:
        return dx * np.ones(n - 1)
    if np.ndim(x) != 1:
        raise DifferentiationError("<s2sad>:?: scipy.integrate.simpson with sample points x "
                                   "of more than one axis: pass them as one vector")
    return np.diff(x)


def _pairs(z, d, m):
    """Simpson's rule over the first ``m`` intervals (``m`` even), of any spacing."""
    h0 = d[0:m:2]
    h1 = d[1:m:2]
    hsum = h0 + h1
    ratio = h0 / h1
    terms = z[..., 0:m:2] * (2 - 1.0 / ratio) + z[..., 1:m:2] * (hsum * hsum / (h0 * h1)) \
        + z[..., 2:m + 1:2] * (2 - ratio)
    return np.sum(hsum / 6.0 * terms, axis=-1)


defthrough(integrate.simpson, simpson)
