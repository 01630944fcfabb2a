"""compiler/shared_parts.py: ``np.linalg.eigvalsh(a)`` differentiated computes ``eigh`` once
(its adjoint needs the eigenvectors): the forward sweep calls ``eigh`` and reads the
eigenvalues from it where the reverse sweep's ``eigh`` of the same matrix follows in the
same block.  Against central differences and the closed form ``V diag(g) V^T``."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_code


def spd(rng, n):
    a = rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def lowest_roots(A, t):
    lam = np.linalg.eigvalsh(A)
    return np.sum((np.sqrt(lam[:2]) - t) ** 2)


def upper_scaled(A, s):
    lam = np.linalg.eigvalsh(A * s, 'U')
    return np.sum(lam ** 3)


def in_a_loop(A, c):
    total = 0.0
    for k in range(3):
        lam = np.linalg.eigvalsh(A + k * c * np.eye(A.shape[0]))
        total = total + lam[-1] * lam[0]
    return total


def eigh_count(code):
    return code.count("np.linalg.eigh(") + code.count("np.linalg.eigvalsh(")


def test_one_decomposition_straight_line():
    rng = np.random.default_rng(3)
    A, t = spd(rng, 5), np.array([1.5, 2.0])
    check_grad(lowest_roots, A, t)
    lam, V = np.linalg.eigh(A)
    gl = np.zeros(5)
    gl[:2] = (np.sqrt(lam[:2]) - t) / np.sqrt(lam[:2])
    G = V @ np.diag(gl) @ V.T  # numpy reads the lower triangle: each entry fills two places
    expected = np.tril(2.0 * G) - np.diag(np.diag(G))
    np.testing.assert_allclose(s2sad.grad(lowest_roots)(A, t), expected, rtol=1e-9,
                               atol=1e-12)
    assert eigh_count(grad_code(lowest_roots, A, t)) == 1


def test_upper_triangle_and_a_scale():
    rng = np.random.default_rng(4)
    A = spd(rng, 4)
    check_grad(upper_scaled, A, 0.7, wrt=(0, 1))
    code = grad_code(upper_scaled, A, 0.7, wrt=(0, 1))
    assert eigh_count(code) == 1 and "'U'" in code


@pytest.mark.parametrize("c", [0.0, 0.5])
def test_in_a_loop(c):
    rng = np.random.default_rng(5)
    A = spd(rng, 4)
    check_grad(in_a_loop, A, c, wrt=(0, 1))
