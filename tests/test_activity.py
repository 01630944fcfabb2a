"""compiler/activity.py: the maximum subtracted before a softmax carries no gradient
(the output does not depend on it); everywhere else it does. Gradients are checked
against finite differences in every case, with ties in the maximum too."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian
from s2sad.compiler import activity, pipeline


def log_softmax_nll(W, X, Y):
    logits = X @ W
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp)


def softmax_weighted(x, v):
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    p = e / np.sum(e, axis=-1, keepdims=True)
    return np.sum(p * v)


def shift_used_elsewhere(x):
    z = x - np.max(x, axis=1, keepdims=True)
    e = np.exp(z)
    return np.sum(e / np.sum(e, axis=1, keepdims=True)) + np.sum(z * z)


def logsumexp(x):
    m = np.max(x, axis=0, keepdims=True)
    return np.sum(m + np.log(np.sum(np.exp(x - m), axis=0, keepdims=True)))


def max_read_twice(x):
    m = np.max(x, axis=0, keepdims=True)
    lse = m + np.log(np.sum(np.exp(x - m), axis=0, keepdims=True))
    return np.sum(lse) + np.sum(m * m)


def other_axis(x):
    z = x - np.max(x, axis=0, keepdims=True)
    return np.sum(z - np.log(np.sum(np.exp(z), axis=1, keepdims=True)))


def log_of_no_sum(x):
    """``m + np.log(...)`` looks like a logsumexp, but the log takes no sum: the maximum
    keeps its gradient (this shape once crashed the matcher)."""
    m = np.max(x, axis=1, keepdims=True)
    y = np.exp(x - m)
    return np.sum(m + np.log(y * y + 1.0))


def log_of_a_product(x):
    m = np.max(x, axis=0, keepdims=True)
    return np.sum(m + np.log(np.prod(np.exp(x - m), axis=0, keepdims=True) + 1.0))


def log_of_a_name(x):
    m = np.max(x, axis=1, keepdims=True)
    s = np.exp(x - m) + 0.5
    return np.sum(m + np.log(s))


def shifted(fn) -> set:
    prep = pipeline.prepare(fn)
    return activity.shift_only_maxima(prep.node, prep.namespace)


def test_softmax_shifts_are_found() -> None:
    assert shifted(log_softmax_nll) and shifted(softmax_weighted) and shifted(logsumexp)


@pytest.mark.parametrize("fn", [shift_used_elsewhere, max_read_twice, other_axis,
                                log_of_no_sum, log_of_a_product, log_of_a_name])
def test_other_uses_of_the_maximum_keep_its_gradient(fn) -> None:
    assert not shifted(fn)


def test_gradients_with_the_shift_dropped(rng) -> None:
    W, X = rng.standard_normal((4, 3)), rng.standard_normal((5, 4))
    Y = np.eye(3)[[0, 2, 1, 1, 0]]
    check_grad(log_softmax_nll, W, X, Y)
    x, v = rng.standard_normal((2, 5)), rng.standard_normal((2, 5))
    check_grad(softmax_weighted, x, v, wrt=(0, 1))
    x[0, 1] = x[0, 3] = 2.5  # a tie in the maximum
    check_grad(softmax_weighted, x, v, wrt=(0, 1))
    g = s2sad.grad(log_softmax_nll)
    g(W, X, Y)
    assert "extremum" not in g.source  # no adjoint for the maximum


@pytest.mark.parametrize("fn", [shift_used_elsewhere, logsumexp, max_read_twice, other_axis,
                                log_of_no_sum, log_of_a_product, log_of_a_name])
def test_gradients_where_the_maximum_counts_or_not(fn, rng) -> None:
    check_grad(fn, rng.standard_normal((3, 4)))


def test_second_order_through_a_softmax(rng) -> None:
    v = rng.standard_normal(4)

    def f(x):
        return softmax_weighted(x, v)
    check_hessian(f, rng.standard_normal(4))


def test_container_results_and_reductions_are_read_from_the_rules() -> None:
    """What a function returns (a container, a reduction's number) is declared beside its
    rules (rules.facts.defshape); the compiler keeps only its own helpers."""
    from s2sad.compiler import activity
    from s2sad.rules import facts
    for fn in (np.split, np.array_split, np.meshgrid, np.linalg.slogdet, list, tuple, dict):
        assert facts.shape_kind(fn) == "container" and activity._is_container_key(fn)
    assert not activity._is_container_key(np.tanh)
    assert facts.shape_kind(np.linalg.norm) == "reduction"
