"""Probes in the style of other AD tools' own suites (autograd's test_builtins,
test_direct, test_graphs, test_dict and test_list; JAX's grad of a non-scalar or complex
output), helper 82: the cases that failed on main (a crash, a refusal of plain Python,
a silently wrong gradient), three variations each, checked against central
differences in float64 and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

# ----- a class passed as an argument (autograd's test_builtins: isinstance(x, type_)
# with type_ an argument): crashed reading ``np.ndarray.shape`` (a descriptor) as the
# shape of an array -----


def _scaled_if_kind(x, kind, factor):
    total = np.sum(np.asarray(x) ** 2)
    if isinstance(x, kind):
        total = total * factor
    return total


@pytest.mark.parametrize("make, kind, factor", [
    (lambda r: r.standard_normal(3), np.ndarray, 3.0),  # the branch taken
    (lambda r: list(r.standard_normal(2)), list, 2.5),
    (lambda r: r.standard_normal((2, 2)), (tuple, list), 4.0),  # the branch not taken
    (lambda r: list(r.standard_normal(2)), np.ndarray, 5.0),
])
def test_a_class_passed_as_an_argument(make, kind, factor, rng):
    x = make(rng)
    g = check_grad(_scaled_if_kind, x, kind, factor)
    taken = isinstance(x, kind)
    np.testing.assert_allclose(np.asarray(g), 2 * np.asarray(x) * (factor if taken else 1.0))


def _checker(ex, type_, truthval):
    assert isinstance(ex, type_) == truthval
    return 1.0


@pytest.mark.parametrize("ex, type_, truthval", [
    ([], list, True), (np.zeros(1), np.ndarray, True), ([], (tuple, list), True),
    ((), list, False), ([], np.ndarray, False), (np.zeros(1), (tuple, list), False)])
def test_autograd_isinstance_checker(ex, type_, truthval):
    g = s2sad.grad(_checker)(ex, type_, truthval)
    assert type(g) is type(ex) and np.all(np.asarray(g) == 0.0)


# ----- grad of an output that is not one real number: a DifferentiationError that is
# also a TypeError, as JAX's and autograd's grad raise (their suites expect one) -----


def _complex_output(x):
    return x * (1.0 + 0.2j)


def _vector_output(x):
    return x * 2


def _no_output(x):
    x * 2


@pytest.mark.parametrize("f, x, words", [
    (_complex_output, 1.0, "complex output"), (_vector_output, np.zeros(2), "scalar output"),
    (_no_output, 1.0, "returns None")])
def test_grad_of_an_output_not_one_real_number(f, x, words):
    for error in (TypeError, s2sad.DifferentiationError, ValueError):
        with pytest.raises(error, match=words):
            s2sad.grad(f)(x)


def test_the_complex_output_stays_differentiable_as_holomorphic():
    g = s2sad.grad(_complex_output, holomorphic=True)(1.0 + 0.0j)
    np.testing.assert_allclose(g, 1.0 + 0.2j)


# ----- dict of (key, value) pairs in which a key is given twice: Python keeps the last
# value, and the values it replaced got the key's adjoint too (silently wrong) -----


def _pairs_twice(x, y):
    t = dict([("a", x), ("a", y)])
    return t["a"] * 2.0


def _pairs_replaced(x, y):
    pairs = [("a", x), ("b", y), ("a", y * y)]
    t = dict(pairs)
    return t["a"] * t["b"]


def _defaults_replaced(d, x):
    t = dict(list(d.items()) + [("b", x * 3)])
    return t["a"] * t["b"]


def _literal_key_twice(x, y):
    t = {"a": x, "b": y, "a": y * y}  # noqa: F601 (the key given twice is the case)
    return t["a"] * t["b"] + t["a"]


@pytest.mark.parametrize("f, args, closed", [
    (_pairs_twice, (1.5, 2.0), (0.0, 2.0)),
    (_pairs_replaced, (1.5, 2.0), (0.0, 12.0)),  # y ** 3
    (_defaults_replaced, ({"a": 1.5, "b": 2.0}, 1.5), ({"a": 4.5, "b": 0.0}, 4.5)),
    (_literal_key_twice, (1.5, 2.0), (0.0, 16.0)),  # y ** 3 + y ** 2
])
def test_a_key_given_twice_keeps_the_last_value(f, args, closed):
    g = check_grad(f, *args, wrt=(0, 1))
    for got, want in zip(g, closed):
        if isinstance(want, dict):
            assert got == pytest.approx(want)
        else:
            assert got == pytest.approx(want)
    check_jvp(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))


# ----- displays that unpack: [a, *b], (a, *b), {**d, k: v}, dict(m, k=v): refused
# ("starred expression"), or a crash inside s2sad ({**d}) -----


def _list_unpacked(xs, y):
    zs = [*xs, y * 2.0]
    return np.sum(np.stack(zs) ** 2)


def _tuple_unpacked(xs, y):
    t = (y, *xs, y * y)
    return t[0] * t[1] + t[-1] * t[2]


def _defaults_overridden(d, x):
    cfg = {**d, "scale": x}
    return cfg["w"] * cfg["scale"] + cfg["b"] ** 2


def _defaults_first(d, x):
    cfg = {"scale": 1.0, **d}
    return cfg["w"] * cfg["scale"] + cfg["b"] ** 2 * x


def _dict_with_keywords(d, x):
    cfg = dict(d, scale=x * x)
    return cfg["w"] * cfg["scale"] + np.sin(cfg["b"])


def _pairs_with_keywords(w, x):
    cfg = dict([("w", w), ("scale", 1.0)], scale=x)
    return cfg["w"] * cfg["scale"]


_D = {"w": 0.7, "b": 1.3, "scale": 2.0}


@pytest.mark.parametrize("f, make", [
    (_list_unpacked, lambda r: ([r.standard_normal(3), r.standard_normal(3)],
                                r.standard_normal(3))),
    (_list_unpacked, lambda r: ((r.standard_normal(2),), r.standard_normal(2))),
    (_tuple_unpacked, lambda r: ([0.3, 0.5], 0.9)),
    (_defaults_overridden, lambda r: (dict(_D), 1.7)),
    (_defaults_first, lambda r: (dict(_D), 1.7)),
    (_dict_with_keywords, lambda r: (dict(_D), 1.7)),
    (_pairs_with_keywords, lambda r: (0.7, 1.7)),
])
def test_displays_that_unpack(f, make, rng):
    args = make(rng)
    check_grad(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))


def test_displays_that_unpack_closed_forms():
    g = s2sad.grad(_defaults_overridden, wrt=(0, 1))(dict(_D), 1.7)
    assert g == (pytest.approx({"w": 1.7, "b": 2.6, "scale": 0.0}), pytest.approx(0.7))
    g = s2sad.grad(_defaults_first, wrt=(0, 1))(dict(_D), 1.7)  # d's scale replaces 1.0
    assert g == (pytest.approx({"w": 2.0, "b": 2 * 1.3 * 1.7, "scale": 0.7}),
                 pytest.approx(1.3 ** 2))
    assert s2sad.grad(_pairs_with_keywords, wrt=(0, 1))(0.7, 1.7) == \
        (pytest.approx(1.7), pytest.approx(0.7))
    assert s2sad.grad(_tuple_unpacked, wrt=1)([0.3, 0.5], 0.9) == pytest.approx(0.3 + 0.9)


def _dict_output(x):
    return dict([("a", x)], b=x)


def _merged_output(x, d):
    return {**d, "b": x * 3.0}


def test_a_dict_made_with_keywords_as_the_output():  # (autograd's test_make_dict)
    value, g = s2sad.vjp(_dict_output)(1.5, {"a": 0.3, "b": 0.5})
    assert value == {"a": 1.5, "b": 1.5} and g == pytest.approx(0.8)
    value, (gx, gd) = s2sad.vjp(_merged_output, wrt=(0, 1))(
        1.5, {"a": 2.0, "b": 1.0}, {"a": 0.3, "b": 0.5})
    assert value == {"a": 2.0, "b": 4.5}
    assert gx == pytest.approx(1.5) and gd == pytest.approx({"a": 0.3, "b": 0.0})


# ----- f(**kw) of a local dict bound once whose values are not constants: was refused
# with "keywords must be strings"; a dict whose keys are not known is refused naming
# what to do -----


def _inner(a, b, c=1.0):
    return a * b * c


def _keywords_of_values(d, x):
    kw = {"b": x, "c": d["a"]}
    return _inner(x, **kw)


def _keywords_of_expressions(d, x):
    kw = {"c": np.sin(x), "b": d["a"] * x}
    return _inner(d["a"], **kw) + x


def _keywords_some_constant(d, x):
    kw = {"b": 2.0, "c": x * x}
    return _inner(d["a"], **kw)


@pytest.mark.parametrize("f", [_keywords_of_values, _keywords_of_expressions,
                               _keywords_some_constant])
def test_keywords_of_a_local_dict_of_values(f):
    check_grad(f, {"a": 1.3}, 0.8, wrt=(0, 1))
    check_jvp(f, {"a": 1.3}, 0.8, wrt=(0, 1))
    g = s2sad.grad(_keywords_of_values, wrt=(0, 1))({"a": 2.0}, 1.5)
    assert g == (pytest.approx({"a": 2.25}), pytest.approx(6.0))  # x * x * a


def _keywords_of_an_argument(x, opts):
    return _inner(x, **opts)


def test_keywords_of_an_argument_dict_refused_with_advice():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_suite_probes8.py:\d+: "
                       r"call of _inner\(\*\*\.\.\.\).*pass them one by one"):
        s2sad.grad(_keywords_of_an_argument)(1.5, {"b": 2.0})


# ----- a global rebound to another object's method of the same class (st.norm.logpdf,
# then st.laplace.logpdf: one function, two objects): the derivative made for the
# first was kept (a silently wrong value and gradient) -----

LOGPDF = st.norm.logpdf
CDF = st.norm.cdf


def _global_logpdf(v):
    return np.sum(LOGPDF(v))


def _global_cdf(v):
    return np.sum(CDF(v) * v)


@pytest.mark.parametrize("f, name, values", [
    (_global_logpdf, "LOGPDF", [st.norm.logpdf, st.laplace.logpdf, st.cauchy.logpdf]),
    (_global_logpdf, "LOGPDF", [st.logistic.logpdf, st.norm.logpdf]),
    (_global_cdf, "CDF", [st.norm.cdf, st.logistic.cdf, st.laplace.cdf]),
])
def test_a_global_rebound_to_another_objects_method(f, name, values, rng, monkeypatch):
    x = rng.standard_normal(3)
    for value in values:
        monkeypatch.setitem(globals(), name, value)
        value_got, _ = s2sad.value_and_grad(f)(x)
        assert value_got == pytest.approx(f(x))
        check_grad(f, x)
