"""Part of the late pass ``share``: a matrix product a block computes twice, or once with
one operand negated (``X @ -g`` beside ``X @ g``), computed once.

The adjoint of ``Xw = X * w[:, None]`` read by ``Xw.T @ y`` and by a solve with
``Xw.T @ X`` is ``y * (X @ g) + b * (X @ -g)``: the rules of the two products each ask
for a product with ``X``, one of them with the solve's negated adjoint, and each is a
pass over the n x p matrix.  A person writing the gradient forms ``X @ g`` once.  In a
block (the function body, or a loop's or a branch's body), products ``a @ b`` whose
operands are names, their transposes (``A.T``) or negations of such, equal up to the
negation of one operand, are bound to a name before the first statement computing one,
and each is read as that name (``-name`` where one operand is negated: ``a @ -b ==
-(a @ b)``, exactly, in floating point too), where no statement between binds or writes
into a name they read.  Products inside a conditional expression or a lambda are left
where they are (they may not run).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import copy_origin, load, store
from s2sad.compiler.node_scans import has_operator
from s2sad.compiler.pure_calls import always_evaluated
from s2sad.compiler.shared_products import bound_names
from s2sad.compiler.walks import name_nodes, nodes, parent_map, replace_child, structure


def share_matmuls(body: list, namer: Any) -> bool:
    """Rewrites ``body`` in place, every block of it; True if it changed."""
    if not has_operator(body, gast.MatMult):
        return False  # (no product to share: no walk of every block and statement)
    return _share_blocks(body, namer)


def _share_blocks(body: list, namer: Any) -> bool:
    changed = False
    for s in body:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                changed |= _share_blocks(getattr(s, field), namer)
    groups: dict[Any, list] = {}  # key -> [(statement, product, negated)]
    for s in list(body):
        if isinstance(s, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)) and \
                s.value is not None and has_operator(s.value, gast.MatMult):
            for product, key, negated in _products(s):
                groups.setdefault(key, []).append((s, product, negated))
        if not groups:
            continue  # (no product seen yet: nothing a write could end)
        bound = bound_names(s) | _written(s)
        for key in [k for k, uses in groups.items() if bound & _reads(uses[0][1])]:
            changed |= _share(body, groups.pop(key), namer)
    for uses in groups.values():
        changed |= _share(body, uses, namer)
    return changed


def _products(s: gast.stmt) -> list:
    """(product, key, whether one operand is negated) of the products of ``s`` always
    evaluated, of plain operands."""
    out = []
    for n in always_evaluated(s.value):
        if isinstance(n, gast.BinOp) and isinstance(n.op, gast.MatMult):
            left, neg_left = _plain(n.left)
            right, neg_right = _plain(n.right)
            if left is not None and right is not None:
                out.append((n, (structure(left), structure(right)), neg_left != neg_right))
    return out


def _plain(e: gast.expr) -> tuple[gast.expr | None, bool]:
    """(operand without its negation, whether negated) of a name, ``name.T`` or ``-``
    of such; (None, False) for anything else."""
    negated = isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub)
    inner = e.operand if negated else e
    if isinstance(inner, gast.Name) or isinstance(inner, gast.Attribute) and \
            inner.attr == "T" and isinstance(inner.value, gast.Name):
        return inner, negated
    return None, False


def _reads(product: gast.BinOp) -> set[str]:
    return {n.id for n in name_nodes(product)}


def _written(s: gast.stmt) -> set[str]:
    """Names whose arrays ``s`` may write into: ``a[i] = v``, ``a += v``, ``out=a``."""
    out = set()
    for n in nodes(s):
        targets = n.targets if isinstance(n, gast.Assign) else [n.target] \
            if isinstance(n, gast.AugAssign) else []
        for t in targets:
            while isinstance(t, (gast.Subscript, gast.Attribute)):
                t = t.value
            if isinstance(t, gast.Name):
                out.add(t.id)
        if isinstance(n, gast.Call):
            out |= {m.id for k in n.keywords if k.arg == "out" for m in name_nodes(k.value)}
    return out


def _share(body: list, uses: list, namer: Any) -> bool:
    """The products of ``uses`` (one group, two or more) read through one name."""
    if len(uses) < 2:
        return False
    first, product, _ = uses[0]
    left, _ = _plain(product.left)
    right, _ = _plain(product.right)
    name = namer.fresh("matmul")
    made = gast.Assign(targets=[store(name)], value=gast.BinOp(
        left=_copy(left), op=gast.MatMult(), right=_copy(right)), type_comment=None)
    body.insert(next(i for i, x in enumerate(body) if x is first), copy_origin(made, first))
    by_statement: dict[int, dict] = {}
    for s, p, negated in uses:
        parents = by_statement.setdefault(id(s), parent_map([s]))
        new: gast.expr = load(name)
        if negated:
            new = gast.UnaryOp(op=gast.USub(), operand=new)
        replace_child(parents[id(p)], p, new)
    return True


def _copy(e: gast.expr) -> gast.expr:
    if isinstance(e, gast.Name):
        return load(e.id)
    return gast.Attribute(value=load(e.value.id), attr="T", ctx=gast.Load())
