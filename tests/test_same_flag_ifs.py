"""A value bound under ``if flag:`` and read under a later ``if flag:`` (or ``if not
flag:``'s other branch) on the same flag: in that branch the value surely exists, so
the zero adjoint the later ``if`` needs is made like it.  It was the ``0.0`` stand-in
of a value that may not exist, which reached rules that need the shape (``dM @ c`` of
``np.outer``'s adjoint): an "s2sad bug" error out of generated code.  A derivative's
own reverse sweep is such a later ``if`` (``not_value_1 = not cmp``), so second
derivatives met it on code with nested branches (random program 770599, second order).
In a loop the value may be bound on some trips only: the adjoint of its binding makes the
stand-in its shape.  Checked against central differences in float64, each branch taken."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def nested_under_the_flag(x, c):
    big = c[0] > 0.0
    if big:
        M = np.outer(x, c)
    t = np.sum(x ** 2)
    if big:
        if c[1] > 0.0:
            t = t + np.sum(M @ c)
        else:
            t = t * c[2]
    return t


def other_branch_of_not(x, c):
    big = c[0] > 0.0
    if big:
        M = np.outer(x, c)
    t = np.sum(x ** 2)
    if not big:
        t = t * c[2]
    else:
        for k in range(2):
            if c[1] > 0.0:
                t = t + np.sum(M @ c) * k
    return t


def flag_bound_again(x, c):
    """Not the same flag: ``big`` is bound again between the two ifs."""
    big = c[0] > 0.0
    M = np.eye(3)
    if big:
        M = np.outer(x, c)
    big = c[2] > 0.0
    t = np.sum(x ** 2)
    if big:
        if c[1] > 0.0:
            t = t + np.sum(M @ c)
        else:
            t = t * c[2]
    return t


def bound_in_a_loop_branch(x, c):
    """The same in a loop: ``M`` is bound on some trips only, so its adjoint carried
    across trips starts as the ``0.0`` stand-in; the adjoint of its binding gives it
    ``M``'s shape (``cast_like``) before ``np.outer``'s rule reads it."""
    out = 0.0
    for k in range(3):
        big = x[k] > 0.0
        if big:
            M = np.outer(x, c) * (k + 1)
        if big:
            if c[1] > 0.0:
                out = out + np.sum(M.T @ x)
            else:
                out = out + c[2] * k * x[k]
    return out


def reshaped_in_a_while(x, c):
    out, k = 0.0, 0
    while k < 3:
        if x[k] > -0.1:
            R = np.reshape(np.outer(x, c), (9,))
            if c[1] > 0.0:
                out = out + R[k] * R[8 - k]
        k += 1
    return out + np.sum(x * c)


def numbers_in_a_loop_branch(x, c):
    """A number bound in the branch: its 0.0 stand-in is already what the rule needs."""
    out = 0.0
    for k in range(3):
        if x[k] > 0.0:
            v = x[k] * c[k]
            if c[1] > 0.0:
                out = out + np.sin(v)
    return out


C = [np.array([0.1, 0.5, 0.3]), np.array([0.1, -0.1, 0.3]), np.array([-0.9, 0.5, 0.3]),
     np.array([-0.9, 0.5, -0.3])]


@pytest.mark.parametrize("f", [nested_under_the_flag, other_branch_of_not, flag_bound_again,
                               bound_in_a_loop_branch, reshaped_in_a_while,
                               numbers_in_a_loop_branch])
@pytest.mark.parametrize("c", C, ids=range(len(C)))
def test_gradient(f, c):
    check_grad(f, np.linspace(-0.4, 0.6, 3), c, wrt=(0, 1))


def branches_in_branches(x, y, cs, pair):
    if cs[0] > 0.8:
        res = np.sum(x)
    else:
        rs = np.outer(pair[0], pair[1])
        if cs[2] > 0.25:
            inner = np.sum(rs @ x)
        else:
            inner = y[-5]
        res = np.sum(np.tanh(rs)) + np.tanh(inner)
    return res + np.sum(np.tanh(x * cs[1]))


V = np.linspace(-1.0, 1.0, 5)


def hv(x, y, cs, pair):
    return np.sum(s2sad.grad(branches_in_branches)(x, y, cs, pair) * V)


@pytest.mark.parametrize("cs", [[0.5, -0.2, -0.9], [0.5, -0.2, 0.9], [0.9, 0.3, 0.1]],
                         ids=["inner else", "inner if", "outer if"])
def test_hessian_vector_product(cs):
    x = np.array([-0.06, 0.44, 0.17, 0.04, 0.52])
    y = np.array([0.95, -0.2, 0.9, -0.6, 0.2])
    pair = (np.array([0.33, 0.04, -0.07, -0.46, -0.9]), np.array([-0.2, -0.94, -0.91, -0.92, -0.7]))
    check_grad(branches_in_branches, x, y, cs, pair, wrt=(0, 1, 2, 3))
    check_grad(hv, x, y, cs, pair, wrt=(0, 1, 2, 3))
