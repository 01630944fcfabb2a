"""``np.i0`` differentiated: its derivative is I1 (``runtime.bessel_i1``: SciPy's, or its
power series), and I1's is I0 - I1/x (1/2 at 0): first and second derivatives
against central differences and the closed forms."""
from __future__ import annotations

import builtins

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian
from s2sad.runtime import numeric


def total_i0(x):
    return np.sum(np.i0(x))


def i0_of_a_product(x):
    return np.sum(np.i0(x * x[0]) * np.cos(x))


def i0_scalar(t):
    return np.i0(t) * t


@pytest.mark.parametrize("f", [total_i0, i0_of_a_product])
def test_i0_gradients(f):
    x = np.array([0.0, 0.7, -2.5, 4.0])
    check_grad(f, x)
    check_hessian(f, x)


def test_i0_by_hand():
    x = np.array([0.0, 0.7, -2.5, 4.0])
    # I1 by its power series, summed here on its own
    k = np.arange(40)[:, None]
    factorials = np.array([float(np.prod(np.arange(1, j + 1))) for j in range(41)])
    series = np.sum((x / 2) ** (2 * k + 1) / (factorials[:40, None] * factorials[1:, None]),
                    axis=0)
    assert np.allclose(s2sad.grad(total_i0)(x), series)


def test_i0_second_derivative_of_a_number():
    for t in (0.0, 1.3, -3.0):
        d2 = s2sad.grad(s2sad.grad(i0_scalar))(t)
        h = 1e-4
        fd = (i0_scalar(t + h) - 2 * i0_scalar(t) + i0_scalar(t - h)) / h ** 2
        assert np.isclose(d2, fd, rtol=1e-5, atol=1e-6)


def test_i1_without_scipy(monkeypatch):
    x = np.array([0.0, 1e-5, 0.3, -2.0, 7.5, -20.0])
    with_scipy = numeric.bessel_i1(x)
    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name.startswith("scipy"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_scipy)
    assert np.allclose(numeric.bessel_i1(x), with_scipy, rtol=1e-13, atol=0)
