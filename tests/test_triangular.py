"""Solves with a matrix the compiler knows is triangular (a Cholesky factor, its
transpose, np.tril/np.triu) get triangular-solve adjoints, one solve shared by both
adjoints of a solve (runtime/triangular.py, compiler/ranks.py, compiler/costly_calls.py)."""
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


# ----- tri_product (trmm) and tri_congruence (sygst): the Cholesky adjoint's steps -----

from s2sad.runtime import linalg as rl  # noqa: E402
from s2sad.runtime import triangular as tr  # noqa: E402


def _factor(rng, n, lower=True, scale=1.0):
    a = np.tril(rng.standard_normal((n, n))) + scale * 3.0 * np.eye(n)
    return a if lower else a.T


def _sym_from(m, lower):
    return np.tril(m) + np.tril(m, -1).T if lower else np.triu(m) + np.triu(m, 1).T


@pytest.fixture(params=["scipy", "numpy"])
def path(request, monkeypatch):
    """Each helper with SciPy's kernels, and as NumPy alone runs it (no SciPy)."""
    if request.param == "numpy":
        monkeypatch.setattr(tr, "_SCIPY", {k: None for k in (
            "solve_triangular", "dtrmm", "strmm", "dsygst", "ssygst")})
    return request.param


@pytest.mark.parametrize("n", [1, 2, 7])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [False, True])
def test_tri_product_and_congruence_closed_forms(rng, path, n, lower, trans) -> None:
    a, b, m = _factor(rng, n, lower), rng.standard_normal((n, 3)), rng.standard_normal((n, n))
    x = a.T if trans else a
    assert np.allclose(tr.tri_product(a, b, lower, trans), x @ b, atol=1e-13)
    xi = np.linalg.inv(x)
    want = xi @ _sym_from(m, lower) @ xi.T
    got = tr.tri_congruence(a, m, lower, trans)
    assert np.allclose(got, want, rtol=1e-12, atol=1e-13) and np.array_equal(got, got.T)


def test_the_other_triangle_is_not_read(rng) -> None:
    """With SciPy, tri_product/tri_congruence read a's triangle (and m's) only."""
    a, m = _factor(rng, 5), rng.standard_normal((5, 5))
    junk = a + np.triu(rng.standard_normal((5, 5)), 1)
    assert np.allclose(tr.tri_congruence(junk, m + np.triu(np.ones((5, 5)), 1), True, True),
                       tr.tri_congruence(a, m, True, True))
    assert np.allclose(tr.tri_product(junk, m, True), a @ m)


def test_batched_float32_and_ill_conditioned(rng) -> None:
    """Stacks take the NumPy path; float32 stays float32; a factor with diagonal
    entries 1e-4 .. 1 (condition ~1e8 of a L L^T) still gives the closed form."""
    a = np.stack([_factor(rng, 4), _factor(rng, 4, scale=2.0)])
    m = rng.standard_normal((2, 4, 4))
    for k in range(2):
        assert np.allclose(tr.tri_congruence(a, m, True, True)[k],
                           tr.tri_congruence(a[k], m[k], True, True))
        assert np.allclose(tr.tri_product(a, m, True, True)[k], a[k].T @ m[k])
    got = tr.tri_congruence(a[0].astype(np.float32), m[0].astype(np.float32), True, True)
    assert got.dtype == np.float32
    assert np.allclose(got, tr.tri_congruence(a[0], m[0], True, True), rtol=1e-4, atol=1e-4)
    low = np.tril(0.01 * rng.standard_normal((6, 6))) + np.diag(np.logspace(-4, 0, 6))
    xi = np.linalg.inv(low.T)
    want = xi @ _sym_from(m[0, :4, :4].repeat(2, 0).repeat(2, 1)[:6, :6], True) @ xi.T
    got = tr.tri_congruence(low, m[0, :4, :4].repeat(2, 0).repeat(2, 1)[:6, :6], True, True)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


def _central(f, x, d, eps=1e-6):
    return (f(x + eps * d) - f(x - eps * d)) / (2 * eps)


@pytest.mark.parametrize("shape", [(1, 1), (5, 5), (2, 3, 3)])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_adjoint_against_differences(rng, path, shape, upper) -> None:
    """The Cholesky adjoint (triangle read included) against central differences of
    <g, cholesky(a)> along symmetric directions; matrices, 1x1 and a stack."""
    c = rng.standard_normal(shape)
    a = c @ np.matrix_transpose(c) + shape[-1] * np.eye(shape[-1])
    g = rng.standard_normal(shape)
    d = rng.standard_normal(shape)
    d = d + np.matrix_transpose(d)
    ans = np.linalg.cholesky(a, upper=upper)
    adj = rl.triangle_read_adjoint(rl.cholesky_adjoint(g, ans, upper), upper)
    fd = _central(lambda x: np.sum(g * np.linalg.cholesky(x, upper=upper)), a, d)
    assert np.isclose(np.sum(adj * d), fd, rtol=1e-7, atol=1e-9)


sla = pytest.importorskip("scipy.linalg")


def gp_cho_solve(log_ell, X, y):
    L = np.linalg.cholesky(_kernel(log_ell, X))
    alpha = sla.cho_solve((L, True), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def cho_factor_upper(log_ell, X, Y):
    c, low = sla.cho_factor(_kernel(log_ell, X))
    return np.sum(np.sin(sla.cho_solve((c, low), Y)))


def cho_factor_lower_vector(log_ell, X, y):
    return np.sum(sla.cho_solve(sla.cho_factor(_kernel(log_ell, X), lower=True), y) ** 2)


@pytest.mark.parametrize("f, rhs", [(gp_cho_solve, (7,)), (cho_factor_upper, (7, 2)),
                                    (cho_factor_lower_vector, (7,))])
def test_cho_solve_adjoints_use_the_factor(rng, f, rhs) -> None:
    """cho_solve's adjoints: one ``cho_solve`` of the adjoint by the factor (two
    triangular solves), shared by b's and c's; no A = L L^T formed and solved again."""
    X, y = rng.standard_normal((7, 2)), rng.standard_normal(rhs)
    check_grad(f, 0.2, X, y, wrt=(0, 1, 2))
    g = s2sad.grad(f, wrt=(0, 2))
    g(0.2, X, y)
    assert "solve_lhs_adjoint" not in g.source
    assert g.source.count("scipy_linalg.cho_solve(") == 1
    check_hessian(lambda t: f(t, X, y), 0.2)


def gp_scipy_triangular(log_ell, X, y):
    """The GP likelihood as users write it with scipy: a triangular solve of the factor."""
    import scipy.linalg as sla
    L = np.linalg.cholesky(_kernel(log_ell, X))
    z = sla.solve_triangular(L, y, lower=True)
    return 0.5 * z @ z + np.sum(np.log(np.diag(L)))


def upper_transposed(M, B):
    import scipy.linalg as sla
    U = np.triu(M) + 3.0 * np.eye(M.shape[0])
    return np.sum(np.sin(sla.solve_triangular(U, B, trans="T")))


def unit_lower(M, b):
    import scipy.linalg as sla
    x = sla.solve_triangular(M, b, lower=True, unit_diagonal=True)
    return np.sum(x ** 3)


def test_scipy_solve_triangular_solves_with_the_factor(data, rng) -> None:
    pytest.importorskip("scipy")
    X, y = data
    check_grad(gp_scipy_triangular, 0.2, X, y, wrt=(0, 2))
    check_hessian(lambda t: gp_scipy_triangular(t, X, y), 0.2)
    g = s2sad.grad(gp_scipy_triangular, wrt=(0, 2))
    g(0.2, X, y)
    code = "\n".join(line for line in g.source.splitlines() if "#" not in line)
    assert "tri_solve(L, " in code  # (the factor itself: no np.tril of it, no LU solve)
    for general in ("solve_lhs_adjoint", "solve_rhs_adjoint", "np.linalg.solve"):
        assert general not in code
    M = 0.3 * rng.standard_normal((4, 4))
    check_grad(upper_transposed, M, rng.standard_normal((4, 2)), wrt=(0, 1))
    check_grad(unit_lower, M, rng.standard_normal(4), wrt=(0, 1))
    check_hessian(lambda m: unit_lower(m, np.arange(1.0, 5.0)), M)
