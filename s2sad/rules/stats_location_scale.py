"""Closed forms of scipy.stats' location-scale families without a shape parameter
(``norm``, ``expon``, ``laplace``, ``cauchy``, ``logistic``): their densities,
distribution functions, logs of those and quantiles, following scipy's own formulas
(:mod:`scipy_stats` says how, and registers them)."""
from __future__ import annotations

import numpy as np

try:
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = None

LOG_SQRT_2PI = float(np.log(np.sqrt(2 * np.pi)))  # scipy's _norm_pdf_logC
SQRT_2PI = float(np.sqrt(2 * np.pi))  # scipy's _norm_pdf_C
LOG_PI = float(np.log(np.pi))


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
