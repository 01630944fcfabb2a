"""Records split into one name per field before SSA (compiler/record_fields.py): an
object's state carried through a loop becomes plain variables; a record used whole
stays a record.  Gradients against central differences; the generated source read."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp
from test_field_writes import Clock as State

X = np.array([0.4, -0.3, 0.8])


def state_in_a_loop(u0):
    s = State(u0)
    for _ in range(4):
        s.step(0.1)
    return np.sum(s.u ** 2) + s.t


def state_in_a_branch(u0):
    s = State(u0)
    if np.sum(u0) > 0:
        s.step(0.2)
    else:
        s.step(-0.1)
    s.step(0.1)
    return np.sum(s.u ** 3)


def state_returned_whole(u0):
    s = State(u0)
    s.step(0.1)
    return np.sum(_energy(s)) * 2


def _energy(s):
    return s.u ** 2


def states_listed(u0):
    s = State(u0)
    kept = [s, s]
    s.step(0.3)
    return np.sum(kept[0].u) + np.sum(s.u)


@pytest.mark.parametrize("f", [state_in_a_loop, state_returned_whole])
def test_split_records(f):
    check_grad(f, X)
    check_jvp(f, X)
    check_hessian(f, X)


@pytest.mark.parametrize("x", [X, -X])
def test_both_branches(x):
    check_grad(state_in_a_branch, x)


def test_the_state_is_plain_variables():
    source = s2sad.grad(state_in_a_loop).source
    assert "field_set" not in source and "getattr" not in source and \
        "named_tuple" not in source


def test_a_record_in_a_list_is_not_split():
    """(``kept`` holds the record whole: the write is refused, not split away.)"""
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(states_listed)(X)


class Logger:
    def __init__(self, k):
        self.k = k
        self.history = []

    def run(self, x, n):
        v = 0.0
        for _ in range(n):
            v = v - 0.05 * self.k * x
            x = x + 0.05 * v
            self.history.append(x)
        return x


def logged_run(p):
    s = Logger(p[0])
    s.run(p[1], 30)
    return sum(h ** 2 for h in s.history) / len(s.history)


def test_a_list_field_appended_to_in_a_loop():
    """(Appended to in place, as a local list is: not a new list a step.)"""
    p = np.array([2.0, 0.7])
    check_grad(logged_run, p)
    check_jvp(logged_run, p)
    assert "list_append(" not in s2sad.grad(logged_run).source
