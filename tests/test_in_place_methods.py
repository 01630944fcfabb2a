"""NumPy calls that change a named array in place: ``y.sort()``, ``a.fill(v)``, a ufunc
given ``out=c``.  They were refused; they are now writes of every item of the array
(``y[...] = np.sort(y)``, compiler/in_place_methods.py), which the alias stage follows as
any item write: a second name holding the array sees it, a view's write goes back into
its base, a list holding the array is refused at the line.  Checked against central
differences in both modes; the caller's arrays are never changed."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad

W = np.arange(4.0)
X = np.array([0.3, -0.7, 1.1, 0.2])
X2 = np.array([-0.45, 0.8, 0.15, 1.3])


def sorted_local(x):
    y = x * 2.0
    y.sort()
    return np.sum(y * W)


def sorted_second_name(x):
    y = np.sin(x)
    z = y
    z.sort()
    return np.sum(y * W) + np.sum(z * z * W)


def sorted_view_rows(x):
    B = np.outer(x, x[:2])
    v = B[1:3]
    v.sort(axis=0)
    return np.sum(B * np.arange(8.0).reshape(4, 2))


def sorted_in_branch(x):
    y = x ** 2
    if x[0] > 0:
        y.sort(kind="stable")
    else:
        y[0] = y[0] * 3.0
    return np.sum(y * W)


def sorted_in_loop(x):
    y = x.copy()
    for i in range(2):
        y = y - 0.9 * y[i]
        y.sort(0)
    return np.sum(y * W)


def filled_local(x):
    y = x * 2.0
    y.fill(x[0] * x[1])
    return np.sum(y * x)


def filled_rows(x):
    B = np.outer(x, x)
    B[1].fill(x[2])
    r = B[2]
    r.fill(3.0)
    return np.sum(B * B)


def filled_second_name(x):
    y = np.exp(x)
    z = y
    z.fill(x[3])
    return np.sum(y * x) + z[0]


def out_local(x):
    c = np.zeros(4)
    np.multiply(x, x, out=c)
    return np.sum(c * x)


def out_row(x):
    B = np.zeros((2, 4))
    np.multiply(x, x, out=B[0])
    np.add(x, np.sin(x), out=(B[1],))
    return np.sum(B * B * 0.5)


def out_second_name(x):
    c = np.ones(4)
    d = c
    np.exp(x, out=c)
    np.add(c, 1.0, out=c)
    return np.sum(d * x)


def helper_sorts(v):
    v.sort()


def sorted_by_a_helper(x):
    y = x * 1.5
    helper_sorts(y)  # (the caller's y is sorted)
    return np.sum(y * W)


def sorted_both_axes(x):
    B = np.outer(x, x[::-1])
    B.sort(axis=1)
    B.sort(0)
    return np.sum(B * np.arange(16.0).reshape(4, 4))


def out_accumulated_in_loop(x):
    a = np.zeros(4)
    for i in range(3):
        np.add(a, x * i, out=a)
        np.multiply(a, x, out=a)
    return np.sum(a)


def clipped_out(x):
    y = x * 3.0
    np.clip(y, -1.0, 1.5, out=y)  # (X and X2 hold points clipped on both sides)
    return np.sum(y * y * W)


def clipped_method_out(x):
    y = np.sin(x) * 2.0
    y.clip(-0.9, 0.9, out=y)
    return np.sum(y * W)


def out_value_used(x):
    z = np.zeros_like(x)
    y = np.exp(x, out=z)
    y[1] = 2.0 * y[2]  # y is z: both see the write
    return np.sum(z * W) + np.sum(y)


def cumsum_out_row(x):
    B = np.ones((2, 4))
    np.cumsum(x * x, out=B[1])
    return np.sum(B * B) + B[1, 3]


def copied_into_row(x):
    B = np.zeros((2, 4))
    np.copyto(B[0], x ** 2)
    np.copyto(B[1], x, where=x > 0)
    return np.sum(B[0] * B[1]) + np.sum(B * W)


CASES = [clipped_out, clipped_method_out, out_value_used, cumsum_out_row, copied_into_row,
         sorted_by_a_helper, sorted_both_axes, out_accumulated_in_loop,
         sorted_local, sorted_second_name, sorted_view_rows, sorted_in_branch,
         sorted_in_loop, filled_local, filled_rows, filled_second_name, out_local, out_row,
         out_second_name]


@pytest.mark.parametrize("f", CASES)
@pytest.mark.parametrize("x", [X, X2])  # (X2: the other branch of sorted_in_branch)
def test_in_place_calls_differentiated(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


def argument_sorted(x):
    x.sort()
    return np.sum(x * W)


def argument_filled(x):
    x.fill(x[1] * 2.0)
    return np.sum(x * W)


def argument_written_out(x):
    np.multiply(x, W, out=x)
    return np.sum(x * x)


@pytest.mark.parametrize("f", [argument_sorted, argument_filled, argument_written_out])
def test_an_argument_changed_in_place_is_left_as_it_was(f):
    x = X.copy()
    numerical = numerical_grad(lambda x: f(x.copy()), [X])
    np.testing.assert_allclose(s2sad.grad(f)(x), numerical, rtol=1e-6, atol=1e-8)
    value, tangent = s2sad.jvp(f)(x, np.array([0.0, 1.0, 0.0, 0.0]))
    assert value == pytest.approx(f(X.copy()))
    assert tangent == pytest.approx(numerical[1], abs=1e-7)
    np.testing.assert_array_equal(x, X)


def sorted_held_in_list(x):
    y = x + 1.0
    ys = [y, x]
    y.sort()
    return np.sum(ys[0] * W)


def list_sorted(x):
    xs = list(x)
    xs.sort()
    return xs[0] * 2.0 + xs[-1]


def test_a_list_sorted_in_place():
    check_grad(list_sorted, X)  # (xs = sorted(xs): tests/test_sequence_positions.py)


def sorted_flat(x):
    y = x * 2.0
    y.sort(axis=None)
    return np.sum(y)


def out_where(x):
    c = np.ones(4)
    np.divide(1.0, x, out=c, where=x > 0)
    return np.sum(c)


def test_sorted_array_a_list_holds():
    """``y.sort()`` of an array ``ys = [y, x]`` holds: the list's slot is filled again
    after the write (test_container_slots.py); was refused."""
    for x in (X, -X):
        check_grad(sorted_held_in_list, x)
        check_jvp(sorted_held_in_list, x)


@pytest.mark.parametrize("f, offset, what", [
    (sorted_flat, 2, r"\.sort\(\) changes its array in place"),
    (out_where, 2, "out= writes into an existing array")])
def test_in_place_calls_refused_at_the_line(f, offset, what):
    line = f.__code__.co_firstlineno + offset
    for entry in (lambda: s2sad.grad(f)(X), lambda: s2sad.jvp(f)(X, np.ones(4))):
        with pytest.raises(s2sad.DifferentiationError,
                           match=f"test_in_place_methods.py:{line}: {what}"):
            entry()
