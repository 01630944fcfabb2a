"""A ``for`` loop over a list whose body changes the list's length (``for v in xs:
xs.append(v / 2)``, a worklist; ``xs.pop()`` in ``enumerate(xs)``): Python's list
iterator reads the length at each step, so the loop also runs over the items added and
stops short of those removed.  The loop was read over the items found when it began (a
wrong value and gradient); it is refused naming the line, with the while loop that
differentiates as written.  Loops appending to another list, and an array updated in
place while its items are read (``a += v``: its length stays), are differentiated as
before.  Checked against central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def halves_appended(x):
    xs = [x[0], x[1]]
    for v in xs:
        if len(xs) < 5:
            xs.append(v * 0.5)
    return sum(xs)


def popped_while_enumerated(x):
    xs = [x[0], x[1], x[2], x[3]]
    s = 0.0
    for i, v in enumerate(xs):
        s += v * i
        if v > 0:
            xs.pop()
    return s


def extended_in_zip(x, ws):
    s = 0.0
    for w, v in zip(ws, x):
        s += w * v
        ws.extend([w])
    return s


def added_to_with_plus_equals(x):
    xs = [x[0], x[1]]
    for v in xs:
        if len(xs) < 4:
            xs += [v ** 2]
    return sum(xs)


X = np.array([0.3, -0.8, 1.2, 0.4])


@pytest.mark.parametrize("f, args", [
    (halves_appended, (X,)), (popped_while_enumerated, (X,)),
    (extended_in_zip, (X, [0.5, 1.0]))],
    ids=lambda v: getattr(v, "__name__", ""))
def test_a_loop_over_a_list_it_changes_is_refused(f, args):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_growing_loops.py:\d+: a for "
                       r"loop over \w+ whose body changes its length.*while loop"):
        s2sad.grad(f)(*args)


def test_a_list_grown_by_plus_equals_is_refused():
    """(by the alias stage: the loop's list and ``xs`` are one list, written in place)"""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_growing_loops.py:\d+: "
                       r"in-place write to xs"):
        s2sad.grad(added_to_with_plus_equals)(X)


def halves_appended_while(x):
    xs = [x[0], x[1]]
    i = 0
    while i < len(xs):
        v = xs[i]
        if len(xs) < 5:
            xs.append(v * 0.5)
        i += 1
    return sum(xs)


def appended_to_another(x):
    xs = [x[0], x[1]]
    ys = []
    for v in xs:
        ys.append(v * 0.5)
        if v > 0:  # (both signs of x[0] below)
            ys.append(v ** 2)
    return sum(ys)


def array_updated_while_read(x):
    a = x * 1.0
    s = 0.0
    for v in a:
        a += v * 0.1
        s += v
    return s + np.sum(a)


@pytest.mark.parametrize("f", [halves_appended_while, appended_to_another,
                               array_updated_while_read])
def test_loops_python_runs_as_written(f):
    for x in (X, -X):
        value, _ = s2sad.value_and_grad(f)(x)
        assert value == pytest.approx(f(x.copy()), rel=1e-12)
        check_grad(f, x)
        check_jvp(f, x)


def test_the_while_loop_closed_form():
    """x0, x1, x0/2, x1/2, x0/4: the sum is 1.75 x0 + 1.5 x1."""
    np.testing.assert_allclose(s2sad.grad(halves_appended_while)(X), [1.75, 1.5, 0, 0])
