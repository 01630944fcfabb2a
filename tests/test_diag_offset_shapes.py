"""Shape facts of ``np.diag(v, k)`` (call_shapes._diag): a vector's off-diagonal matrix
is a square of its length plus ``|k|``, so a tridiagonal matrix assembled from
``np.diag`` of a vector and of its interior slices has a known shape, and its adjoint
reads the diagonals without ``unbroadcast``.  Checked against central differences at
lengths where the interior is one element (3) and longer, with both offsets' signs and
the offset by keyword; a state-dependent matrix solved each step as the semi-implicit
benchmark problem does."""
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp, grad_source


def tridiagonal(c, u):
    """A stiffness matrix from conductances ``c`` (one more than ``u``)."""
    A = np.diag(c[:-1] + c[1:]) - np.diag(c[1:-1], 1) - np.diag(c[1:-1], -1)
    return np.sum(np.tanh(A @ u))


def upper_by_keyword(d, e, u):
    """A bidiagonal matrix, the offset given as ``k=``."""
    B = np.diag(d) + np.diag(e, k=1)
    return np.sum((B @ u) ** 2)


def semi_implicit(kappa, u, dt):
    """Steps of (I + dt A(u)) u_new = u with A assembled from the state."""
    n = u.shape[0]
    for _ in range(3):
        up = np.concatenate(([0.0], u, [0.0]))
        c = kappa * (1.0 + 0.5 * (up[:-1] ** 2 + up[1:] ** 2))
        A = np.diag(c[:-1] + c[1:]) - np.diag(c[1:-1], 1) - np.diag(c[1:-1], -1)
        u = np.linalg.solve(np.eye(n) + dt * A, u)
    return np.sum(u ** 2)


@pytest.mark.parametrize("n", [3, 4, 8])
def test_tridiagonal(n, rng):
    args = (rng.uniform(0.5, 1.5, n + 1), rng.standard_normal(n))
    check_grad(tridiagonal, *args, wrt=(0, 1))
    check_vjp(tridiagonal, *args, wrt=(0, 1))
    check_jvp(tridiagonal, *args, wrt=(0, 1))


@pytest.mark.parametrize("n", [3, 5, 7])
def test_upper_by_keyword(n, rng):
    args = (rng.standard_normal(n), rng.standard_normal(n - 1), rng.standard_normal(n))
    check_grad(upper_by_keyword, *args, wrt=(0, 1, 2))


@pytest.mark.parametrize("n", [3, 6, 10])
def test_semi_implicit(n, rng):
    args = (rng.uniform(0.5, 1.5, n + 1), rng.standard_normal(n), 0.3)
    check_grad(semi_implicit, *args, wrt=(0, 1))
    check_vjp(semi_implicit, *args, wrt=(0, 1))


def test_adjoints_have_no_unbroadcast(rng):
    for f, args in ((tridiagonal, (rng.random(9), rng.random(8))),
                    (semi_implicit, (rng.random(9), rng.random(8), 0.3))):
        text = grad_source(f, *args, wrt=(0, 1))
        assert "unbroadcast" not in text and "shape_of" not in text, text
