"""Adjoints that reached a complex value through a float-only path.  Found wrong
(silently): ``np.linalg.multi_dot`` cast its factors and adjoint to float (the
imaginary parts dropped), ``np.vdot``'s adjoints missed its conjugate of ``a``,
``np.real(z[0]) + 1j * y`` gave ``z[0]`` the whole complex adjoint (a real value's
adjoint must be real: ``np.real`` and ``np.imag`` now take the real part of what
reaches them), and ``np.sort``/``np.take``/``np.repeat``/``np.diag``/``a.item`` wrote a
complex adjoint into a float array (``ComplexWarning``, imaginary parts lost),
``np.exp(1j * np.abs(z))`` read the adjoint of ``|z|`` with the kind of ``z`` (its
shape was taken from ``z``: the real part was never taken), ``np.convolve``'s adjoint
used ``np.correlate``, which conjugates, and ``np.correlate``'s adjoint in ``v``
missed the conjugate; ``np.linalg.qr`` and ``np.linalg.cholesky`` (real formulas)
gave complex matrices wrong numbers: now refused.
Each checked against central differences of a real loss of complex ``z`` in
s2sad's convention (docs/supported.md): ``df/dRe z - i df/dIm z``."""
from __future__ import annotations

import cmath

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, numerical_grad

R = np.random.default_rng(11)
Z = R.standard_normal(3) + 1j * R.standard_normal(3)
M = R.standard_normal((3, 3)) + 1j * R.standard_normal((3, 3)) + 3 * np.eye(3)
B = R.standard_normal((3, 3))


def complex_gradient(f, z):
    re = numerical_grad(lambda r: f(r + 1j * z.imag), [z.real])
    im = numerical_grad(lambda i: f(z.real + 1j * i), [z.imag])
    return re - 1j * im


def chain_to_a_vector(z):
    return np.sum(np.abs(np.linalg.multi_dot([M, M, z])))


def chain_between_vectors(z):
    return np.real(np.linalg.multi_dot([z, M, np.conj(z)]))


def chain_of_real_and_complex(z):
    return np.sum(np.abs(np.linalg.multi_dot([B, np.outer(z, z), B, M])) ** 2)


def quadratic_form(z):
    return np.real(np.vdot(z, M @ z))


def conjugated_second(z):
    return np.abs(np.vdot(M @ z, z * 1j + 1.0))


def real_with_complex(z):
    return np.abs(np.vdot(np.real(z), z)) ** 2


def parts_recombined(z):
    return np.abs(np.real(z[0]) + 1j * np.imag(z[1])) ** 2


def parts_of_arrays(z):
    return np.sum(np.abs(np.real(z) * 1j + np.imag(z[::-1]) * (2.0 + 1j)))


def part_times_complex(z):
    return np.abs(np.sum(np.imag(z) * M[0])) + np.real(np.sum(np.real(z) * M[1]))


def sorted_rotated(z):
    return np.abs(np.sort(z * 1j)[1] + z[0])


def taken_repeated(z):
    return np.sum(np.abs(np.take(z, [0, 2, 2])) ** 2) + \
        np.sum(np.abs(np.repeat(z, 2) * np.arange(6)) ** 2)


def diagonal_and_item(z):
    return np.sum(np.abs(np.diag(np.outer(z, z)))) + np.abs(z.item(1) * z[0]) ** 2


def sorted_along_rows(z):
    return np.abs(np.sort(np.outer(z, z), axis=0)[0, 1])


def phase_of_modulus(z):
    return np.sum(np.real(np.exp(1j * np.abs(z)) * z))


def modulus_times_unit(z):
    return np.abs(np.sum(np.abs(z) * (1.0 + 2.0j) * z))


def modulus_in_a_sum(z):
    return np.sum(np.abs(np.abs(z) ** 2 * 1j + z))


def convolved(z):
    return np.sum(np.abs(np.convolve(z, z[::-1])) ** 2)


def convolved_with_a_constant(z):
    return np.sum(np.abs(np.convolve(z, np.array([1.0, 2j, 0.5]), "same")) ** 2)


def correlated(z):
    return np.sum(np.abs(np.correlate(np.concatenate([z, z * 2j]), z * (1 + 1j), "valid")) ** 2)


CASES = [phase_of_modulus, modulus_times_unit, modulus_in_a_sum,
         convolved, convolved_with_a_constant, correlated,
         chain_to_a_vector, chain_between_vectors, chain_of_real_and_complex,
         quadratic_form, conjugated_second, real_with_complex,
         parts_recombined, parts_of_arrays, part_times_complex,
         sorted_rotated, taken_repeated, diagonal_and_item, sorted_along_rows]


@pytest.mark.parametrize("f", CASES)
def test_complex_adjoints_keep_their_imaginary_parts(f):
    np.testing.assert_allclose(s2sad.grad(f)(Z), complex_gradient(f, Z), rtol=1e-5,
                               atol=1e-6)


def real_loss_of_real_chain(x):
    return np.sum(np.linalg.multi_dot([x, B, x]) * np.vdot(x, B @ x))


def test_real_inputs_unchanged():
    x = R.standard_normal(3)
    g = s2sad.grad(real_loss_of_real_chain)(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, numerical_grad(real_loss_of_real_chain, [x]), rtol=1e-5,
                               atol=1e-6)


def qr_of_complex(z):
    q, r = np.linalg.qr(M + np.diag(z))
    return np.sum(np.abs(r))


def cholesky_of_complex(z):
    return np.sum(np.abs(np.linalg.cholesky(M @ np.conj(M).T + np.diag(np.abs(z)))))


@pytest.mark.parametrize("f", [qr_of_complex, cholesky_of_complex])
def test_real_only_decompositions_refuse_a_complex_matrix(f):
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_complex_adjoints.py:\d+: np.linalg.\w+ at a complex value"):
        s2sad.grad(f)(Z)
    with pytest.raises(s2sad.DifferentiationError, match=r"at a complex value"):
        s2sad.jvp(f)(Z, Z)


def convolved_reals(x):
    return np.sum(np.convolve(x, x[::-1] * 2.0) ** 2) + np.sum(np.correlate(x, x[:2], "full"))


def test_real_convolutions_unchanged():
    x = R.standard_normal(4)
    np.testing.assert_allclose(s2sad.grad(convolved_reals)(x),
                               numerical_grad(convolved_reals, [x]), rtol=1e-5, atol=1e-6)


# ----- cmath.phase of an element: the element's stand-in in the sweep stays complex -----

def phase_of_an_element(z):
    return cmath.phase(z[0]) + np.abs(z[1])


def phase_twice(z):
    return 2.0 * cmath.phase(z[1]) - cmath.phase(z[2])


def phase_of_a_product(z):
    return cmath.phase(z[0] * z[1]) + np.real(z[2])


def phases_in_a_loop(z):
    total = 0.0
    for k in range(z.shape[0]):
        if z[k].real > 0:
            total = total + cmath.phase(z[k])
        else:
            total = total - 0.5 * cmath.phase(z[k])
    return total


@pytest.mark.parametrize("f", [phase_of_an_element, phase_twice, phase_of_a_product,
                               phases_in_a_loop])
def test_cmath_phase_of_elements(f) -> None:
    z = np.array([1.0 + 2.0j, -0.5 - 1.0j, 0.7 + 0.3j])  # both branches of the loop's if
    np.testing.assert_allclose(s2sad.grad(f)(z), complex_gradient(f, z), atol=1e-7)


def test_phase_closed_form() -> None:
    z = np.array([1.0 + 2.0j, 0.5 - 1.0j, 0.7 + 0.3j])
    # d phase / dz in the convention df/dx - i df/dy: (-y - i x) / |z|^2
    x, y = z[0].real, z[0].imag
    got = s2sad.grad(phase_of_an_element)(z)[0]
    assert got == pytest.approx((-y - 1j * x) / (x * x + y * y))


def _made_complex_abs(x):
    z = x.astype(complex) * 1j
    return np.sum(np.abs(z) ** 2)


def _made_complex_real(x):
    return np.sum(np.real(x.astype(np.complex128) * (1 + 2j)) * x)


def _made_complex_conj(x):
    z = x.astype(complex) * (0.5 - 1j)
    return np.real(np.sum(z * np.conj(z)))


@pytest.mark.parametrize("f", [_made_complex_abs, _made_complex_real, _made_complex_conj])
def test_astype_complex_adjoint_is_real_without_a_warning(f):
    import warnings
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        check_grad(f, x)
