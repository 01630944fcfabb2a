"""A write through a view of an array a branch chose (``c = A if t else B; w = c[1:];
w[0] = v``): on every path ``c`` still holds the array ``w`` was taken from (a mark the
alias stage keeps per view, made stale where its base is bound again:
``alias._Aliases.mark_views``), so the write goes through to ``c`` whichever array that
is, and ``w`` is taken again from it; was refused (one of the random programs' frequent
refusals).  Where the base may have been bound again, or another live name holds one of
the arrays, it stays refused."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.5, -1.2, 0.8, 1.4])
POINTS = [X, -X, np.abs(X), np.array([-0.5, -1.2, 0.8, 1.4])]


def chosen_then_written(x):
    c = np.cos(x * 2.0) if np.max(x) > 0.99 else np.sin(x)
    w = c[1:]
    w[0] = x[0] ** 2
    return np.sum(c * c) + np.sum(w * w)


def chosen_by_helper(x, W):
    def pick(t):
        return np.cos(W[:, 1]) if np.max(t) > 0.99 else np.where(W[:, 0] > 0.2, t, W[:, 2])
    c = pick(x)
    w = c[1:]
    w[0] = x[0] ** 2
    return np.sum(c * c) + np.sum(w * w)


def chosen_two_views(x):
    c = np.sin(x) if x[0] > 0 else np.cos(x[::-1])
    w = c[1:]
    v = c[:2]
    w[0] = x[3] ** 2
    return np.sum(c) + np.sum(v * 3.0) + np.sum(w)


def chosen_added_into(x):
    if x[1] > 0:
        c = np.tanh(x)
    else:
        c = x * 2.0
    w = c[::2]
    w += x[1:3] * x[0]
    return np.sum(np.sin(c)) + np.sum(w ** 2)


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("f", [chosen_then_written, chosen_two_views, chosen_added_into])
def test_write_through_a_view_of_a_chosen_array(f, x):
    value, _ = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(x.copy()), rel=1e-12)
    check_grad(f, x)
    check_jvp(f, x)


@pytest.mark.parametrize("x", POINTS)
def test_chosen_by_a_helper(x):
    W = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    check_grad(chosen_by_helper, x, W)
    check_jvp(chosen_by_helper, x, W)


def base_bound_again_on_a_path(x):
    A = np.sin(x)
    B = np.cos(x)
    c = A if x[0] > 0 else B
    w = c[1:]
    if x[1] > 0:
        c = B
    w[0] = x[2] ** 2
    return np.sum(c * 2.0) + np.sum(A) + np.sum(B * 3.0) + np.sum(w)


def swapped_after_the_view(x):
    A = np.sin(x)
    B = np.cos(x)
    if x[0] > 0:
        a, b = A, B
    else:
        a, b = B, A
    w = a[1:]
    a, b = b, a
    w[0] = x[2] ** 2
    return np.sum(a * 2.0) + np.sum(b) + np.sum(w * 5.0)


@pytest.mark.parametrize("f", [base_bound_again_on_a_path, swapped_after_the_view])
def test_base_maybe_bound_again_stays_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match="in-place write"):
        s2sad.grad(f)(X)
