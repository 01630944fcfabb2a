"""Definitions worked out by earlier shape-fact builds of one derivative, taken again.

The late passes ask for the shape facts (:class:`dims.Facts`) of a body again and
again while they edit it, and most of its definitions stay as they were.  The solve
(:mod:`shape_solve`) works a name out from its definitions, the shapes and lengths of
the names it reads (``Facts.reading``) and the definitions it looks through (``n =
shape[0]`` of ``shape = np.shape(x)``: ``Facts.looked``).  A :class:`Memo`, shared by
the builds of one pass pipeline, keeps each result with all of that; a later build takes
it again where all of it is equal.  Definitions are compared by their structure (a tuple
of tokens, never a hash), not by identity: passes edit nodes in place.

Not kept: a result that read a slice's length (it depends on the statements around the
slice, :mod:`windows`), one that taught a length (the lengths broadcasting taught before
are part of what a result depends on), one of a recursive function's derivative (its
calls' shapes come from elsewhere), and all of them once the namespace or the integer
parameters changed.  The sweeps visit the names in the same order and stop at the same
place as without a memo: only the cost of a step changes, so the facts are those of a
fresh build.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gast

from s2sad.compiler import shape_defs

# results kept per definition list: one per distinct state of its reads (the sweeps of a
# build meet a name's reads unknown first, then known; the optimistic and sure rounds)
_KEPT = 6
_SIMPLE = (int, float, bool, str, bytes, complex, type(None), type(...))
_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({"ctx", "id", "attr", "kind", "type_comment", "arg", "is_async",
                     "conversion"})
_COUNTER = "<counter>"  # (a loop counter's definition: not the literal 0 it is spelled as)


@dataclass
class Entry:
    """One name worked out: its reads and their (shape, length) then, the definitions it
    looked through and their keys then, what it gave."""

    reads: tuple[str, ...]
    before: list[tuple[Any, Any]]
    looked: tuple[tuple[str, Any], ...]
    learned: dict[str, Any]  # the lengths broadcasting had taught (it taught none itself)
    found: list | None
    sized: list | None


class Memo:
    """Results of earlier builds of one pipeline, by the key of a name's definitions."""

    def __init__(self) -> None:
        self.entries: dict[tuple, list[Entry]] = {}
        self.context: tuple | None = None

    def begin(self, namespace: dict, indices: frozenset) -> None:
        """A build starts: forget everything if what every evaluation reads changed."""
        context = (id(namespace), len(namespace), indices)
        if context != self.context:
            self.entries.clear()
            self.context = context


class Keys:
    """The keys of one build's definition lists, made when first asked."""

    def __init__(self, shape_defs: dict[str, list], defs: dict[str, list]) -> None:
        self.shape_defs, self.defs = shape_defs, defs
        self._shape_keys: dict[str, Any] = {}
        self._def_keys: dict[str, Any] = {}

    def of(self, name: str) -> Any:
        """The key of the definitions the solve works ``name`` out from (None: none)."""
        if name not in self._shape_keys:
            self._shape_keys[name] = key_of(self.shape_defs.get(name, ()))
        return self._shape_keys[name]

    def looked(self, name: str) -> Any:
        """The key of ``name``'s definitions as a definition is looked through."""
        if name not in self._def_keys:
            self._def_keys[name] = key_of(self.defs.get(name, ()))
        return self._def_keys[name]


def take(memo: Memo, keys: Keys, facts: Any, name: str, fixed: bool, optimistic: bool
         ) -> Entry | None:
    """A result kept for ``name``'s definitions whose reads and looks hold now."""
    key = keys.of(name)
    if key is None:
        return None
    shapes, sizes = facts.shapes, facts.sizes
    for entry in memo.entries.get((key, fixed, optimistic), ()):
        if [(shapes.get(r), sizes.get(r)) for r in entry.reads] == entry.before and \
                entry.learned == facts.learned and \
                all(keys.looked(n) == k for n, k in entry.looked):
            return entry
    return None


def keep(memo: Memo, keys: Keys, name: str, fixed: bool, optimistic: bool,
         entry: Entry) -> None:
    key = keys.of(name)
    if key is None or any(k is None for _, k in entry.looked):
        return
    kept = memo.entries.setdefault((key, fixed, optimistic), [])
    if len(kept) >= _KEPT:
        del kept[0]
    kept.append(entry)


def key_of(values: Any) -> tuple | None:
    """The structure of a list of expressions as a tuple of tokens: equal exactly when
    the shape facts read the same in them (None: a constant not compared by value)."""
    out: list = []
    stack: list = [list(values)]
    pop, push, add = stack.pop, stack.append, out.append
    while stack:
        n = pop()
        cls = n.__class__
        if cls is list:
            add(len(n))
            stack.extend(n)
            continue
        if n is None:
            add(None)
            continue
        add(cls)
        token = _token(n, cls)
        if token is _NOT_COMPARED:
            return None
        add(token)
        if cls is gast.Constant:
            continue
        fields = _FIELDS.get(cls)
        if fields is None:
            fields = _FIELDS[cls] = tuple(f for f in n._fields if f not in _LEAVES)
        for f in fields:
            push(getattr(n, f, None))
    return tuple(out)


_NOT_COMPARED = object()


def _token(n: Any, cls: type) -> Any:
    """What a node holds besides its children: a name, an attribute, a keyword, a
    constant (by type and value), whether a sum is an augmented update (``x += v``)."""
    if cls is gast.Name:
        return n.id
    if cls is gast.Constant:
        if n is shape_defs.COUNTER:
            return _COUNTER
        return (type(n.value), repr(n.value)) if type(n.value) in _SIMPLE else _NOT_COMPARED
    if cls is gast.Attribute:
        return n.attr
    if cls is gast.keyword:
        return n.arg
    if cls is gast.BinOp:
        return bool(getattr(n, "s2sad_augmented", False))
    return None if isinstance(n, gast.AST) else _NOT_COMPARED
