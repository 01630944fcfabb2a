"""``for k in sorted(d): d[k] = ...``: ``sorted`` of a dict is a new list of its keys and
holds none of its values (found by tools/fuzz2).  The alias stage took it for a list
holding the dict's objects, and refused the write into ``d`` ("d shares its memory
with sorted_value").  Now ``sorted`` of a surely-dict is a new object, like iterating
over the dict (compiler/alias_points.py).  Checked against central differences in
float64; a sorted list of arrays still holds the arrays (a write into one is seen)."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def scale_each(x, y):  # the fuzzer's case
    d = {"a": x, "b": y}
    for k in sorted(d):
        d[k] = d[k] * 2.0
    d["c"] = d["a"] + d["b"]
    return sum(np.sum(v ** 2) for v in d.values())


def keys_kept(x, y):
    d = {"p": x * 1.0, "q": np.sin(y)}
    keys = sorted(d, reverse=True)
    d[keys[0]] = d[keys[0]] * y
    d[keys[1]] += x[0]
    return np.sum(d["p"] * d["q"]) + len(keys)


def dict_argument(x, D):
    d = dict(D)
    for k in sorted(d):
        d[k] = d[k] + x
    return np.sum(d["u"] * d["w"])


def sorted_arrays_written(x, y):  # sorted of a list of arrays holds them
    items = [x.copy(), y.copy()]
    first = sorted(items, key=lambda v: v[0])[0]
    first[1] = 5.0 * x[2]
    return np.sum(items[0] * items[1]) + np.sum(first)


X = np.array([0.3, -0.5, 0.8, 0.2])
Y = np.array([0.7, 0.1, -0.4, 0.6])


@pytest.mark.parametrize("f, args", [(scale_each, (X, Y)), (keys_kept, (X, Y)),
                                     (dict_argument, (X, {"u": Y, "w": X * Y}))])
def test_writes_into_a_dict_while_going_over_its_sorted_keys(f, args) -> None:
    check_grad(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))


@pytest.mark.parametrize("x", [X, -X])
def test_a_sorted_list_of_arrays_still_holds_them(x) -> None:
    import s2sad
    try:
        check_grad(sorted_arrays_written, x, Y, wrt=(0, 1))
    except s2sad.DifferentiationError as e:
        assert "test_sorted_keys.py" in str(e)
