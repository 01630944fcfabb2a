"""``np.atleast_1d(a, b)`` of several arrays: one ``atleast`` per array (a tuple of
them), differentiated by the one-array rule; a starred list is refused by line."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def unpacked_1d(x, y):
    a, b = np.atleast_1d(x, y)
    return np.sum(a * b)


def indexed_2d(x, y):
    t = np.atleast_2d(x, y)
    return np.sum(t[0] @ t[1].T) + np.sum(t[1] ** 2)


def three_3d(x, y, z):
    a, b, c = np.atleast_3d(x, y, z)
    return np.sum(a) * np.sum(b ** 2) + np.sum(np.tanh(c))


@pytest.mark.parametrize("f, args", [
    (unpacked_1d, (2.0, np.arange(1.0, 4.0))),
    (indexed_2d, (np.arange(3.0), np.linspace(0.5, 1.5, 3))),
    (three_3d, (1.5, np.arange(3.0), np.ones((2, 2)))),
])
def test_atleast_of_several_arrays(f, args):
    wrt = tuple(range(len(args)))
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_atleast_of_several_closed_form():
    x, y = 2.0, np.arange(1.0, 4.0)
    gx, gy = s2sad.grad(unpacked_1d, wrt=(0, 1))(x, y)
    assert gx == pytest.approx(np.sum(y))
    np.testing.assert_allclose(gy, np.full(3, x))


def test_atleast_of_a_starred_list_spreads_its_items():
    def f(xs):  # (a list of known length: its items spread, f(*xs))
        a, b = np.atleast_1d(*xs)
        return np.sum(a * b)

    xs = [np.array([1.0, 2.0]), np.array([3.0, -1.0])]
    ga, gb = s2sad.grad(f)(xs)
    np.testing.assert_allclose(ga, xs[1])  # (closed form: d sum(a * b) / da = b)
    np.testing.assert_allclose(gb, xs[0])
    check_grad(f, xs)
