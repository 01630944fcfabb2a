"""Probes in the style of JAX's scipy.special and scipy.stats suites (helper 82,
continued from test_suite_probes8): the functions that were refused for want of a rule,
three variations each, checked against central differences in float64, SciPy's own
values, and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

# ----- scipy.stats families a JAX-style suite calls (uniform, pareto, invgamma,
# vonmises, skewnorm): were refused (no rule) -----


def _uniform_all(x, loc, scale):
    return np.sum(st.uniform.logpdf(x, loc, scale) + 2 * st.uniform.cdf(x, loc, scale) +
                  st.uniform.sf(x, loc, scale) ** 2 + st.uniform.pdf(x, loc, scale))


def _pareto_all(x, b, scale):
    return np.sum(st.pareto.logpdf(x, b, scale=scale) + st.pareto.cdf(x, b, scale=scale) +
                  st.pareto.sf(x, b, scale=scale) ** 2 + st.pareto.pdf(x, b, scale=scale) +
                  st.pareto.logsf(x, b, scale=scale))


def _invgamma_all(x, a, scale):
    return np.sum(st.invgamma.logpdf(x, a, scale=scale) + st.invgamma.pdf(x, a, scale=scale))


def _vonmises_all(x, kappa, loc):
    return np.sum(st.vonmises.logpdf(x, kappa, loc=loc) + st.vonmises.pdf(x, kappa, loc=loc))


def _skewnorm_all(x, a, scale):
    return np.sum(st.skewnorm.logpdf(x, a, scale=scale) + st.skewnorm.pdf(x, a, scale=scale))


def _uniform_ppf(q, loc, scale):
    return np.sum(st.uniform.ppf(q, loc=loc, scale=scale) ** 2)


@pytest.mark.parametrize("f, make", [
    (_uniform_all, lambda r: (r.uniform(-0.9, 2.9, 3), -1.0, 4.0)),
    (_uniform_ppf, lambda r: (r.uniform(0.1, 0.9, 3), -1.0, 4.0)),
    (_pareto_all, lambda r: (r.uniform(1.5, 3.0, 3), 2.0, 1.2)),
    (_invgamma_all, lambda r: (r.uniform(0.5, 3.0, 3), 2.5, 1.3)),
    (_vonmises_all, lambda r: (r.uniform(-2.0, 2.0, 3), 2.0, 0.3)),
    (_skewnorm_all, lambda r: (r.standard_normal(3), 2.0, 1.3)),
])
def test_more_scipy_stats_families(f, make, rng):
    args = make(rng)
    check_grad(f, *args, wrt=(0, 1, 2))
    check_jvp(f, *args, wrt=(0, 1, 2))
    value, _ = s2sad.value_and_grad(f)(*args)
    assert value == pytest.approx(f(*args))  # (scipy's own value)


def test_more_scipy_stats_closed_forms():
    x = np.array([0.5, 1.5])
    g = s2sad.grad(lambda s: np.sum(st.uniform.logpdf(x, 0.0, s)))(2.0)
    assert g == pytest.approx(-2 / 2.0)  # -log(scale) for each point inside
    g = s2sad.grad(lambda v: np.sum(st.pareto.logpdf(v, 3.0)))(np.array([1.5, 2.0]))
    np.testing.assert_allclose(g, -4.0 / np.array([1.5, 2.0]))  # -(b + 1) / x
    g = s2sad.grad(lambda v: np.sum(st.vonmises.logpdf(v, 2.0)))(np.array([0.3, -0.4]))
    np.testing.assert_allclose(g, -2.0 * np.sin([0.3, -0.4]))  # -kappa sin(x)
    assert s2sad.value_and_grad(lambda v: np.sum(st.uniform.logpdf(v, 0.0, 1.0)))(
        np.array([0.5, 1.5]))[0] == -np.inf  # (outside the support: scipy's -inf)


# ----- scipy.special distribution functions and orthogonal polynomials (JAX's
# special functions suite): were refused (no rule) -----

_POLYNOMIALS = [sp.eval_hermite, sp.eval_hermitenorm, sp.eval_chebyt, sp.eval_chebyu,
                sp.eval_laguerre, sp.eval_legendre,
                lambda n, x: sp.eval_genlaguerre(n, 0.5, x),
                lambda n, x: sp.eval_jacobi(n, 0.5, 1.5, x),
                lambda n, x: sp.eval_gegenbauer(n, 0.7, x)]


@pytest.mark.parametrize("n", [0, 1, 3])
@pytest.mark.parametrize("poly", _POLYNOMIALS)
def test_orthogonal_polynomials_in_x(poly, n, rng):
    def f(x):
        return np.sum(poly(n, x) * x)
    x = rng.uniform(-0.9, 0.9, 3)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_orthogonal_polynomials_closed_forms():
    x = np.array([-0.4, 0.3, 0.8])
    d = s2sad.grad(lambda v: np.sum(sp.eval_legendre(3, v)))(x)
    np.testing.assert_allclose(d, (15 * x ** 2 - 3) / 2)  # P3 = (5x^3 - 3x) / 2
    d = s2sad.grad(lambda v: np.sum(sp.eval_hermite(3, v)))(x)
    np.testing.assert_allclose(d, 24 * x ** 2 - 12)  # H3 = 8x^3 - 12x
    d = s2sad.grad(lambda v: np.sum(sp.eval_chebyu(2, v)))(x)
    np.testing.assert_allclose(d, 8 * x)  # U2 = 4x^2 - 1


@pytest.mark.parametrize("f", [
    lambda x: np.sum(sp.chdtr(3.0, x)), lambda x: np.sum(sp.chdtrc(2.5, x) * x),
    lambda m: np.sum(sp.pdtr(2, m)), lambda m: np.sum(sp.pdtrc(3.0, m) ** 2),
    lambda m: np.sum(sp.pdtr(0, m))])
def test_chi_square_and_poisson_distribution_functions(f, rng):
    x = rng.uniform(0.5, 3.0, 3)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_distribution_functions_closed_forms_and_refused_parameters():
    m = np.array([0.5, 2.0])
    d = s2sad.grad(lambda v: np.sum(sp.pdtr(1, v)))(m)
    np.testing.assert_allclose(d, -m * np.exp(-m))  # pdtr(1, m) = (1 + m) e^-m
    d = s2sad.grad(lambda v: np.sum(sp.chdtr(2.0, v)))(m)
    np.testing.assert_allclose(d, np.exp(-m / 2) / 2)  # chdtr(2, x) = 1 - e^(-x/2)
    with pytest.raises(s2sad.DifferentiationError, match="chdtr in its argument 'v'"):
        s2sad.grad(lambda v: np.sum(sp.chdtr(v, 2.0)))(np.array([2.0]))


# ----- scipy.stats.entropy and zscore: were refused (no rule) -----


def _entropy_pair(p, q):
    return st.entropy(p, q, base=2)


@pytest.mark.parametrize("f, make", [
    (lambda p, q: st.entropy(p) * q, lambda r: (r.uniform(0.2, 1.0, 4), 1.5)),
    (_entropy_pair, lambda r: (r.uniform(0.2, 1.0, 4), r.uniform(0.2, 1.0, 4))),
    (lambda p, q: np.sum(st.entropy(p, qk=q, axis=1) ** 2),
     lambda r: (r.uniform(0.2, 1.0, (3, 4)), r.uniform(0.2, 1.0, (3, 4)))),
    (lambda a, c: np.sum(np.sin(st.zscore(a)) * c), lambda r: (r.standard_normal(5), 0.7)),
    (lambda a, c: np.sum(np.sin(st.zscore(a, axis=1, ddof=1)) * c),
     lambda r: (r.standard_normal((3, 4)), 0.7)),
])
def test_entropy_and_zscore(f, make, rng):
    args = make(rng)
    check_grad(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))
    assert s2sad.value_and_grad(f)(*args)[0] == pytest.approx(f(*args))  # (scipy's value)


def test_entropy_closed_form():
    p = np.array([0.2, 0.3, 0.5])  # (normalized: d/dp_i of -sum p log p is -log p_i - 1,
    g = s2sad.grad(lambda v: st.entropy(v))(p)  # less its mean over p: the sum is fixed)
    want = -np.log(p) - 1
    np.testing.assert_allclose(g, want - np.dot(want, p))
