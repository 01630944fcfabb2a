"""Control flow: branches on data, loops with data-dependent trip counts,
break / continue / early return, loops that build arrays and lists, helper
calls, and parameters held in dicts and lists.

Inputs are chosen away from branch boundaries, so the finite differences
never cross one; branches are tested on both sides."""
from __future__ import annotations

import copy
import functools
import math

import numpy as np
import pytest

import s2sad
from golden_functions import newton_sqrt
from gradcheck import (
    assert_tree_close,
    assert_unchanged,
    check_grad,
    check_hessian,
    check_jvp,
    normal,
)

# ------------------------------------------------------------------ branches


def piecewise(x):
    if x > 0.0:
        y = x * x
    elif x > -1.0:
        y = 3.0 * x
    else:
        y = -x ** 3
    return y


def if_without_else(x, c):
    y = x
    if x > c:
        y = c + 0.1 * (x - c)
    return y * x


def branch_on_array(x):
    if np.sum(x) > 0.0:
        return np.sum(x ** 2)
    return np.sum(np.sin(x))


def ternary_and_boolean(x):
    y = x * x if x > 0.0 else -x
    if x > -2.0 and x < 2.0:
        y = y * 3.0
    if 0.5 < x < 1.5 or x < -3.0:
        y = y + math.sin(x)
    return y


@pytest.mark.parametrize("x, expected", [(2.0, 4.0), (-0.5, 3.0), (-2.0, -12.0)])
def test_if_elif_else_every_branch(x, expected):
    g = check_grad(piecewise, x)
    assert_tree_close(g, expected)


@pytest.mark.parametrize("x, expected", [(3.0, 0.1 * 3.0 + (1.0 + 0.1 * 2.0)), (0.5, 1.0)])
def test_if_without_else_both_sides(x, expected):
    g = check_grad(if_without_else, x, 1.0)
    assert_tree_close(g, expected)


@pytest.mark.parametrize("x", [np.array([1.0, 2.0, -0.5]), np.array([-1.0, 0.3, -0.5])])
def test_branch_on_array_data(x):
    check_grad(branch_on_array, x)
    check_jvp(branch_on_array, x)


@pytest.mark.parametrize("x", [1.0, 0.3, -1.0, -2.5, -4.0, 3.0])
def test_ternary_and_boolean_operators(x):
    check_grad(ternary_and_boolean, x)


# --------------------------------------------------------------------- loops


def power_loop(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def floor_bound_loop(x):
    y = x
    for _ in range(math.floor(x)):
        y = np.sin(y) + x
    return y


def while_halving(x):
    while x > 1.0:
        x = x / 2.0
    return x


def while_accumulate(x):
    s = 0.0
    t = x
    while t < 10.0:
        s = s + t * t
        t = t + 1.0
    return s


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_for_range_zero_one_many(n):
    g = check_grad(power_loop, 1.3, n)
    assert_tree_close(g, n * 1.3 ** (n - 1) if n else 0.0)


@pytest.mark.parametrize("x", [0.5, 1.5, 3.3])
def test_for_range_with_data_dependent_bound(x):
    check_grad(floor_bound_loop, x)
    check_jvp(floor_bound_loop, x)


@pytest.mark.parametrize("x, expected", [(0.7, 1.0), (1.7, 0.5), (13.0, 1 / 16)])
def test_while_data_dependent(x, expected):
    g = check_grad(while_halving, x)
    assert_tree_close(g, expected)


@pytest.mark.parametrize("x", [12.0, 9.5, 2.5])
def test_while_accumulating(x):
    check_grad(while_accumulate, x)


def loop_break(x, n):
    y = x
    for _ in range(n):
        if y > 5.0:
            break
        y = y * y + 0.5
    return y


def loop_continue(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + math.sin(i * x)
    return s


def early_return_in_loop(x):
    y = x
    for i in range(10):
        y = 1.5 * y + math.cos(y)
        if y > 20.0:
            return y * i
    return y


def nested_loops(x):
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(i + 1):
            s = s + x[i] * x[j] * (j + 1)
    return s


@pytest.mark.parametrize("x, n", [(1.2, 10), (0.3, 1), (0.3, 0), (6.0, 3)])
def test_break(x, n):
    check_grad(loop_break, x, n)


def test_continue():
    g = check_grad(loop_continue, 0.4)
    assert_tree_close(g, sum(i * math.cos(i * 0.4) for i in (1, 3, 5)))


@pytest.mark.parametrize("x", [0.2, 3.0, -30.0])
def test_early_return(x):
    check_grad(early_return_in_loop, x)


def test_nested_loops(rng):
    x = normal(rng, 4)
    check_grad(nested_loops, x)
    check_jvp(nested_loops, x)


# ------------------------------------------------------ numerical algorithms


def newton_cubic(a, tol=1e-12):
    y = 1.0
    f = y ** 3 + y - a
    while abs(f) > tol:
        y = y - f / (3.0 * y ** 2 + 1.0)
        f = y ** 3 + y - a
    return y


@pytest.mark.parametrize("a", [10.0, 3.0, -0.5])
def test_newton_solve_matches_implicit_derivative(a):
    g = check_grad(newton_cubic, a)
    y = newton_cubic(a)
    assert_tree_close(g, 1.0 / (3.0 * y ** 2 + 1.0), rtol=1e-8)


def euler_decay(y0, k, dt, n):
    y = y0
    for _ in range(n):
        y = y + dt * (-k * y)
    return y


def euler_linear_system(A, y0):
    y = y0
    for _ in range(20):
        y = y + 0.05 * (A @ y)
    return np.sum(y ** 2)


def test_euler_scalar_closed_form():
    y0, k, dt, n = 2.0, 0.7, 0.1, 30
    dy0, dk = check_grad(euler_decay, y0, k, dt, n, wrt=("y0", "k"))
    assert_tree_close(dy0, (1 - k * dt) ** n)
    assert_tree_close(dk, y0 * n * (1 - k * dt) ** (n - 1) * -dt)


def test_euler_linear_system(rng):
    A, y0 = 0.3 * normal(rng, 3, 3), normal(rng, 3)
    check_grad(euler_linear_system, A, y0, wrt=(0, 1))


def rnn_loss(W, U, b, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t] + b)
    return np.sum(h ** 2)


def test_rnn_50_steps(rng):
    W, U, b = 0.4 * normal(rng, 4, 4), 0.5 * normal(rng, 4, 3), 0.1 * normal(rng, 4)
    xs = normal(rng, 50, 3)
    check_grad(rnn_loss, W, U, b, xs, wrt=(0, 1, 2))
    check_jvp(rnn_loss, W, U, b, xs, wrt=(0, 2))


# ------------------------------------------------- building arrays and lists


def fill_in_place(x):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = x[i] ** 2 + np.sin(x[i])
    return np.sum(y * y)


def fill_from_previous(x):
    y = np.zeros_like(x)
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * 0.5 + np.sin(x[i]) * y[i - 1] + x[i]
    return np.sum(y ** 2)


def overwrite_twice(x):
    y = x * 1.0
    y[1] = y[0] * y[2]
    y[1] = y[1] * x[1]
    return np.sum(y * x)


def append_then_stack(x):
    rows = []
    for i in range(4):
        rows.append(np.sin(x * (i + 1)))
    M = np.stack(rows)
    return np.sum(M ** 2)


def append_then_sum(x):
    terms = []
    for k in range(1, 6):
        terms.append(x ** k / k)
    return sum(terms)


def comprehensions(x):
    ys = [math.cos(x * k) for k in range(4)]
    zs = [y * y for y in ys if y > -2.0]
    return sum(ys) + sum(zs)


def array_comprehension(x):
    M = np.stack([x[i] * x for i in range(x.shape[0])])
    return np.sum(np.tanh(M))


@pytest.mark.parametrize("f", [fill_in_place, fill_from_previous, overwrite_twice,
                               append_then_stack, array_comprehension])
def test_array_building_loops(f, rng):
    x = normal(rng, 5)
    saved = x.copy()
    check_grad(f, x)
    check_jvp(f, x)
    np.testing.assert_array_equal(x, saved)


def test_list_append_then_sum():
    g = check_grad(append_then_sum, 0.8)
    assert_tree_close(g, sum(0.8 ** (k - 1) for k in range(1, 6)))


def test_list_comprehension():
    check_grad(comprehensions, 0.9)


# --------------------------------------------------------------- helpers


def _square_plus(a, b):
    return a * a + b


def _geometric(x, n):
    s = 0.0
    for k in range(n):
        s = s + x ** k
    return s


def _twice_helper(x):
    return _square_plus(x, x) * 2.0


def calls_helpers(x, y):
    return _square_plus(x, y) * _geometric(y, 4) + _twice_helper(x)


def test_helper_calls():
    x, y = 0.7, 1.3
    dx, dy = check_grad(calls_helpers, x, y, wrt=(0, 1))
    geo, dgeo = 1 + y + y * y + y ** 3, 1 + 2 * y + 3 * y * y
    assert_tree_close(dx, 2 * x * geo + 2 * (2 * x + 1))
    assert_tree_close(dy, geo + (x * x + y) * dgeo)


# ------------------------------------------------------- structured parameters


def mlp_params(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    out = params["W2"] @ h + params["b2"]
    return np.sum(out ** 2)


def deep_net(layers, x):
    h = x
    for W, b in layers:
        h = np.tanh(W @ h + b)
    return np.sum(h)


def scalar_list(ws, x):
    return ws[0] * x + ws[1] * x * x + ws[0] * ws[1]


def test_dict_of_params(rng):
    params = {"W1": normal(rng, 4, 3), "b1": normal(rng, 4),
              "W2": normal(rng, 2, 4), "b2": normal(rng, 2)}
    x = normal(rng, 3)
    saved = copy.deepcopy(params)
    g = check_grad(mlp_params, params, x)
    assert list(g) == list(params)
    assert_unchanged(saved, params)


def test_list_of_layer_tuples(rng):
    layers = [(normal(rng, 4, 3), normal(rng, 4)), (normal(rng, 2, 4), normal(rng, 2))]
    saved = copy.deepcopy(layers)
    g = check_grad(deep_net, layers, normal(rng, 3))
    assert isinstance(g, list) and all(isinstance(t, tuple) for t in g)
    assert_unchanged(saved, layers)


def test_list_of_floats():
    g = check_grad(scalar_list, [0.5, -1.5], 2.0)
    assert_tree_close(g, [2.0 - 1.5, 4.0 + 0.5])


def _product(a, b):
    return a * b - b


def swapped_helper_arguments(a, b):
    """A helper called with the caller's names in the other order (a past bug)."""
    if a > b:
        o = _product(a, b)
    else:
        o = _product(b, a)
    return o


@pytest.mark.parametrize("a, b", [(2.0, 0.5), (0.5, 2.0)])
def test_helper_called_with_swapped_names(a, b):
    check_grad(swapped_helper_arguments, a, b, wrt=(0, 1))


def raises_when_negative(x):
    if x < 0:
        raise ValueError("x must not be negative")
    return x * x * 3.0


def test_raise_before_the_return():
    check_grad(raises_when_negative, 1.5)
    assert s2sad.jvp(raises_when_negative)(1.5, 1.0) == (6.75, 9.0)
    with pytest.raises(ValueError, match="must not be negative"):
        s2sad.grad(raises_when_negative)(-1.0)


def enumerate_of_zip(xs, ys):
    s = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        s = s + i * a * b
    return s


def zip_pairs(xs, ys):
    s = 0.0
    for pair in zip(xs, ys):
        s = s + pair[0] * pair[1] ** 2
    return s


def zip_with_reversed(xs, ys):
    s = 0.0
    for a, b in zip(xs, reversed(ys)):
        s = s + a * b * b
    return s


@pytest.mark.parametrize("f", [enumerate_of_zip, zip_pairs, zip_with_reversed])
def test_nested_iterators(f):
    xs, ys = np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.25, 2.0])
    check_grad(f, xs, ys, wrt=(0, 1))
    check_jvp(f, xs, ys, wrt=(0, 1))


# ----- a break's branch flag: on the tape only when the reverse sweep reads it -----

def break_on_value(x, n):
    s = 0.0
    for _ in range(n):
        if s > 2.0:  # the branch that breaks also scales s: the reverse reads the flag
            s = s * 0.5
            break
        s = s + x * x
    return s


def nested_breaks(x, n):
    s = x
    for i in range(n):
        for j in range(3):
            if j > i:  # integer flags only: nothing to undo
                break
            s = np.sin(s) + 0.1 * x
        if i > 2:
            break
    return s


@pytest.mark.parametrize("f, args, flags", [
    (newton_sqrt, (2.0,), set()),  # a counter's test: nothing to undo in either branch
    (break_on_value, (1.1, 6), {"cmp"}),
    (break_on_value, (0.5, 6), {"cmp"}),  # never breaks: the other branch every time
    (nested_breaks, (0.7, 6), {"cmp"}),  # the inner if undoes a line, the outer nothing
])
def test_break_flags_on_the_tape_only_when_read(f, args, flags) -> None:
    check_grad(f, *args)
    check_jvp(f, *args)  # forward mode: no tape, the same branches
    of_x = f if len(args) == 1 else functools.partial(f, n=args[1])
    check_hessian(of_x, args[0])  # second order: through the pruned tape
    g = s2sad.grad(f)
    g(*args)
    popped = {line.split("=")[0].strip() for line in g.source.splitlines()
              if "stack.pop()" in line}
    assert {name for name in popped if name.startswith("cmp")} == flags, g.source
