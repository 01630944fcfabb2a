"""A loop whose trips carry nothing but the function's value (``sum((np.dot(w, x) - y) **
2 for x, y in zip(xs, ys))``): the lean gradient makes each trip's values again in the
reversed loop, products of vectors too, and the forward loop goes (``recompute``'s
``_moved_whole``, run again on the variant without the value).  Checked against closed
forms and central differences, with ``value_and_grad`` (the value kept: the forward loop
stays), second order, and loops whose trips carry a state (left as they are)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_code


def zipped_squares(w, xs, ys):
    return sum((np.dot(w, x) - y) ** 2 for x, y in zip(xs, ys))


def indexed_dots(w, X, y):
    total = 0.0
    for i in range(X.shape[0]):
        r = np.dot(X[i], w) - y[i]
        total = total + np.log(1.0 + r * r)
    return total


def carried_state(w, X):
    """Each trip reads the state the trip before made: kept as a loop with a tape."""
    h = 0.0
    for i in range(X.shape[0]):
        h = np.tanh(np.dot(X[i], w) + 0.5 * h)
    return h


def _data(n=30, d=4, seed=11):
    r = np.random.default_rng(seed)
    return r.standard_normal(d), r.standard_normal((n, d)), r.standard_normal(n)


def test_zipped_squares_closed_form():
    w, X, y = _data()
    xs, ys = list(X), list(y)
    g = s2sad.grad(zipped_squares)(w, xs, ys)
    np.testing.assert_allclose(g, 2 * (X @ w - y) @ X, rtol=1e-12, atol=1e-12)
    code = grad_code(zipped_squares, w, xs, ys)
    assert "stack" not in code and code.count("for ") == 1
    value, g2 = s2sad.value_and_grad(zipped_squares)(w, xs, ys)
    np.testing.assert_allclose(value, np.sum((X @ w - y) ** 2), rtol=1e-12)
    np.testing.assert_allclose(g2, g, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_indexed_dots(seed):
    w, X, y = _data(12, 3, seed)
    check_grad(indexed_dots, w, X, y, wrt=(0, 1, 2))
    check_jvp(indexed_dots, w, X, y, wrt=(0, 1, 2))
    r = X @ w - y
    np.testing.assert_allclose(s2sad.grad(indexed_dots)(w, X, y),
                               (2 * r / (1 + r * r)) @ X, rtol=1e-12, atol=1e-12)
    assert "stack" not in grad_code(indexed_dots, w, X, y)
    H = s2sad.hessian(indexed_dots)(w, X, y)
    g = s2sad.grad(indexed_dots)
    for k in range(w.size):
        step = np.zeros_like(w)
        step[k] = 1e-6
        np.testing.assert_allclose(H[k], (g(w + step, X, y) - g(w - step, X, y)) / 2e-6,
                                   rtol=1e-5, atol=1e-6)


def test_carried_state_left_as_a_loop():
    w, X, _ = _data(10, 3, 4)
    check_grad(carried_state, w, X, wrt=(0, 1))
    check_jvp(carried_state, w, X, wrt=(0, 1))
    assert "stack" in grad_code(carried_state, w, X)
