"""The shape of a recursive call's value (s2sad/compiler/recursive_results.py): where
the call passes every parameter a value of the shape the derivative is made for, its
value has the shape of the function's own result, assumed from the base case and
checked against the recursive case; the late passes then write plain adjoints (an outer
product, ``W.T @ g``, slices) where generic helpers stood.  Where the cases disagree,
or an argument has another shape, the helpers stay.  Against central differences in
float64 and closed forms: recursions as users write them (a tree network, a nested
list, divide and conquer over halves, Horner's rule, a matrix power by squaring,
mutual recursion), and the cases the facts must not claim."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp
from s2sad import recursion_tape


def split_sources(fn):
    """The sources of the split VJPs the taped calls of ``fn`` made."""
    made = recursion_tape._TAPED[fn].s2sad_splits.splits.values()
    return [inspect.getsource(found[0]) for found in made if found[0] is not None]


# --- a network over a binary tree: its splits written with plain adjoints ---


def node(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    left = node(W, b, leaves, lo, mid)
    right = node(W, b, leaves, mid, hi)
    return np.tanh(W @ np.concatenate((left, right)) + b)


def tree_loss(W, b, u, leaves):
    return (np.dot(u, node(W, b, leaves, 0, leaves.shape[0])) - 1.0) ** 2


def _tree_args(d, n_leaves, seed=0):
    rng = np.random.default_rng(seed)
    return (0.5 * rng.standard_normal((d, 2 * d)), 0.1 * rng.standard_normal(d),
            rng.standard_normal(d), rng.standard_normal((n_leaves, d)))


@pytest.mark.parametrize("d, n_leaves", [(3, 8), (4, 5), (2, 2)])
def test_tree_split_without_generic_helpers(d, n_leaves):
    args = _tree_args(d, n_leaves)
    check_grad(tree_loss, *args, wrt=(0, 1, 2, 3))
    check_vjp(tree_loss, *args, wrt=(0, 1))
    sources = split_sources(node)
    assert sources
    for text in sources:
        for helper in ("unbroadcast(", "matmul_lhs_adjoint(", "matmul_rhs_adjoint(",
                       "unconcat("):
            assert helper not in text, text


def node_bias_rows(W, B, leaves, lo, hi):
    """The same tree with a matrix of biases broadcast over rows: the value a matrix."""
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    both = np.concatenate((node_bias_rows(W, B, leaves, lo, mid),
                           node_bias_rows(W, B, leaves, mid, hi)), axis=1)
    return np.tanh(both @ W + B)


def test_a_matrix_valued_recursion_with_broadcasting():
    rng = np.random.default_rng(3)
    W, B = 0.4 * rng.standard_normal((6, 3)), 0.1 * rng.standard_normal(3)
    leaves = rng.standard_normal((4, 2, 3))
    check_grad(lambda W, B, L: np.sum(node_bias_rows(W, B, L, 0, 4) ** 2), W, B, leaves,
               wrt=(0, 1, 2))


def test_the_split_calls_itself():
    """Its recursive calls pass W, b and leaves on and ints: the split is called
    directly (guarded by the type of ``mid``), its cotangents sent back to it."""
    check_grad(tree_loss, *_tree_args(2, 6, seed=4), wrt=(0, 1))
    for text in split_sources(node):
        assert "if type(mid) is int else" in text
        assert ".send(" in text and "= next(" in text
        assert "taped_value(" not in text


def stepped(x, t):
    """``t`` an int down to 2, then halved (a float): the call that first passes a float
    fails the int split's guard and is taped as before (a split for floats)."""
    if t < 1:
        return x
    s = t - 1 if t > 2 else t / 2
    return np.sin(stepped(x, s)) * t


def _stepped_closed_form(x, t):
    """The vjp of ``stepped`` for a cotangent of ones: the chain of ``sin(v) * t``."""
    levels = []
    while t >= 1:
        levels.append(t)
        t = t - 1 if t > 2 else t / 2
    grad, v = np.ones_like(x), x
    for t in reversed(levels):
        grad, v = grad * np.cos(v) * t, np.sin(v) * t
    return grad


@pytest.mark.parametrize("t", [1, 4, 6])
def test_a_call_failing_the_guard(t):
    x = np.array([0.4, -0.3])
    check_grad(lambda x: np.sum(stepped(x, t) ** 2), x)
    check_vjp(lambda x: stepped(x, t), x)
    np.testing.assert_allclose(s2sad.vjp(lambda x: stepped(x, t))(x, np.ones(2))[1],
                               _stepped_closed_form(x, t), rtol=1e-12)
    kinds = {key[2] for key in recursion_tape._TAPED[stepped].s2sad_splits.splits}
    assert kinds >= ({int, float} if t > 2 else {float})  # (the float one made by the
    # int split's call failing its guard: the first taped level gets an int)


def scaled_default(x, n, scale=0.5):
    """A default left to the callee: the call passes fewer arguments than the split has
    parameters (not called directly; the split's cotangents cut to the call's)."""
    if n == 0:
        return np.sin(x) * scale
    return np.cos(scaled_default(x, n - 1)) + scale * x


def by_keyword(x, n):
    """A call by keyword: taped untaped (the rules of a recursive call)."""
    if n == 0:
        return x * x
    return np.tanh(by_keyword(x, n=n - 1)) * x


def swapped(x, y, n):
    """The parameters passed in another order: not this split's call."""
    if n == 0:
        return x * np.sum(y)
    return swapped(y, np.sin(x), n - 1) + 0.1 * x


@pytest.mark.parametrize("n", [0, 2, 3])
def test_calls_the_split_does_not_make_directly(n):
    x, y = np.array([0.3, -0.6]), np.array([1.1, 0.4])
    check_grad(lambda x: np.sum(scaled_default(x, n) ** 2), x)
    check_grad(lambda x: np.sum(by_keyword(x, n) ** 2), x)
    check_grad(lambda x, y: np.sum(swapped(x, y, n) ** 2), x, y, wrt=(0, 1))
    for text in split_sources(swapped) if n > 1 else ():
        assert "vjp_swapped_taped(" not in text.split("\n", 1)[1]  # (not calling itself)


# --- where the base case and the recursive case disagree: no shape claimed ---


def sum_then_vector(x, n):
    """A number at n == 0, a vector above: the value's rank depends on n."""
    if n == 0:
        return np.sum(x)
    return sum_then_vector(x, n - 1) * x + 1.0


def grown(x, n):
    """A vector that grows at every level: its rank is known, its length is not."""
    if n == 0:
        return x
    return np.concatenate((grown(x, n - 1), np.sin(x)))


@pytest.mark.parametrize("n", [0, 1, 3])
def test_rank_changing_with_depth(n):
    x = np.array([0.3, -0.8, 1.1])
    check_grad(lambda x: np.sum(np.cos(sum_then_vector(x, n))), x)
    check_grad(lambda x: np.sum(grown(x, n) ** 2), x)
    # closed form of the second at n = 1: d/dx sum(x^2 + sin(x)^2)
    if n == 1:
        np.testing.assert_allclose(s2sad.grad(lambda x: np.sum(grown(x, 1) ** 2))(x),
                                   2 * x + 2 * np.sin(x) * np.cos(x), rtol=1e-13)


def first_scales(x):
    """Calls on a vector of one item and on a shorter vector: values of other shapes
    than this level's (``first_scales(x[:1]) * x`` broadcasts, its adjoint is summed)."""
    if x.shape[0] == 1:
        return np.sin(x)
    return first_scales(x[:1]) * x + np.sum(first_scales(x[1:]))


@pytest.mark.parametrize("n", [1, 2, 4])
def test_arguments_of_other_shapes(n):
    x = np.linspace(0.2, 0.9, n)
    check_grad(lambda x: np.sum(first_scales(x) ** 2), x)
    check_vjp(first_scales, x)


# --- recursions as users write them ---


def nested_sum(t, w):
    """A sum over a tree of nested lists of floats."""
    if isinstance(t, list):
        total = 0.0
        for child in t:
            total = total + nested_sum(child, w)
        return total
    return np.sin(w * t)


@pytest.mark.parametrize("tree", [[0.1, [0.2, 0.3]], [[0.4], [0.5, [0.6, [0.7]]], 0.8],
                                  [1.5]])
def test_nested_list_tree(tree):
    check_grad(nested_sum, tree, 1.3, wrt=(0, 1))
    flat = np.array(_leaves(tree))
    assert s2sad.grad(nested_sum, wrt=1)(tree, 1.3) == pytest.approx(
        np.sum(flat * np.cos(1.3 * flat)), rel=1e-12)


def _leaves(t):
    return [v for c in t for v in _leaves(c)] if isinstance(t, list) else [t]


def halves_product(x):
    """Divide and conquer: the product of a vector from its halves' products."""
    n = x.shape[0]
    if n == 1:
        return x[0]
    h = n // 2
    return halves_product(x[:h]) * halves_product(x[h:])


def halves_sum(x):
    if x.shape[0] <= 2:
        return np.sum(x ** 2)
    h = x.shape[0] // 2
    return halves_sum(x[:h]) + np.sin(halves_sum(x[h:]))


@pytest.mark.parametrize("n", [1, 2, 7, 8])
def test_divide_and_conquer(n):
    x = np.linspace(0.6, 1.4, n)
    np.testing.assert_allclose(s2sad.grad(halves_product)(x), np.prod(x) / x, rtol=1e-12)
    check_grad(halves_product, x)
    check_grad(halves_sum, x)
    check_jvp(halves_sum, x)


def horner(c, x, i):
    """c[0] + x (c[1] + x (c[2] + ...)): Horner's rule from the i-th coefficient."""
    if i == c.shape[0] - 1:
        return c[i]
    return c[i] + x * horner(c, x, i + 1)


def horner_vector(c, x, i):
    """The same at many points x (a vector) at once."""
    if i == c.shape[0] - 1:
        return c[i] + 0.0 * x
    return c[i] + x * horner_vector(c, x, i + 1)


@pytest.mark.parametrize("degree", [0, 1, 5])
def test_horner(degree):
    c = np.linspace(-1.0, 2.0, degree + 1)
    x = 0.7
    dc, dx = s2sad.grad(horner, wrt=(0, 1))(c, x, 0)
    np.testing.assert_allclose(dc, x ** np.arange(degree + 1), rtol=1e-13)
    assert dx == pytest.approx(np.polyval(np.polyder(c[::-1]), x) if degree else 0.0,
                               rel=1e-12)
    check_grad(horner, c, x, 0, wrt=(0, 1))
    xs = np.array([0.3, -0.5, 1.2])
    check_grad(lambda c, xs: np.sum(horner_vector(c, xs, 0) ** 2), c, xs, wrt=(0, 1))


def matrix_power(A, n):
    """A^n by squaring."""
    if n == 0:
        return np.eye(A.shape[0])
    if n % 2 == 0:
        half = matrix_power(A, n // 2)
        return half @ half
    return A @ matrix_power(A, n - 1)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_matrix_power_by_squaring(n):
    rng = np.random.default_rng(n)
    A, C = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    loss = lambda A: np.sum(matrix_power(A, n) * C)  # noqa: E731
    check_grad(loss, A)
    # closed form: d/dA tr(C^T A^n) = sum_k (A^k)^T C (A^(n-1-k))^T
    powers = [np.linalg.matrix_power(A, k) for k in range(n)]
    expected = sum(powers[k].T @ C @ powers[n - 1 - k].T for k in range(n))
    np.testing.assert_allclose(s2sad.grad(loss)(A), expected, rtol=1e-11)


def even_rows(A, x, n):
    return x if n == 0 else odd_rows(A, np.tanh(A @ x), n - 1)


def odd_rows(A, x, n):
    return A.T @ x if n == 0 else even_rows(A, x * 0.5 + 0.1, n - 1)


@pytest.mark.parametrize("n", [0, 3, 4])
def test_mutual_recursion_of_vectors(n):
    rng = np.random.default_rng(7)
    A, x = 0.6 * rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(lambda A, x: np.sum(even_rows(A, x, n) ** 2), A, x, wrt=(0, 1))
    check_vjp(lambda A, x: even_rows(A, x, n), A, x, wrt=(0, 1))
