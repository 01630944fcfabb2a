"""The standard library's ``statistics`` functions (``rules/statistics_through.py``):
refused before (their source converts numbers to fractions, in generators with try
blocks).  Against central differences and closed forms, both branches of an if on a
statistic."""
from __future__ import annotations

import statistics

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

X = np.array([0.5, -1.5, 2.0, 0.3, -0.7, 1.1])


def moments(x):
    vals = list(x)
    return statistics.mean(vals) + statistics.pstdev(vals) + 2.0 * statistics.variance(vals)


def robust(x):
    vals = [v * v + 0.1 for v in x]
    return statistics.median(vals) * statistics.geometric_mean(vals) + \
        statistics.harmonic_mean(vals)


def branch_on_spread(x):
    s = statistics.stdev(x.tolist())
    if s > 1.0:
        return s * statistics.fmean(x.tolist(), weights=[1.0, 2.0, 1.0, 1.0, 3.0, 1.0])
    return statistics.pvariance(x.tolist(), mu=0.0)


def test_moments():
    n = len(X)
    d = X - X.mean()
    closed = 1 / n + d / (n * X.std()) + 2.0 * 2 * d / (n - 1)
    np.testing.assert_allclose(s2sad.grad(moments)(X), closed, rtol=1e-12)
    check_grad(moments, X)


def test_robust():
    value, _ = s2sad.value_and_grad(robust)(X)
    assert value == pytest.approx(robust(X))
    check_grad(robust, X)


@pytest.mark.parametrize("scale", [2.0, 0.3])  # (stdev above 1, then below)
def test_branch_on_spread(scale):
    x = X * scale
    assert (statistics.stdev(x.tolist()) > 1.0) == (scale > 1.0)
    check_grad(branch_on_spread, x)
    if scale < 1.0:
        np.testing.assert_allclose(s2sad.grad(branch_on_spread)(x), 2 * x / len(x),
                                   rtol=1e-12)
