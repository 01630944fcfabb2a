"""Changes of a local list, tuple or dict the derivative must see.  Found wrong:
``d.update({'c': x**2})`` and ``l.reverse()`` were left out of the derivative (the
adjoint read the old items: a silently wrong gradient), ``t + (v,)`` of tuples was
differentiated as an elementwise sum, ``d.pop('k')`` crashed with a bare TypeError.
``reverse`` is now ``xs = xs[::-1]``, ``update`` of keys written there is one
``d[k] = v`` each, tuples concatenate as lists do; every other change in place
(``remove``, ``clear``, ``update`` of another dict) is refused naming the line
(``setdefault``: tests/test_container_values.py; a dict's ``pop``, differentiated:
tests/test_deleted_items.py).  Checked against
finite differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

X = np.array([0.3, -1.2, 0.8])


def updated(x):
    d = {"a": x * 2}
    d["b"] = np.sin(x)
    d.update({"c": x ** 2}, a=x ** 3)
    return np.sum(d["a"] * d["b"] + d["c"])


def reversed_in_place(x):
    items = [x, 2 * x, np.cos(x)]
    items.reverse()
    return np.sum(items[0] * 1.0 + items[2] * 10.0)


def tuple_concatenated(t):
    u = t + (t[0] * 2,)
    return np.sum(u[0] * u[-1]) + np.sum(u[1])


def tuples_built_in_a_loop(a, b):
    t = (a,)
    for _ in range(3):
        t = t + (t[-1] * b,)
    u = (a, 2.0) + (a ** 2, np.sin(a))
    return sum(t) + u[0] * u[2] + u[3]


def test_dict_update_of_keys_written_there():
    check_grad(updated, X)
    check_jvp(updated, X)


def test_list_reverse():
    check_grad(reversed_in_place, X)
    check_vjp(reversed_in_place, X)


def test_tuple_concatenation():
    t = (X, X[::-1] * 2, X ** 2)
    check_grad(tuple_concatenated, t)
    check_vjp(tuple_concatenated, t)
    check_grad(tuples_built_in_a_loop, 0.7, 1.3, wrt=(0, 1))
    check_jvp(tuples_built_in_a_loop, 0.7, 1.3, wrt=(0, 1))


def removes(x):
    items = [x, 2.0 * x, 3.0 * x]
    items.remove(items[1])
    return np.sum(items[1])


def updates_from_a_dict(x):
    d = {"a": x}
    more = {"c": x ** 2}
    d.update(more)
    return np.sum(d["c"])


def clears(x):
    items = [x]
    items.clear()
    items.append(x * 5)
    return np.sum(items[0])


@pytest.mark.parametrize("f", [removes, updates_from_a_dict, clears])
def test_other_changes_in_place_are_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_container_changes.py:\d+: "):
        s2sad.grad(f)(X)


def named_lists_concatenated(x):
    s = [x, 2 * x]
    u = s + s  # one list twice: its adjoint adds item by item
    v = [np.sin(x)]
    v += v
    return np.sum(u[0] * u[3] + v[1])


def named_tuple_repeated(x):
    s = (x, 2 * x)
    u = s * 2
    return np.sum(u[0] * u[3])


def parameters_concatenated(t, s):
    u = t + s
    return u[0] * u[-1] + u[1] ** 2


def parameter_repeated(xs):
    u = xs * 2
    return u[0] * u[3]


def test_named_lists_and_tuples_concatenate():
    check_grad(named_lists_concatenated, X)
    check_jvp(named_lists_concatenated, X)
    check_grad(named_tuple_repeated, X)
    check_vjp(named_tuple_repeated, X)


def test_list_and_tuple_parameters_of_numbers_concatenate():
    check_grad(parameters_concatenated, (0.5, 1.5), (2.0, 3.0), wrt=(0, 1))
    check_vjp(parameters_concatenated, (0.5, 1.5), (2.0, 3.0), wrt=(0, 1))
    check_grad(parameter_repeated, [0.5, 1.5])


def reversed_through_another_name(x):
    xs = [x, 2 * x, np.sin(x)]
    ys = xs
    xs.reverse()  # ys is the same list: reversed too
    return np.sum(ys[0] * 1.0 + ys[2] * 10.0)


def updated_through_another_name(x):
    d = {"a": x}
    e = d
    d.update({"a": x ** 3})
    return np.sum(e["a"])


def reversed_inside_a_list(x):
    xs = [x, 2 * x]
    holder = [xs]
    xs.reverse()
    return np.sum(holder[0][0])


def reversed_parameter(xs):
    xs.reverse()
    return xs[0] * 1.0 + xs[1] * 10.0


def test_changes_seen_through_other_names():
    check_grad(reversed_through_another_name, X)
    check_jvp(reversed_through_another_name, X)
    check_grad(updated_through_another_name, X)
    check_grad(reversed_parameter, [0.5, 1.5])  # (the caller's list is left as it was)
    with pytest.raises(s2sad.DifferentiationError, match=r"test_container_changes.py:\d+: "):
        s2sad.grad(reversed_inside_a_list)(X)
