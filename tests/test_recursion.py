"""Recursive functions, as users write them: a power by recursion, a binary tree of
calls on arrays, adaptive Simpson quadrature (the depth chosen by the data), mutual
recursion, a recursive helper inside a loss.  Were refused ("recursion is not
supported"): each recursive call is now a primitive whose rules differentiate the
function again at run time (s2sad/recursion.py).  Against closed forms and central
differences, reverse and forward mode, and second order."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def tree(x, depth):
    if depth == 0:
        return np.sin(x)
    left = tree(x * 0.5, depth - 1)
    right = tree(x + 0.1, depth - 1)
    return left * right + x


def simpson(a, b, tol):
    m = 0.5 * (a + b)
    whole = (b - a) / 6 * (np.exp(a) + 4 * np.exp(m) + np.exp(b))
    if b - a < tol:
        return whole
    return simpson(a, m, tol) + simpson(m, b, tol)


def even(x, n):
    return x if n == 0 else odd(x * 1.1, n - 1)


def odd(x, n):
    return x ** 2 if n == 0 else even(np.sin(x), n - 1)


def tree_loss(w):
    return np.sum(tree(w, 2) ** 2) + power(w[0], 3)


W = np.array([0.3, 0.7, -0.4])


@pytest.mark.parametrize("x, n", [(1.3, 5), (0.7, 1), (2.0, 0)])
def test_power_closed_form(x, n):
    assert s2sad.grad(power)(x, n) == pytest.approx(n * x ** (n - 1) if n else 0.0)
    assert s2sad.jvp(power)(x, n, 1.0)[1] == pytest.approx(n * x ** (n - 1) if n else 0.0)


def test_simpson_closed_form():
    """d/db of the integral of exp from a to b is exp(b), to the rule's accuracy; the
    depth the tolerance chooses differs between the points differences take."""
    da, db = s2sad.grad(simpson, wrt=(0, 1))(0.0, 1.0, 0.05)
    assert da == pytest.approx(-1.0, rel=1e-4)
    assert db == pytest.approx(np.e, rel=1e-4)


@pytest.mark.parametrize("f, args, wrt", [
    (tree_loss, (W,), 0), (even, (0.4, 5), 0), (even, (0.4, 4), 0),
    (simpson, (0.2, 1.1, 0.3), (0, 1))])
def test_recursion_against_differences(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_second_order():
    def loss(v):
        return power(v[0], 4) * v[1] + np.sum(tree(v, 1))
    check_hessian(loss, np.array([0.8, 1.2]))


def test_too_deep_a_recursion_is_refused_with_advice():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        with pytest.raises(s2sad.DifferentiationError,
                           match=r"test_recursion.py:\d+: recursion of power\(\).*"
                                 r"sys.setrecursionlimit"):
            s2sad.grad(power)(1.001, 300)
    finally:
        sys.setrecursionlimit(limit)


def writes_then_recurses(x, n):
    if n == 0:
        return np.sum(x)
    x[0] = x[0] * 2
    return writes_then_recurses(x, n - 1)


def test_a_recursion_writing_its_argument_is_refused():
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_recursion.py:\d+: recursive call of writes_then_recurses"):
        s2sad.grad(writes_then_recurses)(np.ones(2), 2)


def squared_twice_inside(x):
    def rec(v, n):
        return v if n == 0 else rec(v * v, n - 1)
    return rec(x, 2)


def scaled_inside(x, c):
    def rec(v, n):
        return v * c if n == 0 else np.sin(rec(v, n - 1)) + c * v
    return rec(x, 3)


def test_a_def_inside_recursing():
    """A def inside the function calling itself: differentiated where it reads nothing of
    the function around it (x ** 4 here), refused where it does (``c``: those names are
    the caller's variables at the call)."""
    assert s2sad.grad(squared_twice_inside)(1.1) == pytest.approx(4 * 1.1 ** 3)
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_recursion.py:\d+: recursive call of rec\(\), defined "
                             r"inside the function"):
        s2sad.grad(scaled_inside)(0.7, 1.3)
