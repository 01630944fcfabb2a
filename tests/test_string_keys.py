"""A string argument that picks a function from a dict (``ACTS[act](x)``, a config's
activation name): the derivative is made per string, the string read as a constant, so
the function it picks is known, as a global's is (variant_kinds.keying_parameters,
known_arguments.keys_given; a helper given a string literal the same way).  Was refused:
which function the name holds not known.  Gradients against central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.5, 0.8, 1.1])


def relu(z):
    return np.maximum(z, 0.0)


ACTS = {"tanh": np.tanh, "relu": relu, "sin": np.sin}


def global_registry(x, act="tanh"):
    return np.sum(ACTS[act](x))


def local_registry(x, act):
    acts = {"tanh": np.tanh, "relu": relu}
    return np.sum(acts[act](x) * x)


def branch_then_pick(x, act):
    if act == "tanh":
        return np.sum(np.tanh(x))
    return np.sum(ACTS[act](x) ** 2)


def pick(x, name):
    return ACTS[name](x)


def helper_given_literals(x):
    return np.sum(pick(x, "relu") + pick(x, "sin") * x)


def layer(x, w, act="sin"):
    return ACTS[act](w * x)


def helper_default_string(x):
    return np.sum(layer(x, 2.0)) + np.sum(layer(x, 0.5, act="tanh"))


@pytest.mark.parametrize("act", ["tanh", "relu", "sin"])
@pytest.mark.parametrize("f", [global_registry, branch_then_pick],
                         ids=lambda f: f.__name__)
def test_each_string(f, act):
    check_grad(f, X.copy(), act)
    check_jvp(f, X.copy(), act)


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_a_local_registry(act):
    check_grad(local_registry, X.copy(), act)


@pytest.mark.parametrize("f", [helper_given_literals, helper_default_string],
                         ids=lambda f: f.__name__)
def test_helpers(f):
    check_grad(f, X.copy())


def test_one_derivative_many_strings():
    """One grad object, strings in turn (positional, keyword, the default): each call
    runs the variant of its string (closed forms)."""
    g = s2sad.grad(global_registry)
    assert np.allclose(g(X, "sin"), np.cos(X))
    assert np.allclose(g(X, "relu"), (X > 0) * 1.0)
    assert np.allclose(g(X, act="sin"), np.cos(X))
    assert np.allclose(g(X), 1 - np.tanh(X) ** 2)


def shadowed_by_a_lambda(x, act):
    f = lambda act: ACTS[act]  # noqa: E731
    return np.sum(f("sin")(x)) + np.sum(ACTS[act](x))


def rebound(x, act):
    out = np.sum(ACTS[act](x))
    act = "sin"
    return out + np.sum(ACTS[act](x))


@pytest.mark.parametrize("f", [shadowed_by_a_lambda, rebound], ids=lambda f: f.__name__)
def test_a_name_bound_again_is_right_or_refused(f):
    try:
        check_grad(f, X.copy(), "relu")
    except s2sad.DifferentiationError as e:
        assert "test_string_keys.py" in str(e)


def sin_picked(x):
    return global_registry(x, "sin") + np.sum(branch_then_pick(x, "tanh") * x)


def test_second_order():
    check_hessian(sin_picked, X.copy())
