"""Closed forms of scipy.stats' multivariate distributions (``multivariate_normal``,
``dirichlet``): their densities and log densities, and the normal's entropy
(:mod:`scipy_stats` registers them)."""
from __future__ import annotations

import numpy as np

try:
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = None

from s2sad.runtime.linalg import triangle_read

LOG_2PI = float(np.log(2 * np.pi))


def as_read(cov):
    # scipy reads the covariance's lower triangle (eigh(cov, lower=True)): the upper one
    # changes nothing, so it gets no gradient (as np.linalg.eigh's); a vector (the
    # diagonal) or a number as given
    return triangle_read(cov) if np.ndim(cov) == 2 else cov


# ----- multivariate_normal: x (..., d), mean (d,), cov (d, d) -----

def multivariate_normal_logpdf(x, mean=None, cov=1, allow_singular=False):
    dev = np.transpose(x - mean)
    cov = as_read(cov)
    if allow_singular:
        return singular_normal_logpdf(dev, cov)
    d = np.shape(cov)[0]
    sign, logdet = np.linalg.slogdet(cov)
    maha = np.sum(dev * np.linalg.solve(cov, dev), axis=0)
    return -0.5 * (d * LOG_2PI + logdet + maha)


def multivariate_normal_pdf(x, mean=None, cov=1, allow_singular=False):
    return np.exp(multivariate_normal_logpdf(x, mean, cov, allow_singular))


def singular_normal_logpdf(dev, cov):
    # scipy's allow_singular=True: the density on the covariance's range (its rank for
    # the dimension, the pseudo-determinant, the pseudo-inverse), -inf off it.  With P the
    # projection on the range, det(cov + I - P) is the pseudo-determinant (as solve and
    # det refuse a singular cov, which the rows x of the range never need)
    inverse = np.linalg.pinv(cov)
    projection = cov @ inverse
    rank = np.linalg.matrix_rank(cov)
    sign, logdet = np.linalg.slogdet(cov + np.eye(np.shape(cov)[0]) - projection)
    maha = np.sum(dev * (inverse @ dev), axis=0)
    off = dev - projection @ dev
    outside = np.sum(off * off, axis=0) > 1e-12 * (1.0 + np.sum(dev * dev, axis=0))
    density = -0.5 * (rank * LOG_2PI + logdet + maha)
    if np.any(outside):
        density = np.where(outside, -np.inf, density)
    return density


def multivariate_normal_entropy(mean=None, cov=1):
    cov = as_read(cov)
    d = np.shape(cov)[0]
    sign, logdet = np.linalg.slogdet(cov)
    return 0.5 * (d * (LOG_2PI + 1.0) + logdet)


# ----- dirichlet: x (k,) or (k, n), alpha (k,) -----

def dirichlet_logpdf(x, alpha):
    lnb = np.sum(sp.gammaln(alpha)) - sp.gammaln(np.sum(alpha))
    return -lnb + np.sum(np.transpose((alpha - 1) * np.log(np.transpose(x))), 0)


def dirichlet_pdf(x, alpha):
    lnb = np.sum(sp.gammaln(alpha)) - sp.gammaln(np.sum(alpha))
    return np.exp(-lnb + np.sum(np.transpose((alpha - 1) * np.log(np.transpose(x))), 0))
