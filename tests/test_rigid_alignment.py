"""Rigid alignment (Kabsch, orthogonal Procrustes): a rotation from ``np.linalg.svd`` with
its reflection fixed by the sign of ``np.linalg.det``.

The sign of a real value is flat: once the dtypes prove the determinant real (the factors
of a float64 matrix are float64, ``deffactors``), its adjoint is zero, and the ``zeros``
pass drops what that zero multiplies (the determinant's adjoint, an inverse, four
products per call): the generated code has no ``inverse``.  The svd's adjoint is one call
(``svd_uv_adjoint``), which skips for a square matrix the terms off the spans of ``U``
and ``V``.  Each against central differences in float64, and against the closed form
the envelope theorem gives (the rotation is optimal, so its derivative does not enter:
the gradient of ``|P R^T - Q|^2`` in ``P`` is ``2 (P R^T - Q) R``), with frames needing
a reflection fixed (``d = -1``) and frames that do not (``d = 1``)."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen17 import kabsch_rmsd
from gradcheck import check_grad, check_hessian, numerical_grad


def procrustes(A, B):
    """One alignment, the rotation applied on the right, the sign of det(U Vt)."""
    U, _, Vt = np.linalg.svd(A.T @ B)
    d = np.sign(np.linalg.det(U @ Vt))
    D = np.eye(3)
    D[2, 2] = d
    R = U @ D @ Vt
    return np.sum((A @ R - B) ** 2)


def procrustes_helper(A, B):
    """The rotation made by a helper of the user's, a flip by multiplying a column."""
    R = _rotation(A, B)
    return np.sum((A @ R - B) ** 2)


def _rotation(A, B):
    U, _, Vt = np.linalg.svd(A.T @ B, full_matrices=False)
    flip = np.sign(np.linalg.det(U) * np.linalg.det(Vt))
    U = U * np.array([1.0, 1.0, flip])
    return U @ Vt


def _rotated(rng, n, reflect):
    """Points and a noisy copy turned by a rotation (``reflect``: a reflection, so that
    the optimal proper rotation needs ``d = -1``)."""
    B = rng.standard_normal((n, 3)) * 2.0
    A, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    if (np.linalg.det(A) < 0) != reflect:
        A[:, 0] = -A[:, 0]
    return B @ A.T + 0.2 * rng.standard_normal((n, 3)), B


def _optimal(A, B):
    """The proper rotation minimising |A R - B| and the sign it needed."""
    U, _, Vt = np.linalg.svd(A.T @ B)
    d = np.sign(np.linalg.det(U @ Vt))
    return U @ np.diag([1.0, 1.0, d]) @ Vt, d


@pytest.mark.parametrize("reflect", [False, True])
@pytest.mark.parametrize("f", [procrustes, procrustes_helper])
def test_procrustes_matches_the_envelope_form(f, reflect):
    rng = np.random.default_rng(41 + reflect)
    A, B = _rotated(rng, 9, reflect)
    R, d = _optimal(A, B)
    assert d == (-1.0 if reflect else 1.0)  # (both branches of the sign taken)
    g = check_grad(f, A, B, atol=1e-6)
    np.testing.assert_allclose(g, 2.0 * (A @ R - B) @ R.T, rtol=1e-8, atol=1e-10)
    gB = s2sad.grad(f, wrt=1)(A, B)
    np.testing.assert_allclose(gB, -2.0 * (A @ R - B), rtol=1e-8, atol=1e-10)


def test_frames_of_both_signs_match_the_envelope_form():
    rng = np.random.default_rng(7)
    ref = rng.standard_normal((6, 3)) * 3.0
    frames = np.stack([ref @ _turn(rng, k % 2 == 1).T + 0.3 * rng.standard_normal((6, 3))
                       + rng.standard_normal(3) for k in range(4)])
    Q = ref - ref.mean(axis=0)
    expected = np.empty_like(frames)
    signs = []
    for k in range(frames.shape[0]):
        P = frames[k] - frames[k].mean(axis=0)
        R, d = _optimal(P, Q)  # (P R = Q: the transpose of the loop's R)
        signs.append(d)
        expected[k] = 2.0 / (4 * 6) * (P - Q @ R.T)  # (the mean over frames and
        # atoms, 4 x 6; centring adds nothing: P and Q are centred)
    assert set(signs) == {-1.0, 1.0}
    g = s2sad.grad(kabsch_rmsd)(frames, ref)
    np.testing.assert_allclose(g, expected, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(g, numerical_grad(kabsch_rmsd, (frames, ref)),
                               rtol=1e-5, atol=1e-6)


def _turn(rng, reflect):
    A, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    if (np.linalg.det(A) < 0) != reflect:
        A[:, 0] = -A[:, 0]
    return A


@pytest.mark.parametrize("f", [kabsch_rmsd, procrustes, procrustes_helper])
def test_the_sign_of_a_determinant_costs_no_adjoint(f):
    """The determinant's adjoint (an inverse) is gone from the generated gradient."""
    rng = np.random.default_rng(3)
    args = (rng.standard_normal((2, 5, 3)), rng.standard_normal((5, 3))) \
        if f is kabsch_rmsd else _rotated(rng, 5, False)
    grad = s2sad.grad(f)
    grad(*args)
    assert "inverse" not in grad.source and "sign_adjoint" not in grad.source
    assert "svd_uv_adjoint" in grad.source


def signed_energy(A):
    """A real sign times a smooth value: ``d/dA = sign(det A) 2 A``."""
    s = np.sign(np.linalg.det(A))
    return s * np.sum(A * A)


def signed_slogdet(A):
    sign, logdet = np.linalg.slogdet(A @ A.T + np.eye(3))
    return np.sign(sign) * logdet + np.sign(np.trace(A)) * np.sum(A)


@pytest.mark.parametrize("flip", [1.0, -1.0])
def test_sign_of_a_real_determinant_closed_form(flip):
    A = np.random.default_rng(5).standard_normal((3, 3))
    A[0] *= flip * np.sign(np.linalg.det(A))
    g = check_grad(signed_energy, A)
    np.testing.assert_allclose(g, 2.0 * flip * A, rtol=1e-12)
    H = check_hessian(signed_energy, A)
    np.testing.assert_allclose(H.reshape(9, 9), 2.0 * flip * np.eye(9), atol=1e-12)


@pytest.mark.parametrize("flip", [1.0, -1.0])
def test_sign_of_slogdet_and_trace(flip):
    A = np.random.default_rng(6).standard_normal((3, 3))
    A = A * flip * np.sign(np.trace(A))
    g = check_grad(signed_slogdet, A)
    M = A @ A.T + np.eye(3)
    np.testing.assert_allclose(g, 2.0 * np.linalg.solve(M, A) + flip, rtol=1e-10)


# ----- the svd's adjoint: square, tall, wide, stacked; with and without s -----

def svd_vectors(A):
    U, S, Vt = np.linalg.svd(A)
    return np.sum(U[..., :, 0] ** 3) + np.sum(Vt * Vt[..., ::-1, :])


def svd_all_reduced(A):
    U, S, Vt = np.linalg.svd(A, full_matrices=False)
    rows = np.arange(Vt.shape[-2])[:, None]
    return np.sum(np.sin(U)) + np.sum(S ** 3) + np.sum(np.cos(Vt) * rows)


def svd_rotation(A):
    U, S, Vt = np.linalg.svd(A, full_matrices=False)  # (the polar factor U Vt)
    return np.sum((U @ Vt) * np.arange(A.shape[-1]))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 3, 3), (2, 4, 3)])
@pytest.mark.parametrize("f", [svd_vectors, svd_all_reduced, svd_rotation])
def test_svd_adjoint_against_differences(f, shape):
    A = np.random.default_rng(sum(shape)).standard_normal(shape)
    check_grad(f, A, atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3)])
@pytest.mark.parametrize("f", [svd_vectors, svd_all_reduced])
def test_svd_second_order_through_its_adjoint(f, shape):
    check_hessian(f, np.random.default_rng(len(shape) + shape[0]).standard_normal(shape),
                  rtol=1e-3, atol=1e-4)
