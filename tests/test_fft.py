"""numpy.fft: the rules' templates with complex arguments and complex adjoints, and
real losses through FFTs in the whole pipeline (grad, jvp, hessian, vjp of grad).

The rule table test (test_rules.py, rows in rows_fft.py) moves real arguments in real
directions and pairs a real ``g`` with the real part of a complex output.  Here every
transform is checked as the linear map it is, against JAX's convention: the adjoint
``vjp(g)`` of ``y = f(a)`` satisfies ``Re sum(vjp(g) * v) == Re sum(g * f(v))`` for
complex ``g`` and ``v`` (``v`` real when ``a`` must be real), i.e. it is the
transpose (not the conjugate transpose) for a complex-linear ``f``.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import s2sad
from s2sad.rules.registry import JVPS, TEMPLATE_NAMESPACE, VJPS

F = np.fft
NORMS = (None, "backward", "ortho", "forward")
EPS = 1e-6


# ----- the templates, on complex values -----

def _cn(r: np.random.Generator, shape: tuple) -> np.ndarray:
    return r.standard_normal(shape) + 1j * r.standard_normal(shape)


def _cases() -> list[tuple]:
    out = []
    for norm in NORMS:
        for f in (F.fft, F.ifft, F.rfft, F.irfft):
            for shape, kw in [((6,), {}), ((7,), {}), ((4, 5), {}), ((5, 4), {"axis": 0}),
                              ((2, 5, 3), {"axis": 1})]:
                out.append((f, shape, {**kw, "norm": norm}))
            for n in (2, 3, 4, 5, 8, 9):
                out.append((f, (4, 5), {"n": n, "norm": norm}))
                out.append((f, (5, 4), {"n": n, "axis": -2, "norm": norm}))
        for f in (F.fft2, F.ifft2, F.rfft2, F.irfft2, F.fftn, F.ifftn, F.rfftn, F.irfftn):
            for shape, kw in [((4, 5), {}), ((3, 4, 5), {}), ((3, 4, 5), {"axes": (0, 2)}),
                              ((3, 4, 5), {"axes": (2, 0)}), ((3, 4, 5), {"axes": (1,)}),
                              ((3, 4, 5), {"s": (5, 3), "axes": (0, 2)}),
                              ((3, 4, 5), {"s": (2, 6), "axes": (2, 0)}),
                              ((3, 4, 5), {"s": (3, 7, 4), "axes": (0, 1, 2)}),
                              ((3, 4), {"s": (6, 3), "axes": (-2, -1)}),
                              ((3, 4), {"s": (3, 2), "axes": (-1, 0)})]:
                out.append((f, shape, {**kw, "norm": norm}))
    for f in (F.fftshift, F.ifftshift):
        for shape, kw in [((5,), {}), ((6,), {}), ((3, 4), {}), ((3, 5), {"axes": 1}),
                          ((2, 3, 5), {"axes": (0, 2)})]:
            out.append((f, shape, kw))
    return out


CASES = _cases()
REAL_INPUT = {F.rfft, F.rfft2, F.rfftn}


def _vjp(f, a, g, **kw):
    rule = VJPS[f]
    env = {**TEMPLATE_NAMESPACE, **rule.sig.defaults, rule.sig.params[0]: a, **kw,
           "g": g, "ans": f(a, **kw)}
    return eval(compile(rule.templates[0], "<template>", "eval"), env)


@pytest.mark.parametrize("f, shape, kw", CASES,
                         ids=[f"{f.__name__}-{s}-{kw}" for f, s, kw in CASES])
def test_template_is_the_transpose(f, shape, kw) -> None:
    r = np.random.default_rng(abs(hash((f.__name__, shape, str(kw)))) % 2 ** 32)
    real = f in REAL_INPUT
    a = r.standard_normal(shape) if real else _cn(r, shape)
    ans = f(a, **kw)
    g = r.standard_normal(ans.shape) if np.isrealobj(ans) else _cn(r, ans.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no SyntaxWarning, ComplexWarning, DeprecationWarning
        ct = _vjp(f, a, g, **kw)
    assert np.shape(ct) == np.shape(a)
    for _ in range(3):
        v = r.standard_normal(shape) if real else _cn(r, shape)
        lhs = np.real(np.sum(ct * v))
        rhs = np.real(np.sum(g * f(v, **kw)))
        assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10 * np.abs(g).sum() * np.abs(v).sum())
    assert JVPS[f].linear


@pytest.mark.parametrize("f", [F.fftn, F.ifftn, F.rfftn, F.irfftn])
def test_s_without_axes(f) -> None:
    """``s`` without ``axes`` (deprecated in NumPy 2): the last len(s) axes."""
    r = np.random.default_rng(7)
    a = r.standard_normal((3, 4, 5)) if f in REAL_INPUT else _cn(r, (3, 4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for s in [(6, 3), (2, 4, 7)]:
            ans = f(a, s=s)
            g = _cn(r, ans.shape) if np.iscomplexobj(ans) else r.standard_normal(ans.shape)
            ct = _vjp(f, a, g, s=s)
            v = r.standard_normal(a.shape) if f in REAL_INPUT else _cn(r, a.shape)
            assert np.real(np.sum(ct * v)) == pytest.approx(np.real(np.sum(g * f(v, s=s))))


def test_the_rules_do_not_accept_out() -> None:
    for f in {c[0] for c in CASES}:
        assert "out" not in VJPS[f].sig.params


def test_irfft_adjoint_ignores_what_irfft_ignores() -> None:
    """irfft reads neither the imaginary part of bins 0 and n/2 nor the bins above n/2:
    the adjoint of a real loss is real there and zero above."""
    g = np.random.default_rng(1).standard_normal(8)
    ct = _vjp(F.irfft, np.ones(7, complex), g, n=8)  # 5 bins read, 2 ignored
    assert ct[0].imag == 0 and ct[4].imag == 0
    assert np.all(ct[5:] == 0)
    assert ct[1:4] == pytest.approx(2 * np.fft.ifft(g)[1:4])


# ----- real losses through the whole pipeline -----

R = np.random.default_rng(20240611)
X8 = R.standard_normal(8)
X9 = R.standard_normal(9)
X34 = R.standard_normal((3, 4))
X345 = R.standard_normal((3, 4, 5))
H8 = R.standard_normal(8) + 1j * R.standard_normal(8)
W8 = R.standard_normal(8)
W5 = R.standard_normal(5)
W12 = R.standard_normal(12)
M56 = R.standard_normal((5, 6))
M34 = R.standard_normal((3, 3))
C34 = R.standard_normal((3, 4)) + 1j * R.standard_normal((3, 4))


def _abs2(y):
    return np.real(y) ** 2 + np.imag(y) ** 2


def power_spectrum(x):
    return np.sum(_abs2(np.fft.rfft(x)))


def power_spectrum_abs(x):
    return np.sum(np.abs(np.fft.rfft(x)) ** 2)


def power_spectrum_padded(x):
    return np.sum(np.real(np.conj(np.fft.rfft(x, n=12, norm="ortho")) * np.fft.rfft(x, n=12,
                  norm="ortho")) * W12[:7])


def filtered(x):
    return np.sum(np.real(np.fft.ifft(np.fft.fft(x) * H8)) * W8)


def cropped_filter(x):
    y = np.fft.ifft(np.fft.fft(x, 5, norm="forward") * H8[:5], n=8, norm="forward")
    return np.sum(np.imag(y) * W8) + np.sum(np.real(y) ** 2)


def spectral_derivative(u):
    n = u.shape[-1]
    k = np.fft.rfftfreq(n, 1.0 / n)
    return np.fft.irfft(1j * k * np.fft.rfft(u), n)


def weighted_derivative(u):
    return np.sum(W8 * spectral_derivative(u))


def weighted_derivative_odd(u):
    return np.sum(np.cos(spectral_derivative(u)))


def image_energy(x):
    return np.sum(_abs2(np.fft.fft2(x, s=(5, 6))) * M56)


def rfft2_roundtrip(x):
    spectrum = np.fft.rfft2(x, norm="ortho")
    return np.sum(np.fft.irfft2(spectrum * spectrum, s=(3, 4), norm="ortho") * X34)


def volume(x):
    y = np.fft.fftn(x, s=(4, 3), axes=(2, 0), norm="ortho")
    return np.sum(_abs2(np.fft.ifftn(y * y, axes=(0, 1))))


def rfftn_cropped(x):
    y = np.fft.rfftn(x, s=(2, 6), axes=(0, 2))
    return np.sum(np.sin(np.fft.irfftn(y * np.conj(y), s=(3, 5), axes=(0, 2))))


def shifted(x):
    spectrum = np.fft.fftshift(_abs2(np.fft.fft(x, axis=0)), axes=0)
    return np.sum(np.fft.ifftshift(spectrum * M34[:, :1], axes=(0,)) * X34)


def through_irfft(x):
    return np.sum(np.fft.irfft(x, n=7, axis=0, norm="forward") ** 3)


def sines_of_ifft2(x):
    return np.sum(np.sin(np.real(np.fft.ifft2(x, axes=(0, 1))) + np.fft.fftn(x).imag))


PIPELINE = [(power_spectrum, X8), (power_spectrum, X9), (power_spectrum_padded, X9),
            (filtered, X8), (cropped_filter, X8), (weighted_derivative, X8),
            (weighted_derivative_odd, X9), (image_energy, X34), (rfft2_roundtrip, X34),
            (volume, X345), (rfftn_cropped, X345), (shifted, X34), (through_irfft, X345),
            (sines_of_ifft2, X34)]


def _along(f, x, v):
    return (f(x + EPS * v) - f(x - EPS * v)) / (2 * EPS)


def _near(a, b, scale=1.0):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=2e-5,
                               atol=2e-6 * (scale + np.abs(b).max(initial=0)))


@pytest.mark.parametrize("f, x", PIPELINE, ids=[f.__name__ for f, _ in PIPELINE])
def test_real_losses_to_second_order(f, x) -> None:
    r = np.random.default_rng(len(f.__name__))
    v, u = r.standard_normal(x.shape), r.standard_normal(x.shape)
    g = s2sad.grad(f)(x)
    assert np.isrealobj(g) and g.shape == x.shape
    _near(np.sum(g * v), _along(f, x, v))
    value, t = s2sad.jvp(f)(x, v)
    assert value == pytest.approx(f(x))
    _near(t, _along(f, x, v))
    scale = np.abs(g).max()
    hv = np.tensordot(np.asarray(s2sad.hessian(f)(x)), v, axes=x.ndim)
    _near(hv, _along(s2sad.grad(f), x, v), scale)
    _, hu = s2sad.vjp(s2sad.grad(f))(x, u)
    _near(np.sum(hu * v), np.sum(hv * u), scale)


def test_abs_of_a_spectrum_first_order() -> None:
    v = np.random.default_rng(5).standard_normal(9)
    g = s2sad.grad(power_spectrum_abs)(X9)
    np.testing.assert_allclose(g, s2sad.grad(power_spectrum)(X9), rtol=1e-12, atol=1e-12)
    _near(np.sum(g * v), _along(power_spectrum_abs, X9, v))
    _near(s2sad.jvp(power_spectrum_abs)(X9, v)[1], _along(power_spectrum_abs, X9, v))


def test_abs_of_a_spectrum_second_order() -> None:
    """Second derivatives through np.abs of a complex value (abs_slope turns with the
    phase: conj(y) / |y|)."""
    v = np.random.default_rng(5).standard_normal(9)
    hv = np.asarray(s2sad.hessian(power_spectrum_abs)(X9)) @ v
    _near(hv, _along(s2sad.grad(power_spectrum_abs), X9, v), 1.0)


def test_power_spectrum_closed_form() -> None:
    """d/dx sum_k |X_k|^2 over the bins k <= n/2 that rfft keeps is
    2 Re(sum_k conj(X_k) e^(-2 pi i j k / n)): the fft of conj(X) padded to n bins."""
    x = X8
    full = 2 * np.real(np.fft.fft(np.conj(np.fft.rfft(x)), 8))  # d/dx sum |X_k|^2, k <= 4
    np.testing.assert_allclose(s2sad.grad(power_spectrum)(x), full, rtol=1e-12, atol=1e-12)


def test_spectral_derivative_is_the_derivative() -> None:
    t = np.arange(9) * 2 * np.pi / 9
    np.testing.assert_allclose(spectral_derivative(np.sin(3 * t)), 3 * np.cos(3 * t),
                               atol=1e-12)
    # the operator D is real and antisymmetric: grad of sum(w * D u) is -D w
    np.testing.assert_allclose(s2sad.grad(weighted_derivative)(X8),
                               -spectral_derivative(W8), atol=1e-12)


# ----- complex arguments: grad is dL/dx - i dL/dy -----

def complex_energy(z):
    return np.sum(np.abs(np.fft.fft(z, n=6, norm="ortho") * H8[:6]) ** 2)


def complex_mixed(z):
    y = np.fft.fftshift(np.fft.ifft2(z, s=(4, 3)))
    return np.sum(np.real(y) * X345[0, :, :3] + np.imag(y) ** 2) + np.sum(np.fft.irfft(z, axis=0))


def complex_half_spectrum(z):
    return np.sum(np.fft.irfftn(z, s=(4, 6), axes=(0, 1)) ** 2 * M56[:4])


def _partials(f, z):
    out = np.zeros_like(z)
    for k in range(z.size):
        e = np.zeros_like(z)
        e.flat[k] = EPS
        out.flat[k] = (f(z + e) - f(z - e)) / (2 * EPS) - 1j * (f(z + 1j * e) - f(z - 1j * e)) \
            / (2 * EPS)
    return out


@pytest.mark.parametrize("f, z", [(complex_energy, H8), (complex_mixed, C34),
                                  (complex_half_spectrum, C34)],
                         ids=["energy", "mixed", "half_spectrum"])
def test_complex_arguments(f, z) -> None:
    g = s2sad.grad(f)(z)
    assert np.iscomplexobj(g) and g.shape == z.shape
    np.testing.assert_allclose(g, _partials(f, z), rtol=1e-6, atol=1e-6)
    # jvp in a complex direction: Re sum(g * v) is the directional derivative
    v = np.random.default_rng(3).standard_normal(z.shape) * (1 + 2j)
    _, t = s2sad.jvp(f)(z, v)
    assert t == pytest.approx(np.real(np.sum(g * v)), rel=1e-6)
