"""compiler/shape_memo.py: the shape facts' results of earlier builds of one pipeline taken
again where what they depended on holds.  Every build with a memo must give the facts a
fresh build gives: edited definitions (in place too), definitions looked through, lengths
learned by broadcasting, loop counters, augmented updates and slices read in a scope
are each a case where an earlier result must not be taken; the gradients of programs
whose facts are built many times with a memo are checked against differences."""
import textwrap

import gast
import numpy as np
import pytest

import s2sad
from benchmarks.transform_time import clear_caches
from gradcheck import check_grad
from s2sad.compiler import dims, shape_memo

NS = {"np": np}


def body_of(code: str) -> list:
    return gast.parse(textwrap.dedent(code)).body


def facts(body: list, params: dict, memo: shape_memo.Memo | None = None,
          numbers: frozenset = frozenset()) -> dims.Facts:
    return dims.Facts(body, params, set(numbers), NS, memo=memo)


def solved(f: dims.Facts) -> tuple:
    return f.shapes, f.sizes, f.learned


def same_as_fresh(body: list, params: dict, memo: shape_memo.Memo,
                  numbers: frozenset = frozenset()) -> dims.Facts:
    """The facts of ``body`` built with ``memo``, checked equal to a fresh build's."""
    kept = facts(body, params, memo, numbers)
    assert solved(kept) == solved(facts(body, params, None, numbers))
    return kept


def test_an_unchanged_body_is_worked_out_from_the_memo() -> None:
    memo = shape_memo.Memo()
    body = body_of("""
        y = x * 2.0
        z = y + w
        s = np.sum(z, axis=0)
    """)
    params = {"x": ("a", "b"), "w": ("b",)}
    first = same_as_fresh(body, params, memo)
    assert first.shapes["s"] == ("b",)
    assert memo.entries  # (kept)
    worked = []
    original = dims.Facts.of

    def counted(self: dims.Facts, e: gast.expr) -> object:
        worked.append(e)
        return original(self, e)
    dims.Facts.of = counted  # type: ignore[method-assign]
    try:
        again = same_as_fresh(body, params, memo)
    finally:
        dims.Facts.of = original  # type: ignore[method-assign]
    assert again.shapes == first.shapes
    assert len(worked) < 20  # (the fresh build alone evaluates every definition)


def test_a_definition_edited_in_place_is_worked_out_again() -> None:
    memo = shape_memo.Memo()
    body = body_of("""
        y = x + 1.0
        z = y * 2.0
    """)
    params = {"x": ("a", "b"), "v": ("c",)}
    assert same_as_fresh(body, params, memo).shapes["z"] == ("a", "b")
    body[0].value.right = gast.Name(id="v", ctx=gast.Load(), annotation=None,
                                   type_comment=None)  # (the same node, another value)
    assert same_as_fresh(body, params, memo).shapes.get("z") == ("a", None)  # + (c,)
    body[0].value.right = gast.Constant(value=1.0, kind=None)
    assert same_as_fresh(body, params, memo).shapes["z"] == ("a", "b")


def test_a_definition_looked_through_that_changed_is_not_taken_again() -> None:
    memo = shape_memo.Memo()
    params = {"x": ("a", "b"), "w": ("c",)}
    before = body_of("""
        shape = np.shape(x)
        z = np.zeros(shape)
    """)
    after = body_of("""
        shape = np.shape(w)
        z = np.zeros(shape)
    """)
    assert same_as_fresh(before, params, memo).shapes["z"] == ("a", "b")
    assert same_as_fresh(after, params, memo).shapes["z"] == ("c",)
    # the same through a length: n = shape[0]
    memo = shape_memo.Memo()
    first = body_of("""
        shape = np.shape(x)
        n = shape[0]
        z = np.ones(n)
    """)
    second = body_of("""
        shape = np.shape(w)
        n = shape[0]
        z = np.ones(n)
    """)
    assert same_as_fresh(first, params, memo).shapes["z"] == ("a",)
    assert same_as_fresh(second, params, memo).shapes["z"] == ("c",)


def test_a_loop_counter_is_not_the_literal_it_is_spelled_as() -> None:
    memo = shape_memo.Memo()
    params = {"x": ("a",)}
    counted = body_of("""
        for i in range(3):
            y = np.zeros(i)
    """)
    literal = body_of("""
        i = 0
        y = np.zeros(i)
    """)
    assert same_as_fresh(counted, params, memo, frozenset({"i"})).sizes.get("i") is None
    assert same_as_fresh(literal, params, memo, frozenset({"i"})).sizes["i"] == 0


@pytest.mark.parametrize("augmented", [False, True])
def test_an_augmented_update_is_not_a_plain_sum(augmented: bool) -> None:
    memo = shape_memo.Memo()
    params = {"x": ("a",), "m": ("b", "a")}
    plain = body_of("""
        y = x * 1.0
        y = y + m
    """)
    same_as_fresh(plain, params, memo)
    marked = body_of("""
        y = x * 1.0
        y = y + m
    """)
    marked[1].value.s2sad_augmented = augmented  # (y += m: y keeps its shape)
    kept = same_as_fresh(marked, params, memo)
    assert (kept.shapes.get("y") == ("a",)) is augmented


def test_lengths_learned_by_broadcasting_are_part_of_what_a_result_read() -> None:
    memo = shape_memo.Memo()
    params = {"x": ("a",), "y": ("b",), "u": ("a",)}
    teaches = body_of("""
        k = np.ones(3)
        t = x + k
        z = u * 2.0
    """)
    quiet = body_of("""
        t = x + y
        z = u * 2.0
    """)
    first = same_as_fresh(teaches, params, memo)
    assert first.learned == {"a": 3} and first.shapes["z"] == (3,)
    assert same_as_fresh(quiet, params, memo).shapes["z"] == ("a",)
    assert same_as_fresh(teaches, params, memo).shapes["z"] == (3,)


def test_slices_read_in_a_scope_are_worked_out_in_each_build() -> None:
    memo = shape_memo.Memo()
    params = {"x": ("n",)}
    numbers = frozenset({"j", "k", "m", "top"})
    windowed = body_of("""
        m = x.shape[0]
        top = m - 2
        for j in range(top):
            k = j + 2
            w = x[j:k]
    """)
    moved = body_of("""
        m = x.shape[0]
        top = m - 2
        for j in range(top):
            k = j + 3
            w = x[j:k]
    """)
    assert same_as_fresh(windowed, params, memo, numbers).shapes["w"] == (2,)
    assert same_as_fresh(moved, params, memo, numbers).shapes["w"] != (2,)


# -- whole pipelines: every build with the memo equals a fresh build -------------------

def _checked_builds(monkeypatch: pytest.MonkeyPatch) -> list:
    """Make every build given a memo also build fresh and compare; the builds checked."""
    checked: list = []
    original = dims.Facts.__init__

    def init(self: dims.Facts, body: list, params: dict, numbers: set, namespace: dict,
             alike: dict | None = None, recursion: object = None,
             indices: frozenset = frozenset(), memo: object = None) -> None:
        if memo is not None:
            fresh = dims.Facts.__new__(dims.Facts)
            original(fresh, body, dict(params), set(numbers), namespace, alike, recursion,
                     indices)
        original(self, body, params, numbers, namespace, alike, recursion, indices, memo)
        if memo is not None:
            assert (self.shapes, self.sizes, self.learned) == \
                (fresh.shapes, fresh.sizes, fresh.learned)
            checked.append(self)
    monkeypatch.setattr(dims.Facts, "__init__", init)
    clear_caches()  # (built here, not taken from an earlier test)
    return checked


def rk4_steps(y0: np.ndarray, k: np.ndarray) -> float:
    """A fixed-step RK4 of a damped linear system, broadcasting a row of rates."""
    y = y0 * 1.0
    h = 0.05
    for _ in range(8):
        a = -k * y
        b = -k * (y + 0.5 * h * a)
        c = -k * (y + 0.5 * h * b)
        d = -k * (y + h * c)
        y = y + h / 6.0 * (a + 2.0 * b + 2.0 * c + d)
    return float(np.sum(y ** 2))


def moving_windows(x: np.ndarray, w: np.ndarray) -> float:
    """A convolution as a loop over windows (slices read in a loop's scope)."""
    n = x.shape[0]
    m = w.shape[0]
    total = 0.0
    for j in range(n - m + 1):
        piece = x[j:j + m]
        total = total + np.sum(piece * w) ** 2
    return total


def clipped_steps(x: np.ndarray, t: float) -> float:
    """A data-dependent branch a trip: both ways are taken for some ``t``."""
    s = 0.0
    for i in range(x.shape[0]):
        v = x[i] * t
        if v > 0.3:
            s = s + v * v
        else:
            s = s - np.sin(v)
    return s


def matrix_rows(A: np.ndarray, b: np.ndarray) -> float:
    """Broadcasting of a column against rows, a sum over one axis, a product."""
    c = b[:, None] * A
    r = np.sum(c, axis=1)
    return float(r @ r + np.sum(A * A.T))


@pytest.mark.parametrize("f, args", [
    (rk4_steps, (np.linspace(0.5, 1.5, 5), np.linspace(0.2, 1.0, 5))),
    (rk4_steps, (np.linspace(0.5, 1.5, 1), np.linspace(0.2, 1.0, 4))),  # (1 vs 4)
    (moving_windows, (np.sin(np.arange(12.0)), np.array([0.5, -0.25, 1.0]))),
    (moving_windows, (np.cos(np.arange(7.0)), np.array([0.3, 0.2, 0.1, 0.4, 0.9]))),
    (clipped_steps, (np.linspace(-1.0, 1.0, 9), 0.8)),  # both branches
    (clipped_steps, (np.linspace(0.5, 1.0, 4), 1.0)),  # only the first
    (clipped_steps, (np.linspace(-1.0, 0.2, 4), 1.0)),  # only the second
    (matrix_rows, (np.arange(9.0).reshape(3, 3) / 7.0, np.array([1.0, -2.0, 0.5]))),
])
def test_gradients_built_with_the_memo(monkeypatch: pytest.MonkeyPatch, f: object,
                                       args: tuple) -> None:
    checked = _checked_builds(monkeypatch)
    check_grad(f, *args, wrt=0)
    assert checked  # (the late passes built facts with the memo, each equal to a fresh one)


def test_the_memo_is_shared_by_the_builds_of_one_pipeline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list = []
    original = shape_memo.take

    def counted(*args: object) -> object:
        entry = original(*args)  # type: ignore[arg-type]
        taken.append(entry is not None)
        return entry
    monkeypatch.setattr(shape_memo, "take", counted)
    clear_caches()
    g = s2sad.grad(rk4_steps)
    x, k = np.linspace(0.5, 1.5, 5), np.linspace(0.2, 1.0, 5)
    g(x, k)
    assert any(taken) and not all(taken)
