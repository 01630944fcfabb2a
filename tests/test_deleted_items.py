"""``del xs[i]`` of a local list and ``del d[k]`` of a local dict are ``xs.pop(i)``
(they were refused as a whole), and a dict's ``pop`` is differentiated: ``d.pop('b')``
was refused, ``d.pop(k)`` of a key in a name or an int key failed inside the
derivative ("s2sad bug": ``list_remove`` took every container for a list).  The rest
of the container keeps its adjoint; another name holding the list sees it shorter.
A slice, an attribute, or an item of a value from outside the function: refused at
the line.  Checked against central differences, both branches of the ifs."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

GLOBAL_LIST = [1.0, 2.0]


def del_list_item(x):
    lst = [x * 2.0, np.sin(x), x ** 2]
    if x[0] > 0:
        del lst[1]
    return np.sum(lst[0] * lst[1])


def del_through_alias(x):
    lst = [x * 1.0, np.sin(x), x ** 2, np.cos(x)]
    other = lst
    del other[-1]
    del other[0]
    return np.sum(lst[0] * lst[-1]) * len(lst)


def del_dict_key(x):
    d = {"a": x * 2.0, "b": np.sin(x), "c": x ** 3}
    if x[0] > 0:
        del d["a"]
    return np.sum(sum(d.values()) * x)


def pop_literal_key(x):
    d = {"a": x, "b": x * 3}
    v = d.pop("b")
    return np.sum(v + d["a"] * d["a"])


def pop_named_key(x):
    d = {"a": x * 2.0, "b": np.sin(x)}
    k = "a" if x[1] > 0 else "b"
    v = d.pop(k)
    return np.sum(v * sum(d.values()))


def pop_number_key(x):
    d = {0: x * 2.0, 5: np.sin(x)}
    v = d.pop(5)
    return np.sum(d[0] * v) + len(d)


@pytest.mark.parametrize("f", [del_list_item, del_through_alias, del_dict_key,
                               pop_literal_key, pop_named_key, pop_number_key])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_deleted(f, sign, rng):
    x = sign * rng.uniform(0.2, 1.0, 3)
    assert s2sad.value_and_grad(f)(x)[0] == pytest.approx(f(x))
    check_grad(f, x)
    check_jvp(f, x, rng=rng)


def del_list_param(lst, x):
    del lst[0]
    return np.sum(lst[0] * x)


def test_deleted_from_an_argument_leaves_it_alone(rng):
    x = rng.standard_normal(3)
    lst = [x * 1.0, x * 2.0]
    g_lst, g_x = s2sad.grad(del_list_param, wrt=(0, 1))(lst, x)
    assert len(lst) == 2  # (the user's list is not changed by the derivative)
    np.testing.assert_array_equal(g_lst[0], 0.0)
    np.testing.assert_allclose(g_lst[1], x)
    np.testing.assert_allclose(g_x, lst[1])


def del_slice(x):
    lst = [x * 2.0, np.sin(x), x ** 2]
    del lst[:1]
    return np.sum(lst[0])


def del_global_item(x):
    del GLOBAL_LIST[0]
    return np.sum(x)


@pytest.mark.parametrize("f, what", [(del_slice, "del of an attribute or a slice"),
                                     (del_global_item, "from outside the function")])
def test_refused_at_the_line(f, what):
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_deleted_items.py:\d+: .*" + what):
        s2sad.grad(f)(np.ones(3))
