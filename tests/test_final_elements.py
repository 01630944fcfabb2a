"""The reverse sweep reads ``y[i]`` of an array a loop writes only ahead of ``i`` from
the array as it is after the loop (``final_element``), instead of recording it.  A
statement of the same loop whose adjoint needs only the array's shape (``z = z + y``,
``s = s + np.sum(y)``, a tuple holding ``y`` pushed on the user's list) restored the
array as a shape, so the next trip read an element of a shape (an internal TypeError).
Such a restore now keeps the value.  Gradients against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad


def user_tape(x):
    st = []
    y = x.copy()
    for i in range(3):
        st.append((y[i], y * 1.0))
        y[i + 1] = y[i + 1] * y[i] + 1.0
    tot = 0.0
    for _ in range(3):
        a, v = st.pop()
        tot = tot + a * np.sum(v ** 2)
    return tot


def summed_states(x):
    y = x.copy()
    z = np.zeros(x.shape[0])
    for i in range(x.shape[0] - 1):
        z = z + y
        y[i + 1] = y[i + 1] * y[i] + 1.0
    return np.sum(z ** 2) + np.sum(y)


def running_total(x):
    y = x.copy()
    s = 0.0
    for i in range(1, x.shape[0]):
        s = s + np.sum(y)
        y[i] = np.cos(y[i - 1]) + x[i]
    return s * y[-1]


def branchy_states(x):
    y = x.copy()
    z = np.zeros(x.shape[0])
    for i in range(x.shape[0] - 1):
        if y[i] > 0:
            z = z + y
        else:
            z = z - 2.0 * y
        y[i + 1] = y[i + 1] + y[i] ** 2
    return np.sum(z * x)


X = np.array([0.3, -0.7, 0.5, 1.1, -0.2])


@pytest.mark.parametrize("f", [user_tape, summed_states, running_total])
def test_element_loop_with_a_whole_array_read(f):
    check_grad(f, X.copy())


@pytest.mark.parametrize("x", [X, np.abs(X), -np.abs(X)], ids=["both", "then", "else"])
def test_element_loop_with_a_whole_array_read_under_an_if(x):
    check_grad(branchy_states, x.copy())
