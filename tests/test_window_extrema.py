"""Max- and min-pooling by reshape, ``x.reshape(B, h, 2, w, 2).max(axis=(2, 4))``: the
forward reduction over the short window axes written as ``max_axes`` (runtime, the
window's slices' ``np.maximum``: the same numbers), its adjoint the extremum's
(ties split).  Checked against central differences, the benchmark's hand-written
gradient, NumPy's own reduction, and at second order; three ways besides the benchmark's."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen8 import pool_cnn, pool_cnn_args, pool_cnn_grad
from gradcheck import check_grad, grad_code
from s2sad.runtime import max_axes, min_axes


def min_pool(x, w):
    """A 3 x 3 min-pool kept as axes of one (``keepdims``), axes named once."""
    n, m = x.shape
    axes = (1, 3)
    p = np.min(np.tanh(x).reshape(n // 3, 3, m // 3, 3), axis=axes, keepdims=True)
    return np.sum(w * p[:, 0, :, 0] ** 2)


def pool_and_mean(x):
    """A 2 x 2 max-pool over the last two window axes of a stack, a mean after."""
    b, h, w = x.shape
    p = (x * x).reshape(b, h // 2, w // 2, 2, 2).max(axis=(-2, -1))
    return np.mean(np.sin(p))


def pool_relu(x, k):
    """ReLU, then a pool: windows with ties (all of them 0) on one side of the data."""
    a = np.maximum(x * k, 0.0)
    return np.sum(a.reshape(4, 2, 4, 2).max(axis=(1, 3)) ** 2)


def test_benchmark_pool_cnn():
    args = pool_cnn_args("smoke")
    got = s2sad.grad(pool_cnn, wrt=(0, 1))(*args)
    for g, h in zip(got, pool_cnn_grad(*args)):
        np.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-12)
    check_grad(pool_cnn, *args, wrt=(0, 1))
    assert "max_axes(" in grad_code(pool_cnn, *args, wrt=(0, 1))


def test_min_pool_keepdims():
    r = np.random.default_rng(4)
    x, w = r.standard_normal((6, 9)), r.standard_normal((2, 3))
    check_grad(min_pool, x, w, wrt=(0, 1))
    assert "min_axes(" in grad_code(min_pool, x, w)


def test_pool_and_mean_and_second_order():
    x = np.random.default_rng(5).standard_normal((2, 4, 6))
    check_grad(pool_and_mean, x)
    H = s2sad.hessian(pool_and_mean)(x)
    g = s2sad.grad(pool_and_mean)
    for at in [(0, 0, 0), (1, 3, 5), (0, 2, 1)]:
        step = np.zeros_like(x)
        step[at] = 1e-6
        np.testing.assert_allclose(H[at], (g(x + step) - g(x - step)) / 2e-6, rtol=1e-5,
                                   atol=1e-6)


@pytest.mark.parametrize("k", [1.0, -1.0])  # ties of zeros in some windows / in most
def test_pool_relu_ties(k):
    x = np.random.default_rng(6).standard_normal((8, 8)) + 0.3
    dx = s2sad.grad(pool_relu)(x, k)
    a = np.maximum(x * k, 0.0).reshape(4, 2, 4, 2)
    top = a.max(axis=(1, 3), keepdims=True)
    hit = a == top
    expected = (hit / hit.sum(axis=(1, 3), keepdims=True) * 2 * top * k *
                (x * k > 0).reshape(4, 2, 4, 2)).reshape(8, 8)  # (ties split, as np.max's)
    np.testing.assert_allclose(dx, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape,axes,keep", [((32, 14, 2, 14, 2), (2, 4), False),
                                             ((8, 3, 40, 3), (1, 3), True),
                                             ((4, 5), (0,), False)])
def test_runtime_helpers_are_numpys_reduction(shape, axes, keep):
    x = np.random.default_rng(7).standard_normal(shape)
    x.flat[3] = np.nan
    for ours, theirs in ((max_axes, np.max), (min_axes, np.min)):
        np.testing.assert_array_equal(ours(x, axes, keep), theirs(x, axis=axes, keepdims=keep))
