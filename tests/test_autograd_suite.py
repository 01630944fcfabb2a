"""Scenarios of another AD tool's test suite (autograd's: every NumPy function called
through ``lambda *a: fn(*a, **kwargs)``, VJPs with any cotangent, Jacobians row by row),
each a defect found and fixed; checked against finite differences or a closed form."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

X = np.array([[0.3, -0.5, 0.8], [1.1, 0.2, -0.7], [0.4, 0.9, -1.2], [-0.6, 0.1, 0.5]])
U4 = np.arange(16.0).reshape(4, 4) % 5 - 2.0  # not symmetric


# ----- a cotangent has the output's shape, not its values (it was taken symmetric) -----

def gram(x):
    return x @ x.T


def gram_of_columns(x):
    return 0.5 * x.T @ x + np.eye(3)


def test_vjp_of_a_gram_matrix_with_a_cotangent_not_symmetric():
    _, dx = s2sad.vjp(gram)(X, U4)
    np.testing.assert_allclose(dx, (U4 + U4.T) @ X, rtol=1e-12)
    check_vjp(gram, X)


def test_vjp_of_a_gram_matrix_of_columns():
    u = U4[:3, :3]
    _, dx = s2sad.vjp(gram_of_columns)(X, u)
    np.testing.assert_allclose(dx, 0.5 * X @ (u + u.T), rtol=1e-12)


def test_reverse_jacobian_of_a_gram_matrix():
    J = s2sad.jacobian(gram, mode="reverse")(X)
    eye = np.eye(4)
    expected = np.einsum("ik,jl->ijkl", eye, X) + np.einsum("jk,il->ijkl", eye, X)
    np.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-14)


def test_vjp_of_an_inverse_of_a_symmetric_matrix():
    def inverse(x):
        return np.linalg.inv(x.T @ x + 0.5 * np.eye(3))
    check_vjp(inverse, X)
    check_jvp(inverse, X)


# ----- fn(*a, **kw) of a closure dict holding lists (were refused) or arrays -----

def called_with(fn, **kw):
    return lambda *a: fn(*a, **kw)


def test_keywords_of_a_closure_dict_holding_a_list():
    f = called_with(np.transpose, axes=[1, 2, 0])
    x = np.arange(24.0).reshape(2, 3, 4) / 10
    check_vjp(f, x)
    check_jvp(f, x)


def test_keywords_of_a_closure_dict_holding_lists_of_tuples():
    f = called_with(np.tensordot, axes=[(1, 0), (2, 1)])
    a, b = X[:2, :3], np.linspace(-1.0, 1.0, 24).reshape(1, 2, 3, 4)
    check_vjp(f, a, b, wrt=(0, 1))
    check_jvp(f, a, b, wrt=(0, 1))


def test_keywords_of_a_closure_dict_holding_nested_lists():
    f = called_with(np.pad, pad_width=[[1, 0], [0, 2]], mode="edge")
    check_vjp(f, X)


def test_keywords_of_a_closure_dict_holding_an_array():
    w = np.array([0.5, 1.0, 2.0])
    f = called_with(np.average, axis=1, weights=w)
    check_vjp(f, X)
    check_jvp(f, X)


def test_second_derivative_through_keywords_of_a_closure_dict():
    g = called_with(np.transpose, axes=[1, 0])
    check_hessian(lambda x: np.sum(np.sin(g(x)) * U4[:, :3].T), X)


# ----- f(*a) of a lambda's own *a, in a module with globals named like its items -----
# (a lambda of *a is differentiated as ``def call_lambda(a0, a1): ...``; a helper given
# ``*a`` took the global ``a1`` for the argument: a NameError, or the global's values)

def a1(x):  # a global function named like the second argument
    return x


a2 = np.array([5.0, -6.0, 7.0])  # a global array named like the third


def scaled(x, y):
    return np.where(x > 0, x, y) * y


def three(x, y, z):
    return x * y + np.sin(z)


def test_spread_items_named_like_a_global_function():
    f = lambda *a: np.sum(scaled(*a) ** 2)  # noqa: E731
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.3, -0.4])
    check_grad(f, x, y, wrt=(0, 1))
    check_grad(f, -x, y, wrt=(0, 1))  # the other branch of the where


def test_spread_items_named_like_a_global_array():
    f = lambda *a: np.sum(three(*a))  # noqa: E731
    x, y, z = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.3, -0.4]), np.array([0.1, 0.2, 0.3])
    dz = s2sad.grad(f, wrt=2)(x, y, z)
    np.testing.assert_allclose(dz, np.cos(z), rtol=1e-12)  # not the global a2's
    check_vjp(f, x, y, z, wrt=(0, 1, 2))


def test_second_derivative_of_spread_items_named_like_globals():
    u = np.array([0.2, -0.7, 1.1])
    f = lambda *a: np.sum(u * scaled(*a)) ** 2  # noqa: E731
    H = s2sad.hessian(f, wrt=0)(np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.3, -0.4]))
    y = np.array([1.5, 0.3, -0.4])
    v = np.array([1.0, 0.0, 1.0]) * u * y  # d(u * scaled)/dx: y where x > 0
    np.testing.assert_allclose(H, 2 * np.outer(v, v), rtol=1e-12)


# ----- a vector's -1 norm, 1 / sum(1 / |x|), is curved (its Hessian was taken 0) -----

V = np.array([0.5, -1.2, 2.0, 0.7])


def test_hessian_of_the_minus_one_norm_of_a_vector():
    H = check_hessian(lambda x: np.linalg.norm(x, ord=-1), V)
    n = 1 / np.sum(1 / np.abs(V))  # closed form: 2 n^3 s s^T - 2 n^2 diag(1/|x|^3)
    s = np.sign(V) / V ** 2
    np.testing.assert_allclose(H, 2 * n ** 3 * np.outer(s, s) - 2 * n ** 2 * np.diag(
        1 / np.abs(V) ** 3), rtol=1e-10)


def test_hessian_of_minus_one_norms_of_rows():
    check_hessian(lambda x: np.sum(np.linalg.norm(x, ord=-1, axis=1) ** 2), X)


def test_hessian_of_the_minus_one_vector_norm():
    check_hessian(lambda x: np.linalg.vector_norm(x, ord=-1), X)


def test_hessian_of_the_minus_one_norm_of_a_matrix_stays_flat():
    H = check_hessian(lambda x: np.linalg.norm(x, ord=-1), X)  # a smallest column sum
    np.testing.assert_array_equal(H, 0.0)


# ----- an output of one element ((1, 1), (1,)) is one number to grad (was refused) -----

def sum_kept(x):
    return np.sum(np.sin(x), keepdims=True)


def column_sums(x):
    return np.sum(np.sin(x), axis=0, keepdims=True)


def first_squared(x):
    return x[:1] ** 2


def test_grad_of_a_kept_sum():
    np.testing.assert_allclose(s2sad.grad(sum_kept)(X), np.cos(X), rtol=1e-12)
    value, g = s2sad.value_and_grad(sum_kept)(X)
    assert np.shape(value) == (1, 1)
    np.testing.assert_allclose(g, np.cos(X), rtol=1e-12)


def test_grad_of_one_column_sum():
    x = X[:, :1]
    np.testing.assert_allclose(s2sad.grad(column_sums)(x), np.cos(x), rtol=1e-12)


def test_grad_of_a_one_item_slice():
    v = np.array([0.7, -1.1, 0.4])
    np.testing.assert_allclose(s2sad.grad(first_squared)(v), [1.4, 0.0, 0.0], rtol=1e-12)


def test_grad_of_a_one_item_output_inside_a_function():
    check_grad(lambda x: np.sum(s2sad.grad(sum_kept)(x) ** 2), X)  # d sum cos^2 = -sin 2x
    np.testing.assert_allclose(
        s2sad.grad(lambda x: np.sum(s2sad.grad(sum_kept)(x) ** 2))(X), -np.sin(2 * X),
        rtol=1e-10)


# ----- the derivative of a closure reading the function's variables (was refused) -----

def scaled_by_closure(x):
    inner = lambda y: x * y  # noqa: E731
    return x * s2sad.grad(inner)(2.0)  # x * x


def scaled_by_closure_def(x):
    def inner(y):
        return np.sin(x * y)
    return s2sad.grad(inner)(0.5) * x  # x^2 cos(x / 2)


def closure_read_late(x):
    def inner(y):
        return np.sum(np.sin(x * y) ** 2)
    dg = s2sad.grad(inner)
    x = x * 2  # a closure reads x when it is called
    return np.sum(dg(np.ones(3)) * x)


def closure_value_and_grad(x):
    value, slope = s2sad.value_and_grad(lambda y: np.sum(x * y ** 3))(x)
    return value + np.sum(slope)


def test_grad_of_a_closure_inside_a_function():
    np.testing.assert_allclose(s2sad.grad(scaled_by_closure)(1.3), 2.6, rtol=1e-12)
    check_grad(scaled_by_closure, -0.7)


def test_grad_of_a_def_closure_and_its_second_derivative():
    x = 1.3
    expected = 2 * x * np.cos(x / 2) - x * x * np.sin(x / 2) / 2
    np.testing.assert_allclose(s2sad.grad(scaled_by_closure_def)(x), expected, rtol=1e-12)
    check_hessian(scaled_by_closure_def, np.array(x))


def test_closure_derivative_reads_the_variable_when_called():
    check_grad(closure_read_late, np.array([0.3, 0.5, -0.2]))
    check_vjp(closure_read_late, np.array([0.3, 0.5, -0.2]))


def test_value_and_grad_of_a_closure():
    x = np.array([0.4, -0.6, 1.1])
    np.testing.assert_allclose(closure_value_and_grad(x), np.sum(x ** 4) + np.sum(3 * x ** 3))
    check_grad(closure_value_and_grad, x)


# ----- second derivatives of the nuclear and spectral norms of a matrix (were refused) -----

M43 = np.array([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [0.2, 0.9, 1.3], [-0.8, 0.1, 0.6]])


def nuclear(x):
    return np.linalg.norm(x, ord="nuc")


def test_hessian_of_the_nuclear_norm():
    check_hessian(nuclear, M43)
    check_hessian(nuclear, M43.T)  # wide: through the transpose


def test_nuclear_norm_curvature_closed_form():
    # at diag(s) the gradient U V^T moves by the antisymmetric part over s_i + s_j
    x, t = np.diag([3.0, 2.0, 1.0]), np.zeros((3, 3))
    t[0, 1] = 1.0
    _, curve = s2sad.jvp(s2sad.grad(nuclear))(x, t)
    np.testing.assert_allclose(curve, (t - t.T) / 5.0, atol=1e-12)


def test_hessian_of_the_spectral_norms():
    check_hessian(lambda x: np.linalg.norm(x, ord=2), M43)
    check_hessian(lambda x: np.linalg.norm(x, ord=-2), M43.T)


def test_hessian_of_matrix_norms_over_axes():
    x = np.linspace(-1.0, 1.3, 24).reshape(3, 2, 4) ** 2 - 0.4
    check_hessian(lambda a: np.sum(np.linalg.norm(a, ord="nuc", axis=(0, 2)) ** 2), x)
    check_hessian(lambda a: np.sum(np.sin(np.linalg.norm(a, ord=2, axis=(2, 0)))), x)


# ----- s2sad.grad(f, 1) inside a function: wrt given by position (was refused) -----

def sum_sin_of_product(x, y):
    return np.sum(np.sin(x * y))


def slope_in_y(x, y):
    return np.sum(np.sin(s2sad.grad(sum_sin_of_product, 1)(x, y)))


def slope_pair(x, y):
    dx, dy = s2sad.grad(sum_sin_of_product, (0, 1))(x, y)
    return np.sum(dx * dy)


def value_and_slope(x, y):
    value, dy = s2sad.value_and_grad(sum_sin_of_product, 1)(x, y)
    return value * np.sum(dy)


def slope_bound_first(x, y):
    dg = s2sad.grad(sum_sin_of_product, 1)
    return np.sum(dg(x, y) ** 2)


XV, YM = np.array([0.4, -0.9, 1.2]), np.array([[0.5, 0.3, -0.8], [1.1, -0.2, 0.6]])


def test_grad_with_wrt_by_position_inside_a_function():
    dy = np.cos(XV * YM) * XV  # the closed form
    np.testing.assert_allclose(s2sad.grad(sum_sin_of_product, 1)(XV, YM), dy, rtol=1e-12)
    check_grad(slope_in_y, XV, YM, wrt=(0, 1))


def test_grad_with_a_tuple_wrt_by_position_inside_a_function():
    check_grad(slope_pair, XV, YM, wrt=(0, 1))


def test_value_and_grad_with_wrt_by_position_inside_a_function():
    check_vjp(value_and_slope, XV, YM, wrt=(0, 1))


def test_grad_with_wrt_by_position_bound_to_a_name():
    check_grad(slope_bound_first, XV, YM, wrt=(0, 1))
    check_jvp(slope_bound_first, XV, YM, wrt=(0, 1))


# ----- a closure's variables are read when the derivative runs (were kept as the first
# call found them, and taken from a module global of the same name: wrong numbers) -----

def slope_of_a_closure(XV):  # (named like the module's XV: another variable)
    return s2sad.grad(lambda y: np.exp(y) * np.tanh(XV[0]))(XV[1])


def test_a_closure_made_at_each_call_reads_its_own_variable():
    for x in (np.array([0.3, -0.5]), np.array([0.4, -0.4]), np.array([-1.0, 0.2])):
        np.testing.assert_allclose(slope_of_a_closure(x), np.exp(x[1]) * np.tanh(x[0]),
                                   rtol=1e-12)
    check_grad(slope_of_a_closure, np.array([0.3, -0.5]))


def closure_rebound():
    a = 1.0
    g = s2sad.grad(lambda y: a * y ** 2)
    first = g(1.5)
    a = 2.0  # the lambda reads the new a
    return first, g(1.5), g(0.5)


def test_a_closure_variable_bound_again_after_the_derivative_is_made():
    assert closure_rebound() == (3.0, 6.0, 2.0)


def closure_array_rebound():
    w = np.array([1.0, 2.0])
    dg = s2sad.value_and_grad(lambda v: np.sum(np.sin(v) * w))
    before = dg(np.array([0.1, 0.2]))[1]
    w = np.array([-3.0, 0.5])
    return before, dg(np.array([0.1, 0.2]))[1], w


def test_a_closure_array_bound_again_after_the_derivative_is_made():
    before, after, w = closure_array_rebound()
    np.testing.assert_allclose(before, np.cos([0.1, 0.2]) * [1.0, 2.0], rtol=1e-12)
    np.testing.assert_allclose(after, np.cos([0.1, 0.2]) * w, rtol=1e-12)


# ----- s2sad.vjp(f)(x, u) and s2sad.jvp(f)(x, t) written out inside a function -----

def outer_sine(x):
    return np.sin(np.outer(x, x)) + np.cos(np.dot(x, x))


def pulled_back(x):
    return np.sum(s2sad.vjp(outer_sine)(x, np.ones((2, 2)))[1] ** 2)


def pushed_forward(x):
    return np.sum(s2sad.jvp(outer_sine)(x, np.array([1.0, -0.5]))[1] ** 2)


def test_vjp_written_out_inside_a_function():
    check_grad(pulled_back, np.array([0.3, -0.8]))
    check_jvp(pulled_back, np.array([1.1, 0.4]))


def test_jvp_written_out_inside_a_function():
    check_grad(pushed_forward, np.array([0.3, -0.8]))
    check_vjp(pushed_forward, np.array([1.1, 0.4]))


def test_vjp_and_jvp_of_a_closure_inside_a_function():
    # the closure's x is lifted to a keyword-only parameter (closures.py): it follows the
    # cotangent (and the tangents) without taking their place
    def pulled(x):
        return np.sum(s2sad.vjp(lambda y: np.sin(y) * x)(x, x)[1])  # sum(cos(x) x x)

    def pushed(x):
        return s2sad.jvp(lambda y: np.sum(np.sin(y) * x))(x, x)[1]  # the same number
    x = np.array([0.3, -0.8])
    expected = np.cos(x) * 2 * x - np.sin(x) * x ** 2
    for f in (pulled, pushed):
        assert f(x) == pytest.approx(np.sum(np.cos(x) * x * x), rel=1e-12)
        np.testing.assert_allclose(s2sad.grad(f)(x), expected, rtol=1e-12)
        check_grad(f, x)


# ----- s2sad.jacobian and s2sad.hessian called inside a function (were refused) -----

def sine_of_jacobian(x):
    return np.sum(np.sin(s2sad.jacobian(outer_sine)(x)))


def sine_of_second_jacobian(x):
    return np.sum(np.sin(s2sad.jacobian(s2sad.jacobian(outer_sine))(x)))


def squared_hessian(x):
    return np.sum(s2sad.hessian(lambda y: np.sum(np.sin(y) * y[0]))(x) ** 2)


def jacobian_of_a_number(x):
    return np.sum(s2sad.jacobian(lambda y: np.array([y ** 2, np.sin(y)]))(x) ** 2)


def test_grad_of_a_jacobian():
    check_grad(sine_of_jacobian, np.array([0.3, -0.8]))
    check_jvp(sine_of_jacobian, np.array([1.1, 0.4]))


def test_grad_of_a_jacobian_of_a_jacobian():
    check_grad(sine_of_second_jacobian, np.array([0.3, -0.8]))


def test_grad_of_a_hessian():
    check_grad(squared_hessian, np.array([0.3, -0.8, 0.5]))


def test_grad_of_a_jacobian_of_a_number():
    x = 0.7  # d/dx ((2x)^2 + cos(x)^2)
    np.testing.assert_allclose(s2sad.grad(jacobian_of_a_number)(x),
                               8 * x - 2 * np.cos(x) * np.sin(x), rtol=1e-12)


# ----- a real value's adjoint is real when complex values reach it (was complex: wrong
# numbers when a complex argument met a real intermediate such as np.abs(z)) -----

Z = np.array([0.3 + 0.5j, -1.0 + 0.2j])


def abs_times(z):
    return np.real(np.abs(z) * z)


def abs_sine(x):
    return np.sum(np.sin(np.abs(x)))


def test_vjp_of_a_real_intermediate_times_a_complex_argument():
    x, y, r = Z.real, Z.imag, np.abs(Z)
    _, dz = s2sad.vjp(abs_times)(Z, np.ones(2))
    np.testing.assert_allclose(dz, (x * x / r + r) - 1j * (x * y / r), rtol=1e-12)


def test_grad_of_a_real_intermediate_times_a_complex_argument():
    z = Z * 1.5
    x, y, r = z.real, z.imag, np.abs(z)
    g = s2sad.grad(lambda w: np.sum(abs_times(w) ** 2))(z)
    f = x * r
    np.testing.assert_allclose(g, 2 * f * ((x * x / r + r) - 1j * (x * y / r)), rtol=1e-12)


def test_derivative_of_a_gradient_at_a_complex_number():
    # d/dz of sum(sin(grad(sum(sin(|z|))))): the gradient's real intermediates (|z|,
    # cos|z|) take real adjoints; checked as autograd checks: <vjp(1), v> = Re(d[v])
    def d(z):
        return np.sum(np.sin(s2sad.grad(abs_sine)(z)))
    z, v, e = 1.1 + 1.2j, 0.6 - 0.8j, 1e-6
    _, g = s2sad.vjp(d)(z, 1.0 + 0.0j)
    np.testing.assert_allclose(np.real(g * v), np.real((d(z + e * v) - d(z - e * v)) / (2 * e)),
                               rtol=1e-6)


def test_real_arrays_keep_the_real_code():
    src = s2sad.vjp(abs_times)
    src(np.array([0.3, -1.0]), np.ones(2))
    assert "unbroadcast" not in src.source  # (real arguments: no real part to take)


# ----- a 0-d complex array for a differentiated argument: refused, never a wrong number

def _real_through_abs(z):
    return np.real(np.abs(z) * z)


def test_a_zero_d_complex_array_is_refused_at_the_function():
    z = 0.3 + 0.5j
    # the same number as a Python complex and as a 1-element array: the derivative
    # (autograd's convention, conj of df/dz), against the closed form
    # d Re(|z| z) = |z| + Re(z) z / |z|, conjugated
    expected = np.conj(abs(z) + z.real * z / abs(z))
    assert s2sad.grad(_real_through_abs)(z) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        s2sad.grad(lambda v: np.sum(_real_through_abs(v)))(np.array([z])), [expected],
        rtol=1e-12)
    for make in (s2sad.grad, s2sad.value_and_grad):
        with pytest.raises(s2sad.DifferentiationError, match=r"0-d complex array.*complex\(z\)"):
            make(_real_through_abs)(np.array(z))
    with pytest.raises(s2sad.DifferentiationError, match=r"0-d complex array"):
        s2sad.vjp(_real_through_abs)(np.array(z), 1.0)
