"""A def (or lambda) inside the function whose default value reads one of the
function's variables (``def f(t, k=k)`` in a loop, ``lambda v, a=a: ...``) was refused
(s2sad defined it apart from the function, where the variable does not exist), and where
a module global had the variable's name the default silently read the global: a wrong
value and a lost gradient.  Such a default is now evaluated where the def stands, into a
variable of the function (compiler/local_defaults.py), as Python binds it when the def
runs: a later rebinding is not seen, an in-place write of the same array is.  Defaults
of constants and globals work as before; a def held in a list and called through it is
refused.  Checked against central differences and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

SCALE = 1.5


def functions_made_in_a_loop(x):
    fs = []
    for k in range(3):
        def f(t, k=k):
            return t ** k
        fs.append(f)
    return fs[0](x) + fs[2](x)


def default_from_a_local(x):
    c = 3.0

    def f(t, k=c):
        return t * k
    return f(x)


def called_in_the_loop(x):
    s = 0.0
    for k in range(3):
        def f(t, k=k):
            return t * k
        s = s + f(x)
    return s


def lambda_default(x):
    c = 2.0
    g = lambda t, k=c: t * k  # noqa: E731
    return g(x)


@pytest.mark.parametrize("f, slope", [(default_from_a_local, 3.0), (called_in_the_loop, 3.0),
                                      (lambda_default, 2.0)])
def test_defaults_read_from_the_function(f, slope):
    value, g = s2sad.value_and_grad(f)(0.7)
    assert value == pytest.approx(f(0.7), rel=1e-12)
    assert g == pytest.approx(slope, rel=1e-12)  # (linear in x: the closed form)
    check_grad(f, 0.7)


def test_a_def_held_in_a_list_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_nested_defaults.py:\d+: "
                       r"f, a def inside the function, held in a list"):
        s2sad.grad(functions_made_in_a_loop)(0.7)


x = np.array([10.0, 20.0, 30.0])  # (a global of a parameter's name: never the default)


def default_of_an_argument_expression(x):
    def g(v, *, s=x[0] ** 2):
        return v * s
    return np.sum(g(x))


def rebound_after_the_def(x):
    a = 1.0 * x[0]
    f = lambda v, a=a: v * a  # noqa: E731
    a = 2.0 * x[1]
    return np.sum(f(x)) + a


def written_in_place_after_the_def(x):
    a = x * 2.0
    f = lambda v, a=a: np.sum(v * a)  # noqa: E731
    a *= x[2]
    return f(x)


def given_at_one_call(x):
    s = x[1]

    def g(v, s=s):
        return v * s
    return np.sum(g(x, s=5.0)) + np.sum(g(x))


def made_in_a_loop_called_after(x):
    for k in range(3):
        def g(v, k=k, w=x[k]):
            return v * k * w
    return np.sum(g(x))


def lambda_given_to_map(x):
    out = 0.0
    for k in range(3):
        out += sum(map(lambda v, k=k: v * x[k], x))
    return out


def branch_picks_the_default(x):
    w = x[0] if x[1] > 0 else -x[2]

    def g(v, w=w):
        return v * w
    return np.sum(g(x) ** 2)


LOCAL = [default_of_an_argument_expression, rebound_after_the_def,
         written_in_place_after_the_def, given_at_one_call, made_in_a_loop_called_after,
         lambda_given_to_map, branch_picks_the_default]


@pytest.mark.parametrize("f", LOCAL, ids=lambda f: f.__name__)
def test_default_is_the_value_when_the_def_ran(f):
    """Value as Python computes it, gradient by central differences (both branches of
    ``branch_picks_the_default``: x[1] of either sign)."""
    for arg in (np.array([0.3, -0.8, 1.2]), np.array([-0.6, 0.5, 0.9])):
        value, _ = s2sad.value_and_grad(f)(arg)
        assert value == pytest.approx(f(arg), rel=1e-12)
        check_grad(f, arg)
        check_jvp(f, arg)


def test_default_of_an_argument_closed_form():
    """d/dx of sum(x * x0**2) is x0**2 everywhere and 2 * x0 * sum(x) more in x0 (the
    global ``x`` of this module was read before: a gradient of x0**2 alone)."""
    arg = np.array([0.3, -0.8, 1.2])
    expected = np.full(3, arg[0] ** 2)
    expected[0] += 2 * arg[0] * arg.sum()
    np.testing.assert_allclose(s2sad.grad(default_of_an_argument_expression)(arg), expected)


def constant_and_global_defaults(x):
    def f(t, k=2.0, s=SCALE):
        return np.sin(t * k) * s
    return np.sum(f(x) + f(x, 3.0))


def test_constant_and_global_defaults_still_work():
    x = np.array([0.3, -0.8])
    check_grad(constant_and_global_defaults, x)
    check_jvp(constant_and_global_defaults, x)
