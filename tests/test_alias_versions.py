"""Names the alias stage gives the versions of a variable (``r, x = x, r`` rebinds
``r`` to what ``x`` held: ``r_1``) are taken for the SSA stage too.  The SSA stage's
namer did not know them and handed ``r_1`` out again to a later version (``r[4] = v``
after a loop of element writes): the reverse sweep read the array as finally written
where it needed the swapped value, a silently wrong gradient (random program 82260).
Checked against central differences, each argument, and the forward mode."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def swap_then_writes(x, P):
    r = P[1]
    r, x = (x, r)
    r = r * x
    for k in range(5):
        r[k] = r[k]
    r[4] = P[1][2]
    return np.sum(r)


def swap_then_scaled_rows(x, y):
    a, b = x * 1.0, y
    a, b = b, a
    a = a * b
    for k in range(3):
        a[k] = a[k] * (k + 1)
    a[-1] = b[0] ** 2
    return np.sum(a * np.arange(5.0))


def rotate_three(x, y):
    p, q, s = x, y, x * y
    p, q, s = q, s, p
    p = p * s + q
    for k in range(4):
        p[k + 1] = p[k + 1] + p[k]
    p[0] = q[2]
    return np.sum(p ** 2)


RNG = np.random.default_rng(3)
X, Y = RNG.normal(size=5), RNG.normal(size=5)


@pytest.mark.parametrize("scale", [1.0, -0.5, 2.0])
def test_swapped_then_written(scale):
    P = [RNG.normal(size=5), Y * scale]
    check_grad(swap_then_writes, X * scale, P, wrt=(0, 1))
    check_grad(swap_then_scaled_rows, X * scale, Y, wrt=(0, 1))
    check_grad(rotate_three, X * scale, Y, wrt=(0, 1))
    check_jvp(swap_then_scaled_rows, X * scale, Y, wrt=(0, 1))
    check_jvp(rotate_three, X * scale, Y, wrt=(0, 1))
    check_hessian(lambda y: swap_then_scaled_rows(X * scale, y), Y)
    check_hessian(lambda y: rotate_three(X * scale, y), Y)


def test_the_closed_form():
    P = [np.zeros(5), Y]
    _, dP = s2sad.grad(swap_then_writes, wrt=(0, 1))(X, P)
    expected = np.r_[X[:4], 0.0]
    expected[2] += 1.0
    np.testing.assert_allclose(dP[1], expected, rtol=1e-12)
