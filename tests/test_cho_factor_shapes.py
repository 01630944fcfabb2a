"""``scipy.linalg.cho_factor``'s result ``(c, lower)`` has a shape fact (shape kind
``"flagged"``: the matrix's shape and a flag), and a number among a tuple's items is
tried as a flag by the shape probe (``cho_solve((c, lower), b)`` refuses ``lower=2``):
so a GP's ``alpha = cho_solve(c, y)`` and ``y @ alpha`` are known shapes and their
adjoints plain (no ``unbroadcast``), ``dc`` built as one list.  Checked against central
differences: lower and upper factors, two solves with one factor, both branches of an
if on the data fit."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

sla = pytest.importorskip("scipy.linalg")

X = np.linspace(0.0, 3.0, 7)
Y = np.sin(X) + 0.1 * np.cos(3 * X)


def _kernel(theta, x):
    d = x[:, None] - x[None, :]
    return np.exp(theta[1]) * np.exp(-0.5 * d ** 2 / np.exp(2 * theta[0])) + \
        (np.exp(2 * theta[2]) + 1e-6) * np.eye(x.shape[0])


def nlml_lower(theta, x, y):
    c = sla.cho_factor(_kernel(theta, x), lower=True)
    alpha = sla.cho_solve(c, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c[0])))


def nlml_upper(theta, x, y):
    c, low = sla.cho_factor(_kernel(theta, x))
    alpha = sla.cho_solve((c, low), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.abs(np.diag(c))))


def two_solves(theta, x, y):
    c = sla.cho_factor(_kernel(theta, x), lower=True)
    a = sla.cho_solve(c, y)
    b = sla.cho_solve(c, np.ones_like(y))
    fit = a @ y
    return fit + b @ y if fit > 3.0 else fit - 0.5 * b @ a


THETA = np.array([0.1, 0.2, -1.0])
OTHER = np.array([1.0, 0.5, -2.0])  # a fit above 3: the other branch


@pytest.mark.parametrize("fn, theta", [(nlml_lower, THETA), (nlml_upper, THETA),
                                       (two_solves, THETA), (two_solves, OTHER)])
def test_gradient_matches_differences(fn, theta):
    check_grad(fn, theta, X, Y)


def test_both_branches_are_taken():
    fits = []
    for theta in (THETA, OTHER):
        c = sla.cho_factor(_kernel(theta, X), lower=True)
        fits.append(sla.cho_solve(c, Y) @ Y > 3.0)
    assert sorted(fits) == [False, True]


def test_the_adjoints_are_plain():
    g = s2sad.grad(nlml_lower)
    g(THETA, X, Y)
    assert "unbroadcast" not in g.source
    # c read only by the solve and the log-determinant: K's adjoint direct, no dc
    # (compiler/factor_reads.py, tests/test_factor_reads.py)
    assert "dc" not in g.source and "factor_log_det_adjoint(c" in g.source
