"""A short name used again for a view of another array (``view = a[1:]; view *= 2; ...;
view = b[1:]; view -= 1``, found by tools/fuzz2): the write through the first view was
refused ("view shares its memory with a, which is read later"), as a name bound twice
was not known as a view.  Each later binding and what it reaches now gets a name of its
own (compiler/view_webs.py), so each write goes back into its own base.  Checked
against central differences in float64, reverse and forward, at both branches of a
data-dependent if."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp


def reused_view(x, y):  # the fuzzer's case, reduced
    buf1 = x * 1.0
    view = buf1[::-1]
    view *= y[1]
    buf3 = np.copy(y)
    view = buf3[1:]
    view -= buf1[2]
    return np.sum(np.sin(buf3)) + np.sum(buf1 ** 2)


def reused_then_read(x, y):  # the second view read after its write, the first's base too
    a = x.copy()
    v = a[1:]
    v[0] = np.tanh(y[0])
    b = y * 2.0
    v = b[::2]
    v += a[0]
    return np.sum(v * a[:v.shape[0]]) + np.sum(b ** 2)


def reused_for_a_row(M, x):  # rows of two matrices, the name reading its old value
    A = M.copy()
    row = A[0]
    row *= x[0]
    B = M.T.copy()
    row = B[1] + row[0]
    row = B[1]
    row -= x
    return np.sum(A * B.T) + np.sum(np.cos(B))


def reused_in_branch(x, y):  # the second binding in an if: both branches
    a = x.copy()
    v = a[:2]
    v *= 3.0
    if y[0] > 0.0:
        b = y.copy()
        v = b[1:]
        v *= a[1]
        out = np.sum(b * b)
    else:
        out = np.sum(np.sin(y))
    return out + np.sum(a * x)


def reused_still_live(x):  # the old view read after the rebinding's block: left as is
    a = x.copy()
    v = a[1:]
    v *= 2.0
    for _ in range(2):
        v = a[:2]
    return np.sum(v) + np.sum(a)


X = np.array([0.3, -0.5, 0.8, 0.2])
Y = np.array([0.7, 0.1, -0.4, 0.6])
M = np.array([[0.2, -0.3, 0.5, 0.1], [0.4, 0.9, -0.7, 0.3], [-0.6, 0.2, 0.8, -0.1],
              [0.5, -0.2, 0.3, 0.6]])


@pytest.mark.parametrize("f, args", [
    (reused_view, (X, Y)), (reused_then_read, (X, Y)), (reused_for_a_row, (M, X)),
    (reused_in_branch, (X, Y)), (reused_in_branch, (X, -Y)),
])
def test_reused_view_names_are_differentiated(f, args) -> None:
    check_grad(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))


def test_a_view_still_read_after_the_block_keeps_its_name() -> None:
    """The later binding is in a loop whose view is read after it: one name, as before
    (differentiated or refused honestly, never wrong)."""
    try:
        check_grad(reused_still_live, X)
    except s2sad.DifferentiationError as e:
        assert "test_view_webs.py" in str(e)


def test_each_binding_gets_its_own_name_in_the_derivative() -> None:
    source = s2sad.grad(reused_view, wrt=(0, 1)).source
    assert "view_1" in source


def reused_around_a_break(x):  # the view before the break is the one read after the loop
    a = x.copy()
    b = x * 2.0
    for i in range(3):
        v = a[i:]
        v *= 1.5
        if x[i] > 0.0:
            break
        v = b[i:]
        v -= 0.5
    return np.sum(v * v) + np.sum(a) + np.sum(b)


@pytest.mark.parametrize("x", [X, -X, np.array([-0.3, -0.5, 0.8, 0.2])])
def test_a_break_between_two_bindings_keeps_one_name(x) -> None:
    try:
        check_grad(reused_around_a_break, x)
    except s2sad.DifferentiationError as e:
        assert "test_view_webs.py" in str(e)


def reused_before_a_loop_with_break(x, y):  # a break of a loop of its own, in between
    a = x.copy()
    v = a[::2]
    v *= y[0]
    b = np.copy(a)
    v = b[1:]
    v -= y[1]
    acc = 0.0
    for t in a:
        acc = acc * 0.5 + t
        if acc > 0.2:
            break
    return np.sum(np.sin(b)) + acc


@pytest.mark.parametrize("y", [Y, -Y])
def test_a_break_of_an_inner_loop_does_not_stop_the_split(y) -> None:
    check_grad(reused_before_a_loop_with_break, X, y, wrt=(0, 1))
    check_jvp(reused_before_a_loop_with_break, X, y, wrt=(0, 1))
