"""The name counts copy folding keeps up to date (``copies.counted_folds``), read by
``simplify`` and ``fuse`` instead of counting the body again: checked against a count
of the body each fold leaves (the oracle), for each kind of fold."""
from __future__ import annotations

import textwrap

import pytest

from s2sad.compiler import copies, gast_parse

BODIES = {
    # t = v; v = t: the second copy goes
    "swap back": """
        t = a * 2.0
        v = t
        t = v
        out = t + v
    """,
    # t = e; ...; v = t: v = e, the reads of t read v
    "copy of a temporary": """
        t = a * 2.0
        w = t + 1.0
        v = t
        out = v * w
    """,
    # v = t read only after it, t unchanged: the reads of v read t
    "reads after": """
        t = a * 2.0
        v = t
        out = v * v + t
    """,
    # v = t; ...v...; v = f(v): t read until v is bound again
    "until rebound": """
        t = a * 2.0
        v = t
        w = v + 1.0
        v = w * v
        w = v * 3.0
        out = w + v
    """,
    # in a loop body and an if
    "nested": """
        s = a
        for i in range(3):
            t = s
            s = t + 1.0
        if s > 0.0:
            u = s
            s = u * 2.0
        out = s
    """,
}


def _body(text: str) -> list:
    return gast_parse.parse(textwrap.dedent(text)).body


@pytest.mark.parametrize("name", sorted(BODIES))
def test_kept_counts_are_the_body_counts(name: str) -> None:
    body, stores, loads = copies.counted_folds(_body(BODIES[name]), {"a", "out"})
    assert (+stores, +loads) == copies.counts(body)


@pytest.mark.parametrize("name", ["swap back", "copy of a temporary", "reads after"])
def test_folds_happen(name: str) -> None:
    """(the bodies above do fold: the counts are checked after a change)"""
    before = _body(BODIES[name])
    n = len(before)
    body, _, _ = copies.counted_folds(before, {"a", "out"})
    assert len(body) < n


def test_counts_gone_wrong_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fold that forgets to update the counts fails the tests' check."""
    def careless(s, block, stores, loads, keep, names, stored):  # type: ignore[no-untyped-def]
        if s.targets[0].id in keep:
            return False
        block.remove(s)  # (the counts not updated)
        return True
    monkeypatch.setattr(copies, "_fold_copy", careless)
    monkeypatch.setattr(copies, "CHECK_COUNTS", True)
    with pytest.raises(AssertionError, match="fold_copies: counts"):
        copies.counted_folds(_body(BODIES["reads after"]), {"a", "out"})


COMPOUND = {
    "loop with a branch": """
        for i in range(n):
            t = s[i]
            if t > 0.0:
                u = t * w
                s[i] = u
            else:
                s[i] = -t
        else:
            v = s
    """,
    "while around a with and a try": """
        while k < n:
            with ctx as c:
                k = k + c
            try:
                q = f(k)
            except ValueError as e:
                q = g(e, k)
            finally:
                r = q
    """,
    "nested loops": """
        for i in range(n):
            for j in range(m):
                a[i, j] = b[j, i] + c
            d = a[i]
    """,
}


@pytest.mark.parametrize("name", sorted(COMPOUND))
def test_compound_names_are_the_walks(name: str) -> None:
    """A compound statement's names put together from its statements' kept names are
    the Name nodes a walk of it gives, in its order, also after a fold renamed some of
    them in place and the kept lists were read again."""
    from s2sad.compiler.walks import name_nodes

    stmt = _body(COMPOUND[name])[0]
    cache: dict = {}
    assert [id(n) for n in copies._names_in(stmt, cache)] == [id(n) for n in name_nodes(stmt)]
    for n in name_nodes(stmt):  # (a rename in place, as a fold does)
        n.id = n.id + "_1"
    found = copies._names_in(stmt, cache)
    assert [id(n) for n in found] == [id(n) for n in name_nodes(stmt)]
    assert all(n.id.endswith("_1") for n in found)
