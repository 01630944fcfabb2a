"""Users' programs of session 39 whose derivatives were right but slow, after the fixes
(checked against central differences, both branches of the data-dependent ``if``s):

- a matrix assembled by element updates in a loop, ``K[e, e + 1] -= k`` (an element at a
  tuple index cleared and added back by the reverse sweep: ``kept_elements``);
- states swapped every step, ``u_prev, u = u, u_next`` (the adjoints' list display read
  directly, ``display_items``; ``add_grads`` of arrays a sum);
- a convolution by a loop over kernel taps of ``np.pad``'s output (``np.sum(d * x)``
  after ``d = unbroadcast(g, x)`` a dot: ``rank_products.mark_alike``).
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen4 import _sigmoid, conv_taps, fem_bar, gru_stack
from gradcheck import check_grad, check_hessian, check_jvp

RNG = np.random.default_rng(39)


# ----- matrices assembled element by element (fem_bar: the benchmark problem's) -----

def graph_laplacian(w, edges, x):
    """A weighted graph's Laplacian from an edge list, its quadratic form and a solve;
    an edge whose weight is negative is dropped (a data-dependent branch)."""
    n = x.shape[0]
    L = np.eye(n)
    for k in range(edges.shape[0]):
        i = edges[k, 0]
        j = edges[k, 1]
        if w[k] > 0:
            L[i, i] += w[k]
            L[j, j] += w[k]
            L[i, j] -= w[k]
            L[j, i] -= w[k]
    return x @ L @ x + np.sum(np.linalg.solve(L, x))


def tridiagonal(a, b):
    """A tridiagonal matrix written through its sub- and super-diagonal elements in
    place (``*=`` of an element read back), then a log-determinant."""
    n = a.shape[0]
    T = np.diag(a)
    for i in range(1, n):
        T[i, i - 1] = b[i - 1]
        T[i - 1, i] = b[i - 1]
        T[i, i] *= 1.0 + b[i - 1] ** 2
    return np.linalg.slogdet(T)[1] + np.sum(T ** 2)


def test_stiffness_assembled_by_element_updates() -> None:
    E = 1.0 + RNG.random(6)
    f = RNG.standard_normal(6)
    check_grad(fem_bar, E, f, wrt=(0, 1))
    check_jvp(fem_bar, E, f, wrt=(0, 1))
    check_hessian(lambda E: fem_bar(E, f), E)
    g = s2sad.grad(fem_bar)
    g(E, f)
    reverse = g.source[g.source.index("adjoint of line"):]
    assert "= 0.0" not in reverse  # (no element cleared and added back in the reverse)
    assert "reversed(" not in reverse  # (its trips independent: all at once, vector_loops)


@pytest.mark.parametrize("signs", [(1, 1, 1, 1, 1), (1, -1, 1, -1, 1)])  # both branches
def test_laplacian_assembled_from_edges(signs) -> None:
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])
    w = np.array(signs) * (0.5 + RNG.random(5))
    x = RNG.standard_normal(4)
    check_grad(graph_laplacian, w, edges, x, wrt=(0, 2))
    check_jvp(graph_laplacian, w, edges, x, wrt=(0, 2))


def test_tridiagonal_written_by_elements() -> None:
    a = 3.0 + RNG.random(5)
    b = 0.5 * RNG.standard_normal(4)
    check_grad(tridiagonal, a, b, wrt=(0, 1))
    check_jvp(tridiagonal, a, b, wrt=(0, 1))


# ----- states swapped every step -----

def wave_leapfrog(u0, c, steps):
    """The wave equation by leapfrog; a boundary damped only where c is large."""
    n = u0.shape[0]
    u_prev = u0.copy()
    u = u0.copy()
    r = c * c
    for _ in range(steps):
        u_next = np.zeros(n)
        u_next[1:-1] = 2 * u[1:-1] - u_prev[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
        if c > 0.5:
            u_next[1] = 0.5 * u_next[1]
        u_prev, u = u, u_next
    return np.sum(u ** 2) + 0.5 * np.sum(u_prev * u)


def chebyshev(x, coef):
    """A Chebyshev series by the three-term recurrence, the two last terms swapped."""
    t_prev = np.ones_like(x)
    t = x
    total = coef[0] * t_prev + coef[1] * t
    for k in range(2, coef.shape[0]):
        t_prev, t = t, 2 * x * t - t_prev
        total = total + coef[k] * t
    return np.sum(total ** 2)


def true_swap(a, b, steps):
    """Two arrays swapped outright each step (a cycle: the list stays), and updated."""
    for _ in range(steps):
        a, b = b, a
        a = a + 0.5 * np.sin(b)
    return np.sum(a * b) + np.sum(a ** 3)


def rotate_three(p, q, r):
    """Three states rotated, ``p, q, r = q, r, p + q``."""
    for _ in range(4):
        p, q, r = q, r, p * q + np.cos(r)
    return np.sum(p * q * r)


@pytest.mark.parametrize("c", [0.3, 0.7])  # both branches of the damping
def test_leapfrog_with_swapped_states(c) -> None:
    x = np.linspace(-2.0, 2.0, 10)
    u0 = np.exp(-x ** 2) * (1.0 + 0.1 * RNG.standard_normal(10))
    check_grad(wave_leapfrog, u0, c, 5, wrt=(0, 1))
    check_jvp(wave_leapfrog, u0, c, 5, wrt=(0, 1))
    g = s2sad.grad(wave_leapfrog)
    g(u0, c, 5)
    assert "ditems" not in g.source  # (the swap's adjoints read directly, not via a list)


def test_three_term_recurrence() -> None:
    x = np.linspace(-0.9, 0.9, 7)
    coef = RNG.standard_normal(6)
    check_grad(chebyshev, x, coef, wrt=(0, 1))
    check_jvp(chebyshev, x, coef, wrt=(0, 1))
    check_hessian(lambda c: chebyshev(x, c), coef)


def test_true_swap_and_rotation() -> None:
    a, b = RNG.standard_normal(4), RNG.standard_normal(4)
    check_grad(true_swap, a, b, 3, wrt=(0, 1))
    check_jvp(true_swap, a, b, 3, wrt=(0, 1))
    p, q, r = (0.5 * RNG.standard_normal(3) for _ in range(3))
    check_grad(rotate_three, p, q, r, wrt=(0, 1, 2))
    check_jvp(rotate_three, p, q, r, wrt=(0, 1, 2))


# ----- convolutions by kernel taps (conv_taps: the benchmark problem's) -----

def conv1d_taps(w, x, y):
    """A 1-D 'same' convolution by taps of a reflected padding, a squared error."""
    k = w.shape[0]
    xp = np.pad(x, (k // 2, k - 1 - k // 2), mode="reflect")
    out = np.zeros_like(x)
    for j in range(k):
        out = out + w[j] * xp[j:j + x.shape[0]]
    return np.sum((out - y) ** 2)


def conv_channels(W, x):
    """Taps over a (channels, height, width) image with a window broadcast over
    channels, a leaky ReLU whose slope depends on the sign."""
    k = W.shape[0]
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    C, H, Wd = x.shape
    out = np.zeros((C, H, Wd))
    for i in range(k):
        for j in range(k):
            out = out + W[i, j] * xp[:, i:i + H, j:j + Wd]
    return np.sum(np.where(out > 0, out, 0.1 * out) ** 2)


@pytest.mark.parametrize("k", [3, 4])  # (an even kernel: the windows end inside too)
def test_conv_by_taps_of_a_padded_image(k) -> None:
    W = RNG.standard_normal((k, k)) / k
    x = RNG.standard_normal((5, 6))
    check_grad(conv_taps, W, x, wrt=(0, 1))
    check_jvp(conv_taps, W, x, wrt=(0, 1))
    g = s2sad.grad(conv_taps, wrt=(0, 1))
    g(W, x)
    assert "np.sum(dmul" not in g.source  # (a tap's weight adjoint is a dot)


def test_conv1d_by_taps_of_a_reflected_padding() -> None:
    w, x, y = RNG.standard_normal(3), RNG.standard_normal(9), RNG.standard_normal(9)
    check_grad(conv1d_taps, w, x, y, wrt=(0, 1))
    check_jvp(conv1d_taps, w, x, y, wrt=(0, 1))


def test_conv_over_channels() -> None:
    W = RNG.standard_normal((3, 3))
    x = RNG.standard_normal((2, 4, 5))  # (both signs of out: both slopes)
    check_grad(conv_channels, W, x, wrt=(0, 1))
    check_jvp(conv_channels, W, x, wrt=(0, 1))


# ----- a joined input and state cut back by the arguments' lengths (gru_stack: the
# benchmark problem's) -----

def vector_rnn(W, xs, h0, gate):
    """One sequence, a vector state joined to the input; a gate only where the
    argument asks (both branches)."""
    h = h0
    for t in range(xs.shape[0]):
        a = W @ np.concatenate([xs[t], h])
        if gate > 0:
            h = _sigmoid(a) * h
        else:
            h = np.tanh(a)
    return np.sum(h * np.arange(1, h.shape[0] + 1))


def three_pieces(A, B, C, W):
    """Three blocks joined along the columns, a product, each block's share read back."""
    M = np.concatenate([A, B, C], axis=1)
    P = np.tanh(M @ W)
    return np.sum(P ** 2) + np.sum(M[:, A.shape[1]:] ** 3)


@pytest.mark.parametrize("sizes", [(3, 2, 2, 3), (3, 2, 2, 8)])  # (8 = 4 * 2: a multiple)
def test_gru_state_joined_to_its_input(sizes) -> None:
    T, B, D, H = sizes
    s = 1.0 / np.sqrt(D + H)
    args = (s * RNG.standard_normal((D + H, H)), s * RNG.standard_normal((D + H, H)),
            s * RNG.standard_normal((D + H, H)), RNG.standard_normal((T, B, D)),
            0.1 * RNG.standard_normal((B, H)))
    check_grad(gru_stack, *args, wrt=(0, 1, 2, 4))
    check_jvp(gru_stack, *args, wrt=(0, 1, 2, 4))
    g = s2sad.grad(gru_stack, wrt=(0, 1, 2))
    g(*args)
    assert "unconcat" not in g.source  # (the state's piece a slice at the input's width)


@pytest.mark.parametrize("gate", [1.0, -1.0])
def test_vector_state_joined_to_its_input(gate) -> None:
    W = 0.5 * RNG.standard_normal((4, 7))
    xs = RNG.standard_normal((3, 3))
    h0 = 0.3 * RNG.standard_normal(4)
    check_grad(vector_rnn, W, xs, h0, gate, wrt=(0, 1, 2))
    check_jvp(vector_rnn, W, xs, h0, gate, wrt=(0, 1, 2))


def test_three_blocks_joined() -> None:
    A, B, C = (RNG.standard_normal((4, n)) for n in (2, 3, 5))
    W = 0.3 * RNG.standard_normal((10, 2))
    check_grad(three_pieces, A, B, C, W, wrt=(0, 1, 2, 3))
    check_jvp(three_pieces, A, B, C, W, wrt=(0, 1, 2, 3))


# ----- a list holding views of a module's array, appended to (was refused: "in-place
# write into X ... rows = X.copy()": an append changes the list, not what it holds) -----

DATA = np.random.default_rng(391).standard_normal((4, 3))
GRU_ARGS = (0.4 * RNG.standard_normal((5, 3)), 0.4 * RNG.standard_normal((5, 3)),
            0.4 * RNG.standard_normal((5, 3)), RNG.standard_normal((3, 2, 2)))


def rows_of_global(w):
    rows = []
    for i in range(DATA.shape[0]):
        rows.append(DATA[i])
        rows.append(w * DATA[i])
    return np.sum(np.stack(rows) @ w)


def selected_rows(w, flip):
    """Rows of the module's array appended as they are, or scaled (both branches)."""
    rows = [DATA[0]]
    for i in range(1, DATA.shape[0]):
        if flip * w[i - 1] > 0:
            rows.append(DATA[i])
        else:
            rows.append(np.sin(w) * DATA[i])
    M = np.array(rows)
    return np.sum(np.tanh(M @ w))


def gru_of_module_arrays(h0):
    """The weights and inputs read from a module's tuple; its Hessian differentiates a
    gradient whose tape holds views of them."""
    return gru_stack(GRU_ARGS[0], GRU_ARGS[1], GRU_ARGS[2], GRU_ARGS[3], h0)


def test_views_of_a_module_array_appended_to_a_list() -> None:
    w = np.array([0.3, -0.2, 0.5])
    check_grad(rows_of_global, w)
    check_jvp(rows_of_global, w)
    check_hessian(rows_of_global, w)


@pytest.mark.parametrize("flip", [1.0, -1.0])
def test_views_or_new_rows_appended(flip) -> None:
    w = np.array([0.3, -0.2, 0.5])
    check_grad(selected_rows, w, flip)
    check_jvp(selected_rows, w, flip)


def test_hessian_through_a_tape_of_module_views() -> None:
    check_hessian(gru_of_module_arrays, 0.3 * RNG.standard_normal((2, 3)))
