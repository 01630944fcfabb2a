"""Arrays a function reads from its module (data: ``X @ w - Y`` with ``X`` and ``Y``
globals) are known to the code by their shapes and dtypes, as arguments are (call_kinds.
global_arrays): plain products instead of generic helpers.  A module array rebound to
another shape, dtype or kind of value gets code of its own; a gradient that is a module
array is handed back as a copy.  Gradients against central differences."""
import numpy as np
import pytest

import other_module_data
import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, grad_source, numerical_grad

_RNG = np.random.default_rng(5)
X = _RNG.standard_normal((12, 4))
Y = _RNG.standard_normal(12)
Z = _RNG.standard_normal(64)
W0 = np.linspace(0.0, 1.0, 4)


def least_squares(w):
    r = X @ w - Y
    return np.mean(r ** 2) + 0.1 * np.sum(w ** 2)


def option_price(params):
    s0, sigma = params[0], params[1]
    st = s0 * np.exp(-0.5 * sigma ** 2 + sigma * Z)
    return np.mean(np.maximum(st - 1.0, 0.0))


def scaled_sum(w):
    return np.sum(w * W0)


def smooth_in_sigma(sigma):
    return np.sum(np.tanh(sigma * Z) ** 2)


@pytest.fixture
def restore():
    saved = {k: globals()[k] for k in ("X", "Y", "Z", "W0")}
    yield
    globals().update(saved)


def test_module_data_gives_plain_code(rng):
    w = rng.standard_normal(4)
    check_grad(least_squares, w)
    check_jvp(least_squares, w)
    check_hessian(least_squares, w)
    text = grad_source(least_squares, w)
    for generic in ("matmul_rhs_adjoint", "unbroadcast", "reduced_size", "cast_like"):
        assert generic not in text
    np.testing.assert_allclose(s2sad.grad(least_squares)(w),  # closed form
                               2 * X.T @ (X @ w - Y) / 12 + 0.2 * w, rtol=1e-12)


@pytest.mark.parametrize("f, x", [(option_price, np.array([1.05, 0.3])),
                                  (smooth_in_sigma, 0.7)])
def test_number_arguments_and_module_data(f, x):
    check_grad(f, x)
    g = s2sad.grad(f)
    for _ in range(3):  # (the repeated call's fast path)
        np.testing.assert_allclose(g(x), numerical_grad(f, (x,)), rtol=1e-6, atol=1e-8)


def test_module_arrays_rebound_get_code_of_their_own(rng, restore):
    g = s2sad.grad(least_squares)
    w = rng.standard_normal(4)
    g(w)
    g(w)
    for x, y in ((rng.standard_normal((7, 4)), rng.standard_normal(7)),  # other length
                 (rng.standard_normal((7, 4)), rng.standard_normal(1)),  # broadcast
                 (rng.standard_normal((7, 4)).astype(np.float32), rng.standard_normal(7)),
                 (rng.standard_normal((7, 4)).tolist(), 0.5)):  # a list, a number
        globals().update(X=x, Y=y)
        a = np.asarray(x, dtype=float)  # (the closed form: float32 data's differences
        closed = 2 * a.T @ (a @ w - y) / len(a) + 0.2 * w  # would be too coarse)
        for _ in range(2):
            np.testing.assert_allclose(g(w), closed, rtol=1e-5, atol=1e-6)
            if np.asarray(x).dtype == np.float64:
                np.testing.assert_allclose(g(w), numerical_grad(least_squares, (w,)),
                                           rtol=1e-5, atol=1e-7)
    globals().update(Z=rng.standard_normal(9))
    p = np.array([1.1, 0.4])
    np.testing.assert_allclose(s2sad.grad(option_price)(p),
                               numerical_grad(option_price, (p,)), rtol=1e-6, atol=1e-8)


def test_a_gradient_that_is_a_module_array_is_a_copy(rng):
    w = rng.standard_normal(4)
    g = s2sad.grad(scaled_sum)
    for _ in range(2):
        d = g(w)
        np.testing.assert_array_equal(d, W0)
        assert not np.shares_memory(d, W0)
        d *= 2.0  # (the caller's to change: the module's array stays)
    np.testing.assert_array_equal(W0, np.linspace(0.0, 1.0, 4))


SCALE = 2.0


def scaled_by_a_constant(x):
    return np.sum(SCALE * x ** 2)


def test_a_rebound_constant_is_seen_by_a_later_variant():
    """A variant made after a module constant was rebound, from stages cached before it
    (same shapes, another dtype), reads the constant's new value (it kept the old one)."""
    global SCALE
    g = s2sad.grad(scaled_by_a_constant)
    x = np.array([0.5, -1.0, 2.0])
    try:
        np.testing.assert_allclose(g(x), 4.0 * x)
        SCALE = 5.0
        np.testing.assert_allclose(g(x), 10.0 * x)
        np.testing.assert_allclose(g(x.astype(np.float32)), 10.0 * x, rtol=1e-6)
        np.testing.assert_allclose(s2sad.jvp(scaled_by_a_constant)(x, np.ones(3))[1],
                                   10.0 * np.sum(x), rtol=1e-12)
    finally:
        SCALE = 2.0


class _Holder:
    def __init__(self):
        self.X = np.ones((2, 3))


def a_local_named_like_a_module_array(w):
    X = _Holder().X  # (a local X, and .X an attribute: not the module's X)
    return np.sum((X * w) ** 2) + np.sum([Y for Y in w]) * 0.5


def test_names_bound_in_the_function_are_not_module_arrays(rng):
    w = rng.standard_normal(3)
    check_grad(a_local_named_like_a_module_array, w)
    np.testing.assert_allclose(s2sad.grad(a_local_named_like_a_module_array)(w),
                               4 * w + 0.5, rtol=1e-12)


# ----- a helper from another module reads that module's data: re-read at every call -----

M = np.array([[3.0, -1.0], [0.0, 2.0]])  # (named like the other module's: not the one it reads)


def calls_another_modules_helper(w):
    return other_module_data.exp_energy(w) + np.sum(W0[:2] * w)


def calls_a_helper_of_numbers(w):
    return other_module_data.scaled_tanh(w) * np.sum(M @ w)


@pytest.fixture
def other_restored():
    saved = other_module_data.M, other_module_data.SCALE
    yield
    other_module_data.M, other_module_data.SCALE = saved


def _check_calls(f, w, calls=3):
    g, v = s2sad.grad(f), s2sad.value_and_grad(f)
    for _ in range(calls):  # (the repeated call's fast path)
        expected = numerical_grad(f, (w,))
        np.testing.assert_allclose(g(w), expected, rtol=1e-6, atol=1e-8)
        value, grad = v(w)
        assert value == pytest.approx(f(w), rel=1e-12)
        np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    check_jvp(f, w)
    check_hessian(f, w)


@pytest.mark.parametrize("rebind", [
    {"M": np.array([[1.0, -0.5], [0.25, 0.75]])},  # another value, same shape
    {"M": np.array([[1.0, -0.5], [0.25, 0.75], [-1.0, 0.5]])},  # another shape
    {"SCALE": -0.75},  # a number
])
def test_another_modules_data_rebound_is_read_again(other_restored, rebind):
    w = np.array([0.4, -0.3])
    for f in (calls_another_modules_helper, calls_a_helper_of_numbers):
        _check_calls(f, w)
    for k, value in rebind.items():
        setattr(other_module_data, k, value)
    for f in (calls_another_modules_helper, calls_a_helper_of_numbers):
        _check_calls(f, w)
