"""compiler/scaled_squares.py: ``np.abs(z) ** 2`` (``a * a``, ``np.square(a)`` of ``a =
np.abs(z)``) differentiated as ``2 g conj(z)``; and runtime ``rfft_adjoint``, the
transpose of ``np.fft.rfft`` by one ``irfft``.  Gradients against central differences
(the real and imaginary parts of a complex argument each), closed forms where there are
some, second order, and the forms the pair must not be taken from."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp
from s2sad import runtime as rt
from s2sad.runtime import portable

R = np.random.default_rng(48)
X = R.standard_normal(7)
X[2] = 0.0  # (|x|'s kink: the slope there is 0, and so is 2 x)
W = R.standard_normal(7)  # (X + 3 has no zero: sin(|x w|) has a kink there)


def abs_pow(x):
    return np.sum(np.abs(x) ** 2 * W)


def abs_times_abs_read_again(x):
    a = np.abs(x * W)
    return np.sum(a * a) + np.sum(np.sin(a))  # (a's own adjoint for the sine)


def square_of_abs(x):
    return np.sum(np.square(np.abs(x))) + np.sum(abs(x[1:]) ** 2.0)


@pytest.mark.parametrize("f, args", [(abs_pow, (X,)), (abs_times_abs_read_again, (X + 3.0,)),
                                     (square_of_abs, (X,))],
                         ids=["pow", "times-itself", "square"])
def test_real_forms(f, args) -> None:
    check_grad(f, *args)
    check_jvp(f, *args)
    check_hessian(f, args[0])


def test_closed_form_and_one_term() -> None:
    g = s2sad.grad(abs_pow)(X)
    np.testing.assert_allclose(g, 2 * X * W, rtol=1e-14)
    source = s2sad.grad(abs_pow).source
    assert "abs_slope" not in source and "conj_if_complex(x)" in source


def _complex_grad(f, z, h=1e-6):
    """dL/dRe - i dL/dIm by central differences (s2sad's convention)."""
    out = np.zeros(z.shape, complex)
    for k in range(z.size):
        e = np.zeros(z.shape)
        e.flat[k] = h
        out.flat[k] = (f(z + e) - f(z - e)) / (2 * h) - 1j * (f(z + 1j * e) - f(z - 1j * e)) / (
            2 * h)
    return out


def spectrum(x):
    return np.sum(np.abs(np.fft.rfft(x * W[:6], n=9)) ** 2 * np.arange(5.0))


@pytest.mark.parametrize("f", [lambda z: np.sum(np.abs(z) ** 2 * W[:4]),
                               lambda z: np.sum(np.square(np.abs(z * W[:4]))),
                               lambda z: np.sum(np.abs(z) * np.abs(z)) + np.sum(z.real)],
                         ids=["pow", "square", "times-itself"])
def test_complex_argument(f) -> None:
    """A function with no complex literal takes a complex argument: conj is needed."""
    z = R.standard_normal(4) + 1j * R.standard_normal(4)
    np.testing.assert_allclose(s2sad.grad(f)(z), _complex_grad(f, z), rtol=1e-7, atol=1e-8)


def test_spectrum_cropped_padded_second_order() -> None:
    x = R.standard_normal(6)
    check_grad(spectrum, x)
    check_hessian(spectrum, x)


def not_a_square(x, w):
    a = np.abs(x)
    b = np.abs(w)
    return np.sum(a * b) + np.sum(a ** 3)  # (two absolutes; a cube)


def rebound_between(x):
    a = np.abs(x)
    x = np.sin(x)
    return np.sum(a * a * x)


def written_between(x):
    y = x * 1.0
    a = np.abs(y)
    y[0] = 3.0  # (the pair holds y as it was: the write ends it)
    return np.sum(a ** 2) + np.sum(y * y)


@pytest.mark.parametrize("f, args", [(not_a_square, (X, W)), (rebound_between, (X,)),
                                     (written_between, (X,))],
                         ids=["not-a-square", "rebound", "written"])
def test_where_the_pair_must_not_be_taken(f, args) -> None:
    check_grad(f, *args)
    check_jvp(f, *args)


@pytest.mark.parametrize("m, n, axis, norm", [(8, None, -1, None), (9, None, 0, "ortho"),
                                             (8, 5, -1, "forward"), (7, 12, 0, None),
                                             (6, 6, 1, "backward")])
def test_rfft_adjoint_is_the_real_part_of_the_fft(m, n, axis, norm) -> None:
    shape = [3, 3]
    shape[axis] = m
    a = R.standard_normal(shape)
    y = np.fft.rfft(a, n, axis, norm)
    g = R.standard_normal(y.shape) + 1j * R.standard_normal(y.shape)
    length = n or m
    full = np.real(np.fft.fft(g, length, axis, norm))  # (the template it replaces)
    expected = np.zeros(a.shape)
    keep = [slice(None)] * 2
    keep[axis] = slice(0, min(length, m))
    expected[tuple(keep)] = full[tuple(keep)]
    np.testing.assert_allclose(rt.rfft_adjoint(g, a, n, axis, norm), expected, atol=1e-12)
    np.testing.assert_allclose(portable.rfft_adjoint(g, a, n, axis, norm), expected,
                               atol=1e-12)
    assert not np.shares_memory(rt.rfft_adjoint(g, a, n, axis, norm), g)
