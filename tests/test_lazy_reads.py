"""Iterators Python reads lazily, which s2sad reads where they are made
(compiler/lazy_reads.py).  A generator of the user's is read as the list it yields,
made before the loop that iterates it: a body writing into an array the generator was
given (``for t in gen(a): a[2] = ...``) changed the values Python's generator yields
later, which the list did not see; so did a write between making an iterator bound to a
name (``g = (v * 2 for v in a)``, ``pairs = zip(a, b)``, ``m = map(f, a)``) and reading
it: wrong values and gradients.  Both are refused naming the line; loops and iterators
whose arrays are only read, or whose writes go elsewhere, are differentiated (central
differences)."""
from __future__ import annotations

import itertools

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
    with pytest.raises(s2sad.DifferentiationError, match=r"test_lazy_reads.py:\d+: a for "
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


def generator_expression_then_write(x):
    a = x * 1.0
    g = (v * 2 for v in a)
    a[0] = 10.0 * x[1]
    return sum(g)


def zip_bound_then_written_in_its_loop(x):
    a = x * 1.0
    pairs = zip(a, x ** 2)
    s = 0.0
    for i, (u, v) in enumerate(pairs):
        if i + 1 < len(a):
            a[i + 1] = u * 3
        s += u * v
    return s


def map_bound_then_sorted(x):
    a = x * 1.0
    m = map(np.tanh, a)
    a.sort()
    return sum(m)


@pytest.mark.parametrize("f", [generator_expression_then_write,
                               zip_bound_then_written_in_its_loop, map_bound_then_sorted])
def test_an_iterator_of_an_array_written_later_is_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_lazy_reads.py:\d+: \w+, an "
                       r"iterator of a, which the function writes into in place"):
        s2sad.grad(f)(np.array([0.3, -0.8, 1.2, 0.4]))


def generator_expression_read(x):
    a = x * 1.0
    g = (v * 2 if v > 0 else v ** 2 for v in a)
    return sum(g)


def zip_bound_other_written(x):
    a = x * 1.0
    c = np.zeros(len(x))
    pairs = zip(a, x ** 2)
    for i, (u, v) in enumerate(pairs):
        c[i] = u * v
    return np.sum(c ** 2)


def map_bound_read(x):
    m = map(np.tanh, x * 2.0)
    return sum(m)


@pytest.mark.parametrize("f", [generator_expression_read, zip_bound_other_written,
                               map_bound_read])
def test_iterators_of_arrays_only_read(f):
    for x in (np.array([0.3, -0.8, 1.2, 0.4]), np.array([-0.5, 0.7, -0.2, 0.9])):
        value, _ = s2sad.value_and_grad(f)(x)
        assert value == pytest.approx(f(x.copy()), rel=1e-12)
        check_grad(f, x)
        check_jvp(f, x)


def accumulated_while_written(x):
    a = x * 1.0
    s = 0.0
    for i, v in enumerate(itertools.accumulate(a)):
        if i + 1 < len(a):
            a[i + 1] = v
        s += v
    return s


def mapped_while_written(x):
    a = x * 1.0
    s = 0.0
    for i, v in enumerate(map(np.tanh, a)):
        if i + 1 < len(a):
            a[i + 1] = 2 * v
        s += v
    return s


def generator_expression_while_written(x):
    a = x * 1.0
    s = 0.0
    for v in (t * 2 for t in a):
        a[-1] = v
        s += v
    return s


@pytest.mark.parametrize("f", [accumulated_while_written, mapped_while_written,
                               generator_expression_while_written])
def test_a_loop_writing_what_its_lazy_iterator_reads_is_refused(f):
    """(each was a wrong value: itertools, map and a generator expression read as the
    list of their items before the loop; zip, enumerate and reversed of an array are
    read by index as the loop runs, and stay differentiated)"""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_lazy_reads.py:\d+: a for "
                       r"loop over a generator whose body changes a in place"):
        s2sad.grad(f)(np.array([0.3, -0.5, 0.7, 0.2]))


def mapped_into_another(x):
    a = x * 1.0
    out = np.zeros(len(x))
    for i, v in enumerate(map(np.tanh, a)):
        out[i] = v * a[i] if v > 0 else -v
    return np.sum(out ** 2)


def test_a_lazy_iterator_whose_arrays_are_only_read():
    for x in (np.array([0.3, -0.5, 0.7, 0.2]), -np.array([0.3, -0.5, 0.7, 0.2])):
        check_grad(mapped_into_another, x)
        check_jvp(mapped_into_another, x)
