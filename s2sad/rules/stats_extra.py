"""Closed forms of more scipy.stats families, as scipy writes them (:mod:`scipy_stats`
registers them): the counts ``bernoulli``, ``binom``, ``geom``, ``nbinom`` (in their
probability ``p`` and ``nbinom``'s ``n``; the counts ``k``, ``binom``'s ``n`` and
``loc`` have no derivative), the positive ``lognorm``, ``halfnorm``, ``weibull_min``,
``pareto``, ``invgamma``, ``rayleigh``, ``halfcauchy``, and ``uniform``, ``vonmises``,
``skewnorm``, ``gumbel_r``, ``gumbel_l`` (in the data, the shape, ``loc`` and
``scale``); the module functions ``entropy`` and ``zscore``. Outside a family's support
the closed form is not scipy's ``-inf`` / 0, as for the families of
:mod:`stats_location_scale`."""
from __future__ import annotations

import numpy as np

from s2sad.rules.stats_location_scale import LOG_SQRT_2PI
from s2sad.runtime import stop_gradient

try:
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = None

LOG_HALF_PI = float(0.5 * np.log(2.0 / np.pi))  # log of halfnorm's sqrt(2 / pi)
LOG_TWO_OVER_PI = float(np.log(2.0 / np.pi))  # halfcauchy's


# ----- counts -----

def bernoulli_logpmf(k, p, loc=0):
    n = stop_gradient(k - loc)
    return sp.xlogy(n, p) + sp.xlog1py(1 - n, -p)


def bernoulli_pmf(k, p, loc=0):
    return np.exp(bernoulli_logpmf(k, p, loc))


def binom_logpmf(k, n, p, loc=0):
    j = stop_gradient(k - loc)
    m = stop_gradient(n)
    combiln = sp.gammaln(m + 1) - (sp.gammaln(j + 1) + sp.gammaln(m - j + 1))
    return combiln + sp.xlogy(j, p) + sp.xlog1py(m - j, -p)


def binom_pmf(k, n, p, loc=0):
    return np.exp(binom_logpmf(k, n, p, loc))


def geom_logpmf(k, p, loc=0):
    j = stop_gradient(k - loc)
    return sp.xlog1py(j - 1, -p) + np.log(p)


def geom_pmf(k, p, loc=0):
    return np.exp(geom_logpmf(k, p, loc))


def nbinom_logpmf(k, n, p, loc=0):
    j = stop_gradient(k - loc)
    coeff = sp.gammaln(n + j) - sp.gammaln(j + 1) - sp.gammaln(n)
    return coeff + n * np.log(p) + sp.xlog1py(j, -p)


def nbinom_pmf(k, n, p, loc=0):
    return np.exp(nbinom_logpmf(k, n, p, loc))


# ----- positive -----

def lognorm_logpdf(x, s, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    return -np.log(y) ** 2 / (2 * s**2) - np.log(s * y) - LOG_SQRT_2PI - np.log(scale)


def lognorm_pdf(x, s, loc=0.0, scale=1.0):
    return np.exp(lognorm_logpdf(x, s, loc, scale))


def lognorm_cdf(x, s, loc=0.0, scale=1.0):
    return sp.ndtr(np.log((x - loc) / scale) / s)


def lognorm_sf(x, s, loc=0.0, scale=1.0):
    return sp.ndtr(-np.log((x - loc) / scale) / s)


def halfnorm_logpdf(x, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    return LOG_HALF_PI - y * y / 2.0 - np.log(scale)


def halfnorm_pdf(x, loc=0.0, scale=1.0):
    return np.exp(halfnorm_logpdf(x, loc, scale))


def weibull_min_logpdf(x, c, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    return np.log(c) + sp.xlogy(c - 1, y) - y**c - np.log(scale)


def weibull_min_pdf(x, c, loc=0.0, scale=1.0):
    return np.exp(weibull_min_logpdf(x, c, loc, scale))


def weibull_min_cdf(x, c, loc=0.0, scale=1.0):
    return -np.expm1(-((x - loc) / scale) ** c)


def weibull_min_sf(x, c, loc=0.0, scale=1.0):
    return np.exp(-((x - loc) / scale) ** c)


# ----- bounded, heavy-tailed, circular, skewed -----

def uniform_logpdf(x, loc=0.0, scale=1.0):
    inside = stop_gradient((x >= loc) & (x <= loc + scale))  # (scipy's -inf outside)
    return np.where(inside, -np.log(scale) + 0.0 * x, -np.inf)


def uniform_pdf(x, loc=0.0, scale=1.0):
    return np.exp(uniform_logpdf(x, loc, scale))


def uniform_cdf(x, loc=0.0, scale=1.0):
    return np.clip((x - loc) / scale, 0.0, 1.0)


def uniform_sf(x, loc=0.0, scale=1.0):
    return np.clip((loc + scale - x) / scale, 0.0, 1.0)


def uniform_ppf(q, loc=0.0, scale=1.0):
    return loc + q * scale


def pareto_logpdf(x, b, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    return np.log(b) - (b + 1) * np.log(y) - np.log(scale)


def pareto_pdf(x, b, loc=0.0, scale=1.0):
    return np.exp(pareto_logpdf(x, b, loc, scale))


def pareto_logsf(x, b, loc=0.0, scale=1.0):
    return -b * np.log((x - loc) / scale)


def pareto_sf(x, b, loc=0.0, scale=1.0):
    return np.exp(pareto_logsf(x, b, loc, scale))


def pareto_cdf(x, b, loc=0.0, scale=1.0):
    return -np.expm1(pareto_logsf(x, b, loc, scale))


def invgamma_logpdf(x, a, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    return -(a + 1) * np.log(y) - sp.gammaln(a) - 1.0 / y - np.log(scale)


def invgamma_pdf(x, a, loc=0.0, scale=1.0):
    return np.exp(invgamma_logpdf(x, a, loc, scale))


def vonmises_logpdf(x, kappa, loc=0.0, scale=1.0):
    y = (x - loc) / scale  # (log i0(kappa) = log i0e(kappa) + kappa, kappa > 0)
    return kappa * (np.cos(y) - 1.0) - np.log(2 * np.pi * sp.i0e(kappa)) - np.log(scale)


def vonmises_pdf(x, kappa, loc=0.0, scale=1.0):
    return np.exp(vonmises_logpdf(x, kappa, loc, scale))


def skewnorm_logpdf(x, a, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    return np.log(2.0) - y * y / 2.0 - LOG_SQRT_2PI + sp.log_ndtr(a * y) - np.log(scale)


def skewnorm_pdf(x, a, loc=0.0, scale=1.0):
    return np.exp(skewnorm_logpdf(x, a, loc, scale))


# ----- extreme values, rayleigh, halfcauchy (scipy's _logpdf, _cdf, _sf of z) -----

def gumbel_r_logpdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -z - np.exp(-z) - np.log(scale)


def gumbel_r_pdf(x, loc=0.0, scale=1.0):
    return np.exp(gumbel_r_logpdf(x, loc, scale))


def gumbel_r_logcdf(x, loc=0.0, scale=1.0):
    return -np.exp(-(x - loc) / scale)


def gumbel_r_cdf(x, loc=0.0, scale=1.0):
    return np.exp(-np.exp(-(x - loc) / scale))


def gumbel_r_sf(x, loc=0.0, scale=1.0):
    return -np.expm1(-np.exp(-(x - loc) / scale))


def gumbel_l_logpdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return z - np.exp(z) - np.log(scale)


def gumbel_l_pdf(x, loc=0.0, scale=1.0):
    return np.exp(gumbel_l_logpdf(x, loc, scale))


def gumbel_l_logsf(x, loc=0.0, scale=1.0):
    return -np.exp((x - loc) / scale)


def gumbel_l_sf(x, loc=0.0, scale=1.0):
    return np.exp(-np.exp((x - loc) / scale))


def gumbel_l_cdf(x, loc=0.0, scale=1.0):
    return -np.expm1(-np.exp((x - loc) / scale))


def rayleigh_logpdf(x, loc=0.0, scale=1.0):
    r = (x - loc) / scale
    return np.log(r) - 0.5 * r * r - np.log(scale)


def rayleigh_pdf(x, loc=0.0, scale=1.0):
    return np.exp(rayleigh_logpdf(x, loc, scale))


def rayleigh_cdf(x, loc=0.0, scale=1.0):
    r = (x - loc) / scale
    return -np.expm1(-0.5 * r * r)


def rayleigh_sf(x, loc=0.0, scale=1.0):
    r = (x - loc) / scale
    return np.exp(-0.5 * r * r)


def halfcauchy_logpdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return LOG_TWO_OVER_PI - np.log1p(z * z) - np.log(scale)


def halfcauchy_pdf(x, loc=0.0, scale=1.0):
    return np.exp(halfcauchy_logpdf(x, loc, scale))


def halfcauchy_cdf(x, loc=0.0, scale=1.0):
    return 2.0 / np.pi * np.arctan((x - loc) / scale)


# ----- module functions -----

def entropy(pk, qk=None, base=None, axis=0):
    pk = pk / np.sum(pk, axis=axis, keepdims=True)
    if qk is None:
        vec = sp.entr(pk)
    else:
        qk = qk / np.sum(qk, axis=axis, keepdims=True)
        vec = sp.rel_entr(pk, qk)
    total = np.sum(vec, axis=axis)
    if base is not None:
        total = total / np.log(base)
    return total


def zscore(a, axis=0, ddof=0):
    mean = np.mean(a, axis=axis, keepdims=True)
    return (a - mean) / np.std(a, axis=axis, ddof=ddof, keepdims=True)
