"""A matrix bound in a branch (or a loop) and solved with only inside a branch: the
shared factorisation (``compiler/shared_factors.py``) was put in front of the adjoint's
branch, where the matrix is unbound when the other branch ran (an UnboundLocalError out
of generated code, found by tools/fuzz2 seed 761161).  Now the branches share their own
factorisations; checked on both branches against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp

P = np.array([0.3, -0.2, 0.5])


def solved_in_a_branch(x, p):
    if np.sum(x) > 0.13:
        res = np.sum(np.tanh(x))
    else:
        S = np.outer(p, p) + 6 * np.eye(3)
        la = np.linalg.solve(S, p)
        res = np.sum(np.tanh(la))
    return res * np.sum(x)


def solved_twice_in_a_branch(x, p):
    if np.sum(x) > 0.13:
        res = np.sum(x ** 2)
    else:
        S = np.outer(p, x) + 5 * np.eye(3)
        la = np.linalg.solve(S, p)
        lb = np.linalg.solve(S, la * x)
        res = np.sum(la * lb)
    return res


def inverted_in_a_branch(x, p):
    if np.sum(x) <= 0.13:
        S = np.outer(x, x) + 4 * np.eye(3)
        res = np.trace(np.linalg.inv(S)) + p @ np.linalg.solve(S, p)
    else:
        res = np.sum(p * x)
    return res


def bound_in_a_loop(x, p, n):
    S = np.eye(3)
    for k in range(n):
        S = np.outer(p, x) + (k + 4) * np.eye(3)
    if n > 0:
        res = np.sum(np.linalg.solve(S, p) ** 2)
    else:
        res = np.sum(x ** 3)
    return res


@pytest.mark.parametrize("f", [solved_in_a_branch, solved_twice_in_a_branch,
                               inverted_in_a_branch])
@pytest.mark.parametrize("x", [np.array([1.0, 0.5, 0.2]), np.array([-1.0, 0.5, 0.2])])
def test_matrix_of_a_branch_solved_in_a_branch(f, x) -> None:
    for wrt in (0, 1, (0, 1)):
        check_grad(f, x, P, wrt=wrt)
        check_vjp(f, x, P, wrt=wrt)
        check_jvp(f, x, P, wrt=wrt)


@pytest.mark.parametrize("n", [0, 2])
def test_matrix_of_a_loop_solved_in_a_branch(n) -> None:
    x = np.array([1.0, 0.5, 0.2])
    for wrt in (0, 1, (0, 1)):
        check_grad(bound_in_a_loop, x, P, n, wrt=wrt)
        check_jvp(bound_in_a_loop, x, P, n, wrt=wrt)


# The same under an early return from a loop (fuzz2 seed 770629): the reverse sweep of
# what follows the loop is a block of its own (``if not returned: ...``), the matrix
# bound before that block, under the forward's branch; the factorisation was put in
# front of the adjoint's branch inside it.


def returned_early_else_solved(x, p):
    for i, t in enumerate(x):
        if t > 0.9:
            return float(np.sum(x[:i + 1] ** 2))
    if x[0] > 0.1:
        S = np.outer(x, x) + 6 * np.eye(3)
        res = np.sum(np.tanh(np.linalg.solve(S, p)))
    else:
        res = np.sum(np.tanh(x * p))
    return res + np.sum(x ** 2)


def returned_early_else_solved_twice(x, p):
    for t in x:
        if t > 0.9:
            return float(t * 3.0)
    if x[1] > -0.1:
        S = np.outer(p, x) + 5 * np.eye(3)
        a = np.linalg.solve(S, x)
        b = np.linalg.solve(S.T, p * a)
        res = np.sum(a * b)
    else:
        res = np.sum(x * p)
    return res


def returned_early_solved_in_a_loop_branch(x, p):
    for t in x:
        if t > 0.9:
            return float(t ** 2)
    total = 0.0
    if x[2] < 0.4:
        S = np.diag(x ** 2 + 2.0) + 0.1 * np.outer(p, p)
        for k in range(2):
            total = total + np.sum(np.linalg.solve(S, p * (k + 1.0)) * x)
    return total + np.sum(x)


@pytest.mark.parametrize("x", [np.array([0.3, 0.2, -0.1]),    # solved
                               np.array([-0.3, -0.5, 0.6]),   # the other branch
                               np.array([0.2, 1.3, 0.1])])    # returned early
@pytest.mark.parametrize("f", [returned_early_else_solved, returned_early_else_solved_twice,
                               returned_early_solved_in_a_loop_branch])
def test_solved_in_a_branch_after_an_early_return(f, x):
    check_grad(f, x, P, wrt=(0, 1))
    check_jvp(f, x, P, wrt=(0, 1))
