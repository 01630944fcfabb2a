"""Pairwise distances of embeddings, ``sq[:, None] + sq[None, :] - 2.0 * E @ E.T``, and
the hardest pairs picked by ``np.max``/``np.min`` of opposite ``np.where`` masks
(batch-hard metric learning): the adjoint of the scaled Gram product read through its
scaled and negated operands (:mod:`s2sad.compiler.matmul_scales`), the two masked
extrema's adjoints met in one choice (:mod:`s2sad.compiler.choice_lines`).  Checked
against central differences and the benchmark's hand-written gradient, written three
ways besides the benchmark's, with both sides of each mask taken."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen17 import triplet_hard, triplet_hard_grad
from gradcheck import check_grad, grad_code


def contrastive_sq(W, X, labels, margin):
    """The scale on the left and negative: ``-2 * E @ E.T + ...``; a hinge on the gap."""
    E = np.tanh(X @ W)
    sq = np.sum(E * E, axis=1)
    D = -2 * E @ E.T + sq[:, None] + sq[None, :]
    same = labels[:, None] == labels[None, :]
    pos = np.max(np.where(same, D, -np.inf), axis=1)
    neg = np.min(np.where(same, np.inf, D), axis=1)
    return np.sum(np.maximum(margin + pos - neg, 0.0) ** 2)


def halved_right(W, X, labels, margin):
    """The scale on the right operand, ``E @ (0.5 * E).T``, a mask named once."""
    E = X @ W
    G = E @ (0.5 * E).T
    sq = np.diag(G)
    D = sq[:, None] + sq[None, :] - 4.0 * G
    other = labels[:, None] != labels[None, :]
    far = np.max(np.where(other, -np.inf, D), axis=1)
    near = np.min(np.where(other, D, np.inf), axis=1)
    return np.mean(np.log1p(np.exp(margin + far - near)))


def hardest_only(E, labels):
    """The embeddings themselves, only the hardest negatives (one extremum)."""
    sq = np.sum(E ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * E @ E.T
    same = labels[:, None] == labels[None, :]
    return np.sum(np.sqrt(np.min(np.where(same, np.inf, D), axis=1) + 1.0))


def _data(n=8, d=3, m=2, classes=2, seed=3):
    r = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    X = r.standard_normal((d * 0 + classes, d))[labels] + 0.8 * r.standard_normal((n, d))
    return r.standard_normal((d, m)) / np.sqrt(d), X, labels


def test_benchmark_triplet_closed_form_and_differences():
    W, X, labels = _data()
    dW = s2sad.grad(triplet_hard)(W, X, labels, 0.5)
    np.testing.assert_allclose(dW, triplet_hard_grad(W, X, labels, 0.5)[0], rtol=1e-10,
                               atol=1e-12)
    check_grad(triplet_hard, W, X, labels, 0.5)
    code = grad_code(triplet_hard, W, X, labels, 0.5)
    assert "dE = (dD.T @ E + dD @ E) * -2.0" in code  # (no -dD, no 2 * E made again)
    assert code.count("np.where(") == 3  # (two masks forward, one choice back)


@pytest.mark.parametrize("margin", [0.2, 50.0])  # the hinge active for some rows / all
def test_contrastive_sq(margin):
    W, X, labels = _data(seed=5)
    check_grad(contrastive_sq, W, X, labels, margin)
    assert "@ E" in grad_code(contrastive_sq, W, X, labels, margin)


def test_contrastive_sq_hinge_off():
    W, X, labels = _data(seed=5)
    assert np.all(s2sad.grad(contrastive_sq)(W, X, labels, -100.0) == 0.0)


@pytest.mark.parametrize("margin", [-1.0, 3.0])
def test_halved_right(margin):
    W, X, labels = _data(n=9, d=4, m=3, classes=3, seed=11)
    check_grad(halved_right, W, X, labels, margin)


def test_hardest_only():
    _, X, labels = _data(n=7, seed=2)
    check_grad(hardest_only, X, labels)
    E = X
    sq = np.sum(E ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * E @ E.T
    D = np.where(labels[:, None] == labels[None, :], np.inf, D)
    j = np.argmin(D, axis=1)
    g = 0.5 / np.sqrt(D[np.arange(len(j)), j] + 1.0)
    expected = np.zeros_like(E)
    for i, k in enumerate(j):  # d D[i, k] / d E[i] = 2 (E[i] - E[k]), / d E[k] = -that
        expected[i] += 2.0 * g[i] * (E[i] - E[k])
        expected[k] -= 2.0 * g[i] * (E[i] - E[k])
    np.testing.assert_allclose(s2sad.grad(hardest_only)(X, labels), expected, rtol=1e-10,
                               atol=1e-12)
