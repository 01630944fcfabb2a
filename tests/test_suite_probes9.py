"""Probes in the style of other AD tools' own suites (autograd's newest test_linalg:
a function of a tuple output summed item by item, ``sum(f(p) for p in np.linalg.eigh(x))``,
and a helper that branches on ``isinstance(v, tuple)``; helper `suite`, session 46): the
cases that failed on main, three variations each, checked against central differences
in float64 (and a closed form where there is one), both branches of each ``if``."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, numerical_grad

# ----- a loop over a library function's tuple output, differentiated twice: the
# adjoint of the tuple went through iteration_items / items_adjoint, which the compiler
# did not know keep a container, so two adjoints of it were joined with ``+`` (the lists
# concatenated): a silently wrong second derivative of eigh, qr, svd -----


def _sines(v):
    return np.sum(np.sin(v))


def _sum_items(v):
    return sum(_sines(p) for p in v)


def items_of_eigh(x):
    return _sum_items(np.linalg.eigh(x))


def items_of_qr(x):
    return _sum_items(np.linalg.qr(x))


def items_of_svd(x):
    return _sum_items(np.linalg.svd(x))


def _second(f):
    def slope_sines(x):
        return np.sum(np.sin(s2sad.grad(f)(x)))
    return slope_sines


@pytest.mark.parametrize("f", [items_of_eigh, items_of_qr, items_of_svd])
def test_second_derivative_of_the_items_of_a_tuple_output(f, rng):
    x = rng.standard_normal((3, 3))
    check_grad(f, x)
    check_grad(_second(f), x, rtol=1e-4, atol=1e-5)


def test_items_of_a_tuple_output_closed_form(rng):
    """sum(sin(w)) + sum(sin(v)) of eigh: the first item's gradient is
    v diag(cos w) v^T read from the lower triangle (the upper one gets nothing)."""
    a = rng.standard_normal((3, 3))

    def eigenvalue_sines(x):
        return _sum_items(np.linalg.eigh(x)[:1])
    w, v = np.linalg.eigh(a)
    full = v @ np.diag(np.cos(w)) @ v.T
    expected = np.tril(full) + np.tril(full.T, -1)
    np.testing.assert_allclose(s2sad.grad(eigenvalue_sines)(a), expected, atol=1e-12)


# ----- a value bound in one ``if`` and read by item in a loop under a later ``if`` on
# the same flag: its zero adjoint was the stand-in 0.0 (the value may not exist there),
# and add_at(0.0, None, i, g) added g to the number (ValueError out of generated code
# for a matrix; for a vector every item got the sum of the items' adjoints) -----


def pair_in_a_branch(x, flag):
    t = 0.0
    if flag:
        parts = (x * x, x[0])
    if flag:
        for i in range(2):
            t = t + np.sum(np.sin(parts[i]))
    else:
        t = np.sum(x)
    return t


def rows_in_a_branch(x, flag):
    t = 0.0
    if flag:
        y = x * 2.0
    if flag:
        for i in range(3):
            t = t + np.sum(y[i] ** 3)
    else:
        t = np.sum(x)
    return t


def items_in_a_branch(x, flag):
    t = 0.0
    if flag:
        y = np.exp(x)
    if flag:
        for i in range(len(x)):
            t = t + y[i] * (i + 1.0)
    else:
        t = np.sum(x ** 2)
    return t


@pytest.mark.parametrize("f, shape", [(pair_in_a_branch, (3, 3)), (rows_in_a_branch, (3, 2)),
                                      (items_in_a_branch, (4,))])
@pytest.mark.parametrize("flag", [True, False])
def test_a_value_bound_in_a_branch_read_by_item_in_a_later_one(f, shape, flag, rng):
    check_grad(f, rng.standard_normal(shape), flag)


def test_items_bound_in_a_branch_closed_form(rng):
    x = rng.standard_normal(4)
    np.testing.assert_allclose(s2sad.grad(items_in_a_branch)(x, True),
                               np.exp(x) * np.arange(1.0, 5.0))
    np.testing.assert_allclose(s2sad.grad(items_in_a_branch)(x, False), 2 * x)


def _either(v):
    if isinstance(v, tuple):
        return sum(_sines(p) for p in v)
    return _sines(v)


def tuple_either(x):
    return _either((x * x, x[0]))


def inverse_either(x):
    return _either((np.linalg.inv(x), x))


def array_either(x):
    return _either(x * x)


@pytest.mark.parametrize("f", [tuple_either, inverse_either, array_either])
def test_second_derivative_through_a_branch_on_isinstance(f, rng):
    x = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    check_grad(f, x)
    slope = _second(f)
    np.testing.assert_allclose(s2sad.grad(slope)(x), numerical_grad(slope, (x,)),
                               rtol=1e-4, atol=1e-5)


# ----- grad of a truth value (autograd's test_logic.test_nograd, JAX's grad of a bool
# output): returned zeros; now a TypeError (OutputKindError), as those tools raise -----


def all_close(x):
    return np.allclose(x, (x * 3.0) / 3.0)


def total_positive(x):
    return np.sum(x) > 0


def all_positive(x):
    return bool(np.all(x > 0))


@pytest.mark.parametrize("f", [all_close, total_positive, all_positive])
def test_grad_of_a_truth_value_is_a_type_error(f):
    x = np.array([1.0, 2.0, 3.0])
    for _ in range(2):  # (the second call would run the lean variant)
        with pytest.raises(TypeError, match="truth value"):
            s2sad.grad(f)(x)
    with pytest.raises(s2sad.DifferentiationError, match="truth value"):
        s2sad.value_and_grad(f)(x)


def number_from_a_truth(x):
    return float(np.sum(x) > 0) * np.sum(x ** 2)


def test_a_number_made_from_a_truth_value_is_differentiated(rng):
    x = np.abs(rng.standard_normal(3))
    np.testing.assert_allclose(check_grad(number_from_a_truth, x), 2 * x)
    np.testing.assert_allclose(check_grad(number_from_a_truth, -x), 0 * x)


# ----- a jacobian of a jacobian of a jacobian (autograd's test_jacobian_higher_order
# has it, commented out): a bare KeyError out of jacobian's __wrapped__ (inspect read it
# before the first call made the derivative); now refused, naming the user's function.
# Written inside a function of the user's, the third level is made -----


def _outer_waves(x):
    return np.sin(np.outer(x, x)) + np.cos(np.dot(x, x))


def _waves_total(x):
    return np.sum(_outer_waves(x))


@pytest.mark.parametrize("make", [
    lambda: s2sad.jacobian(s2sad.jacobian(s2sad.jacobian(_outer_waves))),
    lambda: s2sad.hessian(s2sad.hessian(_waves_total)),
    lambda: s2sad.jacobian(s2sad.hessian(_waves_total)),
])
def test_a_third_derivative_of_derivatives_is_refused_at_the_users_function(make, rng):
    with pytest.raises(s2sad.DifferentiationError, match="test_suite_probes9.py"):
        make()(rng.standard_normal(2))


def test_a_jacobian_not_yet_called_has_a_signature():
    import inspect
    inspect.signature(s2sad.jacobian(s2sad.jacobian(_outer_waves)))  # (no KeyError)


def _second_jacobian(x):
    return s2sad.jacobian(s2sad.jacobian(_outer_waves))(x)


def test_a_third_derivative_through_a_function_of_the_users(rng):
    x = rng.standard_normal(2)
    third = s2sad.jacobian(_second_jacobian)(x)
    assert third.shape == (2,) * 5
    eps = 1e-5
    for k in range(2):
        e = np.zeros(2)
        e[k] = eps
        column = (_second_jacobian(x + e) - _second_jacobian(x - e)) / (2 * eps)
        np.testing.assert_allclose(third[..., k], column, rtol=1e-5, atol=1e-6)


# ----- a second derivative by grad of grad through a function chosen at run time
# (getattr(st.chi2, "pdf"), a dict of functions, an if): refused, but the message told
# the user to register a rule for s2sad.dynamic_calls.reverse, s2sad's own helper; now it
# says what it is and what works (the hessian, forward over reverse, is checked here) -----

_ACTS = {"tanh": np.tanh, "sin": np.sin}


def _chi2_by_getattr(x):
    import scipy.stats as st
    return np.sum(getattr(st.chi2, "pdf")(x, 2))  # noqa: B009 (the spelling under test)


def _act_by_key(x, name):
    return np.sum(_ACTS[name](x) ** 2)


def _act_by_if(x, c=True):
    act = np.tanh if c else np.sin
    return np.sum(act(x) ** 2)


@pytest.mark.parametrize("f, extra", [(_chi2_by_getattr, ()), (_act_by_key, ("tanh",)),
                                      (_act_by_if, (False,))])
def test_grad_of_grad_through_a_function_chosen_at_run_time(f, extra):
    x = np.array([0.5, 1.2, 2.0])

    def slope_sines(y, *rest):
        return np.sum(np.sin(s2sad.grad(f)(y, *rest)))
    with pytest.raises(s2sad.DifferentiationError, match="s2sad.hessian") as info:
        s2sad.grad(slope_sines)(x, *extra)
    assert "defvjp(reverse)" not in str(info.value)
    columns = [numerical_grad(lambda y, k=k: s2sad.grad(f)(y, *extra)[k], (x,))
               for k in range(3)]
    np.testing.assert_allclose(s2sad.hessian(f)(x, *extra), np.array(columns), rtol=1e-5,
                               atol=1e-6)


# ----- second derivatives of np.linalg.norm at a complex value (autograd's newest
# test_linalg checks them, order 2: vector 2-norm, Frobenius with and without axes, ord
# 2..4, axis 0..2, the nuclear norm): were refused; now through the moduli (the nuclear
# norm: the tangent of its polar factor U V^H), grad of grad and jvp of grad against
# differences (complex convention: d/dre - i d/dim) -----


def _complex_fd_grad(f, z, eps=1e-6):
    out = np.zeros(z.shape, dtype=complex)
    for k in np.ndindex(z.shape):
        e = np.zeros(z.shape)
        e[k] = eps
        re = (f(z + e) - f(z - e)) / (2 * eps)
        im = (f(z + 1j * e) - f(z - 1j * e)) / (2 * eps)
        out[k] = re - 1j * im
    return out


def norm_2(z):
    return np.linalg.norm(z)


def norm_3_axis(z):
    return np.sum(np.linalg.norm(z, ord=3, axis=1))


def norm_fro_axes(z):
    return np.sum(np.linalg.norm(z, axis=(0, 2)) ** 1.5)


def nuclear_axes(z):
    return np.sum(np.linalg.norm(z, "nuc", axis=(2, 0)) ** 2)


@pytest.mark.parametrize("f, shape", [(norm_2, (5,)), (norm_3_axis, (3, 4)),
                                      (norm_fro_axes, (3, 2, 4)), (nuclear_axes, (4, 2, 3))])
def test_second_derivative_of_a_norm_at_a_complex_value(f, shape, rng):
    z = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)

    def slope_sines(y):
        return np.sum(np.sin(np.real(s2sad.grad(f)(y))) + np.cos(np.imag(s2sad.grad(f)(y))))
    np.testing.assert_allclose(s2sad.grad(f)(z), _complex_fd_grad(f, z), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(s2sad.grad(slope_sines)(z), _complex_fd_grad(slope_sines, z),
                               rtol=1e-4, atol=1e-6)
    dz = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    gradient = s2sad.grad(f)
    tangent = s2sad.jvp(gradient)(z, dz)[1]
    eps = 1e-6
    np.testing.assert_allclose(tangent, (gradient(z + eps * dz) - gradient(z - eps * dz)) /
                               (2 * eps), rtol=1e-5, atol=1e-7)


def test_second_derivative_of_the_complex_2_norm_closed_form(rng):
    """||z|| as a function of (a, b): its gradient conj(z) / n, and the derivative of that
    along dz is (conj(dz) - conj(z) Re(conj(z) . dz) / n^2) / n."""
    z = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    dz = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    n = np.linalg.norm(z)
    expected = (np.conj(dz) - np.conj(z) * np.real(np.vdot(z, dz)) / n ** 2) / n
    np.testing.assert_allclose(s2sad.jvp(s2sad.grad(norm_2))(z, dz)[1], expected, rtol=1e-12)


@pytest.mark.parametrize("ord, axis", [(-2, None), (np.inf, None), (2, (0, 1))])
def test_second_derivatives_of_max_and_singular_value_norms_stay_refused(ord, axis, rng):
    z = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))

    def norm_of(y):
        return np.linalg.norm(y, ord=ord, axis=axis)
    with pytest.raises(s2sad.DifferentiationError, match="complex value"):
        s2sad.jvp(s2sad.grad(norm_of))(z, z)


# ----- eigh / eigvalsh of a complex matrix (autograd's test_eigvalh_lower_complex and
# upper: a random complex matrix, of which LAPACK reads one triangle as Hermitian, the
# eigenvectors' phase removed by np.abs): were refused; now the Hermitian read's adjoint
# (g_ij + conj(g_ji) in the triangle read, the diagonal's real part), both modes -----


def _complex_sines(v):
    return np.sum(np.sin(np.real(v)) + 0.7 * np.cos(np.imag(v)))


def eigh_lower_parts(z):
    w, v = np.linalg.eigh(z)
    return _complex_sines(w) + _complex_sines(np.abs(v))


def eigh_upper_parts(z):
    w, v = np.linalg.eigh(z, "U")
    return _complex_sines(w) + _complex_sines(np.abs(v))


def eigvalsh_squares(z):
    return np.sum(np.linalg.eigvalsh(z) ** 2)


@pytest.mark.parametrize("f", [eigh_lower_parts, eigh_upper_parts, eigvalsh_squares])
def test_eigh_of_a_complex_matrix(f, rng):
    z = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    np.testing.assert_allclose(s2sad.grad(f)(z), _complex_fd_grad(f, z), rtol=1e-5, atol=1e-7)

    def slope_sines(y):
        return _complex_sines(s2sad.grad(f)(y))
    np.testing.assert_allclose(s2sad.grad(slope_sines)(z), _complex_fd_grad(slope_sines, z),
                               rtol=1e-4, atol=1e-6)
    dz = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    eps = 1e-6
    np.testing.assert_allclose(s2sad.jvp(f)(z, dz)[1],
                               (f(z + eps * dz) - f(z - eps * dz)) / (2 * eps), rtol=1e-5)


def test_eigvalsh_of_a_complex_matrix_closed_form(rng):
    """sum(w): the trace of the Hermitian matrix read, Re of the diagonal: its gradient is
    the identity, nothing off the diagonal (d/dre - i d/dim)."""
    z = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))

    def total(y):
        return np.sum(np.linalg.eigvalsh(y))
    np.testing.assert_allclose(s2sad.grad(total)(z), np.eye(3), atol=1e-12)


# ----- svd of a complex matrix with its vectors (autograd's test_svd_*_complex: wide,
# square, tall, stacked, their phases removed by np.abs; and the singular values alone,
# to order 2): were refused; now the reduced factors' adjoint with conjugates and the
# phase term i Im(U^T g_U)_jj / s_j.  Full factors of a matrix not square stay refused -----


def svd_parts(z):
    u, s, vh = np.linalg.svd(z, full_matrices=False)
    return _complex_sines(np.abs(u)) + _complex_sines(s) + _complex_sines(np.abs(vh))


def singular_values(z):
    return _complex_sines(np.linalg.svd(z, compute_uv=False))


@pytest.mark.parametrize("f", [svd_parts, singular_values])
@pytest.mark.parametrize("shape", [(2, 4), (3, 3), (2, 4, 3)])
def test_svd_of_a_complex_matrix(f, shape, rng):
    z = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    np.testing.assert_allclose(s2sad.grad(f)(z), _complex_fd_grad(f, z), rtol=1e-5, atol=1e-7)

    def slope_sines(y):
        return _complex_sines(s2sad.grad(f)(y))
    np.testing.assert_allclose(s2sad.grad(slope_sines)(z), _complex_fd_grad(slope_sines, z),
                               rtol=1e-4, atol=1e-6)


def test_sum_of_singular_values_of_a_complex_matrix_closed_form(rng):
    """The nuclear norm's gradient is U Vh, conjugated (d/dre - i d/dim)."""
    z = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
    u, _, vh = np.linalg.svd(z, full_matrices=False)

    def nuclear(y):
        u, s, vh = np.linalg.svd(y, full_matrices=False)
        return np.sum(s) + 0.0 * np.sum(np.abs(u))  # (through the vectors' adjoint too)
    np.testing.assert_allclose(s2sad.grad(nuclear)(z), np.conj(u @ vh), atol=1e-10)


def test_full_complex_factors_of_a_matrix_not_square_stay_refused(rng):
    z = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))

    def full_vectors(y):
        u, s, vh = np.linalg.svd(y)
        return np.sum(np.abs(u)) + np.sum(np.abs(vh))
    with pytest.raises(s2sad.DifferentiationError, match="complex value"):
        s2sad.grad(full_vectors)(z)
