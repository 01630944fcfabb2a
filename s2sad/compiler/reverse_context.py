"""Stage 6, where the reverse sweep is: the loops around a statement (:class:`Loop`),
which adjoints hold a value there (:class:`Ctx`) and which names are surely bound;
shared by :mod:`reverse` and :mod:`reverse_control`."""
from __future__ import annotations

from dataclasses import dataclass, field

import gast


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
