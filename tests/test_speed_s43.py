"""Session 43 speed fixes, each checked against central differences (and on the
generated source, that the mechanism took):

* ``(c * b) * b`` (Python's reading of ``0.5 * u * u``) differentiated as one term into
  ``b``, ``2c g b``, and ``c * b`` not kept for the reverse sweep
  (``compiler/scaled_squares.py``);
* a negation moved out of ``np.roll`` and the other NumPy functions that move or sum
  elements, ``np.negative`` of a literal folded (``algebra_terms.negated``);
* a vector the function fills element by element, read element by element after its
  last write, read as Python floats from there (``compiler/final_floats.py``).
"""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, grad_source

# ----- (c * b) * b -----


def upwind_flux(u, c):
    flux = np.where(c > 0.0, 0.5 * u * u, 0.3 * c * c)
    return np.sum(flux * u)


def scaled_square_loop(u, w):
    for _ in range(3):
        v = 0.5 * u * u
        u = np.sin(v) * w
    return np.sum(u)


def number_square(x, k):
    total = 0.0
    for i in range(x.shape[0]):
        e = 1.5 * x[i] * x[i] - k * x[i]
        total = total + e * e
    return total


def square_times_scale(u):
    kinetic = u * 0.25 * u  # (u * 0.25) * u
    return np.sum(np.exp(-kinetic))


def scaled_then_changed(u):
    a = 2.0 * u
    u = u + 1.0  # a new u: the product reads another value
    return np.sum(a * u)


U = np.array([0.3, -0.7, 0.5, 1.1, -0.2])
C = np.array([1.0, -2.0, 0.5, -0.1, 0.3])


@pytest.mark.parametrize("f, args, wrt", [
    (upwind_flux, (U, C), (0, 1)),
    (scaled_square_loop, (U, 0.9), (0, 1)),
    (number_square, (U, 0.4), (0, 1)),
    (square_times_scale, (U,), 0),
    (scaled_then_changed, (U,), 0),
])
def test_scaled_squares_against_differences(f, args, wrt):
    check_grad(f, *args, wrt=wrt)


def test_scaled_square_one_term_no_tape():
    src = grad_source(scaled_square_loop, U, 0.9)
    assert "* mul" not in src and "stack.append((mul" not in src, src


# ----- negation through np.roll -----


def rolled_difference(u):
    face = u * u
    return np.sum(np.sin(face - np.roll(face, 1)))


def rolled_matrix(a):
    e = np.cos(a - np.roll(a, -1, axis=1)) + np.cos(a - np.roll(a, 2, axis=0))
    return np.sum(e)


def transposed_difference(a):
    return np.sum((a - a.T) ** 3)


@pytest.mark.parametrize("f, x", [
    (rolled_difference, U),
    (rolled_matrix, np.arange(12.0).reshape(3, 4) * 0.3 - 1.0),
    (transposed_difference, np.arange(9.0).reshape(3, 3) * 0.2 - 0.5),
])
def test_negation_out_of_linear_calls(f, x):
    check_grad(f, x)
    src = grad_source(f, x)
    assert "np.negative(" not in src and "np.roll(-" not in src, src


# ----- vectors filled element by element, read as floats after -----


def thomas(b, d, a, c):
    n = b.shape[0]
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return np.sum(x * x)


def prefix_table(x):
    n = x.shape[0]
    s = np.zeros(n)
    s[0] = x[0]
    for i in range(1, n):
        s[i] = 0.5 * s[i - 1] + x[i] * x[i]
    total = 0.0
    for i in range(n):
        total = total + s[i] * x[n - 1 - i]
    return total


def table_then_branch(x):
    n = x.shape[0]
    s = np.zeros(n)
    for i in range(n):
        s[i] = np.sin(x[i]) * (i + 1.0)
    total = 0.0
    for i in range(n):
        if s[i] > 0.0:
            total = total + s[i] * s[i]
        else:
            total = total - 3.0 * s[i]
    return total


def table_read_whole_after(x):  # read as an array after the loop: stays an array
    n = x.shape[0]
    s = np.zeros(n)
    for i in range(1, n):
        s[i] = s[i - 1] * 0.9 + x[i]
    total = 0.0
    for i in range(n):
        total = total + s[i] * x[i]
    return total + np.sum(s ** 2)


B = np.array([3.2, 3.9, 3.5, 3.1, 3.7])


@pytest.mark.parametrize("f, args, wrt, floats", [
    (thomas, (B, U, C, U[::-1].copy()), (0, 1, 2, 3), True),
    (prefix_table, (U,), 0, True),
    (table_then_branch, (U,), 0, True),
    (table_then_branch, (-U,), 0, True),
    (table_read_whole_after, (U,), 0, False),
])
def test_filled_vectors_read_as_floats(f, args, wrt, floats):
    check_grad(f, *args, wrt=wrt)
    assert ("is read element by element from here" in grad_source(f, *args, wrt=wrt)) \
        == floats


def test_second_derivatives_through_the_new_forms():
    # (prefix_table's Hessian is refused, as before this session: an in-place adjoint
    # write the second differentiation does not model)
    check_hessian(square_times_scale, U)
    check_hessian(rolled_difference, U)


# ----- the adjoint of a gather at one index array per axis, as one bincount -----


def bilinear_gather(img, fx):
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    x = np.clip(xs + fx, 0.0, W - 1.001)
    x0 = np.floor(x).astype(int)
    wx = x - x0
    out = img[ys, x0] * (1.0 - wx) + img[ys, x0 + 1] * wx
    return np.sum(out ** 2)


def gather_3d(a, i, j, k):
    return np.sum(np.sin(a[i, j, k]) * a[k % 3, j, i])


def gather_broadcast(a, rows, cols):
    picked = a[rows[:, None], cols[None, :]]  # (a 30 x 20 block, repeats included)
    return np.sum(picked * picked * np.arange(20.0))


def test_scatter_of_gathers_against_differences():
    rng = np.random.default_rng(43)
    check_grad(bilinear_gather, rng.standard_normal((20, 18)),
               1.3 * rng.standard_normal((20, 18)), wrt=(0, 1))
    i, j, k = (rng.integers(-3, 3, 400) for _ in range(3))  # (negative ones too)
    check_grad(gather_3d, rng.standard_normal((3, 3, 3)), i, j, k)
    check_grad(gather_broadcast, rng.standard_normal((7, 9)), rng.integers(0, 7, 30),
               rng.integers(-9, 9, 20))


def test_scatter_by_count_matches_add_at():
    from s2sad.runtime.writes import add_at
    rng = np.random.default_rng(7)
    for shape, index_shape in (((20, 30), (40, 17)), ((5, 6, 7), (300,)), ((9, 9), (2, 150))):
        acc = rng.standard_normal(shape)
        expected = acc.copy()
        idx = tuple(rng.integers(-n, n, index_shape) for n in shape)
        g = rng.standard_normal(index_shape)
        np.add.at(expected, idx, g)
        np.testing.assert_allclose(add_at(acc, None, idx, g), expected, rtol=1e-13, atol=1e-13)


# ----- a max over a few elements of each window: ties counted by slices -----


def pooled_pairs(v):
    x = np.repeat(v, 2).reshape(-1, 2, 1) * np.ones((1, 1, 3))  # each window ties
    return np.sum(np.sin(x.max(axis=(1, 2))))


def pooled_relu(a):
    act = np.maximum(a, 0.0)  # all-negative windows tie at 0
    pooled = act.reshape(4, 2, 3, 2).max(axis=(1, 3))
    return np.sum(pooled ** 2)


def pooled_min_windows(a):
    b = np.round(a * 2.0) / 2.0 + 0.0 * a  # ties in the values, derivative of a only
    return np.sum(np.cos(np.min((a + b).reshape(3, 2, 2, 2), axis=(1, 3))))


def test_pool_ties_against_differences():
    rng = np.random.default_rng(5)
    check_grad(pooled_pairs, rng.standard_normal(6))
    check_grad(pooled_relu, rng.standard_normal((8, 6)))
    check_grad(pooled_min_windows, rng.standard_normal((6, 4)))


# ----- np.meshgrid of integer ranges: integer grids (they index arrays) -----


def grid_index_ij(a):
    ys, xs = np.meshgrid(np.arange(a.shape[0]), np.arange(a.shape[1]), indexing="ij")
    return np.sum(a[ys, (xs + 1) % a.shape[1]] * a)


def grid_index_xy(a):
    xs, ys = np.meshgrid(np.arange(a.shape[1]), np.arange(a.shape[0]))
    return np.sum(np.sin(a[ys, xs[:, ::-1]]) * a)


def grid_index_3d(a):
    i, j, k = np.meshgrid(np.arange(2), np.arange(3), np.arange(2), indexing="ij")
    return np.sum(a[k, j, i] ** 2 * a[i, j, k])


def test_meshgrid_of_ints_indexes():
    rng = np.random.default_rng(11)
    check_grad(grid_index_ij, rng.standard_normal((4, 5)))
    check_grad(grid_index_xy, rng.standard_normal((4, 5)))
    check_grad(grid_index_3d, rng.standard_normal((2, 3, 2)))


# ----- a product's sign on a number bound to a true division, not on the array -----


def explicit_steps(u, dt, dx):
    for _ in range(3):
        u = u - dt / dx * (u * u - np.roll(u * u, 1))
    return np.sum(u ** 2)


def scaled_difference(u, a, b):
    k = a / b
    return np.sum(np.sin(-k * u))


def ratio_in_loop(u, h):
    total = 0.0
    for i in range(3):
        r = h / (i + 1.0)
        total = total + np.sum(np.cos(u - r * u))
    return total


@pytest.mark.parametrize("f, args, wrt", [
    (explicit_steps, (U, 0.01, 0.1), 0),
    (scaled_difference, (U, 0.7, 1.3), (0, 1, 2)),
    (ratio_in_loop, (U, 0.4), (0, 1)),
])
def test_sign_on_a_quotient(f, args, wrt):
    check_grad(f, *args, wrt=wrt)


def test_sign_goes_on_the_number():
    src = grad_source(explicit_steps, U, 0.01, 0.1)
    assert "* -d" not in src, src
