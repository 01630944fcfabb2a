"""A split VJP calling itself, made cheaper per level (s2sad/compiler/split_sends.py):
all-zero branches (leaves) yield None, gradients only added up are yielded uncast (cast
once by the taped call's rule), ``np.shape`` of its array parameters read as ``.shape``.

Against central differences in float64: a binary tree whose leaves read no parameter
(leaves differentiated too: not all zero), one whose leaves return a parameter, a linear
recursion (its base case reading data, or returning the parameter), a recursion with an
accumulator, trees of nested tuples and dicts, float32 parameters (cast at the outer
call), second order; and the refusals of ``settle`` on split texts where a cotangent
handed back is read otherwise, or the gradient is read after it was added into."""
from __future__ import annotations

import linecache

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_vjp
from s2sad.compiler import split_sends
from s2sad.compiler.self_calls import Own
from s2sad.recursion_tape import _TAPED


def split_texts(fn) -> list[str]:
    """The sources of the splits made for ``fn``'s taped calls."""
    found = [s[0] for s in _TAPED[fn].s2sad_splits.splits.values() if s[0] is not None]
    return ["".join(linecache.getlines(s.__code__.co_filename)) for s in found]


# --- a binary tree whose leaves are data rows ---


def _mix(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    h = _mix(W, b, leaves, lo, mid) + 0.5 * _mix(W, b, leaves, mid, hi)
    return np.sin(W @ h) * b


def mix_loss(W, b, leaves):
    return np.sum(_mix(W, b, leaves, 0, leaves.shape[0]) ** 2)


def _mix_args(n, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed + n)
    return (rng.standard_normal((3, 3)).astype(dtype), (1.0 + rng.random(3)).astype(dtype),
            rng.standard_normal((n, 3)))


@pytest.mark.parametrize("n", [2, 3, 8])
def test_tree_with_data_leaves(n):
    """Leaves read no parameter: their branch yields None, the gradients go uncast."""
    args = _mix_args(n)
    check_grad(mix_loss, *args, wrt=(0, 1))
    check_vjp(mix_loss, *args, wrt=(0, 1))
    text = "".join(split_texts(_mix))
    if n > 2:  # (two leaves: the outer call's level inlined, its calls are leaves)
        assert "yield None" in text and "cast_like" not in text
        assert "np.shape(" not in text and "zeros_like" not in text


@pytest.mark.parametrize("n", [2, 5])
def test_tree_with_its_leaves_differentiated(n):
    """The leaves' rows differentiated too: a leaf's gradient is not zero (no None)."""
    args = _mix_args(n, seed=7)
    check_grad(mix_loss, *args, wrt=(0, 1, 2))
    g = s2sad.grad(mix_loss, wrt=(0, 1, 2))(*args)
    assert np.all(g[2] != 0.0)


def _signed(W, b, x, lo, hi):
    if hi - lo == 1:
        if x[lo] > 0.0:
            return b * x[lo]
        return np.full(2, x[lo])
    mid = (lo + hi) // 2
    return np.tanh(W @ (_signed(W, b, x, lo, mid) + _signed(W, b, x, mid, hi)))


@pytest.mark.parametrize("signs", [(1, 1, 1, 1), (-1, -1, -1, -1), (1, -1, -1, 1, 1)])
def test_leaves_reading_a_parameter_on_one_branch(signs):
    """A data-dependent leaf: ``b * x`` on one branch (not zero), a constant on the other
    (zero): both ways, all leaves one way or mixed."""
    x = np.array(signs, dtype=float) * np.linspace(0.5, 1.5, len(signs))
    W, b = np.array([[0.4, -0.3], [0.2, 0.5]]), np.array([0.7, -1.1])
    loss = lambda W, b: np.sum(_signed(W, b, x, 0, len(signs)) ** 2)  # noqa: E731
    check_grad(loss, W, b, wrt=(0, 1))
    db = s2sad.grad(loss, wrt=1)(W, b)
    assert bool(np.abs(db).max() == 0.0) is (max(signs) < 0)


# --- a tree whose leaves return a parameter ---


def _bias_tree(W, b, x, lo, hi):
    if hi - lo == 1:
        return b
    mid = (lo + hi) // 2
    left = _bias_tree(W, b, x, lo, mid)
    right = _bias_tree(W, b, x, mid, hi)
    return np.tanh(W @ (left * x[lo] + right * x[hi - 1]) + b)


def bias_loss(W, b, x):
    return np.sum(_bias_tree(W, b, x, 0, x.shape[0]) ** 2)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_leaves_returning_a_parameter(n):
    """``return b`` at a leaf: the leaf's gradient for ``b`` is its cotangent, kept."""
    rng = np.random.default_rng(n)
    args = (0.6 * rng.standard_normal((2, 2)), rng.standard_normal(2), rng.random(n) + 0.5)
    check_grad(bias_loss, *args, wrt=(0, 1))
    assert all("yield None" not in t for t in split_texts(_bias_tree))


def test_leaves_returning_a_parameter_closed_form():
    """One level over two leaves: f = sum(tanh(W @ (b x0 + b x1) + b) ** 2)."""
    W, b, x = np.array([[0.3, -0.2], [0.1, 0.4]]), np.array([0.5, -0.7]), np.array([1.5, 2.0])
    h = np.tanh(W @ (b * (x[0] + x[1])) + b)
    gz = 2.0 * h * (1.0 - h * h)
    dW, db = s2sad.grad(bias_loss, wrt=(0, 1))(W, b, x)
    np.testing.assert_allclose(dW, np.outer(gz, b * (x[0] + x[1])), rtol=1e-12)
    np.testing.assert_allclose(db, gz + (x[0] + x[1]) * (W.T @ gz), rtol=1e-12)


# --- linear recursions ---


def _chain(w, x, k):
    if k == 0:
        return x[0]
    return np.tanh(w * _chain(w, x, k - 1) + x[k])


def _chain_from_w(w, x, k):
    if k == 0:
        return w
    return np.tanh(w * _chain_from_w(w, x, k - 1) + x[k])


def _accumulated(w, x, k, acc):
    if k == x.shape[0]:
        return acc
    return _accumulated(w, x, k + 1, np.tanh(w * acc + x[k]))


@pytest.mark.parametrize("f", [
    lambda w, x: np.sum(_chain(w, x, x.shape[0] - 1) ** 2),
    lambda w, x: np.sum(_chain_from_w(w, x, x.shape[0] - 1) ** 2),
    lambda w, x: np.sum(_accumulated(w, x, 0, 0.5 * w) ** 2)])
@pytest.mark.parametrize("k", [1, 2, 7])
def test_linear_recursions(f, k):
    rng = np.random.default_rng(k)
    w, x = rng.standard_normal(3), 0.5 * rng.standard_normal((k, 3))
    check_grad(f, w, x, wrt=(0, 1))
    check_grad(f, w, x, wrt=0)


def test_chain_base_case_yields_none_only_where_it_reads_no_parameter():
    w, x = np.array([0.3, -0.5]), np.ones((6, 2))
    s2sad.grad(lambda w, x: np.sum(_chain(w, x, 5)))(w, x)
    s2sad.grad(lambda w, x: np.sum(_chain_from_w(w, x, 5)))(w, x)
    assert any("yield None" in t for t in split_texts(_chain))
    assert all("yield None" not in t for t in split_texts(_chain_from_w))


# --- trees of nested tuples and dicts ---


def _walk(W, node):
    if isinstance(node, tuple):
        return np.tanh(W @ (_walk(W, node[0]) - _walk(W, node[1])))
    if isinstance(node, dict):
        return _walk(W, node["a"]) * node["s"]
    return node


@pytest.mark.parametrize("shape", ["pair", "nested", "dict"])
def test_trees_of_containers(shape):
    rng = np.random.default_rng(3)
    v = [rng.standard_normal(2) for _ in range(4)]
    tree = {"pair": (v[0], v[1]), "nested": ((v[0], v[1]), (v[2], (v[3], v[0]))),
            "dict": ({"a": (v[0], v[1]), "s": v[2]}, v[3])}[shape]
    W = 0.7 * rng.standard_normal((2, 2))
    check_grad(lambda W: np.sum(_walk(W, tree) ** 2), W)


def _dict_tree(params, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    both = _dict_tree(params, leaves, lo, mid) * _dict_tree(params, leaves, mid, hi)
    return np.tanh(params["W"] @ both + params["b"])


@pytest.mark.parametrize("n", [2, 3, 7])
def test_parameters_in_a_dict_passed_on(n):
    """A dict of parameters passed on as it is: its gradient a dict, zeros at leaves
    made by the rule where the outer call is one."""
    rng = np.random.default_rng(n)
    params = {"W": 0.5 * rng.standard_normal((2, 2)), "b": rng.standard_normal(2)}
    leaves = rng.standard_normal((n, 2))
    loss = lambda params: np.sum(_dict_tree(params, leaves, 0, n) ** 2)  # noqa: E731
    check_grad(loss, params)
    g = s2sad.grad(loss)(params)
    assert set(g) == {"W", "b"} and g["W"].shape == (2, 2)
    if n > 2:  # (added by add_grads: its leaves yield None)
        assert any("yield None" in t for t in split_texts(_dict_tree))


# --- index types that change on the way down: calls through the guard's fallback ---


def _mix_typed(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = np.int64((lo + hi) // 2)
    h = _mix_typed(W, b, leaves, lo, mid) + 0.5 * _mix_typed(W, b, leaves, mid, hi)
    return np.sin(W @ h) * b


@pytest.mark.parametrize("n", [3, 6])
def test_tree_whose_split_points_change_type(n):
    """int bounds at the top, np.int64 below: the first splits' guards fail, their
    calls taped through ``Taped`` (whose rule makes a None into zeros)."""
    W, b, leaves = _mix_args(n, seed=5)
    loss = lambda W, b: np.sum(_mix_typed(W, b, leaves, 0, n) ** 2)  # noqa: E731
    check_grad(loss, W, b, wrt=(0, 1))
    want = s2sad.grad(mix_loss, wrt=(0, 1))(W, b, leaves)
    got = s2sad.grad(loss, wrt=(0, 1))(W, b)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)


# --- a gradient written into in place per level, taken over from the level below ---


def _horner(p, x, k):
    if k == p.shape[0] - 1:
        return p[k] + 0.0 * x
    return p[k] + x * _horner(p, x, k + 1)


def _horner_typed(p, x, k):
    if k == p.shape[0] - 1:
        return p[k] + 0.0 * x
    return p[k] + x * _horner_typed(p, x, np.int64(k) + 1)


def _two_sums(p, q, x, k):
    if k == p.shape[0]:
        return 0.0 * x
    return p[k] * x + q[k] * x * x + np.cos(_two_sums(p, q, x, k + 1))


@pytest.mark.parametrize("f", [
    lambda p, x: np.sum(_horner(p, x, 0) ** 2),
    lambda p, x: np.sum(_horner_typed(p, x, 0) ** 2),
    lambda p, x: np.sum(_two_sums(p, 0.5 * p[::-1], x, 0))])
@pytest.mark.parametrize("degree", [1, 2, 9])
def test_gradients_taken_over_from_the_level_below(f, degree):
    rng = np.random.default_rng(degree)
    p, x = 0.5 * rng.standard_normal(degree + 1), rng.uniform(-1.0, 1.0, 4)
    check_grad(f, p, x, wrt=(0, 1))


def test_horner_closed_form_and_no_copies():
    """d/dp_k sum(h) = sum(x ** k); the split takes the level below's gradient over."""
    p, x = np.array([0.5, -1.0, 2.0, 0.25]), np.array([0.3, -0.7, 1.1])
    got = s2sad.grad(lambda p, x: np.sum(_horner(p, x, 0)))(p, x)
    np.testing.assert_allclose(got, [np.sum(x ** k) for k in range(4)], rtol=1e-13)
    text = "".join(split_texts(_horner))
    assert "fresh(" not in text and "dp = cotangents[0]" in text


# --- float32 parameters: cast at the outer call ---


@pytest.mark.parametrize("n", [2, 5, 8])
def test_float32_parameters_cast_at_the_outer_call(n):
    W, b, leaves = _mix_args(n, np.float32)
    gW, gb = s2sad.grad(mix_loss, wrt=(0, 1))(W, b, leaves)
    assert gW.dtype == np.float32 and gb.dtype == np.float32
    want = s2sad.grad(mix_loss, wrt=(0, 1))(W.astype(np.float64), b.astype(np.float64), leaves)
    np.testing.assert_allclose(gW, want[0], rtol=2e-4, atol=1e-5)
    np.testing.assert_allclose(gb, want[1], rtol=2e-4, atol=1e-5)
    texts = [t for t in split_texts(_mix) if "cast_like(dW, W)" in t]
    assert texts if n > 2 else True  # (a float32 split keeps its casts)


def test_mixed_dtypes_in_one_tree():
    """float64 weights, float32 bias: the bias's gradient float32, both right."""
    W, b, leaves = _mix_args(6)
    b32 = b.astype(np.float32)
    gW, gb = s2sad.grad(mix_loss, wrt=(0, 1))(W, b32, leaves)
    assert gW.dtype == np.float64 and gb.dtype == np.float32
    want = s2sad.grad(mix_loss, wrt=(0, 1))(W, b32.astype(np.float64), leaves)
    np.testing.assert_allclose(gW, want[0], rtol=1e-5)
    np.testing.assert_allclose(gb, want[1], rtol=1e-5)


# --- second order ---


def test_second_order_through_the_tree():
    rng = np.random.default_rng(11)
    leaves = rng.standard_normal((5, 2))

    def loss(v):
        W, b = v[:4].reshape(2, 2), v[4:]
        return np.sum(_mix(W, b, leaves, 0, 5) ** 2)
    check_hessian(loss, 0.5 * rng.standard_normal(6))


def _leaf_tree_loss(v, leaves):
    return np.sum(_mix(v[:4].reshape(2, 2), v[4:], leaves, 0, leaves.shape[0]) ** 2)


def test_grad_of_grad_through_the_tree():
    """d/dv |grad f(v)|^2 / 2 (reverse over reverse) against differences of grad f."""
    rng = np.random.default_rng(12)
    leaves, v = rng.standard_normal((5, 2)), 0.5 * rng.standard_normal(6)
    inner = s2sad.grad(_leaf_tree_loss)

    def half_norm(v):
        g = inner(v, leaves)
        return 0.5 * np.sum(g * g)
    check_grad(half_norm, v)


def test_second_order_through_a_chain():
    x = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.1]])
    check_hessian(lambda w: np.sum(_chain(w, x, 2) ** 2), np.array([0.7, -0.4]))
    check_hessian(lambda w: np.sum(_chain_from_w(w, x, 2) ** 2), np.array([0.7, -0.4]))


# --- settle's refusals, on split texts ---

_OWN = Own("f_taped", frozenset({"f"}), frozenset(), frozenset(), (True, False),
           (None, "int"), ("float64", None))

_SPLIT = """def f_taped(w, k):
    t = f_taped(w, k - 1) if type(k) is int else f(w, k - 1, s2sad_active=(True, False))
    v = next(t)
    dv = yield v * w
    if k == 0:
        dw = zeros_like(w)
    else:
        dw = np.multiply(dv, v)
        c = t.send(dv * w)
        {add}
        {after}
    yield (cast_like(dw, w), None)
"""


def _settled(add: str, after: str = "pass") -> str:
    return split_sends.settle(_SPLIT.format(add=add, after=after), _OWN,
                              {"np": np, "zeros_like": s2sad.runtime.zeros_like})[0]


def test_settle_where_the_cotangents_are_only_added():
    text = _settled("dw = dw + c[0]")
    assert split_sends.settle(_SPLIT.format(add="dw = dw + c[0]", after="pass"), _OWN,
                              {"np": np, "zeros_like": s2sad.runtime.zeros_like})[1]
    assert "yield None" in text and "yield (dw, None)" in text
    assert "if c is not None:\n            dw = dw + c[0]" in text


@pytest.mark.parametrize("add", ["dw = c[0] * 2.0 + dw", "dw = dw + c[0]\n        e = c[0]",
                                 "dw += c[0]", "dw = c[0]"])
def test_settle_leaves_a_cotangent_read_otherwise(add):
    assert _settled(add) == _SPLIT.format(add=add, after="pass")


def test_settle_casts_a_gradient_read_after_the_addition():
    text = _settled("dw = dw + c[0]", "dw2 = dw * 2.0")
    assert "cast_like(dw, w)" in text and "yield None" in text


_TAKEN = """def f_taped(w, k):
    t = f_taped(w, k - 1) if type(k) is int else f(w, k - 1, s2sad_active=(True, False))
    v = next(t)
    dv = yield v * w
    if k == 0:
        dw = zeros_like(w)
        dw[0] = dv
    else:
        c = t.send(dv * w)
        dw = fresh(c[0])
        {made}
    yield (cast_like(dw, w), None)
"""


@pytest.mark.parametrize("made, taken", [
    ("dw[1] += dv", True), ("dw = dw * 2.0", True), ("view = dw[1:]", False),
    ("w2 = dw", False), ("dw = dv", False), ("e = np.sum(c[0])", False)])
def test_settle_takes_over_only_what_the_split_owns(made, taken):
    """A view, an alias or a binding to another's object of the gradient handed back,
    or the cotangent read otherwise: copied as before."""
    namespace = {"np": np, "fresh": s2sad.runtime.fresh,
                 "zeros_like": s2sad.runtime.zeros_like}
    out, uncast = split_sends.settle(_TAKEN.format(made=made), _OWN, namespace)
    assert not uncast
    assert ("dw = c[0]" in out) is taken and ("fresh(c[0])" in out) is not taken


def test_settle_casts_a_gradient_that_may_be_a_list():
    text = split_sends.settle(
        _SPLIT.replace("dw = np.multiply(dv, v)", "dw = [0.0] * 3").format(
            add="dw = dw + c[0]", after="pass"), _OWN, {"np": np})[0]
    assert "cast_like(dw, w)" in text
