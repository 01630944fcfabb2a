"""compiler/dtypes.py: a solve's result (``scipy.linalg.solve_triangular``,
``scipy.linalg.solve``, the runtime's ``tri_solve``: ``rules/facts.py``'s ``defsolve``)
has its operands' promoted dtype, and ``np.diag``/``np.tril``/``np.triu`` keep their
argument's: so the ``rows`` pass sums a float64 solve's columns as a product with ones
(NumPy's reduction down a short axis of LAPACK's Fortran-ordered result is 20-50x
slower).  Float32 operands keep NumPy's sum.  Each checked against central differences."""
import numpy as np
import pytest
from scipy.linalg import solve, solve_triangular

import s2sad
from gradcheck import check_grad


def mahalanobis(raw, mean, X):
    L = np.tril(raw, -1) + np.diag(np.exp(np.diag(raw)))
    Z = solve_triangular(L, (X - mean).T, lower=True)
    return np.sum(np.log(1.0 + np.sum(Z ** 2, axis=0)))


def upper_solve(raw, B):
    U = np.triu(raw) + 3.0 * np.eye(raw.shape[0])
    Z = solve(U, B)
    return np.sum(np.sin(np.sum(Z * Z, axis=0)))


def transposed_solve(raw, B):
    L = np.tril(raw) + 3.0 * np.eye(raw.shape[0])
    Z = solve_triangular(L, B, lower=True, trans="T")
    return np.sum(np.sum(Z, axis=0) ** 2)


def _lower(rng, d):
    return 0.3 * rng.standard_normal((d, d))


@pytest.mark.parametrize("d, n", [(3, 40), (2, 7), (5, 30)])
def test_mahalanobis_sums(rng, d, n) -> None:
    args = _lower(rng, d), rng.standard_normal(d), rng.standard_normal((n, d))
    check_grad(mahalanobis, *args, wrt=(0, 1))
    g = s2sad.grad(mahalanobis, wrt=(0, 1))
    g(*args)
    assert "np.ones(" in g.source


def test_upper_solve(rng) -> None:
    args = _lower(rng, 4), rng.standard_normal((4, 6))
    check_grad(upper_solve, *args, wrt=(0, 1))
    g = s2sad.grad(upper_solve, wrt=(0, 1))
    g(*args)
    assert "np.ones(" in g.source


def test_transposed_solve_closed_form(rng) -> None:
    """d/dB of sum(colsum(Z)^2), Z = L^-T B: L^-1 (2 colsum(Z) broadcast down)."""
    raw, B = _lower(rng, 3), rng.standard_normal((3, 5))
    L = np.tril(raw) + 3.0 * np.eye(3)
    Z = solve_triangular(L, B, lower=True, trans="T")
    want = solve_triangular(L, np.broadcast_to(2.0 * Z.sum(0), Z.shape), lower=True)
    got = s2sad.grad(transposed_solve, wrt=1)(raw, B)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    check_grad(transposed_solve, raw, B, wrt=(0, 1))


def test_float32_keeps_numpy_sums(rng) -> None:
    """``np.ones(n) @ Z`` would make a float32 ``Z``'s sum float64: not taken."""
    args = (_lower(rng, 3).astype(np.float32), rng.standard_normal(3).astype(np.float32),
            rng.standard_normal((8, 3)).astype(np.float32))
    g = s2sad.grad(mahalanobis, wrt=(0, 1))
    d_raw, d_mean = g(*args)
    assert d_raw.dtype == np.float32 and "np.ones(" not in g.source
    want = s2sad.grad(mahalanobis, wrt=(0, 1))(*(a.astype(np.float64) for a in args))
    np.testing.assert_allclose(d_raw, want[0], rtol=1e-3, atol=1e-4)
