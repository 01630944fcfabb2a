"""An object of the user's class that a helper or a method returns (``v = make(a)``,
``v.plus(w).scaled(k)``) is known as a record of its class, so its methods inline (was
refused: "which function this name holds is not known").  Checked against central
differences, forward mode and second order."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.7])


class P2:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x ** 2 + self.y ** 2

    def scaled(self, k):
        return P2(self.x * k, self.y * k)

    def plus(self, o):
        return P2(self.x + o.x, self.y + o.y)


def make(a):
    return P2(a[0], a[1])


def make_named(a):
    p = P2(a[1], a[0])
    return p


def from_a_helper(a):
    v = make(a)
    return v.norm2()


def chained_on_a_helper(a):
    v = make_named(a).scaled(3.0)
    return v.norm2()


def chained_methods(a):
    v = make(a)
    w = v.plus(make_named(a)).scaled(a[0])
    return w.norm2() + v.x


def method_result_bound(a):
    v = make(a)
    w = v.scaled(2.0)
    return w.norm2() * v.y


@pytest.mark.parametrize("f", [from_a_helper, chained_on_a_helper, chained_methods,
                               method_result_bound])
def test_records_returned_by_calls(f):
    check_grad(f, X)
    check_jvp(f, X)
    check_hessian(f, X)


def rebound_in_branches(a):
    v = make(a)
    for k in range(3):
        if np.sum(a) * k > 0:
            v = v.scaled(0.5 + k)
        else:
            v = v.plus(make_named(a))
    return v.norm2()


def rebound_in_a_loop(a):
    v = make(a)
    for k in range(3):
        v = v.scaled(0.5 + k)
    return v.norm2()


@pytest.mark.parametrize("f", [rebound_in_a_loop, rebound_in_branches])
def test_bound_again_to_records_of_the_class(f):
    check_grad(f, X)
    check_grad(f, -X)
    check_jvp(f, X)


class Other:
    def __init__(self, x):
        self.x = x

    def norm2(self):
        return 7.0 * self.x ** 2


def bound_to_a_number_too(a):
    v = make(a)
    for k in range(3):
        if k == 2:
            v = 3.0
        else:
            v = v.scaled(0.5 + k)
    return v * 2.0


def bound_to_another_class(a):
    v = make(a)
    s = v.norm2()
    v = Other(a[0])
    return s + v.norm2()


def first_a_number(a):
    v = 1.0
    v = make(a)
    return v.norm2()


@pytest.mark.parametrize("f", [bound_to_a_number_too, first_a_number,
                               bound_to_another_class])
def test_a_name_bound_to_a_record_and_another_value_is_refused(f):
    """(Which class its methods are of could not be read from one binding.)"""
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(f)(X)


def fields_read_then_a_number(a):
    p = make(a)
    s = p.x * p.y
    p = 3.0
    return s + p * a[0]


def test_a_name_whose_methods_are_not_read_may_hold_other_values():
    check_grad(fields_read_then_a_number, X)


def stored_into_then_a_number(a):
    v = make(a)
    total = 0.0
    for k in range(2):
        if k == 0:
            v.x = a[1] * 3.0
            total = total + v.norm2()
        else:
            v = 5.0
    return total + v * a[0]


def test_a_name_stored_into_as_a_record_and_bound_to_a_number_is_refused():
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(stored_into_then_a_number)(X)
