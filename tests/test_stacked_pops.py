"""The ``appends`` pass's step :mod:`s2sad.compiler.stacked_pops`: states appended to a list
and stacked (``H = np.stack(hs)``) have the stack's adjoint popped as rows by the
reversed loop, not unstacked into a list first; and the cases where it must not be:
a stack along another axis, the list read otherwise (an item, a second stack), items
appended on some trips only (a data-dependent branch, either way).  Gradients against
central differences in float64."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, grad_code


def stacked_states(W, xs):
    """A tanh recurrence's states stacked, weighted by step."""
    h = np.zeros(W.shape[1])
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H ** 2 * np.arange(1.0, H.shape[0] + 1)[:, None])


def stacked_axis0(W, xs):
    """A batch of states (matrices), ``np.stack(hs, axis=0)``, the mean read."""
    h = np.zeros((xs.shape[1], W.shape[1]))
    hs = []
    for t in range(xs.shape[0]):
        h = 0.5 * h + np.sin(xs[t] @ W[:xs.shape[2]] + h @ W[xs.shape[2]:])
        hs.append(h)
    return np.mean(np.stack(hs, axis=0) ** 3)


def stacked_and_scaled(w, x, n):
    """Vectors made by products of the step before, stacked, and the final state read
    too (the last state's adjoint has two parts)."""
    v = x
    vs = []
    for _ in range(n):
        v = np.cos(w * v)
        vs.append(v)
    return np.sum(np.stack(vs) * x) + np.sum(v * v)


def stacked_axis1(W, xs):
    """Stacked along the second axis: the rows of the stack are not the states."""
    h = np.zeros(W.shape[1])
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        hs.append(h)
    H = np.stack(hs, axis=1)
    return np.sum(H * np.arange(1.0, H.size + 1).reshape(H.shape))


def read_by_item(W, xs):
    """The list read again (its first state): its adjoint is not only popped."""
    h = np.zeros(W.shape[1])
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2) + np.sum(hs[0] * 3.0)


def stacked_twice(W, xs):
    """Two stacks of one list."""
    h = np.zeros(W.shape[1])
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2) + np.sum(np.stack(hs)[::-1] * xs[:, :1])


def appended_when(W, xs):
    """A state appended only on steps whose input sums positive."""
    h = np.zeros(W.shape[1])
    hs = [h]
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        if np.sum(xs[t]) > 0:
            hs.append(h)
    return np.sum(np.stack(hs) ** 2)


def _args(seed, T=4, D=2, H=3):
    r = np.random.default_rng(seed)
    return 0.6 * r.standard_normal((D + H, H)), r.standard_normal((T, D))


@pytest.mark.parametrize("T,D,H", [(4, 2, 3), (1, 1, 2), (6, 3, 1)])
def test_stacked_states(T, D, H):
    W, xs = _args(T + H, T, D, H)
    check_grad(stacked_states, W, xs, wrt=(0, 1))
    code = grad_code(stacked_states, W, xs)
    assert "unstack_like" not in code and "list_pop_last(dH" in code


@pytest.mark.parametrize("T,B,D,H", [(3, 2, 2, 3), (2, 1, 1, 2), (5, 3, 2, 1)])
def test_stacked_axis0(T, B, D, H):
    r = np.random.default_rng(T * B)
    W, xs = 0.5 * r.standard_normal((D + H, H)), r.standard_normal((T, B, D))
    check_grad(stacked_axis0, W, xs, wrt=(0, 1))
    assert "unstack_like" not in grad_code(stacked_axis0, W, xs)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_stacked_and_scaled(n):
    r = np.random.default_rng(n)
    w, x = r.standard_normal(4), r.standard_normal(4)
    check_grad(stacked_and_scaled, w, x, n, wrt=(0, 1))


@pytest.mark.parametrize("f", [stacked_axis1, read_by_item, stacked_twice])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_left_as_a_list(f, seed):
    W, xs = _args(seed)
    check_grad(f, W, xs, wrt=(0, 1))
    assert "unstack_like" in grad_code(f, W, xs)


@pytest.mark.parametrize("signs", [[1, 1, 1, 1], [-1, -1, -1, -1], [1, -1, -1, 1]])
def test_appended_when(signs):
    W, xs = _args(7)
    xs = (np.abs(xs) + 0.1) * np.array(signs, dtype=float)[:, None]
    check_grad(appended_when, W, xs, wrt=(0, 1))


def masked_stack(W, xs):
    """A list of int masks beside the float64 states: its stack is not float64."""
    h = np.zeros(W.shape[1])
    hs, ms = [], []
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        hs.append(h)
        ms.append((h > 0).astype(int))
    return np.sum(np.stack(hs) * np.stack(ms) * 2.5)


def gated_stack(Wz, Wh, xs):
    """A gated recurrence over a batch, its states stacked (a GRU's shape)."""
    h = np.zeros((xs.shape[1], Wz.shape[1]))
    hs = []
    for t in range(xs.shape[0]):
        xh = np.concatenate([xs[t], h], axis=1)
        z = 1.0 / (1.0 + np.exp(-(xh @ Wz)))
        h = (1 - z) * h + z * np.tanh(xh @ Wh)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H ** 2) / H.shape[0]


@pytest.mark.parametrize("T,B,D,H", [(3, 2, 2, 3), (1, 2, 1, 2), (4, 3, 2, 1)])
def test_stacked_floats_need_no_cast(T, B, D, H):
    """The states of a float64 recurrence stacked are float64 (the list's dtype followed
    through its appends, the stack and the pops of its adjoint): the weights' adjoints
    are returned without a cast."""
    r = np.random.default_rng(T + B)
    Wz, Wh = 0.5 * r.standard_normal((2, D + H, H))
    xs = r.standard_normal((T, B, D))
    check_grad(gated_stack, Wz, Wh, xs, wrt=(0, 1, 2))
    code = grad_code(gated_stack, Wz, Wh, xs, wrt=(0, 1))
    assert "cast_like" not in code and "unstack_like" not in code


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_masked_stack(seed):
    W, xs = _args(seed)
    check_grad(masked_stack, W, xs, wrt=(0, 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stacked_dtype(dtype):
    """float32 states stay float32 (a float32 gradient), float64 ones float64."""
    import s2sad
    W, xs = _args(5)
    g = s2sad.grad(stacked_states, wrt=(0, 1))(W.astype(dtype), xs.astype(dtype))
    assert g[0].dtype == dtype and g[1].dtype == dtype
    expected = s2sad.grad(stacked_states, wrt=(0, 1))(W, xs)
    np.testing.assert_allclose(g[0], expected[0], rtol=1e-3 if dtype == np.float32 else 1e-12)


def weighted_stack(W, xs):
    """The stacked states weighted across their width by the first row of ``W``."""
    h = np.zeros(W.shape[1])
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(np.concatenate([xs[t], h]) @ W)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2 * W[0])


@pytest.mark.parametrize("T,D,H", [(4, 2, 3), (1, 1, 2), (5, 3, 1)])
def test_weighted_stack(T, D, H):
    W, xs = _args(T * H, T, D, H)
    check_grad(weighted_stack, W, xs, wrt=(0, 1))


def _shapes(src: str) -> dict:
    import gast

    from s2sad import runtime
    from s2sad.compiler import dims
    node = gast.parse(src).body[0]
    names = {"np": np, "list_append_owned": runtime.list_append_owned,
             "list_pop_last": runtime.list_pop_last}
    return dims.Facts(node.body, {"x": (4, 3)}, set(), names).shapes


@pytest.mark.parametrize("stack,expected", [
    ("np.stack(hs)", (None, 4, 3)), ("np.stack(hs, 0)", (None, 4, 3)),
    ("np.stack(hs, axis=0)", (None, 4, 3)), ("np.stack(hs, axis=1)", None)])
def test_grown_list_stacked_shape(stack, expected):
    """A list grown in place by appends, stacked: rows of the items' shape (along the
    first axis only; the length is not known); its adjoint's popped rows too."""
    from s2sad.compiler import dims
    shapes = _shapes("def f(x):\n    hs = []\n    for t in range(5):\n"
                     "        hs = list_append_owned(hs, np.sin(x) * t)\n"
                     f"    H = {stack}\n    g = 2.0 * H\n"
                     "    for t in range(5):\n        g, last = list_pop_last(g, x)\n")
    assert shapes["hs"] == dims.Elements((4, 3))
    assert shapes.get("H") == expected
    if expected is not None:
        assert shapes["last"] == (4, 3)
