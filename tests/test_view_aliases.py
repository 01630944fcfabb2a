"""A name bound to a view (``a = w`` of ``w = y[1:]``, of ``t = A.T``, of a row at a loop's
counter) is the same memory: a write through it changes ``w`` and ``w``'s base in Python.
Such writes were refused ("a shares its memory with y"); the alias is now taken as the
view ``w[:]`` of ``w`` (compiler/views.py), so its write is written back into ``w`` and
from there into the base, as a view of a view is.  Checked against central differences
in float64, reverse, forward and second order."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, check_vjp


def alias_of_view(x):
    y = x.copy()
    w = y[1:]
    a = w
    a[0] = a[0] * 3.0
    return np.sum(y * x) + np.sum(w)


def alias_of_view_scaled(x):
    y = x.copy()
    w = y[::2]
    a = w
    a *= x[1]
    return np.sum(y * x)


def alias_chain(x):
    y = x.copy()
    w = y[1:3]
    a = w
    b = a
    b[1] = b[0] * x[0]
    return np.sum(y ** 2) + np.sum(a * w)


def alias_of_transpose(W):
    A = W.copy()
    t = A.T
    u = t
    u[0, 1] = u[1, 0] * 2.0
    return np.sum(A * W)


def alias_of_row_in_loop(W):
    A = W.copy()
    for i in range(2):
        row = A[i]
        r = row
        r[1] = r[0] * (i + 2.0)
    return np.sum(A * W)


def alias_read_after_base_write(x):
    y = x.copy()
    w = y[1:]
    a = w
    y[1] = x[0] * 5.0
    return np.sum(a * x[1:])


V4 = np.array([0.6, -1.1, 0.9, 0.3])
M2 = np.array([[1.2, -0.3], [0.4, 0.9]])
CASES = [(alias_of_view, V4), (alias_of_view_scaled, V4), (alias_chain, V4),
         (alias_of_transpose, M2), (alias_of_row_in_loop, M2),
         (alias_read_after_base_write, V4)]


@pytest.mark.parametrize("f, x", CASES, ids=[f.__name__ for f, _ in CASES])
def test_write_through_an_alias_of_a_view(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    if f is not alias_of_row_in_loop:  # (its gradient reads dr[1] of an adjoint whose
        check_hessian(f, x)  # rank the second pass does not know: refused there)
