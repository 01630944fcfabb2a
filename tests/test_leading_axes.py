"""Axes added in front, as broadcasting adds them (``compiler/spreads.py``,
``compiler/plain_calls.py``): ``np.expand_dims(g, 0) * e`` of an array ``g`` and an ``e``
of higher rank is ``g * e``; the adjoint of ``x[:, None]``, ``np.reshape(np.sum(d,
axis=1, keepdims=True), np.shape(x))``, is ``np.sum(d, axis=1)``.  Against central
differences in float64 and closed forms; the forms checked in the source."""
import numpy as np

import s2sad
from gradcheck import check_grad, grad_source


def column_plus(x, A):
    return np.sum(np.tanh(x[:, None] + A))


def row_scaled(x, A):
    s = np.sum(np.exp(A), axis=0)
    return np.sum(np.log(s) * x)


def steps(x, A, n):
    for _ in range(n):
        M = x[:, None] * A
        x = np.sum(np.sin(M), axis=0)
    return np.sum(x * x)


def _code(f, *args, wrt=0):
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def test_a_column_added(rng) -> None:
    x, A = rng.standard_normal(4), rng.standard_normal((4, 3))
    check_grad(column_plus, x, A, wrt=(0, 1))
    got = s2sad.grad(column_plus)(x, A)
    assert np.allclose(got, np.sum(1 - np.tanh(x[:, None] + A) ** 2, axis=1), rtol=1e-13)
    assert "np.reshape" not in _code(column_plus, x, A, wrt=(0, 1))


def test_a_sum_over_the_leading_axis(rng) -> None:
    x, A = rng.standard_normal(3), rng.standard_normal((4, 3))
    check_grad(row_scaled, x, A, wrt=(0, 1))
    got = s2sad.grad(row_scaled, wrt=1)(x, A)
    assert np.allclose(got, x / np.sum(np.exp(A), axis=0) * np.exp(A), rtol=1e-13)
    assert "expand_dims" not in _code(row_scaled, x, A, wrt=(0, 1))


def test_in_a_loop(rng) -> None:
    x, A = rng.standard_normal(3), rng.standard_normal((3, 3))
    check_grad(steps, x, A, 3, wrt=(0, 1))
    src = _code(steps, x, A, 3, wrt=(0, 1))
    assert "expand_dims" not in src
