"""``global`` of a name only read (dropped), ``nonlocal`` in a def inside the
differentiated function (its assignments the function's own, where the call runs), a
generator defined inside (read as the list it yields) (compiler/scope_statements.py;
were refused).  Checked against central differences, forward mode and Hessians too;
``nonlocal`` state outliving the call refused at the user's line; ``global`` of a name
assigned changes it as one call does (test_global_writes)."""
from __future__ import annotations

import linecache

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

SCALE = 3.0
WEIGHTS = np.array([1.0, -2.0, 0.5])


def global_read(x):
    global SCALE
    return SCALE * np.sum(x ** 2)


def _weighted(v):
    global WEIGHTS
    return WEIGHTS @ v


def global_in_a_helper(x):
    return _weighted(np.sin(x)) ** 2


def global_in_a_branch(x):
    global SCALE
    if np.sum(x) > 0:
        return SCALE * np.sum(x)
    return np.sum(x ** 2) / SCALE


X = np.array([0.5, 1.5, -0.3])


@pytest.mark.parametrize("f", [global_read, global_in_a_helper])
def test_a_global_only_read(f):
    check_grad(f, X)
    check_jvp(f, X)


@pytest.mark.parametrize("x", [X, -X])
def test_a_global_read_in_both_branches(x):
    check_grad(global_in_a_branch, x)
    check_jvp(global_in_a_branch, x)


# ----- nonlocal in a def inside ----------------------------------------------------

def counter_in_a_loop(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * v

    for i in range(3):
        add(x[i])
    return total


def branch_inside(x):
    total = 0.0

    def add(v):
        nonlocal total
        if v > 1.0:
            total = total + v * v
        else:
            total = total - np.sin(v)

    for i in range(3):
        add(x[i])
    return total


def called_at_two_places(x):
    acc = np.zeros(2)

    def push(v, w):
        nonlocal acc
        acc = acc + v * w

    push(x[:2], 2.0)
    y = np.sin(acc)
    push(x[1:], x[0])
    return np.sum(acc * y)


def state_and_result(x):
    count = 0.0

    def step(v):
        nonlocal count
        count = count + 1.0
        return v * count

    s = 0.0
    for _ in range(3):
        s = s + step(x) ** 2
    return s


def two_levels(x):
    total = 0.0

    def outer(v):
        def inner(w):
            nonlocal total
            total = total + np.sin(w)
        inner(v)
        inner(v * v)

    outer(x)
    outer(2.0 * x)
    return total


def parameter_rebound(x):
    def scale(k):
        nonlocal x
        x = x * k

    scale(2.0)
    scale(x)
    return x


@pytest.mark.parametrize("f", [counter_in_a_loop, called_at_two_places])
def test_nonlocal_arrays(f):
    check_grad(f, X)
    check_jvp(f, X)


@pytest.mark.parametrize("x", [X, np.array([1.5, 0.2, 2.5])])  # (both branches, each)
def test_nonlocal_written_in_a_branch(x):
    check_grad(branch_inside, x)
    check_jvp(branch_inside, x)


@pytest.mark.parametrize("f", [state_and_result, two_levels, parameter_rebound])
def test_nonlocal_numbers(f):
    check_grad(f, 0.7)
    check_jvp(f, 0.7)
    check_hessian(f, 0.7)


# ----- a generator defined inside ----------------------------------------------------

def generator_inside(x):
    def squares(v):
        for e in v:
            yield e * e

    s = 0.0
    for q in squares(x):
        s = s + q
    return s


def neighbours_inside(x):
    def pairs(v):
        for i in range(len(v) - 1):
            yield v[i] * v[i + 1]

    return sum(pairs(x))


@pytest.mark.parametrize("f", [generator_inside, neighbours_inside])
def test_a_generator_defined_inside(f):
    check_grad(f, X)
    check_jvp(f, X)


# ----- refused -----------------------------------------------------------------------

COUNT = 2.0


def global_assigned(x):
    global COUNT
    COUNT = COUNT * 2.0
    return np.sum(x) * COUNT


def _make_counter():
    n = 0.0

    def inc(v):
        nonlocal n
        n = n + v
        return n
    return inc


def counter_returned(x):
    c = _make_counter()
    c(x)
    return np.sum(c(x))


def _closure_with_state():
    total = 1.0

    def f(x):
        nonlocal total
        total = total * 2.0
        return np.sum(x) * total
    return f


closure_with_state = _closure_with_state()


def test_a_global_assigned_changes_as_one_call_changes_it():
    global COUNT
    COUNT = 2.0
    g = s2sad.grad(global_assigned)(X)  # (was refused: test_global_writes)
    assert COUNT == 4.0
    np.testing.assert_allclose(g, np.full_like(X, 4.0))
    COUNT = 2.0


@pytest.mark.parametrize("f, line", [
    (counter_returned, "c = _make_counter()"),
    (closure_with_state, "nonlocal total"),
])
def test_state_outside_the_call_is_refused(f, line):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(X)
    where = str(err.value).split(":")
    assert where[0].endswith("test_scope_statements.py")
    assert linecache.getline(where[0], int(where[1])).strip() == line
    assert COUNT == 2.0
