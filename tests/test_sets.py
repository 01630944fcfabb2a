"""Python sets (``compiler/sets.py``): a set display ``{0, 2}`` was refused (a set
literal), ``seen.add(k)`` of a local set refused (a change in place).  A set is read by
membership, which has no derivative: its display is ``set((...))`` and its changes are
new sets.  A set holding differentiated values is refused, never a silent zero.  Against
central differences and closed forms, both branches of the membership tests."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.5, -1.5, 2.0, 0.3, -0.7])


def kept_by_display(x):
    keep = {0, 2, 4}
    return sum(x[i] ** 2 if i in keep else np.sin(x[i]) for i in range(len(x)))


def first_of_each_label(x, labels=(0, 1, 1, 3, 0)):
    seen = set()
    tot = 0.0
    for i, v in enumerate(labels):
        if v not in seen:
            seen.add(v)
            tot += x[i] ** 3
        else:
            tot -= x[i]
    return tot


def changed_sets(x):
    names = {"a", "b"}
    names.add("c")
    names.discard("a")
    return x[0] * len(names) + (x[1] ** 2 if "c" in names else x[1]) + \
        (x[2] if "a" in names else 2.0 * x[2])


def test_kept_by_display():
    closed = np.where(np.isin(np.arange(5), [0, 2, 4]), 2 * X, np.cos(X))
    np.testing.assert_allclose(s2sad.grad(kept_by_display)(X), closed, rtol=1e-12)
    check_grad(kept_by_display, X)
    check_jvp(kept_by_display, X)


def test_first_of_each_label():
    closed = np.array([3 * X[0] ** 2, 3 * X[1] ** 2, -1.0, 3 * X[3] ** 2, -1.0])
    np.testing.assert_allclose(s2sad.grad(first_of_each_label)(X), closed, rtol=1e-12)
    check_grad(first_of_each_label, X)
    value, _ = s2sad.value_and_grad(first_of_each_label)(X)
    assert value == pytest.approx(first_of_each_label(X))


def test_changed_sets():
    closed = np.array([2.0, 2 * X[1], 2.0, 0.0, 0.0])
    np.testing.assert_allclose(s2sad.grad(changed_sets)(X), closed, rtol=1e-12)
    check_grad(changed_sets, X)


def over_sets(x):
    picked = {3, 1}
    later = set()
    later.add(4)
    later.add(0)
    tot = sum(np.exp(x[i]) for i in picked)
    for i in later:
        tot = tot + x[i] ** 2 * (i + 1)
    for i in {2}:
        tot = tot * x[i]
    return tot


def test_loops_over_sets():
    # (a loop over a set was indexed as a list: an 's2sad bug' error)
    inner = np.exp(X[1]) + np.exp(X[3]) + X[4] ** 2 * 5 + X[0] ** 2
    closed = X[2] * np.array([2 * X[0], np.exp(X[1]), 0.0, np.exp(X[3]), 10 * X[4]])
    closed[2] = inner
    np.testing.assert_allclose(s2sad.grad(over_sets)(X), closed, rtol=1e-12)
    check_grad(over_sets, X)
    check_jvp(over_sets, X)


def differentiated_values_in_a_set(x):
    seen = set()
    for v in x:
        seen.add(v * 2.0)
    return sum(seen)


def test_a_set_of_differentiated_values_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="set_added"):
        s2sad.grad(differentiated_values_in_a_set)(X)


# ----- a set given as an argument, looped over (was an "s2sad bug": indexed like a list) -----

def looped_set(x, idx):
    s = 0.0
    for i in idx:
        s += x[i] ** 2
    return s


def summed_set(x, idx):
    return sum(x[i] * 3.0 for i in idx) + np.sum(x[sorted(idx)] ** 3)


def frozen_weights(x, keys):
    total = 0.0
    for k in keys:
        total = total + np.sin(x[k]) * (k + 1)
    return total


@pytest.mark.parametrize("f, idx", [(looped_set, {1, 3}), (summed_set, {0, 2, 4}),
                                    (frozen_weights, frozenset({4, 1}))])
def test_a_set_argument_looped_over(f, idx):
    x = np.array([0.3, -0.8, 1.1, 0.4, -0.2])
    check_grad(f, x, idx)


def test_a_set_argument_closed_form():
    x = np.array([0.3, -0.8, 1.1, 0.4, -0.2])
    np.testing.assert_allclose(s2sad.grad(looped_set)(x, {1, 3}), [0, -1.6, 0, 0.8, 0])
