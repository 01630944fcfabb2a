"""A decorated function is differentiated from its own source (the ``functools.wraps``
chain is looked through).  A decorator whose wrapper changed the result (``return 2.0
* f(*args)``) or the arguments was silently left out: a wrong gradient.  Such a wrapper
is refused, naming it; one that only forwards (timing, logging, checks around
``return f(*args, **kwargs)``, or a result bound once and returned) is looked through.
Against central differences and closed forms."""
from __future__ import annotations

import functools
import re
import time

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def doubled(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return 2.0 * f(*args, **kwargs)
    return wrapper


def negated(f):
    @functools.wraps(f)
    def wrapper(x):
        out = f(x)
        out = -out
        return out
    return wrapper


def input_scaled(f):
    @functools.wraps(f)
    def wrapper(x):
        x = 3.0 * x
        return f(x)
    return wrapper


def logged(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        wrapper.calls = getattr(wrapper, "calls", 0) + 1
        return f(*args, **kwargs)
    return wrapper


def timed(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = f(*args, **kwargs)
        wrapper.elapsed = time.perf_counter() - start
        return result
    return wrapper


def checked(f):
    @functools.wraps(f)
    def wrapper(x, *, scale=1.0):
        if np.ndim(x) != 1:
            raise ValueError("a vector")
        return f(x, scale=scale)
    return wrapper


class Tripled:
    def __init__(self, f):
        functools.update_wrapper(self, f)
        self.f = f

    def __call__(self, x):
        return 3.0 * self.f(x)


@doubled
def squares(x):
    return np.sum(x ** 2)


@negated
def sines(x):
    return np.sum(np.sin(x))


@input_scaled
def cubes(x):
    return np.sum(x ** 3)


@Tripled
def exps(x):
    return np.sum(np.exp(x))


def calls_a_doubled_helper(x):
    return squares(x) + 1.0


@pytest.mark.parametrize("f", [squares, sines, cubes, calls_a_doubled_helper])
def test_a_decorator_changing_the_result_is_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"decorat"):
        s2sad.grad(f)(np.array([0.3, -0.4, 0.5]))


@pytest.mark.parametrize("x", [np.array([0.3, -0.4, 0.5]), np.array([-1.2, 0.0, 2.0])])
def test_a_decorating_object_is_differentiated_through_its_call(x):
    """``@Tripled``: the object's ``__call__``, whose ``self.f(x)`` is a call of the
    function the object holds, differentiated when it runs (``s2sad/dynamic_calls.py``;
    was refused as a decorator changing the result)."""
    np.testing.assert_allclose(s2sad.grad(exps)(x), 3.0 * np.exp(x), rtol=1e-12)
    check_grad(exps, x)


def test_the_refusal_names_the_wrapper():
    with pytest.raises(s2sad.DifferentiationError) as info:
        s2sad.grad(squares)(np.array([0.3, -0.4]))
    assert re.match(r".*test_decorators\.py:\d+: squares is decorated: the decorator's "
                    r"doubled\.<locals>\.wrapper", str(info.value))


@logged
def logged_tanh(x):
    return np.sum(np.tanh(x) ** 2)


@timed
def timed_exp(x):
    return np.sum(np.exp(0.5 * x))


@checked
def scaled_quartic(x, *, scale=1.0):
    return np.sum(x ** 4) * scale


@logged
@timed
def stacked(x):
    return np.sum(np.cos(x) * x)


def calls_a_timed_helper(x):
    return timed_exp(x) * 2.0


X = np.array([0.3, -0.7, 0.5, 1.1])


@pytest.mark.parametrize("f", [logged_tanh, timed_exp, stacked, calls_a_timed_helper])
def test_a_decorator_that_only_forwards_is_looked_through(f):
    check_grad(f, X.copy())


def test_keyword_only_arguments_forwarded():
    g = s2sad.grad(scaled_quartic)(X, scale=2.5)
    np.testing.assert_allclose(g, 4 * X ** 3 * 2.5, rtol=1e-12)  # the closed form


def test_a_cached_helper_of_numbers():
    @functools.cache
    def weight(n):
        return 0.5 * n

    def f(x):
        return np.sum(x ** 2) * weight(3)

    np.testing.assert_allclose(s2sad.grad(f)(X), 2 * X * 1.5, rtol=1e-12)
