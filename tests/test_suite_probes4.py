"""Probes in the style of other AD tools' own suites (autograd's test_graphs,
test_wrappers, test_dict; JAX's api_test: grad of grad with keywords), helper 64: each
case here failed on main (a wrong number, a crash or a refusal) and is checked against
central differences in float64 and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

# ----- statements of one line (``b = a + 1.0; c = b[0] + 1.5; ...``, autograd's
# test_mutating_outgrad_from_indexing): an adjoint added into in place (add_at) was moved
# into the longer expression that also read it, ``da = da + add_at(da, ..)``, which then
# read the changed array: a wrong gradient (vjp, and grad of the longer ones) -----

def outgrad_from_indexing(a):
    b = a + 1.0; c = b[0] + 1.5; d = a + b; e = d + c  # noqa: E702
    return np.sum(e)


def outgrad_squared(a):
    b = a + 1.0; c = b[0] + 1.5; d = a + b; e = d + c  # noqa: E702
    return np.sum(e ** 2)


def tail_of_a_double(a):
    b = a * 2.0; s = np.sum(b[1:] ** 2); return np.sum(a + b) + s  # noqa: E702


def column_of_a_shift(a):
    b = a + 1.0; return np.sum(b[:, 0]) * 3.0 + np.sum(a + b)  # noqa: E702


@pytest.mark.parametrize("f, shape", [(outgrad_from_indexing, (5,)), (outgrad_squared, (4,)),
                                      (tail_of_a_double, (4,)), (column_of_a_shift, (3, 2))])
def test_an_item_adjoint_added_on_one_line(f, shape, rng):
    x = rng.standard_normal(shape)
    check_grad(f, x)
    check_vjp(f, x, rng=rng)
    check_jvp(f, x, rng=rng)


def test_an_item_adjoint_added_on_one_line_closed_form():
    x = np.arange(5.0)
    # e = 2a + 1 + (a[0] + 2.5) in each of 5 places: d/da = 2, and 5 more for a[0]
    _, g = s2sad.vjp(outgrad_from_indexing)(x, 2.0)
    np.testing.assert_array_equal(g, [14.0, 4.0, 4.0, 4.0, 4.0])
    np.testing.assert_array_equal(s2sad.grad(tail_of_a_double)(x),
                                  3.0 + 8.0 * x * (np.arange(5) > 0))
    check_hessian(outgrad_squared, np.arange(4.0) / 3)


# ----- grad of grad of a function of **kwargs, called with keywords (JAX's
# grad(grad(f))(x, **kw)): the inner gradient was made for a call without them
# (TypeError: unexpected keyword argument) -----

def scaled_by_keywords(x, **kw):
    return x * kw["a"] + x ** 3 * kw.get("b", 0.0)


def one_keyword(x, **kw):
    return np.sin(x) * kw["a"]


def spread_positions(x, *rest):
    return x ** 3 * rest[0]


def test_second_derivative_of_keywords_gathered():
    x = 0.7
    np.testing.assert_allclose(s2sad.grad(s2sad.grad(scaled_by_keywords))(x, a=3.0, b=2.0),
                               6 * x * 2.0, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(s2sad.grad(scaled_by_keywords))(x, a=3.0), 0.0)
    v, g = s2sad.value_and_grad(s2sad.grad(scaled_by_keywords))(x, a=3.0, b=2.0)
    np.testing.assert_allclose((v, g), (3.0 + 3 * x ** 2 * 2.0, 6 * x * 2.0), rtol=1e-12)


def test_third_derivative_of_keywords_gathered():
    x = 0.7
    ddd = s2sad.grad(s2sad.grad(s2sad.grad(one_keyword)))
    np.testing.assert_allclose(ddd(x, a=1.5), -np.cos(x) * 1.5, rtol=1e-10)
    ddd = s2sad.grad(s2sad.grad(s2sad.grad(scaled_by_keywords)))
    np.testing.assert_allclose(ddd(x, a=1.5, b=2.0), 12.0, rtol=1e-10)


def test_second_derivative_of_positions_gathered():
    x, eps = 0.7, 1e-5
    dd = s2sad.grad(s2sad.grad(spread_positions))(x, 3.0)
    np.testing.assert_allclose(dd, 18 * x, rtol=1e-12)
    d = s2sad.grad(spread_positions)
    np.testing.assert_allclose(dd, (d(x + eps, 3.0) - d(x - eps, 3.0)) / (2 * eps), rtol=1e-7)
