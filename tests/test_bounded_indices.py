"""compiler/shape_index.py: an index vector of integers bounded by ``np.minimum(j, n - 1)``
or ``np.maximum(j - 1, 0)`` (``j`` from ``np.searchsorted``) is integers still, so a
gather by it is as long as the index and its adjoint needs no ``unbroadcast``.  Against
central differences; a mask stays of unknown length."""
import numpy as np

import s2sad
from gradcheck import check_grad, grad_code


def resample(x, u):
    c = np.cumsum(np.exp(x))
    idx = np.minimum(np.searchsorted(c / c[-1], u), x.shape[0] - 1)
    y = x[idx] * u
    return np.sum(y * y)


def previous(x, t):
    j = np.maximum(np.searchsorted(t, x) - 1, 0)
    return np.sum(np.sin(x[j]) * x)


def masked(x):
    m = np.minimum(x > 0.0, True)
    return np.sum(x[m] ** 2)


def test_resampled_gather(rng):
    x, u = 0.3 * rng.standard_normal(6), (np.arange(6) + rng.random(6)) / 6
    check_grad(resample, x, u)
    assert "unbroadcast" not in grad_code(resample, x, u)


def test_lower_bound(rng):
    x, t = np.sort(rng.uniform(0, 1, 5)) + 0.01, np.linspace(0.0, 1.0, 5)
    check_grad(previous, x, t)
    assert "unbroadcast" not in grad_code(previous, x, t)


def test_mask_by_minimum(rng):
    x = rng.standard_normal(7)
    check_grad(masked, x)
    g = s2sad.grad(masked)(x)
    np.testing.assert_allclose(g, np.where(x > 0.0, 2.0 * x, 0.0), rtol=1e-12)
