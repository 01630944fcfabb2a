"""What the transform does faster gives what it gave before: the statement-only and
name-only scans, the parent map and the fast transformer visit what the general ones
visit, in the same order; the caches kept within a pass (liveness and purity in dead
code elimination, the holders of each statement's objects in alias analysis) see every
change; and the derivatives they took part in compute the right numbers."""
from __future__ import annotations

import ast
import pathlib

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.compiler import simplify
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import Transformer
from s2sad.compiler.statement_walks import statement_nodes, walk_statements
from s2sad.compiler.walks import name_ids, name_nodes, nodes, parent_map, walk

HERE = pathlib.Path(__file__).parent
CORPUS = [gast.ast_to_gast(ast.parse(p.read_text())) for p in
          sorted((HERE / "golden").glob("*.py"))] + \
    [gast.ast_to_gast(ast.parse((HERE / "golden_functions.py").read_text()))]
_EXPR = (gast.expr, gast.expr_context)


@pytest.mark.parametrize("tree", CORPUS)
def test_the_narrow_scans_visit_what_the_wide_ones_do(tree: gast.Module) -> None:
    stmts = gast.stmt
    assert [id(n) for n in walk_statements(tree) if isinstance(n, stmts)] == \
        [id(n) for n in walk(tree) if isinstance(n, stmts)]
    assert [id(n) for n in statement_nodes(tree.body) if isinstance(n, stmts)] == \
        [id(n) for n in nodes(tree.body) if isinstance(n, stmts)]
    assert not any(isinstance(n, _EXPR) for n in walk_statements(tree))
    assert [id(n) for n in name_nodes(tree.body)] == \
        [id(n) for n in nodes(tree.body) if isinstance(n, gast.Name)]
    for ctx in (gast.Load, gast.Store):
        assert name_ids(tree.body, ctx) == \
            [n.id for n in nodes(tree.body) if isinstance(n, gast.Name) and
             isinstance(n.ctx, ctx)]
    wide = {id(c): n for n in nodes(tree.body) for c in gast.iter_child_nodes(n)}
    narrow = parent_map(tree.body)
    assert all(narrow[id(n)] is wide[id(n)] for n in name_nodes(tree.body)
               if id(n) in wide)


class _Slow(gast.NodeTransformer):
    """Renames, drops ``pass``, splits ``del a, b``: every kind of answer a visit gives."""

    def visit_Name(self, node: gast.Name) -> gast.Name:
        node.id = node.id + "_"
        return node

    def visit_Pass(self, node: gast.Pass) -> None:
        return None

    def visit_Delete(self, node: gast.Delete) -> list:
        return [gast.Delete(targets=[t]) for t in node.targets]


class _Fast(Transformer):
    visit_Name = _Slow.visit_Name
    visit_Pass = _Slow.visit_Pass
    visit_Delete = _Slow.visit_Delete


@pytest.mark.parametrize("tree", CORPUS[:6] + CORPUS[-1:])
def test_the_fast_transformer_rewrites_as_gasts_does(tree: gast.Module) -> None:
    extra = gast.ast_to_gast(ast.parse("def g(a):\n    pass\n    del a, b\n    return a\n"))
    for t in (tree, extra):
        slow, fast = _Slow().visit(_copy(t)), _Fast().visit(_copy(t))
        assert gast.dump(fast) == gast.dump(slow)


def _copy(tree: gast.Module) -> gast.Module:
    return gast.ast_to_gast(gast.gast_to_ast(tree))


def test_liveness_kept_across_rounds_that_only_remove() -> None:
    """The memo of what each statement reads, kept while statements are removed, gives
    what a fresh analysis gives."""
    body = gast.parse("a = x + 1\nb = a * 2\nc = b + a\nd = x * 3\nr = d + 1\n").body
    memo: dict = {}
    first: dict = {}
    live_after(body, first, memo=memo)
    del body[2]  # c = b + a: nothing read it
    again, fresh = {}, {}
    live_after(body, again, memo=memo)
    live_after(body, fresh)
    assert again == fresh
    assert "a" not in again[id(body[1])]  # a is dead after b = a * 2 now


def test_dead_code_over_rounds() -> None:
    """A chain only found dead round after round (each removal makes the one before
    dead), a value only its own update reads, and a pure value kept for the return."""
    text = """
a = x + 1.0
b = a * 2.0
c = b + a
for i in range(n):
    s = s + c
t = x * 3.0
t2 = t + 1.0
r = t2 * x
"""
    body = gast.parse(text).body
    out = simplify.drop_dead_code(body, {"range": range}, {"x", "n", "r"})
    assert [ast.unparse(gast.gast_to_ast(s)) for s in out] == \
        ["t = x * 3.0", "t2 = t + 1.0", "r = t2 * x"]


def test_repeated_binding_only_where_nothing_between_changed() -> None:
    """``v = e`` again goes only when the last statement before it that writes ``v`` or
    what ``e`` reads is the same binding (found by the last writer of each name)."""
    body = gast.parse("k = i + 1\ny = k * 2\nk = i + 1\nz = k\n"
                      "i = i + 1\nk = i + 1\nw = k\n"
                      "m = j + 1\nm = m * 2\nm = j + 1\n").body
    simplify._drop_repeated_bindings(body, {})
    text = [ast.unparse(gast.gast_to_ast(s)) for s in body]
    assert text == ["k = i + 1", "y = k * 2", "z = k", "i = i + 1", "k = i + 1", "w = k",
                    "m = j + 1", "m = m * 2", "m = j + 1"]


# ----- numbers: programs whose transform goes through the changed scans -----

def _loop_rebinds(x):
    """A statement in a loop makes a new array each trip; another name keeps the one
    of an earlier trip (the objects a statement made before are aged, not the same)."""
    prev = x * 1.0
    cur = x * 2.0
    for i in range(3):
        prev = cur
        cur = x * (i + 1.0)
        cur[0] = cur[0] * 3.0
    return np.sum(prev * cur)


def _loop_shares(x, flag):
    """Both branches of a data-dependent if: a copy shares the array a later write
    changes (rebound) or not."""
    y = x * 1.0
    z = y
    if flag > 0:
        y = y + 1.0
    for _ in range(2):
        z = z * x
    return np.sum(y * z)


@pytest.mark.parametrize("shape", [(3,), (5,), (2,)])
def test_loop_that_rebinds_arrays(shape: tuple) -> None:
    x = np.linspace(0.3, 1.2, shape[0])
    check_grad(_loop_rebinds, x)
    # at the end prev = 2x and cur = 3x, each with its first element tripled
    c = np.ones_like(x)
    c[0] = 9.0
    assert s2sad.grad(_loop_rebinds)(x) == pytest.approx(12.0 * x * c)


@pytest.mark.parametrize("flag", [1.0, -1.0])
def test_loop_shares_both_branches(flag: float) -> None:
    x = np.array([0.5, -0.7, 1.1])
    check_grad(_loop_shares, x, flag)
    expected = 4 * x ** 3 + (3 * x ** 2 if flag > 0 else 0.0)
    assert s2sad.grad(_loop_shares)(x, flag) == pytest.approx(expected)


def _stage(y, k):
    return np.array([y[1], -k[0] * y[0] + k[1] * np.sin(y[1])])


def _three_stages(k, y):
    a = _stage(y, k)
    b = _stage(y + 0.5 * a, k)
    c = _stage(y + 0.5 * b, k)
    return np.sum(c * c) + a[0]


def test_a_helper_inlined_three_times_is_parsed_once(monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    from s2sad.compiler import pipeline, source
    parsed: list = []
    real = source._parse
    monkeypatch.setattr(source, "_parse", lambda fn, filename: parsed.append(fn.__name__)
                        or real(fn, filename))
    pipeline._reverse_parts.cache_clear()
    pipeline._FULL.clear()
    k, y = np.array([0.7, 0.3]), np.array([0.2, -0.4])
    check_grad(_three_stages, k, y, wrt=(0, 1))
    assert parsed.count("_stage") == 1 and source._PARSED is None
    parsed.clear()
    s2sad.jvp(_three_stages, wrt=0)(k, y, k)  # a new transform reads it again
    assert parsed.count("_stage") == 1
