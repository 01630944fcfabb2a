"""Stage 6, where the reverse sweep is: the loops around a statement (:class:`Loop`),
which adjoints hold a value there (:class:`Ctx`) and which names are surely bound;
shared by :mod:`reverse` and :mod:`reverse_control`."""
from __future__ import annotations

from dataclasses import dataclass, field

import gast

from s2sad.compiler.ssa import assigned_names


@dataclass
class Loop:
    """What the reverse sweep needs to know of an enclosing loop."""

    assigned: set[str]
    header: str | None = None       # recomputed by the reverse loop, never recorded
    node: gast.For | None = None    # the loop itself, when it is reversed as a range
    kept: set[str] = field(default_factory=set)  # values of enclosing loops read again
    # tests of enclosing ifs that hold a break, and the slot their pushes and pop share
    flags: list[tuple[str, int]] = field(default_factory=list)
    # arrays whose elements the reverse loop reads as they are after the loop (``x[t]``
    # of an array written only ahead of ``t``): a pop in the loop may restore them only
    # as values, never as a shape (see ``Record.keep_values``)
    finals: set[str] = field(default_factory=set)
    records: list = field(default_factory=list)  # the Records made inside the loop


@dataclass
class Ctx:
    defined: set[str]                # adjoints that hold a value here (on every path)
    loops: list[Loop] = field(default_factory=list)

    def fork(self) -> Ctx:
        return Ctx(set(self.defined), self.loops)

    def recorded(self) -> set[str]:
        """Names whose value at a statement must be pushed to be read back."""
        names: set[str] = set()
        for loop in self.loops:
            names |= loop.assigned
        return names - {loop.header for loop in self.loops}


class Bound:
    """The names surely bound before statement ``at`` of a block: those bound around the
    block (``outer``) and those a statement before it surely assigns (``first``: name ->
    the first statement that does); asked by ``in`` only, so no set is made per
    statement (a copy per statement of a long block was quadratic)."""

    __slots__ = ("outer", "first", "at")

    def __init__(self, outer: Bound | set[str], first: dict[str, int], at: int) -> None:
        self.outer, self.first, self.at = outer, first, at

    def __contains__(self, name: object) -> bool:
        return name in self.outer or self.first.get(name, self.at) < self.at  # type: ignore[call-overload]


def first_assigned(stmts: list) -> dict[str, int]:
    """name -> the first statement of ``stmts`` that surely assigns it."""
    first: dict[str, int] = {}
    for k, s in enumerate(stmts):
        for name in unconditional([s]):
            first.setdefault(name, k)
    return first


def unconditional(stmts: list) -> set[str]:
    """Names assigned on every path (outside an ``if``, or in both of its branches):
    bound wherever the adjoint sweep needs them, so a zero adjoint has their shape."""
    names: set[str] = set()
    for s in stmts:
        if isinstance(s, gast.Assign):
            names.add(s.targets[0].id)
        elif isinstance(s, (gast.For, gast.While)):
            names |= unconditional(s.body)
        elif isinstance(s, gast.If) and s.orelse:
            names |= unconditional(s.body) & unconditional(s.orelse)
    return names


def same_flag_bound(before: list, test: gast.expr) -> tuple[set[str], set[str]]:
    """Names surely bound in each branch of an ``if`` on ``test`` by earlier ``if``s of
    the block on the same flag (``if c:``, ``if not c:`` or ``if n:`` of ``n = not c``,
    ``c`` unchanged since): bound in that branch of this one too.  A derivative's own
    ``if`` reverses one of its forward sweep: differentiated again, a zero adjoint of a
    value bound in the forward ``if`` is then made like the value (a ``0.0`` stand-in
    reached rules that need the shape: ``dM @ b`` of ``np.outer``'s adjoint)."""
    found: tuple[set[str], set[str]] = (set(), set())
    if not any(isinstance(t, gast.If) for t in before):
        return found  # (most ifs: nothing to look for)
    negations = _negations(before)
    flag, negated = _flag(test, negations)
    if flag is None:
        return found
    for s in reversed(before):
        if isinstance(s, gast.If) and _flag(s.test, negations)[0] == flag:
            same = _flag(s.test, negations)[1] == negated
            found[0].update(unconditional(s.body if same else s.orelse))
            found[1].update(unconditional(s.orelse if same else s.body))
        if flag in assigned_names([s]):
            break
    return found


def _negations(before: list) -> dict[str, str]:
    """``n -> c`` of the ``n = not c`` among ``before`` where neither is bound again."""
    negations: dict[str, str] = {}
    for t in before:
        bound = assigned_names([t])
        for n in [n for n, c in negations.items() if n in bound or c in bound]:
            del negations[n]
        if isinstance(t, gast.Assign) and isinstance(t.value, gast.UnaryOp) and \
                isinstance(t.value.op, gast.Not) and isinstance(t.value.operand, gast.Name):
            negations[t.targets[0].id] = t.value.operand.id
    return negations


def _flag(test: gast.expr, negations: dict[str, str]) -> tuple[str | None, bool]:
    """(the flag, negated?) of an ``if``'s test ``c``, ``not c`` or ``n`` (``n = not c``)."""
    if isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not):
        flag, negated = _flag(test.operand, negations)
        return flag, not negated
    if isinstance(test, gast.Name) and test.id in negations:
        return negations[test.id], True
    return (test.id if isinstance(test, gast.Name) else None), False
