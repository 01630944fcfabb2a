"""Part of :mod:`split_sends`: a cotangent a split calling itself hands back, taken over
by the caller without a copy where the split made it and holds it nowhere else.

A recursion over an index with an array parameter (Horner's rule ``p[k] + x * h(p, x,
k + 1)``, a recursive prefix computation) writes each level's share into the
parameter's gradient in place: the caller copies what the call below handed back
(``dp = fresh(cotangents[0])``: the call's gradient might be an array someone else
holds) and writes into the copy, a copy of the whole gradient per level (quadratic in
the depth).  A split (:mod:`taped_split`) yields ``dp`` after its last statement and is
never resumed: where every binding of ``dp`` in it makes a new object (zeros, a copy, an
arithmetic result, the cotangent taken over from the level below) and ``dp`` is read only
to compute new values, to write into it, and once in the yield, nothing but the caller
holds it, and ``dp = cotangents[0]`` takes it over.  A call that failed its guard went
through :class:`s2sad.recursion_tape.Taped`, whose ``send`` hands back copies.
"""
from __future__ import annotations

import ast
from typing import Any

import numpy as np

from s2sad import runtime

_NEW = (runtime.zeros_like, runtime.fresh)  # calls that make a new object
_IN_PLACE = (runtime.add_at, runtime.write_at)  # ``dp = add_at(dp, i, v)``: ``dp`` itself
_ATTRIBUTES = frozenset({"shape", "dtype", "ndim", "size"})
Edit = tuple[int, int, int, int, str]  # (line, column, end line, end column, new text)


def taken(s: ast.stmt, c: str) -> tuple[str, int] | None:
    """(``dx``, ``k``) of ``dx = fresh(c[k])``, else None."""
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call) and \
            isinstance(s.value.func, ast.Name) and s.value.func.id == "fresh" and \
            len(s.value.args) == 1 and not s.value.keywords:
        item = s.value.args[0]
        if isinstance(item, ast.Subscript) and isinstance(item.value, ast.Name) and \
                item.value.id == c and isinstance(item.slice, ast.Constant) and \
                type(item.slice.value) is int:
            return s.targets[0].id, item.slice.value
    return None


def yielded_name(e: ast.expr) -> str | None:
    """``dx`` of a gradient yielded as ``dx`` or ``cast_like(dx, x)``, else None."""
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and \
            e.func.id == "cast_like" and len(e.args) == 2 and not e.keywords and \
            isinstance(e.args[0], ast.Name) and isinstance(e.args[1], ast.Name):
        return e.args[0].id
    return None


def handed_over(fn: ast.FunctionDef, grads: ast.Tuple, sends: list,
                namespace: dict) -> list[Edit]:
    """``fresh(c[k])`` as ``c[k]`` for each send's take whose item the split owns."""
    names = [yielded_name(e) for e in grads.elts]
    parents = {id(child): node for node in ast.walk(fn)
               for child in ast.iter_child_nodes(node)}
    final = parents[id(grads)]  # (the last yield: the gradients)
    edits = []
    for c, _, takes in sends:
        for s in takes:
            k = taken(s, c)[1]  # type: ignore[index]
            name = names[k] if k < len(names) else None
            if name is not None and names.count(name) == 1 and \
                    _owned(fn, name, (parents, final), namespace):
                call = s.value  # type: ignore[attr-defined]
                edits.append((call.lineno, call.col_offset, call.end_lineno,
                              call.end_col_offset, f"{c}[{k}]"))
    return edits


def _owned(fn: ast.FunctionDef, name: str, tree: tuple[dict[int, ast.AST], ast.AST],
           namespace: dict) -> bool:
    """Is every binding of ``name`` a new object, every read of it one that makes a
    new value, writes into it or yields it with the gradients (``tree``: the parent of
    each node, the final yield)?"""
    parents = tree[0]
    for n in ast.walk(fn):
        if not (isinstance(n, ast.Name) and n.id == name):
            continue
        parent = parents.get(id(n))
        if isinstance(n.ctx, ast.Store):
            if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and
                    _new(parent.value, name, namespace) or
                    isinstance(parent, ast.AugAssign) and parent.target is n):
                return False
        elif isinstance(n.ctx, ast.Load) and not _reads_only(n, parent, tree, namespace):
            return False
    return True


def _new(e: ast.expr, name: str, namespace: dict) -> bool:
    """Does ``e`` make a new object (or write into ``name`` in place and return it)?"""
    if isinstance(e, (ast.BinOp, ast.UnaryOp)):
        return True
    if not isinstance(e, ast.Call) or e.keywords:
        return False
    func = resolved(e.func, namespace)
    if func in _IN_PLACE:
        return bool(e.args) and isinstance(e.args[0], ast.Name) and e.args[0].id == name
    return func in _NEW or isinstance(func, np.ufunc)


def _reads_only(n: ast.Name, parent: ast.AST | None,
                tree: tuple[dict[int, ast.AST], ast.AST], namespace: dict) -> bool:
    """Is this read of the gradient one that cannot hand it (or a view of it) on?"""
    parents, final = tree
    if isinstance(parent, ast.Subscript):  # (written into: ``dp[k] += v``)
        return parent.value is n and isinstance(parent.ctx, ast.Store)
    if isinstance(parent, (ast.BinOp, ast.UnaryOp, ast.Compare)):
        return True
    if isinstance(parent, ast.Attribute):
        return parent.attr in _ATTRIBUTES
    if isinstance(parent, ast.Call):
        func = resolved(parent.func, namespace)
        if yielded_name(parent) == n.id:  # (``cast_like(dp, p)``: in the yield only)
            return parents.get(id(parents.get(id(parent)))) is final
        return isinstance(func, np.ufunc) and not parent.keywords or \
            func in _IN_PLACE and parent.args[0] is n
    return isinstance(parent, ast.Tuple) and parents.get(id(parent)) is final


def resolved(e: ast.expr, namespace: dict) -> Any:
    """What a name or a dotted name of the split's globals is (None: not known)."""
    if isinstance(e, ast.Name):
        return namespace.get(e.id)
    if isinstance(e, ast.Attribute):
        return getattr(resolved(e.value, namespace), e.attr, None)
    return None
