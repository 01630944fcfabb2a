"""np.polynomial's series classes (Polynomial, Chebyshev, Legendre, Hermite, HermiteE,
Laguerre) made and called inside a differentiated function (rules/numpy_series.py's
Series; were refused: no rule for the class).  Values as NumPy's, derivatives in the
coefficients and the points against central differences and a closed form, the
domain-to-window map included; what is not read (deriv, arithmetic) is refused."""
from __future__ import annotations

import numpy as np
import pytest
from numpy.polynomial import Chebyshev, Hermite, HermiteE, Laguerre, Legendre, Polynomial

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def power_series(x):
    p = Polynomial(x[:3])
    return p(0.5) + np.sum(p(x)) + p.degree()


def chebyshev_on_a_domain(x):
    c = Chebyshev(x, domain=[0.0, 2.0])
    return np.sum(c(np.linspace(0.0, 2.0, 5)) ** 2) + np.sum(c(x))


def legendre_from_a_list(x):
    q = Legendre([1.0, x[0], x[1] ** 2], domain=[-2, 3], window=[0, 1])
    return np.sum(q(x) ** 2) + np.sum(q.coef) + q([0.5, 1.5])[1]


def other_bases(x):
    lag, her, her_e = Laguerre(x), Hermite(x[::-1]), HermiteE(x)
    return np.sum(lag(x)) + np.sum(her(x) * x) + her_e(x[2])


@pytest.mark.parametrize("f", [power_series, chebyshev_on_a_domain, legendre_from_a_list,
                               other_bases])
@pytest.mark.parametrize("x", [np.array([0.7, 1.3, 0.1, 0.4]), np.array([-0.5, 0.2, 1.1, -1.3])])
def test_series_objects(f, x):
    value, _ = s2sad.value_and_grad(f)(x.copy())
    np.testing.assert_allclose(value, f(x), rtol=1e-13)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def shifted_quadratic(x):
    p = Polynomial([0.5, x[0], x[1]], domain=[0.0, 2.0])
    return np.sum(p(x[2:]))


def test_domain_map_closed_form():
    """domain [0, 2] to window [-1, 1]: t = x - 1, so p = 0.5 + a t + b t^2."""
    x = np.array([0.7, 1.3, 0.1, 0.4])
    t = x[2:] - 1.0
    expected = np.concatenate([[np.sum(t), np.sum(t ** 2)], x[0] + 2 * x[1] * t])
    np.testing.assert_allclose(s2sad.grad(shifted_quadratic)(x), expected, rtol=1e-13)


def derivative_series(x):
    return np.sum(Polynomial(x).deriv()(x))


def called_where_made(x):
    return np.sum(Polynomial(x)(x))


@pytest.mark.parametrize("f, what", [(derivative_series, "deriv"),
                                     (called_where_made, "object's own name")])
def test_uses_not_read_are_refused(f, what):
    with pytest.raises(s2sad.DifferentiationError, match=what):
        s2sad.grad(f)(np.array([0.7, 1.3, 0.1, 0.4]))
