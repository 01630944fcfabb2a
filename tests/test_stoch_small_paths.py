"""Short paths of two runtime helpers, checked through gradients of users' code against
central differences and closed forms: the adjoint of ``np.dot`` of two vectors (``g * a``,
not a tensordot: a tree RNN's output layer), and the zero adjoint of an array a loop
kept only the shape of (``zeros_like`` of a float64 ``Shape``: a Taylor series' term)."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen10 import ctmc_expm as rates_loglik
from gradcheck import numerical_grad
from s2sad.runtime import contract, core


def _fd(f, args, i):
    """Central differences of f in its argument i (float64)."""
    return numerical_grad(f, args, i)


# ----- np.dot of two vectors -----

def _node(W, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    return np.tanh(W @ np.concatenate((_node(W, leaves, lo, mid), _node(W, leaves, mid, hi))))


def tree_readout(u, W, leaves):
    return (np.dot(u, _node(W, leaves, 0, leaves.shape[0])) - 1.0) ** 2


def _chain(W, x, n):
    return x if n == 0 else np.tanh(W @ _chain(W, x, n - 1))


def chain_readout(u, W, x):
    h = _chain(W, x, 3)  # (a recursive helper's result: its rank is known at run time)
    return np.log(1.0 + np.exp(np.dot(h, u))) + 0.5 * np.dot(u, u)


def chain_scaled(u, W, x, c):
    return c * np.dot(_chain(W, x, 2) * u, u[::-1])


def test_tree_readout_closed_form_at_two_leaves():
    r = np.random.default_rng(2)
    u, W, leaves = r.normal(size=3), 0.5 * r.normal(size=(3, 6)), r.normal(size=(2, 3))
    du, dW = s2sad.grad(tree_readout, wrt=(0, 1))(u, W, leaves)
    c = leaves.ravel()
    h = np.tanh(W @ c)
    e = 2.0 * (np.dot(u, h) - 1.0)
    np.testing.assert_allclose(du, e * h, rtol=1e-12)
    np.testing.assert_allclose(dW, np.outer(e * u * (1.0 - h * h), c), rtol=1e-12)


@pytest.mark.parametrize("f, extra, n_leaves", [(tree_readout, (), 5), (chain_readout, (), 0),
                                                (chain_scaled, (0.7,), 0)])
def test_dot_of_vectors_differences(f, extra, n_leaves):
    r = np.random.default_rng(3)
    W = 0.4 * r.normal(size=(3, 6) if n_leaves else (3, 3))
    x = r.normal(size=(n_leaves, 3)) if n_leaves else r.normal(size=3)
    args = (r.uniform(0.5, 1.5, 3), W, x, *extra)
    got = s2sad.grad(f, wrt=(0, 1))(*args)
    for i in (0, 1):
        np.testing.assert_allclose(got[i], _fd(f, args, i), rtol=1e-6, atol=1e-8)


def test_dot_rhs_adjoint_of_vectors_keeps_the_general_result():
    r = np.random.default_rng(4)
    a, b, g = r.normal(size=3), r.normal(size=3), np.float64(1.7)
    lead: list = []
    np.testing.assert_allclose(contract.dot_rhs_adjoint(g, a, b),
                               np.tensordot(a, np.asarray(g), axes=(lead, lead)))
    ints = np.arange(3)  # (an int vector on the left: the adjoint is a float array)
    assert contract.dot_rhs_adjoint(0.5, ints, b).dtype == np.float64


# ----- zeros of a kept shape -----



def power_trace(A, steps):
    term = np.eye(A.shape[0])
    total = 0.0
    for k in range(1, steps):
        term = term @ A / k
        total = total + np.trace(term)
    return total


def series_apply(A, v):
    out = v.copy()
    w = v
    for k in range(1, 6):
        w = A @ w / k
        out = out + w
    return np.sum(out ** 2)


def test_expm_likelihood_differences():
    r = np.random.default_rng(6)
    theta = r.normal(-1.0, 0.3, (3, 3))
    counts = r.integers(0, 9, (2, 3, 3)).astype(float)
    dts = np.array([0.5, 1.3])
    got = s2sad.grad(rates_loglik)(theta, counts, dts)
    np.testing.assert_allclose(got, _fd(rates_loglik, (theta, counts, dts), 0),
                               rtol=1e-6, atol=1e-7)


def test_power_trace_closed_form():
    r = np.random.default_rng(7)
    A = 0.4 * r.normal(size=(4, 4))
    got = s2sad.grad(power_trace)(A, 6)
    # d tr(A^k) / dA = k (A^{k-1})^T, divided by k!: (A^{k-1})^T / (k-1)!
    want = sum(np.linalg.matrix_power(A, k - 1).T / np.prod(np.arange(1, k), dtype=float)
               for k in range(1, 6))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_series_apply_differences():
    r = np.random.default_rng(8)
    A, v = 0.5 * r.normal(size=(3, 3)), r.normal(size=3)
    got = s2sad.grad(series_apply, wrt=(0, 1))(A, v)
    for i in (0, 1):
        np.testing.assert_allclose(got[i], _fd(series_apply, (A, v), i), rtol=1e-6,
                                   atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_zeros_like_of_a_shape(dtype):
    z = core.zeros_like(core.shape_of(np.ones((2, 3), dtype=dtype)))
    assert z.shape == (2, 3) and not z.any()
    assert z.dtype == np.result_type(dtype, float)
