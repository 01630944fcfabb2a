"""Functions made inside the differentiated function and used as values: a lambda
given to ``map``, ``sorted``'s or ``max``'s ``key``, or to a helper of the user's; a
lambda or def a helper returns (a closure), called later.  Each checked against
central finite differences (``s2sad.compiler.local_functions``)."""
from __future__ import annotations

import functools

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

SCALE = 1.7


# ----- a lambda (or a local def) given to map -----

def map_reading_a_local(x):
    w = 2.0 * x[0]
    return sum(map(lambda v: v * w, [x[0], x[1], x[2]]))


def map_over_an_array(x):
    return np.sum(np.array(list(map(lambda v: np.sin(v) * SCALE, x))))


def map_of_a_local_def(x):
    def cube(v):
        return v ** 3 * x[1]
    return np.sum(list(map(cube, x)))


@pytest.mark.parametrize("f", [map_reading_a_local, map_over_an_array, map_of_a_local_def])
def test_map_of_a_function_made_inside(f, rng):
    x = rng.normal(size=3)
    check_grad(f, x)
    check_jvp(f, x)


def test_map_of_a_lambda_by_hand():
    x = np.array([0.5, -1.0, 2.0])
    w = 2.0 * x[0]
    expected = np.array([w + 2.0 * np.sum(x), w, w])  # d/dx of w * sum(x), w = 2 x0
    assert np.allclose(s2sad.grad(map_reading_a_local)(x), expected)


# ----- sorted's and max's key -----

def sorted_by_a_lambda(x):
    s = sorted([x[0], x[1], x[2]], key=lambda v: -v)
    return s[0] * 2.0 + s[1] ** 2


def sorted_pairs_by_second(x):
    pairs = [(x[0], 3.0), (x[1], 1.0), (x[2], 2.0)]
    s = sorted(pairs, key=lambda p: p[1])
    return s[0][0] * 1.0 + s[1][0] * 10.0 + s[2][0] * 100.0


def max_by_a_lambda(x):
    return max([x[0], x[1], x[2]], key=lambda v: abs(v)) * 3.0


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("f", [sorted_by_a_lambda, sorted_pairs_by_second, max_by_a_lambda])
def test_key_lambdas(f, sign):
    x = sign * np.array([0.3, -0.7, 1.2])  # (the order changes with the sign)
    check_grad(f, x)


def test_sorted_pairs_by_hand():
    # sorted by the second items (1, 2, 3): x1, x2, x0
    assert np.allclose(s2sad.grad(sorted_pairs_by_second)(np.array([0.3, -0.7, 1.2])),
                       [100.0, 1.0, 10.0])


def key_reading_a_variable(x):
    s = sorted([x[0], x[1], x[2]], key=lambda v: v * x[0])
    return s[0]


@pytest.mark.parametrize("x", [np.array([0.3, -0.7, 1.2]), np.array([-0.3, -0.7, 1.2])])
def test_a_key_reading_variables(x):
    """Was refused; the keys are computed by the inlined key first (compiler/keyed.py)."""
    check_grad(key_reading_a_variable, x)
    first = sorted(x, key=lambda v: v * x[0])[0]
    np.testing.assert_allclose(s2sad.grad(key_reading_a_variable)(x), x == first)


# ----- a lambda given to a helper of the user's -----

def twice(f, v):
    return f(v) + f(2.0 * v)


def compose(f, g):
    return lambda v: f(g(v))


def helper_given_a_lambda(x):
    w = x[1]
    return np.sum(twice(lambda v: np.sin(v) * w, x))


def helper_given_a_def(x):
    def square(v):
        return v * v
    return np.sum(twice(square, x) * x[0])


def reduce_with_a_lambda_reading_a_local(x):
    c = np.cos(x[2])
    return functools.reduce(lambda a, b: a * c + b, [x[0], x[1], x[2]])


@pytest.mark.parametrize("f", [helper_given_a_lambda, helper_given_a_def,
                               reduce_with_a_lambda_reading_a_local])
def test_functions_given_to_helpers(f, rng):
    check_grad(f, rng.normal(size=3))


# ----- closures a helper returns -----

def scaled_by(k):
    return lambda v: k * np.sin(v)


def polynomial(a, b):
    def p(v):
        return a * v ** 2 + b * v
    return p


def closure_of_a_lambda(x):
    f = scaled_by(x[0])
    return np.sum(f(x))


def closure_of_a_def(x):
    p = polynomial(x[0], 2.0)
    q = polynomial(1.5, x[1])
    return np.sum(p(x) * q(x))


def closure_keeps_its_values(x):
    w = 2.0 * x[0]
    f = scaled_by(w)
    w = 3.0 * x[1]  # (f still reads the first w, as Python's closure does)
    return np.sum(f(x)) + w


def closure_called_at_once(x):
    return np.sum(scaled_by(x[2])(x))


def closure_of_a_composition(x):
    h = compose(np.tanh, lambda v: v * x[2])
    return np.sum(h(x))


@pytest.mark.parametrize("f", [closure_of_a_lambda, closure_of_a_def, closure_keeps_its_values,
                               closure_called_at_once, closure_of_a_composition])
def test_closures_returned_by_helpers(f, rng):
    x = rng.normal(size=3)
    check_grad(f, x)
    check_jvp(f, x)


def test_closure_keeps_its_values_by_hand():
    x = np.array([0.4, 0.9, -0.3])
    # value: 2 x0 * sum(sin(x)) + 3 x1
    expected = 2.0 * x[0] * np.cos(x)
    expected[0] += 2.0 * np.sum(np.sin(x))
    expected[1] += 3.0
    assert np.allclose(s2sad.grad(closure_keeps_its_values)(x), expected)


def bound_twice(x):
    f = scaled_by(x[0])
    f = scaled_by(x[1])
    return np.sum(f(x))


def test_a_closure_name_bound_twice_is_refused_at_its_line():
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_passed_functions_made\.py:\d+: f, bound to a function "
                             r"made inside the function and bound again"):
        s2sad.grad(bound_twice)(np.ones(3))


# ----- functools.reduce over a sequence whose length is not written: a loop -----

def reduce_a_list_argument(xs):
    return functools.reduce(lambda a, b: a * b + 1.0, xs)


def reduce_an_array(x):
    return functools.reduce(lambda a, b: a * np.sin(b), x)


def reduce_with_an_initial_value(x):
    return functools.reduce(lambda a, b: a + np.sin(b) * a, x, 0.5)


def reduce_arrays_of_a_list(xs):
    return np.sum(functools.reduce(lambda a, b: a * b, xs))


@pytest.mark.parametrize("f", [reduce_an_array, reduce_with_an_initial_value])
def test_reduce_over_an_array(f, rng):
    x = rng.normal(size=5)
    check_grad(f, x)
    check_jvp(f, x)


def test_reduce_over_lists(rng):
    check_grad(reduce_a_list_argument, [0.3, -0.7, 1.2])
    check_grad(reduce_arrays_of_a_list, [rng.normal(size=3) for _ in range(3)])


def test_reduce_an_array_by_hand():
    x = np.array([0.3, 0.5, 0.9])  # x0 sin(x1) sin(x2)
    s1, s2 = np.sin(x[1]), np.sin(x[2])
    expected = [s1 * s2, x[0] * np.cos(x[1]) * s2, x[0] * s1 * np.cos(x[2])]
    assert np.allclose(s2sad.grad(reduce_an_array)(x), expected)


# ----- map of several iterables: [f(a, b) for a, b in zip(xs, ys)]; a lambda called at once -----

def map_of_two_lists(x):
    return sum(map(lambda a, b: a * b, [x[0], x[1]], [x[2], x[3]]))


def map_of_two_arrays_and_a_def(x):
    w = x[0]

    def weighted(a, b):
        return a * w + np.sin(b)
    return np.sum(np.array(list(map(weighted, x, x[::-1]))))


def fused(a, b, c):
    return a * b + c


def map_of_three_with_a_helper(x):
    return np.sum(list(map(fused, x, x ** 2, [1.0, 2.0, 3.0, 4.0]))[1:])


def lambda_called_at_once(x):
    return np.sum((lambda a, k=2: a ** k * x[1])(x))


@pytest.mark.parametrize("f", [map_of_two_lists, map_of_two_arrays_and_a_def,
                               map_of_three_with_a_helper, lambda_called_at_once])
def test_map_of_several_iterables(f, rng):
    x = rng.normal(size=4)
    check_grad(f, x)
    check_jvp(f, x)


def test_map_of_two_lists_by_hand():
    x = np.array([0.5, -1.0, 2.0, 3.0])  # x0 x2 + x1 x3
    assert np.allclose(s2sad.grad(map_of_two_lists)(x), [2.0, 3.0, 0.5, -1.0])


def _chosen_maker(c):
    if c:
        return lambda a: a * 2
    return lambda a: a * 3


def closure_chosen_on_a_branch(x):
    f = _chosen_maker(x[0] > 0)
    return np.sum(f(x))


def test_a_lambda_returned_on_two_paths_is_refused_at_its_line():
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_passed_functions_made\.py:\d+: a lambda bound to a name "
                             r"more than once, or returned on more than one path"):
        s2sad.grad(closure_chosen_on_a_branch)(np.ones(3))
