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
