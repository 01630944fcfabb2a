"""A split calling itself reads its base case at the call site (split_leaves): trees of
different shapes and base cases, gradients against central differences and a closed
form; the base case left to the split where it has a gradient or runs a call."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen9 import _tree
from gradcheck import numerical_grad
from s2sad.compiler import loader, split_leaves
from s2sad.compiler.self_calls import Own


def _fd(f, args, i):
    """Central differences of f in its argument i (float64)."""
    return numerical_grad(f, args, i)


@pytest.fixture
def splits(monkeypatch):
    """The texts of the splits loaded while the test runs."""
    made: list[str] = []
    load = loader.load

    def spy(text, name, *args, **kwargs):
        if "taped" in name:
            made.append(text)
        return load(text, name, *args, **kwargs)
    monkeypatch.setattr(loader, "load", spy)
    return made


# ----- a tree RNN over the rows of an array (leaves at two depths for 5 and 6 rows) -----

def tree_loss(W, b, leaves):
    return np.sum(_tree(W, b, leaves, 0, leaves.shape[0]) ** 2)


# ----- a depth recursion whose base case is a parameter the gradient is not taken of ----

def _depth(W, x0, n):
    if n == 0:
        return x0
    return np.sin(W @ _depth(W, x0, n - 1)) + 0.5 * x0


def depth_loss(W, x0, n):
    return np.sum(_depth(W, x0, n) * np.arange(1.0, x0.shape[0] + 1))


# ----- a ternary split with a scaled leaf (arithmetic in the base case) -----

def _tri(w, X, lo, hi):
    if hi - lo == 1:
        return 2.0 * X[lo]
    if hi - lo == 2:
        return np.tanh(w * (_tri(w, X, lo, lo + 1) + _tri(w, X, lo + 1, hi)))
    k = (hi - lo) // 3
    return np.tanh(w * (_tri(w, X, lo, lo + k) + _tri(w, X, lo + k, lo + 2 * k)
                        + _tri(w, X, lo + 2 * k, hi)))


def tri_loss(w, X):
    return np.sum(_tri(w, X, 0, X.shape[0]))


@pytest.mark.parametrize("n_leaves", [2, 5, 6])
def test_tree(n_leaves, splits):
    r = np.random.default_rng(n_leaves)
    W, b, leaves = 0.5 * r.normal(size=(3, 6)), 0.1 * r.normal(size=3), \
        r.normal(size=(n_leaves, 3))
    got = s2sad.grad(tree_loss, wrt=(0, 1))(W, b, leaves)
    for i in (0, 1):
        np.testing.assert_allclose(got[i], _fd(tree_loss, (W, b, leaves), i),
                                   rtol=1e-6, atol=1e-8)
    if n_leaves == 2:  # (one node: h = tanh(W c + b), loss |h|^2)
        c = leaves.ravel()
        h = np.tanh(W @ c + b)
        gz = 2.0 * h * (1.0 - h * h)
        np.testing.assert_allclose(got[0], np.outer(gz, c), rtol=1e-12)
        np.testing.assert_allclose(got[1], gz, rtol=1e-12)
    if n_leaves > 2:  # (read at the call site, in the split made for the nodes)
        assert any("base case" in t for t in splits)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_depth(n):
    r = np.random.default_rng(10 + n)
    W, x0 = 0.6 * r.normal(size=(3, 3)), r.normal(size=3)
    got = s2sad.grad(depth_loss)(W, x0, n)
    np.testing.assert_allclose(got, _fd(depth_loss, (W, x0, n), 0), rtol=1e-6, atol=1e-8)
    if n == 0:
        assert not got.any()


@pytest.mark.parametrize("m", [1, 2, 4, 7])
def test_ternary(m, splits):
    r = np.random.default_rng(20 + m)
    w, X = np.array([0.8, -0.6]), r.normal(size=(m, 2))  # (weights per column)
    dw = s2sad.grad(tri_loss)(w, X)  # (the leaves not differentiated: read at the call)
    np.testing.assert_allclose(dw, _fd(tri_loss, (w, X), 0), rtol=1e-6, atol=1e-8)
    assert any("base case" in t for t in splits) == (m > 1)
    got = s2sad.grad(tri_loss, wrt=(0, 1))(w, X)
    np.testing.assert_allclose(got[0], dw, rtol=1e-12)
    np.testing.assert_allclose(got[1], _fd(tri_loss, (w, X), 1), rtol=1e-6, atol=1e-8)
    if m == 1:  # (one leaf: d/dX of sum(2 X[0]))
        np.testing.assert_allclose(got[1], np.full((1, 2), 2.0))


def test_base_case_with_a_gradient_stays_in_the_split(splits):
    r = np.random.default_rng(30)
    W, b, leaves = 0.5 * r.normal(size=(3, 6)), 0.1 * r.normal(size=3), r.normal(size=(5, 3))
    # the leaves differentiated too: a leaf hands back a cotangent, not None
    got = s2sad.grad(tree_loss, wrt=(0, 1, 2))(W, b, leaves)
    for i in (0, 1, 2):
        np.testing.assert_allclose(got[i], _fd(tree_loss, (W, b, leaves), i),
                                   rtol=1e-6, atol=1e-8)
    assert not any("base case" in t for t in splits)


_SPLIT = '''def vjp_f_taped(W, x, lo, hi):
    cmp = hi - lo == 1
    if cmp:
        result = {leaf}
    else:
        mid = (lo + hi) // 2
        t = vjp_f_taped(W, x, lo, mid)
        left = next(t)
        result = W * left
    dresult = yield result
    if cmp:
        yield None
    else:
        dW = dresult * left
        c = t.send(dresult * W)
        if c is not None:
            dW = dW + c[0]
        del c
    yield (dW, None, None, None)'''

_OWN = Own("vjp_f_taped", frozenset(), frozenset(), frozenset(), (True, False, False, False),
           (None, None, "int", "int"), ("float64", "float64", None, None))


def test_text_read_at_the_call_site():
    out = split_leaves.inline_base_case(_SPLIT.format(leaf="2.0 * x[lo]"), _OWN)
    assert "if mid - lo == 1:" in out and "left = 2.0 * x[lo]" in out
    assert "c = None if t is None else t.send(dresult * W)" in out
    compile(out, "<split>", "exec")


@pytest.mark.parametrize("leaf", ["np.ones(3)", "x[lo] + W", "[x]"])
def test_text_left_as_it_is(leaf):
    # a call, and names other than the parameters are still pure here: W is a
    # parameter, so "x[lo] + W" is read at the call site; a list display is not
    text = _SPLIT.format(leaf=leaf)
    out = split_leaves.inline_base_case(text, _OWN)
    assert (out == text) == (leaf != "x[lo] + W")
