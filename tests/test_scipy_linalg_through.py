"""rules/scipy_linalg_through.py: scipy.linalg's norm, eigvalsh, svd, svdvals, qr, pinvh,
toeplitz and circulant (were refused), differentiated through their NumPy twins or a
gather: values equal scipy's, derivatives checked against central differences."""
import numpy as np
import pytest
import scipy.linalg as sl

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

_X = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.7])


def _spd(x):
    return np.outer(x[:3], x[:3]) + 3.0 * np.eye(3)


def norm_fro(x):
    return sl.norm(x.reshape(2, 3), 'fro') + sl.norm(x, 1)


def eigenvalues(x):
    return np.sum(sl.eigvalsh(_spd(x)) ** 2) + np.sum(sl.eigvalsh(_spd(x), lower=False))


def singular_values(x):
    return np.sum(sl.svdvals(x.reshape(2, 3)) * np.array([1.0, 2.0]))


def svd_parts(x):
    u, s, vt = sl.svd(x.reshape(2, 3), full_matrices=False)
    return np.sum(s ** 2) + np.sum((u @ np.diag(s) @ vt) * x.reshape(2, 3))


def svd_values_only(x):
    return np.sum(sl.svd(x.reshape(3, 2), compute_uv=False) * np.array([2.0, -1.0]))


def svd_reconstructed(x):
    u, s, vt = sl.svd(x.reshape(3, 2), full_matrices=False)
    return np.sum(np.abs(u[:, 0]) * s[0]) + np.sum((vt.T * s) ** 2)


def qr_economic(x):
    q, r = sl.qr(x.reshape(3, 2), mode='economic')
    return np.sum(r * np.array([[1.0, 2.0], [0.0, 3.0]])) + np.sum(np.abs(q[:, 0]))


def pseudo_inverse(x):
    return np.sum(sl.pinvh(_spd(x)) @ x[3:])


def toeplitz_product(x):
    return np.sum(sl.toeplitz(x[:3], x[2:]) @ x[:4]) + np.sum(sl.toeplitz(x[3:]) ** 2)


def circulant_product(x):
    return np.sum(sl.circulant(x[:3]) @ x[3:] ** 2)


CASES = [norm_fro, eigenvalues, singular_values, svd_parts, svd_values_only,
         svd_reconstructed, qr_economic, pseudo_inverse,
         toeplitz_product, circulant_product]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences_and_scipys_value(f):
    check_grad(f, _X)
    check_vjp(f, _X)
    check_jvp(f, _X)
    value, _ = s2sad.value_and_grad(f)(_X)
    np.testing.assert_allclose(value, f(_X))


def test_what_the_twins_do_not_cover_is_refused():
    with pytest.raises((s2sad.DifferentiationError, ValueError), match="pivoting"):
        s2sad.grad(qr_pivoted)(_X)


def qr_pivoted(x):
    return np.sum(sl.qr(x.reshape(3, 2), pivoting=True)[1])


# ----- solve_sylvester (one solve of its Kronecker form) and solve_banded (were refused)

_A3 = np.array([[2.0, 0.3, -0.4], [0.1, 1.5, 0.2], [-0.3, 0.6, 2.5]])
_B2 = np.array([[1.2, -0.5], [0.4, 0.9]])
_Q = np.arange(6.0).reshape(3, 2) / 5 - 0.4
_BAND = np.array([[0.0, 0.5, -0.3, 0.2], [4.0, 3.5, 5.0, 4.5], [0.7, -0.2, 0.4, 0.0]])
_RHS = np.array([1.0, -2.0, 0.5, 0.3])


def sylvester(a, b, q):
    return sl.solve_sylvester(a, b, q)


def sylvester_loss(a):
    return np.sum(np.sin(sl.solve_sylvester(a, _B2, _Q)))


def banded(ab, b):
    return sl.solve_banded((1, 1), ab, b)


def banded_lower(ab, b):
    return sl.solve_banded((2, 0), ab, b)


def test_solve_sylvester_in_every_argument():
    check_vjp(sylvester, _A3, _B2, _Q, wrt=(0, 1, 2))
    check_jvp(sylvester, _A3, _B2, _Q, wrt=(0, 1, 2))
    np.testing.assert_allclose(s2sad.vjp(sylvester)(_A3, _B2, _Q, np.ones((3, 2)))[0],
                               sl.solve_sylvester(_A3, _B2, _Q), rtol=1e-12)


def test_solve_sylvester_second_derivative():
    check_hessian(sylvester_loss, _A3)


def test_solve_banded_in_the_band_and_the_right_hand_side():
    check_vjp(banded, _BAND, _RHS, wrt=(0, 1))
    check_jvp(banded, _BAND, _RHS, wrt=(0, 1))
    np.testing.assert_allclose(s2sad.vjp(banded)(_BAND, _RHS, np.ones(4))[0],
                               sl.solve_banded((1, 1), _BAND, _RHS), rtol=1e-12)


def test_solve_banded_lower_with_columns():
    ab = np.array([[4.0, 3.5, 5.0, 4.5], [0.7, -0.2, 0.4, 0.0], [0.3, 0.1, 0.0, 0.0]])
    check_vjp(banded_lower, ab, np.outer(_RHS, [1.0, -0.5]), wrt=(0, 1))
