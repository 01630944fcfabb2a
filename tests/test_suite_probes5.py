"""Probes in the style of autograd's own suite (test_numpy, test_systematic, test_scipy,
test_linalg, test_fft, test_binary_ops, test_wrappers, test_jacobian, test_list / tuple /
dict) and JAX's pad modes, helper 68: the defects found (each with three variations)
and a sample of the probes that passed, as regressions; every number is checked against
central differences in float64, and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
from scipy.stats import multivariate_normal as mvn

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, numerical_grad

# ----- a product's sign was put on its first number factor, which may be a NumPy bool:
# the forward derivative of np.nansum's adjoint ``~np.isnan(x) * np.cos(s)`` of a float
# was ``-not_value * ds * np.sin(s)`` (TypeError: numpy boolean negative), so the second
# derivative of np.sin(np.nansum(x)) was refused as an s2sad bug -----

def sine_of_nansum(x):
    return np.sin(np.nansum(x))


def cosine_of_nanmean_times(x):
    return np.cos(np.nanmean(x)) * x


def summed_sine_of_nansum(x):
    return np.sum(np.sin(np.nansum(x)))


@pytest.mark.parametrize("f, closed", [
    (sine_of_nansum, lambda x: -np.sin(x)),
    (cosine_of_nanmean_times, lambda x: -np.cos(x) * x - 2 * np.sin(x)),
    (summed_sine_of_nansum, lambda x: -np.sin(x)),
])
@pytest.mark.parametrize("x", [3.5, -0.4])
def test_second_derivative_through_a_mask_of_a_float(f, closed, x):
    np.testing.assert_allclose(s2sad.hessian(f)(x), closed(x), rtol=1e-12)
    _, curvature = s2sad.jvp(s2sad.grad(f))(x, 1.0)
    np.testing.assert_allclose(curvature, closed(x), rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(s2sad.grad(f))(x), closed(x), rtol=1e-12)
    d = s2sad.grad(f)
    np.testing.assert_allclose(closed(x), (d(x + 1e-6) - d(x - 1e-6)) / 2e-6, rtol=1e-6)


def sine_of_cosine_of_nan_to_num(x):  # (the sign was moved onto a mask in a later pass)
    return np.sum(np.sin(np.cos(np.nan_to_num(x))))


def cosine_of_nanmax_times(x):
    return np.cos(np.nanmax(x)) * np.sin(np.nan_to_num(x))


@pytest.mark.parametrize("f", [sine_of_cosine_of_nan_to_num, cosine_of_nanmax_times])
@pytest.mark.parametrize("x", [0.8, -0.6])
def test_second_derivative_through_a_mask_read_twice(f, x):
    check_hessian(f, x)
    check_jvp(s2sad.grad(f), x)


def test_second_derivative_through_a_mask_of_an_array(rng):
    x = rng.standard_normal(3)
    check_hessian(summed_sine_of_nansum, x)
    check_hessian(lambda v: np.cos(np.nanmean(v)) * np.sum(v), x)


# ----- np.nanstd was the root of nanvar: where the values are all equal (a single one)
# its slope was 0 * inf, NaN; np.std gives 0 there (std's kink, where the central
# difference is 0 too) -----

def nanstd_all(x):
    return np.nanstd(x)


def nanstd_columns(x):
    return np.nanstd(x, axis=0)


def nanstd_rows_ddof(x):
    return np.nanstd(x, axis=1, ddof=1, keepdims=True)


@pytest.mark.parametrize("x", [3.5, np.array([3.5]), np.array([2.0, 2.0, 2.0])])
def test_nanstd_at_equal_values_has_slope_zero(x):
    np.testing.assert_array_equal(s2sad.grad(nanstd_all)(x), np.zeros_like(x))
    np.testing.assert_array_equal(s2sad.grad(nanstd_all)(x), s2sad.grad(np.std)(x))
    _, t = s2sad.jvp(nanstd_all)(x, np.ones_like(x) if np.ndim(x) else 1.0)
    assert t == 0.0
    check_grad(nanstd_all, x)


def test_nanstd_of_an_equal_column_and_the_others(rng):
    x = np.array([[1.0, 2.0], [1.0, 3.0], [1.0, -0.5]])
    _, g = s2sad.vjp(nanstd_columns)(x, np.ones(2))
    np.testing.assert_array_equal(g[:, 0], 0.0)
    check_vjp(nanstd_columns, x, rng=rng)
    check_jvp(nanstd_columns, x, rng=rng)


def test_nanstd_skips_the_nans_and_its_second_derivative(rng):
    x = rng.standard_normal((3, 4))
    x[1, 2] = np.nan
    _, g = s2sad.vjp(nanstd_rows_ddof)(x, np.ones((3, 1)))
    assert g[1, 2] == 0.0 and np.all(np.isfinite(g))
    kept = x[1][~np.isnan(x[1])]
    np.testing.assert_allclose(g[1][~np.isnan(x[1])],
                               (kept - kept.mean()) / (2 * np.std(kept, ddof=1)), rtol=1e-12)
    clean = rng.standard_normal((3, 4))
    check_vjp(nanstd_rows_ddof, clean, rng=rng)
    check_jvp(nanstd_rows_ddof, clean, rng=rng)
    check_hessian(lambda v: np.sum(np.nanstd(v, axis=0) ** 3), clean)


# ----- scipy's multivariate normal with allow_singular=True (autograd's
# test_mvn_sing_cov): the closed form solved with the covariance, and a singular one
# made the derivative fail (LinAlgError) although the density runs.  Now the pseudo-
# inverse, the pseudo-determinant (det(cov + I - P) with P the projection on the range)
# and the rank for the dimension, as SciPy computes it; -inf off the range -----

SINGULAR = np.diag([1.0, 1.0, 0.0, 0.0])


def singular_pdf(x, mean):
    x = np.concatenate([x[:2], mean[2:]])
    return mvn.pdf(x, mean, SINGULAR, allow_singular=True)


def singular_logpdf(x, mean):
    x = np.concatenate([x[:2], mean[2:]])
    return mvn.logpdf(x, mean, SINGULAR, allow_singular=True)


def on_a_plane(z, b):
    return mvn.logpdf(b @ z, np.zeros(3), b @ b.T, allow_singular=True)


@pytest.mark.parametrize("f", [singular_pdf, singular_logpdf])
def test_singular_normal_in_x_and_mean(f, rng):
    x = np.concatenate([rng.standard_normal(2), np.zeros(2)])
    mean = np.concatenate([rng.standard_normal(2), np.zeros(2)])
    value, (dx, dmean) = s2sad.value_and_grad(f, wrt=(0, 1))(x, mean)
    assert value == pytest.approx(f(x, mean), rel=1e-12)
    dev = x[:2] - mean[:2]
    slope = -dev * (f(x, mean) if f is singular_pdf else 1.0)
    np.testing.assert_allclose(dx, np.concatenate([slope, np.zeros(2)]), rtol=1e-10)
    np.testing.assert_allclose(dmean, np.concatenate([-slope, np.zeros(2)]), atol=1e-12)
    check_grad(f, x, mean, wrt=(0, 1))
    check_jvp(f, x, mean, wrt=(0, 1), rng=rng)


def test_singular_normal_in_its_covariance_and_off_the_range(rng):
    b, z = rng.standard_normal((3, 2)), rng.standard_normal(2)
    check_grad(on_a_plane, z, b, wrt=(0, 1))
    check_vjp(on_a_plane, z, b, wrt=(0, 1), rng=rng)
    check_jvp(on_a_plane, z, b, wrt=(0, 1), rng=rng)
    assert s2sad.grad(on_a_plane)(z, b) == pytest.approx(numerical_grad(on_a_plane, (z, b)))
    off = np.array([1.0, 2.0, 0.5, 0.0])
    value, g = s2sad.value_and_grad(
        lambda v: mvn.logpdf(v, np.zeros(4), SINGULAR, allow_singular=True))(off)
    assert value == -np.inf and np.all(g == 0.0)


def test_allow_singular_of_a_regular_covariance_is_the_plain_density(rng):
    m = rng.standard_normal((3, 3))
    cov, x = m @ m.T + np.eye(3), rng.standard_normal(3)

    def flagged(v, c):
        return mvn.logpdf(v, np.zeros(3), (c + c.T) / 2, allow_singular=True)

    def plain(v, c):
        return mvn.logpdf(v, np.zeros(3), (c + c.T) / 2)

    a = s2sad.value_and_grad(flagged, wrt=(0, 1))(x, cov)
    b = s2sad.value_and_grad(plain, wrt=(0, 1))(x, cov)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12)
    for u, v in zip(a[1], b[1]):
        np.testing.assert_allclose(u, v, rtol=1e-9, atol=1e-12)
    check_grad(flagged, x, cov, wrt=(0, 1))


# ----- np.pad's 'mean' and 'linear_ramp' modes (JAX's testPad): linear in the array,
# the forward rule padded the tangent, the reverse one was refused.  Now each axis is
# one matrix (the identity padded along it) and g goes back through their transposes -----

def pad_mean(x):
    return np.pad(x, ((1, 2), (2, 0)), mode="mean")


def pad_ramp(x):
    return np.pad(x, ((1, 2), (2, 0)), mode="linear_ramp")


def pad_mean_3d(x):
    return np.pad(x, 1, mode="mean") ** 2


def pad_ramp_vector(x):
    return np.sin(np.pad(x, (3, 1), mode="linear_ramp"))


@pytest.mark.parametrize("f, shape", [(pad_mean, (3, 4)), (pad_ramp, (3, 4)),
                                      (pad_mean_3d, (2, 3, 2)), (pad_ramp_vector, (4,))])
def test_pad_mean_and_linear_ramp_in_reverse(f, shape, rng):
    x = rng.standard_normal(shape)
    check_vjp(f, x, rng=rng)
    check_jvp(f, x, rng=rng)
    check_hessian(lambda v: np.sum(np.sin(f(v))), x)


def pad_maximum_rows(x):
    return np.pad(x, ((2, 1), (0, 0)), mode="maximum")


def pad_minimum_both(x):
    return np.cos(np.pad(x, 1, mode="minimum"))


def pad_maximum_vector(x):
    return np.pad(x, (1, 3), mode="maximum") * np.arange(7.0)


@pytest.mark.parametrize("f, shape", [(pad_maximum_rows, (3, 4)), (pad_minimum_both, (3, 2)),
                                      (pad_maximum_vector, (3,))])
def test_pad_maximum_and_minimum_copy_the_extremes(f, shape, rng):
    x = rng.standard_normal(shape)
    check_vjp(f, x, rng=rng)
    check_jvp(f, x, rng=rng)
    check_hessian(lambda v: np.sum(np.sin(f(v))), x)


def test_pad_maximum_closed_form():
    x = np.array([0.5, 2.0, -1.0])
    _, g = s2sad.vjp(pad_maximum_vector)(x, np.ones(7))
    np.testing.assert_array_equal(g, [1.0, 2.0 + 0.0 + 4.0 + 5.0 + 6.0, 3.0])  # x[1] is the max
    _, t = s2sad.jvp(pad_maximum_vector)(x, np.array([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(t, [0.0, 1.0, 20.0, 300.0, 40.0, 50.0, 60.0])


def test_pad_mean_closed_form():
    _, g = s2sad.vjp(lambda v: np.pad(v, (2, 1), mode="mean"))(np.arange(4.0), np.ones(7))
    np.testing.assert_allclose(g, np.ones(4) + 3 / 4, rtol=1e-12)  # each pad is the mean
    _, g = s2sad.vjp(lambda v: np.pad(v, (0, 2), mode="linear_ramp"))(
        np.arange(3.0), np.array([0.0, 0.0, 0.0, 1.0, 1.0]))
    np.testing.assert_allclose(g, [0.0, 0.0, 0.5], rtol=1e-12)  # x[2] / 2, then 0


# ----- a sample of the probes that passed (autograd's suite, in our own words) -----

def _sum_sin(fn, *fixed, **kw):
    def f(*a):
        return np.sum(np.sin(fn(*a, *fixed, **kw)))
    return f


def stat_max_kept(x):
    return np.max(x, axis=1, keepdims=True)


def index_mixed(x):
    return x[3, 2:, [1, 3]]


def index_fanout(x):
    y = x[::-1, 2:4, :]
    z = x[::-1, 3:5, :]
    return y + z


def r_mixed(x):
    return np.r_[x, C32, x]


def c_mixed(x):
    return np.c_[x, C32, x]


def tied_maximum(x):
    return np.maximum(np.array([x, x, 0.5]), np.array([[x, 0.5, x], [x, x, 0.5]]))


def tied_min_of_rows(x):
    return np.min(np.array([[x, x, x], [x, 0.5, 0.5], [0.5, 0.5, 0.5], [x, x, 0.5]]), axis=0)


def cast_to_int(w):
    rows = np.int64(w[:, -1])
    return w[:, :-1][rows].sum()


def einsum_three(x, y, z):
    return np.einsum('ijk,lji,lli->lki', x, y, z)


def tensordot_two_axes(a, b):
    return np.tensordot(a, b, axes=[(1, 0), (2, 1)])


def trace_offset(x):
    return np.trace(x, offset=1)


def linspace_pair(x, y):
    return np.linspace(x, y, 5)


def linspace_one(x, y):
    return np.linspace(x, y, 1)


def svd_parts(x):
    u, s, v = np.linalg.svd(x, full_matrices=False)
    # (each singular vector times its first entry: the sign NumPy picks cancels)
    return np.sum(np.sin(s)) + np.sum(np.sin(u * u[..., :1, :])) + \
        np.sum(np.sin(v * v[..., :, :1]))


def slogdet_batch(x):
    return np.sum(np.linalg.slogdet(x)[1])


def rfftn_subset(x):
    return np.real(np.fft.rfftn(x)[(0, 1, 0), (3, 3, 2)])


def irfft_of_scaled(x):
    return np.fft.irfft(np.fft.rfft(x) * (1 + 0.5j))


def fft_padded(x):
    y = np.fft.fft2(x, s=[7, 3], axes=[0, 2])
    return np.real(y) + 0.3 * np.imag(y)


def logsumexp_scaled(x):
    return sp.logsumexp(x, b=np.exp(np.linspace(-1.0, 1.0, 12)).reshape(3, 4), axis=0,
                        keepdims=True)


def pad_wrap(x):
    return np.pad(x, ((1, 2), (2, 0)), mode="wrap")


C32 = np.linspace(-1.0, 1.0, 6).reshape(3, 2)


def _w(rng):
    w = rng.standard_normal((5, 10))
    w[:, -1] = np.arange(5) + 0.3
    return w


def _psd_stack(rng):
    m = rng.standard_normal((3, 3, 3))
    return m @ np.swapaxes(m, 1, 2) + 3 * np.eye(3)


PASSED = [
    ("max kept", stat_max_kept, lambda r: (r.standard_normal((3, 4, 5)),), (0,)),
    ("var ddof", _sum_sin(np.var, axis=1, keepdims=True, ddof=2),
     lambda r: (r.standard_normal((3, 4)),), (0,)),
    ("index mixed", index_mixed, lambda r: (r.standard_normal((5, 6, 4)),), (0,)),
    ("index fanout", index_fanout, lambda r: (r.standard_normal((5, 6, 4)),), (0,)),
    ("r_ mixed", r_mixed, lambda r: (r.standard_normal((3, 2)),), (0,)),
    ("c_ mixed", c_mixed, lambda r: (r.standard_normal((3, 2)),), (0,)),
    ("tied maximum", tied_maximum, lambda r: (1.0,), (0,)),
    ("tied min of rows", tied_min_of_rows, lambda r: (-1.0,), (0,)),
    ("cast to int", cast_to_int, lambda r: (_w(r),), (0,)),
    ("einsum three", einsum_three, lambda r: (r.standard_normal((3, 4, 4)),
                                              r.standard_normal((4, 4, 3)),
                                              r.standard_normal((4, 4, 3))), (0, 1, 2)),
    ("tensordot two axes", tensordot_two_axes, lambda r: (r.standard_normal((2, 3, 4)),
                                                          r.standard_normal((2, 2, 3, 4))), (0, 1)),
    ("trace offset", trace_offset, lambda r: (r.standard_normal((4, 5)),), (0,)),
    ("linspace", linspace_pair, lambda r: (1.2, -3.4), (0, 1)),
    ("linspace of one", linspace_one, lambda r: (1.2, 1.2), (0, 1)),
    ("remainder", np.remainder,
     lambda r: (r.uniform(-0.9, 0.9, (2, 3)), r.uniform(0.7, 1.9, 3)), (0, 1)),
    ("logaddexp2", np.logaddexp2,
     lambda r: (r.standard_normal((1, 3)), r.standard_normal((2, 1))), (0, 1)),
    ("svd wide batch", svd_parts, lambda r: (r.standard_normal((2, 3, 5)),), (0,)),
    ("slogdet batch", slogdet_batch, lambda r: (_psd_stack(r),), (0,)),
    ("rfftn subset", rfftn_subset, lambda r: (r.standard_normal((4, 4, 4)) / 10,), (0,)),
    ("irfft", irfft_of_scaled, lambda r: (r.standard_normal((4, 4)) / 10,), (0,)),
    ("fft2 with s", fft_padded, lambda r: (r.standard_normal((5, 5, 5)) / 10,), (0,)),
    ("logsumexp with b", logsumexp_scaled, lambda r: (r.standard_normal((3, 4)),), (0,)),
    ("multigammaln", _sum_sin(sp.multigammaln, 3),
     lambda r: (r.uniform(4.0, 5.0, (2, 3)),), (0,)),
    ("pad wrap", pad_wrap, lambda r: (r.standard_normal((3, 4)),), (0,)),
]


@pytest.mark.parametrize("name, f, make, wrt", PASSED, ids=[p[0] for p in PASSED])
def test_probes_that_passed(name, f, make, wrt, rng):
    args = make(rng)
    for w in wrt:
        check_vjp(f, *args, wrt=w, rng=rng)
        check_jvp(f, *args, wrt=w, rng=rng)


@pytest.mark.parametrize("name, f, make, wrt", PASSED[:16], ids=[p[0] for p in PASSED[:16]])
def test_probes_that_passed_second_order(name, f, make, wrt, rng):
    args = make(rng)
    s = _sum_sin(f)
    for w in wrt:
        check_jvp(s2sad.grad(s, wrt=w), *args, wrt=w, rng=rng, rtol=1e-4, atol=1e-5)


def sin_of_product_slope(x, y):
    return np.sum(np.sin(s2sad.grad(lambda u, v: np.sum(np.sin(u ** v)), wrt=0)(x, y)))


def test_mixed_second_derivative_of_a_power(rng):  # (test_binary_ops: d_fun_0 in y)
    x, y = np.abs(rng.standard_normal((7, 6))) + 1.1, np.round(rng.standard_normal((1, 6)))
    check_grad(sin_of_product_slope, x, y, wrt=(0, 1), rtol=1e-4, atol=1e-5)


def angle_of(z):
    return np.angle(z)


def test_grad_of_a_complex_argument_and_of_its_derivative():  # (test_complex)
    z, e = 0.4 + 0.7j, 1e-6
    dz = s2sad.grad(angle_of)(z)
    along_x = angle_of(z + e) - angle_of(z - e)
    along_y = angle_of(z + 1j * e) - angle_of(z - 1j * e)
    slope = (along_x - 1j * along_y) / (2 * e)  # (autograd's convention: d/dx - i d/dy)
    np.testing.assert_allclose(dz, slope, rtol=1e-6)


def complex_or_sum(x):
    return np.real(x ** 2 if np.iscomplex(x) else np.sum(x))


def test_a_branch_on_iscomplex():  # (test_logic's falseyness)
    assert s2sad.grad(complex_or_sum)(2.0) == 1.0
    np.testing.assert_allclose(s2sad.grad(complex_or_sum)(2.0 + 1j), 2 * (2.0 + 1j), rtol=1e-12)


def three_grads(x):
    a = np.sum(x ** 3)
    b = np.prod(np.sin(x) + np.sin(x))
    c = s2sad.grad(lambda y: np.exp(y) * np.tanh(x[0]))(x[1])
    return np.array([a, b, c])


def test_jacobian_of_stacked_gradients(rng):  # (test_jacobian)
    x = rng.standard_normal(5)
    rows = [numerical_grad(lambda v, i=i: three_grads(v)[i], (x,)) for i in range(3)]
    np.testing.assert_allclose(s2sad.jacobian(three_grads)(x), np.vstack(rows), rtol=1e-5,
                               atol=1e-6)


def slope_of_nested(t):
    g = s2sad.grad(nested_pairs)(t)
    return np.sum(np.sin(g[0][0])) + g[0][1] * np.sum(g[1][1])


def nested_pairs(t):
    return np.sum(np.sin(t[0][0])) * np.sum(t[1][1] ** 2) + t[0][1]


def test_second_derivative_through_nested_tuples(rng):  # (test_tuple)
    t = ((rng.standard_normal(3), 0.5), (rng.standard_normal(2), rng.standard_normal(2)))
    check_grad(slope_of_nested, t, rtol=1e-4, atol=1e-5)
