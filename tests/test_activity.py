"""compiler/activity.py: the maximum subtracted before a softmax carries no gradient
(the output does not depend on it); everywhere else it does. Gradients are checked
against finite differences in every case, with ties in the maximum too."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian
from s2sad.compiler import pipeline, shifts


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
    return shifts.shift_only_maxima(prep.node, prep.namespace)


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


# ----- a full reduction, and a log-sum-exp added into a running sum -----

def lse_running_sum(w, xs):
    total = 0.0
    for x in xs:
        z = x * w
        m = np.max(z)
        total = total + m + np.log(np.sum(np.exp(z - m)))
    return total


def lse_of_a_vector(x):
    m = np.max(x)
    return 0.5 + m + np.log(np.sum(np.exp(x - m)))


def max_scaled_in_the_sum(x):
    m = np.max(x)
    return 2.0 * m + np.log(np.sum(np.exp(x - m)))  # not a log-sum-exp: m counts


def max_in_a_product_on_the_way(x):
    m = np.max(x)
    return (1.0 + m) * 3.0 + np.log(np.sum(np.exp(x - m)))


def max_over_rows_without_keepdims(x):
    m = np.max(x, axis=1)  # a row's maximum, not broadcast back: not a shift
    return np.sum(m) + np.log(np.sum(np.exp(x[0] - m[0])))


def test_full_reductions_and_running_sums_are_found() -> None:
    assert shifted(lse_of_a_vector)
    for fn in (max_scaled_in_the_sum, max_in_a_product_on_the_way,
               max_over_rows_without_keepdims):
        assert not shifted(fn), fn.__name__


def test_a_running_sum_of_log_sum_exps_over_a_list(rng) -> None:
    """A list of three arrays: the loop is unrolled, each maximum found shift-only."""
    w, xs = rng.standard_normal(5), [rng.standard_normal(5) for _ in range(3)]
    check_grad(lse_running_sum, w, xs, wrt=(0, 1))
    xs[1][2], xs[1][4] = 4.0 / w[2], 4.0 / w[4]  # a tie in one maximum of x * w
    check_grad(lse_running_sum, w, xs, wrt=(0, 1))
    g = s2sad.grad(lse_running_sum)
    g(w, xs)
    assert "extremum" not in g.source


@pytest.mark.parametrize("fn", [lse_of_a_vector, max_scaled_in_the_sum,
                                max_in_a_product_on_the_way])
def test_gradients_of_full_reductions(fn, rng) -> None:
    check_grad(fn, rng.standard_normal(6))
    x = rng.standard_normal(6)
    x[1] = x[4] = 3.0  # a tie in the maximum
    check_grad(fn, x)


def test_gradient_of_row_maxima_without_keepdims(rng) -> None:
    check_grad(max_over_rows_without_keepdims, rng.standard_normal((3, 4)))


# ----- the log-sum-exp with the kept axis dropped: m[:, 0] + log(np.sum(.., axis=1)) -----

def lse_rows_indexed(x):
    m = np.max(x, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(x - m), axis=1)))


def lse_rows_squeezed(x):
    m = np.max(x, axis=1, keepdims=True)
    return np.mean(np.squeeze(m, 1) + np.log(np.sum(np.exp(x - m), axis=1)))


def lse_columns_indexed(x):
    m = np.max(x, axis=0, keepdims=True)
    return np.sum((m[0, :] + np.log(np.sum(np.exp(x - m), axis=0))) ** 2)


def lse_dropped_and_kept(x):  # (n,) + (n, 1): an (n, n) sum, not a log-sum-exp
    m = np.max(x, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True)))


@pytest.mark.parametrize("fn", [lse_rows_indexed, lse_rows_squeezed, lse_columns_indexed])
def test_log_sum_exp_with_the_axis_dropped(rng, fn) -> None:
    assert shifted(fn)
    x = rng.standard_normal((4, 5))
    check_grad(fn, x)
    x[1, 0] = x[1, 3] = x[1].max() + 1.0  # a tie in the maximum: no adjoint to split
    check_grad(fn, x)
    g = s2sad.grad(fn)
    g(x)
    assert "extremum" not in g.source


def test_the_axis_dropped_from_one_part_only_keeps_the_gradient(rng) -> None:
    assert not shifted(lse_dropped_and_kept)
    check_grad(lse_dropped_and_kept, rng.standard_normal((3, 4)))
