"""Solves with a matrix the compiler knows is triangular (a Cholesky factor, its
transpose, np.tril/np.triu) get triangular-solve adjoints, one solve shared by both
adjoints of a solve (runtime/triangular.py, compiler/ranks.py, compiler/reuse.py)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian


def _kernel(log_ell, X):
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return np.exp(-0.5 * d2 / np.exp(2 * log_ell)) + 0.3 * np.eye(X.shape[0])


def gp_nlml(log_ell, X, y):
    L = np.linalg.cholesky(_kernel(log_ell, X))
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def gp_matrix_rhs(log_ell, X, Y):
    L = np.linalg.cholesky(_kernel(log_ell, X))
    A = np.linalg.solve(L, Y)
    return np.sum(A * A) + np.sum(np.linalg.solve(L.T, A) * Y)


def lower_system(M, b):
    T = np.tril(M) + 3.0 * np.eye(M.shape[0])
    return np.sum(np.sin(np.linalg.solve(T, b)))


def upper_system(M, b):
    U = np.triu(M) + 3.0 * np.eye(M.shape[0])
    x = np.linalg.solve(U, b)
    return x @ x


@pytest.fixture
def data(rng):
    X = rng.standard_normal((6, 2))
    return X, np.sin(X[:, 0]) + 0.1 * rng.standard_normal(6)


def test_gp_likelihood_shares_one_triangular_solve(data) -> None:
    X, y = data
    check_grad(gp_nlml, 0.2, X, y, wrt=(0, 2))
    g = s2sad.grad(gp_nlml, wrt=(0, 2))
    g(0.2, X, y)
    assert "tri_solve" in g.source and "solve_lhs_adjoint" not in g.source
    code = [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]
    adjoint_solves = [line for line in code if "tri_solve(" in line and
                      ("True, True)" in line or "False, True)" in line)]
    assert len(adjoint_solves) == 2  # one per solve, shared by both of its adjoints
    assert not any("np.linalg.solve(" in line for line in code)  # the forward's too


def test_matrix_right_hand_sides(data, rng) -> None:
    X, _ = data
    check_grad(gp_matrix_rhs, -0.1, X, rng.standard_normal((6, 3)), wrt=(0, 2))


@pytest.mark.parametrize("f", [lower_system, upper_system])
def test_tril_and_triu_systems(rng, f) -> None:
    check_grad(f, rng.standard_normal((4, 4)), rng.standard_normal(4), wrt=(0, 1))


def upper_system_at(b):
    M = np.array([[1.0, 0.2, -0.3, 0.4], [0.5, 1.5, 0.1, 0.2], [0.3, -0.2, 1.1, 0.6],
                  [0.1, 0.4, -0.5, 0.9]])
    return upper_system(M, b) + np.sum(b ** 3)


_X = np.array([[0.1, 0.5], [-0.7, 0.2], [0.9, -0.4], [0.3, 1.1]])
_Y = np.array([0.2, -0.5, 0.7, 0.1])


def gp_at(v):
    return gp_nlml(v[0], _X, _Y * v[1])


@pytest.mark.parametrize("f, x", [(gp_at, np.array([0.3, 1.2])),
                                  (upper_system_at, np.array([0.5, -0.3, 0.8, 0.1]))])
def test_second_derivative_through_triangular_solves(f, x) -> None:
    check_hessian(f, x)
