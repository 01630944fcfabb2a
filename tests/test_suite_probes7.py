"""Probes in the style of other AD tools' own suites (autograd's test_systematic /
numpy_utils combo checks: second derivatives taken by a function that calls
``grad(scalar_fun, argnum=i)`` for each ``i`` of a loop, test_graphs, test_wrappers,
test_dict / test_list), helper 79: the cases that failed on main, three variations
each, checked against central differences in float64 and a closed form where there
is one."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

import s2sad
from gradcheck import check_grad, numerical_grad

# ----- ``s2sad.grad(f, wrt=i)`` inside a differentiated function, ``i`` a variable of
# the enclosing function (a loop over the arguments, autograd's d_scalar_fun) or a
# global: was refused ("which function this name holds is not known"); the option is
# read when the derivative is made and checked at each call (made again for another) ---


def _sin_product(a, b):
    return np.sum(np.sin(a) * np.cos(b))


def _second_derivatives_by_argument(f, args):
    """For each argument i: the gradient (in all arguments) of sum(sin(df/dargs[i])), and
    its differences (taken in the loop: the function reads i when it is called)."""
    found = []
    for i in range(len(args)):
        def d_scalar(*a):
            return np.sum(np.sin(s2sad.grad(f, wrt=i)(*a)))  # noqa: B023 (read in the loop)
        wrt = tuple(range(len(args)))
        found.append((s2sad.grad(d_scalar, wrt=wrt)(*args),
                      numerical_grad(d_scalar, args, wrt=wrt)))
    return found


@pytest.mark.parametrize("shapes", [((), ()), ((3,), (3,)), ((2, 3), (3,))])
def test_grad_of_a_grad_by_a_loop_variable(shapes, rng):
    args = tuple(rng.standard_normal(s) if s else float(rng.standard_normal())
                 for s in shapes)
    for got, expected in _second_derivatives_by_argument(_sin_product, args):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_grad_of_a_grad_by_a_loop_variable_closed_form():
    a, b = 0.3, 0.7
    (g0, _), (g1, _) = _second_derivatives_by_argument(_sin_product, (a, b))
    # d/da sin(cos a cos b) and d/db sin(-sin a sin b)
    c0, c1 = np.cos(np.cos(a) * np.cos(b)), np.cos(-np.sin(a) * np.sin(b))
    np.testing.assert_allclose(g0, (-c0 * np.sin(a) * np.cos(b), -c0 * np.cos(a) * np.sin(b)),
                               rtol=1e-12)
    np.testing.assert_allclose(g1, (-c1 * np.cos(a) * np.sin(b), -c1 * np.sin(a) * np.cos(b)),
                               rtol=1e-12)


def test_the_variable_bound_again_makes_the_derivative_again():
    def f(a, b):
        return np.sin(a) * b ** 2

    i = 0

    def d(a, b):
        return s2sad.grad(f, wrt=i)(a, b)

    dd = s2sad.grad(d, wrt=(0, 1))
    x, y = 0.3, 0.7
    np.testing.assert_allclose(dd(x, y), (-np.sin(x) * y ** 2, 2 * np.cos(x) * y), rtol=1e-12)
    i = 1
    np.testing.assert_allclose(dd(x, y), (2 * np.cos(x) * y, 2 * np.sin(x)), rtol=1e-12)
    i = 0
    np.testing.assert_allclose(dd(0.5, 0.25), (-np.sin(0.5) / 16, np.cos(0.5) / 2),
                               rtol=1e-12)


def test_a_tuple_and_a_name_held_by_variables(rng):
    def f(x, w):
        return np.sum(np.tanh(x * w))

    both, name = (0, 1), "w"

    def product_of_grads(x, w):
        gx, gw = s2sad.grad(f, wrt=both)(x, w)
        return np.sum(gx * gw)

    def of_w(x, w):
        return np.sum(s2sad.grad(f, wrt=name)(x, w) ** 2)

    x, w = rng.standard_normal(3), rng.standard_normal(3)
    check_grad(product_of_grads, x, w, wrt=(0, 1))
    check_grad(of_w, x, w, wrt=(0, 1))
    u = x * w  # (the product is sum((1 - t^2)^2 u), t = tanh u)
    t = np.tanh(u)
    np.testing.assert_allclose(s2sad.grad(product_of_grads)(x, w),
                               (1 - t ** 2) ** 2 * (1 - 4 * u * t) * w, rtol=1e-12)


_WRT = 1


def _global_option(a, b):
    return np.sum(np.cos(s2sad.grad(_sin_product, wrt=_WRT)(a, b)))


def test_an_option_held_by_a_global(rng):
    a, b = rng.standard_normal(4), rng.standard_normal(4)
    check_grad(_global_option, a, b, wrt=(0, 1))
    g = -np.sin(a) * np.sin(b)  # (the inner gradient, in b)
    np.testing.assert_allclose(s2sad.grad(_global_option)(a, b),
                               np.sin(g) * np.cos(a) * np.sin(b), rtol=1e-12)


def test_an_option_not_a_constant_stays_refused(rng):
    def f(x, k):
        return np.sum(s2sad.grad(_sin_product, wrt=k)(x, x))

    with pytest.raises(s2sad.DifferentiationError, match="test_suite_probes7.py"):
        s2sad.grad(f)(rng.standard_normal(2), 0)


# ----- a derivative made inside of a function s2sad refuses: the refusal said "which
# function this name holds is not known" at the outer call; it is now the inner
# function's own refusal, at its line -----


def _joined_by_directive(x):
    return np.sum(np.sin(np.r_["0,2", x, x]))  # (refused: a directive string)


def _generalized_eigh(a):
    import scipy.linalg as sla
    return np.sum(sla.eigh(a, a @ a.T + 3 * np.eye(2), eigvals_only=True))


def _grad_of_directive(x):
    return np.sum(s2sad.grad(_joined_by_directive)(x) ** 2)


def _grad_of_eigh(a):
    return np.sum(np.cos(s2sad.grad(_generalized_eigh)(a)))


def _value_and_grad_of_directive(x):
    v, g = s2sad.value_and_grad(_joined_by_directive)(x)
    return v * np.sum(g)


@pytest.mark.parametrize("outer, inner, construct", [
    (_grad_of_directive, _joined_by_directive, "directive"),
    (_value_and_grad_of_directive, _joined_by_directive, "directive"),
    (_grad_of_eigh, _generalized_eigh, ""),
])
def test_the_inner_functions_refusal_is_placed_at_its_line(outer, inner, construct):
    import inspect
    x = np.array([[1.0, 0.3], [0.3, 2.0]]) if inner is _generalized_eigh else np.ones(3)
    with pytest.raises(s2sad.DifferentiationError) as inner_refusal:
        s2sad.grad(inner)(x)
    with pytest.raises(s2sad.DifferentiationError) as outer_refusal:
        s2sad.grad(outer)(x)
    message = str(outer_refusal.value)
    assert message == str(inner_refusal.value), message
    lines, first = inspect.getsourcelines(inner)
    assert any(f"test_suite_probes7.py:{first + k}:" in message for k in range(len(lines)))
    assert construct in message and "this name holds" not in message


# ----- scipy.stats.multivariate_normal reads its covariance's lower triangle
# (eigh(cov, lower=True)): the gradient in cov was the symmetric one (the upper
# triangle given half of each off-diagonal adjoint), which differences of scipy's own
# function contradict: silently wrong -----

def _spd(rng, n=3):
    m = rng.standard_normal((n, n))
    return m @ m.T + n * np.eye(n)


def _lower_read(g):
    """The gradient of a function of a symmetric matrix, read from one triangle."""
    return np.tril(g + g.T) - np.diag(np.diag(g))


_MVN_CASES = [
    ("logpdf", lambda x, m, c: st.multivariate_normal.logpdf(x, m, c), (3,)),
    ("pdf of rows", lambda x, m, c: np.sum(st.multivariate_normal.pdf(x, m, c)), (4, 3)),
    ("frozen", lambda x, m, c: np.sum(st.multivariate_normal(mean=m, cov=c).logpdf(x)), (5, 3)),
    ("allow_singular", lambda x, m, c: st.multivariate_normal.logpdf(x, m, c, allow_singular=True),
     (3,)),
    ("entropy", lambda x, m, c: st.multivariate_normal.entropy(m, c) * np.sum(x), (3,)),
]


@pytest.mark.parametrize("name, f, shape", _MVN_CASES, ids=[c[0] for c in _MVN_CASES])
def test_multivariate_normal_in_its_covariance(name, f, shape, rng):
    args = (rng.standard_normal(shape), rng.standard_normal(3), _spd(rng))
    check_grad(f, *args, wrt=(0, 1, 2))
    g = s2sad.grad(f, wrt=2)(*args)
    np.testing.assert_array_equal(np.triu(g, 1), 0.0)  # (never read)


def test_multivariate_normal_covariance_closed_form_and_hessian(rng):
    x, m, c = rng.standard_normal(3), rng.standard_normal(3), _spd(rng)
    inv, d = np.linalg.inv(c), x - m
    symmetric = 0.5 * (inv @ np.outer(d, d) @ inv - inv)  # (of a symmetric argument)
    got = s2sad.grad(lambda c: st.multivariate_normal.logpdf(x, m, c))(c)
    np.testing.assert_allclose(got, _lower_read(symmetric), rtol=1e-10)
    entropy = s2sad.grad(lambda c: st.multivariate_normal.entropy(m, c))(c)
    np.testing.assert_allclose(entropy, _lower_read(0.5 * inv), rtol=1e-10)

    def f(c):
        return st.multivariate_normal.logpdf(x, m, c)
    h = s2sad.hessian(f)(c).reshape(9, 9)
    by_differences = np.array([numerical_grad(lambda a, e=e: float(np.sum(s2sad.grad(f)(a) * e)),
                                              (c,)).ravel() for e in np.eye(9).reshape(9, 3, 3)])
    np.testing.assert_allclose(h, by_differences, rtol=1e-4, atol=1e-6)


# ----- two adjoints of a list added with ``+``: the list was not known for one (the
# value of ``d.values()``, ``sorted``, the helpers that build a tuple output's adjoint),
# so ``+`` joined the lists and the items past the first adjoint were dropped: a wrong
# gradient of ``vals = d.values()`` read twice, and reverse-over-reverse second
# derivatives through a tuple output read twice (lu_solve(lu_factor(a), b) in a) -----


def values_read_twice(d):
    vals = d.values()
    s = sum(np.sum(v) for v in vals)
    return s * sum(np.sum(v * v) for v in vals)


def values_in_two_loops(d):
    vals = d.values()
    total = 0.0
    for v in vals:
        total = total + np.sum(np.sin(v))
    for v in vals:
        total = total * np.sum(v ** 2)
    return total


def items_read_twice(d):
    pairs = d.items()
    s = sum(np.sum(v) * len(k) for k, v in pairs)
    return s + sum(np.sum(np.cos(v)) for k, v in pairs)


@pytest.mark.parametrize("f", [values_read_twice, values_in_two_loops, items_read_twice])
def test_dict_values_read_twice(f, rng):
    d = {"a": rng.standard_normal(3), "bb": rng.standard_normal((2, 2))}
    check_grad(f, d)


def test_dict_values_read_twice_closed_form(rng):
    d = {"a": rng.standard_normal(3), "b": rng.standard_normal(3)}
    s = np.sum(d["a"]) + np.sum(d["b"])
    q = np.sum(d["a"] ** 2) + np.sum(d["b"] ** 2)
    g = s2sad.grad(values_read_twice)(d)
    for k in d:
        np.testing.assert_allclose(g[k], q + 2 * s * d[k], rtol=1e-12)


def _lu_solved(a, b):
    import scipy.linalg as sla
    return np.sum(np.sin(sla.lu_solve(sla.lu_factor(a), b)))


def _lu_solved_transposed(a, b):
    import scipy.linalg as sla
    return np.sum(sla.lu_solve(sla.lu_factor(a), b, trans=1) * b)


def _slogdet_parts(a, b):
    sign, logdet = np.linalg.slogdet(a)
    return sign * logdet * np.sum(b)


@pytest.mark.parametrize("f", [_lu_solved, _lu_solved_transposed, _slogdet_parts])
def test_reverse_over_reverse_through_a_tuple_output(f, rng):
    a, b = rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal(3)

    def d_scalar(a, b):
        return np.sum(np.sin(s2sad.grad(f)(a, b)))

    check_grad(d_scalar, a, b, wrt=(0, 1))


def _sum_times_squares(xs):
    return np.sum(xs[0]) * np.sum(xs[1] * xs[1])


def _sums_times_squares(xs):
    s = np.sum(xs[0]) + np.sum(xs[1])
    return s * (np.sum(xs[0] * xs[0]) + np.sum(xs[1] * xs[1]))


def _generated_sums(xs):
    s = sum(np.sum(v) for v in xs)
    return s * sum(np.sum(v * v) for v in xs)


@pytest.mark.parametrize("f", [_sum_times_squares, _sums_times_squares, _generated_sums])
def test_second_derivative_of_a_number_added_into_a_list_item(f, rng):
    xs = [rng.standard_normal(3), rng.standard_normal(2)]

    def d_scalar(xs):
        g = s2sad.grad(f)(xs)
        return np.sum(np.sin(g[0])) + np.sum(np.sin(g[1]))

    got = s2sad.grad(d_scalar)(xs)
    assert [np.shape(v) for v in got] == [(3,), (2,)]
    check_grad(d_scalar, xs)


def test_second_derivative_of_a_number_added_into_a_list_item_closed_form(rng):
    xs = [rng.standard_normal(3), rng.standard_normal(2)]
    # g0 = sum(x1^2) (each entry), g1 = 2 sum(x0) x1; d/dx of sum(cos... ) by hand
    s0, q1 = np.sum(xs[0]), np.sum(xs[1] ** 2)

    def d_scalar(xs):
        g = s2sad.grad(_sum_times_squares)(xs)
        return np.sum(np.sin(g[0])) + np.sum(np.sin(g[1]))

    got = s2sad.grad(d_scalar)(xs)
    c1 = np.cos(2 * s0 * xs[1])
    np.testing.assert_allclose(got[0], np.full(3, np.sum(c1 * 2 * xs[1])), rtol=1e-12)
    np.testing.assert_allclose(got[1], 3 * np.cos(q1) * 2 * xs[1] + c1 * 2 * s0, rtol=1e-12)


# ----- a reduction over axis=0 of a number (autograd's test_logsumexp1 with 1.1,
# axis=0; NumPy takes axis 0 of a 0-d value as no axis): the adjoint's axes were taken
# modulo a rank of 0 (ZeroDivisionError), the spread written np.expand_dims(g, 0) (a
# (1,) gradient of a float: TypeError), the shape facts indexed past the rank -----


def _sum_of_a_number(x):
    return np.sin(np.sum(x, axis=0)) * x


def _max_of_a_number(x):
    return np.sum(np.cos(np.max(x, axis=0, keepdims=True)))


def _logsumexp_of_a_number(x):
    import scipy.special as sp
    return np.sin(sp.logsumexp(x, axis=0)) * 2.0


@pytest.mark.parametrize("f, closed", [
    (_sum_of_a_number, lambda x: np.cos(x) * x + np.sin(x)),
    (_max_of_a_number, lambda x: -np.sin(x)),
    (_logsumexp_of_a_number, lambda x: 2 * np.cos(x)),
])
@pytest.mark.parametrize("x", [1.1, -0.4])
def test_a_reduction_over_axis_zero_of_a_number(f, closed, x):
    np.testing.assert_allclose(s2sad.grad(f)(x), closed(x), rtol=1e-12)
    check_grad(f, x)
    check_grad(s2sad.grad(f), x)
    _, t = s2sad.jvp(f)(x, 1.0)
    np.testing.assert_allclose(t, closed(x), rtol=1e-12)


def _logsumexp_kept(x):
    import scipy.special as sp
    return np.sum(np.sin(sp.logsumexp(x, keepdims=True)))  # (scipy: shape (1,) of a number)


def _logsumexp_kept_on_axis(x):
    import scipy.special as sp
    return np.sum(np.cos(sp.logsumexp(x, axis=0, keepdims=True)))


def _logsumexp_kept_weighted(x):
    import scipy.special as sp
    return np.sum(sp.logsumexp(x, keepdims=True, b=2.0))


@pytest.mark.parametrize("f, closed", [
    (_logsumexp_kept, np.cos),
    (_logsumexp_kept_on_axis, lambda x: -np.sin(x)),
    (_logsumexp_kept_weighted, lambda x: 1.0),
])
def test_logsumexp_of_a_number_keeping_its_axis(f, closed):
    x = 1.1
    np.testing.assert_allclose(s2sad.grad(f)(x), closed(x), rtol=1e-12)
    check_grad(f, x)
    np.testing.assert_allclose(s2sad.jvp(f)(x, 1.0)[1], closed(x), rtol=1e-12)
