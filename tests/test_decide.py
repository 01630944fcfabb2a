"""compiler/decide.py: conditions that are literals once a library function or a
user's helper is inlined with literal arguments are decided when the derivative is
generated, and the ``if`` is the branch it takes (no dead branch in the generated
code, no SyntaxWarning for ``1 is not None`` when it compiles).  Checked against
central differences; both branches of every data-dependent ``if`` still run."""
import ast
import warnings

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp
from s2sad.compiler.decide import decide


def gradient_axis(f):
    return np.sum(np.gradient(f, axis=1, edge_order=2) ** 2)


def gradient_axis_0(f):
    return np.sum(np.sin(np.gradient(f, axis=0)))


def source(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


@pytest.mark.parametrize("f", [gradient_axis, gradient_axis_0])
def test_a_library_function_with_literal_arguments(f):
    x = np.random.default_rng(0).standard_normal((4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)
        text = source(f, x)
    assert "isinstance" not in text and "is not None" not in text
    assert len(text.splitlines()) < 60
    check_grad(f, x)
    check_vjp(lambda_free_gradient, x)


def lambda_free_gradient(f):
    return np.gradient(f, axis=1)


def scaled(x, scale=None, shift=0.0):
    if scale is None:
        scale = 2.0
    if shift != 0.0:
        x = x - shift
    return np.sum(np.tanh(scale * x))


def uses_defaults(x):
    return scaled(x) + scaled(x, 0.5, shift=0.25)


def test_a_helpers_literal_defaults_decide_its_branches():
    x = np.linspace(-1.0, 1.0, 5)
    text = source(uses_defaults, x)
    assert "is None" not in text and "!= 0.0" not in text
    check_grad(uses_defaults, x)
    check_jvp(uses_defaults, x)
    check_hessian(uses_defaults, x)


def flag_parameter(x, scale):
    if scale is None:  # a parameter: decided by each call, never when generated
        return np.sum(x * x)
    return np.sum(scale * x * x)


def test_a_parameter_is_never_taken_for_a_literal():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(flag_parameter)(x, None), 2 * x)
    np.testing.assert_allclose(s2sad.grad(flag_parameter)(x, 3.0), 6 * x)


def data_dependent(x, n):
    s = 0.0
    for i in range(n):
        if i == 0:
            s = s + np.sin(x[i])
        elif x[i] > 0.0:
            s = s + x[i] * x[i]
        else:
            s = s - x[i]
    return s


@pytest.mark.parametrize("x", [np.array([0.3, 0.8, -0.4, 1.2]),
                               np.array([-0.3, -0.8, 0.4, -1.2])])
def test_conditions_that_are_not_literals_stay(x):
    check_grad(data_dependent, x, 4)
    check_vjp(data_dependent, x, 4)


def _decided(text: str) -> str:
    body = gast.parse(text).body
    decide(body, set())
    return ast.unparse(gast.gast_to_ast(gast.Module(body=body, type_ignores=[]))).strip()


def test_what_is_decided():
    assert _decided("a = 0 < 2 < 3") == "a = True"
    assert _decided("flag = 1 is None\nif flag:\n    y = 1\nelse:\n    y = 2") == \
        "flag = False\ny = 2"  # (simplify then drops the dead binding)
    assert _decided("t = (tuple, list)\nb = isinstance(1, t)") == \
        "t = (tuple, list)\nb = False"
    assert _decided("b = not (1 == 1 and 'a' in 'abc')") == "b = False"
    # Python raises when it runs: left to it; a name bound twice is not a literal
    assert _decided("c = None < 1") == "c = None < 1"
    assert _decided("f = True\nf = g\nif f:\n    y = 1") == "f = True\nf = g\nif f:\n    y = 1"
