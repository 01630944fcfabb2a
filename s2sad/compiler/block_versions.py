"""Part of stage 5 (:mod:`shifts`): a function's assignments as single definitions, with
the names a loop body binds more than once read through their latest binding.

Outside loops every name is bound once after SSA; inside a loop a name the user binds
again keeps a copy (``s = s_new`` after ``s_new = s - maximum``), so ``s`` has two
bindings and a chain of single definitions (a softmax's ``exp(s - max(s))``) breaks
there.  Within one block the binding a read sees is the latest one before it in that
block: each binding of such a name is given a name of its own (``s#1``), a copy is read
through (``exp(s)`` after ``s = s_new`` reads ``s_new``), and a read no binding of its
block precedes (a value carried round the loop, a read after it or in a nested block)
counts as one more read of every value the name may hold, so none of them looks read
only where the chain reads it.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler.function_scan import assignments
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes

_BLOCKS = ("body", "orelse", "finalbody")


class Versions:
    """``single``: name (or ``name#k``) -> its one value, reads renamed; ``loads``: how
    often each is read (the reads no binding precedes counted on all the name held)."""

    def __init__(self, node: gast.FunctionDef) -> None:
        bound = Counter(s.targets[0].id for s in assignments(node)
                        if isinstance(s.targets[0], gast.Name))
        self.multi = {n for n, k in bound.items() if k > 1}
        self.single: dict[str, gast.expr] = {}
        self.loads: Counter = Counter()
        self.held: dict[str, set[str]] = {}  # a name bound again -> what it may hold
        self.unresolved: set[str] = set()
        self._count: Counter = Counter()
        self._block(node.body)
        for name in self.unresolved:
            for value in self.held.get(name, ()):
                self.loads[value] += 1

    def _block(self, stmts: list) -> None:
        current: dict[str, str] = {}
        for s in stmts:
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                    isinstance(s.targets[0], gast.Name):
                self._assign(s.targets[0].id, s.value, current)
                continue
            blocks = [getattr(s, f) for f in _BLOCKS if getattr(s, f, None)]
            for f in s._fields:
                if f not in _BLOCKS:
                    self._read(getattr(s, f), current)
            for block in blocks:
                self._block(block)
            for n in name_nodes(s):
                if not isinstance(n.ctx, gast.Load) or blocks:
                    current.pop(n.id, None)

    def _assign(self, target: str, value: gast.expr, current: dict[str, str]) -> None:
        if target in self.multi and isinstance(value, gast.Name):  # a copy: read through
            source = self._name(value.id, current)
            current[target] = source
            self.held.setdefault(target, set()).add(source)
            return
        value = self._read(value, current)
        if target in self.multi:
            self._count[target] += 1
            version = f"{target}#{self._count[target]}"
            self.held.setdefault(target, set()).add(version)
            current[target] = version
            target = version
        self.single[target] = value

    def _name(self, name: str, current: dict[str, str]) -> str:
        if name not in self.multi:
            return name
        if name in current:
            return current[name]
        self.unresolved.add(name)
        return name

    def _read(self, e: object, current: dict[str, str]) -> object:
        """``e`` (a node or a list of them) cloned, its reads renamed and counted."""
        if not isinstance(e, (gast.AST, list)):
            return e
        e = clone(e)
        for n in name_nodes(e):
            if isinstance(n.ctx, gast.Load):
                n.id = self._name(n.id, current)
                self.loads[n.id] += 1
        return e
