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


def counted_inside(x):
    calls = 0

    def rec(v, n):
        nonlocal calls
        calls += 1
        return v if n == 0 else rec(v * x, n - 1)
    return rec(x, 2) * calls


def test_a_def_inside_recursing():
    """A def inside the function calling itself: differentiated where it reads nothing of
    the function around it (x ** 4 here), and where it does (``c``, the caller's variable
    at the call: passed on to each recursive call, session 49); refused where it rebinds
    them (``nonlocal``)."""
    assert s2sad.grad(squared_twice_inside)(1.1) == pytest.approx(4 * 1.1 ** 3)
    check_grad(scaled_inside, 0.7, 1.3, wrt=(0, 1))
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_recursion.py:\d+: recursive call of rec\(\), defined "
                             r"inside the function"):
        s2sad.grad(counted_inside)(0.7)


# --- reverse over reverse: a gradient inside a function differentiated again ---


def node(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    return np.tanh(W @ np.concatenate((node(W, b, leaves, lo, mid),
                                       node(W, b, leaves, mid, hi))) + b)


def signed(x, n):
    """A branch on the sign of the value the levels below computed."""
    if n == 0:
        return x
    y = signed(x, n - 1)
    return np.sin(y) * 2.0 if np.sum(y) > 0 else y * y - 0.5


@pytest.mark.parametrize("x0", [0.4, -1.3])  # the branch taken one way, then the other
def test_reverse_over_reverse(x0):
    """``grad(hv)`` where ``hv`` takes a gradient through the recursion: against the
    Hessian (forward over reverse) times the direction and central differences."""
    from gradcheck import numerical_grad
    v = np.array([1.0, -2.0])

    def hv_signed(x):
        return np.sum(s2sad.grad(lambda x: np.sum(signed(x, 3) ** 2))(x) * v)
    x = np.array([x0, 0.5 * x0])
    got = s2sad.grad(hv_signed)(x)
    np.testing.assert_allclose(got, numerical_grad(hv_signed, (x,)), rtol=1e-5, atol=1e-6)
    hessian = s2sad.hessian(lambda x: np.sum(signed(x, 3) ** 2))(x)
    np.testing.assert_allclose(got, hessian @ v, rtol=1e-10, atol=1e-12)


def test_reverse_over_reverse_of_a_tree_and_a_power():
    from gradcheck import numerical_grad
    rng = np.random.default_rng(0)
    W, b = 0.5 * rng.standard_normal((2, 4)), 0.1 * rng.standard_normal(2)
    leaves, VW, Vb = rng.standard_normal((5, 2)), rng.standard_normal((2, 4)), \
        rng.standard_normal(2)

    def hv(W, b):
        dW, db = s2sad.grad(lambda W, b: np.sum(node(W, b, leaves, 0, 5) ** 2),
                            wrt=(0, 1))(W, b)
        return np.sum(dW * VW) + np.sum(db * Vb)
    got = s2sad.grad(hv, wrt=(0, 1))(W, b)
    for g, n in zip(got, numerical_grad(hv, (W, b), wrt=(0, 1))):
        np.testing.assert_allclose(g, n, rtol=1e-5, atol=1e-6)
    # d/dx (x * d/dx x^5) = 5 x^4 + 20 x^4 (closed form)
    assert s2sad.grad(lambda x: s2sad.grad(power)(x, 5) * x)(1.2) == \
        pytest.approx(25 * 1.2 ** 4, rel=1e-12)
