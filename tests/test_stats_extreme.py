"""scipy.stats' gumbel_r, gumbel_l, rayleigh and halfcauchy in a differentiated function
(rules/stats_extra.py: scipy's formulas; were refused: no rule).  Values as SciPy's,
derivatives in the data, loc and scale against central differences, and closed forms."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def gumbel_right(x, loc, scale):
    d = st.gumbel_r
    return np.sum(d.logpdf(x, loc, scale) + d.pdf(x, loc, scale) + d.logcdf(x, loc, scale)
                  + d.cdf(x, loc, scale) ** 2 + d.sf(x, loc, scale))


def gumbel_left(x, loc, scale):
    d = st.gumbel_l
    return np.sum(d.logpdf(x, loc=loc, scale=scale) + d.pdf(x, loc=loc, scale=scale)
                  + d.logsf(x, loc=loc, scale=scale) + d.sf(x, loc=loc, scale=scale) ** 2
                  + d.cdf(x, loc=loc, scale=scale))


def rayleigh_and_halfcauchy(x, loc, scale):
    r, h = st.rayleigh, st.halfcauchy
    return np.sum(r.logpdf(x, loc, scale) + r.pdf(x, loc, scale) + r.cdf(x, loc, scale)
                  + r.sf(x, loc, scale) ** 2 + h.logpdf(x, loc, scale)
                  + h.pdf(x, loc, scale) + h.cdf(x, loc, scale) ** 3)


@pytest.mark.parametrize("f", [gumbel_right, gumbel_left, rayleigh_and_halfcauchy])
@pytest.mark.parametrize("x", [np.array([0.3, 0.9, 2.5]), np.array([1.2, 0.45, 4.0])])
def test_extreme_value_families(f, x):
    args = (x, 0.1, 1.7)
    check_grad(f, *args, wrt=(0, 1, 2))
    check_jvp(f, *args, wrt=(0, 1, 2))
    check_hessian(lambda v: f(v, 0.1, 1.7), x)
    value, _ = s2sad.value_and_grad(f)(*args)
    assert value == pytest.approx(f(*args), rel=1e-13)


def test_closed_forms():
    x, loc, scale = np.array([0.3, 0.9, 2.5]), 0.1, 1.7
    z = (x - loc) / scale
    g = s2sad.grad(lambda v: np.sum(st.gumbel_r.logpdf(v, loc, scale)))(x)
    np.testing.assert_allclose(g, (np.exp(-z) - 1) / scale, rtol=1e-12)
    g = s2sad.grad(lambda v: np.sum(st.rayleigh.logpdf(v, loc, scale)))(x)
    np.testing.assert_allclose(g, 1 / (x - loc) - (x - loc) / scale ** 2, rtol=1e-12)
    g = s2sad.grad(lambda s: np.sum(st.halfcauchy.logpdf(x, loc, s)))(scale)
    assert g == pytest.approx(np.sum(-1 / scale + 2 * z * z / (1 + z * z) / scale), rel=1e-12)
