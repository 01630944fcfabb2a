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


# ----- norms and singular values of complex arrays (their formulas conjugated) -----

def vector_norm(z):
    return np.linalg.norm(z)


def vector_norm_3(z):
    return np.linalg.norm(z, ord=3)


def frobenius_axis(z):
    return np.sum(np.linalg.norm(z, axis=1) * np.array([1.0, 2.0, 3.0, 4.0]))


def nuclear(z):
    return np.linalg.norm(z, ord="nuc")


def spectral(z):
    return np.linalg.norm(z, ord=2)


def singular_values(z):
    return np.sum(np.linalg.svd(z, compute_uv=False) * np.array([1.0, 2.0, 3.0]))


_RNG = np.random.default_rng(7)
_Z4 = _RNG.normal(size=4) + 1j * _RNG.normal(size=4)
_Z43 = _RNG.normal(size=(4, 3)) + 1j * _RNG.normal(size=(4, 3))


@pytest.mark.parametrize("f, z", [(vector_norm, _Z4), (vector_norm_3, _Z4),
                                  (frobenius_axis, _Z43), (nuclear, _Z43), (spectral, _Z43),
                                  (singular_values, _Z43)],
                         ids=["norm", "norm3", "axis", "nuc", "ord2", "svd-s"])
def test_complex_norms_and_singular_values(f, z):
    np.testing.assert_allclose(s2sad.grad(f)(z), partials(f, z), rtol=1e-6, atol=1e-8)
    d = _RNG.normal(size=z.shape) + 1j * _RNG.normal(size=z.shape)
    _, t = s2sad.jvp(f)(z, d)
    fd = (f(z + EPS * d) - f(z - EPS * d)) / (2 * EPS)
    assert abs(t - fd) < 1e-6 * max(1.0, abs(fd)) and np.isrealobj(t)


def complex_vectors(z):
    u, s, vh = np.linalg.svd(z, full_matrices=False)
    return np.sum(np.abs(u))


def complex_eigh(h):
    w, v = np.linalg.eigh(h)
    return np.sum(w)


def complex_eigvalsh(h):
    return np.sum(np.linalg.eigvalsh(h) ** 2)


@pytest.mark.parametrize("f", [complex_vectors, complex_eigh, complex_eigvalsh])
def test_complex_decompositions_and_real_ones_kept(f):
    z = _Z43 if f is complex_vectors else _Z43[:3] + _Z43[:3].conj().T
    # (eigh reads the lower triangle: partials see that)
    np.testing.assert_allclose(s2sad.grad(f)(z), partials(f, z), rtol=1e-6, atol=1e-8)
    real = np.real(z)  # the real case keeps its derivative: against finite differences
    x = real if f is complex_vectors else real + real.T
    g = s2sad.grad(f)(x)
    d = np.cos(np.arange(x.size, dtype=float)).reshape(x.shape)
    if f is not complex_vectors:
        d = np.tril(d)  # eigh reads the lower triangle
    fd = (f(x + EPS * d) - f(x - EPS * d)) / (2 * EPS)
    assert abs(np.sum(g * d) - fd) < 1e-6 * max(1.0, abs(fd))


def einsum_real_complex(a, c):
    return np.sum(np.abs(np.einsum("ij,jk->ik", a, c)) ** 2)


def test_einsum_keeps_a_complex_operands_adjoint_complex():
    a = _RNG.normal(size=(2, 4))
    c = _Z43
    g = s2sad.grad(einsum_real_complex, wrt=1)(a, c)
    np.testing.assert_allclose(g, partials(lambda w: einsum_real_complex(a, w), c), rtol=1e-6,
                               atol=1e-8)
    ga = s2sad.grad(einsum_real_complex, wrt=0)(a, c)
    assert np.isrealobj(ga)  # a real operand's adjoint stays real


def angle_sum(z):
    return np.sum(np.angle(z) * np.array([1.0, 2.0, -1.0]))


def angle_degrees(z):
    return np.sum(np.angle(z, deg=True) ** 2)


def close_to_real(z):
    return np.sum(np.real_if_close(z) ** 2)


@pytest.mark.parametrize("f", [angle_sum, angle_degrees])
def test_angle_of_complex_values(f):
    z = np.array([0.4 + 0.3j, -1.0 + 0.5j, 0.2 - 2.0j])
    np.testing.assert_allclose(s2sad.grad(f)(z), partials(f, z), rtol=1e-6, atol=1e-8)
    d = np.array([0.3 - 0.1j, 1.0j, -0.5 + 0.2j])
    _, t = s2sad.jvp(f)(z, d)
    assert abs(t - (f(z + EPS * d) - f(z - EPS * d)) / (2 * EPS)) < 1e-6


def test_real_if_close_and_real_angle():
    z = np.array([1.0 + 1e-16j, 2.0 - 1e-17j, -0.5 + 0j])
    assert np.isrealobj(np.real_if_close(z))
    np.testing.assert_allclose(s2sad.grad(close_to_real)(z), 2 * np.real(z))
    np.testing.assert_allclose(s2sad.grad(angle_sum)(np.array([1.0, -2.0, 3.0])), 0.0)


def spread(z):
    return np.var(z) + 2.0 * np.std(z * np.array([1.0, 2.0, 0.5]))


def test_var_and_std_of_complex_values():
    z = np.array([0.4 + 0.3j, -1.0 + 0.5j, 0.2 - 2.0j])
    np.testing.assert_allclose(s2sad.grad(spread)(z), partials(spread, z), rtol=1e-6, atol=1e-8)
    d = np.array([0.3 - 0.1j, 1.0j, -0.5 + 0.2j])
    _, t = s2sad.jvp(spread)(z, d)
    assert np.isrealobj(t)
    assert abs(t - (spread(z + EPS * d) - spread(z - EPS * d)) / (2 * EPS)) < 1e-6
    assert s2sad.grad(lambda w: np.sum(np.real(w)))(1j) == 1 + 0j  # the argument's type


def abs_of_complex(z):
    return np.sum(np.abs(z) * np.array([1.0, 2.0]))


def norm_of_complex(z):
    return np.linalg.norm(z)


@pytest.mark.parametrize("f", [abs_of_complex, norm_of_complex])
def test_second_derivatives_at_complex_values_are_right_or_refused(f):
    z = np.array([0.4 + 0.3j, -1.0 + 0.5j])
    d = np.array([1.0 + 0.5j, 0.2j])
    np.testing.assert_allclose(s2sad.grad(f)(z), partials(f, z), rtol=1e-6, atol=1e-8)
    g = s2sad.grad(f)
    # forward over reverse: abs_slope's own rule; the norm's curvature of the moduli
    _, t = s2sad.jvp(g)(z, d)
    np.testing.assert_allclose(t, (g(z + EPS * d) - g(z - EPS * d)) / (2 * EPS), atol=1e-6)
    if f is abs_of_complex:  # forward over forward: abs_tangent's derivative in z
        _, (_, tt) = s2sad.jvp(s2sad.jvp(f), wrt=0)(z, d, d)
        slope = s2sad.jvp(f)
        np.testing.assert_allclose(tt, (slope(z + EPS * d, d)[1] - slope(z - EPS * d, d)[1])
                                   / (2 * EPS), atol=1e-6)
    real = np.array([0.4, -1.0])  # real values keep their second derivatives
    H = s2sad.hessian(f)(real)
    assert np.all(np.isfinite(H))


# ----- np.sign: flat for reals, x / |x| for complex x (NumPy 2) -----

def sign_times_conj(z):
    return np.real(np.sign(z) * np.conj(z + 0.3j))


def imag_of_sign_squared(z):
    return np.sum(np.imag(np.sign(z) ** 2) + np.real(np.sign(z)) * np.abs(z))


def phase_of_product(z):
    return np.real(np.sign(z * z + 1.0) * (1.0 - 2.0j))


@pytest.mark.parametrize("f, z", [(sign_times_conj, 0.7 - 0.4j),
                                  (imag_of_sign_squared, np.array([1.0 + 1.0j, -0.5 + 2.0j])),
                                  (phase_of_product, 0.2 + 0.9j)])
def test_sign_of_complex_values(f, z):
    np.testing.assert_allclose(s2sad.grad(f)(z), partials(f, z), rtol=1e-6, atol=1e-8)


def complex_sign(z):
    return np.sign(z)


def test_sign_of_complex_values_forward_and_closed_form():
    z, t = 0.6 + 0.8j, 0.3 - 1.1j  # |z| = 1: d sign = (t - z^2 conj(t)) / 2
    _, out = s2sad.jvp(complex_sign)(z, t)
    np.testing.assert_allclose(out, (t - z * z * np.conj(t)) / 2, atol=1e-12)
    fd = (np.sign(z + EPS * t) - np.sign(z - EPS * t)) / (2 * EPS)
    np.testing.assert_allclose(out, fd, atol=1e-8)


def signed_squares(x):
    return np.sum(np.sign(x) * x ** 2)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_sign_of_real_values_stays_flat(sign):
    x = sign * np.array([0.5, -1.2, 2.0])
    np.testing.assert_allclose(s2sad.grad(signed_squares)(x), 2 * np.abs(x), atol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(signed_squares)(x), np.diag(2 * np.sign(x)),
                               atol=1e-12)


def real_of_gradient(z):
    return np.real(s2sad.grad(sign_times_conj)(z))


def test_second_derivative_of_complex_sign_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="np.sign"):
        s2sad.grad(real_of_gradient)(0.7 - 0.4j)


# ----- gathers of complex arrays (scatter_to once dropped the imaginary part) -----

def padded_edge(z):
    return np.sum(np.abs(np.pad(z, 1, mode="edge") * np.arange(1.0, 6.0)) ** 2)


def padded_wrap_in_loop(z):
    s = 0.0
    for k in range(2):
        s = s + np.sum(np.abs(np.pad(z * (k + 1), (0, 2), mode="wrap")) ** 2)
    return s


def inserted(z):
    return np.sum(np.abs(np.insert(z, 1, z[0] * 2)) ** 2 * np.arange(1.0, 5.0))


def deleted(z):
    return np.sum(np.real(np.delete(z, 1) ** 2))


@pytest.mark.parametrize("f", [padded_edge, padded_wrap_in_loop, inserted, deleted])
def test_gathers_of_complex_arrays(f):
    z = np.array([0.3 + 0.2j, -0.5 + 1.0j, 0.7 - 0.4j])
    np.testing.assert_allclose(s2sad.grad(f)(z), partials(f, z), rtol=1e-6, atol=1e-8)


def test_a_real_arrays_gather_adjoint_stays_real():
    x = np.array([0.3, -0.5, 0.7])
    g = s2sad.grad(padded_edge)(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, partials(padded_edge, x).real, rtol=1e-6, atol=1e-8)


# ----- a complex adjoint of a real array's slice: its real part added in place -----

def spectrum_of_a_part(x):
    return np.fft.irfft(np.conj(x[:5]), 8) @ np.arange(8.0)


def rotated_rows(x):
    return np.sum(np.real(x[1:] * np.exp(0.3j)) ** 2)


def phase_of_an_element(x):
    return np.real(np.conj(x[2]) * (1.0 + 2.0j)) * x[0]


def hermitian_spectra(x):
    return np.fft.hfft(x[:5]) @ np.arange(8.0) + np.sum(np.abs(np.fft.ihfft(x)) ** 2)


@pytest.mark.parametrize("f", [spectrum_of_a_part, rotated_rows, phase_of_an_element,
                               hermitian_spectra])
def test_complex_adjoints_of_real_slices(f):
    """``dx[:5] += e`` of a complex ``e`` raised a casting error (the add_at it was
    written from adds the real part): written so only where every value is real."""
    from gradcheck import check_grad, check_jvp
    x = np.random.default_rng(3).standard_normal(8)
    check_grad(f, x)
    check_jvp(f, x)


# ----- cmath: NumPy's functions on complex numbers -----

def cmath_mix(x):
    import cmath
    z = cmath.exp(1j * x) * cmath.sqrt(x + 2j)
    return (z * cmath.log(z + 3.0)).real + cmath.phase(z) + abs(cmath.tanh(z))


def cmath_trig(x):
    import cmath
    return (cmath.sin(x + 0.5j) * cmath.cos(x) + cmath.tan(x / 3)).imag + \
        cmath.log10(x + 1j).real + (cmath.sinh(x) / cmath.cosh(x + 1j)).real


def cmath_base(x):
    import cmath
    return abs(cmath.log(x + 1j, 2.0)) * cmath.exp(x).real


@pytest.mark.parametrize("f", [cmath_mix, cmath_trig, cmath_base])
@pytest.mark.parametrize("x", [0.4, -1.3, 2.2])
def test_cmath_functions(f, x):
    """cmath's functions (refused: no rule) as NumPy's on complex numbers."""
    from gradcheck import check_grad, check_jvp
    check_grad(f, x)
    check_jvp(f, x)
