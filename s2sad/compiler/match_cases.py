"""Part of stage 2: a ``match`` statement of value patterns as the ``if``/``elif`` chain it
means, before the fence looks at the function.

``case "l1":`` (``==``), ``case None:`` (``is``), ``case "a" | "b":``, ``case _:``, a
capture ``case v:`` (``v`` bound to the subject) and a guard ``case v if v > 2:``: each
case a test of the subject, read once (a name of its own where the subject is not a
name), in order, the first that holds taken, as Python takes it.  Sequence, mapping and
class patterns stay refused by the fence, at their line.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import assign, load
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import walk


def lowered(node: gast.FunctionDef) -> None:
    """Each ``match`` of value patterns in ``node`` replaced by its ``if`` chain (none
    found by a look at the statements alone: most functions, and every helper inlined,
    are checked by the fence, which calls this first)."""
    if not any(s.__class__ is gast.Match for s in statement_nodes(node)):
        return
    taken = {n.id for n in walk(node) if isinstance(n, gast.Name)}
    for parent in list(walk(node)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(isinstance(s, gast.Match) for s in block):
                setattr(parent, field, [x for s in block for x in (
                    _chain(s, taken) if isinstance(s, gast.Match) else [s])])
        for case in getattr(parent, "cases", []):
            if any(isinstance(s, gast.Match) for s in case.body):
                case.body = [x for s in case.body for x in (
                    _chain(s, taken) if isinstance(s, gast.Match) else [s])]


def _chain(s: gast.Match, taken: set[str]) -> list:
    """The statements a ``match`` means (itself where a pattern is not a value one: the
    fence refuses it)."""
    if not all(_simple(c.pattern) for c in s.cases) or \
            any(c.guard is not None and _captures(c.pattern) - {_capture(c.pattern)}
                for c in s.cases):
        return [s]
    head: list = []
    subject = s.subject
    if not isinstance(subject, gast.Name):
        name = _fresh("match_subject", taken)
        head.append(gast.copy_location(assign(name, subject), s))
        subject = load(name)
    orelse: list = []
    for case in reversed(s.cases):
        test = _test(case.pattern, subject)
        bound = _capture(case.pattern)
        body = ([gast.copy_location(assign(bound, load(subject.id)), case.pattern)]
                if bound else []) + case.body
        if case.guard is not None:
            guard = _substituted(case.guard, bound, subject) if bound else case.guard
            test = guard if test is None else gast.BoolOp(op=gast.And(), values=[test, guard])
        if test is None:  # case _ / case v: always taken
            orelse = body
            continue
        orelse = [gast.copy_location(gast.If(test=test, body=body, orelse=orelse),
                                     case.pattern)]
    return head + orelse if orelse else head + [gast.copy_location(gast.Pass(), s)]


def _simple(p: Any) -> bool:
    if isinstance(p, (gast.MatchValue, gast.MatchSingleton)):
        return True
    if isinstance(p, gast.MatchAs):
        return p.pattern is None or _simple(p.pattern)
    if isinstance(p, gast.MatchOr):
        return all(_simple(q) and not _captures(q) for q in p.patterns)
    return False


def _captures(p: Any) -> set[str]:
    return {n.name for n in walk(p) if isinstance(n, gast.MatchAs) and n.name}


def _capture(p: Any) -> str | None:
    return p.name if isinstance(p, gast.MatchAs) else None


def _test(p: Any, subject: gast.Name) -> gast.expr | None:
    """The test a value pattern makes of the subject (None: it always matches)."""
    if isinstance(p, gast.MatchValue):
        return gast.Compare(left=load(subject.id), ops=[gast.Eq()], comparators=[p.value])
    if isinstance(p, gast.MatchSingleton):
        return gast.Compare(left=load(subject.id), ops=[gast.Is()],
                            comparators=[gast.Constant(value=p.value, kind=None)])
    if isinstance(p, gast.MatchAs):
        return None if p.pattern is None else _test(p.pattern, subject)
    tests = [_test(q, subject) for q in p.patterns]
    if any(t is None for t in tests):
        return None
    return gast.BoolOp(op=gast.Or(), values=tests)


def _substituted(guard: gast.expr, name: str, subject: gast.Name) -> gast.expr:
    """The guard reading the subject where it reads the name the case binds (it is
    tested before the binding runs in the chain)."""
    for n in walk(guard):
        if isinstance(n, gast.Name) and n.id == name:
            n.id = subject.id
    return guard


def _fresh(base: str, taken: set[str]) -> str:
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name
