"""The fixpoint of the shape facts (:class:`dims.Facts`): every name's shape from its
definitions, swept in order until a sweep changes nothing; first optimistic (a
definition not yet known does not disagree), then sure (a name one of whose definitions
gives no shape is unknown); again from the start while broadcasting teaches the length
of a symbol (``learned``), at most three times.

A long derivative has hundreds of names and few change per sweep, so the sweeps skip
work that would give what it gave before: working out a definition reads some names'
shapes and lengths (recorded as ``Facts.reading``) and the learned lengths, and gives
the same when they are the same.  A name is worked out again only when a name it read
has changed since (or a length was learned since it began), and a name's last result
is taken again, unworked, when what it read then holds the same values now (the sweeps
after a restart, the sure sweeps after the optimistic ones).  The sweeps, their order
and where they stop are those of working out every name every time: the facts are the
same.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from s2sad.compiler.shape_rules import UNKNOWN, join_all, join_dims, unsure

# a name whose shape changes more often than this in one round of sweeps is unknown: the
# sweeps always end (a row stacked onto an array in a loop grows it without end)
MAX_CHANGES = 16


@dataclass
class _Result:
    """One name worked out: what it read (and their values then), what it gave."""

    taught: int  # len(learned) when it was worked out (it learned nothing itself)
    reads: tuple[str, ...]
    before: list[tuple[Any, Any]]  # (shape, length) of each name read, then
    found: list | None  # the shape of each definition (None: a number parameter's)
    sized: list | None  # the length of each definition, when worked out


@dataclass
class _Sweeps:
    """What the sweeps of one solve know of each name's last evaluation."""

    dirty: set[str]  # to work out again: a name it read has changed since
    readers: dict[str, set[str]] = field(default_factory=dict)  # name -> who read it
    widened: set[str] = field(default_factory=set)  # changed too often: unknown from now
    taught: dict[str, int] = field(default_factory=dict)  # name -> len(learned) then
    partial: set[str] = field(default_factory=set)  # one of its definitions unknown


def solve(facts: Any) -> None:
    """Fill ``facts.shapes`` and ``facts.sizes`` from ``facts.shape_defs``; the names in
    ``facts.fixed`` keep their shapes (a number parameter's length may be learned)."""
    start = dict(facts.shapes)
    last: dict[str, _Result] = {}  # name -> its last result, across the restarts
    for _ in range(3):  # again while broadcasting teaches what a symbol's length is
        known = dict(facts.learned)
        sweeps = _Sweeps(set(facts.shape_defs))
        _iterate(facts, True, sweeps, last)
        sweeps.dirty |= sweeps.partial  # (the others give the same, sure or not)
        _iterate(facts, False, sweeps, last)
        facts.shapes = {k: v for k, v in facts.shapes.items() if v != UNKNOWN}
        facts.sizes = {k: v for k, v in facts.sizes.items() if v is not None}
        if facts.learned == known:
            break
        facts.shapes, facts.sizes = dict(start), {}


def _iterate(facts: Any, optimistic: bool, sweeps: _Sweeps, last: dict[str, _Result]
             ) -> None:
    """Sweeps until one changes nothing (see the module docstring)."""
    readers, dirty, taught = sweeps.readers, sweeps.dirty, sweeps.taught
    changes: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for name, values in facts.shape_defs.items():
            if name not in dirty and taught.get(name) == len(facts.learned) or \
                    name in sweeps.widened:
                continue
            fixed = name in facts.fixed
            if fixed and facts.shapes.get(name) != () or \
                    not fixed and facts.shapes.get(name) == UNKNOWN:
                continue
            dirty.discard(name)
            taught[name] = len(facts.learned)
            result = _remembered(facts, last.get(name), optimistic)
            if result is None:
                result = _worked_out(facts, values, fixed, optimistic)
                if result.taught == len(facts.learned):
                    last[name] = result
            for read in result.reads:
                readers.setdefault(read, set()).add(name)
            if result.found is not None and any(unsure(f) for f in result.found):
                sweeps.partial.add(name)
            else:
                sweeps.partial.discard(name)
            if _update(facts, name, result, optimistic):
                changed = True  # (itself too, when it reads itself: a carried value)
                dirty |= readers[name] if name in readers else set()
                changes[name] = changes.get(name, 0) + 1
                if changes[name] > MAX_CHANGES:  # (a loop growing an array, vstack-ing
                    sweeps.widened.add(name)     # rows: no fixpoint; or an optimistic
                    if fixed:                    # guess undone and redone: unknown)
                        facts.sizes[name] = None
                    else:
                        facts.shapes[name] = UNKNOWN


def _remembered(facts: Any, result: _Result | None, optimistic: bool) -> _Result | None:
    """``result`` when working the name out again would give it: the same names read
    hold the same values, nothing learned since (and its lengths, if needed, known)."""
    if result is None or result.taught != len(facts.learned):
        return None
    shapes, sizes = facts.shapes, facts.sizes
    if [(shapes.get(r), sizes.get(r)) for r in result.reads] != result.before:
        return None
    if result.sized is None and result.found is not None and \
            _shape(result.found, optimistic) == ():
        return None  # (its lengths were not worked out: that reads more)
    return result


def _worked_out(facts: Any, values: list, fixed: bool, optimistic: bool) -> _Result:
    taught = len(facts.learned)
    reads: set[str] = set()
    facts.reading = reads
    found: list | None = None
    sized: list | None
    try:
        if fixed:  # a number: maybe a known length
            sized = [facts.size(v) for v in values]
        else:
            found = [facts.of(v) for v in values]
            sized = [facts.size(v) for v in values] if _shape(found, optimistic) == () \
                else None
    finally:
        facts.reading = None
    order = tuple(reads)
    return _Result(taught if taught == len(facts.learned) else -1, order,
                   [(facts.shapes.get(r), facts.sizes.get(r)) for r in order], found, sized)


def _shape(found: list, optimistic: bool) -> Any:
    if any(f is None for f in found):
        return join_all([f for f in found if f is not None], True) if optimistic \
            else UNKNOWN
    return join_all(found, optimistic)


def _update(facts: Any, name: str, result: _Result, optimistic: bool) -> bool:
    """Store what ``result`` says of ``name``; whether its shape or length changed."""
    if result.found is None:
        size = join_dims(result.sized or [])
        changed = size != facts.sizes.get(name)
        facts.sizes[name] = size
        return changed
    new = _shape(result.found, optimistic)
    size = join_dims(result.sized or []) if new == () else None
    if new is not None and (new != facts.shapes.get(name) or size != facts.sizes.get(name)):
        facts.shapes[name], facts.sizes[name] = new, size
        return True
    return False
