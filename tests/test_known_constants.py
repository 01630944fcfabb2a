"""Tests decided by an inlined helper's literal arguments while normalizing
(s2sad/compiler/known_constants.py): only the branch taken is read, so a branch that
could not be differentiated no longer stops the derivative, and both branches of each
option give the gradient finite differences give."""
from __future__ import annotations

import gast
import numpy as np
import pytest

import s2sad
from s2sad.compiler import pipeline
from tests.gradcheck import check_grad, check_hessian


def _sorted(x, in_place=False):
    if in_place:
        x.sort()  # (refused if read: the call changes x in place)
        return x
    return np.sort(x)


def sort_weighted(x, w):
    return np.sum(_sorted(x) * w)


def _scaled(x, scale=None, axis=None):
    if scale is None:
        scale = 2.0
    if isinstance(axis, (tuple, list)):
        return scale * np.sum(x * x, axis=tuple(axis))
    if axis is not None:
        return scale * np.sum(np.sin(x), axis=axis)
    return scale * np.tanh(x)


def scaled_default(x):
    return np.sum(_scaled(x) ** 2)


def scaled_given(x):
    return np.sum(_scaled(x, 0.5, 0) ** 2)


def scaled_axes(x):
    return np.sum(_scaled(x, axis=(0, 1)))


def _by_rank(x, smooth=True):
    if np.ndim(x) == 1:
        y = x[1:] - x[:-1]
    else:
        y = x[:, 1:] - x[:, :-1]
    return np.sum(y ** 2) if not smooth else np.sum(np.cosh(y))


def rank_smooth(x):
    return _by_rank(x)


def rank_square(x):
    return _by_rank(x, smooth=False)


def _pick(x, mode="sum", k=2):
    a = np.sum(x ** 2) if mode == "sum" else np.max(x)
    return a * (1.5 if k > 1 else -1.5)


def pick_sum(x):
    return _pick(x)


def pick_max(x):
    return _pick(x, "max", 0)


def test_untaken_branch_is_not_read():
    x, w = np.array([0.3, -1.2, 2.0, 0.7]), np.array([1.0, 2.0, 3.0, 4.0])
    check_grad(sort_weighted, x, w, wrt=(0, 1))
    before = x.copy()
    s2sad.grad(sort_weighted)(x, w)
    assert np.array_equal(x, before)


def _reduced(x, axis=None, square=False):
    y = x * x if square else np.sin(x)
    if isinstance(axis, (tuple, list)):
        return np.sum(y, axis=tuple(axis))
    return np.sum(y) if axis is None else np.sum(y, axis=axis)


def reduced_all(x):
    return _reduced(x) ** 2


def reduced_axes(x):
    return np.sum(_reduced(x, (0, 1), True) ** 2)


def reduced_one(x):
    return np.sum(np.cos(_reduced(x, 1, square=True)))


@pytest.mark.parametrize("f", [reduced_all, reduced_axes, reduced_one, pick_sum,
                               pick_max, sort_weighted])
def test_decided_branches_leave_no_test(f):
    node = pipeline.prepare(f, stage="normalize").node
    assert not [n for n in gast.walk(node) if isinstance(n, (gast.If, gast.IfExp))]


def test_a_test_of_a_value_stays():
    def f(x, k):
        return _pick(x, "sum", k)
    node = pipeline.prepare(f, stage="normalize").node
    assert [n for n in gast.walk(node) if isinstance(n, gast.If)]
    check_grad(f, np.array([0.5, -1.0, 2.5]), 3)
    check_grad(f, np.array([0.5, -1.0, 2.5]), 0)


@pytest.mark.parametrize("f", [scaled_default, scaled_given, scaled_axes, reduced_all,
                               reduced_axes, reduced_one])
def test_option_branches(f):
    x = np.random.default_rng(3).standard_normal((3, 4))
    check_grad(f, x)


@pytest.mark.parametrize("f", [rank_smooth, rank_square])
@pytest.mark.parametrize("shape", [(6,), (3, 5)])
def test_rank_branches(f, shape):
    x = np.random.default_rng(4).standard_normal(shape)
    check_grad(f, x)


@pytest.mark.parametrize("f", [pick_sum, pick_max])
def test_literal_comparisons(f):
    check_grad(f, np.array([0.5, -1.0, 2.5]))


@pytest.mark.parametrize("shape", [(7,), (4, 5), (3, 4, 5)])
def test_np_gradient_every_rank(shape):
    x = np.random.default_rng(5).standard_normal(shape)

    def f(x):
        parts = np.gradient(x)
        parts = parts if isinstance(parts, (tuple, list)) else (parts,)
        return sum(np.sum(np.sin(p)) for p in parts)
    check_grad(f, x)


# ----- hasattr of a module: version checks decided when the derivative is made -----

def integral_either(x):
    """NumPy 2 has no ``np.trapz``: Python takes the branch that exists, and so does s2sad
    (the other one is never made)."""
    if hasattr(np, "trapz"):
        return np.trapz(x ** 2)
    return np.trapezoid(x ** 2)


def integral_expression(x):
    return np.trapezoid(np.sin(x)) if hasattr(np, "trapezoid") else np.trapz(np.sin(x))


def missing_first(x):
    """A made-up name checked first: the branch that calls it is never taken."""
    total = np.sum(x ** 3)
    if not hasattr(np, "no_such_function"):
        total = total + np.sum(np.cos(x))
    else:
        total = np.no_such_function(x)
    return total


@pytest.mark.parametrize("f", [integral_either, integral_expression, missing_first])
def test_hasattr_of_a_module_decided(f, rng):
    x = rng.standard_normal(5)
    check_grad(f, x)
    check_hessian(f, x)
