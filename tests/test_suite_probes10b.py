"""Probes in the style of other AD tools' own suites, continued from
test_suite_probes10 (helper `suite`, session 47): np.put_along_axis and np.block
differentiated twice, a jvp / vjp of a function with defaults called inside a function
being differentiated (JAX's api_test), np.abs of complex values twice in forward mode
(autograd's test_complex), Jacobians of complex values (JAX's jacfwd / jacrev): the
cases that failed on main, three variations each, checked against central differences
in float64 and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

try:
    import scipy.special as sp
except ImportError:  # (the tests of SciPy's functions are skipped)
    sp = None
needs_scipy = pytest.mark.skipif(sp is None, reason="SciPy is not installed")


def _second(f, w):
    """sum(grad(f)(x) * w): its gradient is the Hessian of f times w."""
    def weighted_slope(x):
        return np.sum(s2sad.grad(f)(x) * w)
    return weighted_slope


# ----- np.put_along_axis differentiated twice: the positions helper of its write was
# read by its source (a refusal: "a call with *args of a sequence ...") -----


def zeroed_along(a):
    b = a.copy()
    np.put_along_axis(b, np.array([[0], [1], [2]]), 0.0, axis=1)
    return np.sum(np.sin(b * a))


def squares_along(a):
    b = a * 2.0
    np.put_along_axis(b, np.array([[0, 3], [1, 1], [2, 0]]), a[:, :2] ** 2, axis=1)
    return np.sum(np.sin(b * a))


def flat_along(a):
    b = np.zeros_like(a)
    np.put_along_axis(b, np.array([5, 0]), a[0, :2], axis=None)
    return np.sum(np.sin(b) * a)


@pytest.mark.parametrize("f", [zeroed_along, squares_along, flat_along])
def test_second_derivative_of_put_along_axis(f, rng):
    a = rng.standard_normal((3, 4))
    check_grad(f, a)
    check_grad(_second(f, rng.standard_normal((3, 4))), a, rtol=1e-4, atol=1e-5)


# ----- a jvp or vjp of a function with a default parameter, called inside a function
# being differentiated (JAX's api_test: ``jvp`` / ``vjp`` under ``grad``): the wrapper
# that takes the tangents positionally shifted the defaults onto them, ``def
# jvp_of_f(x, scale, dx=2.0)``: ``scale`` got the tangent, ``dx`` the 2.0 (a silently
# wrong gradient; a library function's, ``jvp(sp.logsumexp)(x, v)``, a crash) -----


def scaled_sine(x, scale=2.0):
    return np.sin(x * scale) + scale ** 2


V = np.array([1.0, 0.5, -0.3])


def tangent_total(x):
    return np.sum(s2sad.jvp(scaled_sine)(x, V)[1])


def tangent_total_scale_given(x):
    return np.sum(s2sad.jvp(scaled_sine)(x, 0.5, V)[1] ** 2)


def cotangent_total(x):
    return np.sum(s2sad.vjp(scaled_sine)(x, V)[1] ** 2)


@pytest.mark.parametrize("f", [tangent_total, tangent_total_scale_given, cotangent_total])
def test_derivative_of_a_jvp_or_vjp_of_a_function_with_defaults(f, rng):
    x = rng.standard_normal(3)
    check_grad(f, x)


def test_derivative_of_a_jvp_with_defaults_closed_form():
    """sum(2 cos(2x) v): its gradient is -4 sin(2x) v."""
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(s2sad.grad(tangent_total)(x), -4 * np.sin(2 * x) * V,
                               rtol=1e-12)


def lse_tangent_of(x):
    return s2sad.jvp(sp.logsumexp)(x, V)[1]


@needs_scipy
def test_jvp_of_logsumexp_differentiated_again(rng):
    x = rng.standard_normal(3)
    check_grad(lse_tangent_of, x)
    check_jvp(lse_tangent_of, x)


# ----- np.abs of a complex value differentiated twice in forward mode (autograd's
# test_complex: check_grads(d_fun) of abs at 1.1 + 1.3j, modes fwd and rev; JAX's
# jvp of jvp): the derivative of abs's tangent in a complex x was refused -----

H = 1e-6


def _along(f, z, d):
    return (f(z + H * d) - f(z - H * d)) / (2 * H)


def _complex_gradient(f, z):
    """d/dRe - i d/dIm of a real f: the convention of s2sad's (and autograd's) grad."""
    z = np.asarray(z, dtype=complex)
    out = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[i] = 1.0
        out[i] = _along(f, z, e) - 1j * _along(f, z, 1j * e)
    return out


def _magnitude(x):
    return np.abs(x)


def abs_tangent_at(z):
    return s2sad.jvp(_magnitude)(z, 1.0 + 0.5j)[1]


def abs_tangents_squared(z):
    return np.sum(s2sad.jvp(_magnitude)(z, np.array([1.0 + 0.5j, -0.3j]))[1] ** 2)


def spectrum_energy_slope(x):
    return s2sad.jvp(spectrum_energy)(x, np.array([0.5, -1.0, 0.25]))[1]


def spectrum_energy(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2)


@pytest.mark.parametrize("f, z", [(abs_tangent_at, 1.1 + 1.3j),
                                  (abs_tangents_squared, np.array([1.1 + 1.3j, -0.4 + 0.2j]))])
def test_second_derivative_of_complex_abs_in_forward_mode(f, z):
    d = 0.4 - 0.2j if np.ndim(z) == 0 else np.array([0.3 - 1.0j, 0.5 + 0.1j])
    np.testing.assert_allclose(s2sad.jvp(f)(z, d)[1], _along(f, z, d), rtol=1e-6)
    np.testing.assert_allclose(s2sad.grad(f)(z), _complex_gradient(f, z), rtol=1e-6)


def test_second_derivative_of_a_spectrum_closed_form():
    """sum|fft(x)|^2 = n sum(x^2) (Parseval): its tangent along v is 2n x.v, whose
    gradient is 2n v and whose tangent along w is 2n v.w."""
    x = np.array([0.3, 1.0, -0.5])
    v, w = np.array([0.5, -1.0, 0.25]), np.array([0.2, 0.1, -0.7])
    np.testing.assert_allclose(s2sad.grad(spectrum_energy_slope)(x), 6 * v, atol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(spectrum_energy_slope)(x, w)[1], 6 * v @ w,
                               atol=1e-12)


# ----- Jacobians of complex values (JAX's jacfwd / jacrev tests): the columns were cast
# to float, the imaginary parts dropped with a ComplexWarning (a silently wrong
# Jacobian of a complex output); a complex argument's Jacobian in real unit directions
# misses its imaginary directions: refused, a TypeError as JAX's -----


def turned(x):
    return np.exp(1j * x) * x


def turned_number(t):
    return np.exp(1j * t) * t


def turned_pair(x):
    return turned(x), np.sum(x ** 2)


def test_jacobian_of_a_complex_output():
    x = np.array([0.3, 1.0, -0.4])
    expected = np.diag(np.exp(1j * x) * (1 + 1j * x))
    np.testing.assert_allclose(s2sad.jacobian(turned)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(turned, mode="forward")(x), expected,
                               rtol=1e-12)
    assert s2sad.jacobian(turned_number)(0.7) == pytest.approx(np.exp(0.7j) * (1 + 0.7j))
    first, second = s2sad.jacobian(turned_pair)(x)
    np.testing.assert_allclose(first, expected, rtol=1e-12)
    np.testing.assert_allclose(second, 2 * x, rtol=1e-12)
    with pytest.raises(s2sad.DifferentiationError, match="mode='forward'"):
        s2sad.jacobian(turned, mode="reverse")(x)


def squared(z):
    return z ** 2


def modulus_sum(z):
    return np.sum(np.abs(z) ** 2)


@pytest.mark.parametrize("make, f", [(s2sad.jacobian, squared), (s2sad.hessian, modulus_sum),
                                     (s2sad.jacobian, modulus_sum)])
def test_jacobian_of_a_complex_argument_is_refused(make, f):
    z = np.array([1.0 + 2.0j, 1.0j])
    with pytest.raises(TypeError, match="complex"):
        make(f)(z)
    assert make(f)(z.real).shape  # (a real argument: as before)


# ----- np.block differentiated twice: the adjoint of each row's concatenation (a list
# of pieces, unconcat's) was not known to be a list, so two of them were joined with
# ``+`` (a reshape error out of generated code) -----


def blocks_two_by_two(a, b):
    return np.sum(np.sin(np.block([[a, b], [b, a]])))


def blocks_of_rows(a, b):
    return np.sum(np.block([[a, b]]) ** 3)


def blocks_stacked(a, b):
    return np.sum(np.tanh(np.block([[a], [b * a]])))


@pytest.mark.parametrize("f", [blocks_two_by_two, blocks_of_rows, blocks_stacked])
def test_second_derivative_of_np_block(f, rng):
    a, b = rng.standard_normal((2, 2)), rng.standard_normal((2, 2))
    w = rng.standard_normal((2, 2))

    def weighted_slope(a, b):
        return np.sum(s2sad.grad(f)(a, b) * w)
    check_grad(f, a, b, wrt=(0, 1))
    check_grad(weighted_slope, a, b, wrt=(0, 1), rtol=1e-4, atol=1e-5)


def test_second_derivative_of_np_block_closed_form(rng):
    """sum(block([[a, b]]) ** 3): d/da = 3 a^2, and its derivative along w is 6 a w."""
    a, b, w = (rng.standard_normal((2, 2)) for _ in range(3))

    def weighted_slope(a, b):
        return np.sum(s2sad.grad(blocks_of_rows)(a, b) * w)
    np.testing.assert_allclose(s2sad.grad(weighted_slope)(a, b), 6 * a * w, rtol=1e-12)
