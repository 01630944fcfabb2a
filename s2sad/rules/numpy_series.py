"""The values of NumPy's polynomial series (``np.polynomial``) differentiated through
closed forms (``defthrough``) computing them as NumPy does, in the coefficients and in
``x``: ``polynomial.polyval`` by Horner's rule; ``chebyshev.chebval``,
``legendre.legval``, ``hermite.hermval``, ``hermite_e.hermeval`` and
``laguerre.lagval`` by Clenshaw's recurrence of each basis (NumPy's own loops, read
from the highest coefficient down).  One series (coefficients a vector or a list);
a matrix of coefficients, several series at once, is refused."""
from __future__ import annotations

import numpy as np
import numpy.polynomial as npp

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def polyval(x, c, tensor=True):
    x, n = _points(x), _count(c)
    total = c[n - 1] + 0.0 * x
    for i in range(2, n + 1):
        total = c[n - i] + total * x
    return total


def chebval(x, c, tensor=True):
    x, n = _points(x), _count(c)
    c0, c1 = _last_two(c, n)
    for i in range(3, n + 1):
        c0, c1 = c[n - i] - c1, c0 + c1 * (2 * x)
    return c0 + c1 * x


def legval(x, c, tensor=True):
    x, n = _points(x), _count(c)
    c0, c1 = _last_two(c, n)
    nd = n
    for i in range(3, n + 1):
        nd = nd - 1
        c0, c1 = c[n - i] - c1 * (nd - 1) / nd, c0 + c1 * x * (2 * nd - 1) / nd
    return c0 + c1 * x


def hermval(x, c, tensor=True):
    x, n = _points(x), _count(c)
    c0, c1 = _last_two(c, n)
    nd = n
    for i in range(3, n + 1):
        nd = nd - 1
        c0, c1 = c[n - i] - c1 * (2 * (nd - 1)), c0 + c1 * (2 * x)
    return c0 + c1 * (2 * x)


def hermeval(x, c, tensor=True):
    x, n = _points(x), _count(c)
    c0, c1 = _last_two(c, n)
    nd = n
    for i in range(3, n + 1):
        nd = nd - 1
        c0, c1 = c[n - i] - c1 * (nd - 1), c0 + c1 * x
    return c0 + c1 * x


def lagval(x, c, tensor=True):
    x, n = _points(x), _count(c)
    c0, c1 = _last_two(c, n)
    nd = n
    for i in range(3, n + 1):
        nd = nd - 1
        c0, c1 = c[n - i] - c1 * (nd - 1) / nd, c0 + c1 * ((2 * nd - 1) - x) / nd
    return c0 + c1 * (1 - x)


def _points(x):
    if isinstance(x, (list, tuple)):
        return np.asarray(x)
    return x


def _count(c):
    if np.ndim(c) != 1:
        raise DifferentiationError(
            "<s2sad>:?: a polynomial series of coefficients that are not one vector "
            "(several series at once): evaluate each series, c[:, k], in a loop")
    return len(c)


def _last_two(c, n):
    """Clenshaw's start: the two highest coefficients (one series of one or two terms:
    its coefficients, the missing one 0)."""
    if n == 1:
        return c[0], 0.0
    return c[n - 2], c[n - 1]


for _fn, _reference in ((npp.polynomial.polyval, polyval), (npp.chebyshev.chebval, chebval),
                        (npp.legendre.legval, legval), (npp.hermite.hermval, hermval),
                        (npp.hermite_e.hermeval, hermeval), (npp.laguerre.lagval, lagval)):
    defthrough(_fn, _reference)
