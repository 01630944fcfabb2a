"""``v = x.tolist()`` of an array parameter (of one axis or more) is a list: its slices
join (``v[:3] + v[-2:]``), it repeats (``v * 2``) and its ``sort()`` is a list's
(``compiler/sequences.py``).  Its kind was not known: the join refused at run time,
``v.sort()`` taken for an array's and refused.  Against central differences, a closed
form, and both branches of an if on a value."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

V = np.array([0.3, -1.2, 0.7, 2.0, -0.5])


def slices_joined(x):
    v = x.tolist()
    w = v[:3] + v[-2:]
    return sum(a * b for a, b in zip(w, reversed(w)))


def sorted_in_place(x):
    vals = x.tolist()
    vals.sort()
    return sum(np.tanh(v) * (i + 1) for i, v in enumerate(vals))


def repeated_then_branch(x):
    v = x.tolist()
    w = v * 2
    if w[0] ** 2 > 0.5:
        return sum(t * t for t in w) * w[-1]
    return sum(w) - w[1] ** 3


def test_slices_joined():
    # w = (x0, x1, x2, x3, x4): sum w_i w_{4-i} -> d/dx_k = 2 x_{4-k}
    np.testing.assert_allclose(s2sad.grad(slices_joined)(V), 2 * V[::-1], rtol=1e-12)
    check_grad(slices_joined, V)
    check_jvp(slices_joined, V)


def test_sorted_in_place():
    value, g = s2sad.value_and_grad(sorted_in_place)(V)
    assert value == pytest.approx(sorted_in_place(V))
    rank = np.argsort(np.argsort(V)) + 1
    np.testing.assert_allclose(g, rank * (1 - np.tanh(V) ** 2), rtol=1e-12)
    check_grad(sorted_in_place, V)


@pytest.mark.parametrize("first", [0.9, 0.3])  # (v[0] = 0.81 > 0.5, then 0.09)
def test_repeated_then_branch(first):
    x = np.array([first, 0.2, -0.3, 0.4, 0.1])
    check_grad(repeated_then_branch, x)
    value, _ = s2sad.value_and_grad(repeated_then_branch)(x)
    assert value == pytest.approx(repeated_then_branch(x))
