"""compiler/recompute.py: a branch flag the reverse sweep would pop is computed there
again when it is a cheap expression of the loop counter, the parameters and numbers
bound once; a flag that depends on what the loop carries stays on the tape.  Every
case on both sides of its branch, gradients against finite differences."""
import numpy as np
import pytest

import s2sad
from backend_programs import element_loop
from gradcheck import check_grad, check_jvp


def above_threshold(x, c):
    total = 0.0
    for i in range(x.shape[0]):
        if x[i] * 2.0 > c + 1.0:
            total = total + np.sin(x[i])
        else:
            total = total + x[i] ** 3
    return total


def even_steps(x, n):
    s = x
    for i in range(n):
        if i % 2 == 0:
            s = s * 1.5
        else:
            s = np.tanh(s)
    return s


def carried(x):
    """The flag reads the running total: it must come from the tape."""
    total = 0.0
    for i in range(x.shape[0]):
        if total > 1.0:
            total = total * 0.5 + x[i]
        else:
            total = total + x[i] * x[i]
    return total


def _forward_loops(g) -> int:
    return sum(1 for line in g.source.splitlines()
               if line.strip().startswith("for ") and "reversed" not in line)


@pytest.mark.parametrize("x", [np.array([1.0, -2.0, 3.0, 0.5]),
                               np.array([-1.0, -0.5, -3.0]), np.array([2.0, 0.1])])
def test_an_element_loops_flag_is_tested_again_in_the_reverse_sweep(x) -> None:
    check_grad(element_loop, x)
    g = s2sad.grad(element_loop)
    np.testing.assert_allclose(g(x), np.where(x > 0, 2 * x, -2.0))  # closed form
    assert "stack" not in g.source and _forward_loops(g) == 0
    assert "cmp = x_items[i] > 0" in g.source


@pytest.mark.parametrize("c", [-10.0, 0.3, 10.0])  # every side, then both
def test_a_flag_from_a_parameter_and_an_element(c) -> None:
    x = np.array([0.9, -0.4, 0.2, 1.3])
    check_grad(above_threshold, x, c, wrt=0)
    g = s2sad.grad(above_threshold)
    g(x, c)
    assert "stack" not in g.source


@pytest.mark.parametrize("n", [0, 1, 4, 5])
def test_a_flag_from_the_counter(n) -> None:
    check_grad(even_steps, 0.7, n)
    check_jvp(even_steps, 0.7, n)


@pytest.mark.parametrize("x", [np.array([0.3, 0.4, 0.2]), np.array([1.5, 0.2, -0.3, 0.9])])
def test_a_flag_that_reads_the_carried_value_stays_on_the_tape(x) -> None:
    check_grad(carried, x)
    g = s2sad.grad(carried)
    g(x)
    assert "stack.pop()" in g.source


def sum_by_key(params):
    s = 0.0
    for k in params.keys():
        s = s + np.sum(params[k]) * 2.0
    return s


def weighted_list(ws, x):
    total = 0.0
    for i in range(len(ws)):
        total = total + np.sum(np.tanh(ws[i] * x)) * (i + 1)
    return total


def signed_by_key(params):
    s = 0.0
    for k in params:
        if np.sum(params[k]) > 0:
            s = s + np.sum(params[k] ** 2)
        else:
            s = s - np.sum(params[k])
    return s


def test_an_item_of_a_list_read_only_by_item_is_taken_again() -> None:
    """``k = keys[i]`` (``keys = list(params)``, only ever indexed) is read again in the
    reverse sweep: no tape, no forward loop."""
    p = {"W": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array([3.0])}
    g = s2sad.grad(sum_by_key)
    out = g(p)
    np.testing.assert_allclose(out["W"], 2.0 * np.ones((2, 2)))  # closed form
    np.testing.assert_allclose(out["b"], [2.0])
    assert "stack" not in g.source
    check_grad(sum_by_key, p)


@pytest.mark.parametrize("n", [1, 3])
def test_a_list_of_arrays_looped_by_index(rng, n) -> None:
    ws = [rng.standard_normal(3) for _ in range(n)]
    check_grad(weighted_list, ws, rng.standard_normal(3), wrt=(0, 1))


@pytest.mark.parametrize("signs", [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0)])
def test_a_flag_read_from_a_dict_item_both_ways(rng, signs) -> None:
    p = {"a": signs[0] * rng.uniform(0.5, 1.0, 3), "b": signs[1] * rng.uniform(0.5, 1.0, 2)}
    check_grad(signed_by_key, p)
    closed = {k: 2 * v if np.sum(v) > 0 else -np.ones_like(v) for k, v in p.items()}
    out = s2sad.grad(signed_by_key)(p)
    for k in p:
        np.testing.assert_allclose(out[k], closed[k])


def rectangle(A, x):
    total = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            total = total + np.tanh(A[i, j] * x[j])
    return total


def triangle(A):
    total = 0.0
    for i in range(A.shape[0]):
        for j in range(i):
            total = total + A[i, j] * A[j, i]
    return total


def ragged(ws):
    total = 0.0
    for i in range(len(ws)):
        for j in range(len(ws[i])):
            total = total + np.sin(ws[i][j])
    return total


@pytest.mark.parametrize("shape", [(3, 4), (1, 2), (4, 1)])
def test_an_inner_loops_bound_from_a_shape_is_taken_again(rng, shape) -> None:
    A, x = rng.standard_normal(shape), rng.standard_normal(shape[1])
    check_grad(rectangle, A, x, wrt=(0, 1))
    g = s2sad.grad(rectangle, wrt=(0, 1))
    g(A, x)
    assert "stack" not in g.source  # no tape: not even the inner loop's bound


@pytest.mark.parametrize("n", [1, 2, 4])
def test_an_inner_loop_bounded_by_the_outer_counter(rng, n) -> None:
    A = rng.standard_normal((n, n))
    check_grad(triangle, A)
    np.testing.assert_allclose(s2sad.grad(triangle)(A), np.tril(A.T, -1) + np.triu(A.T, 1))


def test_inner_bounds_of_a_ragged_list(rng) -> None:
    ws = [rng.standard_normal(3), rng.standard_normal(1), rng.standard_normal(2)]
    check_grad(ragged, ws)
