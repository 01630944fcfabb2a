"""Copies of a list or dict argument and of its items (compiler/alias_points.py,
``PointsTo.copied``).

``q = p.copy()`` of a dict (or list) argument holds the same arrays as ``p``: ``q['a'] +=
1.0`` changes ``p['a']`` in Python.  The copy was taken to hold nothing, so the write was
differentiated as if ``p`` kept its value: a wrong value and gradient.  It is refused now
where ``p`` is read after, as ``dict(p)`` and ``list(ws)`` were; an item replaced in the
copy (``q['a'] = q['a'] * 2``) leaves ``p`` as it is and is differentiated.

``{k: v.copy() for k, v in p.items()}`` of a parameter dict holding arrays of several
ranks (a matrix and a bias) was refused ("q holds that item in more than one place"):
``v.copy()`` of an unknown value may be a list's copy holding ``v``'s items.  The call's
kinds say ``p`` holds arrays only, so each copy is a new array: the unrolled training
step ``q[k] -= lr * g[k]`` is differentiated.  Against central differences."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

P = {"W": np.array([[0.3, -0.5], [0.8, 0.1]]), "b": np.array([0.2, -0.4])}
WS = [np.array([[0.3, -0.5], [0.8, 0.1]]), np.array([0.2, -0.4])]
X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.9]])


def _loss(p):
    return np.sum(np.tanh(X @ p["W"] + p["b"]) ** 2)


def dict_of_copies_stepped(p):
    q = {k: v.copy() for k, v in p.items()}
    for _ in range(2):
        g = s2sad.grad(_loss)(q)
        for k in q:
            q[k] -= 0.1 * g[k]
    return _loss(q)


def list_of_copies_stepped(ws):
    ps = [w.copy() for w in ws]
    for _ in range(2):
        r = np.tanh(X @ ps[0] + ps[1])
        grads = [X.T @ r, r.sum(axis=0)]
        for p, g in zip(ps, grads):
            p -= 0.1 * g
    return np.sum(ps[0] ** 2) + np.sum(ps[1])


def dict_of_copies_scaled(p):
    q = {k: v.copy() for k, v in p.items()}
    for k in q:
        if np.sum(q[k]) > 0:  # (W: yes, b: no)
            q[k] *= 2.0
        else:
            q[k] += 1.0
    return sum(np.sum(v ** 2) for v in q.values())


@pytest.mark.parametrize("f, arg", [(dict_of_copies_stepped, P), (list_of_copies_stepped, WS),
                                    (dict_of_copies_scaled, P)],
                         ids=["dict_stepped", "list_stepped", "dict_scaled"])
def test_copies_of_the_items_of_a_parameter_container(f, arg):
    before = copy.deepcopy(arg)
    value, _ = s2sad.value_and_grad(f)(arg)
    assert value == pytest.approx(f(copy.deepcopy(arg)), rel=1e-12)
    check_grad(f, arg)
    check_jvp(f, arg)
    for a, b in zip(before.values() if isinstance(arg, dict) else before,
                    arg.values() if isinstance(arg, dict) else arg):
        np.testing.assert_array_equal(a, b)


def dict_copy_item_added(p):
    q = p.copy()
    q["b"] += 1.0
    return np.sum(p["b"] * q["b"])


def list_copy_item_scaled(ws):
    q = ws.copy()
    q[1] *= 2.0
    return np.sum(ws[1] * q[1])


def shallow_copy_item_written(p):
    q = copy.copy(p)
    q["b"][0] = 5.0
    return np.sum(p["b"])


@pytest.mark.parametrize("f, arg", [(dict_copy_item_added, P), (list_copy_item_scaled, WS),
                                    (shallow_copy_item_written, P)],
                         ids=["dict_copy", "list_copy", "copy_copy"])
def test_a_write_into_an_item_of_a_shallow_copy_is_refused(f, arg):
    """Python changes the argument's array too (each of these was a wrong value)."""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_container_copies.py:\d+: "
                       r"in-place write to q"):
        s2sad.grad(f)(arg)


def dict_copy_item_replaced(p):
    q = p.copy()
    q["b"] = q["b"] * 2.0 if np.sum(p["b"]) < 0 else q["b"] - 1.0
    return np.sum(q["b"] * p["b"]) + np.sum(q["W"])


def list_copy_item_replaced(xs):
    ys = xs.copy()
    ys[0] = ys[0] * 5.0
    return sum(v ** 2 for v in ys) + xs[0]


@pytest.mark.parametrize("f, args", [
    (dict_copy_item_replaced, [P, {"W": P["W"], "b": -P["b"]}]),
    (list_copy_item_replaced, [[0.3, -0.5, 0.7], [-0.2, 0.4, 1.1]])],
    ids=["dict", "list"])
def test_an_item_replaced_in_a_shallow_copy(f, args):
    for arg in args:
        value, _ = s2sad.value_and_grad(f)(arg)
        assert value == pytest.approx(f(copy.deepcopy(arg)), rel=1e-12)
        check_grad(f, arg)


# ``q = p | {'c': 1.0}`` (a dict merge, Python 3.9) was taken for a bitwise or, which has
# no derivative: the gradient through ``q`` was silently zero.  It is refused, with the
# display that is differentiated; ``|`` of boolean masks is differentiated as before.
def merged_with_a_display(p):
    q = p | {"c": 1.0}
    return np.sum(q["W"] ** 2) + np.sum(q["b"])


def display_merged_with(p):
    q = {"c": 2.0} | p
    return np.sum(q["b"] * q["c"])


def two_dicts_merged(p, extra):
    q = extra | p
    return np.sum(q["W"])


@pytest.mark.parametrize("f, args", [(merged_with_a_display, (P,)), (display_merged_with, (P,)),
                                     (two_dicts_merged, (P, {"d": 1.0}))],
                         ids=["p_or_display", "display_or_p", "extra_or_p"])
def test_a_dict_merge_of_differentiated_values_is_refused(f, args):
    for entry in (lambda: s2sad.grad(f)(*args), lambda: s2sad.jvp(f)(*args, P)):
        with pytest.raises(s2sad.DifferentiationError, match=r"test_container_copies.py:\d+: "
                           r"a \| b of values that depend on the differentiated arguments"):
            entry()


def merged_as_a_display(p):
    q = {**p, "c": 1.0}
    return np.sum(q["W"] ** 2) + np.sum(q["b"])


def masks_or(x):
    m = (x > 0) | (x < -0.4)
    return np.sum(np.where(m, x ** 2, x))


def test_the_display_and_masks_differentiate():
    g = s2sad.grad(merged_as_a_display)(P)
    np.testing.assert_allclose(g["W"], 2 * P["W"])
    np.testing.assert_allclose(g["b"], np.ones(2))
    for x in (np.array([0.3, -0.5, 0.1, -0.2]), np.array([-0.6, 0.5, -0.1, 0.2])):
        check_grad(masks_or, x)
