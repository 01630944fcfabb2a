"""A user's ``np.cumsum`` / ``np.cumprod`` along a literal axis called in generated code
as ``running_sum`` / ``running_product`` (compiler/running_calls.py), which take a loop
over the axis where its steps are wide (runtime/running.py): the same numbers as NumPy
bit for bit on both sides of the width, any axis, any dtype NumPy takes; the rewrite
only with a literal axis; gradients, tangents and second derivatives through the
helpers (their rules) against central differences, at shapes that take the loop and
shapes that do not."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, grad_source
from s2sad.runtime.running import WIDE, running_product, running_sum

_HELPERS = [(running_sum, np.cumsum), (running_product, np.cumprod)]


@pytest.mark.parametrize("shape, axis", [
    ((WIDE, 7), 1), ((WIDE - 1, 7), 1), ((WIDE, 7), -1), ((7, WIDE), 0), ((7, WIDE - 1), 0),
    ((3, 9, WIDE // 8), -2), ((2 * WIDE,), 0), ((WIDE, 1), 1), ((0, 5), 1)])
@pytest.mark.parametrize("helper, numpy", _HELPERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_same_numbers_as_numpy(shape, axis, helper, numpy, dtype):
    x = np.random.default_rng(3).uniform(0.9, 1.1, shape).astype(dtype)
    before = x.copy()
    got, want = helper(x, axis), numpy(x, axis=axis)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want)
    assert np.array_equal(x, before)  # (read only)


@pytest.mark.parametrize("helper, numpy", _HELPERS)
def test_what_numpy_takes_otherwise(helper, numpy):
    ints = np.arange(1, 3 * WIDE + 1).reshape(WIDE, 3) % 5
    for x in (ints, ints.astype(bool), [[1.0, 2.0], [3.0, 4.0]], np.float64(2.0)):
        axis = 0 if np.ndim(x) == 0 else 1
        want = numpy(x, axis=axis) if np.ndim(x) else numpy(x)
        assert np.array_equal(helper(x, axis) if np.ndim(x) else numpy(x), want)
    with pytest.raises(np.exceptions.AxisError):
        helper(np.ones((WIDE, 3)), 2)


def survival(eta, weights):
    """Survival curves along time (axis 1): the discrete-hazard pattern."""
    hazard = 1.0 / (1.0 + np.exp(-eta))
    return np.sum(weights * np.cumprod(1.0 - hazard, axis=1))


def balances(flows, rates):
    """Running balances down the rows (axis 0), compounded: a sum and a product."""
    return np.sum(np.cumsum(flows, 0) * np.cumprod(1.0 + rates, axis=0) ** 2)


def last_axis(a):
    """Products along the last axis of a 3-D array, written -1."""
    return np.sum(np.sin(np.cumprod(a, axis=-1)))


_R = np.random.default_rng(11)
_WIDE_CASES = [
    (survival, (_R.standard_normal((WIDE, 3)), _R.standard_normal((WIDE, 3)))),
    (balances, (_R.standard_normal((3, WIDE)), _R.uniform(-0.2, 0.2, (3, WIDE)))),
    (last_axis, (_R.uniform(0.5, 1.5, (2, WIDE // 2, 3)),)),
]
_NARROW_CASES = [
    (survival, (_R.standard_normal((6, 5)), _R.standard_normal((6, 5)))),
    (balances, (_R.standard_normal((4, 3)), _R.uniform(-0.2, 0.2, (4, 3)))),
    (last_axis, (_R.uniform(0.5, 1.5, (2, 3, 4)),)),
]


@pytest.mark.parametrize("f, args", _WIDE_CASES + _NARROW_CASES)
def test_gradients_and_tangents(f, args):
    every = tuple(range(len(args)))
    check_grad(f, *args, wrt=every)
    check_jvp(f, *args, wrt=every)


@pytest.mark.parametrize("f, args", _WIDE_CASES[:2])
def test_value_bit_for_bit(f, args):
    value, _ = s2sad.value_and_grad(f)(*args)
    assert value == f(*args)


@pytest.mark.parametrize("f, args", _WIDE_CASES)
def test_second_order_at_wide_shapes(f, args):
    """The gradient's tangent (through the helpers' rules) against differences of the
    gradient."""
    check_jvp(s2sad.grad(f), *args, rtol=1e-4, atol=1e-5)


def compounded(r):
    return np.sum(np.log(np.cumprod(1.0 + r, axis=1)) * np.cumsum(r, axis=0))


def test_hessian_of_a_small_program():
    check_hessian(compounded, np.random.default_rng(4).uniform(-0.3, 0.3, (3, 4)))


def test_rewritten_with_a_literal_axis():
    eta, w = _WIDE_CASES[0][1]
    assert "surv = running_product(sub, 1)" in grad_source(survival_named, eta, w)
    assert "running_sum(flows, 0)" in grad_source(balances, *_WIDE_CASES[1][1], wrt=1)
    assert "running_product(a, -1)" in grad_source(last_axis, *_WIDE_CASES[2][1])


def survival_named(eta, weights):
    sub = 1.0 - 1.0 / (1.0 + np.exp(-eta))
    surv = np.cumprod(sub, axis=1)
    return np.sum(weights * surv)


def flat_products(a):
    return np.sum(np.cumprod(a))  # (axis None: flattened, NumPy's)


def chosen_axis(a, k):
    return np.sum(np.cumprod(a, axis=k))  # (an axis the caller gives)


def with_dtype(a):
    return np.sum(np.cumsum(a, axis=1, dtype=np.float64) ** 2)


@pytest.mark.parametrize("f, args", [
    (flat_products, (_R.uniform(0.5, 1.5, (WIDE, 2)),)),
    (chosen_axis, (_R.uniform(0.5, 1.5, (WIDE, 2)), 1)),
    (with_dtype, (_R.standard_normal((WIDE, 2)),)),
])
def test_left_to_numpy_otherwise(f, args):
    assert "running_" not in grad_source(f, *args)
    check_grad(f, *args)


def gradient_size(a):
    """A number made of the gradient of a running product: reverse over reverse."""
    return np.sum(s2sad.grad(last_axis)(a) ** 2)


@pytest.mark.parametrize("shape", [(2, WIDE // 2, 3), (2, 3, 4)])
def test_reverse_over_reverse(shape):
    check_grad(gradient_size, np.random.default_rng(9).uniform(0.5, 1.5, shape),
               rtol=1e-4, atol=1e-5)
