"""Code written for autograd (``import autograd.numpy as np``) differentiated as it is:
every call was refused (autograd's wrappers have a try/except, and ``np`` clashed with
the templates' NumPy).  autograd's modules and functions are read as the NumPy / SciPy
ones they wrap (compiler/namespaces.py); checked against finite differences."""
from __future__ import annotations

import numpy as onp
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

np = pytest.importorskip("autograd.numpy")
special = pytest.importorskip("autograd.scipy.special")
norm = pytest.importorskip("autograd.scipy.stats.norm")
gammaln = special.gammaln


def sin_times_exp(x):
    return np.sum(np.sin(x) * np.exp(x))


def gram(x):
    return np.sum(np.dot(x, x.T)) + np.linalg.det(x)


def built_from_pieces(x):
    y = np.where(x > 0, x, 0.1 * x)
    rows = np.concatenate([y, y ** 2], axis=0)
    return np.sum(np.array([np.sum(rows), np.var(y)]) ** 2)


def log_likelihood(x):
    return np.sum(norm.logpdf(x, 0.5, 2.0)) + np.sum(gammaln(x ** 2 + 1.0))


X = onp.array([[0.3, -1.2], [0.8, 0.4]])


def test_autograd_numpy_functions():
    check_grad(sin_times_exp, X)
    check_jvp(sin_times_exp, X)


def test_autograd_numpy_dot_transpose_and_linalg():
    check_grad(gram, X)
    check_vjp(gram, X)
    check_hessian(gram, X)


def test_autograd_numpy_wrappers_of_its_own():
    check_grad(built_from_pieces, X)  # np.array, np.concatenate, np.var: numpy_wrapper's
    check_grad(built_from_pieces, -X)
    check_jvp(built_from_pieces, X)


def test_autograd_scipy_special_and_stats():
    check_grad(log_likelihood, X)
    check_jvp(log_likelihood, X)


def test_autograd_odeint_with_its_builtins_tuple():
    """A parameter fit written for autograd: its odeint (SciPy's, with an adjoint rule
    here) and its ``builtins.tuple`` of the parameters (Python's tuple here)."""
    integrate = pytest.importorskip("autograd.scipy.integrate")
    builtins = pytest.importorskip("autograd.builtins")

    def derivative(y, t, p):
        return p[0] * np.exp(p[1] * t) * np.ones_like(y)

    def model(p):
        sol = integrate.odeint(derivative, np.array([0.0]), np.linspace(0, 1, 4),
                               builtins.tuple((p,)))
        return np.sum(sol ** 2)

    check_grad(model, np.array([0.5, 0.3]), rtol=1e-5)
