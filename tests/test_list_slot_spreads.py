"""``np.sum`` of a list held in a dict or a list: the adjoint of the sum, a number
spread over the list's items, was added into the container's slot as the number itself
(the ``algebra`` pass writes ``add_at(acc, x, k, repeat_to(c, x[k]))`` as ``add_at(acc,
x, k, c)``, right for an array's slot), and the list's next adjoint read it by item:
"'float' object is not iterable" (a dict of lists grouped by ``setdefault(k,
[]).append(v)``), "'numpy.float64' object is not iterable" (``np.sum(d['a'])`` of a list
display).  ``add_to_item`` spreads a number over a list or tuple slot.  A
``defaultdict(list)`` keyed by a comparison or ``int(...)`` of one is read as the plain
dict it behaves like (it was refused naming the factory: "in-place write into list").
The ``assemble`` pass built such an adjoint as a display holding the number for the
list, read by item after: ``np.sum(rows[0]) * np.sum(rows[1])`` of a list of lists gave
"invalid index to scalar variable"; a number added into a list's item is left to
``add_at``.  Checked against central differences, both ways of the data's tests, and
second order."""
from __future__ import annotations

import collections

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.5, 0.7, 0.1, -0.2])
Y = np.array([0.4, 0.2, -0.6, 0.9, -0.3])


def grouped_by_setdefault(x, y):
    groups = {}
    for a, b in zip(x, y):
        groups.setdefault(int(a > b), []).append(a * b)
    return sum(np.sum(v) * (k + 2) for k, v in groups.items())


def grouped_arrays(x, y):
    groups = {}
    for i in range(4):
        groups.setdefault(i % 2, []).append(x[i:i + 2] * y[i])
    return sum(np.sum(v) for v in groups.values()) + np.sum(groups[0][1:]) * y[4]


def lists_and_tuples_in_a_dict(x, y):
    held = {"a": [x[0], x[1] * y[0]], "b": (x[2], y[3] * x[4])}
    return np.sum(held["a"]) * np.mean(held["b"]) + np.prod(held["b"])


def rows_of_numbers(x, y):
    rows = [[x[0], x[1]], [x[2] * y[0], x[3]]]
    return np.sum(rows[0]) * np.sum(rows[1]) + np.mean(rows[1]) * y[2]


def nested_rows_summed(x, y):
    rows = [[x[0], x[1]], [x[2] * y[0], x[3]], x[3:] * y[1]]
    return np.sum(rows[0]) * np.sum(rows[1]) + np.sum(rows[2] ** 2)


def tuples_of_numbers(x, y):
    rows = ((x[0], x[1] * y[1]), (x[2] * y[0], x[3]))
    return np.mean(rows[0]) * np.prod(rows[1]) + np.max(rows[1])


def dict_of_lists_summed(x, y):
    d = {"a": [x[0], x[1]], "b": [x[2] * y[0], x[3]]}
    return np.sum(d["a"]) * np.sum(d["b"])


def default_dict_by_comparison(x, y):
    groups = collections.defaultdict(list)
    for a, b in zip(x, y):
        groups[a > b].append(a * b)
        groups["hi" if a > 0 else "lo"].append(a ** 2)
    return sum(np.sum(v) * len(v) for v in groups.values())


def default_dict_by_int(x, y):
    groups = collections.defaultdict(list)
    for a, b in zip(x, y):
        groups[int(a > b)].append(np.tanh(a * b))
    return sum(sum(v) * (k + 1) for k, v in groups.items())


FUNCTIONS = [grouped_by_setdefault, grouped_arrays, lists_and_tuples_in_a_dict,
             rows_of_numbers, nested_rows_summed, tuples_of_numbers, dict_of_lists_summed,
             default_dict_by_comparison, default_dict_by_int]


@pytest.mark.parametrize("x, y", [(X, Y), (Y, X), (-X, Y * 1.5)])
@pytest.mark.parametrize("f", FUNCTIONS)
def test_sums_of_held_lists(f, x, y):
    check_grad(f, x, y, wrt=(0, 1))
    check_jvp(f, x, y, wrt=(0, 1))


@pytest.mark.parametrize("f", [nested_rows_summed, tuples_of_numbers, dict_of_lists_summed,
                               lists_and_tuples_in_a_dict])
def test_second_order(f):
    def at_y(x):
        return f(x, Y)
    check_hessian(at_y, X)
