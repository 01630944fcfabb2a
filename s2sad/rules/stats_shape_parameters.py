"""Closed forms of scipy.stats' families with a shape parameter (``t``, ``gamma``,
``beta``, ``chi2``) and of ``poisson``: densities written with ``gammaln``, distribution
functions through the incomplete gamma and beta functions and ``stdtr`` (in the data,
``loc`` and ``scale``; the shape parameters are refused there, see scipy_special.py),
quantiles through their inverses (:mod:`scipy_stats` registers them)."""
from __future__ import annotations

import numpy as np

from s2sad.rules.stats_location_scale import LOG_PI
from s2sad.runtime import stop_gradient

try:
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = None

# chi2(df) is gamma(df / 2, scale=2): scipy's _logpdf is xlogy(df/2 - 1, x) - x/2 -
# gammaln(df/2) - log(2) df/2
LOG_2 = float(np.log(2.0))


# ----- t -----

def t_logpdf(x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    half = 0.5 * df  # log(poch(df / 2, 1 / 2)) as a difference of gammaln
    return (sp.gammaln(half + 0.5) - sp.gammaln(half) - 0.5 * (np.log(df) + LOG_PI)
            - (df + 1) / 2 * np.log1p(z * z / df)) - np.log(scale)


def t_pdf(x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    half = 0.5 * df
    return np.exp(sp.gammaln(half + 0.5) - sp.gammaln(half) - 0.5 * (np.log(df) + LOG_PI)
                  - (df + 1) / 2 * np.log1p(z * z / df)) / scale


def t_cdf(x, df, loc=0.0, scale=1.0):
    return sp.stdtr(df, (x - loc) / scale)


def t_sf(x, df, loc=0.0, scale=1.0):
    return sp.stdtr(df, -(x - loc) / scale)


def t_logcdf(x, df, loc=0.0, scale=1.0):
    return np.log(sp.stdtr(df, (x - loc) / scale))


def t_logsf(x, df, loc=0.0, scale=1.0):
    return np.log(sp.stdtr(df, -(x - loc) / scale))


def t_ppf(q, df, loc=0.0, scale=1.0):
    return loc + scale * sp.stdtrit(df, q)


# ----- gamma -----

def gamma_logpdf(x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return (a - 1.0) * np.log(z) - z - sp.gammaln(a) - np.log(scale)


def gamma_pdf(x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.exp((a - 1.0) * np.log(z) - z - sp.gammaln(a)) / scale


def gamma_cdf(x, a, loc=0.0, scale=1.0):
    return sp.gammainc(a, (x - loc) / scale)


def gamma_sf(x, a, loc=0.0, scale=1.0):
    return sp.gammaincc(a, (x - loc) / scale)


def gamma_logcdf(x, a, loc=0.0, scale=1.0):
    return np.log(sp.gammainc(a, (x - loc) / scale))


def gamma_logsf(x, a, loc=0.0, scale=1.0):
    return np.log(sp.gammaincc(a, (x - loc) / scale))


def gamma_ppf(q, a, loc=0.0, scale=1.0):
    return loc + scale * sp.gammaincinv(a, q)


# ----- beta -----

def beta_logpdf(x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    lnbeta = sp.gammaln(a) + sp.gammaln(b) - sp.gammaln(a + b)
    return (b - 1.0) * np.log1p(-z) + (a - 1.0) * np.log(z) - lnbeta - np.log(scale)


def beta_pdf(x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    lnbeta = sp.gammaln(a) + sp.gammaln(b) - sp.gammaln(a + b)
    return np.exp((b - 1.0) * np.log1p(-z) + (a - 1.0) * np.log(z) - lnbeta) / scale


def beta_cdf(x, a, b, loc=0.0, scale=1.0):
    return sp.betainc(a, b, (x - loc) / scale)


def beta_sf(x, a, b, loc=0.0, scale=1.0):
    return 1.0 - sp.betainc(a, b, (x - loc) / scale)


def beta_logcdf(x, a, b, loc=0.0, scale=1.0):
    return np.log(sp.betainc(a, b, (x - loc) / scale))


def beta_logsf(x, a, b, loc=0.0, scale=1.0):
    return np.log1p(-sp.betainc(a, b, (x - loc) / scale))


def beta_ppf(q, a, b, loc=0.0, scale=1.0):
    return loc + scale * sp.betaincinv(a, b, q)


# ----- chi2 -----

def chi2_logpdf(x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return (df / 2.0 - 1.0) * np.log(z) - z / 2.0 - sp.gammaln(df / 2.0) - LOG_2 * df / 2.0 \
        - np.log(scale)


def chi2_pdf(x, df, loc=0.0, scale=1.0):
    return np.exp(chi2_logpdf(x, df, loc, scale))


def chi2_cdf(x, df, loc=0.0, scale=1.0):
    return sp.gammainc(df / 2.0, (x - loc) / scale / 2.0)


def chi2_sf(x, df, loc=0.0, scale=1.0):
    return sp.gammaincc(df / 2.0, (x - loc) / scale / 2.0)


def chi2_logcdf(x, df, loc=0.0, scale=1.0):
    return np.log(sp.gammainc(df / 2.0, (x - loc) / scale / 2.0))


def chi2_logsf(x, df, loc=0.0, scale=1.0):
    return np.log(sp.gammaincc(df / 2.0, (x - loc) / scale / 2.0))


# ----- poisson: in the rate mu (k and loc are counts: no derivative); its cdf is
# Q(floor(k) + 1, mu) (scipy's pdtr) -----

def poisson_logpmf(k, mu, loc=0):
    n = stop_gradient(k - loc)
    return n * np.log(mu) - sp.gammaln(n + 1) - mu


def poisson_pmf(k, mu, loc=0):
    n = stop_gradient(k - loc)
    return np.exp(n * np.log(mu) - sp.gammaln(n + 1) - mu)


def poisson_cdf(k, mu, loc=0):
    n = stop_gradient(np.floor(k - loc))
    return sp.gammaincc(n + 1.0, mu)


def poisson_sf(k, mu, loc=0):
    n = stop_gradient(np.floor(k - loc))
    return sp.gammainc(n + 1.0, mu)
