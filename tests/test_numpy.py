"""NumPy arrays: ufuncs, broadcasting, reductions (functions and methods, axis
and keepdims), shapes, indexing and joining.

Vector-valued functions are checked in reverse mode (a random cotangent) and
forward mode; a scalar loss through ``grad`` as well."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import both_modes, check_grad, check_jvp, normal, pos, unit

# -------------------------------------------------------------------- ufuncs

def u_sin(x):
    return np.sin(x)


def u_cos(x):
    return np.cos(x)


def u_tan(x):
    return np.tan(x)


def u_exp(x):
    return np.exp(x)


def u_log(x):
    return np.log(x)


def u_sqrt(x):
    return np.sqrt(x)


def u_tanh(x):
    return np.tanh(x)


def u_arcsin(x):
    return np.arcsin(x)


def u_arctan(x):
    return np.arctan(x)


def u_abs(x):
    return np.abs(x)


def u_square(x):
    return np.square(x)


def u_log1p_expm1(x):
    return np.log1p(x) + np.expm1(x)


def u_sinh_cosh(x):
    return np.sinh(x) * np.cosh(x)


def u_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def u_relu(x):
    return np.maximum(x, 0.0)


def u_minimum(x, y):
    return np.minimum(x, y)


def u_power(x, y):
    return np.power(x, y)


def u_where(x, y):
    return np.where(x > 1.0, x * y, y - x)


def u_operators(x, y):
    return (x * y - x / y + 2.0) ** 2 - x ** 3


# ------------------------------------------------------------- broadcasting

def bc_row(x, b):
    return x + b


def bc_outer(x, y):
    return x * y


def bc_scalar(a, x):
    return a * x + a


def bc_rank(x, y):
    return x / y


# --------------------------------------------------------------- reductions

def r_sum_axis0(x):
    return np.sum(x, axis=0)


def r_sum_keepdims(x):
    return np.sum(x, axis=1, keepdims=True) * x


def r_sum_tuple_axes(x):
    return np.sum(x, axis=(0, 2))


def r_mean(x):
    return np.mean(x, axis=-1)


def r_max(x):
    return np.max(x, axis=1)


def r_min_all(x):
    return np.min(x) * x


def r_prod(x):
    return np.prod(x, axis=0)


def r_methods(x):
    return x.sum(axis=0) + x.mean(axis=0) * x.max(axis=0)


def r_method_keepdims(x):
    return x - x.mean(axis=1, keepdims=True)


def r_var(x):
    return np.var(x, axis=0)


# --------------------------------------------------------- shapes, indexing

def s_transpose(x):
    return x.T @ np.sin(x)


def s_np_transpose(x):
    return np.transpose(x, (2, 0, 1)) * 2.0


def s_reshape(x):
    return np.reshape(x, (2, 6)) * x.reshape(-1)[:6].reshape(1, 6)


def s_ravel(x):
    return np.cos(x.ravel())


def s_expand(x):
    return x[:, None] * x[None, :]


def i_row_col(x):
    return x[0] * x[:, 1]


def i_slices(x):
    return x[1:3, ::-2] + x[-2:, :3] * x[0, 0]


def i_fancy_repeat(x):
    return x[[0, 0, 2, 1]] ** 2


def i_mask(x):
    return x[x > 0.0] * 3.0


def i_ellipsis(x):
    return x[..., 1] + x[0, ...]


def j_concatenate(x, y):
    return np.concatenate([x, y * 2.0])


def j_concatenate_axis1(x, y):
    return np.concatenate((x, np.sin(y)), axis=1)


def j_stack(x, y):
    return np.stack([x, x * y, y], axis=1)


def j_hstack_vstack(x, y):
    return np.vstack([x, y]) + np.hstack([y, x]).reshape(2, -1)


VECTOR_CASES = [
    (u_sin, lambda r: (normal(r, 5),), 0),
    (u_cos, lambda r: (normal(r, 2, 3),), 0),
    (u_tan, lambda r: (unit(r, 5),), 0),
    (u_exp, lambda r: (normal(r, 5),), 0),
    (u_log, lambda r: (pos(r, 5),), 0),
    (u_sqrt, lambda r: (pos(r, 5),), 0),
    (u_tanh, lambda r: (normal(r, 5),), 0),
    (u_arcsin, lambda r: (unit(r, 5),), 0),
    (u_arctan, lambda r: (normal(r, 5),), 0),
    (u_abs, lambda r: (pos(r, 5) * np.array([1, -1, 1, -1, 1]),), 0),
    (u_square, lambda r: (normal(r, 5),), 0),
    (u_log1p_expm1, lambda r: (pos(r, 5),), 0),
    (u_sinh_cosh, lambda r: (normal(r, 5),), 0),
    (u_sigmoid, lambda r: (normal(r, 5),), 0),
    (u_relu, lambda r: (np.array([-1.5, -0.3, 0.4, 2.0]),), 0),
    (u_minimum, lambda r: (np.array([1.0, 2.0, 3.0]), np.array([2.5, 0.5, 3.5])), (0, 1)),
    (u_power, lambda r: (pos(r, 4), normal(r, 4)), (0, 1)),
    (u_where, lambda r: (np.array([0.5, 1.5, 0.2, 3.0]), normal(r, 4)), (0, 1)),
    (u_operators, lambda r: (normal(r, 4), pos(r, 4)), (0, 1)),
    (bc_row, lambda r: (normal(r, 3, 4), normal(r, 4)), (0, 1)),
    (bc_outer, lambda r: (normal(r, 3, 1), normal(r, 1, 4)), (0, 1)),
    (bc_scalar, lambda r: (1.7, normal(r, 2, 3)), (0, 1)),
    (bc_scalar, lambda r: (np.array(1.7), normal(r, 2, 3)), (0, 1)),
    (bc_rank, lambda r: (normal(r, 2, 3, 4), pos(r, 3, 1)), (0, 1)),
    (r_sum_axis0, lambda r: (normal(r, 3, 4),), 0),
    (r_sum_keepdims, lambda r: (normal(r, 3, 4),), 0),
    (r_sum_tuple_axes, lambda r: (normal(r, 2, 3, 4),), 0),
    (r_mean, lambda r: (normal(r, 3, 4),), 0),
    (r_max, lambda r: (normal(r, 3, 4),), 0),
    (r_min_all, lambda r: (normal(r, 3, 4),), 0),
    (r_prod, lambda r: (pos(r, 3, 4),), 0),
    (r_methods, lambda r: (normal(r, 3, 4),), 0),
    (r_method_keepdims, lambda r: (normal(r, 3, 4),), 0),
    (r_var, lambda r: (normal(r, 5, 2),), 0),
    (s_transpose, lambda r: (normal(r, 3, 4),), 0),
    (s_np_transpose, lambda r: (normal(r, 2, 3, 4),), 0),
    (s_reshape, lambda r: (normal(r, 3, 4),), 0),
    (s_ravel, lambda r: (normal(r, 3, 4),), 0),
    (s_expand, lambda r: (normal(r, 4),), 0),
    (i_row_col, lambda r: (normal(r, 3, 3),), 0),
    (i_slices, lambda r: (normal(r, 4, 5),), 0),
    (i_fancy_repeat, lambda r: (normal(r, 4),), 0),
    (i_mask, lambda r: (np.array([1.0, -2.0, 0.5, -0.1, 3.0]),), 0),
    (i_ellipsis, lambda r: (normal(r, 2, 2),), 0),
    (j_concatenate, lambda r: (normal(r, 3), normal(r, 2)), (0, 1)),
    (j_concatenate_axis1, lambda r: (normal(r, 2, 3), normal(r, 2, 1)), (0, 1)),
    (j_stack, lambda r: (normal(r, 3), normal(r, 3)), (0, 1)),
    (j_hstack_vstack, lambda r: (normal(r, 3), normal(r, 3)), (0, 1)),
]
test_reverse_mode, test_forward_mode = both_modes(VECTOR_CASES)


def summed(x):
    return np.sum(np.sin(x) * x)


def test_full_gradient_of_a_reduction(rng):
    x = normal(rng, 3, 4)
    g = check_grad(summed, x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-10, atol=1e-12)


def loss_reductions(x):
    col = np.sum(x, axis=0)
    row = x.sum(axis=1, keepdims=True)
    return np.mean(col ** 2) + x.max() * np.sum(row * x) - x.T.mean()


def loss_broadcast(x, b, s):
    return np.sum(np.tanh(x * s + b) ** 2)


def loss_indexing(x):
    return x[0, 1] * x[2, 0] + np.sum(x[1] ** 2) + np.sum(x[:, -1] * x[:, 0])


SCALAR_CASES = [
    (loss_reductions, lambda r: (normal(r, 3, 4),), 0),
    (loss_broadcast, lambda r: (normal(r, 3, 4), normal(r, 4), 0.7), (0, 1, 2)),
    (loss_indexing, lambda r: (normal(r, 3, 3),), 0),
]


@pytest.mark.parametrize("f, make_args, wrt", SCALAR_CASES,
                         ids=[c[0].__name__ for c in SCALAR_CASES])
def test_grad_of_scalar_loss(f, make_args, wrt, rng):
    check_grad(f, *make_args(rng), wrt=wrt)


def sum_below_one(x):
    mask = x > 1.0
    return np.sum(x[~mask] ** 2)


def test_inverted_mask():
    x = np.array([0.5, 2.0, -0.3])
    g = check_grad(sum_below_one, x)
    np.testing.assert_allclose(g, np.where(x > 1.0, 0.0, 2 * x))


# ----- complex values inside a real function: the gradient is real -----

def _phase_sum(x):
    return np.sum(np.real(np.exp(1j * x) * x))


def _modulus(x):
    return np.sum(np.abs(np.exp(1j * x) + 2.0))


def _imag_part(x):
    return np.sum(np.imag(np.exp(1j * x)) * x)


def _fourier_energy(x):
    s = 0.0
    for k in range(3):
        s = s + np.abs(np.sum(x * np.exp(-2j * np.pi * k * np.arange(x.shape[0]) / 4))) ** 2
    return s


@pytest.mark.parametrize("fn", [_phase_sum, _modulus, _imag_part, _fourier_energy])
def test_complex_intermediates_give_real_gradients(fn, rng) -> None:
    x = rng.standard_normal(4)
    g = check_grad(fn, x)
    assert g.dtype == np.float64
    check_jvp(fn, x)


def test_complex_intermediates_of_numbers() -> None:
    g = s2sad.grad(_modulus_of_number)(0.3)
    expected = -2 * math.sin(0.3) / math.sqrt(5 + 4 * math.cos(0.3))  # |e^{ix} + 2|'
    assert type(g) is float and math.isclose(g, expected)


def _modulus_of_number(x):
    return np.abs(np.exp(1j * x) + 2.0)


def test_einsum_given_itself_in_the_sublist_form():
    """s2sad.vjp(np.einsum) / jvp on the interleaved form: the sublists are constants
    written into the call (they used to be taken for the subscripts string)."""
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    tA, tB = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    _, t = s2sad.jvp(np.einsum, wrt=(0, 2))(A, (0, 1), B, (1, 2), (0, 2), tA, tB)
    np.testing.assert_allclose(t, tA @ B + A @ tB, rtol=1e-12)
    _, t = s2sad.jvp(np.einsum, wrt=0)(A, (0, 1), (1, 0), tA)
    np.testing.assert_allclose(t, tA.T)
    ct = rng.normal(size=(2, 4))
    _, (gA, gB) = s2sad.vjp(np.einsum, wrt=(0, 2))(A, (0, 1), B, (1, 2), (0, 2), ct)
    np.testing.assert_allclose(gA, ct @ B.T, rtol=1e-12)
    np.testing.assert_allclose(gB, A.T @ ct, rtol=1e-12)
    g = s2sad.grad(np.einsum, wrt=0)(np.arange(3.0), (0,), np.ones(3), (0,), ())
    np.testing.assert_allclose(g, np.ones(3))


def rolled(a):
    return np.sum(np.rollaxis(a, 2, 0) * np.arange(24.0).reshape(4, 2, 3))


def test_rollaxis_and_flat_ufuncs_given_themselves():
    a = np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)
    np.testing.assert_allclose(s2sad.grad(rolled)(a),
                               np.moveaxis(np.arange(24.0).reshape(4, 2, 3), 0, 2))
    for flat in (np.sign, np.ceil, np.floor):
        _, (g,) = s2sad.vjp(flat, wrt=(0,))(np.array([0.3, -1.7]), np.ones(2))
        np.testing.assert_array_equal(g, 0.0)


def einsum_held(a, s0, b, s1, out):
    return np.einsum(a, s0, b, s1, out)


def test_einsum_sublists_held_in_variables():
    """The sublists arrive as arguments (a wrapper def): first derivatives read the call
    as NumPy does; second derivatives are refused, never wrong."""
    rng = np.random.default_rng(5)
    A, B, ct = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(2, 4))
    _, (gA, gB) = s2sad.vjp(einsum_held, wrt=(0, 2))(A, (0, 1), B, (1, 2), (0, 2), ct)
    np.testing.assert_allclose(gA, ct @ B.T, rtol=1e-12)
    np.testing.assert_allclose(gB, A.T @ ct, rtol=1e-12)
    _, (g0,) = s2sad.vjp(einsum_held, wrt=(0,))(A, (0, 1), B, (1, 2), (0, 2), ct)
    np.testing.assert_allclose(g0, ct @ B.T, rtol=1e-12)
    tA, tB = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    _, t = s2sad.jvp(einsum_held, wrt=(0, 2))(A, (0, 1), B, (1, 2), (0, 2), tA, tB)
    np.testing.assert_allclose(t, tA @ B + A @ tB, rtol=1e-12)
    X, Y = rng.normal(size=(5, 2, 3)), rng.normal(size=(5, 3, 4))
    _, t = s2sad.jvp(einsum_held, wrt=0)(X, (..., 0, 1), Y, (..., 1, 2), (..., 0, 2), X)
    np.testing.assert_allclose(t, X @ Y, rtol=1e-12)
    vjp = s2sad.vjp(einsum_held, wrt=(0, 2))
    with pytest.raises(s2sad.DifferentiationError, match="sublists held in variables"):
        s2sad.vjp(vjp, wrt=(0,))(A, (0, 1), B, (1, 2), (0, 2), ct,
                                 (np.zeros((2, 4)), (np.zeros((2, 3)), np.ones((3, 4)))))
