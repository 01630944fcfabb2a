"""Adjoint helpers of whole calls written plainly where the shapes prove what the helper
would find out (compiler/plain_calls.py): the builtin max/min of numbers by
``arg_share``, ``np.linalg.norm``'s partials as a division, ``np.einsum``'s adjoints as
``@`` or one einsum.  Each against central differences (or a closed form at a tie),
with the generated source checked for the plain form."""
import inspect

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_source, numerical_grad

# ----- builtin max / min of numbers -----

def running_max(x):
    m = x[0]
    s = 0.0
    for i in range(1, x.shape[0]):
        m = max(m, x[i])
        s = s + m * x[i]
    return s


def smaller_squares(x, y):
    s = 0.0
    for i in range(x.shape[0]):
        d = min(x[i], y[i])
        s = s + d * d
    return s


def three_way(x):
    return max(x[0] * x[1], x[2], np.sin(x[3])) + min(x[0], 2.0)


@pytest.mark.parametrize("order", ["increasing", "decreasing", "mixed"])
def test_running_max_vs_differences(rng, order) -> None:
    x = rng.standard_normal(9)
    x = np.sort(x) if order == "increasing" else -np.sort(x) if order == "decreasing" else x
    check_grad(running_max, x)
    source = grad_source(running_max, x)
    assert "if m_1 == m_1_new" in source and "extremum_args_adjoint" not in source


def test_min_of_two_arrays_elements(rng) -> None:
    x, y = rng.standard_normal(7), rng.standard_normal(7)
    check_grad(smaller_squares, x, y, wrt=(0, 1))
    check_jvp(smaller_squares, x, y, wrt=(0, 1), rng=rng)


def test_three_arguments_and_ties() -> None:
    check_grad(three_way, np.array([0.5, 1.5, -0.3, 0.2]))  # the product wins
    check_grad(three_way, np.array([0.5, 0.1, 0.3, 0.2]))  # the second argument wins
    # a tie of the first two: the adjoint splits equally (docs/kinks.md)
    g = s2sad.grad(three_way)(np.array([1.0, 2.0, 2.0, 0.1]))
    np.testing.assert_allclose(g, [0.5 * 2.0 + 1.0, 0.5 * 1.0, 0.5, 0.0])


def test_two_arguments_tie_and_recomputed_choice(rng) -> None:
    """max of two numbers: the adjoint is a conditional expression, 1/2 each on a tie;
    min(x[i], y[i]) is taken again in the reversed loop (no tape)."""
    def f(x):
        return max(x[0], x[1]) * x[2] + min(x[2], x[0])

    np.testing.assert_allclose(s2sad.grad(f)(np.array([2.0, 2.0, 3.0])), [2.5, 1.5, 2.0])
    np.testing.assert_allclose(s2sad.grad(f)(np.array([1.0, 2.0, 3.0])), [1.0, 3.0, 2.0])
    x, y = rng.standard_normal(6), rng.standard_normal(6)
    y[2] = x[2]  # a tie inside the loop
    check_grad(smaller_squares, x, y, wrt=(0, 1))
    source = grad_source(smaller_squares, x, y)
    assert "stack" not in source and "arg_share" not in source
    assert "d = min(x_items[i], y_items[i])" in source


def test_second_derivative_through_max() -> None:
    def f(a):
        return max(a * a, 3.0 * a) * a

    for a in (0.5, 4.0):  # either argument wins
        h = s2sad.grad(s2sad.grad(f))(a)
        d = s2sad.grad(f)
        assert abs(h - (d(a + 1e-5) - d(a - 1e-5)) / 2e-5) < 1e-5


# ----- np.linalg.norm -----

def distances(X, c):
    s = 0.0
    for i in range(X.shape[0]):
        s = s + np.linalg.norm(X[i] - c)
    return s


def norms_mixed(x, y):
    return np.linalg.norm(x - y) + 0.1 * np.linalg.norm(x, 1) + np.linalg.norm(y, 2)


def row_and_column_norms(X):
    return np.sum(np.linalg.norm(X, axis=1)) + np.sum(np.linalg.norm(X, axis=0) ** 2) + \
        np.linalg.norm(X) * np.linalg.norm(X, axis=-1)[0]


def test_distances_in_a_loop(rng) -> None:
    X, c = rng.standard_normal((5, 3)), rng.standard_normal(3)
    check_grad(distances, X, c, wrt=(0, 1))
    source = grad_source(distances, X, c, wrt=1)
    assert "norm_partial" not in source and "np.linalg.norm(" in source


def test_norms_of_a_vector(rng) -> None:
    x, y = rng.standard_normal(6), rng.standard_normal(6)
    check_grad(norms_mixed, x, y, wrt=(0, 1))
    assert "norm_partial" not in grad_source(norms_mixed, x, y)
    # at x == y the 2-norm's derivative is 0 (its convention), not a NaN
    g = s2sad.grad(norms_mixed, wrt=1)(x, x.copy())
    np.testing.assert_allclose(g, x / np.linalg.norm(x))  # (only ||y||'s part)


def test_norms_over_axes(rng) -> None:
    X = rng.standard_normal((4, 3))
    check_grad(row_and_column_norms, X)
    assert "norm_partial" not in grad_source(row_and_column_norms, X)


# ----- np.einsum -----

def quadratic(x, A):
    return np.einsum("i,ij,j->", x, A, x)


def batched(W, X):
    Y = np.einsum("ij,bj->bi", W, X)
    return np.sum(Y * Y)


def chain_of_three(A, B, C):
    return np.sum(np.sin(np.einsum("ij,jk,kl->il", A, B, C)))


def outer_scaled(u, v, s):
    return np.sum(np.einsum("i,j->ij", u, v) ** 2) * s


@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
def test_quadratic_form(rng, wrt) -> None:
    x, A = rng.standard_normal(4), rng.standard_normal((4, 4))
    check_grad(quadratic, x, A, wrt=wrt)
    assert "einsum_adjoint" not in grad_source(quadratic, x, A, wrt=wrt)


def test_batched_and_chained(rng) -> None:
    W, X = rng.standard_normal((3, 2)), rng.standard_normal((5, 2))
    check_grad(batched, W, X, wrt=(0, 1))
    assert "@" in grad_source(batched, W, X, wrt=(0, 1))
    A, B, C = (rng.standard_normal(s) for s in ((2, 3), (3, 4), (4, 2)))
    check_grad(chain_of_three, A, B, C, wrt=(0, 1, 2))
    assert "einsum_adjoint" not in grad_source(chain_of_three, A, B, C, wrt=(0, 1, 2))


def test_outer_product_and_broadcast_kept_generic(rng) -> None:
    u, v = rng.standard_normal(3), rng.standard_normal(4)
    check_grad(outer_scaled, u, v, 1.5, wrt=(0, 1, 2))
    # a length 1 broadcast against another: the helper keeps it
    check_grad(batched, rng.standard_normal((3, 1)), rng.standard_normal((5, 4)))


def test_second_order_through_einsum(rng) -> None:
    x, A = rng.standard_normal(3), rng.standard_normal((3, 3))

    def f(t):
        return quadratic(x * t, A) * t

    h = s2sad.grad(s2sad.grad(f))(0.7)
    assert abs(h - numerical_grad(s2sad.grad(f), (0.7,))) < 1e-5


# ----- the slope of abs, cumulative sums, comparisons' shapes -----

def huber_loop(x, d):
    s = 0.0
    for i in range(x.shape[0]):
        a = abs(x[i])
        if a < d:
            s = s + 0.5 * x[i] * x[i]
        else:
            s = s + d * (a - 0.5 * d)
    return s


def abs_of_arrays(x, y):
    return np.sum(np.abs(x - y) * y) + abs(np.sum(x))


def cumulative(x, w):
    c = np.cumsum(x * w)
    return np.sum(c * c) + np.sum(np.cumsum(x[::-1]) * w)


def masked_loss(x, y):
    r = np.clip(x - y, -1.0, 1.0)
    w = np.where(x > 0, 2.0, 1.0)
    return np.sum(w * r * r) + np.sum((x < y) * x)


@pytest.mark.parametrize("delta", [0.1, 1.0, 10.0])  # every branch, both, none
def test_abs_slope_of_numbers_in_a_loop(rng, delta) -> None:
    x = 2.0 * rng.standard_normal(9)
    check_grad(huber_loop, x, delta, wrt=(0, 1))
    source = grad_source(huber_loop, x, delta)
    assert "abs_slope" not in source and "floats_zeros" in source


def test_abs_slope_of_arrays_and_a_zero(rng) -> None:
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    check_grad(abs_of_arrays, x, y, wrt=(0, 1))
    g = s2sad.grad(abs_of_arrays)(np.array([1.0, -1.0, 0.5]), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(g, [1.0, -1.0, -2.0])  # |0|'s slope is 0 (docs/kinks.md)
    assert "np.sign(" in grad_source(abs_of_arrays, x, y)


def test_cumulative_sums(rng) -> None:
    x, w = rng.standard_normal(7), rng.standard_normal(7)
    check_grad(cumulative, x, w, wrt=(0, 1))
    assert "reverse_cumsum" not in grad_source(cumulative, x, w)


def test_comparisons_have_shapes(rng) -> None:
    x, y = rng.standard_normal(8), rng.standard_normal(8)
    check_grad(masked_loss, x, y, wrt=(0, 1))
    assert "unbroadcast" not in grad_source(masked_loss, x, y, wrt=(0, 1))


def squared_cumsum(x):
    c = np.cumsum(x)
    return np.sum(c * c)


@pytest.mark.parametrize("f, nargs", [(squared_cumsum, 1), (norms_mixed, 2),
                                      (cumulative, 2)])
def test_no_guard_left_to_fall_back_from(rng, f, nargs) -> None:
    """A guard the spread of a nonzero literal cannot fire (``safe_mul(repeat_to(1.0,
    ..), c)``) and a 2-norm's partials written guard-free leave nothing to fall back on:
    no wrapper (its NaN check and errstate cost a few us per call)."""
    args = tuple(rng.standard_normal(6) for _ in range(nargs))
    check_grad(f, *args)
    g = s2sad.grad(f)
    g(*args)
    assert inspect.unwrap(g.__wrapped__) is g.__wrapped__


def relu_loop(w, x):
    s = 0.0
    for i in range(x.shape[0]):
        a = np.maximum(w[0] * x[i] + w[1], 0.0)
        s = s + a * np.minimum(x[i], w[1])
    return s


@pytest.mark.parametrize("shift", [-3.0, 0.3, 3.0])  # none, some, all above the kink
def test_maximum_of_numbers_in_a_loop(rng, shift) -> None:
    w, x = np.array([1.0, shift]), rng.standard_normal(9)
    check_grad(relu_loop, w, x, wrt=(0, 1))
    source = grad_source(relu_loop, w, x)
    assert "max_share" not in source and "min_share" not in source


def test_maximum_of_numbers_at_the_kink() -> None:
    """np.maximum(t, 0.0) at t == 0 splits the slope (docs/kinks.md): 1/2."""
    def f(t):
        return np.maximum(t[0] * t[1], 0.0) + np.minimum(t[1], 2.0)

    np.testing.assert_allclose(s2sad.grad(f)(np.array([0.0, 2.0])), [1.0, 0.5])


# ----- np.var / np.std -----

def spreads(x):
    return np.std(x) + 0.5 * np.var(x) + np.mean(x) ** 2 + np.std(x, ddof=1)


def spreads_along(X):
    return np.sum(np.var(X, axis=0)) + np.sum(np.std(X, axis=1) ** 3) + np.std(X)


def test_spreads_of_a_vector(rng) -> None:
    x = rng.standard_normal(7)
    check_grad(spreads, x)
    source = grad_source(spreads, x)
    assert "centered" not in source and "reduced_size" not in source
    # equal values: std's kink, derivative 0 there (the helper's convention), no NaN
    g = s2sad.grad(lambda v: np.std(v) + np.sum(v))(np.full(4, 0.5))
    np.testing.assert_allclose(g, np.ones(4))


def test_spreads_along_axes(rng) -> None:
    X = rng.standard_normal((4, 3))
    check_grad(spreads_along, X)
    assert "centered" not in grad_source(spreads_along, X)


def complex_scaled(s, z):
    return np.linalg.norm(s * z) + np.sum(np.abs(s * z)) + np.std(s * z)


def test_a_complex_argument_keeps_the_helpers(rng) -> None:
    """A complex array argument in a program with no complex literal: the helpers' complex
    cases stay (the real case would drop the conjugate and the phase)."""
    z = rng.standard_normal(5) + 1j * rng.standard_normal(5)
    check_grad(complex_scaled, 0.7, z)
    source = grad_source(complex_scaled, 0.7, z)
    assert "norm_partial" in source and "abs_slope" in source


# ----- traces, outer products -----

def gram_trace(X, w):
    G = X.T @ X
    return w @ G @ w + np.trace(G) + 0.5 * np.trace(np.linalg.inv(G))


def outer_fit(u, v, A):
    return np.sum((np.outer(u, v) - A) ** 2) + np.dot(u, u) * np.sum(v)


def outer_only(u, v, A):
    return np.sum((np.outer(u, v) - A) ** 2)


def test_traces(rng) -> None:
    X, w = rng.standard_normal((6, 3)), rng.standard_normal(3)
    check_grad(gram_trace, X, w, wrt=(0, 1))
    source = grad_source(gram_trace, X, w)
    assert "untrace" not in source and "np.eye(" not in source.split("@")[1]


def test_outer_products(rng) -> None:
    u, v, A = rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal((3, 4))
    check_grad(outer_fit, u, v, A, wrt=(0, 1, 2))
    source = grad_source(outer_fit, u, v, A, wrt=(0, 1))
    assert "np.ravel" not in source and "np.reshape" not in source
    # a matrix u: the adjoint is reshaped back (np.outer flattens its arguments)
    check_grad(outer_only, rng.standard_normal((3, 1)), v, A)


def eigen_moduli(a):  # real arguments, complex values inside (eigenvalues)
    w = np.linalg.eigvals(a)
    return np.sum(np.abs(w) ** 2) + np.linalg.norm(w) + np.std(w)


def test_complex_values_of_real_arguments_keep_the_helpers(rng) -> None:
    """Real arguments and no complex literal, but complex eigenvalues: the values the
    helpers see are not proved real (dtypes knows no eigvals), so their complex cases
    stay."""
    a = np.array([[0.0, -2.0, 0.3], [1.5, 0.1, 0.0], [0.2, 0.0, 0.5]])
    check_grad(eigen_moduli, a)
    source = grad_source(eigen_moduli, a)
    # (|w| ** 2 is taken as 2 g conj(w) at run time: abs_squares, session 48)
    assert "conj_if_complex(w)" in source and "norm_partial" in source and \
        "std_share" in source


def frobenius_pairs(A, B, s):
    return np.einsum("ij,ij->", A, B) * s + np.einsum("ij,ji->", A, B) + \
        np.einsum("i,i->", A[0], B[1])


def test_einsum_of_one_other_array(rng) -> None:
    """An adjoint that is the other operand (transposed, scaled): a new array, never the
    user's operand itself."""
    A, B = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    check_grad(frobenius_pairs, A, B, 1.5, wrt=(0, 1, 2))
    dA = s2sad.grad(lambda a, b: np.einsum("ij,ij->", a, b))(A, B)
    assert dA is not B and not np.shares_memory(dA, B)
    np.testing.assert_array_equal(dA, B)
    assert "einsum_adjoint" not in grad_source(frobenius_pairs, A, B, 1.5)


# ----- differences, slogdet -----

def smoothness(x, W):
    d = np.diff(x)
    return np.sum(d * d) + 0.1 * np.sum(np.abs(d)) + np.sum(np.diff(W, 2, axis=0) ** 2) + \
        np.sum(np.diff(W) * np.diff(x)[:2])


def log_volume(A):
    s, ld = np.linalg.slogdet(A)
    return ld + np.sum(A * A)


def test_differences(rng) -> None:
    x, W = rng.standard_normal(4), rng.standard_normal((5, 3))
    check_grad(smoothness, x, W, wrt=(0, 1))
    assert "abs_slope" not in grad_source(smoothness, x, W)
    np.testing.assert_allclose(  # the adjoint of np.diff (undiff, without np.pad)
        s2sad.grad(lambda v: np.sum(np.diff(v) * np.array([1.0, 2.0, 4.0])))(np.zeros(4)),
        [-1.0, -1.0, -2.0, 4.0])


def test_slogdet_log_volume(rng) -> None:
    A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    check_grad(log_volume, A)
    assert "pick_adjoint" not in grad_source(log_volume, A)
    check_grad(log_volume, -A)  # a negative determinant: the same log |det|


def test_huber_flag_taken_again(rng) -> None:
    """``abs(x[i]) < d`` is computed again in the reversed loop: no tape, one loop."""
    x = 2.0 * rng.standard_normal(7)
    code = [line.strip() for line in grad_source(huber_loop, x, 1.0).splitlines()
            if not line.strip().startswith("#")]
    assert not any("stack" in line for line in code)
    assert sum(line.startswith("for ") for line in code) == 1
    check_grad(huber_loop, x, 1.0, wrt=(0, 1))
