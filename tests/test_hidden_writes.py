"""Library functions that write into their array argument (np.fill_diagonal, np.copyto,
np.put, np.place, np.putmask, np.put_along_axis, x.__setitem__): once silent wrong
gradients (the write was left out of the derivative).  np.fill_diagonal, np.copyto and
np.put of a named array are now item writes; the others, with a value that depends on
the inputs, are refused at the user's line with the rewrite to use; with constants
they run as before; the rewrites they suggest are differentiated (checked against
central differences)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

_X = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.7])


def fill_diagonal(x):
    A = np.zeros((3, 3))
    np.fill_diagonal(A, x[:3])
    return np.sum(A @ A)


def fill_diagonal_of_varied(x):
    A = np.outer(x[:3], x[3:])
    np.fill_diagonal(A, 0.0)  # (the target depends on x: the zeroed entries matter)
    return np.sum(A ** 2)


def copy_into(x):
    A = np.zeros(6)
    np.copyto(A, x ** 2)
    return np.sum(A * x)


def put_values(x):
    A = np.zeros(6)
    np.put(A, [0, 2], x[:2])
    return np.sum(A * x)


def put_mask(x):
    A = np.zeros(6)
    np.putmask(A, x > 0, x * 3)
    return np.sum(A * x)


def set_item_call(x):
    y = x.copy()
    y.__setitem__(2, x[0] * 5)
    return np.sum(y * x)


REFUSED = [(put_mask, "putmask", "np.where"), (set_item_call, "__setitem__", "x\\[i\\] = v")]


@pytest.mark.parametrize("f", [fill_diagonal, fill_diagonal_of_varied, copy_into, put_values])
def test_followed_as_item_writes(f):
    check_grad(f, _X)  # (s2sad.compiler.flat_writes; tests/test_flat_writes.py)
    check_jvp(f, _X)


@pytest.mark.parametrize("f, label, advice", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_refused_at_the_users_line(f, label, advice):
    pattern = f"test_hidden_writes.py:\\d+: call of {label}: it writes into its array .*{advice}"
    with pytest.raises(s2sad.DifferentiationError, match=pattern):
        s2sad.grad(f)(_X)
    with pytest.raises(s2sad.DifferentiationError, match=pattern):
        s2sad.jvp(f)(_X, np.ones(6))


def constant_diagonal(x):
    A = np.ones((3, 3))
    np.fill_diagonal(A, 2.0)  # nothing here depends on x: runs as written
    return np.sum(A @ x[:3] * x[3:])


def rewritten(x):
    A = np.zeros((3, 3))
    A[np.diag_indices_from(A)] = x[:3]
    B = np.where(x > 0, x * 3, 0.0)
    return np.sum(A @ A) + np.sum(B * x)


@pytest.mark.parametrize("f", [constant_diagonal, rewritten])
def test_constants_and_the_rewrites_are_differentiated(f):
    check_grad(f, _X)
    check_jvp(f, _X)


def _fill(A, v):
    np.fill_diagonal(A, v)  # (in a helper the user calls: inlined, then refused)
    return A


def fill_in_a_helper(x):
    return np.sum(_fill(np.zeros((3, 3)), x[:3]) @ x[3:])


def put_in_a_loop(x):
    s = 0.0
    for k in range(2):
        A = np.zeros(6)
        np.put(A, [k], x[k] * 2.0)
        s = s + np.sum(A * x)
    return s


def put_in_a_branch(x):
    A = np.zeros(6)
    if x[0] > 0:
        np.putmask(A, x > 0, x)
    return np.sum(A * x) + x[1]


def _put_into(A, k, v):
    np.put(A, [k, k + 1], v)  # (the caller's array changes)


def put_in_a_helper(x):
    B = np.ones(6)
    _put_into(B, 1, x[2:4] ** 2)
    return np.sum(B * x)


@pytest.mark.parametrize("f", [fill_in_a_helper, put_in_a_loop, put_in_a_helper])
def test_followed_in_helpers_and_loops(f):
    check_grad(f, _X)
    check_jvp(f, _X)


@pytest.mark.parametrize("f", [put_in_a_branch])
def test_refused_in_helpers_loops_and_branches(f):
    for x in (_X, -_X):  # (both sides of the branch: refused when generated)
        with pytest.raises(s2sad.DifferentiationError, match="it writes into its array"):
            s2sad.grad(f)(x)
        with pytest.raises(s2sad.DifferentiationError, match="it writes into its array"):
            s2sad.jvp(f)(x, np.ones(6))
