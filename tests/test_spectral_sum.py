"""``np.linalg.eigvalsh``'s adjoint by the eigenvectors whose eigenvalues are read
(``runtime.spectral_sum``): the lowest few modes, the largest eigenvalue, a middle
one, all of them, none (a constant of the eigenvalues), a stack of matrices whose
reads differ, a complex Hermitian matrix, the upper triangle read; each against
central differences, the Hessian of a small case too, and the helper against the full
product ``conj(V) diag(w) V^T``."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp
from s2sad.runtime import nonzero_span, spectral_sum


def _sym(r, *shape):
    a = r.standard_normal(shape)
    return a + np.swapaxes(a, -1, -2)


def lowest_modes(a):
    return np.sum(np.sqrt(np.linalg.eigvalsh(a @ a.T + np.eye(a.shape[0]))[:3]))


def largest(a):
    return np.linalg.eigvalsh(a)[-1] ** 2


def middle(a, w):
    lam = np.linalg.eigvalsh(a * w[:, None] * w[None, :], 'U')
    return lam[2] * lam[3]


def every(a):
    return np.sum(np.linalg.eigvalsh(a) ** 3)


def none_read(a):  # the eigenvalues multiplied by zero: a zero gradient
    return np.sum(np.linalg.eigvalsh(a) * 0.0) + np.sum(a ** 2)


def stacked(a):  # the first matrix's lowest, the second's highest
    lam = np.linalg.eigvalsh(a)
    return lam[0, 0] + 2.0 * lam[1, -1]


CASES = [(lowest_modes, lambda r: (r.standard_normal((6, 6)),)),
         (largest, lambda r: (_sym(r, 5, 5),)),
         (middle, lambda r: (_sym(r, 6, 6), 1.0 + 0.2 * r.standard_normal(6))),
         (every, lambda r: (_sym(r, 4, 4),)),
         (none_read, lambda r: (_sym(r, 4, 4),)),
         (stacked, lambda r: (_sym(r, 2, 4, 4),))]


@pytest.mark.parametrize("case", range(len(CASES)), ids=[c[0].__name__ for c in CASES])
def test_eigenvalues_read_in_part(case) -> None:
    f, make = CASES[case]
    args = make(np.random.default_rng(90 + case))
    wrt = (0, 1) if len(args) == 2 else 0
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_hessian_of_a_few_modes() -> None:
    r = np.random.default_rng(97)
    check_hessian(lowest_modes, r.standard_normal((3, 3)))
    check_hessian(largest, _sym(r, 3, 3))


def test_complex_hermitian_lowest() -> None:
    r = np.random.default_rng(98)
    a = r.standard_normal((4, 4)) + 1j * r.standard_normal((4, 4))
    h = a + a.conj().T

    def f(x):
        return np.linalg.eigvalsh(x)[0] ** 2
    g = s2sad.grad(f)(h)
    eps, expected = 1e-6, np.zeros_like(h)
    for i in range(4):
        for j in range(4):
            for unit in (1.0, 1j):
                e = np.zeros_like(h)
                e[i, j] = eps * unit
                d = (f(h + e) - f(h - e)) / (2 * eps)
                expected[i, j] += d if unit == 1.0 else -1j * d  # (d/dre - i d/dim)
    np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("w", [np.array([0.0, 2.0, -1.0, 0.0, 0.0]), np.zeros(5),
                               np.array([1.0, 0.0, 0.0, 0.0, 3.0]),
                               np.array([[0.0, 0.0, 1.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0, 0.0]])])
def test_helper_is_the_full_product(w) -> None:
    r = np.random.default_rng(99)
    v = np.linalg.eigh(_sym(r, *w.shape[:-1], 5, 5))[1]
    full = (v * w[..., None, :]) @ np.swapaxes(v, -1, -2)
    np.testing.assert_allclose(spectral_sum(v, w), full, rtol=1e-14, atol=1e-14)
    lo, hi = nonzero_span(w)
    rows = np.reshape(w, (-1, 5))
    assert np.all(rows[:, :lo] == 0) and np.all(rows[:, hi:] == 0)
