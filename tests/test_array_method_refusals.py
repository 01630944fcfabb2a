"""Array methods s2sad has no rule for, refused at the user's line with what to do.

``x.compress(c)`` of a differentiated array was refused as "which function this name
holds is not known" (a function chosen at run time); it now names the array method and
NumPy's function form.  A method of a constant array given differentiated arguments
(``idx.choose([x, y])``, ``x.__truediv__(y)`` differentiated in ``y``) is called through
a wrapper made at run time, whose refusal was reported twice over as "differentiating
s2sad's derivative of this line again was refused ... please report it" (no derivative
was differentiated again): now the missing rule, at the user's line.  The function
forms the messages point to are checked against central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.5, -1.0, 2.0])
Y = np.array([1.5, 0.3, -0.7])
PICK = np.array([0, 1, 0])


def compressed(x):
    return np.sum(x.compress([True, False, True]) ** 2)


def viewed(x):
    return np.sum(x.view() * x)


def powered(x):
    return np.sum(x.__pow__(2))


@pytest.mark.parametrize("f, method, function", [
    (compressed, "compress", "np.compress"), (viewed, "view", None),
    (powered, "__pow__", None)])
def test_an_array_method_without_a_rule_is_named_with_what_to_do(f, method, function):
    with pytest.raises(s2sad.DifferentiationError) as refused:
        s2sad.grad(f)(X)
    message = str(refused.value)
    assert "test_array_method_refusals.py:" in message
    assert f"no rule for the method .{method}()" in message
    assert "not known when the derivative is made" not in message
    assert (function in message) if function else ("np." not in message)


def chosen_by_index(x, y):
    pick = np.array([0, 1, 0])
    return np.sum(pick.choose([x, y]) ** 2)


def divided_method(x, y):
    return np.sum(x.__truediv__(y))


def searched_sorted(x, y):
    return np.sum(np.sort(x).searchsorted(y) * y) + np.sum((np.arange(3) % 2).choose([y, x]))


@pytest.mark.parametrize("f, wrt, method", [
    (chosen_by_index, 0, "choose"), (divided_method, 1, "__truediv__"),
    (searched_sorted, 0, "choose")])
def test_a_constant_arrays_method_given_differentiated_values_is_one_refusal(f, wrt, method):
    for derivative in (s2sad.grad(f, wrt=wrt), lambda *a: s2sad.jvp(f, wrt=wrt)(*a, X)):
        with pytest.raises(s2sad.DifferentiationError) as refused:
            derivative(X, Y)
        message = str(refused.value)
        assert message.startswith(f"{__file__}:")
        assert f"call of ndarray.{method}: no " in message
        assert "again" not in message and "please report" not in message


def chosen_by_function(x, y):
    return np.sum(np.choose(PICK, [x, y]) ** 2)


def compressed_by_function(x, y):
    return np.sum(np.compress([True, False, True], x * y) ** 2)


def divided_by_operator(x, y):
    return np.sum(x / y) + np.sum(np.true_divide(y, x + 3.0))


@pytest.mark.parametrize("f", [chosen_by_function, compressed_by_function,
                               divided_by_operator])
@pytest.mark.parametrize("wrt", [0, 1])
def test_the_forms_the_messages_point_to_are_differentiated(f, wrt):
    check_grad(f, X, Y, wrt=wrt)
    check_jvp(f, X, Y, wrt=wrt)


def test_the_chosen_items_gradient_has_its_closed_form():
    gx, gy = s2sad.grad(chosen_by_function, wrt=(0, 1))(X, Y)
    np.testing.assert_allclose(gx, 2 * X * (PICK == 0), rtol=1e-12)
    np.testing.assert_allclose(gy, 2 * Y * (PICK == 1), rtol=1e-12)
