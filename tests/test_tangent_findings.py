"""What the Tangent-style sweep (test_tangent_style.py) found, each with variations, checked
against central finite differences in float64:

- ``for ... else`` / ``while ... else`` were refused: the ``else`` block now runs after the
  loop under a flag that each ``break`` of the loop sets (compiler/desugar.py);
- a swap of two arrays followed by a write into one (``p, q = q, p; p[0] = ...``) was
  refused as if each name might hold either array: the items of a tuple the function made
  from names are kept item by item by the alias stage (``t[0]`` is the first name's array);
- the Hessian of a function that pops from a list was refused at a line of s2sad's own
  runtime (``list_insert_zero``, the reverse of ``list.pop``, had no rule of its own);
- a write into an item a container holds twice (``[[0.0] * 2] * 2``) changed one slot
  where Python changes all (a wrong value): refused at the line;
- assignment expressions (``:=``) were refused: ``n = e`` is emitted where Python
  evaluates the expression (compiler/normalize.py).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

V3 = np.array([0.7, -0.4, 1.3])
V4 = np.array([0.6, -1.1, 0.9, 0.3])


# ---------------------------------------------------------------- loop else


def for_else_scaled(a):
    for _i in range(3):
        a = a * 0.5
        if a < 0.1:
            break
    else:
        a = a * 10.0
    return a * a


def while_else_negated(a):
    k = 0
    while k < 5:
        a = a * 1.5
        k = k + 1
        if a > 3.0:
            break
    else:
        a = -a
    return a * a


def search_with_else(x):
    for i in range(len(x)):
        if x[i] > 1.0:
            found = x[i] ** 2
            break
    else:
        found = np.sum(x)
    return found * x[0]


def inner_loop_else(x):
    s = 0.0
    for i in range(len(x)):
        for j in range(len(x)):
            if x[i] * x[j] < -0.5:
                break
        else:
            s = s + x[i] ** 2
    return s


def else_after_return(a):
    for _i in range(4):
        a = a * 1.2
        if a > 2.0:
            return a * a
    else:
        return -a
    return 0.0


def else_without_break(a):
    for _i in range(3):
        a = a * 0.5
    else:
        a = a + 1.0
    return a * a


@pytest.mark.parametrize("f, a", [
    (for_else_scaled, 0.3), (for_else_scaled, 1.7),  # break taken / else run
    (while_else_negated, 1.3), (while_else_negated, 0.1),
    (else_after_return, 1.3), (else_after_return, 0.3), (else_without_break, 1.3)])
def test_loop_else_on_numbers(f, a):
    check_grad(f, a)
    check_jvp(f, a)
    check_hessian(f, a)


@pytest.mark.parametrize("f, x", [
    (search_with_else, V3), (search_with_else, V3 * 0.5),  # found / not found: else
    (inner_loop_else, V3), (inner_loop_else, np.abs(V3))])
def test_loop_else_on_arrays(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


# ---------------------------------------------------------------- swaps


def swap_write_first(x, y):
    p = x.copy()
    q = y.copy()
    p, q = q, p
    p[0] = p[0] * 3.0
    return np.sum(p * q) + p[0]


def swap_write_second(x, y):
    p = x.copy()
    q = y * 2.0
    p, q = q, p
    q[1] = q[1] * p[0]
    return np.sum(p * q)


def rotate_three(x):
    a = x.copy()
    b = x * 2.0
    c = x ** 2
    a, b, c = b, c, a
    a[0] = a[0] * b[1]
    c[2] = c[2] + a[0]
    return np.sum(a * b * c)


def _swapped(a, b):
    return b, a


def swap_by_helper(x):
    p = x.copy()
    q = x * 3.0
    p, q = _swapped(p, q)
    p[0] = p[0] * q[0]
    return np.sum(p + q * q)


def swap_then_view_write(x):
    p = x.copy()
    q = x * 2.0
    p, q = q, p
    v = p[1:]
    v[0] = v[0] * 3.0
    return np.sum(p * q)


def swap_of_one_array(x):
    p = x.copy()
    q = p
    p, q = q, p
    p[0] = 5.0 * p[1]
    return np.sum(q * x)  # q is p: Python sees the write through both names


@pytest.mark.parametrize("f, args, wrt", [
    (swap_write_first, (V3, V3 + 1.0), (0, 1)), (swap_write_second, (V3, V3 - 1.0), (0, 1)),
    (rotate_three, (V3,), 0), (swap_by_helper, (V3,), 0), (swap_then_view_write, (V4,), 0),
    (swap_of_one_array, (V3,), 0)])
def test_swapped_arrays_written(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def swap_in_a_branch(x):
    p = x.copy()
    q = x * 2.0
    if x[0] > 0:
        p, q = q, p
    p[0] = p[0] * 3.0
    return np.sum(p * x) + np.sum(q * q)


@pytest.mark.parametrize("x", [V3, -V3])
def test_swap_in_a_branch_is_followed(x):
    """After the ``if`` each name may hold either array, but never both the same one on
    one path (the alias stage's worlds): the write is in place on either path (it was
    refused)."""
    check_grad(swap_in_a_branch, x)
    check_vjp(swap_in_a_branch, x)
    check_jvp(swap_in_a_branch, x)


# ---------------------------------------------------------------- Hessians of list.pop


def pop_last_insert_first(a):
    xs = [a, 2.0 * a, 3.0]
    last = xs.pop()
    xs.insert(0, last * a)
    return xs[0] + xs[1] * xs[2]


def pop_middle(x):
    xs = [x[0], x[1] * x[2], x[3]]
    m = xs.pop(1)
    return m * xs[0] + xs[1] * xs[1]


def pop_front_in_loop(x):
    xs = [x[0], x[1], x[2] * x[0], x[3]]
    s = 0.0
    for k in range(3):
        s = s + xs.pop(0) * (k + 1.0) * xs[0]
    return s * s


@pytest.mark.parametrize("f, x", [(pop_last_insert_first, 1.3), (pop_middle, V4),
                                  (pop_front_in_loop, V4)])
def test_hessian_through_list_pop(f, x):
    check_hessian(f, x)
    check_grad(f, x)


# ---------------------------------------------------------------- one object in two slots


def rows_repeated(a):
    g = [[0.0] * 2] * 2  # one row, twice: g[0][0] = a changes g[1][0] too
    g[0][0] = a
    return g[1][0] * a + g[0][1]


def arrays_repeated(x):
    rows = [np.zeros(2)] * 2
    rows[0][1] = x[0] * x[1]
    return rows[1][1] * x[2]


def one_row_listed_twice(a):
    row = [0.0, 1.0]
    g = [row, row]
    g[0][1] = a * a
    return g[1][1] * a


def one_row_appended_twice(a):
    row = [0.0, 1.0]
    g = []
    for _ in range(2):
        g.append(row)
    g[0][0] = a
    return g[1][0] * a


@pytest.mark.parametrize("f, x", [(rows_repeated, 1.3), (arrays_repeated, V3),
                                  (one_row_listed_twice, 1.3), (one_row_appended_twice, 1.3)])
def test_write_into_an_item_held_twice_refused(f, x):
    """Python changes every slot holding the item; s2sad computed only the one written
    (a wrong value and gradient): refused at the write's line, with the rewrite."""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_tangent_findings\.py:\d+: "
                       r"in-place write into an item of .*more than one place"):
        s2sad.grad(f)(x)
    with pytest.raises(s2sad.DifferentiationError, match="more than one place"):
        s2sad.jvp(f)(x, x)


def rows_built_apart(a):
    g = [[0.0] * 2 for _ in range(2)]
    g[0][0] = a
    return g[1][0] * a + g[0][0] * a


def rows_appended_apart(a):
    g = []
    for i in range(2):
        g.append([0.0, 1.0 * i])
    g[0][0] = a
    return g[1][1] * a + g[0][0] * a


@pytest.mark.parametrize("f", [rows_built_apart, rows_appended_apart])
def test_rows_built_apart_written(f):
    check_grad(f, 1.3)
    check_jvp(f, 1.3)


# ---------------------------------------------------------------- assignment expressions


def walrus_in_if(a):
    if (b := a * a) > 1.0:
        return b * a
    return b


def walrus_in_while(a):
    r = a
    while (r := r * 0.6 + 0.1) > 0.3:
        a = a + r
    return a * r


def walrus_after_and(a):
    if a > 0 and (lg := math.log(a)) > 0.1:  # no log of a <= 0: Python stops at a > 0
        return lg * a
    return a * 3.0


def walrus_in_ternary(a):
    return (t := a * 2.0) * t if a > 0 else (u := a ** 2) + u


def walrus_in_comprehension(x):
    kept = [w for v in x if (w := v * v) > 0.2]
    return sum(kept) + np.sum(x)


@pytest.mark.parametrize("f, a", [
    (walrus_in_if, 1.3), (walrus_in_if, 0.5), (walrus_in_while, 1.3), (walrus_in_while, 0.2),
    (walrus_after_and, 1.3), (walrus_after_and, -1.0), (walrus_after_and, 1.05),
    (walrus_in_ternary, 1.3), (walrus_in_ternary, -0.7)])
def test_assignment_expressions(f, a):
    check_grad(f, a)
    check_jvp(f, a)
    check_hessian(f, a)


def test_assignment_expression_in_a_comprehension():
    x = np.array([0.3, 0.7, -0.6])
    check_grad(walrus_in_comprehension, x)
    check_jvp(walrus_in_comprehension, x)


def one_array_in_two_slots_added_into(x):
    y = x * 2.0
    xs = [y, y]
    xs[0] += x  # Python adds into y itself: xs[1] sees it
    return np.sum(xs[1] * x)


def repeated_array_scaled(x):
    xs = [x * 2.0] * 2
    xs[1] *= x
    return np.sum(xs[0] * x)


def one_array_under_two_keys(x):
    y = x * 2.0
    d = {"a": y, "b": y}
    d["a"] += x
    return np.sum(d["b"] * x)


@pytest.mark.parametrize("f", [one_array_in_two_slots_added_into, repeated_array_scaled,
                               one_array_under_two_keys])
def test_augmented_write_into_an_item_held_twice_refused(f):
    """``xs[k] += v`` into an array a container holds twice (the name holding it dead
    after): computed per slot before, a wrong value; refused at the line now."""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_tangent_findings\.py:\d+: "
                       r"in-place write into an item of .*more than one place"):
        s2sad.grad(f)(V3)
