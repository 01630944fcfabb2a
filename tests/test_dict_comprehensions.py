"""Dict comprehensions (were refused) become loops setting the items of a new dict, as
list comprehensions become loops appending: an SGD step over a dict of parameters
inside a loss, a filter, the comprehension's names kept its own; checked against
central differences, both branches of the filter's condition."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

_P = {"w": np.array([0.5, -0.3, 0.8]), "b": np.array([0.1, 0.2, -0.4])}
_X = np.array([0.3, -0.8, 1.1])


def loss(p, x):
    return np.sum(np.tanh(p["w"] * x + p["b"]) ** 2)


def grads(p, x):
    h = np.tanh(p["w"] * x + p["b"])
    d = 2 * h * (1 - h * h)
    return {"w": d * x, "b": d}


def unrolled_step(p, x):
    """One step of gradient descent inside the loss (learning the learning rule)."""
    g = grads(p, x)
    q = {k: v - 0.1 * g[k] for k, v in p.items()}
    return loss(q, x)


def filtered(x):
    d = {i: x[i] ** 2 for i in range(3) if x[i] > 0}
    return sum(d.values()) + x[0]


def own_names(x):
    k = x[1] * 3.0
    d = {k: x[k] * 2 for k in range(2)}
    return d[0] + d[1] * k  # the outer k, not the comprehension's


def test_an_unrolled_step_over_a_dict_of_parameters():
    check_grad(unrolled_step, _P, _X, wrt=(0, 1))
    check_vjp(unrolled_step, _P, _X, wrt=(0, 1))
    check_jvp(unrolled_step, _P, _X, wrt=(0, 1))


@pytest.mark.parametrize("x", [_X, -_X, np.array([0.5, 0.2, -0.1])])
def test_a_filter_both_ways(x):
    check_grad(filtered, x)
    check_jvp(filtered, x)


def test_the_comprehensions_names_are_its_own():
    check_grad(own_names, _X)
    np.testing.assert_allclose(s2sad.grad(own_names)(_X), [2.0, 3 * 2 * _X[1] + 6 * _X[1], 0.0])
