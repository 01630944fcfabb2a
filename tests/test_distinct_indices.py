"""The adjoint of a gather at an index holding an ``np.arange`` that picks no element
twice (cross-entropy's ``logp[np.arange(n), labels]``) is a plain write into zeros,
not a scatter-add (``distinct_indices``); where the index may pick an element twice (an
``arange`` broadcast over a longer index, a negative start, an ``arange`` written
into) the scatter-add stays.  Each against central differences, and the generated
source checked for which one it took."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def cross_entropy(z, labels):
    m = np.max(z, axis=1, keepdims=True)
    logp = z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(z.shape[0]), labels])


def picked_from_one(x, labels):
    rows = np.arange(1, x.shape[0], 2)  # (one index array, a slice, a number)
    return np.sum(np.sin(x[rows, 1:]) ** 2) + np.sum(x[rows, 0] ** 3)


def picked_in_3d(x, labels):
    n = x.shape[0]
    return np.sum(x[np.arange(n), :, labels] ** 2)


def one_row_broadcast(x, labels):
    return np.sum(x[np.arange(1), labels] ** 3)  # (row 0, picked once per label)


def negative_start(x, labels):
    return np.sum(x[np.arange(-2, 2), labels] ** 3)  # (-2 is row 0 again)


def arange_written(x, labels):
    rows = np.arange(x.shape[0])
    rows[1] = 0
    return np.sum(x[rows, labels] ** 3)  # (row 0 twice)


def _source(f, *args) -> str:
    """The source of the derivative made for these arguments (their shapes known)."""
    g = s2sad.grad(f)
    g(*args)
    return g.source


DISTINCT = [(cross_entropy, (6, 4)), (picked_from_one, (6, 3)), (picked_in_3d, (4, 2, 3))]
REPEATED = [(one_row_broadcast, (3, 4), 5), (negative_start, (2, 3), 4),
            (arange_written, (3, 4), 3)]


@pytest.mark.parametrize("f, shape", DISTINCT, ids=lambda v: getattr(v, "__name__", ""))
def test_distinct_rows_written_plainly(f, shape) -> None:
    r = _rng(13)
    x = r.standard_normal(shape)
    n = shape[0]
    labels = r.integers(0, shape[-1], n)
    labels[:2] = shape[-1] - 1  # (a label repeated: the rows still differ)
    check_grad(f, x, labels)
    source = _source(f, x, labels)
    assert "add_at(" not in source and "add_flat(" not in source
    assert "zeros_like(" in source


@pytest.mark.parametrize("f, shape, count", REPEATED, ids=lambda v: getattr(v, "__name__", ""))
def test_repeated_positions_scatter_added(f, shape, count) -> None:
    r = _rng(14)
    x = r.standard_normal(shape)
    labels = np.zeros(count, dtype=int)  # (every label the same: positions repeat)
    labels[-1] = shape[-1] - 1
    g = check_grad(f, x, labels)
    assert np.abs(g).max() > 0
    source = _source(f, x, labels)
    assert "add_at(" in source or "add_flat(" in source  # (a scatter-add, either way)


def test_cross_entropy_closed_form() -> None:
    r = _rng(15)
    z, labels = r.standard_normal((7, 5)), r.integers(0, 5, 7)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(7), labels] -= 1.0
    np.testing.assert_allclose(s2sad.grad(cross_entropy)(z, labels), p / 7, rtol=1e-12,
                               atol=1e-14)
