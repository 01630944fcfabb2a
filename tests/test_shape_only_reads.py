"""A write into an array is not seen by a later read of another name's shape alone.

``r = r if c > 0.0 else np.minimum(x[::-1], -0.03); r[0] = c * x[1]``: the gradient of
this binds ``choice = r_1`` on one path and writes ``choice[0] = ...``; differentiated
again (a Hessian-vector product), the alias stage saw ``r_1`` read later and refused the
write as "a limitation of s2sad (please report it)" (tools/fuzz seed 82415 at
``--order 2``), although ``r_1`` was only read for its shape (``zeros_like``, the zero
adjoint of a branch).  An in-place write into an array changes neither its shape nor
its dtype: such reads do not see it (``compiler/value_liveness.py``).  Checked: the
gradient against central differences of ``f``, the Hessian-vector product's gradient
and jvp against central differences of it, at points taking both sides of each ``if``
(counted by tracing)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp
from test_inner_tapes import _branch_lines, _lines_run


def chosen_then_written(x, c):  # (seed 82415, reduced)
    r = x * 1.5
    r[1:] += np.tanh(x[:-1])
    if np.sum(x) > 0.2:
        r = r if c > 0.0 else np.minimum(x[::-1], -0.03)
        r[0] = c * x[1]
    else:
        r = r - np.mean(x)
    return np.sum(np.sin(r)) + r[0] ** 2


def chosen_slice_written(x, c):
    r = np.exp(0.5 * x)
    r[:2] *= c
    if x[0] > 0.0:
        r = r if c > 0.0 else x[::-1] * c
        r[1:3] = np.tanh(x[1:3] * c)
    else:
        r = r * c
    return np.sum(r ** 2) + r[-1]


def chosen_first(x, c):
    r = x * c
    r[:2] += np.sin(x[2:])
    if x[3] > 0.0:
        r = r if c > 0.2 else np.abs(x)
        r[0] = x[2] * x[3]
    else:
        r = r / 2.0
    return np.sum(r ** 2) + r[0]


def chosen_last(x, c):
    r = np.sin(x) * c
    r[2:] -= x[:2]
    if x[0] > 0.0:
        r = r if c > 0.0 else x * x
        r[-1] = x[0] + c
    else:
        r = r * 3.0
    return np.sum(np.exp(0.2 * r)) + r[-1] * x[1]


FUNCTIONS = [chosen_then_written, chosen_slice_written, chosen_first, chosen_last]
X = np.array([0.4, -0.7, 0.9, 0.3])
POINTS = [(X, 0.7), (X, -0.4), (-X, 0.6), (-X, -0.3)]
V = np.array([0.3, -1.2, 0.5, 0.8])


@pytest.mark.parametrize("x, c", POINTS)
@pytest.mark.parametrize("f", FUNCTIONS)
def test_second_derivative_of_a_chosen_array_written(f, x, c):
    def hv(x, c):
        return np.sum(s2sad.grad(f)(x, c) * V)
    check_grad(f, x, c, wrt=(0, 1))
    check_grad(hv, x, c, wrt=(0, 1), rtol=1e-4)
    check_jvp(hv, x, c, wrt=(0, 1), rtol=1e-4)


@pytest.mark.parametrize("f", FUNCTIONS)
def test_both_branches_run(f):
    runs = [_lines_run(f, x, c) for x, c in POINTS]
    for test, body, other in _branch_lines(f):
        assert any(r[body] for r in runs)
        assert any(r[other] if other else r[test] > r[body] for r in runs)
