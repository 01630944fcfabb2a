"""A gradient called inside a function differentiated again is made for the kinds of
the arguments it is passed, as a call of it is.  Made for unknown kinds, a view of a
copy (``b = x.copy(); t = b[:]``) was taken for a list's copy, which a later write into
``b`` leaves alone: the second derivative dropped the write (a silently wrong
Hessian-vector product, and a value that was not the function's: random program
770662, second order).  Hessian-vector products against central differences of the
gradient, itself checked against differences of the function, and ``s2sad.hessian``;
both branches where there is one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian


def whole_view(x, y):
    s = np.sum(x * x[::-1]) * -3.0
    b = x.copy()
    t = b[:]
    b[0] = s * 3.0
    return np.tanh(t.sum()) + y[0] * t[1]


def tail_view(x, y):
    b = x.copy()
    t = b[1:]
    b[1] = np.sin(x[0]) * y[1]
    return np.sum(t ** 3)


def reshaped_view(x, y):
    b = x * 1.5
    t = b.reshape(2, 2)
    b[0] *= x[1]
    return np.sum(np.tanh(t @ t))


def branch_view(x, y):
    b = x.copy()
    t = b[::2]
    if x[0] > y[0]:
        b[0] = x[3] ** 2
    else:
        b[2] = -x[1] * x[2]
    return np.sum(np.cos(t)) + t[0] * t[1]


V = np.array([0.3, -0.7, 1.1, 0.5])
Y = np.array([0.2, -0.4, 0.9, 0.1])


@pytest.mark.parametrize("f", [whole_view, tail_view, reshaped_view, branch_view])
@pytest.mark.parametrize("x", [np.array([0.51, -0.26, -0.32, -0.99]),
                               np.array([-0.3, 0.45, 0.8, 0.25])], ids=["x0", "x1"])
def test_hessian_vector_product(f, x):
    def hv(x, y):
        return np.sum(s2sad.grad(f)(x, y) * V)
    check_grad(f, x, Y)
    value, g = s2sad.value_and_grad(hv)(x, Y)
    assert np.isclose(value, hv(x, Y), rtol=1e-12, atol=1e-14)  # (the function's value)
    check_grad(hv, x, Y)
    check_grad(hv, x, Y, wrt=1)  # (the mixed derivative)
    check_hessian(lambda z: f(z, Y), x)
