"""Recursive calls taped (s2sad/recursion_tape.py): each recursive call runs the
function's VJP split at its seed, the reverse sweep replays the paused frames, so every
level runs forward once.  Against central differences in float64 (and closed forms):
trees of several shapes, a recursion with a data-dependent branch (both branches), one
through a helper and one through mutual recursion, divide-and-conquer over a list, a
recursive call inside a loop; the split itself (taped_split.py) and its refusals."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp
from s2sad.compiler.taped_split import split_source

# --- a recursive network over a binary tree of leaf vectors, any number of leaves ---


def _node(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    left = _node(W, b, leaves, lo, mid)
    right = _node(W, b, leaves, mid, hi)
    return np.tanh(W @ np.concatenate((left, right)) + b)


def tree_net(W, b, u, leaves):
    return np.sum((u * _node(W, b, leaves, 0, leaves.shape[0]) - 0.3) ** 2)


@pytest.mark.parametrize("n_leaves", [1, 2, 5, 8])  # a leaf alone, balanced, lopsided
def test_trees_of_several_shapes(n_leaves):
    rng = np.random.default_rng(n_leaves)
    d = 3
    args = (0.5 * rng.standard_normal((d, 2 * d)), 0.1 * rng.standard_normal(d),
            rng.standard_normal(d), rng.standard_normal((n_leaves, d)))
    check_grad(tree_net, *args, wrt=(0, 1, 2, 3))
    check_vjp(tree_net, *args, wrt=(0, 1))


# --- counted: each level runs its forward sweep once ---

CALLS = [0]


def counted(x):
    CALLS[0] += 1
    return np.sin(x)


@s2sad.defvjp(counted)
def _counted_vjp(g, ans, x):
    return (g * np.cos(x),)


def halves(x, lo, hi):
    if hi - lo == 1:
        return counted(x[lo])
    mid = (lo + hi) // 2
    return halves(x, lo, mid) * halves(x, mid, hi) + counted(x[lo]) * 0.1


def halves_loss(x):
    return halves(x, 0, x.shape[0])


def test_each_level_runs_forward_once():
    """16 leaves: 31 calls of ``halves``, one ``counted`` each; re-running the levels
    below for each level's adjoint (the untaped rule) would count 31 + 4 * 32."""
    x = np.linspace(0.1, 1.6, 16)
    df = s2sad.grad(halves_loss)
    df(x)
    CALLS[0] = 0
    got = df(x)
    assert CALLS[0] == 31
    check_grad(halves_loss, x)
    np.testing.assert_allclose(got, s2sad.grad(halves_loss)(x), rtol=1e-14)


# --- a data-dependent branch on a value the recursion computes ---


def damped(w, x, n):
    if n == 0:
        return x
    y = damped(w, x, n - 1)
    if np.sum(y) > 0.0:
        return np.tanh(w * y)
    return 0.5 * w * y + 0.2


def damped_loss(w, x):
    return np.sum(damped(w, x, 4) ** 2)


@pytest.mark.parametrize("x0, branch", [(1.3, "tanh"), (-2.0, "affine")])
def test_data_dependent_branch_both_ways(x0, branch):
    w = np.array([0.9, 1.1])
    x = np.array([x0, x0 * 0.5])
    y = x
    taken = set()
    for _ in range(4):  # which branch each level takes, to be sure both are tested
        taken.add("tanh" if np.sum(y) > 0 else "affine")
        y = np.tanh(w * y) if np.sum(y) > 0 else 0.5 * w * y + 0.2
    assert branch in taken
    check_grad(damped_loss, w, x, wrt=(0, 1))


def test_branch_closed_form():
    """One level of the affine branch: d/dw sum((0.5 w x + 0.2)^2) = (0.5 w x + 0.2) x."""
    w, x = np.array([0.7]), np.array([-3.0])
    dw = s2sad.grad(lambda w, x: np.sum(damped(w, x, 1) ** 2))(w, x)
    np.testing.assert_allclose(dw, (0.5 * w * x + 0.2) * x, rtol=1e-12)


# --- through a helper, and mutual recursion ---


def _cell(W, h):
    return np.tanh(W @ h) + 0.5 * h


def unrolled(W, h, n):
    return h if n == 0 else _cell(W, unrolled(W, h, n - 1))


def ping(x, c, n):
    return x * c if n == 0 else pong(np.sin(x) + c, c, n - 1)


def pong(x, c, n):
    return np.exp(-x) if n == 0 else ping(x * c, c, n - 1)


def test_recursion_through_a_helper():
    rng = np.random.default_rng(3)
    W, h = 0.4 * rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(lambda W, h: np.sum(unrolled(W, h, 5) ** 2), W, h, wrt=(0, 1))


@pytest.mark.parametrize("n", [0, 3, 4])
def test_mutual_recursion(n):
    check_grad(lambda x, c: np.sum(ping(x, c, n)), np.array([0.3, -0.2]), 0.8, wrt=(0, 1))


# --- divide and conquer over a list, and a recursion called in a loop ---


def list_sum(xs):
    if len(xs) == 1:
        return xs[0] ** 2
    mid = len(xs) // 2
    return list_sum(xs[:mid]) * 0.5 + list_sum(xs[mid:])


def test_divide_and_conquer_over_a_list():
    xs = [0.3, -1.2, 2.0, 0.7, 1.1]
    got = s2sad.grad(list_sum)(xs)
    check_grad(list_sum, xs)
    lefts = [2, 1, 1, 1, 0]  # how often each item is in a left half ([:mid]) on its way
    np.testing.assert_allclose(got, [2 * x * 0.5 ** k for x, k in zip(xs, lefts)],
                               rtol=1e-12)


def looped(w, x):
    total = 0.0
    for k in range(3):
        total = total + np.sum(unrolled(w, x * (k + 1), k + 1))
    return total


def test_recursive_call_in_a_loop():
    rng = np.random.default_rng(5)
    check_grad(looped, 0.3 * rng.standard_normal((2, 2)), rng.standard_normal(2),
               wrt=(0, 1))


def acc_rec(c, x, n):
    y = x if n == 0 else acc_rec(c, np.sin(x), n - 1)
    s = 0.0
    for k in range(3):  # the reverse sweep starts with this loop's: adjoints made before
        s = s + c[k] * y ** k  # the seed is read, then added into in place
    return s


def test_a_reverse_sweep_starting_with_a_loop():
    from s2sad import recursion_tape
    c, x = np.array([0.3, 0.5, -0.2]), np.array([0.4, 0.9])
    check_grad(lambda c, x: np.sum(acc_rec(c, x, 4) ** 2), c, x, wrt=(0, 1))
    made = recursion_tape._TAPED[acc_rec].s2sad_splits.splits.values()
    assert made and all(found[0] is not None for found in made)


# --- the split itself ---

VJP = '''def vjp_f(x, *, dout):
    # line 2: y = np.sin(x)
    y = np.sin(x)
    # adjoint of line 2
    dx = dout * np.cos(x)
    return y, cast_like(dx, x)
'''


def test_split_pauses_before_the_first_read_of_the_seed():
    text = split_source(VJP, "vjp_f", "dout")
    assert text == ('def vjp_f_taped(x):\n    # line 2: y = np.sin(x)\n    y = np.sin(x)\n'
                    '    dout = yield y\n    # adjoint of line 2\n    dx = dout * np.cos(x)\n'
                    '    yield cast_like(dx, x)\n')


LOOPED = '''def vjp_f(x, *, dout):
    y = np.sin(x)
    dx = zeros_like(x)
    for k in range(2):
        dx += dout * np.cos(x)
    return y, dx
'''


def test_new_zeros_before_the_pause_may_be_added_into():
    assert "dout = yield y\n    for k" in split_source(LOOPED, "vjp_f", "dout")


@pytest.mark.parametrize("made, value", [
    ("dx = y", "y"), ("dx = zeros_like(x)\n    z = dx", "y"), ("dx = zeros_like(x)", "dx")])
def test_but_not_an_array_the_forward_sweep_holds(made, value):
    source = LOOPED.replace("dx = zeros_like(x)", made).replace("return y,", f"return {value},")
    assert split_source(source, "vjp_f", "dout") is None


def test_split_when_the_first_statement_reads_the_seed():
    source = ('def vjp_f(x, *, dout):\n    # the seed first\n    s = dout * 2.0\n'
              '    return x, s\n')
    assert split_source(source, "vjp_f", "dout") == (
        'def vjp_f_taped(x):\n    dout = yield x\n    # the seed first\n'
        '    s = dout * 2.0\n    yield s\n')


@pytest.mark.parametrize("after", [
    "    y = write_at(y, 0, 0.0)\n",  # a restore into an array the value may be
    "    y[0] = 1.0\n",
    "    y = y * 2\n",  # the value rebound after the pause
])
def test_no_split_where_the_pause_could_change_the_value(after):
    source = VJP.replace("    return y,", after + "    return y,")
    assert split_source(source, "vjp_f", "dout") is None


def test_the_taped_call_in_the_generated_source():
    rng = np.random.default_rng(0)
    args = (rng.standard_normal((2, 4)), rng.standard_normal(2), rng.standard_normal(2),
            rng.standard_normal((4, 2)))
    df = s2sad.grad(tree_net, wrt=(0, 1))
    df(*args)
    assert "s2sad_active=(True, True, False, False, False)" in df.source
    assert "taped_value(" in df.source
    assert "user_cotangents" not in df.source


def nary(w, x, depth):
    if depth == 0:
        return np.sin(w * x)
    total = 0.0
    for k in range(3):  # three children, each a taped call inside the loop
        total = total + nary(w, x + 0.1 * k, depth - 1) * (k + 1)
    return np.tanh(0.3 * total)


@pytest.mark.parametrize("depth", [1, 3])
def test_a_loop_over_children_inside_the_recursion(depth):
    check_grad(lambda w, x: np.sum(nary(w, x, depth)), 0.7, np.array([0.2, -0.4]),
               wrt=(0, 1))


def test_the_levels_are_taped():
    """The recursions above run split VJPs (none fell back to the untaped rule)."""
    from s2sad import recursion_tape
    rng = np.random.default_rng(1)
    s2sad.grad(tree_net)(rng.standard_normal((2, 4)), rng.standard_normal(2),
                         rng.standard_normal(2), rng.standard_normal((3, 2)))
    s2sad.grad(damped_loss)(np.array([0.9, 1.1]), np.array([1.0, 2.0]))
    s2sad.grad(list_sum)([0.3, -1.2, 2.0])
    s2sad.grad(nary)(0.7, 0.2, 2)
    for fn in (_node, damped, list_sum, nary):
        made = recursion_tape._TAPED[fn].s2sad_splits.splits.values()
        assert made and all(found[0] is not None for found in made)


def power(x, n):
    return 1.0 if n == 0 else x * power(x, n - 1)


def test_two_frames_per_level():
    """300 levels under Python's default limit of 1000 frames (untaped, eight frames a
    level, refused)."""
    import sys
    assert sys.getrecursionlimit() >= 1000
    assert s2sad.grad(power)(1.001, 300) == pytest.approx(300 * 1.001 ** 299, rel=1e-12)
