"""Element loops that add into windows of one array (compiler/element_windows.py): finite
element assembly ``K[2 * e:2 * e + 4, 2 * e:2 * e + 4] += c * ke`` runs for all elements
at once as one scatter-add (overlapping windows sum), whose adjoint gathers the windows.

Checked against central differences (and forward mode): square, rectangular and 1-D
windows, overlapping and not, a number, an array or their product added, a scale chosen
by a data-dependent ``if`` (each way); and the loops that must stay loops, with exact
gradients: a window written that is not the one read (a value carried from trip to
trip), the array read elsewhere in the trip, a window that may run past the end (Python
clips it), the write under an ``if``, two windows written, an alias of the array.
"""
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_source
from test_slice_adds import beam  # (beam elements sharing two dofs: windows overlap by 2)


def _loops(src: str) -> int:
    return sum(line.lstrip().startswith("for e ") for line in src.splitlines())


def _at_once(f, *args, wrt=0):
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    src = grad_source(f, *args, wrt=wrt)
    assert _loops(src) == 0 and "scatter_add" in src, src
    return src


def _kept(f, *args, wrt=0):
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    assert _loops(grad_source(f, *args, wrt=wrt)) >= 1


def springs(k, W):
    """Springs between neighbours: 2 x 2 windows overlapping by 1, a number times a
    constant matrix written as ``ke * c`` (the block first)."""
    n = len(k)
    ke = np.array([[1.0, -1.0], [-1.0, 1.0]])
    K = np.eye(n + 1)
    for e in range(n):
        K[e:e + 2, e:e + 2] += ke * k[e] ** 2
    return np.sum(K * W) + np.sum(np.linalg.inv(K) * W)


def loads_1d(w, x):
    """A load vector: 1-D windows of 3, overlapping by 1, of a shape vector."""
    n = len(w)
    shape = np.array([1.0, 4.0, 1.0]) / 6.0
    f = np.zeros(2 * n + 1)
    for e in range(n):
        f[2 * e:2 * e + 3] += w[e] * np.sin(x[2 * e + 1]) * shape
    return np.sum(f * x) + np.sum(f ** 2)


def test_assembled_at_once(rng):
    log_E = 0.3 * rng.standard_normal(20)
    loads = np.zeros(40)
    loads[0::2] = -1.0 / 20 + 0.01 * rng.standard_normal(20)
    src = _at_once(beam, log_E, loads, wrt=(0, 1))
    assert "np.vdot" not in src
    _at_once(springs, rng.random(20) + 0.5, rng.standard_normal((21, 21)), wrt=(0, 1))
    _at_once(loads_1d, rng.standard_normal(20), rng.standard_normal(41), wrt=(0, 1))


def literal_in_loop(k, W):
    """The element matrix written as a literal in the loop (the same in every trip)."""
    n = len(k)
    K = np.eye(n + 1)
    for e in range(n):
        ke = k[e] / 0.5 * np.array([[1.0, -1.0], [-1.0, 1.0]])
        K[e:e + 2, e:e + 2] += ke
    return np.sum(np.linalg.inv(K) * W)


def literal_of_trip(k, W):
    """A literal that reads the trip's number: not the same in every trip (kept)."""
    n = len(k)
    K = np.eye(n + 1)
    for e in range(n):
        K[e:e + 2, e:e + 2] += np.array([[k[e], -1.0], [-1.0, 1.0]])
    return np.sum(np.linalg.inv(K) * W)


def test_literal_blocks(rng):
    k, W = rng.random(20) + 0.5, rng.standard_normal((21, 21))
    _at_once(literal_in_loop, k, W, wrt=(0, 1))
    _kept(literal_of_trip, k, W, wrt=(0, 1))


def rectangular(c, W):
    """Windows of 2 rows and 3 columns, rows moving by 1 and columns by 2: a number
    alone added to each (broadcast over the window)."""
    n = len(c)
    A = np.zeros((n + 1, 2 * n + 1))
    for e in range(n):
        A[e:e + 2, 2 * e:2 * e + 3] += c[e] * c[e]
    return np.sum(A * W) ** 2


def constant_block(c, W):
    """The same matrix added at each window (nothing of the trip), then scaled."""
    n = len(c)
    ke = np.array([[2.0, -1.0], [-1.0, 2.0]])
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        K[e:e + 2, e:e + 2] += ke
    return np.sum(K * W) * np.sum(c ** 2)


def chosen_scale(c, W):
    """The scale chosen by a data-dependent ``if`` (a mask), non-overlapping windows."""
    n = len(c)
    K = np.zeros((2 * n, 2 * n))
    ke = np.array([[1.0, 0.5], [0.5, 2.0]])
    for e in range(n):
        if c[e] > 0.0:
            s = c[e] ** 2
        else:
            s = np.exp(c[e])
        K[2 * e:2 * e + 2, 2 * e:2 * e + 2] += s * ke
    return np.sum(K * W)


@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_scales_at_once(sign, rng):
    """Scales of each sign alone (each branch alone) and of both."""
    c = sign * (0.5 + rng.random(18)) if sign else rng.standard_normal(18)
    _at_once(rectangular, c, rng.standard_normal((19, 37)), wrt=(0, 1))
    _at_once(chosen_scale, c, rng.standard_normal((36, 36)), wrt=(0, 1))
    check_grad(constant_block, c, rng.standard_normal((19, 19)), wrt=(0, 1))
    assert _loops(grad_source(constant_block, c, rng.standard_normal((19, 19)))) == 0


def test_no_element(rng):
    """No trip: nothing added, the gradient of the elements' parameters is empty."""
    import s2sad
    d = s2sad.grad(rectangular, wrt=(0, 1))(np.zeros(0), rng.standard_normal((1, 1)))
    assert d[0].shape == (0,) and np.allclose(d[1], 0.0)


# ----- loops that stay loops -----

def shifted(c):
    """The window written is one past the window read: each trip reads the last."""
    n = len(c)
    f = np.ones(n + 3)
    for e in range(n):
        f[e + 1:e + 3] = f[e:e + 2] + c[e]
    return np.sum(f ** 2)


def read_elsewhere(c):
    """The trip reads ``K[e, e]`` (written by the trip before) for its scale."""
    n = len(c)
    K = np.eye(n + 1)
    for e in range(n):
        s = K[e, e] * c[e]
        K[e:e + 2, e:e + 2] += s * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return np.sum(K ** 2)


def past_the_end(c):
    """``f[e:e + 4]`` of the last trips runs past the end: Python clips the window."""
    n = len(c)
    f = np.zeros(n + 1)
    for e in range(n):
        f[e:e + 4] += c[e] * np.array([1.0, 2.0, 3.0, 4.0])[:len(f[e:e + 4])]
    return np.sum(f ** 2)


def under_if(c):
    """Only some elements added (the write under a data-dependent ``if``)."""
    n = len(c)
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        if c[e] > 0.0:
            K[e:e + 2, e:e + 2] += c[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return np.sum(K ** 2)


def two_windows(c):
    n = len(c)
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        K[e:e + 2, e:e + 2] += c[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
        K[e, e] += c[e]
    return np.sum(K ** 2)


def data_start(c, starts):
    """Each window starts where an int array says (repeats overlap): not a form of the
    counter, so the loop stays."""
    n = len(c)
    f = np.zeros(n + 2)
    for e in range(n):
        s = starts[e]
        f[s:s + 2] += c[e] * c[e]
    return np.sum(f ** 2)


def chosen_start(c):
    """The start chosen by a data-dependent ``if``: the loop stays."""
    n = len(c)
    f = np.zeros(n + 2)
    for e in range(n):
        if c[e] > 0.0:
            s = e
        else:
            s = e + 1
        f[s:s + 2] += c[e]
    return np.sum(f ** 2)


def test_windows_placed_by_data_kept(rng):
    c = rng.standard_normal(18)
    starts = rng.integers(0, 18, 18)
    check_grad(data_start, c, starts)
    assert _loops(grad_source(data_start, c, starts)) >= 1
    for sign in (1.0, -1.0, 0.0):
        x = sign * (0.5 + rng.random(18)) if sign else c
        _kept(chosen_start, x)


def int_counts(c):
    """An int array: each trip's sum rounded as it is written (the loop stays)."""
    n = len(c)
    counts = np.zeros((n + 1, n + 1), dtype=int)
    part = 0.6 * np.ones((2, 2))
    for e in range(n):
        counts[e:e + 2, e:e + 2] = counts[e:e + 2, e:e + 2] + part
    return np.sum(counts * c[0]) + np.sum(c ** 2)


def float_dtype(c):
    """``dtype=float`` said: assembled at once."""
    n = len(c)
    K = np.zeros((n + 1, n + 1), dtype=float)
    ke = np.array([[1.0, -1.0], [-1.0, 1.0]])
    for e in range(n):
        K[e:e + 2, e:e + 2] += c[e] * ke
    return np.sum(K ** 2)


def aliased(c):
    """``L`` is ``K`` itself: the sum read through it sees every window added."""
    n = len(c)
    K = np.zeros((n + 1, n + 1))
    L = K
    for e in range(n):
        K[e:e + 2, e:e + 2] += c[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return np.sum(L ** 3) + np.sum(K)


@pytest.mark.parametrize("f", [shifted, read_elsewhere, under_if, two_windows, int_counts])
@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_kept(f, sign, rng):
    c = sign * (0.5 + rng.random(18)) if sign else rng.standard_normal(18)
    _kept(f, c)


def test_clipped_and_aliased(rng):
    c = rng.standard_normal(18)
    _at_once(float_dtype, c)
    check_grad(past_the_end, c)
    check_jvp(past_the_end, c)
    check_grad(aliased, c)
    check_jvp(aliased, c)
    assert np.isclose(aliased(c), np.sum(_assembled(c) ** 3) + np.sum(_assembled(c)))


def _assembled(c):
    K = np.zeros((len(c) + 1, len(c) + 1))
    for e in range(len(c)):
        K[e:e + 2, e:e + 2] += c[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return K


# ----- windows picked by index arrays (a connectivity table) -----

def truss(k, conn, W):
    n = conn.shape[0]
    ke = np.array([[1.0, -1.0], [-1.0, 1.0]])
    K = np.eye(W.shape[0])
    for e in range(n):
        dofs = conn[e]
        K[dofs[:, None], dofs] += k[e] * ke
    return np.sum(np.linalg.inv(K) * W)


def truss_ix(k, conn, W):
    n = len(conn)
    K = np.eye(W.shape[0])
    for e in range(n):
        if k[e] > 0.0:
            s = k[e] ** 2
        else:
            s = np.exp(k[e])
        K[np.ix_(conn[e], conn[e])] += s * np.array([[2.0, -1.0], [-1.0, 2.0]])
    return np.sum(np.linalg.inv(K) * W)


def loads_picked(c, conn, x):
    """A load vector: 1-D windows picked by rows of a table."""
    n = conn.shape[0]
    f = np.zeros(len(x))
    fe = np.array([1.0, 2.0, 1.0])
    for e in range(n):
        f[conn[e]] += c[e] * fe
    return np.sum(f * x) + np.sum(f ** 2)


def _chain(m):
    return np.stack([np.arange(m - 1), np.arange(1, m)], 1)


@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_picked_by_rows_at_once(sign, rng):
    k = sign * (0.5 + rng.random(19)) if sign else rng.standard_normal(19)
    W = rng.standard_normal((20, 20))
    src = _at_once(truss, np.abs(k) + 0.5, _chain(20), W, wrt=(0, 2))
    assert "last_writes" in src
    _at_once(truss_ix, k, _chain(20), W, wrt=(0, 2))
    triples = np.stack([np.arange(0, 38, 2), np.arange(1, 39, 2), np.arange(2, 40, 2)], 1)
    _at_once(loads_picked, k, triples, rng.standard_normal(39), wrt=(0, 2))


def test_picked_twice_in_a_trip(rng):
    """A row that names a position twice (``[3, 3]``): Python's ``+=`` keeps the last
    element written there, not their sum; negative indices count from the end."""
    conn = _chain(20)
    conn[4] = [3, 3]
    conn[7] = [-1, 5]
    conn[9] = [9, -11]  # (-11 is 9: twice again)
    k, W = rng.random(19) + 0.5, rng.standard_normal((20, 20))
    _at_once(truss, k, conn, W, wrt=(0, 2))
    c, x = rng.standard_normal(19), rng.standard_normal(39)
    triples = np.stack([np.arange(0, 38, 2), np.arange(1, 39, 2), np.arange(2, 40, 2)], 1)
    triples[3] = [5, 6, 5]
    _at_once(loads_picked, c, triples, x, wrt=(0, 2))
    f = np.zeros(39)  # (the value itself: the last of the two 5s)
    for e in range(19):
        f[triples[e]] += c[e] * np.array([1.0, 2.0, 1.0])
    import s2sad
    value, _ = s2sad.value_and_grad(loads_picked)(c, triples, x)
    assert np.isclose(value, np.sum(f * x) + np.sum(f ** 2))


def same_rows(k, idx, W):
    """Every trip picks the same positions (nothing of the trip): the loop stays."""
    n = len(k)
    K = np.eye(W.shape[0])
    for e in range(n):
        K[idx[:, None], idx] += k[e] * np.ones((2, 2))
    return np.sum(K * W)


def test_picked_kept_and_out_of_range(rng):
    k, W = rng.random(19) + 0.5, rng.standard_normal((20, 20))
    _kept(same_rows, k, np.array([2, 5]), W, wrt=(0, 2))
    conn = _chain(20)
    conn[6] = [6, 25]
    import s2sad
    with pytest.raises(IndexError):
        truss(k, conn, W)
    with pytest.raises(IndexError):
        s2sad.grad(truss, wrt=(0, 2))(k, conn, W)


def test_picked_by_a_bool_table_kept(rng):
    """A table of bools picks by mask (not rows of positions): the loop stays."""
    k, W = rng.random(19) + 0.5, rng.standard_normal((20, 20))
    table = np.zeros((19, 20), dtype=bool)
    table[np.arange(19), np.arange(19)] = True
    table[np.arange(19), np.arange(1, 20)] = True

    def masked(k, table, W):
        K = np.eye(W.shape[0])
        for e in range(len(k)):
            rows = table[e]
            K[rows] += k[e]
        return np.sum(K * W)

    _kept(masked, k, table, W, wrt=(0, 2))


def _beam_of(log_E):
    loads = np.zeros(24)
    loads[0::2] = -0.1
    return beam(log_E, loads)


def test_second_order(rng):
    """Hessians through the scatter-add and its gather (forward over reverse)."""
    check_hessian(_beam_of, 0.3 * rng.standard_normal(12))
    import s2sad
    k, conn, W = rng.random(11) + 0.5, _chain(12), rng.standard_normal((12, 12))
    conn[3] = [4, 4]
    H = s2sad.hessian(truss)(k, conn, W)
    grad = s2sad.grad(truss)
    expected = [(grad(k + d, conn, W) - grad(k - d, conn, W)) / 2e-6
                for d in 1e-6 * np.eye(11)]
    np.testing.assert_allclose(H, expected, rtol=1e-4, atol=1e-5)
