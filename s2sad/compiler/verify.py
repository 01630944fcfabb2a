"""Checks of the generated function between late passes (run by the tests).

A pass that breaks one of these invariants shows up at the pass, not as a wrong
number or an ``UnboundLocalError`` later:
- every name read is bound by some statement before it, and not deleted since (the
  user's own code may read a name a loop or a branch binds, so a read is checked
  against what any path binds);
- every ``del`` deletes a name bound on every path to it (a name a loop binds counts
  as bound in a later loop, one a branch of ``if flag:`` binds in the same branch of
  a later ``if flag:``: the reverse sweep replays the forward sweep's control flow);
- every statement maps back to a line of the user's function (``# line 6: ...``).
"""
from __future__ import annotations

import builtins

import gast

from s2sad.compiler.names import origin
from s2sad.compiler.walks import name_nodes, nodes

_SIMPLE = (gast.Assign, gast.AugAssign, gast.Expr)
# statements the compiler adds for itself, owing to no single line of the user's code
_OWN = ("stack", "zeros_like", "cotangents")


def problems(body: list, params: set[str], namespace: dict) -> list[str]:
    """What is wrong with ``body`` (empty when nothing is)."""
    known = set(params) | set(namespace) | set(dir(builtins))
    reads = _Reads(known)
    reads.block(body, known, in_loop=False)
    found = reads.found
    _has_lines(body, found, inside=None)
    return found


class _Reads:
    """Reads against what came before; deletes against definite assignment."""

    def __init__(self, known: set[str]) -> None:
        self.found: list[str] = []
        self.seen = set(known)  # bound by some statement so far
        self.gone: set[str] = set()  # deleted, and not bound again since
        self.looped: set[str] = set()  # names some loop body binds
        self.sides: dict[tuple[str, bool], set[str]] = {}  # (flag, branch) -> names bound
        self.truths: dict[str, bool] = {}  # flags whose value the enclosing branches fix

    def block(self, stmts: list, bound: set[str], in_loop: bool) -> set[str]:
        """The names bound after ``stmts`` on every path."""
        for s in stmts:
            if isinstance(s, gast.If):
                bound = self.branches(s, bound, in_loop)
            elif isinstance(s, (gast.For, gast.While)):
                self.reads(s.iter if isinstance(s, gast.For) else s.test)
                inner = _targets(s.target) if isinstance(s, gast.For) else set()
                self.stores(inner)
                self.block(s.body, bound | inner, in_loop=True)
                self.looped |= _targets(s.body)
            elif isinstance(s, gast.Delete):
                names = {t.id for t in s.targets if isinstance(t, gast.Name)}
                maybe = self.looped if in_loop else set()
                self.found += [f"del {n} where it may be unbound"
                               for n in sorted(names - bound - maybe)]
                bound, self.gone = bound - names, self.gone | names
            else:
                self.reads(s)
                self.stores(_targets(s))
                bound = bound | _targets(s)
        return bound

    def branches(self, s: gast.If, bound: set[str], in_loop: bool) -> set[str]:
        """Both branches; inside a branch of ``if flag:`` the other branch of a nested
        ``if flag:`` never runs (code moved into a branch tests its flag again)."""
        self.reads(s.test)
        flag = s.test.id if isinstance(s.test, gast.Name) else None
        after = []
        for branch, side in ((s.body, True), (s.orelse, False)):
            if flag in self.truths and self.truths[flag] != side:  # dead: not checked
                self.stores(_targets(branch))
                after.append(set(self.seen))
                continue
            replayed = self.sides.get((flag, side), set()) if flag else set()
            known = self.truths.get(flag) if flag else None
            if flag:
                self.truths[flag] = side
            after.append(self.block(branch, bound | replayed, in_loop))
            if flag:
                self.sides.setdefault((flag, side), set()).update(_targets(branch))
                self.truths.pop(flag, None)
                if known is not None:
                    self.truths[flag] = known
        return after[0] & after[1]

    def reads(self, node: gast.AST) -> None:
        for n in nodes(node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and \
                    (n.id not in self.seen or n.id in self.gone):
                self.found.append(f"{n.id} read where it is unbound")
                self.stores({n.id})  # once per name

    def stores(self, names: set[str]) -> None:
        self.seen |= names
        self.gone -= names
        for name in names & set(self.truths):  # a flag bound again: its value unknown
            del self.truths[name]


def _targets(node: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(node) if isinstance(n.ctx, gast.Store)}


def _has_lines(block: list, found: list[str], inside: str | None) -> None:
    for s in block:
        here = origin(s) or inside
        if isinstance(s, (gast.If, gast.For, gast.While)):
            _has_lines(s.body + s.orelse, found, here)
        elif isinstance(s, _SIMPLE) and here is None and not _own(s):
            found.append(f"no user line for: {gast.dump(s)[:400]}")


def _own(s: gast.stmt) -> bool:
    return any(isinstance(n, gast.Name) and n.id.rstrip("0123456789").rstrip("_") in _OWN
               for n in nodes(s))
