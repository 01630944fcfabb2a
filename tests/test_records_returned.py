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


def rebound_in_a_loop(a):
    v = make(a)
    for k in range(3):
        v = v.scaled(0.5 + k)
    return v.norm2()


def test_a_name_bound_again_to_method_results_is_refused():
    """(Which class each binding gives is not known before the loop: refused, not
    guessed.)"""
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(rebound_in_a_loop)(X)
