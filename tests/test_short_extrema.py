"""``np.max`` / ``np.min`` along the last axis of a float64 array of rank two or more is
``max_last`` / ``min_last``: the columns' ``np.maximum`` where that axis is short (the
same numbers, NaN carried alike; NumPy reduces a short last axis an output at a time).
Softmax and log-sum-exp rows of a mixture (max kept, max dropped), a min over rows, a
rank-three array, a long last axis (NumPy's own reduction), rows with ties; gradients
against central differences in float64, Hessians against central differences of the
gradient, values against NumPy bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, grad_source
from s2sad import runtime


def mixture_nll(mu, x):
    logp = -0.5 * (x[:, None] - mu) ** 2
    m = np.max(logp, axis=1, keepdims=True)
    return -np.sum(m[:, 0] + np.log(np.sum(np.exp(logp - m), axis=1)))


def soft_assign(C, X):
    d = -np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    m = np.max(d, axis=-1)
    r = np.exp(d - m[:, None])
    return np.sum(r * d) / np.sum(r) + np.sum(np.min(d, axis=1))


def cube_max(A):
    return np.sum(np.max(np.sin(A), axis=2) ** 2)


@pytest.mark.parametrize("n,k", [(40, 5), (300, 3), (7, 20)])
def test_mixture_nll(n, k):
    rng = np.random.default_rng(n + k)
    check_grad(mixture_nll, np.linspace(-1.0, 1.0, k), rng.standard_normal(n) * 1.5)


def test_mixture_uses_the_helper():
    src = grad_source(mixture_nll, np.linspace(-1.0, 1.0, 4), np.arange(30.0) / 10)
    assert "max_last(" in src and "np.max(" not in "\n".join(
        s for s in src.splitlines() if not s.strip().startswith("#"))


@pytest.mark.parametrize("n,k", [(30, 4), (5, 2), (200, 6)])
def test_soft_assign(n, k):
    rng = np.random.default_rng(n)
    check_grad(soft_assign, rng.standard_normal((k, 2)), rng.standard_normal((n, 2)),
               wrt=(0, 1))


@pytest.mark.parametrize("shape", [(3, 40, 4), (2, 300, 3), (4, 5, 18)])
def test_cube_max(shape):
    check_grad(cube_max, np.random.default_rng(1).standard_normal(shape))


def test_ties_follow_numpy_rule():
    """Rows whose largest entries tie: the adjoint splits as np.max's rule does."""
    A = np.repeat(np.array([[0.3, 0.7, 0.7, -1.0]]), 200, axis=0)
    import s2sad
    g = s2sad.grad(lambda a: np.sum(np.max(a, axis=1) * np.arange(200.0)))(A)
    expected = np.zeros_like(A)
    expected[:, 1:3] = 0.5 * np.arange(200.0)[:, None]
    np.testing.assert_allclose(g, expected)


@pytest.mark.parametrize("keep", [False, True])
def test_bit_for_bit(keep):
    x = np.random.default_rng(3).standard_normal((400, 7))
    x[5, 3], x[9, 0] = np.nan, -0.0
    for ours, theirs in ((runtime.max_last, np.max), (runtime.min_last, np.min)):
        a, b = ours(x, keep), theirs(x, axis=-1, keepdims=keep)
        assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
        assert np.array_equal(np.signbit(a), np.signbit(b))


def test_hessians():
    x = np.random.default_rng(4).standard_normal(300)
    check_hessian(lambda m: mixture_nll(m, x), np.array([-0.5, 0.2, 0.9]))
    X = np.random.default_rng(5).standard_normal((200, 2))
    check_hessian(lambda c: soft_assign(c, X), np.array([[0.1, 0.2], [-0.3, 0.4]]))
