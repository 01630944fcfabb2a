"""The local names and the assignments of a function, which many analyses read: found
once per function while a stage's analyses run (:func:`scanning`), else each time."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import gast

from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_nodes

# id of a function -> (it, its local names, its assignments), while its analyses run
_SCANNED: dict[int, tuple] | None = None


@contextlib.contextmanager
def scanning() -> Iterator[None]:
    """While the block runs no function changes: the local names and the assignments of
    each are found once (the analyses of a stage each ask for them, some twice)."""
    global _SCANNED
    outer = _SCANNED
    if outer is None:
        _SCANNED = {}
    try:
        yield
    finally:
        if outer is None:
            _SCANNED = None


def _scanned(node: gast.AST) -> tuple | None:
    if _SCANNED is None:
        return None
    found = _SCANNED.get(id(node))
    if found is None or found[0] is not node:
        found = _SCANNED[id(node)] = (node, frozenset(_local_names(node)), [
            s for s in walk_statements(node) if isinstance(s, gast.Assign)])
    return found


def assignments(node: gast.AST) -> list[gast.Assign]:
    found = _scanned(node)
    if found is not None:
        return list(found[2])
    return [s for s in walk_statements(node) if isinstance(s, gast.Assign)]


def local_names(node: gast.FunctionDef) -> set[str]:
    found = _scanned(node)
    return set(found[1]) if found is not None else _local_names(node)


def _local_names(node: gast.FunctionDef) -> set[str]:
    names = {a.id for a in (node.args.args + node.args.kwonlyargs)}
    names |= {n.id for n in name_nodes(node)
              if isinstance(n.ctx, gast.Store)}
    return names
