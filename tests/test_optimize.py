"""The late passes under their manager: each pass keeps the function well formed (the
verifier after every pass), the fixpoint finishes what one pass exposes, ``del``
insertion frees arrays and nothing else, and every pass can be printed."""
from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import s2sad
from backend_programs import CORPUS
from gradcheck import assert_tree_close, numerical_grad
from s2sad.compiler import free, pass_manager, pipeline, verify
from s2sad.compiler.names import origin, set_origin
from s2sad.compiler.walks import nodes


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list:
    """Runs the verifier after every late pass; the problems found, by pass."""
    found: list = []

    def check(name: str, body: list, facts: pass_manager.Facts) -> None:
        found.extend((name, p) for p in verify.problems(body, facts.params, facts.namespace))
    monkeypatch.setattr(pass_manager, "CHECK", check)
    return found


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_pass_keeps_the_function_well_formed(name: str, verified: list) -> None:
    f, make, wrt = CORPUS[name]
    pipeline._reverse_parts.cache_clear()
    pipeline._FULL.clear()
    args = make(np.random.default_rng(0))
    for build in (lambda: pipeline.build_reverse(f, wrt, "grad"),
                  lambda: pipeline.build_forward(f, wrt)):
        try:
            build()
        except s2sad.DifferentiationError:
            continue  # refused: nothing generated to check
    assert verified == []
    # and the derivative still computes the right number
    assert_tree_close(s2sad.grad(f, wrt=wrt)(*args), numerical_grad(f, args, wrt=wrt))


def test_verifier_reports_a_read_before_assignment_and_a_missing_line() -> None:
    body = gast.parse("y = x + z\nif c:\n    w = 1.0\n    del y\nv = y + w\ndel w\n").body
    found = verify.problems(body, {"x", "c"}, {})
    assert "z read where it is unbound" in found
    assert "y read where it is unbound" in found  # deleted before
    assert "del w where it may be unbound" in found  # the else side does not bind it
    assert "w read where it is unbound" not in found  # the user's code may do that
    assert any(p.startswith("no user line") for p in found)


def test_verifier_accepts_deleting_a_loop_value_in_a_later_loop() -> None:
    """The reverse sweep frees what the forward loop bound: its loop runs only if that did."""
    body = gast.parse("for i in r:\n    h = i\nfor j in r:\n    g = h\n    del h\n").body
    assert [p for p in verify.problems(body, {"r"}, {}) if "unbound" in p] == []
    body = gast.parse("for i in r:\n    h = i\ng = h\ndel h\n").body
    assert "del h where it may be unbound" in verify.problems(body, {"r"}, {})


def _parsed(src: str) -> list:
    """Statements of ``src``, each from a user line of its own (its origin)."""
    body = gast.parse(textwrap.dedent(src)).body
    for n in nodes(body):
        if isinstance(n, gast.stmt):
            set_origin(n, f"line {n.lineno}")
    return body


def _dels(src: str, keep: set[str] = frozenset()) -> list[list[str]]:
    body = free.free(_parsed(src), set(keep))
    return [[t.id for t in n.targets] for n in nodes(body) if isinstance(n, gast.Delete)]


def test_free_deletes_after_the_last_use_and_not_before_return() -> None:
    src = """
    a = x * 2
    b = a + 1
    c = b * b
    return c
    """
    assert _dels(src, {"x"}) == [["a"]]  # b: the return comes next


@pytest.mark.parametrize("src", [
    "a = x * 2\ny = a\nz = y + 1\nw = z * z\nreturn w",  # copied: y still holds it
    "a = x * 2\nstack.append(a)\nz = x + 1\nw = z * z\nreturn w",  # pushed on the tape
    "a = x * 2\nt = (a, x)\nz = t[0] + 1\nw = z * z\nreturn w",  # packed in a tuple
])
def test_free_does_not_delete_a_value_something_else_holds(src: str) -> None:
    assert "a" not in sum(_dels(src, {"x", "stack"}), [])


def test_free_leaves_a_loops_own_temporaries_alone() -> None:
    """The next trip binds ``t`` and ``u`` again: a ``del`` in the loop frees one trip's
    worth of memory a statement early, which nobody writing the loop would bother with;
    ``a``, bound before the loop and dead after it, is freed (``b``: the return follows)."""
    src = """
    a = x * 3
    s = x
    for i in r:
        t = s * 2
        u = t + a
        s = u
    b = s * s
    c = b + 1
    return c
    """
    assert sorted(_dels(src, {"x", "r"})) == [["a"], ["s"]]


def test_free_keeps_what_a_loop_left_on_the_tape() -> None:
    """After the loop ``h`` and the tape hold the same array: deleting ``h`` frees
    nothing; ``g``, not pushed, is freed."""
    src = """
    h = x * 1
    g = x * 2
    for i in r:
        h = h * g
        stack.append(h)
    d = zeros_like(h) + g
    e = d * d
    return e
    """
    assert _dels(src, {"x", "r", "stack"}) == [["g"]]  # d: the return follows its line


def test_free_keeps_branch_flags_and_numbers() -> None:
    src = """
    c = x > 0
    n = 2.0 * k
    if c:
        y = x * n
    else:
        y = x
    z = y * y
    w = z + 1
    return w
    """
    assert _dels(src, {"x", "k", "n"}) == [["y"]]  # bound by both branches


def test_fixpoint_folds_the_copies_a_dropped_helper_leaves() -> None:
    """``unbroadcast(g, x)`` of a g shaped like x goes (shapes pass), and the copy it
    leaves is folded by the next round of copy folding."""
    from golden_functions import mlp_loss
    rng = np.random.default_rng(1)
    W, x, b = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    g = s2sad.grad(mlp_loss, wrt=(0, 1, 2))
    g(W, x, b)
    text = g.source
    assert "unbroadcast" not in text and "repeat_to" not in text
    assert not any(line.strip().split(" = ")[-1].isidentifier()
                   for line in text.splitlines() if " = " in line and "cast_like" not in line)


@pytest.mark.parametrize("stage", pipeline.STAGES)
def test_show_prints_every_stage_and_pass(stage: str) -> None:
    from golden_functions import branch
    text = pipeline.show(branch, stage)
    assert text.startswith("def ") and "branch" in text.splitlines()[0]
    if stage in pipeline.LATE_STAGES:  # a reverse-mode derivative after that pass
        assert text.startswith("def grad_branch(")
        compile(text, "<show>", "exec")


def test_show_forward_mode_after_a_pass() -> None:
    from golden_functions import running_sum
    assert pipeline.show(running_sum, "simplify", forward=True).startswith(
        "def jvp_running_sum(")


def test_passes_have_unique_names_and_free_is_last() -> None:
    names = [step.name for step in pipeline.PASSES]
    assert len(set(names)) == len(names) and names[-1] == "free"
    assert pipeline.LATE_STAGES == tuple(names)


def test_free_of_names_both_branches_bind_and_delete() -> None:
    """A name each branch binds and frees again is not bound after the ``if``: no second
    ``del`` of it (the reverse sweep of a loop with a branch pops into such names)."""
    src = """
    for i in r:
        if c:
            t = x * 2
            y = t + 1
        else:
            t = x * 3
            y = t - 1
        z = y * x
        stack.append(z)
    return x
    """
    body = free.free(_parsed(src), {"x", "r", "c", "stack"})
    assert [p for p in verify.problems(body, {"x", "r", "c", "stack"}, {})
            if "unbound" in p] == []
    assert [n for n in nodes(body) if isinstance(n, gast.Delete)] == []  # the loop's own


def test_free_after_a_loop_that_frees_the_name_inside() -> None:
    """The reverse sweep pops into a name the forward sweep bound at the top: freed in
    the loop, it is not freed again after it."""
    src = """
    s = x * 1
    for i in r:
        s = stack.pop()
        g = g * s
    y = g + 1
    w = y * y
    return w
    """
    body = free.free(_parsed(src), {"x", "r", "stack"})
    assert [p for p in verify.problems(body, {"x", "r", "stack", "g"}, {})
            if "unbound" in p] == []


def test_free_deletes_once_per_user_line() -> None:
    """What dies in the statements of one line goes in one ``del`` after them."""
    body = _parsed("""
    a = x * 2
    b = a + 1
    c = b * b
    d = c - x
    return d
    """)
    for s in body[:3]:
        set_origin(s, "line 1")
    dels = [[t.id for t in n.targets] for n in nodes(free.free(body, {"x"}))
            if isinstance(n, gast.Delete)]
    assert dels == [["a", "b"]]  # c: the return comes right after its line


# ----- per-pass snippets: statements in, statements out -----

def _snippet(src: str, line_of: dict[int, str] | None = None) -> list:
    """``src`` parsed; statement n (1-based) gets origin ``line_of[n]`` (default: its own
    line); nested statements count too."""
    body = gast.parse(textwrap.dedent(src).strip()).body
    for n in nodes(body):
        if isinstance(n, gast.stmt):
            set_origin(n, (line_of or {}).get(n.lineno, f"line {n.lineno}"))
    return body


def _printed(body: list) -> list[str]:
    import ast
    return [ast.unparse(gast.gast_to_ast(s)) for s in body]


def test_accumulate_merges_the_contributions_of_one_line() -> None:
    from s2sad.compiler import accumulate
    body = _snippet("""
    dy = x
    dx = y
    dy = dy + 2 * y
    dx[i] += a
    dx[i] -= b
    """, {n: "adjoint of line 9" for n in range(1, 6)})
    assert _printed(accumulate.merge(body)) == [
        "dy = x + 2 * y", "dx = y", "dx[i] += a - b"]


@pytest.mark.parametrize("src, kept", [
    ("dy = x\ndy = dy + 2 * y", False),  # one line: merged
    ("dy = x\nx = 3.0\ndy = dy + 2 * x", True),  # the term reads what changed in between
    ("dy = x\ndy = dy + dy * y", True),  # the term reads the target
])
def test_accumulate_only_where_the_sum_is_the_same(src: str, kept: bool) -> None:
    from s2sad.compiler import accumulate
    body = _snippet(src, {1: "l", 2: "l", 3: "l"})
    assert (len(accumulate.merge(body)) == len(src.splitlines())) == kept


def test_accumulate_keeps_an_alias_that_sees_a_write_in_between() -> None:
    """``dy = x`` makes ``dy`` the object ``x`` is; a write into ``x`` before ``dy = dy + b``
    shows in ``dy``: ``dy = x + b`` at the top would miss it."""
    from s2sad.compiler import accumulate
    body = _snippet("dy = x\nx[0] = 5.0\ndy = dy + b", {1: "l", 2: "l", 3: "l"})
    assert len(accumulate.merge(body)) == 3
    x, b = np.array([1.0, 2.0]), np.array([10.0, 20.0])
    merged, kept = {"x": x.copy(), "b": b}, {"x": x.copy(), "b": b}
    exec("dy = x\nx[0] = 5.0\ndy = dy + b", {}, kept)
    exec("dy = x + b\nx[0] = 5.0", {}, merged)  # what the merge would have written
    assert kept["dy"][0] == 15.0 and merged["dy"][0] == 11.0  # why it must not


def test_accumulate_keeps_contributions_of_different_lines_apart() -> None:
    from s2sad.compiler import accumulate
    body = _snippet("dx = a\ndx = dx + b")  # lines 1 and 2: each keeps its comment
    assert len(accumulate.merge(body)) == 2


def test_copies_joining_the_branches_of_an_if_are_folded() -> None:
    from s2sad.compiler import simplify
    body = _snippet("""
    if c:
        z = x * y
        z_2 = z
    else:
        z_1 = x * 2
        z_2 = z_1
    return z_2
    """, {3: "line 1", 6: "line 1"})
    assert _printed(simplify.simplify(body, {}, {"x", "y", "c"})) == [
        "if c:\n    z_2 = x * y\nelse:\n    z_2 = x * 2", "return z_2"]


def test_a_copy_is_read_through_until_its_source_changes() -> None:
    """``d = dx * 0.5; dx = d; g += d / x; dx = dx - d * y`` reads ``d`` as ``dx``."""
    from s2sad.compiler import simplify
    body = _snippet("""
    dv = x * 1.0
    for t in r:
        d = dv * 0.5
        dv = d
        g += d / x
        dv = dv - d * y
    return dv
    """, {n: "adjoint of line 3" for n in range(3, 7)})
    out = _printed(simplify.simplify(body, {}, {"r", "x", "y", "g"}))
    assert out[1] == "for t in r:\n    dv = dv * 0.5\n    g += dv / x\n    dv = dv - dv * y"


def test_an_adjoint_copy_is_not_merged_into_a_forward_value() -> None:
    """``a = x + y`` (line 5) and ``dx = a`` (adjoint of line 6): one statement would
    lose the adjoint's comment."""
    from s2sad.compiler import simplify
    body = _snippet("a = x + y\ndx = a\ndx = dx * y\nreturn dx", {
        1: "line 5", 2: "adjoint of line 6", 3: "adjoint of line 6", 4: "adjoint of line 6"})
    out = simplify.simplify(body, {}, {"x", "y"})
    assert _printed(out)[0] == "a = x + y" and origin(out[0]) == "line 5"


def test_accumulate_doubles_the_same_term_of_a_derivative() -> None:
    """``dx[i] += a`` twice is ``dx[i] += 2 * a`` for an adjoint; a forward value keeps
    ``a + a`` (on booleans ``+`` is ``or``, not doubling)."""
    from s2sad.compiler import accumulate
    src = "dx[i] += a\ndx[i] += a\nk = m\nk = k + m"
    lines = {1: "l", 2: "l", 3: "l", 4: "l"}
    assert _printed(accumulate.merge(_snippet(src, lines), frozenset({"dx"}))) == [
        "dx[i] += 2 * a", "k = m + m"]
    assert _printed(accumulate.merge(_snippet(src, lines))) == ["dx[i] += a + a", "k = m + m"]


# ----- a copy read only until its name is bound again -----

def _folded(src: str, keep: set[str]) -> list[str]:
    from s2sad.compiler import simplify
    lines = {n: "adjoint of line 3" for n in range(1, 20)}
    return _printed(simplify.simplify(_snippet(src, lines), {}, keep))


def _run(src: str, **values: float) -> dict:
    scope = dict(values)
    exec(textwrap.dedent(src).strip().replace("return ", "out = "), {}, scope)
    return scope


@pytest.mark.parametrize("src, folded", [
    ("dx = y\ndy = x + 2 * y\ndx = dx + dy * c\nreturn dx", True),  # fan-out: y and x
    ("for t in r:\n    g = g + dx\n    dx = y\n    dx = dx * 2\nreturn g", True),  # in a loop
    ("dx = y\nif c:\n    dx = dx * 2\nreturn dx", False),  # bound again on one path only
    ("dx = y\ny = y * 3\ndx = dx + y\nreturn dx", False),  # y changes before the read
])
def test_a_copy_read_until_its_name_is_bound_again(src: str, folded: bool) -> None:
    keep = {"x", "y", "c", "r", "g"}
    out = _folded(src, keep)
    assert (not any(line.startswith("dx = y") and line == "dx = y" for line in out)) == folded
    values = {"x": 0.5, "y": 1.5, "c": 3.0, "r": range(3), "g": 0.0, "dx": 0.25}
    assert _run("\n".join(out), **values)["out"] == _run(src, **values)["out"]


def test_show_twice_prints_the_same_names() -> None:
    """Each derivative built from one cached stage starts from the same names."""
    from golden_functions import in_place_writes
    first = pipeline.show(in_place_writes, "floats")
    assert pipeline.show(in_place_writes, "floats") == first
    assert pipeline.show(in_place_writes, "free") == pipeline.show(in_place_writes, "free")
