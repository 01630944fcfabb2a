"""Small triangular factors: LAPACK's ``trtrs`` called directly (runtime/triangular.py
``_lapack_solve``), triangles cut by a remembered mask (``triangle``), a matrix's
diagonal written without moveaxis (``linalg.undiagonal``).  Each against NumPy's own
answer, and a Cholesky quadratic form of a 6x6 matrix against finite differences."""
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian
from s2sad.runtime.core import shape_of
from s2sad.runtime.linalg import triangle_read, triangle_read_adjoint, undiagonal, untrace
from s2sad.runtime.triangular import tri_congruence, tri_solve, triangle


@pytest.mark.parametrize("n", [1, 3, 6])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [True, False])
def test_triangular_solves_of_every_layout(rng, n, lower, trans) -> None:
    a = rng.standard_normal((n, n)) + 3.0 * np.eye(n)
    t = np.tril(a) if lower else np.triu(a)
    junk = t + (np.triu(a, 1) if lower else np.tril(a, -1))  # the other triangle unread
    for m in (junk, np.asfortranarray(junk), junk[::-1, ::-1][::-1, ::-1]):
        for b in (rng.standard_normal(n), rng.standard_normal((n, 2)),
                  np.asfortranarray(rng.standard_normal((n, 3)))):
            saved = b.copy()
            x = tri_solve(m, b, lower, trans)
            np.testing.assert_array_equal(b, saved)  # the right-hand side is not written
            np.testing.assert_allclose((t.T if trans else t) @ x, b, atol=1e-12)


def test_a_zero_on_the_diagonal_raises_as_scipy_does() -> None:
    t = np.tril(np.ones((3, 3)))
    t[1, 1] = 0.0
    with pytest.raises(np.linalg.LinAlgError):
        tri_solve(t, np.ones(3), True)


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (80, 80)])
def test_triangles_by_mask(rng, shape) -> None:
    m = rng.standard_normal(shape)
    for k in (-2, -1, 0, 1, 2):
        np.testing.assert_array_equal(triangle(m, True, k), np.tril(m, k))
        np.testing.assert_array_equal(triangle(m, False, k), np.triu(m, k))
    np.testing.assert_array_equal(triangle(m + 1j, True), np.tril(m + 1j))
    assert triangle(m.astype(np.float32), True).dtype == np.float32


SHAPES = [(3, 3), (3, 5), (5, 3), (1, 1), (1, 4), (4, 1), (2, 3, 4), (4, 1, 4)]


@pytest.mark.parametrize("shape", SHAPES)
def test_diagonals_and_traces_written_back(rng, shape) -> None:
    """<undiagonal(g), x> = <g, diagonal(x)> and <untrace(g), x> = <g, trace(x)> for
    every offset and pair of axes; untrace reads only the shape (shape_of works)."""
    axes = [(0, 1), (1, 0), (-1, -2)] + ([(0, -1)] if len(shape) == 3 else [])
    for axis1, axis2 in axes:
        for offset in (-2, -1, 0, 1, 2):
            x = rng.standard_normal(shape)
            d = np.diagonal(x, offset, axis1, axis2)
            g = rng.standard_normal(d.shape)
            np.testing.assert_allclose(np.sum(undiagonal(g, x, offset, axis1, axis2) * x),
                                       np.sum(g * d))
            t = rng.standard_normal(d.shape[:-1])
            t = float(t) if t.ndim == 0 else t
            back = untrace(t, x, offset, axis1, axis2)
            np.testing.assert_array_equal(back, untrace(t, shape_of(x), offset, axis1, axis2))
            np.testing.assert_allclose(np.sum(back * x),
                                       np.sum(t * np.trace(x, offset, axis1, axis2)))


def riccati_kalman(A, C, P0, steps):
    P = P0
    loss = 0.0
    for _ in range(steps):
        S = C @ P @ C.T + 1.0
        K = np.linalg.solve(S, C @ P).T
        P = A @ (P - K @ C @ P) @ A.T + np.eye(A.shape[0])
        P = 0.5 * (P + P.T)
        loss = loss + np.trace(P)
    return loss


@pytest.mark.parametrize("n", [2, 4])
def test_a_riccati_recursion_summing_traces(rng, n) -> None:
    A = 0.5 * rng.standard_normal((n, n)) / np.sqrt(n) + 0.3 * np.eye(n)
    C = rng.standard_normal((1, n))
    check_grad(riccati_kalman, A, C, np.eye(n), 6, wrt=(0, 1, 2))


def chol_quad(A, v):
    K = A @ A.T + np.eye(A.shape[0])
    L = np.linalg.cholesky(K)
    z = np.linalg.solve(L, v)
    return z @ z + 2.0 * np.sum(np.log(np.diag(L)))


def test_a_cholesky_quadratic_form(rng) -> None:
    A, v = rng.standard_normal((6, 6)), rng.standard_normal(6)
    got = check_grad(chol_quad, A, v, wrt=(0, 1))
    K = A @ A.T + np.eye(6)
    Ki = np.linalg.inv(K)
    alpha = Ki @ v
    np.testing.assert_allclose(got[0], 2.0 * (Ki - np.outer(alpha, alpha)) @ A, rtol=1e-9)
    check_hessian(lambda v: chol_quad(A, v), v)


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (70, 70), (2, 3, 3)])
@pytest.mark.parametrize("uplo", ["L", "U", True, False])
def test_the_adjoint_of_reading_a_triangle(rng, shape, uplo) -> None:
    """<triangle_read_adjoint(g), x> = <g, triangle_read(x)>, Fortran order alike."""
    g, x = rng.standard_normal(shape), rng.standard_normal(shape)
    back = triangle_read_adjoint(g, uplo)
    np.testing.assert_allclose(np.sum(back * x), np.sum(g * triangle_read(x, uplo)))
    if len(shape) == 2:
        np.testing.assert_array_equal(triangle_read_adjoint(np.asfortranarray(g), uplo), back)


@pytest.mark.parametrize("n", [1, 2, 6, 30])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [True, False])
def test_congruences_against_two_solves(rng, n, lower, trans) -> None:
    """tri_congruence (LAPACK sygst) = x^-1 S x^-T by two plain solves, S read from one
    triangle of m; float32 and Fortran-ordered m too."""
    A = rng.standard_normal((n, n))
    L = np.linalg.cholesky(A @ A.T + np.eye(n))
    a = L if lower else L.T.copy()
    x = a.T if trans else a
    m = rng.standard_normal((n, n))
    S = triangle_read(m, "L" if lower else "U")
    want = np.linalg.solve(x, np.linalg.solve(x, S).T)
    for given, tol in ((m, 1e-9), (np.asfortranarray(m), 1e-9), (m.astype(np.float32), 1e-3)):
        np.testing.assert_allclose(tri_congruence(a, given, lower, trans), want, rtol=tol,
                                   atol=tol)
