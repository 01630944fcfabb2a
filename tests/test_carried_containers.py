"""A dict or a list a loop carries, built again each trip from its own items
(``w = {"a": w["a"] - lr * ga, "b": ...}``): the shape facts knew neither its items (a
dict display had no shape; a carried list's items, worked out from its own, were joined
with "not yet known" as a disagreement), so every adjoint went through ``unbroadcast``,
``shape_of`` on the tape and ``add_at(fresh(d), ...)`` copies: 41x the function.  Now a
display of constant keys is ``dims.Keyed``, the optimistic sweeps let an item not yet
known agree (as a whole definition does), and the adjoint is one display per trip.
Checked against central differences, both branches of an if on a carried item."""
from __future__ import annotations

import math

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


# ----- adds into an adjoint that already holds items: d = {'a': d['a'] + e, ...} -----

def descent_while_dict(p, tol):
    w = {"a": 0.0, "b": 0.0}
    g = {"a": -2 * p[0], "b": -2 * p[1]}
    while math.sqrt(g["a"] ** 2 + g["b"] ** 2) > tol:
        w = {"a": w["a"] - 0.1 * g["a"], "b": w["b"] - 0.1 * g["b"]}
        g = {"a": 2 * (w["a"] - p[0]) + 0.2 * w["b"], "b": 2 * (w["b"] - p[1]) + 0.2 * w["a"]}
    return w["a"] * p[1] + w["b"] ** 2


def read_twice_list(p, n):
    w = [p[0], p[1]]
    for _ in range(n):
        w = [w[0] * w[1] + 0.1, w[1] - 0.2 * w[0] * w[0]]
    return w[0] + 3.0 * w[1]


def vectors_read_twice(p, n):
    s = {"x": p * 1.0, "v": np.ones(3)}
    for _ in range(n):
        s = {"x": s["x"] + 0.1 * s["v"] * s["x"], "v": s["v"] - 0.1 * np.sin(s["x"])}
    return np.sum(s["x"] * s["v"])


@pytest.mark.parametrize("fn, args", [
    (descent_while_dict, (P, 1e-3)), (descent_while_dict, (P, 100.0)),  # no trip at all
    (read_twice_list, (np.array([0.3, 0.9]), 6)),
    (vectors_read_twice, (np.array([0.5, -1.0, 1.5]), 5))])
def test_added_into_matches_differences(fn, args):
    check_grad(fn, *args)


def vector_steps(p, n):
    w = {"x": np.zeros(3), "y": np.ones(3)}
    g = {"x": -p, "y": p * p}
    for _ in range(n):
        w = {"x": w["x"] - 0.1 * g["x"], "y": w["y"] - 0.1 * g["y"]}
        g = {"x": np.tanh(w["x"] - p) + 0.2 * w["y"], "y": w["y"] * w["x"]}
    return np.sum(w["x"] * p) + np.sum(w["y"] ** 2)


def test_vector_steps_match_differences():
    check_grad(vector_steps, np.array([0.5, -1.0, 1.5]), 5)


def test_the_while_loop_runs_and_does_not():
    assert math.hypot(2 * P[0], 2 * P[1]) > 1e-3 and math.hypot(2 * P[0], 2 * P[1]) < 100


@pytest.mark.parametrize("fn, args, added", [
    (descent_while_dict, (P, 1e-3), "dw_1 = {'a': dw_1['a'] + "),
    (vector_steps, (np.array([0.5, -1.0, 1.5]), 5), "dw_1 = {'x': dw_1['x'] + ")])
def test_added_into_as_one_display(fn, args, added):
    g = s2sad.grad(fn)
    g(*args)
    assert "add_at" not in g.source
    assert added in g.source
