"""A forward value whose last reads are reads of its shape (``zeros_like(prev)`` for its
adjoint, after its last gather) reads that shape from another value of its shape and
dtype (``compiler/shape_reads.py``), so it is freed at its last gather, not kept
through the reverse sweep; ``np.concatenate`` of float64 parts is float64
(``compiler/dtypes.py``: its zeros are those of another float64 array); an adjoint
scattered into fresh zeros is made right before its first reader (``compiler/sink.py``).

Each against central differences; the source checked for the shape read elsewhere
and the value deleted in the forward sweep; a value the reverse sweep reads keeps
its own zeros.
"""
import numpy as np

from gradcheck import check_grad, check_jvp, grad_code


def shifted_gather(a, rows, cols):
    s = np.cumsum(np.tanh(a), axis=1)
    prev = np.concatenate((np.ones((a.shape[0], 1)), s[:, :-1]), axis=1)
    return np.sum(np.log(1.0 + prev[rows, cols] ** 2) * s[rows, cols])


def stacked_gather(a, b, idx):
    both = np.vstack((np.sin(a), b * b))
    return np.sum(both[:, idx] ** 2) * np.sum(np.cos(a))


def read_in_reverse(a, rows, cols):
    s = np.cumsum(np.tanh(a), axis=1)
    prev = np.concatenate((np.ones((a.shape[0], 1)), s[:, :-1]), axis=1)
    return np.sum(prev[rows, cols] ** 2) + np.sum(np.sin(prev) * s)


def two_scatters(a, b, rows, cols):
    s = np.cumsum(np.tanh(a), axis=1)
    t = np.cumprod(1.0 + 0.1 * b * b, axis=1)
    return np.sum(s[rows, cols] * t[rows, cols]) + np.sum(s[:, -1] ** 2)


def _index(rng, n, m):
    return np.arange(n), rng.integers(0, m, n)


def test_freed_at_its_last_gather():
    rng = np.random.default_rng(0)
    for n, m in ((4, 3), (6, 5), (3, 7)):
        a = 0.5 * rng.standard_normal((n, m))
        rows, cols = _index(rng, n, m)
        check_grad(shifted_gather, a, rows, cols)
        check_jvp(shifted_gather, a, rows, cols)
        code = grad_code(shifted_gather, a, rows, cols)
        assert "zeros_like(prev)" not in code, code
        assert "del prev" in code and code.index("del prev") < code.index("dprev ="), code


def test_stacked_parts():
    rng = np.random.default_rng(1)
    for n, idx in ((5, np.array([0, 3])), (4, np.array([1, 1, 2])), (6, np.arange(6))):
        a, b = rng.standard_normal((2, n)), rng.standard_normal((3, n))
        check_grad(stacked_gather, a, b, idx, wrt=(0, 1))
        check_jvp(stacked_gather, a, b, idx, wrt=(0, 1))


def test_scatters_made_where_read():
    """The adjoints scattered into zeros (``dt``, then ``ds``) made right before their
    first reader (``sink``): not both alive while the other is summed."""
    rng = np.random.default_rng(3)
    for n, m in ((4, 3), (6, 5), (3, 7)):
        a, b = 0.5 * rng.standard_normal((n, m)), rng.standard_normal((n, m))
        rows, cols = _index(rng, n, m)
        check_grad(two_scatters, a, b, rows, cols, wrt=(0, 1))
        check_jvp(two_scatters, a, b, rows, cols, wrt=(0, 1))
    check_grad(shifted_gather, a, rows, cols)


def test_a_value_read_in_reverse_keeps_its_zeros():
    rng = np.random.default_rng(2)
    for n, m in ((4, 3), (5, 2), (2, 6)):
        a = 0.5 * rng.standard_normal((n, m))
        rows, cols = _index(rng, n, m)
        check_grad(read_in_reverse, a, rows, cols)
        check_jvp(read_in_reverse, a, rows, cols)
