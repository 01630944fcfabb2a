"""The adjoint of the lowest ``k`` eigenvalues contracted over those ``k`` modes alone
(``compiler/sliced_zeros.py``): ``dlam`` is zeros but for ``dlam[:k]``, so the
eigenvalue adjoint ``V * dlam[None, :] @ V.T`` is ``V[:, :k] * e @ V[:, :k].T``.

Each against central differences (gradient, jvp, and a Hessian: the zeros are there
whatever the values, so the second order is the same sum); the source checked for the
sliced modes; not done where the slice is not a leading one (``lam[1:]``) or where the
eigenvalues are read again (a sum of all of them), where the product is over all modes.
"""
import numpy as np

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def _chain(k, mass):
    K = np.diag(k[:-1] + k[1:]) - np.diag(k[1:-1], 1) - np.diag(k[1:-1], -1)
    s = 1.0 / np.sqrt(mass)
    return K * s[:, None] * s[None, :]


def lowest_modes(k, mass, target):
    lam = np.linalg.eigvalsh(_chain(k, mass))
    return np.sum((np.sqrt(lam[:target.shape[0]]) - target) ** 2)


def lowest_two(A):
    lam = np.linalg.eigvalsh(A @ A.T + np.eye(A.shape[0]))
    return np.sum(np.log(lam[:2]))


def eigh_lowest(A, k):
    w, V = np.linalg.eigh(A + A.T)
    return np.sum(w[:k] ** 2)


def highest_modes(k, mass, target):
    lam = np.linalg.eigvalsh(_chain(k, mass))
    return np.sum((np.sqrt(lam[1:]) - target) ** 2)


def lowest_and_trace(k, mass, target):
    lam = np.linalg.eigvalsh(_chain(k, mass))
    return np.sum((np.sqrt(lam[:target.shape[0]]) - target) ** 2) + 0.1 * np.sum(lam)


def _spring(seed, n):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 2.0, n + 1), rng.uniform(0.5, 2.0, n)


def _reverse(code: str) -> str:
    return code.split("adjoint of")[1] if "adjoint of" in code else code


def test_lowest_modes_of_a_spring_chain():
    for seed, n, nt in ((0, 6, 2), (1, 9, 4), (2, 5, 5)):
        k, mass = _spring(seed, n)
        target = np.linspace(0.1, 0.6, nt)
        check_grad(lowest_modes, k, mass, target, wrt=(0, 1))
        check_jvp(lowest_modes, k, mass, target, wrt=(0, 1))
        code = grad_code(lowest_modes, k, mass, target, wrt=(0, 1))
        assert "[..., :shape_item]" in code and "zeros_like(lam)" not in code, code
    check_hessian(lambda m: lowest_modes(k, m, target), mass)


def test_two_lowest_of_a_gram_matrix():
    rng = np.random.default_rng(3)
    for n in (3, 4, 6):
        A = rng.standard_normal((n, n))
        check_grad(lowest_two, A)
        check_jvp(lowest_two, A)
        assert "[..., :2]" in grad_code(lowest_two, A)
    check_hessian(lowest_two, rng.standard_normal((3, 3)))


def test_eigh_values_alone():
    rng = np.random.default_rng(4)
    for n, k in ((3, 1), (4, 2), (5, 5)):
        A = rng.standard_normal((n, n))
        check_grad(eigh_lowest, A, k)
        check_jvp(eigh_lowest, A, k)
    check_hessian(lambda A: eigh_lowest(A, 2), rng.standard_normal((3, 3)))


def test_not_a_leading_slice_or_read_again():
    for seed, n in ((5, 6), (6, 4), (7, 7)):
        k, mass = _spring(seed, n)
        check_grad(highest_modes, k, mass, np.linspace(0.1, 0.6, n - 1), wrt=(0, 1))
        check_grad(lowest_and_trace, k, mass, np.linspace(0.1, 0.6, 2), wrt=(0, 1))
    code = grad_code(highest_modes, k, mass, np.linspace(0.1, 0.6, n - 1), wrt=(0, 1))
    assert "zeros_like(lam)" in code, code
    code = grad_code(lowest_and_trace, k, mass, np.linspace(0.1, 0.6, 2), wrt=(0, 1))
    assert "[..., :shape_item]" not in code, code
