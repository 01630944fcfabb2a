"""An element read before a write into the array (``m = d[i]; d[i] = 0.0; d[i - 1] +=
m * s``, what a reverse sweep does and users write) is a number, not a view, where the
shapes know ``d`` is a vector and ``i`` an int: ``d`` reshaped like another array
(``np.reshape(a, np.shape(d))`` in the core form: ``shape = np.shape(d)``), made by
``np.zeros(shape)`` of such a shape, summed over ``axis=items`` of ``items = (0,)``,
and ``i`` read from a ``range`` (a reversed loop).  Each was refused as a write into
an array a view of which is read later; a derivative's own code has these, so second
derivatives of element loops were refused too (random programs 770609, 82068, 82149,
second order).  A real view (``d[1:]``) written through its base must stay right or
refused.  Checked against central differences in float64, both branches."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def reshaped_like(x, c):
    d = x * 2
    d = d + np.reshape(x * c, np.shape(d))
    m = d[1]
    d[1] = 0.0
    d[0] += m * 0.5
    return np.sum(d * x)


def reversed_range(x, c):
    d = np.ones(3) @ np.outer(x, x)
    d = d + np.reshape(x * 2, np.shape(d))
    for i in reversed(range(1, 3)):
        m = d[i]
        d[i] = 0.0
        d[i - 1] += m * c[i]
    return np.sum(d * x)


def zeros_of_a_shape(x, c):
    if c[0] > 0:
        d = np.zeros(x.shape)
        d[0] = c[1] * x[2]
    else:
        d = np.ones(3) @ np.outer(x, x)
        d = d + np.reshape(x * 2, np.shape(d))
    for i in reversed(range(1, 3)):
        m = d[i]
        d[i] = 0.0
        d[i - 1] += m * 0.5
    return np.sum(d * x)


def summed_over_axes(x, c):
    """``axis=(0,)``: the core form binds the tuple to a name."""
    A = np.outer(c, x) + 1.0
    d = np.sum(A * x, axis=(0,))
    for i in reversed(range(1, 3)):
        m = d[i]
        d[i] = 0.0
        d[i - 1] += m * 0.5
    return np.sum(d * x)


def a_real_view(x, c):
    """``m`` is a view: the write into ``d`` changes it (Python's semantics)."""
    d = x * 2
    d = d + np.reshape(x * c, np.shape(d))
    m = d[1:]
    d[1] = 0.0
    return np.sum(d * x) + np.sum(m * c[1:])


@pytest.mark.parametrize("f", [reshaped_like, reversed_range, zeros_of_a_shape,
                               summed_over_axes])
@pytest.mark.parametrize("c", [np.array([0.1, 0.5, 0.3]), np.array([-0.1, -0.4, 0.3])],
                         ids=["if", "else"])
def test_gradient(f, c):
    check_grad(f, np.array([-0.4, 0.2, 0.6]), c, wrt=(0, 1))


def test_a_real_view_stays_right_or_refused():
    x, c = np.array([-0.4, 0.2, 0.6]), np.array([0.1, 0.5, 0.3])
    try:
        s2sad.grad(a_real_view, wrt=(0, 1))(x, c)
    except s2sad.DifferentiationError:
        return
    check_grad(a_real_view, x, c, wrt=(0, 1))


V = np.array([0.3, -0.7, 1.1])


def hv(x, c):
    return np.sum(s2sad.grad(zeros_of_a_shape)(x, c) * V)


@pytest.mark.parametrize("c", [np.array([0.1, 0.5, 0.3]), np.array([-0.1, -0.4, 0.3])],
                         ids=["if", "else"])
def test_hessian_vector_product(c):
    check_grad(hv, np.array([-0.4, 0.2, 0.6]), c, wrt=(0, 1))
