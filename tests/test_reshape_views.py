"""Writes through a reshape or ravel of an array (compiler/views.py): a view where the
layout is known when the derivative is generated (the base made C-ordered in the
function, or a vector's reshape), written back as ``y = shaped_like(z, y)``; refused
where NumPy may have made a copy (the base's memory order not known).  Was refused
everywhere ("z shares its memory with y")."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.2, 0.5, 0.9, -0.7, 0.4, 0.1, -0.6, 0.8, 0.25, -0.35, 0.6])


def rows_multiplied(x):
    y = x.copy()
    z = y.reshape(3, 4)
    z[0] = z[1] * z[2]
    return np.sum(y ** 2)


def grid_of_zeros(x):
    u = np.zeros(9)
    g = u.reshape(3, 3)
    g[1, :] = x[:3]
    g[:, 0] += x[3:6] ** 2
    return np.sum(np.sin(u) * np.arange(9.0))


def base_written_view_read(x):
    y = x.copy()
    z = y.reshape((2, 6))
    y[3] = y[0] * 5.0
    return np.sum(z[1] * z[0])


def ravel_of_outer(x):
    M = np.outer(x[:3], x[3:6])
    f = M.ravel()
    f[::2] *= 2.0
    return np.sum(M ** 2)


def diagonal_in_loop(x):
    u = x[:9].copy()
    n = 3
    grid = u.reshape(n, n)
    for i in range(n):
        grid[i, i] = grid[i, i] ** 2 + u[0]
    return u @ u


def matrix_flattened(x):
    A = np.zeros((3, 4))
    v = A.reshape(-1)
    v[5] = x[0] * x[1]
    v[:4] = np.tanh(x[2:6])
    return np.sum(A * np.arange(12.0).reshape(3, 4))


def branch_through_view(x):
    y = x.copy()
    z = np.reshape(y, (4, 3))
    if x[0] > 0:
        z[:, 1] = np.exp(z[:, 0])
    else:
        z[0] *= 3.0
    return np.sum(y * y * y)


def view_of_a_view(x):
    y = x.copy()
    z = y.ravel()
    w = z[:4].reshape(2, 2)
    w[1, 1] = w[0, 0] * 3.0
    return np.sum(y ** 3)


def transpose_of_a_reshape(x):
    y = x[:4].copy()
    r = y.reshape(2, 2)
    c = r.T
    c[0, 1] = np.sin(x[0])
    return np.sum(y ** 3) + r[1, 0]


CASES = [rows_multiplied, grid_of_zeros, base_written_view_read, ravel_of_outer,
         diagonal_in_loop, matrix_flattened, branch_through_view, view_of_a_view,
         transpose_of_a_reshape]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_gradient(f):
    check_grad(f, X.copy())


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_forward(f):
    check_jvp(f, X.copy())


@pytest.mark.parametrize("f", [f for f in CASES if f is not diagonal_in_loop],
                         ids=lambda f: f.__name__)
def test_hessian(f):  # (diagonal_in_loop's is refused: a rank popped off the tape unknown)
    check_hessian(f, X.copy())


def test_both_branches():
    check_grad(branch_through_view, -X)
    check_jvp(branch_through_view, -X)


def test_the_view_of_an_argument_leaves_it_unchanged():
    def f(x):
        z = x.reshape(3, 4)
        z[0] = 1.0
        return np.sum(x ** 2)

    x = X.copy()
    try:
        g = s2sad.grad(f)(x)
    except s2sad.DifferentiationError:
        return  # (refused: the write would change the caller's array)
    assert np.array_equal(x, X)
    expected = 2 * X
    expected[:4] = 0.0
    np.testing.assert_allclose(g, expected)


def test_a_write_into_the_argument_seen_through_its_reshape():
    def f(x):
        y = x.reshape(3, 4)
        x[0] = 5.0  # (Python changes the caller's array; the derivative does not)
        return np.sum(y ** 2)

    x = X.copy()
    g = s2sad.grad(f)(x)
    assert np.array_equal(x, X)
    expected = 2 * X
    expected[0] = 0.0
    np.testing.assert_allclose(g, expected)


def copy_keeps_order(x):
    y = np.copy(x)  # (order "K": a Fortran-ordered x gives a Fortran-ordered y)
    z = y.reshape(6, 2)
    z[0] = 0.0
    return np.sum(y ** 2)


def arithmetic_keeps_order(x):
    y = x * 2.0
    z = y.ravel()
    z[0] = 0.0
    return np.sum(y ** 2)


@pytest.mark.parametrize("f", [copy_keeps_order, arithmetic_keeps_order],
                         ids=lambda f: f.__name__)
def test_layout_not_known_refused(f):
    x = np.asfortranarray(X.reshape(3, 4).T)  # (NumPy copies here: the write is lost)
    with pytest.raises(s2sad.DifferentiationError, match="test_reshape_views.py:1[0-9][0-9]"):
        s2sad.grad(f)(x)


def concatenated_keeps_order(x):
    y = np.concatenate([x, x])  # (of Fortran-ordered arrays, Fortran-ordered)
    z = y.ravel()
    z[0] = 0.0
    return np.sum(y ** 2)


def test_a_reshape_of_a_concatenation_is_refused():
    x = np.asfortranarray(X.reshape(3, 4))
    with pytest.raises(s2sad.DifferentiationError, match="in-place write to z"):
        s2sad.grad(concatenated_keeps_order)(x)
