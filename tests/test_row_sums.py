"""Sums and means over the last axis of float64 arrays written as products with ones
(the late pass ``rows``): the numbers against finite differences and closed forms, the
rewrite where it is proved, and none where the dtype is not float64."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_source


def pair_energy(pos, eps):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1) + np.eye(pos.shape[0])
    return eps * np.sum(1.0 / r2)


def row_losses(W, X, y):
    err = X @ W - y
    per_row = np.sum(err * err, axis=1)
    return np.sum(np.sqrt(per_row + 1.0))


def layer_norm(x, g):
    mu = np.mean(x, axis=-1, keepdims=False)
    c = x - mu[:, None]
    var = np.mean(c * c, axis=-1)
    return np.sum(g * c / np.sqrt(var + 1e-3)[:, None])


def stacked(T):
    return np.sum(np.tanh(np.sum(T * T, 2)))


def _positions(rng, n=5):
    grid = np.arange(n)[:, None] * np.array([1.3, 0.2, -0.4])
    return grid + 0.1 * rng.standard_normal((n, 3))


def test_pair_energy():
    rng = np.random.default_rng(0)
    pos = _positions(rng)
    check_grad(pair_energy, pos, 0.7, wrt=(0, 1))
    assert "sum_last(" in grad_source(pair_energy, pos, 0.7)  # (3 columns: added)


def test_pair_energy_closed_form():
    pos = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])  # r2 = 9 between the two
    g = s2sad.grad(pair_energy)(pos, 1.0)
    # E = 2 / r2 + 2 (the diagonal's ones): dE/dpos_0 = 2 * 2 (pos_1 - pos_0) / r2^2 * 2 / 2
    d = pos[1] - pos[0]
    np.testing.assert_allclose(g[0], 4.0 * d / 81.0, rtol=1e-12)
    np.testing.assert_allclose(g[1], -4.0 * d / 81.0, rtol=1e-12)


def test_row_losses():
    rng = np.random.default_rng(1)
    W, X, y = rng.standard_normal((3, 2)), rng.standard_normal((6, 3)), \
        rng.standard_normal((6, 2))
    check_grad(row_losses, W, X, y, wrt=(0, 1))
    assert "sum_last(" in grad_source(row_losses, W, X, y)


def test_layer_norm_means():
    rng = np.random.default_rng(2)
    x, g = rng.standard_normal((4, 5)), rng.standard_normal(5)
    check_grad(layer_norm, x, g, wrt=(0, 1))
    source = grad_source(layer_norm, x, g)
    assert "mu = sum_last(x) / np.shape(x)[1]" in source


def test_stacked_positional_axis():
    T = np.random.default_rng(3).standard_normal((2, 3, 4))
    check_grad(stacked, T)
    np.testing.assert_allclose(
        s2sad.grad(stacked)(T),
        2.0 * T * (1.0 - np.tanh(np.sum(T * T, 2)) ** 2)[..., None], rtol=1e-12)


def counted(N, x):
    return np.sum(np.sin(np.sum(N * x, axis=-1)))


def test_float32_keeps_sum():
    """A float32 array: the sum stays (``@`` with float64 ones would make the gradient
    float64)."""
    T = ((np.arange(24).reshape(2, 3, 4) % 5) * 0.1).astype(np.float32)
    out = s2sad.grad(stacked)(T)
    assert out.dtype == np.float32
    T64 = T.astype(float)
    np.testing.assert_allclose(
        out, 2.0 * T64 * (1.0 - np.tanh(np.sum(T64 * T64, 2)) ** 2)[..., None], rtol=1e-5)
    assert "np.ones" not in grad_source(stacked, T)


def test_integer_weights():
    """An integer array times a float64 one is float64: summed as a product."""
    N = np.arange(12).reshape(3, 4) % 3
    x = np.random.default_rng(4).standard_normal((3, 4))
    check_grad(counted, N, x, wrt=1)
    expected = N * np.cos(np.sum(N * x, axis=-1))[:, None]
    np.testing.assert_allclose(s2sad.grad(counted, argnums=1)(N, x), expected, rtol=1e-12)


def test_forward_mode():
    from gradcheck import check_jvp
    rng = np.random.default_rng(5)
    check_jvp(pair_energy, _positions(rng), 0.7, wrt=(0, 1))
    check_jvp(layer_norm, rng.standard_normal((4, 5)), rng.standard_normal(5), wrt=(0, 1))
    check_jvp(stacked, rng.standard_normal((2, 3, 4)))


def test_row_sums_in_a_loop():
    """Row sums inside a loop whose trips rebind the array (the length read each trip)."""
    def relax(X, w):
        for _ in range(3):
            X = np.tanh(X + np.sum(X * X, axis=-1)[:, None] * w)
        return np.sum(X)
    rng = np.random.default_rng(6)
    check_grad(relax, 0.3 * rng.standard_normal((4, 3)), 0.1 * rng.standard_normal(3),
               wrt=(0, 1))


# ----- sums down the first axis, flat dots -----


def dense(W, b, X):
    return np.sum(np.tanh(X @ W + b) ** 2)


def centred(X, w):
    c = X - np.mean(X, axis=0)
    return np.sum((c @ w) ** 2)


def column_totals(A):
    return np.sum(np.sin(np.sum(A * A, axis=0)))


@pytest.mark.parametrize("f, shapes, wrt", [
    (dense, [(3, 4), (4,), (9, 3)], (0, 1, 2)), (centred, [(8, 3), (3,)], (0, 1)),
    (column_totals, [(6, 2)], 0)])
def test_first_axis_sums(rng, f, shapes, wrt):
    """A bias's adjoint, a mean over samples, a column sum of a user's: down the first
    axis of a float64 matrix as a product with ones, against central differences."""
    args = [rng.standard_normal(s) for s in shapes]
    check_grad(f, *args, wrt=wrt)
    assert "np.ones(" in grad_source(f, *args, wrt=wrt)


def test_first_axis_sum_closed_form(rng):
    W, b, X = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((9, 3))
    t = np.tanh(X @ W + b)
    db = s2sad.grad(dense, wrt=1)(W, b, X)
    np.testing.assert_allclose(db, np.sum(2 * t * (1 - t * t), axis=0), rtol=1e-12)


def test_first_axis_float32_keeps_sum():
    A = ((np.arange(12).reshape(6, 2) % 5) * 0.1).astype(np.float32)
    out = s2sad.grad(column_totals)(A)
    assert out.dtype == np.float32
    assert "np.ones" not in grad_source(column_totals, A)


def taps(W, x):
    k = W.shape[0]
    H, L = x.shape[0] - k + 1, x.shape[1] - k + 1
    out = np.zeros((H, L))
    for i in range(k):
        for j in range(k):
            out = out + W[i, j] * x[i:i + H, j:j + L]
    return np.sum(out ** 2)


def window_match(t, img):
    return np.sum(t * img[1:4, 2:5])


def weighted_frames(w, F):
    total = 0.0
    for i in range(F.shape[0]):
        total = total + w[i] * np.sum(F[i] * F[i, ::-1])
    return total


@pytest.mark.parametrize("f, shapes, wrt", [
    (taps, [(3, 3), (7, 8)], (0, 1)), (window_match, [(3, 3), (6, 7)], (0, 1)),
    (weighted_frames, [(3,), (3, 4, 4)], (0, 1))])
def test_flat_dots(rng, f, shapes, wrt):
    """The full sum of a product of two float64 arrays, a window strided: ``np.vdot``,
    against central differences."""
    args = [rng.standard_normal(s) for s in shapes]
    check_grad(f, *args, wrt=wrt)
    assert "np.reshape(" not in grad_source(f, *args, wrt=wrt)


def test_flat_dot_of_a_complex_array_conjugates_nothing(rng):
    """A complex window: no ``np.vdot`` (it would conjugate its first operand); the
    gradient as JAX's, ``t`` where the window reads."""
    def f(t, img):
        return np.real(np.sum(t * img[1:4, 2:5]))
    t = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    img = rng.standard_normal((6, 7)) + 1j * rng.standard_normal((6, 7))
    g = s2sad.grad(f, wrt=1)(t, img)
    expected = np.zeros_like(img)
    expected[1:4, 2:5] = t
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def literal_columns(T):
    """Sums over a last axis of a slice's length and of an argument's."""
    a = np.sum(T[:, :3] ** 2, axis=-1)
    b = np.sum(np.tanh(T), axis=1)
    return np.sum(np.sqrt(a + 1.0) * b)


def flat_rows(x):
    X = np.reshape(x, (4, 3))
    return np.sum(np.sin(np.sum(X * X, axis=1)))


@pytest.mark.parametrize("columns", [2, 3, 4, 6])
def test_sum_last_lengths(columns):
    """``sum_last`` adds 2 or 3 columns, takes the product for more: every length
    against central differences and the closed form, in both modes."""
    rng = np.random.default_rng(20 + columns)
    pos = rng.standard_normal((5, columns))
    check_grad(pair_energy, pos, 0.7, wrt=(0, 1))
    from gradcheck import check_jvp
    check_jvp(pair_energy, pos, 0.7, wrt=(0, 1))
    T = rng.standard_normal((2, 3, columns))
    np.testing.assert_allclose(
        s2sad.grad(stacked)(T),
        2.0 * T * (1.0 - np.tanh(np.sum(T * T, 2)) ** 2)[..., None], rtol=1e-12)


def test_sum_last_literal_lengths():
    T = np.random.default_rng(30).standard_normal((4, 5))
    check_grad(literal_columns, T)
    source = grad_source(literal_columns, T)
    assert source.count("sum_last(") == 2


def test_sum_last_hessian():
    from gradcheck import check_hessian
    check_hessian(flat_rows, 0.3 * np.random.default_rng(31).standard_normal(12))
