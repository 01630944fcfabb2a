"""A generator of the user's is read as the list it yields, made before the loop that
iterates it (compiler/generators.py): the same values where the loop's body does not
change what the generator reads.  A body writing into an array the generator was given
(``for t in gen(a): a[2] = ...``) changed the values Python's generator yields later,
which the list did not see: a wrong value and gradient.  Such a loop is refused naming
the line; a body that only reads the array, or writes elsewhere, is differentiated
(central differences)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def firsts(v):
    for i in range(3):
        yield v[i]


def item_written_ahead(x):
    a = x.copy()
    s = 0.0
    for t in firsts(a):
        a[2] = 100.0 * x[0]
        s += t
    return s


def scaled_in_place(x):
    a = x * 1.0
    s = 0.0
    for i, t in enumerate(firsts(a)):
        a *= 2.0
        s += t * i
    return s


def sorted_while_read(x):
    a = x * 1.0
    s = 0.0
    for t, w in zip(firsts(a), [1.0, 2.0, 3.0]):
        a.sort()
        s += t * w
    return s


@pytest.mark.parametrize("f", [item_written_ahead, scaled_in_place, sorted_while_read])
def test_a_loop_writing_what_its_generator_reads_is_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_generator_fed.py:\d+: a for "
                       r"loop over a generator whose body changes a in place"):
        s2sad.grad(f)(np.array([0.3, -0.8, 1.2, 0.4]))


def only_read(x):
    a = x.copy()
    s = 0.0
    for t in firsts(a):
        b = a * 2
        s += t * b[0] if t > 0 else -t  # (both signs below)
    return s


def written_elsewhere(x):
    a = x.copy()
    c = np.zeros(3)
    for i, t in enumerate(firsts(a)):
        c[i] = t * 2
    return np.sum(c ** 2)


def rebound_in_the_body(x):
    a = x * 1.0
    s = 0.0
    for t in firsts(a):
        a = a * 2.0  # (a new array: the generator reads the old one, as in Python)
        s += t * a[0]
    return s


@pytest.mark.parametrize("f", [only_read, written_elsewhere, rebound_in_the_body])
def test_generators_the_loop_does_not_change(f):
    for x in (np.array([0.3, -0.8, 1.2, 0.4]), np.array([-0.5, 0.7, -0.2, 0.9])):
        value, _ = s2sad.value_and_grad(f)(x)
        assert value == pytest.approx(f(x.copy()), rel=1e-12)
        check_grad(f, x)
        check_jvp(f, x)
