"""A sum with a quotient by ``m`` read only multiplied by ``m`` multiplied out
(``cancelled_quotients``): ``np.log(mu)`` of ``mu = np.exp(eta)`` (a Poisson or
exponential likelihood) has ``deta = c * (mu - y)``, no division.  Gradients against
central differences (and the closed form ``X.T @ (mu - y) / n``), a data-dependent
branch both ways; left alone where the sum is read otherwise."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_code

RNG = np.random.default_rng(7)
X = 0.3 * RNG.standard_normal((40, 4))
Y = RNG.poisson(1.5, 40).astype(float)
T = RNG.exponential(1.0, 40)


def poisson(w, b, X, y):
    mu = np.exp(X @ w + b)
    return np.sum(mu - y * np.log(mu)) / X.shape[0]


def exponential(w, X, t):
    lam = np.exp(X @ w)
    return np.sum(lam * t - np.log(lam))


def branch(w, X, y):
    if np.mean(y) > 1.0:  # (data dependent: both ways in the tests)
        z = X @ w
    else:
        z = 0.5 * (X @ w) + 0.1
    mu = np.exp(z)
    return np.sum(mu - y * np.log(mu))


W = np.array([0.3, -0.2, 0.5, 0.1])


@pytest.mark.parametrize("f, args, wrt", [
    (poisson, (W, 0.1, X, Y), (0, 1)),
    (exponential, (W, X, T), 0),
    (branch, (W, X, Y), 0),
])
def test_quotient_multiplied_out(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    assert " / mu" not in grad_code(f, *args, wrt=wrt) and \
        " / lam" not in grad_code(f, *args, wrt=wrt)


def test_closed_form_and_the_other_branch():
    dw, db = s2sad.grad(poisson, wrt=(0, 1))(W, 0.1, X, Y)
    r = (np.exp(X @ W + 0.1) - Y) / 40
    np.testing.assert_allclose(dw, X.T @ r, rtol=1e-13)
    assert db == pytest.approx(np.sum(r), rel=1e-13)
    check_grad(branch, W, X, 0.5 * np.ones(40))


def direct(mu, y):
    return np.sum(mu - y * np.log(mu))


def read_twice(w, X, y):
    mu = np.exp(X @ w)
    d = mu - y * np.log(mu)
    return np.sum(d) + np.sum(np.log(mu) * d)


@pytest.mark.parametrize("f, args", [(direct, (np.exp(X @ W), Y)), (read_twice, (W, X, Y))])
def test_left_alone_when_read_otherwise(f, args):
    """``mu`` an argument: its adjoint ``1 - y / mu`` is returned, not multiplied; and a
    function whose derivative reads the quotient's sum twice."""
    check_grad(f, *args)
    if f is direct:
        assert "/ mu" in grad_code(f, *args)
