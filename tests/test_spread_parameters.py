"""``f(*xs)`` of a list or tuple parameter the code is specialised to: its items passed
one by one (``zip(*rows)``, ``np.add(*ws)``, ``np.hypot(*ws)``, a user's function with
defaults), as a loop ``for a, b in zip(*rows)`` already took them.  Was refused ("a call
with *args of a sequence whose length is not written") though the length is known.
Checked against central differences; a list parameter grown in the function before it
is spread is refused at its line (its length at the call is not its length there)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from tests.gradcheck import check_grad, check_jvp

RNG = np.random.default_rng(7)
ROWS = [RNG.standard_normal(2), RNG.standard_normal(2), RNG.standard_normal(2)]
W = RNG.standard_normal(3)


def columns_of_rows(w, rows):
    cols = list(zip(*rows))  # two tuples of three numbers
    return sum(np.sum(np.asarray(c) * w) ** 2 for c in cols)


def added_and_hypot(ws):
    return np.sum(np.add(*ws) ** 2) + np.sum(np.hypot(*ws))


def scaled(a, b, c=None, scale=2.0):
    return scale * a * b if c is None else scale * a * b * c


def user_function_spread(ws):
    return np.sum(scaled(*ws) ** 2)


def grown_then_spread(ws, w):
    ws.append(w)  # (three items now: the call's count of two is not the length)
    return np.sum(scaled(*ws))


@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
def test_zip_of_rows(wrt):
    check_grad(columns_of_rows, W, ROWS, wrt=wrt)
    check_jvp(columns_of_rows, W, ROWS, wrt=wrt)


def test_ufuncs_of_spread_items():
    two = ROWS[:2]
    g = check_grad(added_and_hypot, two)
    r = np.hypot(*two)
    np.testing.assert_allclose(g[0], 2 * (two[0] + two[1]) + two[0] / r)  # closed form
    check_jvp(added_and_hypot, two)


@pytest.mark.parametrize("count", [2, 3])
def test_user_function_with_defaults(count):
    check_grad(user_function_spread, ROWS[:count])
    check_jvp(user_function_spread, ROWS[:count])


def test_list_grown_before_it_is_spread_is_refused_at_its_line():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_spread_parameters.py:\d+: a call"):
        s2sad.grad(grown_then_spread, wrt=1)(list(ROWS[:2]), ROWS[2])


def test_list_of_numbers_still_refused():
    def unzip(pairs):
        xs, ys = zip(*pairs)
        return sum(a * b for a, b in zip(xs, ys))
    with pytest.raises(s2sad.DifferentiationError, match="length is not written"):
        s2sad.grad(unzip)([(0.3, 1.2), (0.5, -0.4)])
