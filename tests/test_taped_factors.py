"""A matrix solved with in a loop's forward sweep and factorised again by the reverse
sweep after its pop: the forward solve's LU factors are taped instead (``lu_factor`` in
the forward sweep, none after the pop).  Newton-like steps with the solve made on every
trip, inside a branch taken both ways, with the matrix written into after the solve, of
a transpose; gradients against central differences in float64, Hessians
against central differences of the gradient."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, grad_source


def damped_newton(p, A, b, n_iter):
    for _ in range(n_iter):
        H = A.T @ A + (0.5 + p @ p) * np.eye(p.size)
        step = np.linalg.solve(H, A.T @ (A @ p - b))
        p = p - 0.5 * step
    return np.sum(p * p * p)


def branchy_newton(p, A, b, n_iter):
    """The solve is made on the trips whose residual is large only."""
    for _ in range(n_iter):
        r = A @ p - b
        if r @ r > 0.5:
            H = A.T @ A + (1.0 + p @ p) * np.eye(p.size)
            p = p - np.linalg.solve(H, A.T @ r)
        else:
            p = 0.9 * p
    return np.sum(np.sin(p))


def written_after(p, A, b, n_iter):
    """The matrix is changed after the solve and read again (the generated code writes
    into a copy: the factors taped are those of the matrix solved)."""
    total = 0.0
    for _ in range(n_iter):
        H = A.T @ A + (1.0 + p @ p) * np.eye(p.size)
        x = np.linalg.solve(H, b[: p.size] + p)
        H[0, 0] = 2.0 * H[0, 0] + p[0]
        total = total + x @ (H @ x)
        p = p - 0.1 * x
    return total


def transposed(p, A, b, n_iter):
    for _ in range(n_iter):
        H = A.T @ A + np.outer(p, np.arange(1.0, p.size + 1.0)) + 2.0 * np.eye(p.size)
        p = p - 0.3 * np.linalg.solve(H.T, A.T @ (A @ p - b))
    return np.sum(p ** 4)


@pytest.fixture
def system():
    rng = np.random.default_rng(7)
    return rng.standard_normal((6, 3)), rng.standard_normal(6)


@pytest.mark.parametrize("p,n_iter", [([0.1, -0.2, 0.3], 3), ([1.0, 0.5, -1.0], 2),
                                      ([0.0, 0.0, 0.4], 1)])
def test_damped_newton(system, p, n_iter):
    A, b = system
    check_grad(damped_newton, np.array(p), A, b, n_iter, wrt=(0, 1, 2))


def test_damped_newton_tapes_the_factors(system):
    A, b = system
    src = grad_source(damped_newton, np.array([0.1, -0.2, 0.3]), A, b, 2)
    lines = [s for s in src.splitlines() if not s.strip().startswith("#")]
    pop = next(i for i, s in enumerate(lines) if "stack.pop()" in s)
    assert any("lu_factor(" in s for s in lines[:pop])
    assert not any("lu_factor(" in s for s in lines[pop:])
    assert not any("np.linalg.solve" in s for s in lines)


@pytest.mark.parametrize("p", [[0.1, -0.2, 0.3], [2.0, 1.0, -1.0], [0.01, 0.02, 0.0]])
def test_branchy_newton(system, p):
    A, b = system
    check_grad(branchy_newton, np.array(p), A, b, 3, wrt=(0, 1, 2))


@pytest.mark.parametrize("p", [[0.1, -0.2, 0.3], [1.0, 1.0, -1.0], [0.5, 0.0, 0.2]])
def test_written_after(system, p):
    A, b = system
    check_grad(written_after, np.array(p), A, b, 2, wrt=(0, 1, 2))


@pytest.mark.parametrize("p", [[0.1, -0.2, 0.3], [1.0, 0.5, -1.0], [0.3, 0.3, 0.3]])
def test_transposed(system, p):
    A, b = system
    check_grad(transposed, np.array(p), A, b, 2, wrt=(0, 1, 2))


@pytest.mark.parametrize("f", [damped_newton, branchy_newton])
def test_hessians(system, f):
    A, b = system
    check_hessian(lambda q: f(q, A, b, 2), np.array([0.3, -0.1, 0.2]))
