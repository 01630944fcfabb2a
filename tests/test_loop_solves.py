"""A solve per item of a batch, ``alpha = np.linalg.solve(S, B[i])``, whose quadratic
form's adjoint is a multiple of the right-hand side: the adjoint's solve is that
multiple of ``alpha`` in the loop too (compiler/scaled_solves.py, ``_scale_in_loop``;
the loop-carried adjoint read out and given back unchanged is left as it is,
compiler/kept_elements.py).  A right-hand side that is not a multiple keeps its solve.
Each against central differences."""
import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def batch_nll(A, B, eps):
    n, d, _ = A.shape
    total = 0.0
    for i in range(n):
        S = A[i] @ A[i].T + eps * np.eye(d)
        sign, logdet = np.linalg.slogdet(S)
        alpha = np.linalg.solve(S, B[i])
        total = total + logdet + B[i] @ alpha
    return total / n


def half_forms(A, B):
    total = 0.0
    for i in range(A.shape[0]):
        S = A[i] @ A[i].T + np.eye(A.shape[1])
        total = total + 0.5 * (B[i] @ np.linalg.solve(S, B[i]))
    return total


def cross_forms(A, B, C):
    total = 0.0
    for i in range(A.shape[0]):
        S = A[i] @ A[i].T + np.eye(A.shape[1])
        total = total + C[i] @ np.linalg.solve(S, B[i])
    return total


def test_batch_of_quadratic_forms_solves_once(rng) -> None:
    A, B = rng.standard_normal((4, 3, 3)), rng.standard_normal((4, 3))
    check_grad(batch_nll, A, B, 0.5, wrt=(0, 1))
    src = _code(batch_nll, A, B, 0.5, wrt=(0, 1))
    assert src.count("S_inv @") == 1
    check_grad(half_forms, A, B, wrt=(0, 1))
    assert src.count("solve(") + _code(half_forms, A, B, wrt=(0, 1)).count("solve(") <= 1


def test_other_right_hand_sides_keep_their_solve(rng) -> None:
    A, B, C = rng.standard_normal((4, 3, 3)), rng.standard_normal((4, 3)), \
        rng.standard_normal((4, 3))
    check_grad(cross_forms, A, B, C, wrt=(0, 1, 2))
