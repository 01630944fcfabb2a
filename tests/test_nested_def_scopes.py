"""Defs inside the function read the names of the function they are defined in, as a
Python closure does: looked up where the def is, at the call, never in the def that
calls it.  Before, a def calling another one read that one's free names in the caller's
inlined body: a caller's parameter or local of the same name was taken instead (silently
wrong), and a def defined after its caller's definition was not found (refused)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def defined_after_its_caller(x):
    def a(u):
        return b(u) * 2
    def b(u):
        return np.sin(u) + c(u)
    def c(u):
        return u ** 2
    return np.sum(a(x))


def reading_a_variable_through_two_defs(x):
    k = 3.0
    def a(u):
        return b(u) * 2
    def b(u):
        return np.sin(u) + c(u)
    def c(u):
        return u ** 2 * k
    return np.sum(a(x))


def outer_name_hidden_by_a_parameter(x, k):
    def b(u):
        return np.sin(u) * k
    def a(u, k=1.0):
        return b(u) * k
    return np.sum(a(x))


def outer_name_hidden_by_a_parameter_defined_later(x, k):
    def a(u, k=1.0):
        return b(u) * k
    def b(u):
        return np.sin(u) * k
    return np.sum(a(x))


def outer_name_hidden_by_a_local(x, k):
    def b(u):
        return np.sin(u) * k
    def a(u):
        k = 1.0 + u[0]
        return b(u) * k
    return np.sum(a(x))


def chosen_by_a_branch(x):
    def a(u):
        return b(u) + 1.0 if u[0] > 0 else b(-u)
    def b(u):
        return c(u) * u
    def c(u):
        return np.cos(u)
    return np.sum(a(x))


X = np.array([0.3, -0.5, 1.2])


@pytest.mark.parametrize("f, args", [
    (defined_after_its_caller, (X,)), (reading_a_variable_through_two_defs, (X,)),
    (outer_name_hidden_by_a_parameter, (X, 2.5)),
    (outer_name_hidden_by_a_parameter_defined_later, (X, 2.5)),
    (outer_name_hidden_by_a_local, (X, 2.5)),
    (chosen_by_a_branch, (X,)), (chosen_by_a_branch, (-X,)),
])
def test_free_names_of_nested_defs(f, args) -> None:
    check_grad(f, *args, wrt=tuple(range(len(args))))
    check_jvp(f, *args)


def test_hidden_outer_name_closed_form() -> None:
    # sum(sin(x) * k * 1.0): d/dx = k cos(x), d/dk = sum(sin(x))
    gx, gk = s2sad.grad(outer_name_hidden_by_a_parameter, wrt=(0, 1))(X, 2.5)
    np.testing.assert_allclose(gx, 2.5 * np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(gk, np.sum(np.sin(X)), rtol=1e-12)
