"""What the alias stage knows of values, that keeps it from refusing writes that share
nothing: ``max(a, b)``, ``min`` and ``abs`` of numbers are numbers (an augmented
assignment to one makes a new number; it was refused "if it is an array"); a copy of a
row of an array made from a tuple of sizes (``np.zeros((3, 6))[0].copy()``, the core
form's ``items = 3, 6``), or of an item of an array of unknown rank, holds nothing (it was
taken for a list's copy, holding the array's parts); names a loop swaps between arrays
are arrays (the fixpoint of their bindings from each other).  And what ``max`` returns
is one of its arguments: a write into it is a write into that argument."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp


def _checked(f, *args, wrt=0):
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12, abs=1e-12)
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


# ----- max, min and abs of numbers: numbers

def best_kept_then_added_to(x):
    best = max(x[0], x[1])
    t = best
    best += x[2]
    return best * t


def running_max_in_a_loop(x):
    m = min(x[0], 0.5)
    prev = m
    for i in range(1, 3):
        m += np.tanh(x[i])
        m = max(m, prev)
        prev = m
        m *= 1.1
    return m + prev


def chained_abs(x, P):
    q8 = q9 = abs(P[1][-1]) + np.log(1.0 + np.sin(P[0][1]) ** 2)  # (fuzz seed 76258)
    q9 += x[4]
    return q8 * q9 + np.sum(x)


def min_of_sums_kept(x, y):
    a = x * 1.0
    m = min(np.sum(a), np.sum(y))
    keep = m
    m -= 0.5
    return m * keep + np.sum(a)


V5 = np.array([0.3, -0.4, 0.5, 0.9, -0.2])
PAIR = (np.array([0.2, -0.7, 0.4]), np.array([0.6, 0.1, -0.3]))
NUMBERS = [(best_kept_then_added_to, (V5,), 0), (running_max_in_a_loop, (V5,), 0),
           (chained_abs, (V5, PAIR), (0, 1)), (min_of_sums_kept, (V5, 2.0 * V5[::-1]), (0, 1))]


@pytest.mark.parametrize("f, args, wrt", NUMBERS, ids=[f.__name__ for f, _, _ in NUMBERS])
def test_max_min_and_abs_of_numbers_are_numbers(f, args, wrt):
    _checked(f, *args, wrt=wrt)


# ----- copies of rows and items: new arrays holding nothing

def copy_of_a_row_of_zeros(x):
    r2 = np.zeros((3, 6))
    r3 = r2[0].copy()
    r3[4:6] *= 1.0 + x[0:2]
    return np.sum(r3 @ r2.T) + np.sum(r3 * x)


def _row_copied_in_a_helper(p0):
    r2 = np.ones((3, 6))
    r3 = r2[1].copy()
    r3[4:6] *= 1.0 + p0
    return np.sum(r3 @ r2.T) * p0


def copy_of_a_row_in_a_helper(x):
    return _row_copied_in_a_helper(x[0] * 2.0)


def _last_row_copied(p0, p1):
    r1 = p1[-1].copy()  # (p1 of no known rank: an item of an array, or of a list)
    r1[::2] += np.where(np.abs(r1[1:3]) > 0.08, r1[0:2] - r1[1],
                        r1[0:2] if np.sum(r1) > 0.24 else r1[::2])
    a3 = p1  # noqa: F841 (the fuzz program's: p1 named again)
    return np.maximum(r1[::-1] if np.sum(r1) > -0.36 else r1[::-1], -0.32)


def fuzz_76360(x, z):
    out8 = []
    for k in range(3):
        out8.append(abs(np.dot(x[:k], x[1:k + 1])))
    v9 = np.array(out8)
    out10 = []
    for j in range(3):
        out10.append(min(x[-2] - z[j], v9[j] if x[j] < 0.15 else x[1]))
    v11 = np.array(out10)
    q12 = q13 = np.exp(np.tanh(np.sin(-0.87 * z[1:4]) * (v9[::-1] / (1.5 + np.tanh(x)))))
    w14 = v9[1:]
    L15 = [abs(x[-3]), np.where(v11 > 0.08, x[::-1], q13), np.dot(z[1:4], v9[::-1])]
    h16 = _last_row_copied(w14[0] / (1.5 + np.tanh(x[-1])), -np.outer(z[::-1], L15[1][::-1]))
    return np.sum(np.sin(w14)) + np.sum(h16 * h16) + np.mean(np.tanh(v9)) + \
        np.sum(z * z) + np.mean(np.tanh(q12)) + np.sum(q13 * q13)


def copy_of_a_row_of_a_list_sized_array(x):
    sizes = [2, 4]
    m = np.full(sizes, 0.5)
    row = m[0].copy()
    row[1:3] = x[:2] * row[0]
    return np.sum(row * x[:4]) + np.sum(m)


COPIES = [(copy_of_a_row_of_zeros, (np.linspace(0.1, 0.6, 6),), 0),
          (copy_of_a_row_in_a_helper, (np.linspace(0.1, 0.6, 6),), 0),
          (fuzz_76360, (np.array([0.3915, -0.1298, -0.4345]),
                        np.array([-0.394, 0.68, 0.0404, 0.5018])), (0, 1)),
          (copy_of_a_row_of_a_list_sized_array, (V5,), 0)]


@pytest.mark.parametrize("f, args, wrt", COPIES, ids=[f.__name__ for f, _, _ in COPIES])
def test_a_copy_of_a_row_holds_nothing(f, args, wrt):
    _checked(f, *args, wrt=wrt)


# ----- the sharing these facts do not rule out: still refused

def max_of_one_element_arrays(x):
    a = x * 1.0
    m = max(a[:1], a[1:2])  # (arrays of one element: max returns one of them, a view)
    m += 1.0
    return np.sum(a * x)


def max_of_arrays_by_key(x):
    a = x * 1.0
    b = x * 2.0
    m = max(a, b, key=np.sum)
    m *= 3.0
    return np.sum(a * x) + np.sum(b)


def min_of_a_list_of_arrays(x):
    rows = [x * 1.0, x * 2.0]
    m = min(rows, key=np.sum)
    m[0] = 4.0
    return np.sum(rows[0] * rows[1])


def row_not_copied(x):
    r2 = np.zeros((3, 6))
    r3 = r2[0]
    r3[4:6] = x[0:2]
    return np.sum(r3 @ r2.T)


@pytest.mark.parametrize("f", [max_of_one_element_arrays, max_of_arrays_by_key,
                               min_of_a_list_of_arrays])
def test_max_of_arrays_is_one_of_them(f):
    """The array ``max`` returns is one of its arguments (or of its argument's items),
    which the write changes: refused (s2sad took it for a new array: the arguments kept
    their values, a silently wrong value and gradient)."""
    with pytest.raises(s2sad.DifferentiationError, match="in-place write to m"):
        s2sad.value_and_grad(f)(V5)


def test_a_row_not_copied_is_written_through():
    _checked(row_not_copied, np.linspace(0.1, 0.6, 6))
