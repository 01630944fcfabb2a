"""Probes in the style of other AD tools' own suites (autograd's test_builtins,
test_direct, test_graphs, test_dict and test_list; JAX's grad of a non-scalar or complex
output), helper 82: the cases that failed on main (a crash, a refusal of plain Python,
a silently wrong gradient), three variations each, checked against central
differences in float64 and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

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


# ----- scipy.stats families a JAX-style suite calls (uniform, pareto, invgamma,
# vonmises, skewnorm): were refused (no rule) -----


def _uniform_all(x, loc, scale):
    return np.sum(st.uniform.logpdf(x, loc, scale) + 2 * st.uniform.cdf(x, loc, scale) +
                  st.uniform.sf(x, loc, scale) ** 2 + st.uniform.pdf(x, loc, scale))


def _pareto_all(x, b, scale):
    return np.sum(st.pareto.logpdf(x, b, scale=scale) + st.pareto.cdf(x, b, scale=scale) +
                  st.pareto.sf(x, b, scale=scale) ** 2 + st.pareto.pdf(x, b, scale=scale) +
                  st.pareto.logsf(x, b, scale=scale))


def _invgamma_all(x, a, scale):
    return np.sum(st.invgamma.logpdf(x, a, scale=scale) + st.invgamma.pdf(x, a, scale=scale))


def _vonmises_all(x, kappa, loc):
    return np.sum(st.vonmises.logpdf(x, kappa, loc=loc) + st.vonmises.pdf(x, kappa, loc=loc))


def _skewnorm_all(x, a, scale):
    return np.sum(st.skewnorm.logpdf(x, a, scale=scale) + st.skewnorm.pdf(x, a, scale=scale))


def _uniform_ppf(q, loc, scale):
    return np.sum(st.uniform.ppf(q, loc=loc, scale=scale) ** 2)


@pytest.mark.parametrize("f, make", [
    (_uniform_all, lambda r: (r.uniform(-0.9, 2.9, 3), -1.0, 4.0)),
    (_uniform_ppf, lambda r: (r.uniform(0.1, 0.9, 3), -1.0, 4.0)),
    (_pareto_all, lambda r: (r.uniform(1.5, 3.0, 3), 2.0, 1.2)),
    (_invgamma_all, lambda r: (r.uniform(0.5, 3.0, 3), 2.5, 1.3)),
    (_vonmises_all, lambda r: (r.uniform(-2.0, 2.0, 3), 2.0, 0.3)),
    (_skewnorm_all, lambda r: (r.standard_normal(3), 2.0, 1.3)),
])
def test_more_scipy_stats_families(f, make, rng):
    args = make(rng)
    check_grad(f, *args, wrt=(0, 1, 2))
    check_jvp(f, *args, wrt=(0, 1, 2))
    value, _ = s2sad.value_and_grad(f)(*args)
    assert value == pytest.approx(f(*args))  # (scipy's own value)


def test_more_scipy_stats_closed_forms():
    x = np.array([0.5, 1.5])
    g = s2sad.grad(lambda s: np.sum(st.uniform.logpdf(x, 0.0, s)))(2.0)
    assert g == pytest.approx(-2 / 2.0)  # -log(scale) for each point inside
    g = s2sad.grad(lambda v: np.sum(st.pareto.logpdf(v, 3.0)))(np.array([1.5, 2.0]))
    np.testing.assert_allclose(g, -4.0 / np.array([1.5, 2.0]))  # -(b + 1) / x
    g = s2sad.grad(lambda v: np.sum(st.vonmises.logpdf(v, 2.0)))(np.array([0.3, -0.4]))
    np.testing.assert_allclose(g, -2.0 * np.sin([0.3, -0.4]))  # -kappa sin(x)
    assert s2sad.value_and_grad(lambda v: np.sum(st.uniform.logpdf(v, 0.0, 1.0)))(
        np.array([0.5, 1.5]))[0] == -np.inf  # (outside the support: scipy's -inf)


# ----- scipy.special distribution functions and orthogonal polynomials (JAX's
# special functions suite): were refused (no rule) -----

_POLYNOMIALS = [sp.eval_hermite, sp.eval_hermitenorm, sp.eval_chebyt, sp.eval_chebyu,
                sp.eval_laguerre, sp.eval_legendre,
                lambda n, x: sp.eval_genlaguerre(n, 0.5, x),
                lambda n, x: sp.eval_jacobi(n, 0.5, 1.5, x),
                lambda n, x: sp.eval_gegenbauer(n, 0.7, x)]


@pytest.mark.parametrize("n", [0, 1, 3])
@pytest.mark.parametrize("poly", _POLYNOMIALS)
def test_orthogonal_polynomials_in_x(poly, n, rng):
    def f(x):
        return np.sum(poly(n, x) * x)
    x = rng.uniform(-0.9, 0.9, 3)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_orthogonal_polynomials_closed_forms():
    x = np.array([-0.4, 0.3, 0.8])
    d = s2sad.grad(lambda v: np.sum(sp.eval_legendre(3, v)))(x)
    np.testing.assert_allclose(d, (15 * x ** 2 - 3) / 2)  # P3 = (5x^3 - 3x) / 2
    d = s2sad.grad(lambda v: np.sum(sp.eval_hermite(3, v)))(x)
    np.testing.assert_allclose(d, 24 * x ** 2 - 12)  # H3 = 8x^3 - 12x
    d = s2sad.grad(lambda v: np.sum(sp.eval_chebyu(2, v)))(x)
    np.testing.assert_allclose(d, 8 * x)  # U2 = 4x^2 - 1


@pytest.mark.parametrize("f", [
    lambda x: np.sum(sp.chdtr(3.0, x)), lambda x: np.sum(sp.chdtrc(2.5, x) * x),
    lambda m: np.sum(sp.pdtr(2, m)), lambda m: np.sum(sp.pdtrc(3.0, m) ** 2),
    lambda m: np.sum(sp.pdtr(0, m))])
def test_chi_square_and_poisson_distribution_functions(f, rng):
    x = rng.uniform(0.5, 3.0, 3)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_distribution_functions_closed_forms_and_refused_parameters():
    m = np.array([0.5, 2.0])
    d = s2sad.grad(lambda v: np.sum(sp.pdtr(1, v)))(m)
    np.testing.assert_allclose(d, -m * np.exp(-m))  # pdtr(1, m) = (1 + m) e^-m
    d = s2sad.grad(lambda v: np.sum(sp.chdtr(2.0, v)))(m)
    np.testing.assert_allclose(d, np.exp(-m / 2) / 2)  # chdtr(2, x) = 1 - e^(-x/2)
    with pytest.raises(s2sad.DifferentiationError, match="chdtr in its argument 'v'"):
        s2sad.grad(lambda v: np.sum(sp.chdtr(v, 2.0)))(np.array([2.0]))
