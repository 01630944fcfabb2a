"""A name that is one array on one path and a view of another on the other path, then a
write into that array (fuzz seed 30068): s2sad took the name to be the written array on
every path (its value and derivative then ignored the view), now it refuses honestly.
A name that is the written array on every path is still followed through the write."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad


def view_in_then(x, c):
    r = x * 2.0
    if c > 0.4:
        v = x[::-1]
    else:
        v = r
    r[1] = 7.0
    return np.sum(v * x)


def view_by_default(x, c):
    r = x * 2.0
    v = r
    if c > 0.4:
        v = x[::-1]
    r[1] = 7.0
    return np.sum(v * x)


def view_of_another_argument(x, y, c):
    r = x * 2.0
    v = y.T if c > 0.4 else r
    r[1] = x[0] ** 2
    return np.sum(v * x)


def fuzz_30068(x, z):
    r3 = np.zeros(5)
    w4 = r3[1:]
    v13 = x[::-1] if np.sum(x) > 0.0 else r3
    r3[1:4] = w4[1] if np.sum(z) > 0.28 else 0.04
    return np.mean(v13 * x)


CASES = [(view_in_then, 2), (view_by_default, 2), (view_of_another_argument, 3),
         (fuzz_30068, 2)]


def _args(f, n_args, sign):
    x = np.array([0.3, -0.5, 0.8, 1.0, 2.0]) * (1.0 if f is not fuzz_30068 else sign)
    if f is fuzz_30068:
        return (x, np.array([1.07, -1.09, -0.19]))
    return (x, sign) if n_args == 2 else (x, x[::-1] + 1.0, sign)


@pytest.mark.parametrize("f, n_args", CASES)
@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("entry", ["value_and_grad", "vjp", "jvp"])
def test_a_maybe_view_written_through_its_other_path_is_refused(f, n_args, sign, entry):
    """Both branches (sign): the derivative is refused, never the written array's."""
    args = _args(f, n_args, sign)
    extra = {"value_and_grad": (), "vjp": (1.0,), "jvp": (np.ones(5),)}[entry]
    with pytest.raises(s2sad.DifferentiationError, match="in-place write to r"):
        getattr(s2sad, entry)(f)(*args, *extra)


def same_array_on_both_paths(x, c):
    r = x * 2.0
    if c > 0.4:
        v = r
    else:
        v = r
        r[0] = np.sin(x[2])
    r[1] = x[0] ** 2
    return np.sum(v * x)


def same_array_after_a_loop(x, c):
    r = np.tanh(x)
    v = r
    for i in range(1, 4):
        if x[i] > c:
            v = r
    r[2] = x[1] * x[3]
    return np.sum(v * np.cos(x))


@pytest.mark.parametrize("f", [same_array_on_both_paths, same_array_after_a_loop])
@pytest.mark.parametrize("c", [0.6, 0.0, -0.7])
def test_the_same_array_on_every_path_is_followed_through_the_write(f, c) -> None:
    x = np.array([0.3, -0.5, 0.8, 1.0, 2.0])
    value, g = s2sad.value_and_grad(f)(x, c)
    assert value == pytest.approx(f(x.copy(), c), rel=1e-12)
    np.testing.assert_allclose(g, numerical_grad(f, (x, c)), rtol=1e-5, atol=1e-6)
    check_grad(f, x, c)
    check_vjp(f, x, c)
    check_jvp(f, x, c)
