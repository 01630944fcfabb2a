"""2-norms along the last axis (pairwise distances, row norms, unit vectors): their
partials are 0 at a zero vector without a NaN (``or_one``), so the unguarded derivative
needs no fallback, and float64 norms are written ``np.sqrt(x * x @ np.ones(k))``."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_source


def coulomb(pos, q):
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.linalg.norm(diff, axis=-1) + np.eye(pos.shape[0])
    e = np.outer(q, q) / r
    return 0.5 * np.sum(e * (1.0 - np.eye(pos.shape[0])))


def weighted_row_norms(X, w):
    return np.sum(np.linalg.norm(X, axis=1) * w)


def unit_rows(X, C):
    return np.sum(X / np.linalg.norm(X, 2, -1, True) * C)


def stacked_norms(T):
    return np.sum(np.linalg.norm(T, ord=None, axis=2) ** 3)


def test_coulomb_pairs():
    rng = np.random.default_rng(0)
    pos, q = 2.0 * rng.standard_normal((5, 3)), rng.standard_normal(5)
    check_grad(coulomb, pos, q, wrt=(0, 1))
    source = grad_source(coulomb, pos, q, wrt=(0, 1))
    assert "or_one(" in source and "safe_div" not in source


def test_coulomb_closed_form():
    pos, q = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]]), np.array([2.0, -1.5])
    dpos, dq = s2sad.grad(coulomb, argnums=(0, 1))(pos, q)
    d = pos[1] - pos[0]  # E = q0 q1 / |d|, |d| = 3
    np.testing.assert_allclose(dpos[0], q[0] * q[1] * d / 27.0, rtol=1e-12)
    np.testing.assert_allclose(dpos[1], -q[0] * q[1] * d / 27.0, rtol=1e-12)
    np.testing.assert_allclose(dq, [q[1] / 3.0, q[0] / 3.0], rtol=1e-12)


def test_row_norms_with_a_zero_row():
    X = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]])
    w = np.array([2.0, 5.0, -1.0])
    g = s2sad.grad(weighted_row_norms)(X, w)
    expected = np.array([[0.6, 0.8], [0.0, 0.0], [1.0, -1.0] / np.sqrt(2.0)]) * w[:, None]
    np.testing.assert_allclose(g, expected, rtol=1e-12)
    assert not np.isnan(g).any()
    check_grad(weighted_row_norms, X + 0.5, w, wrt=(0, 1))


def test_unit_rows_keepdims():
    rng = np.random.default_rng(1)
    X, C = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    check_grad(unit_rows, X, C)
    assert "np.sqrt(sum_last(X * X))" in grad_source(unit_rows, X, C)  # (3 columns)


@pytest.mark.parametrize("zero", [False, True])
def test_stacked_norms(zero):
    T = np.random.default_rng(2).standard_normal((2, 3, 4))
    if zero:
        T[1, 2] = 0.0
    g = s2sad.grad(stacked_norms)(T)
    n = np.linalg.norm(T, axis=2)
    np.testing.assert_allclose(g, 3.0 * (n ** 1)[..., None] * T, rtol=1e-12)
    check_grad(stacked_norms, T)


def squared_row_norms(X):
    return np.sum(np.linalg.norm(X, axis=1) ** 2 * np.array([1.0, 2.0, 3.0]))


def row_norm_energy(X):
    return np.sum(np.linalg.norm(X, axis=-1) * np.array([1.0, -2.0, 0.5]))


@pytest.mark.parametrize("f", [squared_row_norms, row_norm_energy])
def test_second_derivatives_through_row_norms(f):
    from gradcheck import check_hessian
    X = np.random.default_rng(6).standard_normal((3, 2))
    check_hessian(f, X)


def test_the_adjoint_reads_the_forward_norms():
    """The norms the forward sweep took are the adjoint's divisors (not taken again), and
    the pairwise adjoint is contracted through the weight ``dr / or_one(norm)``."""
    rng = np.random.default_rng(7)
    pos, q = 2.0 * rng.standard_normal((5, 3)), rng.standard_normal(5)
    source = grad_source(coulomb, pos, q, wrt=(0, 1))
    assert source.count("np.sqrt(") == 1 and "/ or_one(norm)" in source
    assert "_weight" in source and "np.sum(ddiff," not in source


def front_axis_quotient(a, b, x):
    """``np.expand_dims(a, 1) * (x / np.expand_dims(b, 1))`` with ``a`` of lower rank
    than ``b``: broadcasting pairs ``a[k]`` with ``b[i, j]``, unlike ``(a / b)[:, None]``;
    the rewrite into one spread quotient must not apply."""
    y = np.expand_dims(a, 1) * (x / np.expand_dims(b, 1))
    return np.sum(y * y)


def test_front_axis_quotients_of_other_ranks():
    r = np.random.default_rng(8)
    a, b, x = r.standard_normal(3), r.uniform(1.0, 2.0, (2, 3)), r.standard_normal((2, 3, 3))
    check_grad(front_axis_quotient, a, b, x, wrt=(0, 1, 2))
    got = s2sad.value_and_grad(front_axis_quotient, argnums=(0, 1, 2))(a, b, x)[0]
    np.testing.assert_allclose(got, front_axis_quotient(a, b, x), rtol=1e-13)


@pytest.mark.parametrize("f", [weighted_row_norms, coulomb])
def test_row_norms_forward_mode(f):
    from gradcheck import check_jvp
    rng = np.random.default_rng(9)
    if f is coulomb:
        args = (2.0 * rng.standard_normal((4, 3)), rng.standard_normal(4))
    else:
        args = (rng.standard_normal((3, 2)), rng.standard_normal(3))
    check_jvp(f, *args, wrt=(0, 1))
