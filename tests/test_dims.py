"""compiler/dims.py (shape classes of the arguments, shapes of every value) and
compiler/tape.py: helpers the shapes make plain are gone, and broadcasting is still
undone wherever a length is 1; each shape class gets its own code."""
import math
import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.compiler import dims, shape_classes


def biased(W, x, b):
    return np.sum(np.tanh(W @ x + b) ** 2)


def kalman_like(F, Q, H, ys, m, P):
    ll = 0.0
    for t in range(ys.shape[0]):
        m = F @ m
        P = F @ P @ F.T + Q
        v = ys[t] - H @ m
        S = H @ P @ H.T + 1.0
        Sinv = np.linalg.inv(S)
        K = P @ H.T @ Sinv
        m = m + K @ v
        P = P - K @ S @ K.T
        ll = ll - 0.5 * (np.linalg.slogdet(S)[1] + v @ Sinv @ v)
    return ll


def row_and_column(x, r, c):
    return np.sum(np.sin(x + r) * (x * c))


def pairwise(pos, s):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1) + np.eye(pos.shape[0])
    return np.sum(s / r2)


def test_shape_classes_share_symbols_and_keep_ones() -> None:
    assert shape_classes.symbolic([(5, 5), (3, 5), (1, 5), ()]) == [
        ("a_s", "a_s"), ("b_s", "a_s"), (1, "a_s"), ()]
    assert shape_classes.symbolic([(50, 50), (30, 50), (1, 50)]) == [
        ("a", "a"), ("b", "a"), (1, "a")]


def test_shape_classes_know_multiples_within_an_array() -> None:
    """A length 2, 3 or 4 times another of the same array is that multiple of its
    symbol (an LSTM's ``U``: ``(H, 4 * H)``); of two arrays, lengths stay apart."""
    assert shape_classes.symbolic([(4, 4), (2, 4), (1, 4), ()]) == [
        ("2*a_s", "2*a_s"), ("a_s", "2*a_s"), (1, "2*a_s"), ()]
    assert shape_classes.symbolic([(8, 128), (32, 128), (128,)]) == [
        ("a_s", "4*b"), ("b", "4*b"), ("4*b",)]
    assert shape_classes.symbolic([(3,), (9,), (6, 11)]) == [
        ("a_s",), ("b_s",), ("c_s", "d_s")]
    assert shape_classes.symbolic([(3, 9)]) == [("a_s", "3*a_s")]  # 9 = 3 * 3 in one array


def test_long_lengths() -> None:
    """Lengths of at least 16 (less a few) are long: the loops over them run at once."""
    from s2sad.compiler import affine
    assert [shape_classes.long(d) for d in (16, 15, "a", "a_s", "a+1", "a_s+1", "4*a",
                                            affine.Lin((("a", 1),), -2),
                                            affine.Lin((("a", 1),), -9),
                                            affine.Lin((("a_s", 1),), 0), None)] == [
        True, False, True, False, True, False, False, True, False, False, False]


def test_plain_gradient_has_no_helpers(rng) -> None:
    W, x, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    g = s2sad.grad(biased, wrt=(0, 2))
    check_grad(biased, W, x, b, wrt=(0, 2))
    g(W, x, b)
    for helper in ("unbroadcast", "repeat_to", "matmul_lhs_adjoint", "shape_of"):
        assert helper not in g.source


@pytest.mark.parametrize("b_shape", [(3,), (1,), (3, 1), ()])
def test_broadcast_bias_is_still_summed(rng, b_shape) -> None:
    """The same Derivative called with a bias of each shape: (1,) and (3, 1) broadcast
    against (3,) and must have their adjoints summed; a float is a number."""
    g = s2sad.grad(biased, wrt=(0, 2))
    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    for shape in [(3,), b_shape, (3,)]:
        b = rng.standard_normal(shape) if shape else 0.7
        check_grad(biased, W, x, b, wrt=(0, 2))
        dW, db = g(W, x, b)
        want = s2sad.grad(biased, wrt=(0, 2))(W, x, b)
        np.testing.assert_allclose(dW, want[0], rtol=1e-12)
        np.testing.assert_allclose(db, want[1], rtol=1e-12)
        assert np.shape(db) == np.shape(b)


@pytest.mark.parametrize("shapes", [((4, 3), (1, 3), (4, 1)), ((4, 3), (3,), (4, 3)),
                                    ((1, 3), (1, 3), (1, 1)), ((2, 1), (2, 3), (1,))])
def test_rows_and_columns_broadcast_both_ways(rng, shapes) -> None:
    args = [rng.standard_normal(s) for s in shapes]
    check_grad(row_and_column, *args, wrt=(0, 1, 2))


@pytest.mark.parametrize("n, obs", [(3, 2), (2, 2), (1, 1), (3, 1)])
def test_loop_of_small_matrices(rng, n, obs) -> None:
    """Kalman-like loop; (1, 1) matrices and equal state and observation sizes put
    lengths of 1 and shared symbols in the shape class."""
    F = np.eye(n) + 0.1 * rng.standard_normal((n, n))
    H = rng.standard_normal((obs, n))
    args = (F, 0.1 * np.eye(n), H, rng.standard_normal((4, obs)), np.zeros(n), np.eye(n))
    check_grad(kalman_like, *args, wrt=(0, 1, 2))
    g = s2sad.grad(kalman_like, wrt=(0, 1))
    g(*args)
    assert "unbroadcast" not in g.source and "shape_of" not in g.source


def test_pushed_values_no_adjoint_reads_are_not_pushed(rng) -> None:
    F = np.eye(3) + 0.1 * rng.standard_normal((3, 3))
    args = (F, 0.1 * np.eye(3), rng.standard_normal((2, 3)), rng.standard_normal((5, 2)),
            np.zeros(3), np.eye(3))
    g = s2sad.grad(kalman_like, wrt=(0, 1))
    g(*args)
    pushed = "".join(line for line in g.source.splitlines() if ".append(" in line)
    assert "matmul_1" not in pushed  # read by unbroadcast only, which is gone


@pytest.mark.parametrize("n", [1, 2, 5])
def test_pairwise_broadcast_is_summed(rng, n) -> None:
    pos = rng.standard_normal((n, 3)) * 3
    check_grad(pairwise, pos, 1.3, wrt=(0, 1))


def spring(y, k, c):
    """A state built element by element (np.array([..])) added to arguments: the
    argument's length is learned from the literal's (2), a length-1 c broadcasts."""
    for _ in range(3):
        f = np.array([y[1], -k[0] * y[0] - k[1] * y[1]])
        y = y + 0.1 * f + c
    return y[0] ** 2 + 3.0 * y[1] ** 2


@pytest.mark.parametrize("c_shape", [(2,), (1,), ()])
def test_small_state_vectors_built_from_elements(rng, c_shape) -> None:
    y, k = rng.standard_normal(2), np.array([1.3, 0.2])
    c = rng.standard_normal(c_shape) if c_shape else 0.05
    check_grad(spring, y, k, c, wrt=(0, 1, 2))
    g = s2sad.grad(spring, wrt=(0, 1))
    g(y, k, c)
    assert "array_adjoint" not in g.source and "add_at" not in g.source
    if c_shape == (2,):
        assert "unbroadcast" not in g.source


def three_body(p):
    q = np.array([p[0] * p[1], p[1] - p[2], p[2] ** 2])
    r = q + p
    return np.sum(r * np.array([1.0, 2.0, 3.0]))


def test_literal_array_of_three_against_a_vector(rng) -> None:
    check_grad(three_body, rng.standard_normal(3))


def taps(w, x, y):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j:j + n]
    return np.mean((np.tanh(out) - y) ** 2)


def taps_strided(w, x):
    acc = 0.0
    for j in range(w.shape[0]):
        seg = x[j::2]
        acc = acc + w[j] * np.sum(seg * seg) + np.sum(w[j] * seg)
    return acc


@pytest.mark.parametrize("k, m", [(3, 9), (4, 4), (1, 5)])  # n = m - k + 1, n == 1 too
def test_taps_loop_sums_by_dot_products(rng, k, m) -> None:
    w, x = rng.standard_normal(k), rng.standard_normal(m)
    y = rng.standard_normal(m - k + 1)
    check_grad(taps, w, x, y, wrt=(0, 1, 2))
    g = s2sad.grad(taps)
    g(w, x, y)
    assert "np.correlate(" in g.source  # (one correlation, not a dot product per tap)


def test_strided_segments(rng) -> None:
    check_grad(taps_strided, rng.standard_normal(3), rng.standard_normal(8), wrt=(0, 1))


def pairwise_1d(x):
    d = x[:, None] - x[None, :]
    return np.sum(np.tanh(d) * d)


def row_norms_scale(A):
    r = np.sum(A * A, axis=-1)
    return np.sum(np.sin(r)[:, None] * A) + np.sum(np.sum(A, axis=0) * A)


def stacked_views(x):
    a = x[None, :, :]
    b = x[:, None, :]
    return np.sum((a - b) ** 2 * np.cos(a))


@pytest.mark.parametrize("f, shape", [(pairwise_1d, (5,)), (pairwise_1d, (1,)),
                                      (row_norms_scale, (4, 3)), (row_norms_scale, (1, 3)),
                                      (stacked_views, (3, 2)), (stacked_views, (2, 1))])
def test_new_axes_and_axis_sums(rng, f, shape) -> None:
    check_grad(f, rng.standard_normal(shape))


def mean_cross_entropy(W, X, Y):
    logits = X @ W
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


@pytest.mark.parametrize("classes", [3, 1])
def test_spread_of_a_computed_number(rng, classes) -> None:
    """repeat_to(-(1 / n), Y * logp) * Y is -(1 / n) * Y: Y * logp is not computed."""
    W, X = rng.standard_normal((4, classes)), rng.standard_normal((5, 4))
    Y = np.eye(classes)[rng.integers(0, classes, 5)]
    check_grad(mean_cross_entropy, W, X, Y)
    g = s2sad.grad(mean_cross_entropy)
    g(W, X, Y)
    code = "\n".join(line for line in g.source.splitlines() if not line.lstrip().startswith("#"))
    assert "repeat_to" not in code and "Y * logp" not in code, code


@pytest.mark.parametrize("n", [3, 1])
def test_transposes_of_arguments_are_not_kept(rng, n) -> None:
    """F.T and H.T are read again from F and H in the reverse sweep, not pushed."""
    F = np.eye(n) + 0.1 * rng.standard_normal((n, n))
    args = (F, 0.1 * np.eye(n), rng.standard_normal((2, n)), rng.standard_normal((4, 2)),
            np.zeros(n), np.eye(n))
    check_grad(kalman_like, *args, wrt=(0, 1))
    g = s2sad.grad(kalman_like, wrt=(0, 1))
    g(*args)
    kept = [line for line in g.source.splitlines() if re.fullmatch(
        r"\s*\w+ = (np\.transpose\([FH]\)|[FH]\.T)", line)]
    assert kept == []  # no name holds them, so none is pushed each step


# ----- shape kinds declared beside the rules (rules.facts.defshape) -----

from scipy.special import log_softmax, logsumexp  # noqa: E402


def xent_lse(W, X, y):
    logits = X @ W
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(logp[np.arange(X.shape[0]), y])


def xent_log_softmax(W, X, y):
    logp = log_softmax(X @ W, axis=-1)
    return -np.sum(logp[np.arange(X.shape[0]), y]) / X.shape[0]


def weighted_lse(W, X, w):
    return np.sum(logsumexp(X @ W, axis=0, b=w))  # b broadcasts: not a plain reduction


def lse_rows(W, X):
    return np.sum(logsumexp(X @ W, axis=1) ** 2)


@pytest.mark.parametrize("fn", [xent_lse, xent_log_softmax])
@pytest.mark.parametrize("n, k", [(5, 3), (1, 4), (6, 1)])
def test_cross_entropy_adjoints_are_plain_where_shapes_are_known(rng, fn, n, k) -> None:
    W, X = rng.standard_normal((4, k)), rng.standard_normal((n, 4))
    y = rng.integers(0, k, n)
    check_grad(fn, W, X, y)
    g = s2sad.grad(fn)
    g(W, X, y)
    if n > 1 and k > 1:
        assert "unbroadcast" not in g.source and "repeat_to" not in g.source


@pytest.mark.parametrize("fn, m", [(weighted_lse, 3), (lse_rows, 3), (lse_rows, 1)])
def test_logsumexp_reductions(rng, fn, m) -> None:
    W, X = rng.standard_normal((4, m)), rng.standard_normal((5, 4))
    args = (W, X, rng.uniform(0.5, 2.0, (5, m))) if fn is weighted_lse else (W, X)
    check_grad(fn, *args)


def test_a_reduction_with_weights_or_a_sign_is_not_followed() -> None:
    import gast
    facts = dims.Facts.over({"a": ("n", "m")}, {"logsumexp": logsumexp, "np": np})
    of = lambda src: facts.of(gast.parse(src).body[0].value)  # noqa: E731
    assert of("logsumexp(a, axis=1, keepdims=True)") == ("n", 1)
    assert of("np.sum(a, axis=0)") == ("m",)
    assert of("logsumexp(a, axis=1, b=a)") is None
    assert of("logsumexp(a, axis=1, return_sign=True)") is None


def scalar_kalman(q, r, ys):
    m, p, ll = 0.0, 1.0, 0.0
    for t in range(ys.shape[0]):
        p = p + q
        s = p + r
        k = p / s
        v = ys[t] - m
        ll = ll - 0.5 * (np.log(2 * np.pi * s) + v * v / s)
        m = m + k * v
        p = (1 - k) * p
    return -ll


def circle_loop(x):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + math.pi * x[i] ** 2 + np.e * x[i]
    return total


def tau_loop(a, xs):
    acc = a
    for t in range(xs.shape[0]):
        acc = acc * math.tau / (1.0 + np.euler_gamma * xs[t] ** 2)
    return acc


@pytest.mark.parametrize("fn, args, closed", [
    (scalar_kalman, lambda rng: (0.1, 0.5, rng.standard_normal(12)), None),
    (circle_loop, lambda rng: (rng.standard_normal(6),),
     lambda x: 2 * math.pi * x + np.e),
    (tau_loop, lambda rng: (0.7, rng.standard_normal(5)), None),
])
def test_module_constants_are_numbers(rng, fn, args, closed) -> None:
    """np.pi, math.tau, np.e in a loop: numbers, so the loop's values are numbers
    (no shape pushed per trip, no unbroadcast); a scalar Kalman filter went 19.6x ->
    1.8x its function's time."""
    values = args(rng)
    check_grad(fn, *values)
    g = s2sad.grad(fn)
    result = g(*values)
    if closed is not None:
        np.testing.assert_allclose(result, closed(values[0]), rtol=1e-12)
    assert "shape_of" not in g.source and "unbroadcast" not in g.source


def kalman_solved(F, Q, ys):
    n = F.shape[0]
    H = np.eye(2, n)
    m, P, nll = np.zeros(n), np.eye(n), 0.0
    for y in ys:
        m = F @ m
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + 0.1 * np.identity(2)
        v = y - H @ m
        K = np.linalg.solve(S, H @ P).T
        m = m + K @ v
        P = P - K @ S @ K.T
        nll = nll + 0.5 * (v @ np.linalg.solve(S, v) + np.log(np.linalg.det(S)))
    return nll


def solved_matrix(A, B):
    X = np.linalg.solve(A, B)
    return np.sum(X ** 2) + np.sum(np.linalg.solve(A, B[:, 0]) * np.arange(A.shape[0]))


def solved_batch(A, b):
    return np.sum(np.linalg.solve(A, b[..., None]) ** 2)


@pytest.mark.parametrize("n", [2, 3])
def test_kalman_with_solves_and_a_rectangular_eye(rng, n) -> None:
    """``np.eye(2, n)`` is (2, n): the filter's shapes are known, and both adjoints of
    each ``solve(S, b)`` share one ``solve(S.T, g)`` (no helper left); the second solve's
    is a product with the inverse ``det``'s adjoint takes (shared_factors)."""
    F = np.eye(n) + 0.1 * rng.standard_normal((n, n))
    args = (F, 0.1 * np.eye(n), rng.standard_normal((4, 2)))
    check_grad(kalman_solved, *args, wrt=(0, 1))
    g = s2sad.grad(kalman_solved, wrt=(0, 1))
    g(*args)
    assert "solve_lhs_adjoint" not in g.source and "unbroadcast" not in g.source
    assert g.source.count("np.linalg.solve(S.T") == 1 and "S_inv.T @ (v * dlog)" in g.source


@pytest.mark.parametrize("k", [1, 3])
def test_solve_of_a_matrix_right_hand_side(rng, k) -> None:
    A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    check_grad(solved_matrix, A, rng.standard_normal((3, k)), wrt=(0, 1))


def test_batched_solve_keeps_its_helper(rng) -> None:
    """A stack of matrices broadcasts: the general adjoint stays, and is right."""
    A = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    check_grad(solved_batch, A, rng.standard_normal((2, 3)), wrt=(0, 1))


def test_eye_identity_arange_shapes() -> None:
    import gast
    facts = dims.Facts.over({"x": ("a", "b")}, {"np": np})
    facts.sizes = {"n": "a", "m": "b"}
    for src, shape in [("np.eye(n)", ("a", "a")), ("np.eye(2, m)", (2, "b")),
                       ("np.eye(n, m, k=1)", ("a", "b")), ("np.identity(m)", ("b", "b")),
                       ("np.arange(n)", ("a",)), ("np.arange(0, n)", None)]:
        assert facts.of(gast.parse(src).body[0].value) == shape, src


def test_popped_names_take_the_shapes_pushed_there() -> None:
    """``c, d = stack.pop()`` paired (``s2sad_slot``) with ``stack.append((a, b))``: c is
    shaped like a, d like b; a name pushed and popped under its own name keeps its one
    definition (passes read a name assigned once as that value)."""
    import gast

    from s2sad.compiler import dims
    body = gast.parse("a = x * 2.0\nb = np.sum(x)\nstack.append((a, b, x))\n"
                      "c, d, x = stack.pop()\ne = y\nstack.append(e)\nf = stack.pop()\n").body
    body[2].s2sad_slot = body[3].s2sad_slot = 0
    body[5].s2sad_slot = body[6].s2sad_slot = 1
    facts = dims.Facts(body, {"x": ("n",), "y": (2, 3)}, set(), {"np": np})
    assert (facts.shapes["c"], facts.shapes["d"], facts.shapes["f"]) == (("n",), (), (2, 3))
    assert len(facts.defs.get("x", ())) == 0


def rosen_vectorised(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def scaled_square_sum(x, w):
    return np.sum(3.0 * (x * w) ** 2)


def rosen_closed(x):
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


@pytest.mark.parametrize("n", [2, 6])
def test_spread_one_inside_a_product(rng, n) -> None:
    """The adjoint of ``np.sum(c * e ** 2)`` is ``c * 2 * e``: the spread 1.0 between the
    numbers and ``e`` goes (no repeat_to); Rosenbrock against its closed form."""
    x = rng.standard_normal(n)
    np.testing.assert_allclose(s2sad.grad(rosen_vectorised)(x), rosen_closed(x), rtol=1e-12)
    g = s2sad.grad(rosen_vectorised)
    g(x)
    assert "repeat_to" not in g.source and "add_at" not in g.source


@pytest.mark.parametrize("w_shape", [(4,), (1,), (3, 4)])
def test_spread_inside_a_product_that_broadcasts(rng, w_shape) -> None:
    check_grad(scaled_square_sum, rng.standard_normal(4), rng.standard_normal(w_shape),
               wrt=(0, 1))


def test_reductions_over_tuples_of_axes() -> None:
    import gast
    facts = dims.Facts.over({"d": ("c", "b"), "x": ("a", "b", "c")}, {"np": np})
    for src, shape in [("np.sum(d, axis=(1,), keepdims=True)", ("c", 1)),
                       ("np.sum(x, axis=(0, -1))", ("b",)),
                       ("np.mean(x, axis=(0, 2), keepdims=True)", (1, "b", 1)),
                       ("np.sum(x, axis=(0, 0))", None), ("np.sum(x, axis=3)", None)]:
        assert facts.of(gast.parse(src).body[0].value) == shape, src


def softmax_mlp(W1, W2, X, Y):
    z = np.tanh(X @ W1) @ W2
    z = z - np.max(z, axis=1, keepdims=True)
    return -np.sum(Y * (z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_returned_gradients_keep_the_arguments_dtype(rng, dtype) -> None:
    """float64 arguments: the gradients are returned as they are (no cast_like, proved
    float64 arrays of the arguments' shapes); float32 ones: cast back to float32."""
    W1, W2 = rng.standard_normal((4, 5)), rng.standard_normal((5, 3))
    X, Y = rng.standard_normal((6, 4)), np.eye(3)[rng.integers(0, 3, 6)]
    args = [a.astype(dtype) for a in (W1, W2, X, Y)]
    g = s2sad.grad(softmax_mlp, wrt=(0, 1))
    grads = g(*args)
    assert [d.dtype for d in grads] == [dtype, dtype]
    assert ("cast_like" in g.source) == (dtype is np.float32)
    if dtype is np.float64:
        check_grad(softmax_mlp, *args, wrt=(0, 1))
