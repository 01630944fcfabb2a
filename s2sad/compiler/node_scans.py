"""Scans for nodes of a few classes: what :func:`walks.nodes` yields, filtered by class,
without a generator's resumption per node.  Most of the passes' "is there anything for
me here" checks look for one kind of node (a call, a slice) in the whole body, and
usually find none: the filter in the walk itself costs a fraction of the generator."""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.walks import _NAME_FIELDS, _NO_NAMES, nodes


def nodes_of(node: object, classes: tuple[type, ...]) -> list[Any]:
    """The nodes :func:`walks.nodes` yields whose class is one of ``classes`` (exactly:
    not a subclass), in its order; ``classes``: of expressions or statements (the
    operators, ``gast.Add`` and the like, are not looked at)."""
    out: list[Any] = []
    _scan(node, frozenset(classes), out, False)
    return out


def contains(node: object, classes: tuple[type, ...]) -> bool:
    """Is a node of one of ``classes`` among those :func:`walks.nodes` yields (the
    scan stops at the first)?"""
    return _scan(node, frozenset(classes), [], True)


def has_operator(node: object, op: type) -> bool:
    """Is there a binary operation (or an augmented assignment) with the operator
    ``op`` (``gast.MatMult``) among the nodes :func:`walks.nodes` yields?  The check of
    a pass that rewrites only such operations, which most bodies have none of."""
    return any(n.op.__class__ is op for n in nodes_of(node, (gast.BinOp, gast.AugAssign)))


def mentions(node: object, ids: frozenset = frozenset(), attrs: frozenset = frozenset()
             ) -> bool:
    """Is there a ``Name`` with its id in ``ids``, or an ``Attribute`` with its attr in
    ``attrs``, among the nodes :func:`walks.nodes` yields (the scan stops at the first;
    no list of every name made to look through: a pass's check for a helper it
    rewrites, ``solve``, ``np.shape``)?"""
    stack: list[Any] = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _NAME_FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    name, attribute = gast.Name, gast.Attribute
    while stack:
        n = pop()
        cls = n.__class__
        if cls is name:
            if n.id in ids:
                return True
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        if cls is attribute and n.attr in attrs:
            return True
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _NO_NAMES)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)
    return False


def _scan(node: object, wanted: frozenset, out: list, first: bool) -> bool:
    stack: list[Any] = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _NAME_FIELDS
    pop, push, extend, add = stack.pop, stack.append, stack.extend, out.append
    name = gast.Name
    while stack:
        n = pop()
        cls = n.__class__
        if cls in wanted:
            if first:
                return True
            add(n)
        if cls is name:
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _NO_NAMES)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)
    return bool(out)


def written_names(s: Any) -> set[str]:
    """The names a statement binds, deletes, or writes an item or attribute of, anywhere
    in it (what a pass moving code across the statement must not move past)."""
    out = set()
    for n in nodes(s):
        if n.__class__ is gast.Name and n.ctx.__class__ is not gast.Load:
            out.add(n.id)
        elif isinstance(n, (gast.Subscript, gast.Attribute)) and \
                n.ctx.__class__ is not gast.Load:
            root = n
            while isinstance(root, (gast.Subscript, gast.Attribute)):
                root = root.value
            if isinstance(root, gast.Name):
                out.add(root.id)
    return out
