"""Reads of a Cholesky factor that are functions of the matrix factored, written so.

``c = cho_factor(K)`` followed by ``alpha = cho_solve(c, y)`` and
``np.sum(np.log(np.diag(c[0])))`` (half of ``log det K``) is a Gaussian process's
likelihood as users write it.  Differentiated through ``c``, the solve's adjoint is a
product with the factor and ``cho_factor``'s a Cholesky adjoint: about twice a
hand-written gradient, which forms ``K^-1`` once.  Both reads are functions of ``K``
alone, whose adjoints are ``-w alpha^T`` and ``K^-1 / 2`` (read into the triangle
``cho_factor`` reads).  So, on the SSA core form, each such solve is written
``factor_solve(c, K, y)`` and each such sum ``factor_log_det(c, K)``
(``runtime/factors.py``): their rules give ``c`` no adjoint and ``K`` those, and where
``c`` has no other read it is no longer active, its Cholesky adjoint gone.

Only where ``c`` and ``K`` are names bound once (their values the same at every read),
``cho_factor`` called without ``overwrite_a``, and the chain ``c[0]`` → ``np.diag`` →
``np.log`` → ``np.sum`` of names each read once, in one block; any other read of ``c``
keeps its own rule (and ``cho_factor``'s adjoint for it).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.names import load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import blocks, statement_nodes
from s2sad.compiler.walks import nodes

_KEYWORDS = {"lower", "check_finite"}  # (overwrite_a would leave K changed)
_DIAGONALS = (np.diag, np.diagonal)
_HELPERS = ("factor_solve", "factor_log_det")


def rewrite(node: gast.FunctionDef, namespace: dict[str, Any]) -> gast.FunctionDef:
    """``node`` with the solves and log-determinants of a ``cho_factor`` read in its
    matrix (see the module docstring); ``namespace``: what global names refer to."""
    sl = _scipy_linalg()
    if sl is None or not any(evaluate_ref(n.func, namespace) is sl.cho_factor
                             for n in nodes_of(node.body, (gast.Call,))):
        return node
    binds, reads = _counts(node)
    if any(namespace.get(n, getattr(runtime, n)) is not getattr(runtime, n) or n in binds
           for n in _HELPERS):  # (the user's own names: left alone)
        return node
    params = {a.id for a in node.args.args + node.args.kwonlyargs}
    once = {n for n, k in binds.items() if k == 1 and n not in params} | \
        {p for p in params if p not in binds}
    defs = {s.targets[0].id: s for s in _assigns(node.body)}
    factored = {name: s.value.args[0].id for name, s in defs.items()
                if name in once and _is_factor(s.value, namespace, sl, once)}
    if not factored:
        return node
    for s in _assigns(node.body):  # the solves
        v = s.value
        if _call_of(v, namespace, sl.cho_solve) and len(v.args) == 2 and \
                not set(k.arg for k in v.keywords) - {"check_finite"} and \
                isinstance(v.args[0], gast.Name):
            c = _factor_of(v.args[0].id, factored, defs, once)
            if c is not None:
                s.value = _call("factor_solve", [load(c), load(factored[c]), v.args[1]])
    for block in blocks(node.body):  # the log-determinants
        _log_dets(block, factored, defs, reads, namespace, once)
    return node


def _factor_of(name: str, factored: dict, defs: dict, once: set[str]) -> str | None:
    """The factor ``c`` (of ``c = cho_factor(K)``) that ``name`` is, or rebuilds from its
    items (``items = (f, low)`` of ``f = c[0]``, ``low = c[1]``: ``f, low = cho_factor(K)``
    then ``cho_solve((f, low), y)``), each bound once; else None."""
    if name in factored:
        return name
    built = defs.get(name)
    if name not in once or built is None or not isinstance(built.value, gast.Tuple) or \
            len(built.value.elts) != 2:
        return None
    found = [_item_of(e, k, defs, once) for k, e in enumerate(built.value.elts)]
    return found[0] if found[0] is not None and found[0] == found[1] and \
        found[0] in factored else None


def _item_of(e: gast.expr, k: int, defs: dict, once: set[str]) -> str | None:
    """``c`` where ``e`` is a name bound once to ``c[k]``, else None."""
    d = defs.get(e.id) if isinstance(e, gast.Name) and e.id in once else None
    if d is None or not isinstance(d.value, gast.Subscript) or \
            not isinstance(d.value.value, gast.Name) or \
            not isinstance(d.value.slice, gast.Constant) or d.value.slice.value != k:
        return None
    return d.value.value.id


def _log_dets(block: list, factored: dict, defs: dict, reads: dict, namespace: dict,
              once: set[str]) -> None:
    """``total = np.sum(log)`` with ``log = np.log(diag)``, ``diag = np.diag(item)``,
    ``item = c[0]`` in ``block``, each read once (``item`` may be read elsewhere too:
    ``f, low = cho_factor(K)``): ``total = factor_log_det(c, K)``, the links read once
    dropped."""
    for s in list(block):
        chain = _chain(s, defs, reads, namespace, once)
        if chain is None or chain[0] not in factored or \
                not all(link in block for link in chain[1]):
            continue
        c = chain[0]
        s.value = _call("factor_log_det", [load(c), load(factored[c])])
        for link in chain[1]:
            block.remove(link)


def _chain(s: gast.stmt, defs: dict, reads: dict, namespace: dict, once: set[str]
           ) -> tuple[str, list] | None:
    """(``c``, the statements to drop) of a ``np.sum(np.log(np.diag(c[0])))`` ending in
    ``s``, or None."""
    if not isinstance(s, gast.Assign) or not _call_of(s.value, namespace, np.sum) or \
            len(s.value.args) != 1 or s.value.keywords:
        return None
    log = _link(s.value.args[0], defs, reads)
    if log is None or not _call_of(log.value, namespace, np.log) or \
            len(log.value.args) != 1 or log.value.keywords:
        return None
    diag = _link(log.value.args[0], defs, reads)
    if diag is None or not isinstance(diag.value, gast.Call) or \
            evaluate_ref(diag.value.func, namespace) not in _DIAGONALS or \
            len(diag.value.args) != 1 or diag.value.keywords:
        return None
    arg = diag.value.args[0]
    c = _item_of(arg, 0, defs, once)
    if c is None:
        return None
    item = _link(arg, defs, reads)  # (read here alone: dropped too)
    return c, ([item] if item is not None else []) + [diag, log]


def _link(e: gast.expr, defs: dict, reads: dict) -> gast.Assign | None:
    """The assignment of the name ``e``, where ``e`` is its one read."""
    if isinstance(e, gast.Name) and reads.get(e.id) == 1 and e.id in defs:
        return defs[e.id]
    return None


def _is_factor(v: gast.expr, namespace: dict, sl: Any, once: set[str]) -> bool:
    """``cho_factor(K)`` of a name ``K`` bound once (``lower=`` and ``check_finite=``
    keywords only)."""
    return _call_of(v, namespace, sl.cho_factor) and len(v.args) == 1 and \
        isinstance(v.args[0], gast.Name) and v.args[0].id in once and \
        not set(k.arg for k in v.keywords) - _KEYWORDS


def _call_of(v: gast.expr, namespace: dict, fn: Any) -> bool:
    return isinstance(v, gast.Call) and evaluate_ref(v.func, namespace) is fn


def _call(name: str, args: list) -> gast.Call:
    assert getattr(runtime, name, None) is not None
    return gast.Call(func=load(name), args=args, keywords=[])


def _assigns(body: list) -> list[gast.Assign]:
    return [s for s in statement_nodes(body) if isinstance(s, gast.Assign) and len(s.targets) == 1
            and isinstance(s.targets[0], gast.Name)]


def _counts(node: gast.FunctionDef) -> tuple[dict[str, int], dict[str, int]]:
    """How often each name is bound, and read, in the body."""
    binds: dict[str, int] = {}
    reads: dict[str, int] = {}
    for n in nodes(node.body):
        if n.__class__ is gast.Name:
            table = reads if n.ctx.__class__ is gast.Load else binds
            table[n.id] = table.get(n.id, 0) + 1
    return binds, reads


def _scipy_linalg() -> Any:
    """``scipy.linalg`` where the user's code could have imported it (else None)."""
    import sys
    return sys.modules.get("scipy.linalg")
