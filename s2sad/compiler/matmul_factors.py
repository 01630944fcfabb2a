"""Part of the late pass ``accumulate``: two matrix products in one adjoint's sum that
share a factor multiply it once, ``A @ dM + A @ dM.T`` as ``A @ (dM + dM.T)``.

The adjoint of a Gram matrix (``A.T @ A`` of normal equations and power iteration, a
covariance ``X @ X.T``) is the sum of its two factors' adjoints, ``A @ dM + (dM @
A.T).T``: two products where one does (half the flops of a large adjoint; a small
matrix's loop makes one call fewer a step).  A transposed product of matrices,
``(P @ Q).T``, is read as ``Q.T @ P.T``, and ``t.T`` of a name ``t`` bound to ``X.T``
earlier in the same block (neither bound again in between) as ``X`` (in every
derivative's statement: a binding ``t = X.T`` no statement reads any longer goes).

Only in a derivative's statement, only for matrices (rank 2 everywhere: ``.T`` of a
stack reverses every axis, and a vector's product is not a matrix's), and only where the
two parts summed have the same shape (``(P + Q) @ X`` broadcasts ``P`` and ``Q`` before
the product, as the sum of products would not).  Float rounding differs (the parts are
summed before the product instead of after); nothing else does.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler.common_factors import signed_terms, summed
from s2sad.compiler.node_scans import written_names
from s2sad.compiler.walks import name_ids, nodes, same

Shapes = Callable[[], Any]  # the shape facts of the body, worked out when first needed


def factor(body: list, derivatives: frozenset | set, shapes: Shapes) -> bool:
    """Each derivative's statement of ``body`` (and its nested blocks) with two matrix
    products sharing a factor made one; whether one was (or a transpose was read
    through)."""
    if not _factor_block(body, derivatives, shapes):
        return False
    _drop_unread_transposes(body, set())
    return True


def _factor_block(body: list, derivatives: frozenset | set, shapes: Shapes) -> bool:
    changed = False
    transposed: dict[str, str] = {}  # t -> X: ``t = X.T`` bound earlier in this block
    for s in body:
        value = _derivative_value(s, derivatives)
        if value is not None:
            if _reads_transposes(value, transposed):
                s.value = value = _untransposed(value, transposed)
                changed = True
            merged = _merged(signed_terms(value, 1), transposed, shapes)
            if merged is not None:
                s.value, changed = summed(merged), True
        for block in _blocks(s):
            changed |= _factor_block(block, derivatives, shapes)
        bound = written_names(s)
        transposed = {t: x for t, x in transposed.items()
                      if t not in bound and x not in bound}
        if _is_transpose_binding(s):
            transposed[s.targets[0].id] = s.value.value.id
    return changed


def _derivative_value(s: gast.stmt, derivatives: frozenset | set) -> gast.expr | None:
    """The value of ``d = ...`` or ``d[...] += ...`` of a derivative ``d``."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and s.targets[0].id in derivatives:
        return s.value
    if isinstance(s, gast.AugAssign) and isinstance(s.op, (gast.Add, gast.Sub)):
        root = s.target.value if isinstance(s.target, gast.Subscript) else s.target
        if isinstance(root, gast.Name) and root.id in derivatives:
            return s.value
    return None


def _reads_transposes(e: gast.expr, transposed: dict[str, str]) -> bool:
    return bool(transposed) and any(
        isinstance(n, gast.Attribute) and n.attr == "T" and isinstance(n.value, gast.Name)
        and n.value.id in transposed for n in nodes(e))


def _untransposed(e: gast.expr, transposed: dict[str, str]) -> gast.expr:
    """``e`` with ``t.T`` of ``t = X.T`` read as ``X``."""
    class Reader(gast.NodeTransformer):
        def visit_Attribute(self, node: gast.Attribute) -> gast.expr:
            self.generic_visit(node)
            return _plain(node, transposed)
    return Reader().visit(e)


def _drop_unread_transposes(block: list, live_after: set[str]) -> None:
    """``t = X.T`` that nothing reads before ``t`` is bound again dropped (liveness
    backwards through the block; a loop's body may be read by its next trip)."""
    live, kept = set(live_after), []
    for s in reversed(block):
        if _is_transpose_binding(s) and s.targets[0].id not in live:
            continue
        reads = set(name_ids(s, gast.Load))
        inner = live | reads if isinstance(s, (gast.For, gast.While)) else live
        for nested in _blocks(s):
            _drop_unread_transposes(nested, inner)
        live |= reads
        kept.append(s)
    block[:] = kept[::-1]


def _blocks(s: gast.stmt) -> list[list]:
    return [getattr(s, f) for f in ("body", "orelse", "finalbody")
            if isinstance(getattr(s, f, None), list)]


def _is_transpose_binding(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Attribute) and \
        s.value.attr == "T" and isinstance(s.value.value, gast.Name) and \
        s.value.value.id != s.targets[0].id


def _merged(terms: list, transposed: dict[str, str], shapes: Shapes) -> list | None:
    """The terms with every pair of matrix products sharing a factor made one, or None
    when no pair does."""
    merged_any = False
    while (fewer := _merge_one(terms, transposed, shapes)) is not None:
        terms, merged_any = fewer, True
    return terms if merged_any else None


def _merge_one(terms: list, transposed: dict[str, str], shapes: Shapes) -> list | None:
    products = [_as_product(e, transposed) for _, e in terms]
    for i, pi in enumerate(products):
        for j in range(i + 1, len(terms)):
            pj = products[j]
            if pi is None or pj is None:
                continue
            one = _shared(pi, pj, terms[i][0] == terms[j][0], shapes)
            if one is not None:
                return terms[:i] + [(terms[i][0], one)] + terms[i + 1:j] + terms[j + 1:]
    return None


def _shared(pi: tuple, pj: tuple, same_sign: bool, shapes: Shapes) -> gast.expr | None:
    """``X @ (P ± Q)`` or ``(P ± Q) @ X`` of two products sharing ``X``, or None."""
    op = gast.Add() if same_sign else gast.Sub()
    if same(pi[0], pj[0]) and _matrices(shapes, pi[0], pi[1], pj[1]):
        return gast.BinOp(left=pi[0], op=gast.MatMult(),
                          right=gast.BinOp(left=pi[1], op=op, right=pj[1]))
    if same(pi[1], pj[1]) and _matrices(shapes, pi[1], pi[0], pj[0]):
        return gast.BinOp(left=gast.BinOp(left=pi[0], op=op, right=pj[0]),
                          op=gast.MatMult(), right=pi[1])
    return None


def _matrices(shapes: Shapes, shared: gast.expr, a: gast.expr, b: gast.expr) -> bool:
    """The shared factor a matrix, the two parts summed matrices of one shape."""
    facts = shapes()
    sa, sb, sx = facts.of(a), facts.of(b), facts.of(shared)
    return all(isinstance(s, tuple) and len(s) == 2 for s in (sa, sb, sx)) and sa == sb


def _as_product(e: gast.expr, transposed: dict[str, str]) -> tuple | None:
    """``(P, Q)`` of ``P @ Q``, and of ``(Q.T @ P.T).T`` (the ranks are checked when a
    pair shares a factor), with transposes of transposes undone."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.MatMult):
        return _plain(e.left, transposed), _plain(e.right, transposed)
    if isinstance(e, gast.Attribute) and e.attr == "T" and \
            isinstance(e.value, gast.BinOp) and isinstance(e.value.op, gast.MatMult):
        inner = e.value
        return _transpose(inner.right, transposed), _transpose(inner.left, transposed)
    return None


def _transpose(e: gast.expr, transposed: dict[str, str]) -> gast.expr:
    return _plain(gast.Attribute(value=e, attr="T", ctx=gast.Load()), transposed)


def _plain(e: gast.expr, transposed: dict[str, str]) -> gast.expr:
    """``X`` for ``X.T.T`` and for ``t.T`` of ``t = X.T``; ``e`` otherwise."""
    if isinstance(e, gast.Attribute) and e.attr == "T":
        inner = e.value
        if isinstance(inner, gast.Attribute) and inner.attr == "T":
            return _plain(inner.value, transposed)
        if isinstance(inner, gast.Name) and inner.id in transposed:
            return gast.Name(id=transposed[inner.id], ctx=gast.Load(), annotation=None,
                             type_comment=None)
    return e
