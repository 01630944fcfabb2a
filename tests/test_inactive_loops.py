"""A loop whose every statement is inactive for the argument differentiated (fuzz seed
32577): its reverse loop is left with an empty body, which the batch pass's correlate
rewrite unpacked as ``*temps, update = loop.body`` and crashed (ValueError: not enough
values to unpack).  Now the loop is passed over and the gradient is the right one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad


def item_of_array(x, w, p):
    acc = 0.5 * p[1]
    for i in range(6):
        s = np.dot(x[:i], x[1:i + 1])
        acc += np.sum(w)
    return acc + s


def item_of_list(x, w, P):
    acc = np.sin(P[1][2])
    for i in range(6):
        s = np.dot(x[:i], x[:i])
        acc = acc + np.sum(w)
    return acc * s


def fuzz_32577(x, D, M, P):
    acc3 = 0.5 * P[1][1]
    for i in range(6):
        acc5 = np.dot(x[:i], x[1:i + 1])
        acc3 += np.sum(D['w'])
    return acc3 + acc5


def _args(f, rng):
    x, w = rng.standard_normal(6), rng.standard_normal(3)
    if f is item_of_array:
        return (x, w, rng.standard_normal(3)), 2
    if f is item_of_list:
        return (x, w, [rng.standard_normal(6), rng.standard_normal(6)]), 2
    D = {"w": rng.standard_normal((4, 6)), "c": rng.standard_normal(4)}
    return (x, D, rng.standard_normal((4, 6)), [rng.standard_normal(6) for _ in range(2)]), 3


@pytest.mark.parametrize("f", [item_of_array, item_of_list, fuzz_32577])
def test_a_loop_inactive_for_the_argument(rng, f) -> None:
    args, k = _args(f, rng)
    value, g = s2sad.value_and_grad(f, wrt=k)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)
    expected = numerical_grad(f, args, k)
    for got, want in zip(g if isinstance(g, list) else [g], expected
                         if isinstance(expected, list) else [expected]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    check_grad(f, *args, wrt=k)
    check_vjp(f, *args, wrt=k)
    check_jvp(f, *args, wrt=k)
    check_grad(f, *args, wrt=(0, k))  # the loop active again: unchanged
