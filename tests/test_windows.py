"""compiler/affine.py and compiler/windows.py: affine lengths (``x.shape[0] - k + 1``)
and the lengths of slices whose bounds are proved inside the array (finite differences,
moving windows, a convolution's taps), so that the shape facts drop ``unbroadcast`` and
shape pushes; where the bounds are not proved (a window that may run past the end) the
general code stays, and every gradient is checked against differences."""
import ast
import textwrap

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.compiler import affine, dims
from s2sad.compiler.affine import CLAMPED, EXACT, GUARDED, Lin
from test_dims import taps


def facts_of(code: str, **params: tuple) -> dims.Facts:
    body = gast.parse(textwrap.dedent(code)).body
    ints = {t.id for n in gast.walk(gast.Module(body=body, type_ignores=[]))
            if isinstance(n, (gast.Assign, gast.For))
            for t in ([n.target] if isinstance(n, gast.For) else n.targets)
            if isinstance(t, gast.Name) and t.id in "ijkmnlh"}
    return dims.Facts(body, params, ints, {"np": np})


B_MINUS_A_1 = Lin((("a", -1), ("b", 1)), 1)


# -- the forms ------------------------------------------------------------------

def test_forms_are_normalised_so_equal_forms_compare_equal() -> None:
    a, b = affine.form("a"), affine.form("b")
    n = affine.add(affine.add(b, a, -1), affine.form(1))
    assert n == affine.add(affine.form(1), affine.add(affine.scale(a, -1), b))
    assert affine.value(n) == B_MINUS_A_1
    assert affine.value(affine.add(n, affine.add(a, affine.form(-1)))) == "b"  # a symbol
    assert affine.value(affine.add(n, n, -1)) == 0
    assert affine.form(Lin((("a", 1),), 2, CLAMPED)) is None  # max(0, ..): not a value


def test_a_form_as_a_length() -> None:
    f = affine.form(B_MINUS_A_1)
    assert affine.length(f, CLAMPED) == Lin(f.terms, 1, CLAMPED)
    assert affine.length(affine.add(affine.form("a"), affine.form(2)), CLAMPED) == \
        Lin((("a", 1),), 2)  # never negative: exact
    assert affine.length(Lin((), -2), CLAMPED) == 0
    assert affine.length(Lin((), -2), GUARDED) is None
    assert affine.length(affine.counter("j"), EXACT) is None  # changes trip by trip


@pytest.mark.parametrize("k1, k2, same, broadcast, join", [
    (EXACT, EXACT, True, EXACT, EXACT),
    (EXACT, CLAMPED, True, EXACT, CLAMPED),
    (EXACT, GUARDED, True, EXACT, GUARDED),
    (CLAMPED, CLAMPED, True, CLAMPED, CLAMPED),
    (CLAMPED, GUARDED, False, CLAMPED, GUARDED),
    (GUARDED, GUARDED, False, None, GUARDED)])
def test_kinds_of_one_form(k1, k2, same, broadcast, join) -> None:
    """An exact length proves the form is not negative; two guarded ones (each unknown
    when the form is negative) may differ, and may be 1 against the other."""
    x, y = Lin(B_MINUS_A_1.terms, 1, k1), Lin(B_MINUS_A_1.terms, 1, k2)
    for p, q in ((x, y), (y, x)):
        assert affine.same(p, q) is same
        got = affine.broadcast(p, q)
        assert (got.kind if got is not None else None) == broadcast
        assert affine.join(p, q).kind == join


def test_a_form_against_other_lengths() -> None:
    f = B_MINUS_A_1
    assert affine.broadcast(f, "c") == "c"  # c is not 1: f was 1 or c
    assert affine.broadcast(f, 4) == 4
    assert affine.broadcast(f, Lin((("a", 1),), -1)) is None  # either may be 1
    assert affine.broadcast(f, None) is None
    assert not affine.same(f, "c") and affine.join(f, "c") is None
    assert dims.known(("a", 3)) and not dims.known(("a", f))  # f may be 1 or not
    assert dims.same(("a", f), ("a", f)) and not dims.same((f,), ("a",))


def test_counters_take_the_end_of_their_range_that_makes_a_form_least() -> None:
    ends = {"#j": (Lin((), 0), Lin((("a", 1),), -1), 1),  # j in range(a)
            "#i": (affine.counter("j"), affine.form("b"), 2)}  # i in range(j, b + 1)
    a, j, i = affine.form("a"), affine.counter("j"), affine.counter("i")
    assert affine.nonneg(j, ends.get) and affine.nonneg(affine.add(a, j, -1), ends.get)
    assert affine.nonneg(affine.add(affine.add(a, j, -1), Lin((), 1), -1), ends.get)
    assert not affine.nonneg(affine.add(affine.add(a, j, -1), Lin((), 2), -1), ends.get)
    assert affine.nonneg(affine.add(i, j, -1), ends.get)  # i >= j
    assert not affine.nonneg(affine.add(a, i, -1), ends.get)  # i may reach b
    assert not affine.nonneg(j)  # no range known


def test_learned_lengths_are_put_in() -> None:
    assert affine.substitute(B_MINUS_A_1, {"a": 3}) == Lin((("b", 1),), -2)
    assert affine.substitute(Lin((("b", 1),), -2, GUARDED), {"b": 1}) is None
    assert affine.substitute(B_MINUS_A_1, {"a": 3, "b": 7}) == 5


# -- the lengths of slices ------------------------------------------------------

def test_finite_differences_have_one_length() -> None:
    # a symbol is a length of at least 2 (0 and 1 are ints in a shape class): these
    # lengths are exact; x[3:] may be empty (a = 2), so max(0, a - 3)
    f = facts_of("u = x[1:]\nv = x[:-1]\nd = u - v\nw = x[2:]\ne = x[1:-1]\nt = x[3:]",
                 x=("a",))
    assert f.shapes["u"] == f.shapes["v"] == f.shapes["d"] == (Lin((("a", 1),), -1, EXACT),)
    assert f.shapes["w"] == f.shapes["e"] == (Lin((("a", 1),), -2, EXACT),)
    assert f.shapes["t"] == (Lin((("a", 1),), -3, CLAMPED),)
    assert f.of(gast.parse("x[:1]").body[0].value) == f.of(gast.parse("x[-1:]").body[0].value) \
        == (1,)
    assert f.of(gast.parse("x[-3:]").body[0].value) == (None,)  # min(3, a): not affine
    assert f.of(gast.parse("x[1:3]").body[0].value) == (None,)  # 3 may pass the end


def test_taps_of_a_convolution_have_the_output_length() -> None:
    f = facts_of("""
        k = w.shape[0]
        n = x.shape[0] - k + 1
        out = np.zeros(n)
        for j in range(k):
            add = j + n
            seg = x[j:add]
            out = out + w[j] * seg
        """, w=("a",), x=("b",))
    assert f.sizes["n"] == B_MINUS_A_1
    assert f.shapes["seg"] == (Lin(B_MINUS_A_1.terms, 1, GUARDED),)  # x[0:-2] if n < 0
    assert f.shapes["out"] == (B_MINUS_A_1,)


@pytest.mark.parametrize("code", [
    "for j in range(k + 1):\n    seg = x[j:j + n]",  # one trip too many
    "for j in range(k):\n    seg = x[j:j + n + 1]",  # one element too many
    "for j in range(k):\n    seg = x[j - 1:j + n]",  # from -1: the last element
    "for j in range(k):\n    j = j + 1\n    seg = x[j:j + n]",  # not the counter
    "for j in range(k):\n    m = j + n\n    for j in range(2):\n        pass\n"
    "    seg = x[j:m]",  # j bound again in between
    "m = 1\nfor j in range(k):\n    seg = x[j:m]\n    m = j + n",  # the last trip's m
    "m = n\nfor j in range(k):\n    seg = x[j:j + m]\n    m = m - 1",  # m shrinks
])
def test_slices_not_proved_inside_are_unknown(code) -> None:
    f = facts_of("k = w.shape[0]\nn = x.shape[0] - k + 1\n" + code, w=("a",), x=("b",))
    assert f.shapes.get("seg") in (None, (None,))


def test_nested_ranges_and_windows() -> None:
    f = facts_of("""
        m = w.shape[0]
        for i in range(x.shape[0] - m + 1):
            seg = x[i:i + m]
            for l in range(i, i + m):
                h = l + 1
                one = x[l:h]
                rest = x[i:h]
        """, w=("c",), x=("a",))
    assert f.shapes["seg"] == ("c",)
    assert f.shapes["one"] == (1,)
    assert f.shapes["rest"] == (None,)  # l - i + 1 changes trip by trip


def test_only_slices_of_names_are_given_a_scope() -> None:
    # a slice of constant bounds has one length wherever it is read: no scope is worked
    # out for it (nor for a body holding only such), and its length is the same
    f = facts_of("""
        k = w.shape[0]
        n = x.shape[0] - k + 1
        for j in range(k):
            head = x[1:]
            seg = x[j:j + n]
            tail = x[:-1]
        """, w=("a",), x=("b",))
    assert [ast.unparse(gast.gast_to_ast(at[0])) for at in f.scopes.values()] == \
        ["x[j:j + n]"]
    assert f.shapes["head"] == f.shapes["tail"] == (Lin((("b", 1),), -1, EXACT),)
    assert f.shapes["seg"] == (Lin(B_MINUS_A_1.terms, 1, GUARDED),)
    plain = facts_of("u = x[1:]\nfor j in range(3):\n    v = x[:-1]\n    e = x[1:-1]",
                     x=("b",))
    assert plain.scopes == {}
    assert plain.shapes["u"] == plain.shapes["v"] == (Lin((("b", 1),), -1, EXACT),)
    assert plain.shapes["e"] == (Lin((("b", 1),), -2, EXACT),)


# -- gradients ------------------------------------------------------------------

conv1d = taps  # (tests/test_dims.py: the convolution as a loop over its taps)


def conv1d_linear(w, x, y):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j:j + n]
    return np.sum(out * y)


@pytest.mark.parametrize("k, m", [(3, 9), (1, 5), (4, 4), (5, 6), (2, 2)])
def test_convolution_taps_need_no_shape_tape(rng, k, m) -> None:
    """k = 1, and k == len(x) (one output), among others: no ``unbroadcast`` in the loop,
    no shapes pushed; values against differences and the closed form of a linear loss."""
    w, x = rng.standard_normal(k), rng.standard_normal(m)
    y = rng.standard_normal(m - k + 1)
    check_grad(conv1d, w, x, y, wrt=(0, 1, 2))
    g = s2sad.grad(conv1d_linear, wrt=(0, 1))
    dw, dx = g(w, x, y)
    n = m - k + 1
    np.testing.assert_allclose(dw, [x[j:j + n] @ y for j in range(k)], rtol=1e-12)
    np.testing.assert_allclose(dx, np.convolve(y, w), rtol=1e-12, atol=1e-14)
    loop = g.source[g.source.index("reversed"):]
    assert "stack" not in g.source and "unbroadcast" not in loop


def tv(x):
    return np.sum((x[1:] - x[:-1]) ** 2)


def second_differences(x, lam):
    d = x[2:] - 2 * x[1:-1] + x[:-2]
    return np.sum(d * d) * lam + np.sum(x[1:] * x[:-1])


@pytest.mark.parametrize("m", [6, 2, 1, 3])
def test_finite_differences(rng, m) -> None:
    """Lengths 1 and 2 too (x[1:] empty, x[2:] empty); the closed form of the total
    variation's gradient; no ``unbroadcast`` left."""
    x = rng.standard_normal(m)
    check_grad(tv, x)
    check_grad(second_differences, x, 0.7, wrt=(0, 1))
    g = s2sad.grad(tv)
    d = np.diff(x)
    want = np.zeros(m)
    want[1:] += 2 * d
    want[:-1] -= 2 * d
    np.testing.assert_allclose(g(x), want, rtol=1e-12)
    assert "unbroadcast" not in g.source
    h = s2sad.grad(second_differences)
    h(x, 0.7)
    assert "unbroadcast" not in h.source


def window_sum(x, w):
    m = w.shape[0]
    total = 0.0
    for i in range(x.shape[0] - m + 1):
        total = total + np.sum(np.sin(x[i:i + m]) * w)
    return total


@pytest.mark.parametrize("m, k", [(9, 3), (3, 3), (5, 1)])
def test_moving_window(rng, m, k) -> None:
    x, w = rng.standard_normal(m), rng.standard_normal(k)
    check_grad(window_sum, x, w, wrt=(0, 1))
    g = s2sad.grad(window_sum, wrt=(0, 1))
    g(x, w)
    assert "unbroadcast" not in g.source and "shape_of" not in g.source
    dx, dw = g(x, w)
    np.testing.assert_allclose(dw, sum(np.sin(x[i:i + k]) for i in range(m - k + 1)),
                               rtol=1e-12)


def tail_windows(x, c):
    """Windows of c's length that shrink to one element at the end, which then
    broadcasts against c: nothing proves x[j:j + m] has m elements."""
    m = c.shape[0]
    total = 0.0
    for j in range(x.shape[0]):
        total = total + np.sum(np.tanh(x[j:j + m] * c))
    return total


def stale_bound(x, c):
    """``hi`` read before this trip binds it: last trip's j + 2, one element."""
    hi = 1
    total = 0.0
    for j in range(x.shape[0] - 1):
        total = total + np.sum(np.sin(x[j:hi] * c))
        hi = j + 2
    return total


def shrinking(x, w):
    """The window's length bound before the loop and shrunk each trip: its last window
    (one element when w has two) broadcasts against ``out``."""
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.ones(n) * 0.5
    m = n
    total = 0.0
    for j in range(k):
        total = total + np.sum(np.sin(out * x[j:j + m])) * w[j]
        m = m - 1
    return total


@pytest.mark.parametrize("f", [tail_windows, stale_bound, shrinking])
def test_windows_not_proved_inside_keep_the_general_code(rng, f) -> None:
    x, c = rng.standard_normal(3 if f is shrinking else 5), rng.standard_normal(2)
    check_grad(f, x, c, wrt=(0, 1))
    g = s2sad.grad(f, wrt=(0, 1))
    g(x, c)
    assert "unbroadcast" in g.source


def taps_past_end(w, x, extra):
    """n not known (``extra`` is a number): the general code, right where in bounds."""
    k = w.shape[0]
    n = x.shape[0] - k + 1 + extra
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j:j + n]
    return np.sum(np.tanh(out) ** 2)


def test_taps_of_unknown_length(rng) -> None:
    w, x = rng.standard_normal(3), rng.standard_normal(7)
    check_grad(taps_past_end, w, x, 0, wrt=(0, 1))
    g = s2sad.grad(taps_past_end, wrt=(0, 1))
    g(w, x, 0)
    assert "unbroadcast" in g.source
