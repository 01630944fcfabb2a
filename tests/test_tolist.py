"""``x.tolist()``: an array as nested lists of Python numbers, common where a user loops
over values.  It was refused (no rule); now a linear map whose adjoint is the lists'
adjoint taken back to the array's shape (as ``list(x)``'s), its result a container
(two adjoints of it add item by item, never join).  Checked against central
differences in both modes, a Hessian, and both branches of an if on a listed value."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

V = np.array([0.3, -1.2, 0.7, 2.0])
M = np.array([[0.3, -1.2, 0.5], [0.7, 2.0, -0.4]])


def squares_of_values(x):
    xs = x.tolist()
    return sum(v * v for v in xs)


def rows_of_a_matrix(m):
    rows = m.tolist()
    return sum(r[0] * r[1] for r in rows) + rows[1][2] ** 2


def listed_then_appended(x):
    xs = np.sin(x).tolist()
    xs.append(xs[0] * 2.0)
    return xs[-1] * xs[1]


def number_listed(x):
    return np.sum(x ** 2).tolist() * 3.0 + np.array(x[0]).tolist()


def branch_on_a_listed_value(x):
    xs = x.tolist()
    if xs[0] > 0.5:
        return xs[0] ** 3 + xs[1]
    return xs[1] * xs[2]


@pytest.mark.parametrize("f, x", [(squares_of_values, V), (rows_of_a_matrix, M),
                                  (listed_then_appended, V), (number_listed, V)])
def test_tolist_differentiates_as_its_values(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


def test_tolist_to_second_order():
    check_hessian(squares_of_values, V)
    check_hessian(listed_then_appended, V)


@pytest.mark.parametrize("x", [V, V + 1.0], ids=["below", "above"])
def test_tolist_in_both_branches(x):
    check_grad(branch_on_a_listed_value, x)
    check_jvp(branch_on_a_listed_value, x)
