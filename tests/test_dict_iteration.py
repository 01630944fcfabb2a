"""compiler/alias.py ``surely_dict``: ``for k in d`` goes through a new list of ``d``'s
keys (``iteration_items``), so writing ``d[k]`` in the loop changes nothing the loop
reads (it was refused as a write into the sequence being iterated)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def squares_in_place(x):
    d = {"a": x[0], "b": x[1]}
    for k in d:
        d[k] = d[k] ** 2 + x[2]
    return d["a"] * d["b"]


def scaled_values(x):
    d = {"a": x[0], "b": x[1], "c": x[2]}
    for k in d:
        d[k] *= x[0]
    return d["a"] + d["b"] * d["c"]


def arrays_in_a_dict(x):
    d = dict(w=x * 1.0, b=x[:2] * 2.0)
    for name in d:
        d[name] = np.tanh(d[name])
    return np.sum(d["w"] ** 2) + np.sum(d["b"])


def keys_and_values_read(x):
    d = {"a": x[0], "b": x[1]}
    total = 0.0
    for k in d:
        total = total + d[k] * x[2]
        d[k] = total
    return d["a"] * d["b"] + total


@pytest.mark.parametrize("fn", [squares_in_place, scaled_values, arrays_in_a_dict,
                                keys_and_values_read])
def test_a_dict_written_while_its_keys_are_iterated(fn) -> None:
    check_grad(fn, np.array([0.3, -1.2, 2.0]))


def test_a_closed_form() -> None:
    x = np.array([0.3, -1.2, 2.0])
    a, b = x[0] ** 2 + x[2], x[1] ** 2 + x[2]
    expected = np.array([2 * x[0] * b, 2 * x[1] * a, a + b])
    np.testing.assert_allclose(s2sad.grad(squares_in_place)(x), expected, rtol=1e-12)


def dict_written_in_a_branch(x):
    d = {"a": x[0], "b": x[1]}
    for k in d:
        if d[k] > 0:
            d[k] = d[k] * x[2]
        else:
            d[k] = -d[k] ** 3
    return d["a"] + d["b"] ** 2


def dict_written_by_a_helper(x):
    def square_all(table):
        for k in table:
            table[k] = table[k] ** 2
        return table
    d = square_all({"a": x[0] * 2.0, "b": x[1]})
    return d["a"] * d["b"] + x[2]


@pytest.mark.parametrize("fn, x", [
    (dict_written_in_a_branch, np.array([0.3, -1.2, 2.0])),
    (dict_written_in_a_branch, np.array([-0.3, 1.2, 2.0])),
    (dict_written_by_a_helper, np.array([0.3, -1.2, 2.0])),
    (squares_in_place, np.array([0.3, -1.2, 2.0])),
])
def test_branches_helpers_forward_and_second_order(fn, x) -> None:
    check_grad(fn, x)
    check_jvp(fn, x)
    check_hessian(fn, x)
