"""``fun(x, *extra, **kwargs)`` with ``extra`` / ``kwargs`` of a closure or a global, as
a test harness wraps NumPy functions (``combo_check(np.sum, axis=[0, 1])``): ``**kwargs``
crashed with a bare TypeError inside the compiler, ``*extra`` was refused.  Their items
are now passed one by one (constants as written, the others read as ``extra[i]``); a
``**d`` still unknown is refused naming the line.  Checked against finite differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

W = np.array([[1.0, 2.0], [0.5, -1.0], [0.3, 0.2]])
KEYWORDS = {"axis": 0, "keepdims": True}
OPERANDS = (W,)
X = np.array([[0.3, 0.1, -0.4], [0.2, 0.7, 0.35]])


def wrapped(fun, *extra, **kwargs):
    def scalar_fun(x):
        return np.sum(np.sin(fun(x, *extra, **kwargs)))
    return scalar_fun


@pytest.mark.parametrize("kwargs", [{"axis": 1, "keepdims": True}, {"axis": (0, 1)}, {}])
def test_closure_keywords_of_a_reduction(kwargs):
    f = wrapped(np.sum, **kwargs)
    check_grad(f, X)
    check_jvp(f, X)


def test_closure_positional_constants():
    f = wrapped(np.clip, 0.25, 0.5)  # both sides of each bound among X's entries
    check_grad(f, X)
    check_vjp(f, X)


def test_closure_positional_array():
    f = wrapped(np.dot, W)
    check_grad(f, X)
    check_jvp(f, X)


def mean_of_global_keywords(x):
    return np.sum(np.mean(x ** 2, **KEYWORDS) ** 2)


def dot_of_global_operands(x):
    return np.sum(np.dot(x, *OPERANDS) ** 2)


def test_global_keywords_and_operands():
    check_grad(mean_of_global_keywords, X)
    check_jvp(mean_of_global_keywords, X)
    check_grad(dot_of_global_operands, X)


def keywords_from_an_argument(x, axis):
    d = {"axis": axis}  # (bound once, its keys written: passed as axis=d["axis"])
    return np.sum(np.sum(x, **d) ** 2)


@pytest.mark.parametrize("axis", [0, 1])
def test_keywords_of_a_local_dict_holding_an_argument(axis):
    g = check_grad(keywords_from_an_argument, X, axis)
    check_jvp(keywords_from_an_argument, X, axis)
    np.testing.assert_allclose(g, 2 * np.sum(X, axis=axis, keepdims=True) * np.ones_like(X))


def keywords_of_an_argument_dict(x, opts):
    return np.sum(np.sum(x, **opts) ** 2)


def keywords_of_a_dict_changed(x, axis):
    d = {"axis": axis}
    d["keepdims"] = True
    return np.sum(np.sum(x, **d) ** 2)


@pytest.mark.parametrize("api", [s2sad.grad, s2sad.jvp])
@pytest.mark.parametrize("f, given", [(keywords_of_an_argument_dict, {"axis": 1}),
                                      (keywords_of_a_dict_changed, 1)])
def test_unknown_keywords_are_refused_with_the_line(api, f, given):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_spread_arguments.py:\d+: .*\*\*"):
        made = api(f)
        made(X, given) if api is s2sad.grad else made(X, given, X)


def _scaled(x, scale=1.0, power=1):
    return x ** power * scale


def local_keywords(x):
    kw = {"axis": 0, "keepdims": True}
    return np.sum(np.sum(np.outer(x, x) ** 2, **kw))


def literal_keywords(x):
    return np.sum(_scaled(x, **{"scale": 2.0, "power": 3}))


def keywords_of_a_helper(x):
    options = {"power": 2}
    return np.sum(np.sin(_scaled(x, 0.5, **options)))


@pytest.mark.parametrize("f", [local_keywords, literal_keywords, keywords_of_a_helper])
def test_keywords_from_a_dict_of_constants(f, rng):
    """``f(**kw)`` of a dict written in the function (bound once, never changed) or of a
    dict display: its keywords one by one (was refused)."""
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_jvp(f, x)


def changed_keywords(x):
    kw = {"axis": 0}
    kw["axis"] = 1
    return np.sum(np.sum(np.outer(x, x), **kw) * x)


def test_keywords_of_a_changed_dict_refused():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_spread_arguments.py:\d+"):
        s2sad.grad(changed_keywords)(np.array([1.0, 2.0]))
