"""Code in the style of JAX's test suite (lax_numpy_test, lax_autodiff_test, api_test):
NumPy functions with their keyword variants, checked like ``check_grads(f, args,
order=2, modes=["fwd", "rev"])`` against central differences in float64.  Each case
here was a failure of a probe in that style (helper 55): a silently wrong number, a
crash, or a refusal naming generated code; three variations each."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, numerical_grad

# ----- np.interp(period=): was read as if there were no period (a wrong value) -----


def interp_periodic(x):
    return np.sum(np.interp(x, [0.0, 1.0, 2.0], [0.0, 2.0, 1.0], period=3.0) ** 2)


def interp_periodic_values(x, fp):
    return np.sum(np.sin(np.interp(x, [2.5, 0.5, 1.5], fp, period=3.0)))


def interp_negative_period(x):
    return np.sum(np.interp(x, [0.0, 1.0, 2.0], [0.0, 2.0, 1.0], period=-3.0) ** 3)


@pytest.mark.parametrize("f", [interp_periodic, interp_negative_period])
def test_interp_with_a_period(f, rng):
    x = np.array([-2.3, -0.4, 0.7, 1.6, 4.2, 7.9])
    v, _ = s2sad.value_and_grad(f)(x)
    assert v == pytest.approx(f(x), rel=1e-12)  # (the value too was wrong)
    check_grad(f, x)
    check_jvp(f, x, rng=rng)
    check_hessian(f, x)


def test_interp_with_a_period_in_the_values(rng):
    x, fp = np.array([-2.3, 0.7, 1.6, 4.2]), rng.standard_normal(3)
    check_grad(interp_periodic_values, x, fp, wrt=(0, 1))
    check_vjp(interp_periodic_values, x, fp, wrt=1, rng=rng)
    check_jvp(interp_periodic_values, x, fp, wrt=(0, 1), rng=rng)


# ----- np.gradient: coordinates of the points, and one spacing per axis -----


def gradient_at_points(f, c):
    return np.sum(np.gradient(f, c) ** 2)


def gradient_at_points_second_order(f, c):
    return np.sum(np.sin(np.gradient(f, c, edge_order=2)))


def gradient_spacing_per_axis(f):
    gx, gy = np.gradient(f, 0.5, np.array([0.0, 0.5, 1.0, 2.0]))
    return np.sum(gx ** 2 + np.cos(gy))


POINTS = np.array([0.0, 0.7, 1.5, 2.1, 3.4])


@pytest.mark.parametrize("f", [gradient_at_points, gradient_at_points_second_order])
def test_gradient_at_uneven_points(f, rng):
    y = rng.standard_normal(5)
    assert s2sad.value_and_grad(f)(y, POINTS)[0] == pytest.approx(f(y, POINTS), rel=1e-12)
    check_grad(f, y, POINTS, wrt=(0, 1))  # (the points differentiated too)
    check_jvp(f, y, POINTS, rng=rng)
    check_hessian(lambda_free(f), y)


def lambda_free(f):
    """``f`` at the fixed points, as a function of one argument (a def: its source)."""
    def at_points(y):
        return f(y, POINTS)
    return at_points


def test_gradient_with_a_spacing_per_axis(rng):
    y = rng.standard_normal((3, 4))
    check_grad(gradient_spacing_per_axis, y)
    check_jvp(gradient_spacing_per_axis, y, rng=rng)
    check_hessian(gradient_spacing_per_axis, y)


# ----- np.prod over an empty axis: the spread of its adjoint crashed on size 0 -----


def prod_of_empty_columns(x):
    return np.sum(np.prod(x, axis=0))


def prod_of_empty_rows(x):
    return np.prod(x, axis=1)


def test_prod_over_an_empty_axis():
    x = np.zeros((3, 0))
    assert s2sad.grad(prod_of_empty_columns)(x).shape == (3, 0)
    assert s2sad.hessian(prod_of_empty_columns)(x).shape == (3, 0, 3, 0)
    value, tangent = s2sad.jvp(prod_of_empty_columns)(x, x)
    assert value == 0.0 and tangent == 0.0


def test_prod_over_empty_rows():
    x = np.zeros((0, 3))
    value, grad = s2sad.vjp(prod_of_empty_rows)(x, np.zeros(0))
    assert value.shape == (0,) and grad.shape == (0, 3)
    assert s2sad.jvp(prod_of_empty_rows)(x, x)[1].shape == (0,)


def test_prod_of_a_non_empty_axis_still_checked(rng):
    check_grad(prod_of_empty_columns, rng.standard_normal((3, 2)))
    check_hessian(prod_of_empty_columns, rng.standard_normal((3, 2)))


# ----- an int argument times a sum: its spread adjoint was an int array -----


def int_times_sum(x, k):
    return np.sum(x[:k] ** 2) + k * np.sum(x)


def int_times_mean(x, k):
    y = k * np.mean(x)
    return y + np.sum(x[1:] ** 3)


def int_times_sum_of_squares(x, n):
    return n * np.sum(x) + np.sum(np.exp(x[::2]))


@pytest.mark.parametrize("f", [int_times_sum, int_times_mean, int_times_sum_of_squares])
def test_an_int_argument_scales_a_reduction(f, rng):
    x = rng.standard_normal(4)
    check_grad(f, x, 2)
    check_jvp(f, x, 3, rng=rng)
    check_hessian(lambda_int(f), x)


def lambda_int(f):
    """``f`` with the int 2, as a function of one argument."""
    def at_two(x):
        return f(x, 2)
    return at_two


# ----- a JVP (or forward Jacobian) of a grad of f with default parameters -----

SCALE = np.array([1.0, 2.0, 3.0])


def with_defaults(x, scale=2.0, power=2):
    return np.sum(scale * x ** power)


def with_array_default(x, w=SCALE):
    return np.sum(w * np.sin(x))


def with_keyword_only(x, a=0.5, *, b=3.0):
    return np.sum(a * x ** 3 + b * x)


@pytest.mark.parametrize("f, closed", [
    (with_defaults, lambda x: np.diag(np.full(3, 4.0))),
    (with_array_default, lambda x: np.diag(-SCALE * np.sin(x))),
    (with_keyword_only, lambda x: np.diag(3.0 * x))])
def test_jvp_of_a_grad_leaves_the_defaults_out(f, closed, rng):
    x = rng.standard_normal(3)
    v = rng.standard_normal(3)
    _, tangent = s2sad.jvp(s2sad.grad(f))(x, v)  # (missing 'scale' was a TypeError)
    np.testing.assert_allclose(tangent, closed(x) @ v, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(s2sad.grad(f), mode="forward")(x), closed(x),
                               rtol=1e-10, atol=1e-12)
    assert list(inspect.signature(f).parameters)[0] == "x"


# ----- a refusal of the first derivative, differentiated again: named at the user's line


def percentile_inverted_cdf(x):  # (a step function of the ranks: refused)
    return np.percentile(x, 40, method='inverted_cdf') ** 2


def average_returned(x):  # (np.cov's weights now have their closed form)
    return np.sum(np.average(x, axis=1, weights=[1, 2, 1, 3, 1], returned=True)[0])


def pad_median(x):
    return np.sum(np.pad(x, 1, mode='median') ** 2)


def test_average_returned_has_its_closed_form(rng):
    """(``returned=True`` was refused; now each row's weights over their sum, and a zero
    second derivative: the average is linear in x)."""
    x = rng.standard_normal((2, 5))
    w = np.array([1, 2, 1, 3, 1]) / 8.0
    g = s2sad.grad(average_returned)(x)
    np.testing.assert_allclose(g, np.tile(w, (2, 1)), rtol=1e-12)
    np.testing.assert_allclose(g, numerical_grad(average_returned, (x,), (0,))[0], rtol=1e-6)
    np.testing.assert_allclose(s2sad.hessian(average_returned)(x), np.zeros((2, 5, 2, 5)),
                               atol=1e-12)


@pytest.mark.parametrize("f, shape", [(percentile_inverted_cdf, (7,)), (pad_median, (4,))])
def test_a_refusal_differentiated_again_names_the_users_line(f, shape, rng):
    x = rng.standard_normal(shape)
    line = inspect.getsourcelines(f)[1] + 1
    for derivative in (s2sad.grad(f), s2sad.hessian(f)):
        with pytest.raises(s2sad.DifferentiationError) as refused:
            derivative(x)
        assert f"test_jax_style.py:{line}:" in str(refused.value)
    with pytest.raises(s2sad.DifferentiationError, match=f"test_jax_style.py:{line}:"):
        s2sad.jvp(s2sad.grad(f))(x, x)


# ----- refusals of common calls, now rules: methods passing a keyword np's closed form
# takes (x.max(initial=)), where= of np.var / np.std, np.diagflat, np.logspace, np.unwrap


def max_method_initial(x):
    return np.sum(x.max(axis=0, initial=0.1) ** 2)


def min_method_initial(x):
    return x.min(initial=0.5) ** 3


def mean_method_where(x):
    return np.sum(np.sin(x.mean(axis=0, where=x > 0)))


def var_where(x):
    return np.sum(np.var(x, axis=0, where=x > -0.5))


def std_where_ddof(x):
    return np.sum(np.std(x, axis=1, ddof=1, where=np.array([[True, True, False, True]]),
                         keepdims=True) ** 2)


def std_method_where(x):
    return x.std(where=x > 0)


def diagflat_shifted(x):
    return np.sum(np.diagflat(x, k=1) @ np.arange(9.0).reshape(3, 3))


def logspace_to(x):
    return np.sum(np.logspace(0.0, x, 4))


def unwrapped(x):
    return np.sum(np.sin(np.unwrap(x)) * np.arange(5.0)) + np.sum(np.unwrap(x, period=4.0))


X34 = np.array([[0.3, -1.2, 0.8, 1.1], [0.4, 0.9, -0.6, 0.2], [-0.7, 1.5, 0.1, 0.6]])


@pytest.mark.parametrize("f, x", [
    (max_method_initial, X34), (min_method_initial, X34), (mean_method_where, X34),
    (var_where, X34), (std_where_ddof, X34), (std_method_where, X34),
    (diagflat_shifted, np.array([0.5, -1.5])), (logspace_to, 0.7),
    (unwrapped, np.array([0.5, 2.9, 5.4, 8.8, 9.9]))])
def test_calls_once_refused(f, x, rng):
    assert s2sad.value_and_grad(f)(x)[0] == pytest.approx(f(x), rel=1e-12)
    check_grad(f, x)
    check_jvp(f, x, rng=rng)
    check_hessian(f, x)


# ----- np.matmul is a ufunc (a gufunc, (n,k),(k,m)->(n,m)), not an elementwise one: the
# shape facts broadcast its operands, so np.matmul(A, x) of a square A and a vector was
# an n x n value and its adjoint summed over an axis it does not have (silently wrong:
# of the user's np.matmul, and of every grad called inside a function, whose
# second-order rule of matmul_rhs_adjoint is an np.matmul) -----

A3 = np.array([[1.0, 0.2, 0.1], [0.3, 0.9, -0.2], [0.0, 0.4, 1.1]])


def matmul_square_times_vector(x):
    y = np.matmul(A3, x)
    return np.sum(np.sin(y) + y * x)


def inner_loss(w, a):
    return np.sum(np.tanh(a @ w) ** 2)


def gradient_norm(w):
    return np.sum(s2sad.grad(inner_loss)(w, A3) ** 2)  # a gradient penalty


def value_and_gradient_inside(w):
    v, g = s2sad.value_and_grad(inner_loss)(w, np.eye(3))
    return v + np.sum(g * np.array([1.0, -2.0, 0.5]))


@pytest.mark.parametrize("f", [matmul_square_times_vector, gradient_norm,
                               value_and_gradient_inside])
def test_matmul_of_a_square_matrix_and_a_vector(f, rng):
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_vjp(f, x, rng=rng)
    check_jvp(f, x, rng=rng)


# ----- NumPy 2 products refused for want of a rule: np.matvec, np.vecmat (gufuncs) and
# np.linalg.vecdot / np.linalg.tensordot (functions of their own) -----


def matvec_of_square(a, x):
    return np.sum(np.sin(np.matvec(a, x)) * x)


def vecmat_of_stack(a, x):
    return np.sum(np.vecmat(x, a) ** 2)


def linalg_vecdot_and_tensordot(a, x):
    return np.sum(np.linalg.vecdot(a, x) * np.linalg.tensordot(a, x, axes=1))


@pytest.mark.skipif(not hasattr(np, "matvec"), reason="NumPy 2.2 spellings")
@pytest.mark.parametrize("f, shape", [(matvec_of_square, (3, 3)), (vecmat_of_stack, (2, 3, 3)),
                                      (linalg_vecdot_and_tensordot, (3, 3))])
def test_numpy_2_products(f, shape, rng):
    a, x = rng.standard_normal(shape), rng.standard_normal(3)
    check_grad(f, a, x, wrt=(0, 1))
    check_jvp(f, a, x, wrt=(0, 1), rng=rng)
    check_vjp(f, a, x, wrt=1, rng=rng)
