"""The standard library's ``statistics`` module (``mean``, ``fmean``, ``median``,
``stdev``, ``pstdev``, ``variance``, ``pvariance``, ``geometric_mean``,
``harmonic_mean``) differentiated through NumPy closed forms (``defthrough``).  Its own
source converts each number to an exact fraction and back (and runs generators with
try blocks): no derivative s2sad can read.  The data as a float array; a value of the
sample's mean given (``xbar``, ``mu``) is used as given, as the module does."""
from __future__ import annotations

import statistics

import numpy as np

from s2sad.rules.registry import defthrough


def _data(data):
    return np.asarray(list(data), dtype=float)


def mean(data):
    return np.mean(_data(data))


def fmean(data, weights=None):
    if weights is None:
        return mean(data)
    w = _data(weights)
    return np.sum(_data(data) * w) / np.sum(w)


def median(data):
    return np.median(_data(data))


def pvariance(data, mu=None):
    values = _data(data)
    centre = np.mean(values) if mu is None else mu
    return np.sum((values - centre) ** 2) / len(values)


def variance(data, xbar=None):
    values = _data(data)
    centre = np.mean(values) if xbar is None else xbar
    return np.sum((values - centre) ** 2) / (len(values) - 1)


def pstdev(data, mu=None):
    return np.sqrt(pvariance(data, mu))


def stdev(data, xbar=None):
    return np.sqrt(variance(data, xbar))


def geometric_mean(data):
    return np.exp(np.mean(np.log(_data(data))))


def harmonic_mean(data):
    values = _data(data)
    return len(values) / np.sum(1.0 / values)


for _fn, _reference in ((statistics.mean, mean), (statistics.fmean, fmean),
                        (statistics.median, median), (statistics.pvariance, pvariance),
                        (statistics.variance, variance), (statistics.pstdev, pstdev),
                        (statistics.stdev, stdev),
                        (statistics.geometric_mean, geometric_mean),
                        (statistics.harmonic_mean, harmonic_mean)):
    defthrough(_fn, _reference)
