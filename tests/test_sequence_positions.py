"""``xs.index(v)`` and ``xs.count(v)`` of lists, tuples and strings inside a
differentiated function: ints (no gradient) that choose items; against closed forms
and central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

LABELS = ["w", "b", "w"]


def pick_by_name(x):
    xs = [x[0], x[1], x[2]]
    return xs[LABELS.index("b")] ** 2 * LABELS.count("w")


def pick_from_a_tuple(x):
    order = ("p", "q", "r")
    return x[order.index("r")] * np.sin(x[order.index("p")])


def position_of_a_letter(x):
    word = "abcab"
    return x[word.index("c")] ** 3 + x[word.index("b", 2)] * word.count("ab")


@pytest.mark.parametrize("f", [pick_by_name, pick_from_a_tuple, position_of_a_letter])
def test_positions_choose_items(f, rng):
    check_grad(f, rng.normal(size=5))


def test_positions_by_hand():
    x = np.array([0.5, -1.5, 2.0, 0.0, 3.0])
    assert np.allclose(s2sad.grad(pick_by_name)(x), [0, 2 * 2 * -1.5, 0, 0, 0])
    assert np.allclose(s2sad.grad(position_of_a_letter)(x), [0, 0, 12.0, 0, 2.0])


# ----- xs.sort(...) of a list: xs[:] = sorted(xs, ...) (and xs.reverse(): xs[:] = xs[::-1]) -----

def sort_a_list_by_a_key(x):
    xs = [x[0], x[1], x[2]]
    xs.sort(key=lambda a: -a)
    return xs[0] + 2 * xs[1] ** 2


def sort_then_reverse(x):
    xs = [x[0], x[1], x[2]]
    xs.sort()
    xs.reverse()
    return xs[0] * 3 + xs[2]


def sort_seen_by_another_name(x):
    xs = [x[0], x[1], x[2]]
    ys = xs
    xs.sort(reverse=True)
    return ys[0] + 2 * ys[1]


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("f", [sort_a_list_by_a_key, sort_then_reverse,
                               sort_seen_by_another_name])
def test_lists_reordered_in_place(f, sign):
    check_grad(f, sign * np.array([0.3, -0.7, 1.2]))  # (the order changes with the sign)


def test_sort_seen_by_another_name_by_hand():
    # descending: 1.2 (x2), 0.3 (x0), -0.7 (x1)
    assert np.allclose(s2sad.grad(sort_seen_by_another_name)(np.array([0.3, -0.7, 1.2])),
                       [2.0, 0.0, 1.0])
