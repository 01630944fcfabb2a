"""np.linalg decompositions through the whole pipeline (rules in
s2sad/rules/numpy_decompositions.py): svd (PCA losses, gauge-invariant functions of U, S,
V), qr, lstsq against its closed form, eig / eigvals (real and complex spectra), cond,
tensorsolve, tensorinv, matrix_rank; every check against central differences."""
from __future__ import annotations

import ast
import builtins

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, numerical_grad
from rows_decompositions import real_eig
from rule_rows import draw
from s2sad.rules import registry

K = 2  # PCA rank


@pytest.fixture
def data(rng):
    return rng.standard_normal((7, 4)) + np.outer(rng.standard_normal(7), [3.0, 1.0, 0.5, 2.0])


# ----------------------------------------------------------------------- svd

def pca_reconstruction(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    approx = (u[:, :K] * s[:K]) @ vt[:K, :]
    return np.sum((x - approx) ** 2)


def pca_centered(x):
    xc = x - np.mean(x, axis=0)
    u, s, vt = np.linalg.svd(xc, full_matrices=False)
    scores = xc @ vt[:K, :].T  # projections on the first K principal axes
    return np.sum((xc - scores @ vt[:K, :]) ** 2)


def explained_variance(x):
    s = np.linalg.svd(x - np.mean(x, axis=0), compute_uv=False)
    return np.sum(s[:K] ** 2) / np.sum(s ** 2)


def sum_singular_values(x):
    return np.sum(np.linalg.svd(x, compute_uv=False))


def norm_of_product(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return np.sqrt(np.sum(((u * s) @ vt) ** 2))


def left_projection(x):
    u, s, vt = np.linalg.svd(x)
    p = u[:, :K] @ u[:, :K].T
    return np.sum(p * np.arange(x.shape[0] ** 2.0).reshape(x.shape[0], -1) / 10.0)


def right_projection(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    p = vt[:K, :].T @ vt[:K, :]
    return np.sum(np.sin(p)) + np.sum(s * s * s)


def complement_projection(x):  # the extra columns of U: only their span is defined
    u, s, vt = np.linalg.svd(x, full_matrices=True)
    k = min(x.shape)
    return np.sum(np.cos(u[:, k:] @ u[:, k:].T))


def nuclear_over_frobenius(x):
    s = np.linalg.svd(x, compute_uv=False)
    return np.sum(s) / np.sqrt(np.sum(s ** 2))


SVD_FUNCTIONS = [pca_reconstruction, pca_centered, explained_variance, sum_singular_values,
                 norm_of_product, left_projection, right_projection, complement_projection,
                 nuclear_over_frobenius]


@pytest.mark.parametrize("f", SVD_FUNCTIONS, ids=lambda f: f.__name__)
def test_svd_functions(f, data):
    check_grad(f, data)
    check_jvp(f, data)


@pytest.mark.parametrize("f", SVD_FUNCTIONS, ids=lambda f: f.__name__)
def test_svd_functions_of_wide_matrices(f, data):
    check_grad(f, data.T.copy())


def test_pca_reconstruction_closed_form(data):
    # the loss is the sum of the trailing squared singular values: gradient 2 U_t S_t V_t^T
    u, s, vt = np.linalg.svd(data, full_matrices=False)
    expected = 2 * (u[:, K:] * s[K:]) @ vt[K:, :]
    np.testing.assert_allclose(s2sad.grad(pca_reconstruction)(data), expected, atol=1e-10)


def test_sum_of_singular_values_is_u_vt(data):
    u, _, vt = np.linalg.svd(data, full_matrices=False)
    np.testing.assert_allclose(s2sad.grad(sum_singular_values)(data), u @ vt, atol=1e-12)


def check_reverse_over_reverse(f, x, rng):
    """vjp(grad(f)) agrees with the (forward over reverse) Hessian, checked separately."""
    u = rng.standard_normal(np.shape(x))
    _, hu = s2sad.vjp(s2sad.grad(f))(x, u)
    np.testing.assert_allclose(hu, np.tensordot(s2sad.hessian(f)(x), u, np.ndim(x)),
                               rtol=1e-6, atol=1e-8)


def test_svd_second_order(rng):
    x = rng.standard_normal((4, 3))
    check_hessian(explained_variance, x)
    check_hessian(pca_reconstruction, x)
    check_reverse_over_reverse(pca_reconstruction, x, rng)
    check_reverse_over_reverse(right_projection, x, rng)


def batched_svd(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return np.sum(np.sin(u[..., :, :1] @ vt[..., :1, :]) * s[..., :1, None])


def test_batched_svd(rng):
    check_grad(batched_svd, rng.standard_normal((2, 4, 3)))


def repeated_singular_values(x):
    return np.sum(np.linalg.svd(x, compute_uv=False) ** 2)


def test_repeated_singular_values_stay_finite():
    x = np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    g = s2sad.grad(pca_reconstruction)(x)  # F is 0 between the two equal values
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(s2sad.grad(repeated_singular_values)(x), 2 * x)


# ------------------------------------------------------------------------ qr

def qr_product(a):
    q, r = np.linalg.qr(a)
    return np.sum(np.sin(q @ r))


def qr_log_diagonal(a):
    r = np.linalg.qr(a, mode="r")
    return np.sum(np.log(np.abs(np.diagonal(r))))


def qr_projection(a):
    q, r = np.linalg.qr(a)
    return np.sum((q @ q.T) * np.arange(a.shape[0] ** 2.0).reshape(a.shape[0], -1))


def qr_factors(a):
    q, r = np.linalg.qr(a)
    return np.sum(np.sin(q)) + np.sum(np.cos(r))


def qr_complete_complement(a):
    q, r = np.linalg.qr(a, mode="complete")
    k = a.shape[-1]
    return np.sum(np.cos(q[:, k:] @ q[:, k:].T)) + np.sum(r ** 2)


QR_FUNCTIONS = [qr_product, qr_log_diagonal, qr_projection, qr_factors, qr_complete_complement]


@pytest.mark.parametrize("f", QR_FUNCTIONS, ids=lambda f: f.__name__)
def test_qr_of_tall_matrices(f, rng):
    a = rng.standard_normal((6, 3))
    check_grad(f, a)
    check_jvp(f, a)


def test_qr_closed_forms(rng):
    a = rng.standard_normal((6, 3))
    np.testing.assert_allclose(s2sad.grad(qr_product)(a), np.cos(a), atol=1e-10)
    # sum log |R_ii| = log det(A^T A) / 2: gradient A (A^T A)^-1
    np.testing.assert_allclose(s2sad.grad(qr_log_diagonal)(a), a @ np.linalg.inv(a.T @ a),
                               atol=1e-10)


def test_qr_of_square_and_wide_matrices(rng):
    for shape in [(3, 3), (3, 5)]:
        check_grad(qr_factors, rng.standard_normal(shape))
    check_hessian(qr_factors, rng.standard_normal((4, 3)))
    check_reverse_over_reverse(qr_complete_complement, rng.standard_normal((4, 3)), rng)


# --------------------------------------------------------------------- lstsq

def lstsq_solution(a, b):
    x, residuals, rank, s = np.linalg.lstsq(a, b)
    return np.sum(np.sin(x))


def normal_equations(a, b):
    x = np.linalg.solve(a.T @ a, a.T @ b)
    return np.sum(np.sin(x))


def lstsq_everything(a, b):
    x, residuals, rank, s = np.linalg.lstsq(a, b)
    return np.sum(x ** 2) + 0.3 * np.sum(residuals) + np.sum(np.sqrt(s)) * rank


def lstsq_residuals(a, b):
    x, residuals, rank, s = np.linalg.lstsq(a, b, rcond=None)
    return np.sum(residuals)


def explicit_residuals(a, b):
    x = np.linalg.solve(a.T @ a, a.T @ b)
    return np.sum((b - a @ x) ** 2)


@pytest.mark.parametrize("bshape", [(6,), (6, 2)])
def test_lstsq_matches_the_normal_equations(bshape, rng):
    a, b = rng.standard_normal((6, 3)), rng.standard_normal(bshape)
    for f, ref in [(lstsq_solution, normal_equations), (lstsq_residuals, explicit_residuals)]:
        ga, gb = s2sad.grad(f, wrt=(0, 1))(a, b)
        ea, eb = s2sad.grad(ref, wrt=(0, 1))(a, b)
        np.testing.assert_allclose(ga, ea, atol=1e-10)
        np.testing.assert_allclose(gb, eb, atol=1e-10)
    check_grad(lstsq_everything, a, b, wrt=(0, 1))
    check_jvp(lstsq_everything, a, b, wrt=(0, 1))


def test_lstsq_underdetermined_gives_the_minimum_norm_solution(rng):
    a, b = rng.standard_normal((3, 5)), rng.standard_normal(3)
    check_grad(lstsq_everything, a, b, wrt=(0, 1))
    check_vjp(lstsq_solution, a, b, wrt=(0, 1))


def test_lstsq_second_order(rng):
    a = rng.standard_normal((5, 2))
    check_hessian(lstsq_fixed_b, a)
    check_reverse_over_reverse(lstsq_fixed_b, a, rng)


def lstsq_fixed_b(a):
    x, residuals, rank, s = np.linalg.lstsq(a, np.arange(5.0) - 1.5)
    return np.sum(x ** 3) + np.sum(residuals)


# ----------------------------------------------------------- eig and eigvals

def eigvals_cubed(a):
    return np.sum(np.linalg.eigvals(a) ** 3)


def eig_values_and_vectors(a):
    w, v = np.linalg.eig(a)
    return np.sum(np.sin(w)) + np.sum(np.cos(v))


def eigvals_modulus(a):  # complex spectra: a real function of complex eigenvalues
    w = np.linalg.eigvals(a)
    return np.sum(np.abs(w) ** 2) + np.sum(np.real(w ** 3))


def eigvectors_modulus(a):  # |V| does not depend on the phase of the columns
    w, v = np.linalg.eig(a)
    return np.sum(np.abs(v) * np.arange(1.0, 1.0 + a.size).reshape(a.shape))


def eigvectors_real_part(a):  # LAPACK's gauge: unit columns, largest entry real
    w, v = np.linalg.eig(a)
    return np.sum(np.real(v) * np.arange(1.0, 1.0 + a.size).reshape(a.shape)) + \
        np.sum(np.imag(v) ** 2)


def eig_reconstruction(a):
    w, v = np.linalg.eig(a)
    back = v @ (w[:, None] * np.linalg.inv(v))
    return np.sum(np.real(back) * np.arange(a.size).reshape(a.shape))


COMPLEX_SPECTRUM = np.array([[1.0, -2.0, 0.5], [1.5, 0.3, -1.0], [0.2, 0.8, 2.0]])


def test_eigvals_of_a_nonsymmetric_matrix_with_real_eigenvalues():
    a = draw(real_eig(4), 4)
    assert np.isrealobj(np.linalg.eigvals(a))
    g = check_grad(eigvals_cubed, a)
    np.testing.assert_allclose(g, 3 * (a @ a).T, atol=1e-8)  # sum w^3 = trace(a^3)
    check_jvp(eigvals_cubed, a)
    check_grad(eig_values_and_vectors, a)
    check_jvp(eig_values_and_vectors, a)
    check_hessian(eig_values_and_vectors, draw(real_eig(3), 3))
    check_reverse_over_reverse(eig_values_and_vectors, draw(real_eig(3), 3),
                               np.random.default_rng(3))


@pytest.mark.parametrize("f", [eigvals_modulus, eigvectors_modulus, eigvectors_real_part,
                               eig_reconstruction], ids=lambda f: f.__name__)
def test_eig_with_complex_eigenvalues(f):
    assert np.iscomplexobj(np.linalg.eigvals(COMPLEX_SPECTRUM))
    check_grad(f, COMPLEX_SPECTRUM)
    check_jvp(f, COMPLEX_SPECTRUM)


def test_eig_reconstruction_is_the_identity_map():
    g = s2sad.grad(eig_reconstruction)(COMPLEX_SPECTRUM)
    np.testing.assert_allclose(g, np.arange(9.0).reshape(3, 3), atol=1e-10)


def test_eig_of_a_complex_matrix_follows_jax(rng):
    """A complex argument: the gradient is df/dx - i df/dy (docs/supported.md)."""
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    for f in (eigvals_modulus, eigvectors_modulus, eigvectors_real_part):
        expected = np.zeros(a.shape, dtype=complex)
        for idx in np.ndindex(a.shape):
            e = np.zeros(a.shape)
            e[idx] = 1e-6
            dx = (f(a + e) - f(a - e)) / 2e-6
            dy = (f(a + 1j * e) - f(a - 1j * e)) / 2e-6
            expected[idx] = dx - 1j * dy
        np.testing.assert_allclose(s2sad.grad(f)(a), expected, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------- cond

def cond2(x):
    return np.linalg.cond(x)


def cond_fro(x):
    return np.linalg.cond(x, "fro")


def cond_one(x):
    return np.linalg.cond(x, 1)


def cond_minus_two(x):
    return np.linalg.cond(x, -2)


def cond_by_hand(x):
    s = np.linalg.svd(x, compute_uv=False)
    return s[0] / s[-1]


@pytest.mark.parametrize("f", [cond2, cond_fro, cond_one, cond_minus_two],
                         ids=lambda f: f.__name__)
def test_cond(f, rng):
    x = rng.standard_normal((4, 4)) + 2 * np.eye(4)
    check_grad(f, x)
    check_jvp(f, x)
    if f is not cond_one:  # (piecewise: its Hessian through the 1-norm is 0 almost everywhere)
        check_reverse_over_reverse(f, x, rng)


def test_cond_is_the_ratio_of_singular_values(rng):
    x = rng.standard_normal((5, 3))
    np.testing.assert_allclose(s2sad.grad(cond2)(x), s2sad.grad(cond_by_hand)(x), atol=1e-10)
    check_grad(cond_minus_two, x)
    check_hessian(cond2, x)


# -------------------------------------------------------- tensorsolve and -inv

def tensorsolve_loss(a, b):
    return np.sum(np.sin(np.linalg.tensorsolve(a, b)))


def tensorsolve_by_hand(a, b):
    x = np.linalg.solve(np.reshape(a, (6, 6)), np.ravel(b))
    return np.sum(np.sin(x))


def tensorinv_loss(a):
    return np.sum(np.linalg.tensorinv(a, ind=1) ** 2)


def test_tensorsolve(rng):
    a = (rng.standard_normal((6, 6)) + 4 * np.eye(6)).reshape(2, 3, 3, 2)
    b = rng.standard_normal((2, 3))
    ga, gb = s2sad.grad(tensorsolve_loss, wrt=(0, 1))(a, b)
    ea, eb = s2sad.grad(tensorsolve_by_hand, wrt=(0, 1))(a, b)
    np.testing.assert_allclose(ga, ea, atol=1e-10)
    np.testing.assert_allclose(gb, eb, atol=1e-10)
    check_jvp(tensorsolve_loss, a, b, wrt=(0, 1))


def test_tensorinv(rng):
    a = (rng.standard_normal((6, 6)) + 4 * np.eye(6)).reshape(6, 2, 3)
    check_grad(tensorinv_loss, a)
    check_jvp(tensorinv_loss, a)
    check_hessian(tensorinv_loss, a)


# ---------------------------------------------------------------- matrix_rank

def rank_times_sum(a):
    return np.linalg.matrix_rank(a) * np.sum(a)


def test_matrix_rank_is_a_constant(rng):
    a = rng.standard_normal((4, 3))
    np.testing.assert_allclose(s2sad.grad(rank_times_sum)(a), 3.0 * np.ones((4, 3)))


def test_numerical_reference_agrees():  # sanity: the reference of the checks above
    a = draw(real_eig(3), 412)
    np.testing.assert_allclose(numerical_grad(eigvals_cubed, (a,)), 3 * (a @ a).T, atol=1e-6)


# ----------------------------------------------------------- the templates themselves

OURS = [np.linalg.svd, np.linalg.eig, np.linalg.eigvals, np.linalg.qr, np.linalg.lstsq,
        np.linalg.cond, np.linalg.tensorsolve, np.linalg.tensorinv]


def test_both_modes_and_matrix_rank_has_none():
    assert all(f in registry.VJPS and f in registry.JVPS for f in OURS)
    assert registry.is_nondiff(np.linalg.matrix_rank)
    assert np.linalg.cholesky in registry.VJPS and np.linalg.cholesky in registry.JVPS


@pytest.mark.parametrize("fn", OURS, ids=lambda f: f.__name__)
def test_templates_call_only_functions_with_rules(fn):
    """What a template calls has rules itself, or a closed form (``defthrough``: second
    derivatives go through it) and it names only numpy, math, runtime helpers and its
    parameters."""
    namespace = {**vars(builtins), **registry.TEMPLATE_NAMESPACE}
    for rule in (registry.VJPS[fn], registry.JVPS[fn]):
        params = set(rule.sig.params)
        allowed = set(namespace) | params | {"d" + p for p in params} | {"g", "ans"}
        for text in rule.templates:
            if text is None:
                continue
            tree = ast.parse(text, mode="eval")
            names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert names <= allowed, names - allowed
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    f = eval(compile(ast.Expression(node.func), "<t>", "eval"),
                             namespace)
                    assert f in registry.VJPS or registry.is_nondiff(f) or \
                        registry.lookup_through(f) is not None, ast.unparse(node)
