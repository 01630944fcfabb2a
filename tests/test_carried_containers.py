"""A dict or a list a loop carries, built again each trip from its own items
(``w = {"a": w["a"] - lr * ga, "b": ...}``): the shape facts knew neither its items (a
dict display had no shape; a carried list's items, worked out from its own, were joined
with "not yet known" as a disagreement), so every adjoint went through ``unbroadcast``,
``shape_of`` on the tape and ``add_at(fresh(d), ...)`` copies: 41x the function.  Now a
display of constant keys is ``dims.Keyed``, the optimistic sweeps let an item not yet
known agree (as a whole definition does), and the adjoint is one display per trip.
Checked against central differences, both branches of an if on a carried item."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

P = np.array([1.0, 2.0])


def descent_dict(p, n):
    w = {"a": 0.0, "b": 0.0}
    for _ in range(n):
        ga = 2 * (w["a"] - p[0]) + 0.1 * w["b"]
        gb = 2 * (w["b"] - p[1]) + 0.1 * w["a"]
        w = {"a": w["a"] - 0.05 * ga, "b": w["b"] - 0.05 * gb}
    return w["a"] ** 2 + w["b"] * p[0]


def descent_list(p, n):
    w = [0.0, 0.0]
    for _ in range(n):
        ga = 2 * (w[0] - p[0]) + 0.1 * w[1]
        gb = 2 * (w[1] - p[1]) + 0.1 * w[0]
        w = [w[0] - 0.05 * ga, w[1] - 0.05 * gb]
    return w[0] ** 2 + w[1] * p[0]


def vectors_in_a_dict(p, n):
    s = {"x": np.zeros(3), "v": np.ones(3)}
    for _ in range(n):
        s = {"x": s["x"] + 0.1 * s["v"], "v": s["v"] - 0.1 * p * np.sin(s["x"])}
    return np.sum(s["x"] ** 2) + np.sum(s["v"])


def tuple_with_a_branch(p, n):
    w = (0.5, 0.0)
    for _ in range(n):
        if w[0] > 0.3:
            w = (w[0] * p[0], w[1] + w[0])
        else:
            w = (w[0] + p[1] * 0.2, w[1] - w[0] ** 2)
    return w[0] + w[1] ** 2


CASES = [(descent_dict, (P, 30)), (descent_list, (P, 30)),
         (vectors_in_a_dict, (np.array([0.5, 1.0, 1.5]), 12)),
         (tuple_with_a_branch, (np.array([0.9, 0.4]), 8)),
         (tuple_with_a_branch, (np.array([1.1, 0.4]), 6))]


@pytest.mark.parametrize("fn, args", CASES)
def test_gradient_matches_differences(fn, args):
    check_grad(fn, *args)
    check_jvp(fn, *args)


def test_both_branches_are_taken():
    taken = set()
    for p0 in (0.9, 1.1):
        w0 = 0.5
        for _ in range(8):
            taken.add(w0 > 0.3)
            w0 = w0 * p0 if w0 > 0.3 else w0 + 0.4 * 0.2
    assert taken == {True, False}


@pytest.mark.parametrize("fn", [descent_dict, descent_list])
def test_the_adjoint_is_one_display_per_trip(fn):
    g = s2sad.grad(fn)
    g(P, 5)
    for helper in ("unbroadcast", "shape_of", "add_at", "fresh", "stack", "('a', 'b')"):
        assert helper not in g.source, helper
    assert ("dw_1 = {'a': " if fn is descent_dict else "dw_1 = [") in g.source


def test_dict_items_are_numbers_in_a_closed_form():
    """No loop: w = {a: p0 - 1, b: 2 p1}; w['a']**2 + w['b'] * p0 -> (2(p0-1) + 2p1, 2p0)."""
    def f(p):
        w = {"a": p[0] - 1.0, "b": 2.0 * p[1]}
        w = {"a": w["a"], "b": w["b"]}
        return w["a"] ** 2 + w["b"] * p[0]
    p = np.array([0.3, 1.7])
    assert np.allclose(s2sad.grad(f)(p), [2 * (p[0] - 1) + 2 * p[1], 2 * p[0]])
