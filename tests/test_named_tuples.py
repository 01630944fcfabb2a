"""Named tuples made in the function (``Point(x, y)``, a ``typing.NamedTuple`` with a
default, keywords) were refused as calls with no rule; a named tuple argument's
gradient, and an adjoint of a list of them, were rebuilt with one argument
(``Point.__new__() missing ...``, a TypeError from the runtime).  They are containers
(``runtime.named_tuple``) whose adjoint has one item per field.  Every case against
central differences."""
from collections import namedtuple
from typing import NamedTuple

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

Point = namedtuple("Point", ["x", "y"])


class Layer(NamedTuple):
    w: np.ndarray
    b: float = 0.5


def made_and_read(x):
    p = Point(x, np.sin(x))
    return np.sum(p.x * p.y)


def keywords_and_default(x):
    a = Layer(x ** 2)
    c = Layer(b=a.b + x[0], w=a.w * 3.0)
    return np.sum(c.w) * c.b


def list_of_points(x):
    ps = [Point(x[i], x[i] ** 2) for i in range(x.shape[0])]
    total = 0.0
    for p in ps:
        if p.x > 0:
            total = total + p.x * p.y
        else:
            total = total - p.y
    return total


@pytest.mark.parametrize("f", [made_and_read, keywords_and_default, list_of_points])
def test_named_tuples_made_inside(f, rng):
    x = rng.standard_normal(4)
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_both_branches_of_a_list_of_points():
    for x in (np.array([0.5, 1.5]), np.array([-0.5, -1.5])):
        check_grad(list_of_points, x)


def of_an_argument(p, scale):
    return np.sum(np.tanh(p.x * scale) * p.y)


def test_named_tuple_argument(rng):
    p = Point(rng.standard_normal(3), rng.standard_normal(3))
    g = check_grad(of_an_argument, p, 0.7)
    assert type(g) is Point
    check_vjp(of_an_argument, p, 0.7)
    check_jvp(of_an_argument, p, 0.7)
    check_grad(of_an_argument, p, 0.7, wrt=(0, 1))


def returned(x):
    return Point(x * 2.0, np.exp(x))


def test_named_tuple_output(rng):
    x = rng.standard_normal(3)
    u = Point(rng.standard_normal(3), rng.standard_normal(3))
    value, g = s2sad.vjp(returned)(x, u)
    assert type(value) is Point
    np.testing.assert_allclose(value.y, np.exp(x))
    np.testing.assert_allclose(g, 2.0 * u.x + np.exp(x) * u.y, rtol=1e-12)
