"""Functions chosen by a branch (``compiler/chosen_functions.py``): ``if c: def g ...
else: def g ...`` read the last def whichever branch ran (a wrong value and gradient);
``g = lambda ...`` in each branch, and ``g = (lambda ...) if c else (lambda ...)``, were
refused.  Each def is now named apart and each call calls the one the branch chose.
Both branches of each choice, against central differences and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

POS = np.array([0.8, -0.4, 1.3])
NEG = np.array([-0.8, -0.4, 1.3])


def defs_in_branches(x):
    if x[0] > 0:
        def g(v):
            return np.sin(v)
    else:
        def g(v):
            return np.cos(v)
    return np.sum(g(x) * x)


def lambdas_in_branches(x, scale=2.0):
    if np.sum(x) > 1.0:
        act = lambda v: np.tanh(scale * v)  # noqa: E731 (the users' idiom)
    else:
        act = lambda v: v ** 2  # noqa: E731
    return np.sum(act(x)) + act(x[0])


def lambda_chosen_by_expression(x):
    w = x[1]
    act = (lambda v: np.exp(w * v)) if x[0] > 0 else (lambda v: w * v ** 3)
    return np.sum(act(x[1:]))


def three_way(x, kind):
    if kind == "sin":
        def f(v):
            return np.sin(v)
    elif kind == "sq":
        f = lambda v: v * v  # noqa: E731
    else:
        def f(v):
            return np.log1p(v ** 2)
    return np.sum(f(x)) * f(x[2])


@pytest.mark.parametrize("x", [POS, NEG])
def test_defs_in_branches(x):
    g = s2sad.grad(defs_in_branches)(x)
    closed = np.sin(x) + x * np.cos(x) if x[0] > 0 else np.cos(x) - x * np.sin(x)
    np.testing.assert_allclose(g, closed, rtol=1e-12)
    value, _ = s2sad.value_and_grad(defs_in_branches)(x)
    assert value == pytest.approx(defs_in_branches(x))
    check_grad(defs_in_branches, x)
    check_jvp(defs_in_branches, x)


@pytest.mark.parametrize("x", [POS, NEG])
def test_lambdas_in_branches(x):
    check_grad(lambdas_in_branches, x)
    if np.sum(x) > 1.0:
        t = 1 - np.tanh(2 * x) ** 2
        closed = 2 * t
        closed[0] += 2 * t[0]
    else:
        closed = 2 * x
        closed[0] += 2 * x[0]
    np.testing.assert_allclose(s2sad.grad(lambdas_in_branches)(x), closed, rtol=1e-12)


@pytest.mark.parametrize("x", [POS, NEG])
def test_lambda_chosen_by_expression(x):
    check_grad(lambda_chosen_by_expression, x)
    value, _ = s2sad.value_and_grad(lambda_chosen_by_expression)(x)
    assert value == pytest.approx(lambda_chosen_by_expression(x))


@pytest.mark.parametrize("kind", ["sin", "sq", "log"])
def test_three_way(kind):
    check_grad(three_way, POS, kind)
    check_grad(three_way, NEG, kind)


def chosen_then_passed(x):
    if x[0] > 0:
        g = lambda v: v ** 2  # noqa: E731
    else:
        g = lambda v: v ** 3  # noqa: E731
    return np.sum(list(map(g, x)))


def test_a_chosen_function_used_as_a_value_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="chosen by a branch"):
        s2sad.grad(chosen_then_passed)(POS)


def make_loss(x, kind):
    if kind == "l2":
        f = lambda r: r ** 2  # noqa: E731
    elif kind == "l1":
        f = lambda r: np.sqrt(r ** 2 + 1e-3)  # noqa: E731
    else:
        def f(r):
            return np.log(np.cosh(r))
    return np.sum(f(x - 0.1))


def losses_of_each_kind(x):
    return make_loss(x, "l2") + 2.0 * make_loss(x, "l1") + 3.0 * make_loss(x, "logcosh")


def test_a_helper_choosing_by_its_literal_argument():
    # (its branches decided where it is inlined: the defs of the others never made)
    r = POS - 0.1
    closed = 2 * r + 2.0 * r / np.sqrt(r ** 2 + 1e-3) + 3.0 * np.tanh(r)
    np.testing.assert_allclose(s2sad.grad(losses_of_each_kind)(POS), closed, rtol=1e-10)
    check_grad(losses_of_each_kind, NEG)


def chosen_in_a_loop(x):
    tot = 0.0
    for i in range(len(x)):
        if i % 2 == 0:
            act = lambda v: np.sin(v)  # noqa: E731
        else:
            act = lambda v: v ** 3  # noqa: E731
        tot += act(x[i])
    return tot


def test_chosen_in_a_loop():
    closed = np.array([np.cos(POS[0]), 3 * POS[1] ** 2, np.cos(POS[2])])
    np.testing.assert_allclose(s2sad.grad(chosen_in_a_loop)(POS), closed, rtol=1e-12)
    check_grad(chosen_in_a_loop, NEG)


def chosen_under_errstate(x):
    with np.errstate(all="ignore"):
        if x[0] > 0:
            g = lambda v: np.log(v ** 2)  # noqa: E731
        else:
            g = lambda v: v * x[1]  # noqa: E731
    return np.sum(g(x))


@pytest.mark.parametrize("x", [POS, NEG])
def test_chosen_under_errstate(x):
    closed = 2 / x if x[0] > 0 else x[1] + np.array([0.0, x.sum(), 0.0])
    np.testing.assert_allclose(s2sad.grad(chosen_under_errstate)(x), closed, rtol=1e-12)
    check_grad(chosen_under_errstate, x)
