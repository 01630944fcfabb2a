"""``xs[a:b] = v`` of a list where ``v`` has another length than the slice (the list
grows or shrinks) is refused at the user's line: the adjoint of a write reads the new
list's adjoint by the old list's positions, so the derivative failed inside the
generated code ("s2sad bug": a reshape of the wrong size) or was refused as a join of
lists of unknown kind.  A slice write that keeps the length (extended slices too),
and the rewrite the message asks for, are differentiated; checked against central
differences in float64, both branches of the ifs."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -1.2, 0.8, 1.5, -0.4, 0.9])


def _weighted(xs):
    return sum(t * (i + 1) for i, t in enumerate(xs))


def shrunk(x):
    xs = list(x)
    xs[2:4] = [x[4] ** 2]
    return _weighted(xs)


def grown_at_the_end(x):
    xs = list(x)
    xs[4:] = [x[0], x[1] * x[2], x[3]]
    return _weighted(xs) + len(xs)


def emptied_slice(x):
    xs = [x[0], x[1], x[2] ** 2, x[3]]
    xs[1:3] = []
    return _weighted(xs)


def grown_in_a_branch(x):
    xs = list(x)
    if x[0] > 0:
        xs[1:1] = [x[5] * 2.0]
    else:
        xs[1:2] = [x[5] * 2.0]
    return _weighted(xs)


def grown_in_a_loop(x):
    xs = [x[0]]
    for i in range(1, 4):
        xs[i:] = [xs[i - 1] * x[i], x[i]]
    return _weighted(xs)


@pytest.mark.parametrize("f", [shrunk, grown_at_the_end, emptied_slice, grown_in_a_loop])
def test_a_slice_write_that_changes_a_lists_length_is_refused_at_its_line(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_list_splices\.py:\d+: a "
                       r"slice assignment that changes a list's length"):
        s2sad.grad(f)(X)


def test_the_branch_that_changes_the_length_is_refused_the_other_differentiated():
    with pytest.raises(s2sad.DifferentiationError, match="changes a list's length"):
        s2sad.grad(grown_in_a_branch)(X)
    check_grad(grown_in_a_branch, -X)  # (xs[1:2] = [v]: the same length)
    check_jvp(grown_in_a_branch, -X)


def same_length(x):
    xs = list(x)
    xs[1:3] = [x[4] ** 2, x[0] * 3.0]
    return _weighted(xs)


def every_other_item(x):
    xs = list(x)
    xs[::2] = [x[1], x[3], x[5] ** 2]
    return _weighted(xs)


def negative_bounds(x):
    xs = [x[0] * x[1], x[2], x[3], x[4]]
    xs[-3:-1] = [np.sin(x[5]), xs[0]]
    return _weighted(xs)


@pytest.mark.parametrize("f", [same_length, every_other_item, negative_bounds])
def test_a_slice_write_of_the_same_length_is_differentiated(f):
    check_grad(f, X)
    check_jvp(f, X)


def rebuilt_shorter(x):
    xs = list(x)
    xs = xs[:2] + [x[4] ** 2] + xs[4:]
    return _weighted(xs)


def rebuilt_longer(x):
    xs = list(x)
    xs = xs[:1] + [x[4] ** 2, x[0] * 3.0, x[1]] + xs[2:]
    return _weighted(xs)


def rebuilt_in_a_branch(x):
    xs = [x[0], x[1]]
    if x[2] > 0:
        xs = xs[:1] + [x[3]] + xs[1:]
    return _weighted(xs)


@pytest.mark.parametrize("f", [rebuilt_shorter, rebuilt_longer, rebuilt_in_a_branch])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_rewrite_the_message_asks_for_is_differentiated(f, sign):
    check_grad(f, sign * X)
    check_jvp(f, sign * X)


def test_the_rewrite_has_the_closed_form_gradient():
    # weights 1, 2, 3, 4, 5 on x0, x1, x4^2, x4, x5
    expected = np.array([1.0, 2.0, 0.0, 0.0, 3.0 * 2 * X[4] + 4.0, 5.0])
    np.testing.assert_allclose(s2sad.grad(rebuilt_shorter)(X), expected, rtol=1e-12)
