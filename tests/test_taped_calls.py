"""compiler/taped_calls.py: a number a reversed loop would compute again by a ufunc (or
from element reads) is popped where the forward loop pushes anyway; where nothing else
is pushed it is computed again (the forward loop can go).  And runtime/sorts.py: the
sort's adjoint put back by its permutation.  Gradients against central differences,
branches both ways, values that are arrays (never taped)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

R = np.random.default_rng(4811)
TIMES = np.cumsum(R.exponential(0.5, 9))
XS = R.standard_normal(9)


def recursion(beta, mu, times):
    A = 0.0
    total = np.log(mu)
    for i in range(1, times.shape[0]):
        A = np.exp(-beta * (times[i] - times[i - 1])) * (1.0 + A)
        total = total + np.log(mu + 0.5 * A)
    return total


def branchy(beta, x):
    A = 1.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            A = np.exp(-beta * x[i]) * A + np.sin(x[i])
        else:
            A = A * np.tanh(beta + x[i])
    return A


def sum_of_sines(w, x):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + np.sin(x[i] * w) * w
    return total


def array_state(beta, x):
    v = np.ones(3)
    for i in range(x.shape[0]):
        e = np.exp(-beta * x[i] * np.arange(3.0))  # (an array: recomputed, not taped)
        v = e * v + x[i]
    return np.sum(v * v)


def _loops_exp_calls(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)  # (the variant for these kinds of arguments: numbers known)
    code = [line for line in g.source.splitlines() if not line.strip().startswith("#")]
    return sum("np.exp(" in line for line in code), g.source


def test_recursion_pops_the_exp() -> None:
    check_grad(recursion, 0.7, 1.3, TIMES, wrt=(0, 1))
    check_jvp(recursion, 0.7, 1.3, TIMES, wrt=(0, 1))
    count, source = _loops_exp_calls(recursion, 0.7, 1.3, TIMES)
    assert count == 1, source  # (the forward loop's; the reversed loop pops it)


@pytest.mark.parametrize("x", [XS, np.abs(XS), -np.abs(XS)], ids=["mixed", "all-if", "all-else"])
def test_branches_both_ways(x) -> None:
    check_grad(branchy, 0.4, x, wrt=(0, 1))
    check_jvp(branchy, 0.4, x, wrt=(0, 1))


def test_nothing_else_pushed_computes_again() -> None:
    check_grad(sum_of_sines, 0.8, XS, wrt=(0, 1))
    check_hessian(lambda w: sum_of_sines(w, XS), 0.8)
    g = s2sad.grad(sum_of_sines, wrt=(0, 1))
    g(0.8, XS)
    assert "stack" not in g.source and "np.sin(" in g.source


def test_array_values_are_not_taped() -> None:
    check_grad(array_state, 0.3, XS[:5], wrt=(0, 1))
    check_hessian(lambda b: array_state(b, XS[:5]), 0.3)


def test_recursion_second_order() -> None:
    check_hessian(lambda b: recursion(b, 1.3, TIMES), 0.7)


def sliced(P, Y):
    return np.mean((np.sort(P, axis=0) - np.sort(Y, axis=0)) ** 2)


def rows_sorted(P):
    return np.sum(np.sort(P, axis=1)[:, :2] * np.arange(1.0, 3.0))


def flat_sorted(P):
    return np.sum(np.sort(P, axis=None) * np.arange(P.size))


P = R.standard_normal((6, 4))
TIED = np.round(R.standard_normal((6, 4)), 0)  # (ties: the stable order)


@pytest.mark.parametrize("f, args", [(sliced, (P, P[::-1] + 1.0)), (rows_sorted, (P,)),
                                     (flat_sorted, (P,))], ids=["axis-0", "axis-1", "flat"])
def test_sort_adjoint_by_its_permutation(f, args) -> None:
    check_grad(f, *args)
    check_jvp(f, *args)


def test_sort_adjoint_with_ties_takes_the_stable_order() -> None:
    g = s2sad.grad(rows_sorted)(TIED)
    order = np.argsort(TIED, axis=1, kind="stable")
    expected = np.zeros_like(TIED)
    np.put_along_axis(expected, order[:, :2], np.broadcast_to([1.0, 2.0], (6, 2)), axis=1)
    np.testing.assert_array_equal(g, expected)


def sorted_in_a_loop(P):
    total = 0.0
    for k in range(3):
        s = np.sort(P * (k + 1.0), axis=0)
        total = total + np.sum(s * np.arange(6.0)[:, None])
    return total


def test_sort_taken_once_where_the_adjoint_needs_the_order() -> None:
    """The whole sorted array read: one permutation, the values taken by it; an order
    statistic (``[:, :2]``): the partition-based adjoint; in a loop: per trip, as before."""
    for f, args, once in [(sliced, (P, P[::-1] + 1.0), True), (rows_sorted, (P,), False),
                          (flat_sorted, (P,), True)]:
        check_grad(f, *args)
        g = s2sad.grad(f)
        g(*args)
        assert ("unsort(" in g.source) == once and ("sort_adjoint(" in g.source) != once
    check_grad(sorted_in_a_loop, P)
    check_hessian(lambda p: sliced(p.reshape(6, 4), P), P.ravel())


def test_sort_taken_once_with_ties_takes_the_stable_order() -> None:
    """At ties the gradient is the stable sort's (differences would average the tied)."""
    g = s2sad.grad(flat_sorted)(TIED)
    expected = np.empty(TIED.size)
    expected[np.argsort(TIED, axis=None, kind="stable")] = np.arange(TIED.size)
    np.testing.assert_array_equal(g, expected.reshape(TIED.shape))
    g = s2sad.grad(sliced)(TIED, P)
    order = np.argsort(TIED, axis=0, kind="stable")
    expected = np.empty(TIED.shape)
    np.put_along_axis(expected, order, 2.0 * (np.sort(TIED, axis=0) - np.sort(P, axis=0))
                      / TIED.size, axis=0)
    np.testing.assert_allclose(g, expected, rtol=1e-14)


def sorted_list(x):
    xs = [x[0] * 2.0, x[1], x[2] * x[2]]
    s = np.sort(xs, axis=0)
    return np.sum(s * np.arange(3.0))


def test_sort_taken_once_of_a_list() -> None:
    """``np.sort`` of a list: the values taken from ``np.asarray`` of it."""
    x = np.array([0.3, -1.0, 0.9])
    g = check_grad(sorted_list, x)
    np.testing.assert_allclose(g, [2.0, 0.0, 3.6], rtol=1e-14)
    check_hessian(sorted_list, x)
