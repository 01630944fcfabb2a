"""``np.polyval(p, x)`` of a vector ``x`` differentiated as ``p @ poly_powers(x, n)``
(rules/numpy_extra.py, runtime/polynomials.py): one table of powers, read by the
forward product and by the coefficients' adjoint ``powers @ g``; its rules in ``x``
(first and second order, both modes).  Against central differences and the closed
forms ``dp = V^T g``, ``dx = polyder(p)(x) g``."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, grad_code
from s2sad.runtime import poly_powers


def fit(p, x, y):
    resid = np.polyval(p, x) - y
    return np.mean(resid ** 2) + 1e-3 * np.sum(p ** 2)


def curve(x, p):
    return np.sum(np.sin(np.polyval(p, x)))


@pytest.mark.parametrize("deg, m", [(0, 5), (3, 8), (8, 1)])
def test_fit(deg, m, rng):
    p, x, y = rng.standard_normal(deg + 1), rng.uniform(-1.2, 1.2, m), rng.standard_normal(m)
    dp, dx = check_grad(fit, p, x, y, wrt=(0, 1))
    check_vjp(fit, p, x, y, wrt=(0, 1))
    check_jvp(fit, p, x, y, wrt=(0, 1))
    V = np.vander(x, deg + 1)
    g = 2.0 * (V @ p - y) / m
    np.testing.assert_allclose(dp, V.T @ g + 2e-3 * p, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(dx, np.polyval(np.polyder(p), x) * g, rtol=1e-10, atol=1e-14)
    code = grad_code(fit, p, x, y)
    assert "for " not in code and "poly_powers(x, np.size(p))" in code


@pytest.mark.parametrize("deg", [1, 2, 5])
def test_second_order(deg, rng):
    p, x = rng.standard_normal(deg + 1), rng.uniform(-1.0, 1.0, 4)
    check_hessian(lambda v: curve(v, p), x)
    check_hessian(lambda q: curve(x, q), p)


def test_powers_table(rng):
    x = rng.standard_normal(6)
    np.testing.assert_array_equal(poly_powers(x, 5), np.vander(x, 5).T)
    assert poly_powers(x, 0).shape == (0, 6)
    assert poly_powers(np.arange(3), 3).dtype.kind == "i"
    p = rng.standard_normal(4)
    np.testing.assert_allclose(s2sad.value_and_grad(curve)(x, p)[0], curve(x, p), rtol=1e-12)
