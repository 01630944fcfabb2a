"""Probes in the style of other AD tools' own suites (autograd's test_linalg / test_scipy
and JAX's check_grads(order=2): every function differentiated twice, a decomposition's
tuple spread into a helper ``h(*np.linalg.svd(a))``, scipy's logsumexp with
``return_sign``, scipy.signal.lfilter in its denominator; helper `suite`, session 47):
the cases that failed on main, three variations each, checked against central
differences in float64 (and a closed form where there is one), both branches of each
``if``."""
from __future__ import annotations

import collections
import copy
import operator

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

try:
    import scipy.signal as sg
    import scipy.special as sp
except ImportError:  # (the tests of SciPy's functions are skipped)
    sg = sp = None
needs_scipy = pytest.mark.skipif(sp is None, reason="SciPy is not installed")


def _second(f, w):
    """sum(grad(f)(x) * w): its gradient is the Hessian of f times w."""
    def weighted_slope(x):
        return np.sum(s2sad.grad(f)(x) * w)
    return weighted_slope


# ----- a library function's tuple spread into a helper, differentiated twice: the
# tuple went through spread_of / copy.copy, which the compiler did not know keep a
# container, so two adjoints of the tuple were joined with ``+`` (the tuples
# concatenated, the first items read back): a silently wrong second derivative -----


def _rebuilt(u, s, v):
    return u * s @ v


def spread_svd(a):
    return np.sum(np.sin(_rebuilt(*np.linalg.svd(a, full_matrices=False))))


def spread_qr_lambda(a):
    return np.sum(np.sin((lambda q, r: q @ r)(*np.linalg.qr(a))))


def copied_qr(a):
    t = copy.copy(np.linalg.qr(a))
    return np.sum(np.sin(t[0] @ t[1]))


@pytest.mark.parametrize("f", [spread_svd, spread_qr_lambda, copied_qr])
def test_second_derivative_through_a_spread_decomposition(f, rng):
    a = rng.standard_normal((4, 3))
    w = rng.standard_normal((4, 3))
    # closed form: each rebuilds a, so grad f = cos(a) and its derivative along w
    # is -sin(a) * w
    np.testing.assert_allclose(s2sad.grad(f)(a), np.cos(a), atol=1e-12)
    np.testing.assert_allclose(s2sad.grad(_second(f, w))(a), -np.sin(a) * w, atol=1e-9)
    check_grad(_second(f, w), a, rtol=1e-4, atol=1e-5)


def spread_eigh_values(a):
    return np.sum(np.tanh((lambda vals, vecs: vals * vecs[0])(*np.linalg.eigh(a))))


def test_second_derivative_spread_eigh(rng):
    a = rng.standard_normal((3, 3))
    a = a + a.T
    check_grad(_second(spread_eigh_values, rng.standard_normal((3, 3))), a,
               rtol=1e-4, atol=1e-5)


# ----- scipy.special.logsumexp(..., return_sign=True) differentiated twice: the rule of
# its weights took the (log|s|, sign) pair for the value (an IndexError out of
# generated code: "an s2sad bug") -----

def signed_lse(z):
    return np.sum(np.sin(sp.logsumexp(z, b=np.array([1.0, -0.1, 1.0, 1.0]), return_sign=True)[0]))


def signed_lse_rows(z):
    value, sign = sp.logsumexp(z, axis=1, b=np.array([1.0, -0.3, 2.0]), return_sign=True)
    return np.sum(value ** 2 * sign)


def signed_lse_of_b(b):
    z = np.array([0.3, -0.5, 1.2, 0.1])
    return np.tanh(sp.logsumexp(z, b=b, return_sign=True)[0])


@needs_scipy
@pytest.mark.parametrize("f, shape", [(signed_lse, (4,)), (signed_lse_rows, (2, 3)),
                                      (signed_lse_of_b, (4,))])
def test_second_derivative_of_signed_logsumexp(f, shape, rng):
    x = rng.standard_normal(shape)
    if f is signed_lse_of_b:
        x = np.array([1.0, -0.2, 0.7, 0.4]) + 0.1 * x  # sum(b exp(z)) stays positive
    check_grad(f, x)
    check_grad(_second(f, rng.standard_normal(shape)), x, rtol=1e-4, atol=1e-5)


@needs_scipy
def test_signed_logsumexp_closed_form():
    """log|sum(b e^z)|: its gradient is b e^z / sum(b e^z) (the sign cancels)."""
    z = np.array([0.3, -0.5, 1.2, 0.1])
    b = np.array([1.0, -3.0, 1.0, 1.0])  # the sum is negative: sign -1

    def log_abs(z):
        return sp.logsumexp(z, b=b, return_sign=True)[0]
    expected = b * np.exp(z) / np.sum(b * np.exp(z))
    np.testing.assert_allclose(s2sad.grad(log_abs)(z), expected, rtol=1e-12)
    hess = np.diag(expected) - np.outer(expected, expected)
    np.testing.assert_allclose(s2sad.hessian(log_abs)(z), hess, rtol=1e-9, atol=1e-12)


# ----- a loop in one branch of an ``if`` reading, in an inner loop, a value of another
# shape each trip: its zero adjoint was made like the last trip's value (only values
# bound on every path had their shapes recorded): a broadcast error or an IndexError
# out of generated code; the same in scipy.signal.lfilter's taped loop differentiated
# again -----


def prefix_squares(x, flag):
    t = 0.0
    if flag:
        for i in [3, 2, 1]:
            v = x[:i]
            for k in range(i):
                t = t + v[k] ** 2 * x[i]
    else:
        t = np.sum(x ** 2)
    return t


def suffix_sines(x, flag):
    t = 0.0
    if flag:
        for i in range(1, 5):
            v = np.sin(x[i:])
            for k in range(2):
                t = t + v[k] * x[k]
    return t


def row_products(x, flag):
    t = 0.0
    if flag > 0:
        t = np.sum(x)
    else:
        for r in [x[:3], x[1:5], x]:
            w = r * 2.0
            for k in range(2):
                t = t + w[k] * w[k + 1]
    return t


@pytest.mark.parametrize("f, flags", [(prefix_squares, (True, False)),
                                      (suffix_sines, (True, False)),
                                      (row_products, (1, -1))])
def test_inner_loop_over_a_value_of_changing_shape_in_a_branch(f, flags):
    x = np.array([0.3, -0.2, 1.1, 0.5, 0.2, 0.9])
    for flag in flags:
        check_grad(f, x, flag)


def test_prefix_squares_closed_form():
    x = np.array([0.3, -0.2, 1.1, 0.5, 0.2, 0.9])
    expected = np.zeros(6)
    for i in [3, 2, 1]:
        expected[:i] += 2 * x[:i] * x[i]
        expected[i] += np.sum(x[:i] ** 2)
    np.testing.assert_allclose(s2sad.grad(prefix_squares)(x, True), expected, rtol=1e-12)


def denominator_listed(a, x):
    return np.sum(np.sin(sg.lfilter([1.0, 0.5], [1.0, a[0], a[1]], x)))


def denominator_joined(a, x):
    return np.sum(np.sin(sg.lfilter([1.0], np.concatenate([np.ones(1), a]), x)))


def signal_and_denominator(a, x):
    return np.sum(sg.lfilter(np.array([0.5]), np.concatenate([np.ones(1), a]), x) ** 2)


def _second_in_a(f, w):
    def weighted_slope(a, x):
        return np.sum(s2sad.grad(f)(a, x) * w)
    return weighted_slope


@needs_scipy
@pytest.mark.parametrize("f", [denominator_listed, denominator_joined,
                               signal_and_denominator])
def test_second_derivative_of_lfilter(f, rng):
    a = np.array([0.1, -0.2])
    x = rng.standard_normal(6)
    check_grad(f, a, x)
    check_grad(_second_in_a(f, rng.standard_normal(2)), a, x, rtol=1e-4, atol=1e-5)
    check_grad(_second_in_a(f, 0.7), a, x, rtol=1e-4, atol=1e-5)


# ----- the errors JAX's and autograd's tests expect: grad of an output that is not a
# number (a str, an array of strings: was a gradient of zeros), an integer array given
# for a differentiated argument (was a ValueError only; theirs raise TypeError) -----


def text_out(x):
    return "x"


def text_array_out(x):
    return np.array(["x"])


def text_in_branch(x, flag):
    if flag:
        return "x"
    return x * 2.0


@pytest.mark.parametrize("f, args", [(text_out, (1.0,)), (text_array_out, (np.ones(2),)),
                                     (text_in_branch, (1.5, True))])
def test_grad_of_an_output_that_is_no_number(f, args):
    with pytest.raises(TypeError, match="not a number"):
        s2sad.grad(f)(*args)
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(f)(*args)


def test_the_other_branch_of_an_output_that_may_be_text():
    assert s2sad.grad(text_in_branch)(1.5, False) == 2.0


def sum_squares(x):
    return np.sum(x * x)


@pytest.mark.parametrize("value", [np.arange(3), np.array([True, False]),
                                   [np.arange(2), np.ones(2)]])
def test_integer_array_for_a_differentiated_argument_is_a_type_error(value):
    f = sum_squares if not isinstance(value, list) else (lambda xs: sum_squares(xs[0]))
    with pytest.raises(TypeError, match="dtype"):
        s2sad.grad(f)(value)
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(f)(value)


# ----- operator.itemgetter / attrgetter called on a differentiated value (autograd's
# test_builtins style): a C object with no source, refused with a garbled message
# ("derivative of this line again ... operator.s2sad_callee"); now read as the
# subscripts / attributes it takes -----


def picked_pair(a):
    return operator.itemgetter(0, 2)(a)[1] * a[0]


def picked_tail(a):
    return np.sum(operator.itemgetter(slice(1, None))(a) ** 2)


def picked_keys(d):
    first, second = operator.itemgetter("u", "v")(d)
    return first * np.sum(np.sin(second))


def test_itemgetter_closed_forms():
    a = np.array([1.5, -2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(picked_pair)(a), [3.0, 0.0, 1.5])
    np.testing.assert_allclose(s2sad.grad(picked_tail)(a), [0.0, -4.0, 6.0])
    d = {"u": 1.5, "v": np.array([0.2, -0.7])}
    got = s2sad.grad(picked_keys)(d)
    assert got["u"] == pytest.approx(np.sum(np.sin(d["v"])))
    np.testing.assert_allclose(got["v"], 1.5 * np.cos(d["v"]))


@pytest.mark.parametrize("f", [picked_pair, picked_tail])
def test_itemgetter_against_differences(f, rng):
    a = rng.standard_normal(4)
    check_grad(f, a)
    check_jvp(f, a)


Pair = collections.namedtuple("Pair", "w b")


def fitted(p):
    w, b = operator.attrgetter("w", "b")(p)
    return np.sum((w * np.arange(3.0) + b) ** 2)


def test_attrgetter_on_a_named_tuple(rng):
    p = Pair(rng.standard_normal(3), 0.4)
    got = check_grad(fitted, p)
    r = p.w * np.arange(3.0) + p.b
    np.testing.assert_allclose(got.w, 2 * r * np.arange(3.0))
    assert got.b == pytest.approx(2 * np.sum(r))


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
