"""A library function s2sad reads the source of (no rule of its own) and cannot
differentiate was refused naming a line of the library (``copy.py:253: try/except``); now
it is refused at the user's call, naming the function and where inside it s2sad stopped
(compiler/inlining.py).  ``copy.copy`` and ``copy.deepcopy`` have rules of their own (the
identity), so they are differentiated; checked against central differences."""
from __future__ import annotations

import copy
import heapq
import statistics

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def mean_of_statistics(a):  # (statistics.mean has a closed form now: grouped does not)
    return statistics.median_grouped([a, a * a, 0.5]) * a


def merged_by_heapq(a):  # (heapq.nlargest has a closed form now: merge does not)
    return sum(heapq.merge([a, 2.0], [a * a, 3.0]))


def _helper_of_mine(v):
    return statistics.median_grouped([v, 2.0 * v, 0.5])


def library_call_in_a_helper(a):
    return _helper_of_mine(a * 3.0)


@pytest.mark.parametrize("f, call, stop", [
    (mean_of_statistics, "statistics.median_grouped", "try/except"),
    (merged_by_heapq, "heapq.merge", "generator with no end"),  # (a generator's refusal)
    (library_call_in_a_helper, "statistics.median_grouped", "try/except")])
def test_refused_at_the_users_call(f, call, stop):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(1.3)
    message = str(err.value)
    assert message.startswith(__file__ + ":"), message  # this file, the call's line
    assert f"call of {call}()" in message and "@s2sad.defvjp" in message
    assert stop in message  # where inside it s2sad stopped


def deepcopy_then_nested_write(a):
    xs = [[1.0, 2.0], [3.0, a]]
    ys = copy.deepcopy(xs)  # new items: the write leaves xs alone
    ys[1][0] = a * a
    return xs[1][0] * a + ys[1][0] + ys[1][1] * xs[1][1]


def deepcopy_of_array_written(a):
    x = np.array([a, 2.0 * a, 0.5])
    y = copy.deepcopy(x)
    y[0] = y[0] * 3.0
    return np.sum(y * x)


def copy_of_list(a):
    xs = copy.copy([a, a * a])
    xs.append(3.0 * a)
    return xs[0] * xs[1] + xs[2]


@pytest.mark.parametrize("f", [deepcopy_then_nested_write, deepcopy_of_array_written,
                               copy_of_list])
def test_copies_of_the_copy_module(f):
    check_grad(f, 1.3)
    check_jvp(f, 1.3)
    check_hessian(f, 1.3)


class Box:
    def __init__(self, v):
        self.v = v

    def scaled(self, k):
        return self.v * k


def object_made_inside(a):
    b = Box(a * 2.0)
    return b.v * a


def objects_made_in_a_loop(a):
    s = 0.0
    for k in range(3):
        s = s + Box(a * k).v
    return s * a


class Guarded:
    def __init__(self, v):
        if v > 0:
            self.v = v
        else:
            self.v = -v


def object_of_a_guarded_class(a):
    return Guarded(a * 2.0).v * a


@pytest.mark.parametrize("f", [object_made_inside, objects_made_in_a_loop])
def test_object_of_a_plain_class_made_inside(f):
    """Was refused (an object made inside); an ``__init__`` that only stores attributes
    is built as a record of them (compiler/class_records.py)."""
    check_grad(f, 1.3)
    check_jvp(f, 1.3)
    check_hessian(f, 1.3)


def test_object_of_a_users_class_made_inside():
    """An ``__init__`` that does more than store attributes: the construct and the way
    out (was: "no derivative rule is known and its source cannot be read")."""
    for derivative in (s2sad.grad(object_of_a_guarded_class),
                       lambda a: s2sad.jvp(object_of_a_guarded_class)(a, 1.0)):
        with pytest.raises(s2sad.DifferentiationError, match=(
                r"test_library_sources\.py:\d+: an object of class .*Guarded made inside "
                r"the differentiated function: make it outside and pass it in")):
            derivative(1.3)


BOX = Box(2.5)


def object_made_outside(a):
    return BOX.scaled(a) * a + BOX.v


def test_object_made_outside_is_read():
    check_grad(object_made_outside, 1.3)
    check_jvp(object_made_outside, 1.3)
