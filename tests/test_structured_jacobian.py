"""``s2sad.jacobian`` of a function returning a tuple, list or dict: a bare NumPy
ValueError ("setting an array element with a sequence") came out of the stacking.  A
tuple, list or dict of arrays (nested ones too) now has a Jacobian per item, nested as
JAX's ``jacrev`` / ``jacfwd`` nest them (per item, then per position of a tuple ``wrt``);
one holding something else (a string) is refused naming the function.  Checked against
finite differences and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import numerical_grad

X = np.array([0.3, -1.2, 0.8])


def pair(x):
    return np.sin(x) * 2, np.sum(x ** 2)


def named(x):
    return {"a": x ** 2, "b": np.cumsum(x)}


def listed(x):
    return [x[0] * x[1], np.exp(x)]


def nested(x):
    return np.tanh(x), {"s": np.sum(x ** 2), "p": x[:2] * x[1:]}


def labelled(x):
    return {"a": x ** 2, "note": "not a number"}


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_a_dict_output_has_a_dict_of_jacobians(mode):
    J = s2sad.jacobian(named, mode=mode)(X)
    assert type(J) is dict and list(J) == ["a", "b"]
    np.testing.assert_allclose(J["a"], np.diag(2 * X))  # closed forms
    np.testing.assert_allclose(J["b"], np.tril(np.ones((3, 3))))


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_a_dict_inside_a_tuple_output(mode):
    J = s2sad.jacobian(nested, mode=mode)(X)
    assert type(J) is tuple and type(J[1]) is dict
    np.testing.assert_allclose(J[0], np.diag(1 - np.tanh(X) ** 2), rtol=1e-12)
    np.testing.assert_allclose(J[1]["s"], 2 * X)
    for key in ("s", "p"):
        ref = np.stack([(nested(X + 1e-6 * e)[1][key] - nested(X - 1e-6 * e)[1][key]) / 2e-6
                        for e in np.eye(3)], axis=-1)
        np.testing.assert_allclose(J[1][key], ref, rtol=1e-6, atol=1e-8)


def test_a_dict_output_and_a_tuple_wrt_nest_as_jax():
    def f(a, b):
        return {"prod": a * b, "total": np.sum(a + b ** 2)}
    b = X[::-1].copy()
    J = s2sad.jacobian(f, wrt=(0, 1))(X, b)
    np.testing.assert_allclose(J["prod"][0], np.diag(b))
    np.testing.assert_allclose(J["prod"][1], np.diag(X))
    np.testing.assert_allclose(J["total"][1], 2 * b)


def test_a_dict_holding_a_string_is_refused_clearly():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_structured_jacobian.py:\d+: "
                       r"jacobian of \w+: its output is a dict"):
        s2sad.jacobian(labelled)(X)


def _differences(f, x, k, eps=1e-6):
    return np.stack([(np.asarray(f(x + eps * e)[k]) - np.asarray(f(x - eps * e)[k])) /
                     (2 * eps) for e in np.eye(x.size)], axis=-1)


@pytest.mark.parametrize("f", [pair, listed])
@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_a_tuple_output_has_a_jacobian_per_item(f, mode):
    J = s2sad.jacobian(f, mode=mode)(X)
    assert type(J) is tuple and len(J) == 2
    for k in range(2):
        np.testing.assert_allclose(J[k], _differences(f, X, k), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(J[1 if f is pair else 0],
                               2 * X if f is pair else [X[1], X[0], 0.0])  # closed forms


def product_and_sum(a, b):
    return a * b, np.sum(a + b ** 2)


def test_a_tuple_output_and_a_tuple_wrt_nest_as_jax():
    b = X[::-1].copy()
    J = s2sad.jacobian(product_and_sum, wrt=(0, 1))(X, b)
    np.testing.assert_allclose(J[0][0], np.diag(b))
    np.testing.assert_allclose(J[0][1], np.diag(X))
    np.testing.assert_allclose(J[1][0], np.ones(3))
    np.testing.assert_allclose(J[1][1], 2 * b)


def test_each_item_has_its_jacobian():
    for k in range(3):
        def item(x, k=k):
            return np.sin(x)[k] * 2 + pair(x)[1]
        row = s2sad.jacobian(lambda x: pair(x)[0])(X)[k] + 2 * X
        np.testing.assert_allclose(row, numerical_grad(item, (X,)), rtol=1e-6, atol=1e-8)


def squares(x):
    return x ** 2


def rows(x):
    return np.outer(x, x).sum(axis=0)


def scalar_for_a_number(x):
    return x ** 3 if np.ndim(x) == 0 else x ** 2


@pytest.mark.parametrize("f", [squares, rows, pair])
def test_hessian_of_a_vector_output_is_refused(f):
    # it returned the Hessian of the output's sum (a gradient seeded with 1.0)
    with pytest.raises(s2sad.DifferentiationError, match=r"scalar output"):
        s2sad.hessian(f)(X)


def test_hessian_checks_each_call():
    h = s2sad.hessian(scalar_for_a_number)
    np.testing.assert_allclose(h(0.5), 3.0, rtol=1e-10)  # 6x
    with pytest.raises(s2sad.DifferentiationError, match=r"scalar output"):
        h(X)


def test_grad_of_a_tuple_of_arrays_is_refused_clearly():
    # a bare ValueError (np.shape of items of different shapes) came out of the message
    with pytest.raises(s2sad.DifferentiationError, match=r"got a tuple of 2 items"):
        s2sad.grad(pair)(X)
    with pytest.raises(s2sad.DifferentiationError, match=r"got a dict of 2 items"):
        s2sad.grad(named)(X)


def test_grad_of_a_tuple_refused_under_warnings_as_errors():
    # the generated code's compile raised SyntaxWarning ('float' object is not
    # subscriptable): a SyntaxError under -W error instead of the refusal
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(s2sad.DifferentiationError, match=r"got a tuple of 2 items"):
            s2sad.grad(lambda x: (x * 2.0, np.sum(x)))(X)
