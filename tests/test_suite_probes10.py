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
