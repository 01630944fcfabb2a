"""A reduction of an array called as its method, ``dx.sum()`` for ``np.sum(dx)``
(late pass ``methods``, ``compiler/method_sums.py``): ``np.sum`` looks its argument
over at every call, which on small arrays costs more than the sum.

Each against central differences, in forward mode and to second order (a second
derivative reads the method as its primitive again); a list or a number given to
``np.sum`` keeps the function; another library's arrays get ``xp.sum(dx)`` back.
"""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def path_sum(sigma, mu, Z):
    S = np.ones(Z.shape[1])
    total = 0.0
    for t in range(Z.shape[0]):
        S = S * np.exp(sigma * Z[t] + mu)
        total = total + np.sum(S) / Z.shape[1]
    return total


def rows_max(x, A):
    y = np.tanh(A @ x)
    return np.max(y * y, axis=0) + np.prod(np.cos(x)) + np.min(y)


def list_sum(a, b):
    return np.sum([a * b, a + b, np.sin(a)])


def axis_sums(W, x):
    h = np.tanh(W * x[:, None])
    return np.sum(np.sum(h, axis=1, keepdims=True) ** 2) + np.sum(h, 0) @ x[:3]


def test_a_sum_in_a_loop_is_the_method():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((5, 7))
    for sigma in (0.3, -0.2):
        check_grad(path_sum, sigma, 0.1, Z, wrt=(0, 1))
        check_jvp(path_sum, sigma, 0.1, Z, wrt=(0, 1))
    code = grad_code(path_sum, 0.3, 0.1, Z, wrt=(0, 1))
    assert "np.sum(" not in code and ".sum()" in code, code


def test_max_min_and_prod_with_an_axis():
    rng = np.random.default_rng(1)
    x, A = rng.standard_normal(4), rng.standard_normal((3, 4))
    f = lambda x, A: np.sum(rows_max(x, A))  # noqa: E731
    check_grad(f, x, A, wrt=(0, 1))
    check_jvp(f, x, A, wrt=(0, 1))
    check_hessian(lambda x: f(x, A), x)


def test_sums_over_axes_keepdims_and_second_order():
    rng = np.random.default_rng(2)
    W, x = rng.standard_normal((4, 3)), rng.standard_normal(4)
    check_grad(axis_sums, W, x, wrt=(0, 1))
    check_jvp(axis_sums, W, x, wrt=(0, 1))
    check_hessian(lambda x: axis_sums(W, x), x)
    code = grad_code(axis_sums, W, x, wrt=(0, 1))  # (a last axis's sums: the rows pass's)
    assert ".sum(axis=" in code or "sum_last(" in code


def test_a_list_or_numbers_keep_np_sum():
    check_grad(list_sum, 0.7, 1.3, wrt=(0, 1))
    check_jvp(list_sum, 0.7, 1.3, wrt=(0, 1))
    code = grad_code(list_sum, 0.7, 1.3, wrt=(0, 1))
    assert ".sum()" not in code


@pytest.mark.parametrize("library", ["array_api_strict", "torch"])
def test_another_librarys_arrays_get_the_function(library):
    lib = pytest.importorskip(library)
    rng = np.random.default_rng(3)
    W, x = rng.standard_normal((4, 3)), rng.standard_normal(4)
    expected = s2sad.grad(axis_sums, wrt=(0, 1))(W, x)
    as_lib = (lambda a: lib.asarray(a)) if library == "array_api_strict" else \
        (lambda a: lib.tensor(a, dtype=lib.float64))
    g = s2sad.grad(axis_sums, wrt=(0, 1))
    got = g(as_lib(W), as_lib(x))
    for a, b in zip(got, expected):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-10)
    code = "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))
    assert "xp.sum(h, axis=1, keepdims=True)" in code and \
        ".sum(" not in code.replace("xp.sum(", ""), code


# ----- axes of one element and np.expand_dims as indexing (where the rank is known) -----

def log_backward(A, b):
    """An HMM-style backward recursion: row log-sum-exps in a loop, whose adjoint spreads
    a vector along axis 1 (``np.expand_dims(g, 1)``) and sums down axis 0 every trip."""
    beta = np.zeros(A.shape[0])
    for _ in range(3):
        M = A + b + beta
        m = np.max(M, axis=1)
        beta = m + np.log(np.sum(np.exp(M - m[:, None]), axis=1))
    return np.sum(beta * beta)


def user_expand(x, W):
    """``np.expand_dims`` the user writes: axis 0, -1 and 1 of arrays of rank 1 and 2."""
    a = np.expand_dims(x, 0) * W  # (1, n) * (m, n)
    b = np.expand_dims(W, -1) * np.expand_dims(x, 0)  # (m, n, 1) * (1, n): (m, n, n)
    c = np.expand_dims(np.tanh(x), 1) * W.T  # (n, 1) * (n, m)
    return np.sum(a * a) + np.sum(np.sin(b)) + np.sum(c ** 3)


def number_expand(s, x):
    """``np.expand_dims`` of a number (rank 0: no array to index) and of a tuple of
    axes: both stay calls."""
    v = np.expand_dims(s * s, 0) * x
    return np.sum(np.expand_dims(v, (0, 2)) ** 2)


def tuple_axes(X):
    """Reductions over a tuple of one axis (written by the user), keepdims, and over two
    axes (a tuple that stays)."""
    return np.sum(np.max(X, axis=(1,)) ** 2) + np.sum(
        np.sum(X * X, axis=(0, 1), keepdims=True) * X) + np.sum(np.sum(X, axis=(-1,)) ** 2)


def test_a_spread_along_an_axis_is_an_index():
    rng = np.random.default_rng(4)
    for shift in (0.0, 3.0):  # (the row maxima from other entries)
        A, b = rng.standard_normal((4, 4)) + shift * np.eye(4), rng.standard_normal(4)
        check_grad(log_backward, A, b, wrt=(0, 1))
        check_jvp(log_backward, A, b, wrt=(0, 1))
    check_hessian(lambda b: log_backward(A, b), b)
    code = grad_code(log_backward, A, b, wrt=(0, 1))
    assert "expand_dims" not in code and "[:, None] * " in code, code
    assert "axis=(" not in code, code


def test_the_users_expand_dims_at_each_axis():
    rng = np.random.default_rng(5)
    x, W = rng.standard_normal(3), rng.standard_normal((2, 3))
    check_grad(user_expand, x, W, wrt=(0, 1))
    check_jvp(user_expand, x, W, wrt=(0, 1))
    check_hessian(lambda x: user_expand(x, W), x)
    code = grad_code(user_expand, x, W, wrt=(0, 1))
    assert "np.expand_dims" not in code, code


def test_a_number_or_a_tuple_of_axes_keeps_expand_dims():
    rng = np.random.default_rng(6)
    x = rng.standard_normal(4)
    for s in (0.5, -1.5):
        check_grad(number_expand, s, x, wrt=(0, 1))
        check_jvp(number_expand, s, x, wrt=(0, 1))
    code = grad_code(number_expand, 0.5, x, wrt=(0, 1))
    assert "np.expand_dims(s * s, 0)" in code or "np.expand_dims(mul, 0)" in code, code


def test_one_axis_tuples_and_two_axis_tuples():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((3, 4))
    check_grad(tuple_axes, X)
    check_jvp(tuple_axes, X)
    check_hessian(tuple_axes, X)
    code = grad_code(tuple_axes, X)
    assert "axis=(0, 1)" in code and "axis=(1,)" not in code and "axis=(-1,)" not in code, code
