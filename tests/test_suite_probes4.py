"""Probes in the style of other AD tools' own suites (autograd's test_graphs,
test_wrappers, test_dict; JAX's api_test: grad of grad with keywords), helper 64: each
case here failed on main (a wrong number, a crash or a refusal) and is checked against
central differences in float64 and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

# ----- statements of one line (``b = a + 1.0; c = b[0] + 1.5; ...``, autograd's
# test_mutating_outgrad_from_indexing): an adjoint added into in place (add_at) was moved
# into the longer expression that also read it, ``da = da + add_at(da, ..)``, which then
# read the changed array: a wrong gradient (vjp, and grad of the longer ones) -----

def outgrad_from_indexing(a):
    b = a + 1.0; c = b[0] + 1.5; d = a + b; e = d + c  # noqa: E702
    return np.sum(e)


def outgrad_squared(a):
    b = a + 1.0; c = b[0] + 1.5; d = a + b; e = d + c  # noqa: E702
    return np.sum(e ** 2)


def tail_of_a_double(a):
    b = a * 2.0; s = np.sum(b[1:] ** 2); return np.sum(a + b) + s  # noqa: E702


def column_of_a_shift(a):
    b = a + 1.0; return np.sum(b[:, 0]) * 3.0 + np.sum(a + b)  # noqa: E702


@pytest.mark.parametrize("f, shape", [(outgrad_from_indexing, (5,)), (outgrad_squared, (4,)),
                                      (tail_of_a_double, (4,)), (column_of_a_shift, (3, 2))])
def test_an_item_adjoint_added_on_one_line(f, shape, rng):
    x = rng.standard_normal(shape)
    check_grad(f, x)
    check_vjp(f, x, rng=rng)
    check_jvp(f, x, rng=rng)


def test_an_item_adjoint_added_on_one_line_closed_form():
    x = np.arange(5.0)
    # e = 2a + 1 + (a[0] + 2.5) in each of 5 places: d/da = 2, and 5 more for a[0]
    _, g = s2sad.vjp(outgrad_from_indexing)(x, 2.0)
    np.testing.assert_array_equal(g, [14.0, 4.0, 4.0, 4.0, 4.0])
    np.testing.assert_array_equal(s2sad.grad(tail_of_a_double)(x),
                                  3.0 + 8.0 * x * (np.arange(5) > 0))
    check_hessian(outgrad_squared, np.arange(4.0) / 3)


# ----- grad of grad of a function of **kwargs, called with keywords (JAX's
# grad(grad(f))(x, **kw)): the inner gradient was made for a call without them
# (TypeError: unexpected keyword argument) -----

def scaled_by_keywords(x, **kw):
    return x * kw["a"] + x ** 3 * kw.get("b", 0.0)


def one_keyword(x, **kw):
    return np.sin(x) * kw["a"]


def spread_positions(x, *rest):
    return x ** 3 * rest[0]


def test_second_derivative_of_keywords_gathered():
    x = 0.7
    np.testing.assert_allclose(s2sad.grad(s2sad.grad(scaled_by_keywords))(x, a=3.0, b=2.0),
                               6 * x * 2.0, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(s2sad.grad(scaled_by_keywords))(x, a=3.0), 0.0)
    v, g = s2sad.value_and_grad(s2sad.grad(scaled_by_keywords))(x, a=3.0, b=2.0)
    np.testing.assert_allclose((v, g), (3.0 + 3 * x ** 2 * 2.0, 6 * x * 2.0), rtol=1e-12)


def test_third_derivative_of_keywords_gathered():
    x = 0.7
    ddd = s2sad.grad(s2sad.grad(s2sad.grad(one_keyword)))
    np.testing.assert_allclose(ddd(x, a=1.5), -np.cos(x) * 1.5, rtol=1e-10)
    ddd = s2sad.grad(s2sad.grad(s2sad.grad(scaled_by_keywords)))
    np.testing.assert_allclose(ddd(x, a=1.5, b=2.0), 12.0, rtol=1e-10)


def test_second_derivative_of_positions_gathered():
    x, eps = 0.7, 1e-5
    dd = s2sad.grad(s2sad.grad(spread_positions))(x, 3.0)
    np.testing.assert_allclose(dd, 18 * x, rtol=1e-12)
    d = s2sad.grad(spread_positions)
    np.testing.assert_allclose(dd, (d(x + eps, 3.0) - d(x - eps, 3.0)) / (2 * eps), rtol=1e-7)


# ----- np.nan_to_num's forward rule multiplied the tangent by np.isfinite(x): where x is
# infinite (a / 0) its tangent is too, and inf * 0 gave NaN for the constant put in -----

def put_in_for_a_division_by_zero(a):
    return np.nan_to_num(a / np.array([1.0, 0.0, 2.0]), posinf=3.0)


def put_in_for_a_log_of_zero(a):
    return np.nan_to_num(np.log(a - 1.0))


def put_in_squared(a):
    return np.sum(np.nan_to_num(np.sqrt(a) / (a - 2.0), posinf=1.0, neginf=-1.0) ** 2)


@pytest.mark.parametrize("f, x, expected", [
    (put_in_for_a_division_by_zero, np.ones(3), [1.0, 0.0, 0.5]),
    (put_in_for_a_log_of_zero, np.array([1.0, 2.0, 3.0]), [0.0, 1.0, 0.5]),
])
def test_nan_to_num_of_an_infinite_value_has_zero_tangent(f, x, expected):
    with np.errstate(divide="ignore"):
        _, tangent = s2sad.jvp(f)(x, np.ones(3))
        _, cotangent = s2sad.vjp(f)(x, np.ones(3))
        np.testing.assert_allclose(tangent, expected, rtol=1e-12)
        np.testing.assert_allclose(cotangent, expected, rtol=1e-12)


def test_nan_to_num_of_an_infinite_value_second_order(rng):
    x = np.array([2.0, 0.7, 3.1])  # (sqrt(2) / 0: +inf, put in as 1: flat there)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = s2sad.grad(put_in_squared)(x)
        assert g[0] == 0.0 and np.all(np.isfinite(g))
        t = rng.standard_normal(3)
        _, hv = s2sad.jvp(s2sad.grad(put_in_squared))(x, t)
        assert np.all(np.isfinite(hv)) and hv[0] == 0.0
    y = x[1:]
    check_hessian(lambda v: put_in_squared(np.concatenate([[2.0], v])), y)


# ----- np.quantile / np.percentile with NumPy's other methods (were refused: 'linear'
# only): the continuous ones move the rank, 'lower' / 'higher' / 'midpoint' / 'nearest'
# weigh the two order statistics around it -----

QUANTILE_METHODS = ['weibull', 'hazen', 'median_unbiased', 'normal_unbiased', 'lower',
                    'higher', 'midpoint', 'nearest']


@pytest.mark.parametrize("method", QUANTILE_METHODS)
@pytest.mark.parametrize("q, axis, shape", [(0.3, None, (7,)), ([0.0, 0.5, 1.0, 0.05], 1, (2, 5)),
                                            (0.95, 0, (4, 3))])
def test_quantile_methods(method, q, axis, shape, rng):
    a = rng.standard_normal(shape)
    f = lambda x: np.quantile(x, q, axis=axis, method=method)  # noqa: E731
    value, _ = s2sad.vjp(f)(a, np.ones(np.shape(f(a))))
    np.testing.assert_allclose(value, f(a), rtol=1e-13, atol=1e-15)
    check_vjp(f, a, rng=rng)
    check_jvp(f, a, rng=rng)


def quantile_by(method):
    return lambda v: np.quantile(v, 0.3, method=method)


def test_quantile_methods_closed_forms():
    x = np.array([3.0, 1.0, 4.0, 1.5, 9.0])  # sorted: 1, 1.5, 3, 4, 9; rank 0.3 * 4 = 1.2
    rank_of = {'lower': {3: 1.0}, 'higher': {0: 1.0}, 'midpoint': {3: 0.5, 0: 0.5},
               'nearest': {3: 1.0}, 'linear': {3: 0.8, 0: 0.2}}
    for method, weights in rank_of.items():
        expected = np.zeros(5)
        for i, w in weights.items():
            expected[i] = w
        g = s2sad.grad(quantile_by(method))(x)
        np.testing.assert_allclose(g, expected, rtol=1e-12, err_msg=method)
    # 'hazen': rank 5 q - 0.5 = 1.0 exactly, all of it on the second smallest
    np.testing.assert_allclose(s2sad.grad(lambda v: np.percentile(v, 30, method='hazen'))(x),
                               [0, 0, 0, 1.0, 0], atol=1e-12)


def test_quantile_method_second_order_and_refusal(rng):
    x = rng.standard_normal(6)
    check_hessian(lambda v: np.quantile(v ** 3, 0.4, method='median_unbiased') ** 2, x)
    with pytest.raises(s2sad.DifferentiationError, match="test_suite_probes4.py"):
        s2sad.grad(lambda v: np.quantile(v, 0.4, method='inverted_cdf'))(x)


# ----- NumPy's polynomial helpers, np.geomspace, np.modf, np.broadcast_arrays (were
# refused: no rule); through closed forms computing NumPy's values -----

def _n(rng, *shape):
    return rng.standard_normal(shape)


POLYNOMIAL_CASES = [
    ("polyadd longer second", lambda p, q: np.polyadd(p, q), ((3,), (5,))),
    ("polyadd longer first", lambda p, q: np.polyadd(p, q), ((4,), (2,))),
    ("polysub", lambda p, q: np.polysub(p, q), ((2,), (3,))),
    ("polymul", lambda p, q: np.polymul(p, q), ((3,), (2,))),
    ("polyder twice", lambda p: np.polyder(p, 2), ((5,),)),
    ("polyint with constants", lambda p: np.polyint(p, 2, k=[1.0, 2.0]), ((3,),)),
    ("polyint in its constant", lambda p, k: np.polyint(p, k=k), ((3,), ())),
    ("polyval of a product", lambda p, q: np.polyval(np.polymul(p, np.polyder(q)), 0.7),
     ((3,), (4,))),
    ("modf", lambda x: np.modf(3 * x)[0] * np.modf(3 * x)[1], ((5,),)),
    ("broadcast_arrays", lambda a, b: np.broadcast_arrays(a, b)[0] * np.broadcast_arrays(a, b)[1],
     ((3, 1), (2,))),
]


@pytest.mark.parametrize("name, f, shapes", POLYNOMIAL_CASES, ids=[c[0] for c in POLYNOMIAL_CASES])
def test_polynomials_and_friends(name, f, shapes, rng):
    args = tuple(_n(rng, *s) if s else float(rng.standard_normal()) for s in shapes)
    wrt = tuple(range(len(args)))
    out = f(*args)
    value, _ = s2sad.vjp(f, wrt=wrt)(*args, np.ones(np.shape(out)))
    np.testing.assert_allclose(value, out, rtol=1e-13)
    check_vjp(f, *args, wrt=wrt, rng=rng)
    check_jvp(f, *args, wrt=wrt, rng=rng)


def test_geomspace(rng):
    for start, stop in ((1.3, 4.0), (-1.3, -0.2)):
        f = lambda a, b: np.geomspace(a, b, 5)  # noqa: E731
        np.testing.assert_allclose(s2sad.jvp(f, wrt=(0, 1))(start, stop, 1.0, 0.0)[0],
                                   f(start, stop), rtol=1e-13)
        check_vjp(f, start, stop, wrt=(0, 1), rng=rng)
        check_jvp(f, start, stop, wrt=(0, 1), rng=rng)
    # the k-th of n points is start (stop / start)^(k / (n - 1)): in start, with stop fixed
    k = np.arange(5) / 4
    _, t = s2sad.jvp(lambda a: np.geomspace(a, 4.0, 5))(2.0, 1.0)
    np.testing.assert_allclose(t, (1 - k) * (4.0 / 2.0) ** k, rtol=1e-12)


def test_polynomial_closed_forms_and_second_order(rng):
    p = np.array([1.0, -2.0, 3.0, 0.5])
    np.testing.assert_allclose(s2sad.jacobian(lambda c: np.polyder(c))(p),
                               [[3, 0, 0, 0], [0, 2, 0, 0], [0, 0, 1, 0]], atol=1e-15)
    check_hessian(lambda c: np.sum(np.polymul(c, np.polyint(c)) ** 2), p)
    with pytest.raises(s2sad.DifferentiationError, match="poly1d"):
        s2sad.grad(lambda c: np.sum(np.polyder(np.poly1d(c))))(p)


# ----- a rule's refusal raised while a derivative of a derivative runs (the second
# derivative of a norm at a complex value) named s2sad's generated file and '?', not the
# user's: now the user's file and the line of the def -----

def spectral_norm_of_complex(z):
    return np.linalg.norm(z, 2)


def spectral_of_complex(z):
    return np.sum(np.linalg.svd(z, compute_uv=False))


@pytest.mark.parametrize("second", [
    lambda f, z: s2sad.hessian(f)(z),
    lambda f, z: s2sad.jvp(s2sad.grad(f))(z, z),
    lambda f, z: s2sad.jacobian(s2sad.grad(f), mode="forward")(z),
])
@pytest.mark.parametrize("f, z", [(spectral_norm_of_complex, np.array([[1 + 2j, 0.5], [1j, -1.0]])),
                                  (spectral_of_complex, np.array([[1 + 2j, 0.5], [1j, 2.0]]))])
def test_a_second_derivative_refused_at_run_time_names_the_users_file(second, f, z):
    line = f.__code__.co_firstlineno
    with pytest.raises(s2sad.DifferentiationError, match=rf"test_suite_probes4.py:{line}: "):
        second(f, z)


# ----- np.cov with fweights / aweights (JAX's testCov; were refused): NumPy's weighted
# mean and normalisation, differentiated in the data and in aweights -----

FREQUENCIES = np.array([1, 2, 1, 3])

COV_CASES = [
    ("aweights", lambda a, w: np.cov(a, aweights=w), ((2, 4), (4,))),
    ("both", lambda a, w: np.cov(a, fweights=FREQUENCIES, aweights=w), ((3, 4), (4,))),
    ("aweights ddof=0", lambda a, w: np.cov(a, aweights=w, ddof=0), ((2, 4), (4,))),
    ("columns, aweights", lambda a, w: np.cov(a, rowvar=False, aweights=w), ((4, 2), (4,))),
    ("two vectors, ddof=2", lambda a, b, w: np.cov(a, b, aweights=w, ddof=2), ((4,), (4,), (4,))),
    ("fweights", lambda a: np.cov(a, fweights=FREQUENCIES), ((2, 4),)),
]


@pytest.mark.parametrize("name, f, shapes", COV_CASES, ids=[c[0] for c in COV_CASES])
def test_weighted_covariance(name, f, shapes, rng):
    args = [_n(rng, *s) for s in shapes]
    if len(args) > 1:
        args[-1] = rng.uniform(0.5, 2.0, shapes[-1])  # (weights are positive)
    wrt = tuple(range(len(args)))
    out = f(*args)
    value, _ = s2sad.vjp(f, wrt=wrt)(*args, np.ones(np.shape(out)))
    np.testing.assert_allclose(value, out, rtol=1e-12)
    check_vjp(f, *args, wrt=wrt, rng=rng)
    check_jvp(f, *args, wrt=wrt, rng=rng)


def test_frequencies_repeat_the_columns(rng):
    a = _n(rng, 2, 4)
    repeated = np.repeat(a, FREQUENCIES, axis=1)  # (a frequency is that many copies)
    by_weights = s2sad.grad(lambda x: np.sum(np.cov(x, fweights=FREQUENCIES) ** 2))(a)
    by_copies = s2sad.grad(lambda x: np.sum(np.cov(x) ** 2))(repeated)
    starts = np.concatenate([[0], np.cumsum(FREQUENCIES)[:-1]])
    np.testing.assert_allclose(by_weights, np.add.reduceat(by_copies, starts, axis=1),
                               rtol=1e-10)
    check_hessian(lambda w: np.sum(np.cov(a, aweights=w) ** 2), rng.uniform(0.5, 2.0, 4))
