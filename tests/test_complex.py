"""Complex inputs: one convention, JAX's.  For a real-valued f of complex z = x + iy the
gradient is df/dx - i df/dy (checked by finite differences in the real and imaginary
directions); a complex output needs holomorphic=True and gives f'(z)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad

EPS = 1e-6


def abs_squared(z):
    return np.abs(z) ** 2


def real_of_exp(z):
    return np.real(np.exp(z)) + np.imag(z * z)


def sines(z):
    return np.sum(np.abs(np.sin(z)) ** 2 + np.real(z) * np.imag(z))


def partials(f, z):
    """df/dx - i df/dy by central differences, entry by entry."""
    z = np.asarray(z, dtype=complex)
    out = np.zeros_like(z)
    for k in range(z.size):
        e = np.zeros_like(z)
        e.flat[k] = EPS
        fx = (f(z + e) - f(z - e)) / (2 * EPS)
        fy = (f(z + 1j * e) - f(z - 1j * e)) / (2 * EPS)
        out.flat[k] = fx - 1j * fy
    return out if out.shape else complex(out)


@pytest.mark.parametrize("f, z", [(abs_squared, 1.0 + 2.0j), (real_of_exp, 0.3 - 0.7j),
                                  (sines, np.array([1.0 + 1.0j, 0.5 - 2.0j]))])
def test_real_valued_functions_of_complex_inputs(f, z):
    g = s2sad.grad(f)(z)
    np.testing.assert_allclose(g, partials(f, z), rtol=1e-6, atol=1e-8)


def test_abs_squared_closed_form():
    z = 1.0 + 2.0j
    assert s2sad.grad(abs_squared)(z) == pytest.approx(2 * np.conj(z))


def square(z):
    return z * z


def exp_times(z):
    return np.exp(z) * z


def sin_of_square(z):
    return np.sin(z * z)


@pytest.mark.parametrize("f, derivative", [
    (square, lambda z: 2 * z), (exp_times, lambda z: np.exp(z) * (1 + z)),
    (sin_of_square, lambda z: np.cos(z * z) * 2 * z)])
def test_holomorphic_functions(f, derivative):
    z = 0.4 + 1.1j
    assert s2sad.grad(f, holomorphic=True)(z) == pytest.approx(derivative(z), rel=1e-12)
    along_real = (f(z + EPS) - f(z - EPS)) / (2 * EPS)
    along_imag = (f(z + 1j * EPS) - f(z - 1j * EPS)) / (2j * EPS)
    assert along_real == pytest.approx(derivative(z), rel=1e-6)
    assert along_imag == pytest.approx(derivative(z), rel=1e-6)


@pytest.mark.parametrize("f", [square, exp_times])
def test_a_complex_output_without_holomorphic_is_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_complex.py:\d+.*holomorphic"):
        s2sad.grad(f)(0.4 + 1.1j)
    with pytest.raises(s2sad.DifferentiationError, match="holomorphic=True"):
        s2sad.value_and_grad(f)(0.4 + 1.1j)
