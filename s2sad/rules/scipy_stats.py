"""scipy.stats distributions (when scipy is installed): each method a closed form in
primitives that have rules, differentiated through its source (``defthrough``), in the
data and in the parameters (``loc``, ``scale``, shape parameters).

The references follow scipy's own formulas (``rv_continuous.logpdf`` is
``_logpdf((x - loc) / scale) - log(scale)``, ``pdf`` is ``_pdf(z) / scale``, ``ppf`` is
``_ppf(q) * scale + loc``; ``logcdf`` / ``logsf`` without a closed form of their own
are ``log(cdf)`` below the median and ``log1p(-sf)`` above it, as scipy computes them),
so values agree with scipy's to rounding.  They hold inside the support and for valid
parameters: scipy's fills outside the support (``-inf``, ``0``, ``nan``) are not
reproduced.  Where scipy evaluates one of two formulas (``apply_where``), both are
computed at a safe argument and ``np.where`` picks one, so the branch not taken gives
neither a warning nor a ``nan`` derivative.

``norm.logcdf`` / ``logsf`` / ``ppf`` are registered when ``log_ndtr`` / ``ndtri`` have
rules.  Methods that need a special function without a rule yet (``stdtr``,
``gammainc``, ``betainc``, ``pdtr``) are not registered here; the ones
written with ``xlogy`` / ``betaln`` / ``poch`` use ``(a - 1) * log(x)`` and sums of
``gammaln`` instead (equal inside the support).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from s2sad.rules.registry import defthrough, lookup_jvp, lookup_vjp
from s2sad.runtime import stop_gradient

try:
    import scipy.special as sp
    import scipy.stats as st
except ImportError:  # scipy is optional
    st = None

LOG_SQRT_2PI = float(np.log(np.sqrt(2 * np.pi)))  # scipy's _norm_pdf_logC
SQRT_2PI = float(np.sqrt(2 * np.pi))  # scipy's _norm_pdf_C
LOG_PI = float(np.log(np.pi))
LOG_2PI = float(np.log(2 * np.pi))


# ----- norm -----

def norm_logpdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -z**2 / 2.0 - LOG_SQRT_2PI - np.log(scale)


def norm_pdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.exp(-z**2 / 2.0) / SQRT_2PI / scale


def norm_cdf(x, loc=0.0, scale=1.0):
    return sp.ndtr((x - loc) / scale)


def norm_sf(x, loc=0.0, scale=1.0):
    return sp.ndtr(-((x - loc) / scale))


def norm_logcdf(x, loc=0.0, scale=1.0):
    return sp.log_ndtr((x - loc) / scale)


def norm_logsf(x, loc=0.0, scale=1.0):
    return sp.log_ndtr(-((x - loc) / scale))


def norm_ppf(q, loc=0.0, scale=1.0):
    return sp.ndtri(q) * scale + loc


def norm_isf(q, loc=0.0, scale=1.0):
    return -sp.ndtri(q) * scale + loc


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


# ----- gamma -----

def gamma_logpdf(x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return (a - 1.0) * np.log(z) - z - sp.gammaln(a) - np.log(scale)


def gamma_pdf(x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.exp((a - 1.0) * np.log(z) - z - sp.gammaln(a)) / scale


# ----- beta -----

def beta_logpdf(x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    lnbeta = sp.gammaln(a) + sp.gammaln(b) - sp.gammaln(a + b)
    return (b - 1.0) * np.log1p(-z) + (a - 1.0) * np.log(z) - lnbeta - np.log(scale)


def beta_pdf(x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    lnbeta = sp.gammaln(a) + sp.gammaln(b) - sp.gammaln(a + b)
    return np.exp((b - 1.0) * np.log1p(-z) + (a - 1.0) * np.log(z) - lnbeta) / scale


# ----- expon -----

def expon_logpdf(x, loc=0.0, scale=1.0):
    return -((x - loc) / scale) - np.log(scale)


def expon_pdf(x, loc=0.0, scale=1.0):
    return np.exp(-((x - loc) / scale)) / scale


def expon_cdf(x, loc=0.0, scale=1.0):
    return -np.expm1(-((x - loc) / scale))


def expon_logcdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    below = z < -np.log1p(-0.5)  # scipy's generic logcdf: split at the median
    lo = np.where(below, z, 1.0)
    hi = np.where(below, 1.0, z)
    return np.where(below, np.log(-np.expm1(-lo)), np.log1p(-np.exp(-hi)))


def expon_sf(x, loc=0.0, scale=1.0):
    return np.exp(-((x - loc) / scale))


def expon_logsf(x, loc=0.0, scale=1.0):
    return -((x - loc) / scale)


def expon_ppf(q, loc=0.0, scale=1.0):
    return -np.log1p(-q) * scale + loc


# ----- laplace -----

def laplace_logpdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.log(0.5 * np.exp(-np.abs(z))) - np.log(scale)


def laplace_pdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return 0.5 * np.exp(-np.abs(z)) / scale


def _laplace_cdf(z):
    # scipy: where(z > 0, 1 - exp(-z) / 2, exp(z) / 2); -|z| (with slope 1 at 0) in both
    pos = z > 0
    e = np.exp(np.where(pos, -z, z))
    return np.where(pos, 1.0 - 0.5 * e, 0.5 * e)


def laplace_cdf(x, loc=0.0, scale=1.0):
    return _laplace_cdf((x - loc) / scale)


def laplace_sf(x, loc=0.0, scale=1.0):
    return _laplace_cdf(-((x - loc) / scale))


def laplace_logcdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.where(z < 0, np.log(_laplace_cdf(z)), np.log1p(-_laplace_cdf(-z)))


def laplace_logsf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.where(z > 0, np.log(_laplace_cdf(-z)), np.log1p(-_laplace_cdf(z)))


def laplace_ppf(q, loc=0.0, scale=1.0):
    upper = q > 0.5
    return np.where(upper, -np.log(2 * (1 - q)), np.log(2 * q)) * scale + loc


# ----- cauchy -----

def cauchy_logpdf(x, loc=0.0, scale=1.0):
    absx = np.abs((x - loc) / scale)
    small = absx < 1
    near = np.where(small, absx, 0.0)  # each formula at a safe argument where not used
    far = np.where(small, 1.0, absx)
    return np.where(small, -LOG_PI - np.log1p(near**2),
                    -LOG_PI - (2 * np.log(far) + np.log1p((1 / far)**2))) - np.log(scale)


def cauchy_pdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return 1.0 / np.pi / (1.0 + z * z) / scale


def cauchy_cdf(x, loc=0.0, scale=1.0):
    return np.arctan2(1, -((x - loc) / scale)) / np.pi


def cauchy_sf(x, loc=0.0, scale=1.0):
    return np.arctan2(1, (x - loc) / scale) / np.pi


def cauchy_logcdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.where(z < 0, np.log(np.arctan2(1, -z) / np.pi),
                    np.log1p(-(np.arctan2(1, z) / np.pi)))


def cauchy_logsf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return np.where(z > 0, np.log(np.arctan2(1, z) / np.pi),
                    np.log1p(-(np.arctan2(1, -z) / np.pi)))


def cauchy_ppf(q, loc=0.0, scale=1.0):
    # Boost's quantile (scipy's _cauchy_ppf): -1 / tan(pi p), p = q or q - 1 above 1/2
    p = np.where(q > 0.5, q - 1.0, q)
    half = q == 0.5
    p = np.where(half, 0.25, p)
    # (at q = 1/2 the value is 0 and the slope pi, as -1 / tan(pi p) has nearby)
    return np.where(half, np.pi * (q - 0.5), -1.0 / np.tan(np.pi * p)) * scale + loc


# ----- logistic -----

def logistic_logpdf(x, loc=0.0, scale=1.0):
    y = -np.abs((x - loc) / scale)
    return y - 2. * np.log1p(np.exp(y)) - np.log(scale)


def logistic_pdf(x, loc=0.0, scale=1.0):
    y = -np.abs((x - loc) / scale)
    return np.exp(y - 2. * np.log1p(np.exp(y))) / scale


def logistic_cdf(x, loc=0.0, scale=1.0):
    return sp.expit((x - loc) / scale)


def logistic_logcdf(x, loc=0.0, scale=1.0):
    return sp.log_expit((x - loc) / scale)


def logistic_sf(x, loc=0.0, scale=1.0):
    return sp.expit(-((x - loc) / scale))


def logistic_logsf(x, loc=0.0, scale=1.0):
    return sp.log_expit(-((x - loc) / scale))


def logistic_ppf(q, loc=0.0, scale=1.0):
    return sp.logit(q) * scale + loc


# ----- poisson: in the rate mu (k and loc are counts: no derivative) -----

def poisson_logpmf(k, mu, loc=0):
    n = stop_gradient(k - loc)
    return n * np.log(mu) - sp.gammaln(n + 1) - mu


def poisson_pmf(k, mu, loc=0):
    n = stop_gradient(k - loc)
    return np.exp(n * np.log(mu) - sp.gammaln(n + 1) - mu)


# ----- multivariate_normal: x (..., d), mean (d,), cov (d, d) -----

def multivariate_normal_logpdf(x, mean=None, cov=1, allow_singular=False):
    dev = np.transpose(x - mean)
    d = np.shape(cov)[0]
    sign, logdet = np.linalg.slogdet(cov)
    maha = np.sum(dev * np.linalg.solve(cov, dev), axis=0)
    return -0.5 * (d * LOG_2PI + logdet + maha)


def multivariate_normal_pdf(x, mean=None, cov=1, allow_singular=False):
    dev = np.transpose(x - mean)
    d = np.shape(cov)[0]
    sign, logdet = np.linalg.slogdet(cov)
    maha = np.sum(dev * np.linalg.solve(cov, dev), axis=0)
    return np.exp(-0.5 * (d * LOG_2PI + logdet + maha))


# ----- dirichlet: x (k,) or (k, n), alpha (k,) -----

def dirichlet_logpdf(x, alpha):
    lnb = np.sum(sp.gammaln(alpha)) - sp.gammaln(np.sum(alpha))
    return -lnb + np.sum(np.transpose((alpha - 1) * np.log(np.transpose(x))), 0)


def dirichlet_pdf(x, alpha):
    lnb = np.sum(sp.gammaln(alpha)) - sp.gammaln(np.sum(alpha))
    return np.exp(-lnb + np.sum(np.transpose((alpha - 1) * np.log(np.transpose(x))), 0))


# ----- distribution functions through the incomplete gamma / beta and stdtr (in x, loc
# and scale; their shape parameters are refused, see scipy_special.py) -----

def t_cdf(x, df, loc=0.0, scale=1.0):
    return sp.stdtr(df, (x - loc) / scale)


def t_sf(x, df, loc=0.0, scale=1.0):
    return sp.stdtr(df, -(x - loc) / scale)


def t_logcdf(x, df, loc=0.0, scale=1.0):
    return np.log(sp.stdtr(df, (x - loc) / scale))


def t_logsf(x, df, loc=0.0, scale=1.0):
    return np.log(sp.stdtr(df, -(x - loc) / scale))


# chi2(df) is gamma(df / 2, scale=2): scipy's _logpdf is xlogy(df/2 - 1, x) - x/2 -
# gammaln(df/2) - log(2) df/2
LOG_2 = float(np.log(2.0))


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


# poisson's cdf is Q(floor(k) + 1, mu) (scipy's pdtr): in the rate mu only
def poisson_cdf(k, mu, loc=0):
    n = stop_gradient(np.floor(k - loc))
    return sp.gammaincc(n + 1.0, mu)


def poisson_sf(k, mu, loc=0):
    n = stop_gradient(np.floor(k - loc))
    return sp.gammainc(n + 1.0, mu)


def gamma_cdf(x, a, loc=0.0, scale=1.0):
    return sp.gammainc(a, (x - loc) / scale)


def gamma_sf(x, a, loc=0.0, scale=1.0):
    return sp.gammaincc(a, (x - loc) / scale)


def beta_cdf(x, a, b, loc=0.0, scale=1.0):
    return sp.betainc(a, b, (x - loc) / scale)


def beta_sf(x, a, b, loc=0.0, scale=1.0):
    return 1.0 - sp.betainc(a, b, (x - loc) / scale)


def gamma_logcdf(x, a, loc=0.0, scale=1.0):
    return np.log(sp.gammainc(a, (x - loc) / scale))


def gamma_logsf(x, a, loc=0.0, scale=1.0):
    return np.log(sp.gammaincc(a, (x - loc) / scale))


def beta_logcdf(x, a, b, loc=0.0, scale=1.0):
    return np.log(sp.betainc(a, b, (x - loc) / scale))


def beta_logsf(x, a, b, loc=0.0, scale=1.0):
    return np.log1p(-sp.betainc(a, b, (x - loc) / scale))


# the quantiles through the inverse distribution functions (in q, loc and scale)
def gamma_ppf(q, a, loc=0.0, scale=1.0):
    return loc + scale * sp.gammaincinv(a, q)


def beta_ppf(q, a, b, loc=0.0, scale=1.0):
    return loc + scale * sp.betaincinv(a, b, q)


def t_ppf(q, df, loc=0.0, scale=1.0):
    return loc + scale * sp.stdtrit(df, q)


# (distribution, method) -> reference, registered for the bound method ``st.<dist>.<method>``
REFERENCES: dict[tuple[str, str], Callable] = {
    ("norm", "logpdf"): norm_logpdf, ("norm", "pdf"): norm_pdf, ("norm", "cdf"): norm_cdf,
    ("norm", "sf"): norm_sf,
    ("t", "logpdf"): t_logpdf, ("t", "pdf"): t_pdf,
    ("gamma", "logpdf"): gamma_logpdf, ("gamma", "pdf"): gamma_pdf,
    ("beta", "logpdf"): beta_logpdf, ("beta", "pdf"): beta_pdf,
    ("expon", "logpdf"): expon_logpdf, ("expon", "pdf"): expon_pdf,
    ("expon", "cdf"): expon_cdf, ("expon", "logcdf"): expon_logcdf,
    ("expon", "sf"): expon_sf, ("expon", "logsf"): expon_logsf, ("expon", "ppf"): expon_ppf,
    ("laplace", "logpdf"): laplace_logpdf, ("laplace", "pdf"): laplace_pdf,
    ("laplace", "cdf"): laplace_cdf, ("laplace", "logcdf"): laplace_logcdf,
    ("laplace", "sf"): laplace_sf, ("laplace", "logsf"): laplace_logsf,
    ("laplace", "ppf"): laplace_ppf,
    ("cauchy", "logpdf"): cauchy_logpdf, ("cauchy", "pdf"): cauchy_pdf,
    ("cauchy", "cdf"): cauchy_cdf, ("cauchy", "logcdf"): cauchy_logcdf,
    ("cauchy", "sf"): cauchy_sf, ("cauchy", "logsf"): cauchy_logsf,
    ("cauchy", "ppf"): cauchy_ppf,
    ("logistic", "logpdf"): logistic_logpdf, ("logistic", "pdf"): logistic_pdf,
    ("logistic", "cdf"): logistic_cdf, ("logistic", "logcdf"): logistic_logcdf,
    ("logistic", "sf"): logistic_sf, ("logistic", "logsf"): logistic_logsf,
    ("logistic", "ppf"): logistic_ppf,
    ("poisson", "logpmf"): poisson_logpmf, ("poisson", "pmf"): poisson_pmf,
    ("multivariate_normal", "logpdf"): multivariate_normal_logpdf,
    ("multivariate_normal", "pdf"): multivariate_normal_pdf,
    ("dirichlet", "logpdf"): dirichlet_logpdf, ("dirichlet", "pdf"): dirichlet_pdf,
    ("t", "cdf"): t_cdf, ("t", "sf"): t_sf, ("gamma", "cdf"): gamma_cdf,
    ("gamma", "sf"): gamma_sf, ("beta", "cdf"): beta_cdf, ("beta", "sf"): beta_sf,
    ("t", "logcdf"): t_logcdf, ("t", "logsf"): t_logsf,
    ("chi2", "logpdf"): chi2_logpdf, ("chi2", "pdf"): chi2_pdf, ("chi2", "cdf"): chi2_cdf,
    ("chi2", "sf"): chi2_sf, ("chi2", "logcdf"): chi2_logcdf, ("chi2", "logsf"): chi2_logsf,
    ("poisson", "cdf"): poisson_cdf, ("poisson", "sf"): poisson_sf,
    ("gamma", "logcdf"): gamma_logcdf, ("gamma", "logsf"): gamma_logsf,
    ("beta", "logcdf"): beta_logcdf, ("beta", "logsf"): beta_logsf,
}

# through special functions that have rules once scipy_special.py gives them
# (it is imported before this module)
if st is not None:
    _conditional: list[tuple[tuple[str, str], Callable, object]] = [
        (("norm", "logcdf"), norm_logcdf, sp.log_ndtr),
        (("norm", "logsf"), norm_logsf, sp.log_ndtr),
        (("norm", "ppf"), norm_ppf, sp.ndtri),
        (("norm", "isf"), norm_isf, sp.ndtri),
        (("gamma", "ppf"), gamma_ppf, sp.gammaincinv),
        (("beta", "ppf"), beta_ppf, sp.betaincinv),
        (("t", "ppf"), t_ppf, sp.stdtrit)]
    for _key, _reference, _needs in _conditional:
        if lookup_vjp(_needs) is not None and lookup_jvp(_needs) is not None:
            REFERENCES[_key] = _reference
    for (_dist, _method), _reference in REFERENCES.items():
        defthrough(getattr(getattr(st, _dist), _method), _reference)
