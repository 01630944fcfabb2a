"""Fast paths of the runtime's flat writes (``np.fill_diagonal``, ``np.put``,
``a.flat[i] = v``): the values of a write with one value per position are not cycled
(``cycled``), their adjoint not scattered (``uncycled``), and the adjoint of a written
part whose positions surely never repeat not sorted out by last write (``written_part``,
``_distinct``).  Each against NumPy's own general path, and the gradients of such writes
against central differences, where positions repeat (the last write wins) and where
they do not."""
import numpy as np
import pytest

from gradcheck import check_grad
from s2sad.runtime import gathers, writes


@pytest.mark.parametrize("v, n", [(0.0, 4), (3, 4), (np.arange(4.0), 4),
                                  (np.arange(2.0), 5), (np.arange(6.0).reshape(2, 3), 6),
                                  (np.arange(7.0), 3), (np.array(2.5), 1)])
def test_cycled_is_numpys_resize_and_new(v, n):
    at = (np.arange(n),)
    out = gathers.cycled(v, at)
    expected = np.resize(np.asarray(v), (n,))
    assert out.dtype == expected.dtype and np.array_equal(out, expected)
    assert not np.shares_memory(out, np.asarray(v))


@pytest.mark.parametrize("t_size, v_shape", [(4, (4,)), (6, (2, 3)), (5, (2,)), (3, (7,))])
def test_uncycled_is_the_scatter(t_size, v_shape):
    t = np.random.default_rng(0).standard_normal(t_size)
    v = np.zeros(v_shape)
    expected = np.zeros(v.size)
    np.add.at(expected, np.arange(t_size) % v.size, t)
    out = gathers.uncycled(t, v, (np.arange(t_size),))
    assert out.shape == v_shape and np.array_equal(out.ravel(), expected)
    assert not np.shares_memory(out, t)


@pytest.mark.parametrize("idx, distinct", [
    ((np.arange(4), np.arange(4)), True),  # (a diagonal)
    ((np.array([0, 2, 3]),), True),
    ((np.array([1, 1, 2]),), False),  # (a position twice)
    ((np.array([-1, 0]),), False),  # (-1 may be the last, or the first, element)
    ((np.array([[0, 1]]),), False),  # (two axes: not looked at)
    ((np.array([0, 1]), np.array([2])), False),  # (broadcast)
    ((np.array([True, False]),), False),  # (a mask)
    ((np.array([2, 1]), np.array([0, 0])), False),
])
def test_distinct_positions(idx, distinct):
    assert writes._distinct(idx) is distinct


def test_written_part_of_repeated_positions_is_the_last_write():
    g = np.arange(1.0, 6.0)
    assert np.array_equal(writes.written_part(g, (np.array([1, 1, 3]),)), [0.0, 2.0, 4.0])
    assert np.array_equal(writes.written_part(g, (np.array([0, 2, 4]),)), [1.0, 3.0, 5.0])


@pytest.mark.parametrize("idx, shape, distinct", [
    (np.tril_indices(4), (4, 4), True),  # (rows repeat, pairs do not)
    (np.triu_indices(3, 1), (3, 5), True),
    ((np.array([0, 1, 1]), np.array([2, 3, 3])), (4, 4), False),
    ((np.array([0, -4]), np.array([1, 1])), (4, 4), False),  # (-4 is row 0)
    ((np.array([2, 0]),), (3, 2), True),  # (rows of a matrix)
    ((np.array([0, 1]), np.array([1, 1]), np.array([0, 0])), (2, 2), False),  # (3 axes)
])
def test_distinct_flat_positions(idx, shape, distinct):
    assert writes._distinct_positions(idx, shape) is distinct


def test_written_part_of_pairs_repeated_or_not():
    g = np.arange(16.0).reshape(4, 4)
    pairs = (np.array([0, 1, 1]), np.array([2, 3, 3]))
    assert np.array_equal(writes.written_part(g, pairs), [2.0, 0.0, 7.0])
    rows, cols = np.tril_indices(4)
    assert np.array_equal(writes.written_part(g, (rows, cols)), g[rows, cols])
    assert np.array_equal(writes.written_part(g, (np.array([0, -4]), np.array([1, 1]))),
                          [0.0, 1.0])


def packed_cholesky_loglik(L_flat, X):
    """A covariance from a packed lower triangle (``L[np.tril_indices(d)] = L_flat``)."""
    d = X.shape[1]
    L = np.zeros((d, d))
    L[np.tril_indices(d)] = L_flat
    S = L @ L.T + 0.5 * np.eye(d)
    return 0.5 * np.sum((X @ np.linalg.inv(S)) * X) + 0.5 * X.shape[0] * \
        np.linalg.slogdet(S)[1]


def test_packed_cholesky_loglik():
    r = np.random.default_rng(4)
    check_grad(packed_cholesky_loglik, 0.5 * r.standard_normal(6), r.standard_normal((9, 3)),
               wrt=(0, 1))


def rates(theta, w):
    Q = np.exp(theta)
    np.fill_diagonal(Q, 0.0)
    np.fill_diagonal(Q, -np.sum(Q, axis=1))
    return np.sum(np.sin(Q) * w)


def tall_wrap(a, v):
    b = a * 1.0
    np.fill_diagonal(b, v * 2.0, wrap=True)
    return np.sum(b * b * np.arange(1.0, b.size + 1.0).reshape(b.shape))


def put_repeated(a, v):
    b = np.tanh(a)
    np.put(b, [0, 3, 0], v)  # (position 0 twice: the last value stays)
    return np.sum(b ** 3)


def put_short(a, v):
    b = np.tanh(a)
    np.put(b, [1, 2, 4, 5], v)  # (two values, cycled over four positions)
    return np.sum(b ** 3)


def test_flat_writes_against_central_differences():
    r = np.random.default_rng(1)
    check_grad(rates, r.normal(-1.0, 0.3, (4, 4)), r.standard_normal((4, 4)), wrt=(0, 1))
    check_grad(tall_wrap, r.standard_normal((7, 3)), r.standard_normal(3), wrt=(0, 1))
    check_grad(put_repeated, r.standard_normal(5), r.standard_normal(3), wrt=(0, 1))
    check_grad(put_short, r.standard_normal(6), r.standard_normal(2), wrt=(0, 1))
