"""A ufunc writing into a new array with ``out=`` and ``where=`` (the safe-division
idiom, ``np.divide(a, b, out=np.zeros_like(a), where=b != 0)``) was refused: it is the
ufunc's value where ``where`` holds and ``out``'s elsewhere, the ufunc taken at 0.5 where
it is skipped so no pole's NaN reaches a derivative.  ``out=`` an existing array stays
refused.  Against central differences (masks away from their edges) and closed forms."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp


def safe_divide(a, b):
    return np.divide(a, b, out=np.zeros_like(a), where=np.abs(b) > 0.3)


def log_or_floor(x):
    return np.log(x, out=np.full_like(x, -5.0), where=x > 0)


def root_of_positive(x, w):
    root = np.sqrt(x * w, where=x > 0, out=np.zeros_like(x))
    return root + np.multiply(x, w, out=np.empty_like(x))


@pytest.mark.parametrize("f, make, wrt", [
    (safe_divide, lambda r: (r.standard_normal(6), r.standard_normal(6)), (0, 1)),
    (log_or_floor, lambda r: (r.standard_normal(6),), 0),
    (root_of_positive, lambda r: (r.standard_normal(6), 1.7), (0, 1)),
])
def test_ufunc_into_a_new_array(f, make, wrt, rng):
    args = make(rng)
    value, _ = s2sad.vjp(f, wrt=wrt)(*args, np.ones(6))
    np.testing.assert_allclose(value, f(*args))
    check_vjp(f, *args, wrt=wrt, rng=rng)
    check_jvp(f, *args, wrt=wrt, rng=rng)


def test_skipped_poles_give_no_nan():
    """``b == 0`` exactly: the division is skipped there, its derivatives are 0 (not
    NaN: the pole 1/b is never taken)."""
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0, -1.0])

    def loss(a, b):
        return np.sum(np.divide(a, b, out=np.zeros_like(a), where=b != 0))
    ga, gb = s2sad.grad(loss, wrt=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [0.5, 0.0, -1.0])
    np.testing.assert_array_equal(gb, [-0.25, 0.0, -3.0])
    check_grad(lambda_free_loss, np.array([0.5, -2.0, 0.0, 1.0]))


def lambda_free_loss(x):
    return np.sum(np.log(x ** 2, out=np.zeros_like(x), where=x != 0))


def test_out_an_existing_array_written():
    """``np.multiply(x, x, out=y)`` is ``y[...] = np.multiply(x, x)``
    (tests/test_in_place_methods.py); its value used, it is ``y`` itself (was refused)."""
    def f(x):
        y = np.zeros_like(x)
        np.multiply(x, x, out=y)
        return np.sum(y * x)
    x = np.array([0.5, -1.5, 2.0])
    np.testing.assert_allclose(s2sad.grad(f)(x), 3 * x ** 2)

    def g(x):
        y = np.zeros_like(x)
        z = np.multiply(x, x, out=y)
        z[0] = 0.0  # (z is y: the write shows in both)
        return np.sum(z) + np.sum(y)
    np.testing.assert_allclose(s2sad.grad(g)(x), [0.0, 4 * x[1], 4 * x[2]])


# ``out=`` given to a function of the user's is its own parameter, inlined with its body
# (was refused as NumPy's output argument, "out= writes into an existing array")
def _fill_tanh(x, out):
    out[:] = np.tanh(x[:2])


def helper_fills_out(x):
    buf = np.zeros(2)
    _fill_tanh(x, out=buf)
    return np.sum(buf ** 2) + buf[0]


def local_def_scales_into(x):
    def scale(v, out):
        out[...] = 3.0 * v
        return out
    buf = np.ones(4)
    y = scale(x, out=buf)
    return np.sum(y * buf) + np.sum(buf)


def _affine(x, out=None):
    if out is None:
        out = np.empty(2)
    out[:] = x[:2] * x[2:]
    return out


def helper_out_default(x):
    y = _affine(x)
    if y[0] > 0:  # (both ways: x and -x below)
        return np.sum(y ** 2)
    return np.sum(np.sin(y))


@pytest.mark.parametrize("f", [helper_fills_out, local_def_scales_into, helper_out_default])
def test_out_parameter_of_a_user_function(f, rng):
    for x in (np.array([0.4, -0.7, 1.1, 0.3]), -np.array([0.4, -0.7, 1.1, 0.3])):
        before = x.copy()
        value, _ = s2sad.value_and_grad(f)(x)
        assert value == pytest.approx(f(x.copy()), rel=1e-12)
        np.testing.assert_array_equal(x, before)
        check_grad(f, x)
        check_jvp(f, x, rng=rng)
