"""Walks that look for statements only (the nodes holding them, never expressions),
and the blocks of a body: a pass that rewrites statements walks an eighth of the nodes."""
from __future__ import annotations

import ast
from collections.abc import Iterator

import gast

from s2sad.compiler.walks import SCALAR_FIELDS


def walk_statements(node: gast.AST) -> Iterator[gast.AST]:
    """What :func:`walk` yields, expressions left out (nor looked into: no statement is
    inside one), in the same order: the statements, and the nodes that hold them, of a
    scan that only looks for statements (an eighth of the nodes)."""
    queue = [node]
    fields_of = _STATEMENT_FIELDS
    skip = (gast.expr, gast.expr_context)
    i = 0
    while i < len(queue):
        n = queue[i]
        i += 1
        fields = fields_of.get(n.__class__)
        if fields is None:
            fields = fields_of[n.__class__] = () if n.__class__ is gast.Constant else \
                tuple(f for f in n._fields if f not in SCALAR_FIELDS)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                queue.extend([x for x in v if isinstance(x, gast.AST) and
                              not isinstance(x, skip)])
            elif isinstance(v, gast.AST) and not isinstance(v, skip):
                queue.append(v)
        yield n


def statement_nodes(node: object) -> Iterator[gast.AST]:
    """What :func:`nodes` yields, expressions left out (nor looked into), in the same
    order: for a scan that only looks for statements."""
    stack = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    skip = (gast.expr, gast.expr_context)
    while stack:
        n = stack.pop()
        if not isinstance(n, gast.AST) or isinstance(n, skip):
            continue
        yield n
        fields = _STATEMENT_FIELDS.get(n.__class__)
        if fields is None:
            fields = _STATEMENT_FIELDS[n.__class__] = tuple(
                f for f in n._fields if f not in SCALAR_FIELDS)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                stack.extend(v)
            elif isinstance(v, gast.AST):
                stack.append(v)


_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}
_STATEMENTS = (gast.stmt, ast.stmt)


def blocks(body: list) -> list[list]:
    """``body`` and every statement list nested in it (loop and branch bodies), outer
    first: for the passes that work block by block."""
    out = [body]
    for s in body:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            out += blocks(s.body) + blocks(s.orelse)
    return out


def statement_lists(body: list) -> Iterator[list]:
    """``body`` and every statement list nested in it (loops, branches, ``try``, ``with``),
    outer first; of a ``gast`` tree or of a generated function's ``ast`` tree alike."""
    yield body
    for s in body:
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], _STATEMENTS):
                yield from statement_lists(inner)


def block_statements(stmts: list, depth: int = 0) -> Iterator[tuple[gast.stmt, list, int]]:
    """(statement, the block holding it, how many loops enclose it), in textual order:
    an ``if``'s body then its ``orelse``; a loop's body one loop deeper."""
    for s in stmts:
        yield s, stmts, depth
        if isinstance(s, gast.If):
            yield from block_statements(s.body, depth)
            yield from block_statements(s.orelse, depth)
        elif isinstance(s, (gast.For, gast.While)):
            yield from block_statements(s.body, depth + 1)
