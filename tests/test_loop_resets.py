"""The adjoint of an array a loop binds afresh each trip is reset at the end of each
reversed trip.  Inside a branch (the code after an early ``return`` from a loop is the
branch ``if not returned:``) the reset was the ``0.0`` stand-in of a value that may not
be bound, and the next trip's in-place write read ``db2[:-1]`` of it: "'float' object
is not subscriptable" (fuzz2 seed 770608).  At a trip's end the forward loop has run,
so what its body surely binds is bound: the zero is made like it.  Checked against
central differences, returned early or not, in a branch or not."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp


def after_an_early_return(x):
    for i in range(len(x)):
        if x[i] > 0.95:
            return float(np.sum(x[:i + 1] ** 2))
    for _ in range(2):
        b = x.copy()
        b[:-1] -= b[1:]
    return np.sum(b[3:] ** 2)


def in_a_branch(x):
    total = np.sum(x)
    if x[0] > 0.0:
        for step in range(3):
            b = x * (step + 1.0)
            b[1:] += b[:-1] * 0.5
            total = total + np.sum(np.sin(b))
    return total


def while_after_an_early_return(x):
    for t in x:
        if t > 0.95:
            return float(t) * 2.0
    k = 0
    out = 0.0
    while k < 3:
        c = np.tanh(x) + k
        c[::2] = c[::2] * x[::2]
        out = out + np.sum(c ** 2)
        k += 1
    return out


X = np.array([0.3, -0.2, 0.5, 0.1, 0.7, -0.4])


@pytest.mark.parametrize("x", [X, -X, X + np.r_[0.0, 0.0, 0.6, 0.0, 0.0, 0.0]])
@pytest.mark.parametrize("f", [after_an_early_return, in_a_branch,
                               while_after_an_early_return])
def test_arrays_bound_afresh_each_trip(f, x):
    check_grad(f, x)
    check_jvp(f, x)
