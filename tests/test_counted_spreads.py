"""``h(*x[1:4])`` and ``h(*x)`` of an array or a list whose length is not written: as
many items as the slice's constant bounds take, or as the user's function has
parameters left (``spread_arguments._counted_items``), checked when the derivative
runs; against central differences and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def h3(a, b, c):
    return a * np.sin(b) + c ** 2


def total(*items):
    return sum(items)


def spread_a_slice(x):
    return h3(*x[1:4])


def spread_the_array(x):
    return np.sum(h3(*x.reshape(3, 2)))  # (three rows)


def spread_after_an_argument(x):
    return h3(x[0], *x[2:])


def spread_every_other(x):
    return total(*x[0:4:2]) * x[1]


@pytest.mark.parametrize("f, n", [(spread_a_slice, 4), (spread_the_array, 6),
                                  (spread_after_an_argument, 4), (spread_every_other, 4)])
def test_counted_spreads(f, n, rng):
    x = rng.normal(size=n)
    check_grad(f, x)
    check_jvp(f, x)


def test_spread_a_slice_by_hand():
    x = np.array([9.0, 0.5, -1.0, 2.0])
    expected = [0.0, np.sin(-1.0), 0.5 * np.cos(-1.0), 4.0]
    assert np.allclose(s2sad.grad(spread_a_slice)(x), expected)


def spread_a_list(xs):
    return h3(*xs)


def test_spread_a_list_argument():
    xs = [0.3, -1.2, 2.0]
    g = s2sad.grad(spread_a_list)(xs)
    assert isinstance(g, list)
    assert np.allclose(g, [np.sin(-1.2), 0.3 * np.cos(-1.2), 4.0])


def spread_up_to_six(x):
    return total(*x[0:6:2])


def test_fewer_items_than_read_is_a_clear_error():
    assert spread_up_to_six(np.ones(4)) == 2.0  # (Python passes the two there are)
    assert np.allclose(s2sad.grad(spread_up_to_six)(np.ones(6)), [1, 0, 1, 0, 1, 0])
    with pytest.raises(TypeError, match="spreads 2 items .* made for 3"):
        s2sad.grad(spread_up_to_six)(np.ones(4))
