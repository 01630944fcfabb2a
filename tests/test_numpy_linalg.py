"""NumPy products and linear algebra (matmul, dot, einsum, inv, solve, det,
norm), small models checked against closed forms, and Hessians."""
from __future__ import annotations

import numpy as np

from gradcheck import (
    both_modes,
    check_grad,
    check_hessian,
    check_jvp,
    normal,
    well_conditioned,
)

# ---------------------------------------------------------------- products

def p_matmul(A, B):
    return A @ B


def p_matvec(A, v):
    return A @ v


def p_vecvec(v, w):
    return v @ w


def p_batched(A, B):
    return np.matmul(A, B)


def p_dot(A, v):
    return np.dot(A, v) + np.dot(v, v)


def p_einsum(A, B):
    return np.einsum("ij,jk->ik", A, B)


def p_einsum_trace(A, v):
    return np.einsum("ii->", A) * np.einsum("i,ij->j", v, A)


def p_outer(v, w):
    return np.outer(v, w)


# ------------------------------------------------------------------ linalg

def la_inv(A):
    return np.linalg.inv(A)


def la_solve(A, b):
    return np.linalg.solve(A, b)


def la_det(A):
    return np.linalg.det(A)


def la_norm_vec(v):
    return np.linalg.norm(v)


def la_norm_mat(A):
    return np.linalg.norm(A) * A


VECTOR_CASES = [
    (p_matmul, lambda r: (normal(r, 2, 3), normal(r, 3, 4)), (0, 1)),
    (p_matvec, lambda r: (normal(r, 2, 3), normal(r, 3)), (0, 1)),
    (p_vecvec, lambda r: (normal(r, 3), normal(r, 3)), (0, 1)),
    (p_batched, lambda r: (normal(r, 2, 3, 4), normal(r, 2, 4, 2)), (0, 1)),
    (p_dot, lambda r: (normal(r, 3, 3), normal(r, 3)), (0, 1)),
    (p_einsum, lambda r: (normal(r, 2, 3), normal(r, 3, 4)), (0, 1)),
    (p_einsum_trace, lambda r: (normal(r, 3, 3), normal(r, 3)), (0, 1)),
    (p_outer, lambda r: (normal(r, 3), normal(r, 2)), (0, 1)),
    (la_inv, lambda r: (well_conditioned(r, 3),), 0),
    (la_solve, lambda r: (well_conditioned(r, 3), normal(r, 3)), (0, 1)),
    (la_det, lambda r: (well_conditioned(r, 3),), 0),
    (la_norm_vec, lambda r: (normal(r, 4),), 0),
    (la_norm_mat, lambda r: (normal(r, 2, 3),), 0),
]
test_reverse_mode, test_forward_mode = both_modes(VECTOR_CASES)


def test_det_closed_form(rng):
    A = well_conditioned(rng, 3)
    g = check_grad(la_det, A)
    np.testing.assert_allclose(g, np.linalg.det(A) * np.linalg.inv(A).T, rtol=1e-8, atol=1e-12)


def test_norm_closed_form(rng):
    v = normal(rng, 4)
    g = check_grad(la_norm_vec, v)
    np.testing.assert_allclose(g, v / np.linalg.norm(v), rtol=1e-8, atol=1e-12)


# ------------------------------------------------------------------ models

def mlp_loss(W, x, b):
    return np.sum(np.tanh(W @ x + b) ** 2)


def test_mlp_loss_closed_form(rng):
    W, x, b = normal(rng, 4, 3), normal(rng, 3), normal(rng, 4)
    dW, dx, db = check_grad(mlp_loss, W, x, b, wrt=(0, 1, 2))
    t = np.tanh(W @ x + b)
    delta = 2 * t * (1 - t ** 2)
    np.testing.assert_allclose(dW, np.outer(delta, x), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, W.T @ delta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(db, delta, rtol=1e-10, atol=1e-12)


def softmax_xent(logits, label):
    m = np.max(logits)
    lse = m + np.log(np.sum(np.exp(logits - m)))
    return lse - logits[label]


def test_softmax_cross_entropy_closed_form(rng):
    logits = normal(rng, 5)
    g = check_grad(softmax_xent, logits, 2)
    p = np.exp(logits) / np.sum(np.exp(logits))
    np.testing.assert_allclose(g, p - np.eye(5)[2], rtol=1e-10, atol=1e-12)


def batch_xent(W, X, y):
    logits = X @ W
    m = np.max(logits, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    logp = logits - lse
    return -np.mean(logp[np.arange(X.shape[0]), y])


def test_batched_softmax_cross_entropy_closed_form(rng):
    W, X, y = normal(rng, 3, 4), normal(rng, 6, 3), np.array([0, 3, 1, 1, 2, 0])
    g = check_grad(batch_xent, W, X, y)
    logits = X @ W
    p = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    np.testing.assert_allclose(g, X.T @ (p - np.eye(4)[y]) / 6, rtol=1e-10, atol=1e-12)
    check_jvp(batch_xent, W, X, y, rng=rng)


QUAD_A = np.array([[2.0, 0.5, 0.0], [-1.0, 1.0, 0.3], [0.2, 0.0, 3.0]])
MLP_W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.7, 0.2, 0.4], [0.1, 0.1, 0.9]])


def quadratic_form(x):
    return x @ QUAD_A @ x


def mlp_in_x(x):
    return np.sum(np.tanh(MLP_W @ x + 0.1) ** 2)


def test_hessian_of_quadratic_form(rng):
    H = check_hessian(quadratic_form, normal(rng, 3))
    np.testing.assert_allclose(H, QUAD_A + QUAD_A.T, rtol=1e-10, atol=1e-12)


def test_hessian_of_mlp_loss_in_x(rng):
    check_hessian(mlp_in_x, normal(rng, 3))


def logabsdet_field(a):
    return np.linalg.slogdet(a).logabsdet


def test_named_tuple_fields_of_results():
    A = np.array([[2.0, 0.3], [0.3, 1.0]])
    np.testing.assert_allclose(check_grad(logabsdet_field, A), np.linalg.inv(A).T)
    check_jvp(logabsdet_field, A)
