"""A dict's keys carry no derivative.  A dict's tangent is a dict of the same keys, so
the forward rules that list it (``list``, ``tuple``, ``sorted``, ``sum``, a loop over it,
``d.items()``) handed each key on as its own tangent: ``k * np.sum(v)`` over
``d.items()`` got ``k`` added to its derivative (a wrong jvp, found by a probe in the
style of tools/fuzz2).  The reverse rules of ``list(d)``, ``sum(d)``, ``max(d)`` gave a
list for the dict's adjoint ("'list' object is not a mapping"); ``enumerate(d)`` read
``d[0], d[1]`` for the keys (a KeyError, or the values where the keys are 0 and 1);
``d.keys()`` outside a loop was refused.  Checked against central differences, with
int, float and mixed keys, built literally, by a loop, or passed in."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.5, 0.7, 0.1, -0.2, 0.6])


def items_times_key(x):
    pairs = {0: x[:2] * x[5], 1: x[2:4] * x[1]}
    total = 0.0
    for k, v in pairs.items():
        total = total + np.sum(v ** 2) * (k + 1)
    return total


def sorted_keys_built_in_a_loop(x):
    pairs = {}
    for i in range(3):
        pairs[1.5 - i] = x[2 * i: 2 * i + 2] * x[i]
    total = 0.0
    for k in sorted(pairs):
        total = total * 0.5 + k * np.sum(pairs[k])
    return total


def listed_keys(x):
    pairs = {0.5: x[:2] * x[3], 1.5: x[2:4] * x[1]}
    ks = list(pairs)
    return np.sum(np.array(ks) * x[4:]) + ks[1] * np.sum(pairs[0.5])


def keys_view_and_sum(x):
    pairs = {0.5: np.tanh(x[:3]), 2.0: x[3:] ** 2}
    return sum(pairs.keys()) * x[0] + sum(pairs) * np.sum(pairs[2.0]) + \
        len(pairs.keys() & {0.5})


def max_min_of_keys(x):
    pairs = {0.5: x[:2] * x[2], 1.5: x[2:4] * x[1]}
    return max(pairs) * np.sum(pairs[1.5]) + min(pairs) * x[3]


def enumerate_keys(x):
    pairs = {1: x[:3] * 2.0, 0: x[3:] ** 2}  # (d[0] is not the first key)
    total = 0.0
    for i, k in enumerate(pairs):
        total = total + (k + 2 * i) * np.sum(np.sin(pairs[k]))
    return total


def sorted_items(x):
    w = {0.5: x[:2] * x[5], -1.0: x[2:4] * x[0], 2.0: x[4:]}
    return sum(k * np.sum(v) for k, v in sorted(w.items()))


FUNCTIONS = [items_times_key, sorted_keys_built_in_a_loop, listed_keys, keys_view_and_sum,
             max_min_of_keys, enumerate_keys, sorted_items]


@pytest.mark.parametrize("x", [X, -X, X[::-1] * 1.5])
@pytest.mark.parametrize("f", FUNCTIONS)
def test_keys_carry_no_derivative(f, x):
    check_grad(f, x)
    check_jvp(f, x)


@pytest.mark.parametrize("f", [items_times_key, listed_keys, enumerate_keys, sorted_items])
def test_second_order(f):
    check_hessian(f, X)


def weighted_by_key(d, y):
    total = 0.0
    for k, v in d.items():
        total = total + k * np.sum(v * y[:2])
    return total + max(d) * y[0] + sum(d.keys()) * y[1]


@pytest.mark.parametrize("keys", [(1, 2, 0.5), (0, 1, 2), (2.5, -1.0, 3)])
def test_dict_argument(keys):
    rng = np.random.default_rng(len(keys) + int(keys[0] * 10))
    d = {k: rng.normal(size=2) for k in keys}
    y = rng.normal(size=3)
    check_grad(weighted_by_key, d, y, wrt=(0, 1))
    check_jvp(weighted_by_key, d, y, wrt=(0, 1))
    grads = s2sad.grad(weighted_by_key, wrt=0)(d, y)
    for k in keys:  # in closed form: the value of k is its key times y[:2]
        np.testing.assert_allclose(grads[k], k * y[:2])
