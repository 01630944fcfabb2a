"""The values of NumPy's polynomial series (``np.polynomial``) differentiated through
closed forms (``defthrough``) computing them as NumPy does, in the coefficients and in
``x``: ``polynomial.polyval`` by Horner's rule; ``chebyshev.chebval``,
``legendre.legval``, ``hermite.hermval``, ``hermite_e.hermeval`` and
``laguerre.lagval`` by Clenshaw's recurrence of each basis (NumPy's own loops, read
from the highest coefficient down).  One series (coefficients a vector or a list);
a matrix of coefficients, several series at once, is refused.  The series classes
(``Polynomial``, ``Chebyshev``, ``Legendre``, ``Hermite``, ``HermiteE``, ``Laguerre``)
as :class:`Series`: their coefficients, and calling one maps the points from the
domain to the window and evaluates, as NumPy's ``__call__`` does (``deriv``,
arithmetic between series and ``fit`` are not read: refused)."""
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


class Series:
    """A series object of ``np.polynomial``: its basis' ``*val`` (chosen by ``kind``) of
    the coefficients at the points mapped by ``pu.mapdomain(x, domain, window)``."""

    def __init__(self, kind, coef, domain, window):
        self.kind = kind
        self.coef = np.asarray(coef)
        self.domain = np.asarray(domain, dtype=float)
        self.window = np.asarray(window, dtype=float)

    def __call__(self, x):
        (d0, d1), (w0, w1) = self.domain, self.window
        offset = (d1 * w0 - d0 * w1) / (d1 - d0)  # NumPy's mapparms
        t = offset + (w1 - w0) / (d1 - d0) * _points(x)
        if self.kind == "Polynomial":
            return polyval(t, self.coef)
        if self.kind == "Chebyshev":
            return chebval(t, self.coef)
        if self.kind == "Legendre":
            return legval(t, self.coef)
        if self.kind == "Hermite":
            return hermval(t, self.coef)
        if self.kind == "HermiteE":
            return hermeval(t, self.coef)
        return lagval(t, self.coef)

    def degree(self):
        return len(self.coef) - 1


def polynomial(coef, domain=None, window=None, symbol="x"):
    return Series("Polynomial", coef, _given(domain, npp.Polynomial.domain),
                  _given(window, npp.Polynomial.window))


def chebyshev(coef, domain=None, window=None, symbol="x"):
    return Series("Chebyshev", coef, _given(domain, npp.Chebyshev.domain),
                  _given(window, npp.Chebyshev.window))


def legendre(coef, domain=None, window=None, symbol="x"):
    return Series("Legendre", coef, _given(domain, npp.Legendre.domain),
                  _given(window, npp.Legendre.window))


def hermite(coef, domain=None, window=None, symbol="x"):
    return Series("Hermite", coef, _given(domain, npp.Hermite.domain),
                  _given(window, npp.Hermite.window))


def hermite_e(coef, domain=None, window=None, symbol="x"):
    return Series("HermiteE", coef, _given(domain, npp.HermiteE.domain),
                  _given(window, npp.HermiteE.window))


def laguerre(coef, domain=None, window=None, symbol="x"):
    return Series("Laguerre", coef, _given(domain, npp.Laguerre.domain),
                  _given(window, npp.Laguerre.window))


def _given(value, default):
    return default if value is None else value


for _cls, _make in ((npp.Polynomial, polynomial), (npp.Chebyshev, chebyshev),
                    (npp.Legendre, legendre), (npp.Hermite, hermite),
                    (npp.HermiteE, hermite_e), (npp.Laguerre, laguerre)):
    defthrough(_cls, _make)
for _fn, _reference in ((npp.polynomial.polyval, polyval), (npp.chebyshev.chebval, chebval),
                        (npp.legendre.legval, legval), (npp.hermite.hermval, hermval),
                        (npp.hermite_e.hermeval, hermeval), (npp.laguerre.lagval, lagval)):
    defthrough(_fn, _reference)
