"""Late passes ``ranks`` and ``shapes``: with the shape classes of the array
arguments known (each gets its own generated function, ``dims``), write the
helpers the shapes make plain as plain code:
``matmul_lhs_adjoint(g, A, x)`` of a matrix ``A`` and a vector ``x`` is
``np.multiply.outer(g, x)``, ``matmul_rhs_adjoint(g, A, x)`` is ``A.T @ g``, and
``unbroadcast(g, x)`` of a ``g`` shaped like ``x`` is ``g`` itself (a sum over the
broadcast axes where they are known).  This module works out the facts (the shapes,
the names holding a triangular matrix, the lists only ever indexed); the rewriting is in
:mod:`plain_helpers`, the products in :mod:`rank_products`.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims, rank_products
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.plain_calls import Kinds
from s2sad.compiler.plain_helpers import PlainHelpers
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.recursive_results import Recursion
from s2sad.compiler.symmetric import symmetric_names


def specialise(body: list, params: dict[str, Any], numbers: set[str],
               namespace: dict[str, Any], real: bool = False,
               facts: dims.Facts | None = None, alike: dict | None = None,
               floats: frozenset = frozenset(), real_numbers: frozenset = frozenset(),
               derivatives: frozenset = frozenset(), recursion: Recursion | None = None,
               indices: frozenset = frozenset()) -> list:
    """``params``: array parameter -> its shape class (``shape_classes.symbolic``) or rank;
    ``real``: no complex value occurs (an adjoint never needs its real part taken);
    ``facts``: the shapes of ``body``'s values, when already known; ``floats``: the
    parameters that are float64 arrays, ``real_numbers`` those that are real numbers
    (:mod:`dtypes` proves from them which values are real: a real value's helper may
    be written as its real case); ``derivatives``: the adjoint names (their sums may be
    factored, ``PlainHelpers.summed``); ``recursion``, ``indices``: see ``dims.Facts``."""
    if not params and not numbers:
        return body
    facts = facts or dims.Facts(body, _as_shapes(params), numbers, namespace, alike,
                                recursion, indices)
    tree = gast.Module(body=body, type_ignores=[])
    products = PlainHelpers(facts, real, _indexed_only(tree))
    products.numbers = numbers
    products.lower = _triangular(facts.defs, namespace, facts)
    products.symmetric = symmetric_names(facts)
    products.arguments = set(params)
    products.derivatives = derivatives
    products.kinds = Kinds(body, frozenset(floats), frozenset(real_numbers), namespace)
    rank_products.mark_alike(body)
    products.visit(tree)
    facts.scopes = {}  # where slices were read: the passes from here on may move them
    return body


def _triangular(defs: dict[str, list], namespace: dict[str, Any],
                facts: dims.Facts | None = None) -> dict[str, bool]:
    """Names holding a triangular matrix: name -> whether it is the lower triangle
    (``np.linalg.cholesky``'s factor, ``np.tril``, ``R`` of ``Q, R = np.linalg.qr(a)``;
    their transposes the other way; with the shapes ``facts``, sums of such and of
    diagonal matrices of the same shape: ``np.tril(raw, -1) + np.diag(np.exp(d))``)."""
    found: dict[str, bool] = {name: False for name, values in defs.items()
                              if len(values) == 1 and _qr_factor(values[0], defs, namespace)}
    changed = True
    while changed:
        changed = False
        for name, values in defs.items():
            kinds = {_triangle(v, found, namespace, facts) for v in values}
            kind = next(iter(kinds)) if len(kinds) == 1 else None
            if kind is not None and found.get(name) != kind:
                found[name] = kind
                changed = True
    return found


def _qr_factor(e: gast.expr, defs: dict[str, list], namespace: dict) -> bool:
    """``qr[1]`` of ``qr = np.linalg.qr(a)`` (reduced or complete: NumPy zeroes R below
    its diagonal), or ``np.linalg.qr(a, mode='r')`` itself: an upper triangle."""
    if isinstance(e, gast.Call):
        return _qr_call(e, namespace, "r")
    if not (isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name) and
            isinstance(e.slice, gast.Constant) and e.slice.value == 1):
        return False
    values = defs.get(e.value.id, ())
    return len(values) == 1 and isinstance(values[0], gast.Call) and \
        _qr_call(values[0], namespace, "reduced", "complete")


def _qr_call(e: gast.Call, namespace: dict, *modes: str) -> bool:
    """``np.linalg.qr(a)`` of one of ``modes`` (the first: with ``mode=`` written)."""
    if len(e.args) != 1 or evaluate_ref(e.func, namespace) is not np.linalg.qr:
        return False
    if not e.keywords:
        return modes[0] != "r"
    k = e.keywords[0]
    return len(e.keywords) == 1 and k.arg == "mode" and isinstance(k.value, gast.Constant) \
        and k.value.value in modes


def _triangle(e: gast.expr, found: dict[str, bool], namespace: dict,
              facts: dims.Facts | None = None) -> bool | None:
    if isinstance(e, gast.Name):
        return found.get(e.id)
    if isinstance(e, gast.Attribute) and e.attr == "T" and isinstance(e.value, gast.Name):
        inner = found.get(e.value.id)
        return None if inner is None else not inner
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub)) and facts:
        return _triangle_sum(e, found, namespace, facts)
    if not isinstance(e, gast.Call) or not 1 <= len(e.args) <= 2 or e.keywords:
        return None
    fn = evaluate_ref(e.func, namespace)
    if fn in (np.tril, np.triu):  # (np.tril(x, k) with k <= 0 is lower too)
        k = e.args[1] if len(e.args) == 2 else gast.Constant(value=0, kind=None)
        whole = isinstance(k, gast.Constant) and type(k.value) is int
        return fn is np.tril if whole and (k.value <= 0 if fn is np.tril else
                                           k.value >= 0) else None
    if len(e.args) != 1:
        return None
    if fn is np.linalg.cholesky:
        return True
    if fn in (np.transpose, np.matrix_transpose) and isinstance(e.args[0], gast.Name) and \
            e.args[0].id in found:
        return not found[e.args[0].id]
    return None


def _triangle_sum(e: gast.BinOp, found: dict[str, bool], namespace: dict,
                  facts: dims.Facts) -> bool | None:
    """``a + b`` / ``a - b`` of two matrices of one known shape, each triangular of the
    same kind or diagonal (``np.diag`` of a vector, ``c * np.eye(n)``): that kind."""
    shape = facts.of(e.left)
    if not isinstance(shape, tuple) or len(shape) != 2 or None in shape or \
            facts.of(e.right) != shape:
        return None  # (np.eye(1) + T would spread over every entry of T)
    kinds = {k for k in (_triangle(e.left, found, namespace, facts),
                         _triangle(e.right, found, namespace, facts)) if k is not None}
    if len(kinds) != 1 or not all(_triangle(x, found, namespace, facts) is not None or
                                  _diagonal(x, namespace) for x in (e.left, e.right)):
        return None
    return kinds.pop()


def _diagonal(e: gast.expr, namespace: dict) -> bool:
    """``np.diag(v)``, ``np.eye(n)`` or a number times one (the caller knows the shape:
    ``np.diag`` of a matrix is a vector)."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult):
        scale, matrix = (e.left, e.right) if isinstance(e.left, gast.Constant) else \
            (e.right, e.left)
        return isinstance(scale, gast.Constant) and type(scale.value) in (int, float) and \
            _diagonal(matrix, namespace)
    return isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords and \
        evaluate_ref(e.func, namespace) in (np.diag, np.eye)


def _indexed_only(tree: gast.AST) -> set[str]:
    """Names every read of which takes one item at a literal int (``d[0]``)."""
    found = nodes_of(tree, (gast.Subscript, gast.Name))  # (walked once, looked at twice)
    item_reads = {id(n.value) for n in found if n.__class__ is gast.Subscript and
                  n.value.__class__ is gast.Name and n.slice.__class__ is gast.Constant and
                  type(n.slice.value) is int}
    items: set[str] = set()
    others: set[str] = set()
    for n in found:
        if n.__class__ is gast.Name and n.ctx.__class__ is gast.Load:
            (items if id(n) in item_reads else others).add(n.id)
    return items - others


def shape_facts(body: list, params: dict[str, Any], numbers: set[str],
                namespace: dict[str, Any], alike: dict | None = None,
                recursion: Recursion | None = None, indices: frozenset = frozenset()
                ) -> dims.Facts:
    """The shapes of the values of ``body`` (see ``specialise``)."""
    return dims.Facts(body, _as_shapes(params), numbers, namespace, alike, recursion,
                      indices)


def _as_shapes(params: dict[str, Any]) -> dict[str, tuple]:
    return {k: (None,) * v if isinstance(v, int) else v for k, v in params.items()}


def infer(body: list, params: dict[str, Any], numbers: set[str], namespace: dict) -> dict:
    """The rank of every name that follows from the parameters' ranks (or shapes)."""
    return ranks_of(dims.Facts(body, _as_shapes(params), numbers, namespace))


def ranks_of(facts: dims.Facts) -> dict:
    """The rank of every name whose shape ``facts`` know."""
    return {k: len(v) for k, v in facts.shapes.items() if isinstance(v, tuple)}


def rank_of(e: gast.expr, ranks: dict, namespace: dict) -> int | None:
    """The rank of ``e`` if it follows from known ranks."""
    s = dims.Facts.over(ranks, namespace).of(e)
    return len(s) if isinstance(s, tuple) else None
