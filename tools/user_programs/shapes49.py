# ruff: noqa
"""Users' programs of session 49 (helper `users`): the shapes autograd's test_numpy and
test_linalg try that ordinary code rarely does: products of 3-D arrays (np.dot, np.inner,
np.outer of matrices, np.kron of matrices, tensordot with axes=0), linear algebra with
broadcast operands (a stack solved against one right-hand side, a stack of one), singular
and negative-determinant matrices, a 1-element axis, empty-ish and size-1 arrays, float32
and int inputs mixed into float64 code.

    python tools/user_programs/run.py shapes49
"""
import numpy as np

CASES = []
RNG = np.random.default_rng(4953)


def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def dot3(a, b):
    return np.dot(a, b)
reg(dot3, (RNG.standard_normal((2, 3, 4)), RNG.standard_normal((5, 4, 2))), wrt=(0, 1))

def dot_vec3(a, b):
    return np.dot(a, b)
reg(dot_vec3, (RNG.standard_normal((2, 3, 4)), RNG.standard_normal(4)), wrt=(0, 1))

def inner3(a, b):
    return np.inner(a, b)
reg(inner3, (RNG.standard_normal((2, 3)), RNG.standard_normal((4, 2, 3))), wrt=(0, 1))

def outer_mats(a, b):
    return np.outer(a, b)
reg(outer_mats, (RNG.standard_normal((2, 2)), RNG.standard_normal((3, 1))), wrt=(0, 1))

def kron_mats(a, b):
    return np.kron(a, b)
reg(kron_mats, (RNG.standard_normal((2, 3)), RNG.standard_normal((2, 2))), wrt=(0, 1))

def kron_3d(a, b):
    return np.kron(a, b)
reg(kron_3d, (RNG.standard_normal((2, 1, 2)), RNG.standard_normal((2, 2))), wrt=(0, 1))

def tensordot0(a, b):
    return np.tensordot(a, b, axes=0)
reg(tensordot0, (RNG.standard_normal((2, 3)), RNG.standard_normal(2)), wrt=(0, 1))

def tensordot_lists(a, b):
    return np.tensordot(a, b, axes=[[0, 2], [1, 0]])
reg(tensordot_lists, (RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 2, 5))), wrt=(0, 1))

def matmul_broadcast(a, b):
    return np.matmul(a, b)
reg(matmul_broadcast, (RNG.standard_normal((2, 1, 3, 4)), RNG.standard_normal((5, 4, 2))), wrt=(0, 1))

def matmul_vec_left(a, b):
    return a @ b
reg(matmul_vec_left, (RNG.standard_normal(3), RNG.standard_normal((2, 3, 4))), wrt=(0, 1))

def matmul_vec_right(a, b):
    return a @ b
reg(matmul_vec_right, (RNG.standard_normal((2, 3, 4)), RNG.standard_normal(4)), wrt=(0, 1))

def solve_broadcast_rhs(a, b):
    return np.linalg.solve(a, b)
reg(solve_broadcast_rhs, (RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3), RNG.standard_normal((3, 1))), wrt=(0, 1))

def solve_broadcast_lhs(a, b):
    return np.linalg.solve(a, b)
reg(solve_broadcast_lhs, (RNG.standard_normal((3, 3)) + 3 * np.eye(3), RNG.standard_normal((2, 3, 2))), wrt=(0, 1))

def solve_stack_of_one(a, b):
    return np.linalg.solve(a, b)
reg(solve_stack_of_one, (RNG.standard_normal((1, 3, 3)) + 3 * np.eye(3), RNG.standard_normal((4, 3, 2))), wrt=(0, 1))

def det_singular(a):
    return np.linalg.det(a)
reg(det_singular, (np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, -1.0, 2.0]]),), hess=True)

def det_rank_deficient2(a):
    return np.linalg.det(a)
reg(det_rank_deficient2, (np.outer([1.0, 2.0, 0.5], [0.3, -1.0, 2.0]),))

def slogdet_negative(a):
    s, l = np.linalg.slogdet(a)
    return s * l + l ** 2
reg(slogdet_negative, (np.array([[0.0, 2.0, 0.1], [1.0, 0.3, 0.0], [0.2, 0.0, 1.5]]),), hess=True)

def inv_of_1x1(a):
    return np.linalg.inv(a)
reg(inv_of_1x1, (np.array([[2.5]]),))

def det_of_stack_1x1(a):
    return np.linalg.det(a)
reg(det_of_stack_1x1, (np.array([[[2.5]], [[-0.3]]]),))

def eigh_1x1(a):
    return np.linalg.eigh(a)[0]
reg(eigh_1x1, (np.array([[1.5]]),))

def cholesky_stack(a):
    return np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + np.eye(2))
reg(cholesky_stack, (RNG.standard_normal((3, 2, 2)),))

def size_one_axes(x):
    return np.sum(x, axis=1)[..., 0] * np.mean(x, axis=(1, 3), keepdims=True)[:, 0, :, 0] + np.squeeze(x, axis=(1, 3))
reg(size_one_axes, (RNG.standard_normal((2, 1, 3, 1)),))

def single_element(x):
    return np.max(x) * np.min(x) + np.std(x + 1.0) + np.linalg.norm(x) + np.prod(x)
reg(single_element, (np.array([0.7]),), hess=True)

def float32_input(x):
    y = x.astype(np.float64)
    return np.sum(y ** 2) + np.sum(np.float64(x[0]) * y)
reg(float32_input, (RNG.standard_normal(3).astype(np.float32).astype(np.float64),))

def int_data_float_param(w, counts):
    return np.sum(counts * np.log(w) - w)
reg(int_data_float_param, (np.array([0.5, 1.5, 2.0]), np.array([1, 3, 2])))

def bool_mask_param(w, mask):
    return np.sum(w[mask] ** 2) + np.sum(np.where(mask, w, -w))
reg(bool_mask_param, (np.array([0.5, -1.5, 2.0]), np.array([True, False, True])))

def zero_d_array(x):
    y = np.asarray(x * 2.0)
    return np.sin(y) * np.ndim(y) + y[()] ** 2
reg(zero_d_array, (0.3,))

def cross_2d(a, b):
    return np.cross(a, b)
reg(cross_2d, (RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))), wrt=(0, 1))

def cross_axis(a, b):
    return np.cross(a, b, axisa=0, axisb=0)
reg(cross_axis, (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))), wrt=(0, 1))

def diag_neg_k(v):
    return np.diag(v, k=-2) @ np.ones(5)
reg(diag_neg_k, (RNG.standard_normal(3),))

def trace_3d(x):
    return np.trace(x) + np.trace(x, axis1=0, axis2=2)
reg(trace_3d, (RNG.standard_normal((3, 3, 3)),))

def flips(x):
    return np.fliplr(x) * 2 + np.flipud(x) + np.rot90(x, 3) .T
reg(flips, (RNG.standard_normal((3, 3)),))

def var_ddof_keep(x):
    return np.var(x, axis=(0, 2), ddof=2, keepdims=True) * np.std(x, axis=-1, ddof=1, keepdims=True)
reg(var_ddof_keep, (RNG.standard_normal((2, 3, 4)),))

def broadcast_arrays_fn(a, b):
    p, q = np.broadcast_arrays(a, b)
    return p * q + p
reg(broadcast_arrays_fn, (RNG.standard_normal((3, 1)), RNG.standard_normal(4)), wrt=(0, 1))

def atleast(a, b):
    x, y = np.atleast_2d(a, b)
    return (x.T @ y).sum() + np.atleast_1d(a[0]).sum()
reg(atleast, (RNG.standard_normal(3), RNG.standard_normal(3)), wrt=(0, 1))

def complex_abs_grad(x):
    z = np.array([x[0] + 1j * x[1], x[2] - 2j * x[0]])
    return np.sum(np.abs(z) ** 3) + np.real(np.vdot(z, z))
reg(complex_abs_grad, (RNG.standard_normal(3),), hess=True)

def unwrap_angle(x):
    return np.unwrap(np.cumsum(x)) * np.sinc(x)
reg(unwrap_angle, (np.array([0.5, 3.0, 2.9, 3.5]),))
