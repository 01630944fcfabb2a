"""compiler/number_spreads.py and the "number" shape kind (rules/facts.py):
the adjoint of a mean read by several products is the number ``1 / n``, not an array
filled with it; ``np.size``/``np.ndim`` (``x.size``, ``x.ndim``) are numbers."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def mean_read_twice(x):
    return np.mean(np.tanh(x) * x)


def two_means(x, y):
    return np.mean(x * y) + np.mean(np.exp(x) * np.sin(y))


def mean_of_matrix(A):
    return np.mean(np.cos(A) * A) * 2.0


def mean_broadcast(x, y):  # the product is (n, m): a spread of it meets a (1, m) value
    return np.mean(x[:, None] * y[None, :] * np.exp(y)[None, :])


@pytest.mark.parametrize("fn, shapes", [
    (mean_read_twice, [(50,)]),
    (two_means, [(7,), (7,)]),
    (mean_of_matrix, [(4, 6)]),
])
def test_a_mean_adjoint_read_twice_is_a_number(fn, shapes, rng) -> None:
    args = [rng.standard_normal(s) for s in shapes]
    wrt = tuple(range(len(args)))
    check_grad(fn, *args, wrt=wrt)
    g = s2sad.grad(fn, wrt=wrt)
    g(*args)
    assert "repeat_to" not in g.source, g.source


def test_a_spread_meeting_a_smaller_value_keeps_its_shape(rng) -> None:
    x, y = rng.standard_normal(5), rng.standard_normal(3)
    check_grad(mean_broadcast, x, y, wrt=(0, 1))


def test_a_closed_form(rng) -> None:
    x = rng.standard_normal(20)
    expected = (np.tanh(x) + x * (1 - np.tanh(x) ** 2)) / x.size
    np.testing.assert_allclose(s2sad.grad(mean_read_twice)(x), expected, rtol=1e-12)


def size_scaled(x):
    return np.sum(x ** 2) / x.size


def ndim_scaled(A):
    return np.sum(np.sin(A)) * A.ndim


def size_of_axis(A):
    return np.sum(A * A) / np.size(A, 0)


@pytest.mark.parametrize("fn, shape, plain", [
    (size_scaled, (9,), lambda x: 2 * x / x.size),
    (ndim_scaled, (3, 4), lambda A: np.cos(A) * 2),
    (size_of_axis, (3, 4), lambda A: 2 * A / 3),
])
def test_size_and_ndim_are_numbers(fn, shape, plain, rng) -> None:
    x = rng.standard_normal(shape)
    check_grad(fn, x)
    g = s2sad.grad(fn)
    np.testing.assert_allclose(g(x), plain(x), rtol=1e-12)
    assert "unbroadcast" not in g.source, g.source
