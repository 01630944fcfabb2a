"""The ``contract`` pass's stacks of matrix products: a sum over one axis of the product
of a weight matrix spread along a last axis and a whole array of pairs
(``np.sum(np.expand_dims(W, -1) * D, axis=1)``) written as ``(W[:, None, :] @ D)[:, 0, :]``
(``contract_plan._batched``); the adjoint of a periodic pairwise difference, whose
minimum image is no difference of two views.  Checked against central differences
(first and second order, forward mode), with the forms it must leave alone: a batch
that would not lead the product, a broadcast weight, an array written between."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

rng = np.random.default_rng(47)


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


def periodic_pairs(pos, box):
    """A soft pair energy under the minimum image: the adjoint of ``d`` summed over
    each of the two particle axes, both stacks of products."""
    d = pos[:, None, :] - pos[None, :, :]
    d = d - box * np.round(d / box)
    r2 = np.sum(d * d, axis=-1)
    return np.sum(np.exp(-r2))


def weighted_rows(W, D):
    """The forward sum itself: weights (n, m) against a whole (n, m, k) array."""
    return np.sum(np.sin(np.sum(np.expand_dims(W, -1) * D, axis=1)))


def weighted_columns(D, w):
    """The weights second, the sum over the first axis (a batch of the second)."""
    return np.sum(np.sum(D * w[:, :, None], axis=0) ** 2)


def test_periodic_pairs_against_differences():
    for n, k in ((6, 3), (5, 2), (2, 3)):
        box = 2.5
        pos = rng.uniform(0.0, box, (n, k))
        check_grad(periodic_pairs, pos, box)
        check_jvp(periodic_pairs, pos, box)
    assert "@" in _source(periodic_pairs, rng.uniform(0.0, 2.5, (6, 3)), 2.5)
    check_hessian(lambda p: periodic_pairs(p, 2.5), rng.uniform(0.0, 2.5, (4, 3)))


def test_forward_sums_against_differences():
    W, D = rng.standard_normal((4, 5)), rng.standard_normal((4, 5, 3))
    check_grad(weighted_rows, W, D, wrt=(0, 1))
    check_jvp(weighted_rows, W, D, wrt=(0, 1))
    assert "W[:, None, :] @ D" in _source(weighted_rows, W, D, wrt=(0, 1))
    w = rng.standard_normal((4, 5))
    check_grad(weighted_columns, D, w, wrt=(0, 1))
    check_jvp(weighted_columns, D, w, wrt=(0, 1))
    assert "@" in _source(weighted_columns, D, w, wrt=(0, 1))


def last_axis_pairs(A, B):
    """``A`` of (n, k) against ``B`` of (m, n, k), summed over ``k``: the batch ``n``
    would come after the free axis ``m`` (left as the product summed)."""
    return np.sum(np.tanh(np.sum(A[None, :, :] * B, axis=-1)))


def broadcast_weight(W, D):
    """A weight of one column broadcast along the second axis: no view of the frame."""
    return np.sum(np.sum(np.expand_dims(W, -1) * D, axis=1) ** 2)


def written_between(W, D):
    """``E`` written into after the product is made: the sum reads what it held."""
    E = D * 1.0
    p = np.expand_dims(W, -1) * E
    E[0] = 0.0
    return np.sum(np.sum(p, axis=1) ** 2) + np.sum(E ** 2)


def test_where_it_does_not_apply():
    A, B = rng.standard_normal((4, 3)), rng.standard_normal((5, 4, 3))
    check_grad(last_axis_pairs, A, B, wrt=(0, 1))
    assert "@" not in _source(last_axis_pairs, A, B, wrt=(0, 1)).split("# adjoint")[0]
    W1, D = rng.standard_normal((4, 1)), rng.standard_normal((4, 5, 3))
    check_grad(broadcast_weight, W1, D, wrt=(0, 1))
    check_jvp(broadcast_weight, W1, D, wrt=(0, 1))
    W = rng.standard_normal((4, 5))
    check_grad(written_between, W, D, wrt=(0, 1))
    check_jvp(written_between, W, D, wrt=(0, 1))


def test_on_another_array_library():
    """The stacks of products and their transposes in the array API's spelling
    (``xp.permute_dims``, batched ``@``): the same numbers on array-api-strict arrays."""
    st = pytest.importorskip("array_api_strict")
    pos = rng.uniform(0.0, 2.5, (5, 3))
    want = s2sad.grad(periodic_pairs)(pos, 2.5)
    W, D = rng.standard_normal((4, 5)), rng.standard_normal((4, 5, 3))
    for f, args, wrt in ((weighted_rows, (W, D), (0, 1)), (weighted_columns, (D, W), (0, 1))):
        expected = s2sad.grad(f, wrt=wrt)(*args)
        got = s2sad.grad(f, wrt=wrt)(*(st.asarray(a) for a in args))
        for a, e in zip(got, expected):
            np.testing.assert_allclose(np.asarray(a), e, rtol=1e-12, atol=1e-12)
    got = s2sad.grad(periodic_pairs)(st.asarray(pos), 2.5)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12)
