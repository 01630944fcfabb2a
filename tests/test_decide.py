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


def test_a_conditional_expression_on_a_literal_is_its_branch():
    assert _decided("a = 1 if 'valid' == 'full' else 2") == "a = 2"
    assert _decided("a = x if 2 > 1 else y") == "a = x"
    assert _decided("a = 0 if 'v' == 'f' else 1 if 'v' == 'v' else 2") == "a = 1"
    assert _decided("a = x if b else y") == "a = x if b else y"  # (b: not a literal)


def convolved(w, x, mode):
    return np.sum(np.tanh(np.convolve(x, w, mode=mode)) ** 2)


def correlated(w, x, mode):
    return np.sum(np.sin(np.correlate(x, w, mode)) * np.arange(len(np.correlate(x, w, mode))))


def convolved_full(w, x):
    return convolved(w, x, "full")


def convolved_same(w, x):
    return convolved(w, x, "same")


def correlated_valid(w, x):
    return correlated(w, x, "valid")


def correlated_same(w, x):
    return correlated(w, x, "same")


@pytest.mark.parametrize("g", [convolved_full, convolved_same, correlated_valid,
                               correlated_same])
def test_convolution_modes_leave_no_dead_choice(g):
    rng = np.random.default_rng(3)
    w, x = rng.standard_normal(4), rng.standard_normal(9)
    text = source(g, w, x)
    for undecided in ("== 'full'", "== 'same'", "if False", "if True", "_mode"):
        assert undecided not in text  # (the rule's mode choices decided)
    check_grad(g, w, x)
    check_grad(g, w, x, wrt=1)
    check_vjp(g, w, x)


def clipped(x, lo=None):
    low = -1.0 if lo is None else lo
    return np.sum(np.clip(x, low, 1.0) ** 2 + 0.1 * x)


def two_clips(x):
    return clipped(x) + clipped(x, -0.5)


def test_a_helpers_default_in_a_conditional_expression():
    x = np.array([-1.5, -0.3, 0.4, 1.7])
    assert "is None" not in source(two_clips, x)
    check_grad(two_clips, x)
    check_jvp(two_clips, x)


def smoothness(x, w):
    """A penalty on differences and a convolution (the adjoints place values in zeros:
    runtime ``placed`` and ``undiff``, linear, each with a rule of its own)."""
    return np.sum(np.diff(x) ** 2) + np.sum(np.diff(x, 2) ** 2) + \
        np.sum(np.tanh(np.convolve(x, w, mode="valid")))


def test_second_order_through_placed_values(rng):
    x, w = rng.standard_normal(7), rng.standard_normal(3)
    check_grad(smoothness, x, w, wrt=(0, 1))
    check_hessian(lambda x: smoothness(x, w), x)
    check_jvp(smoothness, x, w, wrt=(0, 1))
    g = s2sad.grad(smoothness)(x, w)  # closed form of the difference penalties' part
    d1, d2 = np.diff(x), np.diff(x, 2)
    part = np.zeros(7)
    part[1:] += 2 * d1
    part[:-1] -= 2 * d1
    second = np.zeros(7)
    second[2:] += 2 * d2
    second[1:-1] -= 4 * d2
    second[:-2] += 2 * d2
    rest = s2sad.grad(lambda x: np.sum(np.tanh(np.convolve(x, w, mode="valid"))))(x)
    np.testing.assert_allclose(g, part + second + rest, rtol=1e-10, atol=1e-12)
