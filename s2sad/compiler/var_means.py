"""Part of the late pass ``rows`` (run before the means become products): ``np.var``
(and ``np.std``) of a value whose mean over the same axes the block bound already, as
the mean of the squared centred values (and its square root).

A layer norm takes ``mu = np.mean(h, axis=1, keepdims=True)`` and ``var = np.var(h,
axis=1, keepdims=True)``; NumPy's ``var`` takes the mean again, centres and squares (in
Python, a dozen calls), and ``hn = (h - mu) / s`` and ``var``'s adjoint centre ``h``
once more.  With ``mu`` bound, ``var`` is ``np.mean(c * c, axis=1, keepdims=True)`` of
``c = h - mu`` (the centred values bound by a statement of the block already, else
bound here in front of ``var``), and the later ``h - mu`` of the block read ``c``:
NumPy's ``var`` computes those very operations (a sum divided by the count, the
difference, its square, their sum divided by the count), so the numbers are the same
(``np.std`` is the square root of that ``var``).  The adjoints were written before
(``std_share`` centres again: only the forward sweep's work is saved there).

Only of a function with no complex value (``var`` of a complex array squares the
modulus), for ``np.var(h, axis=a, keepdims=k)`` (``ddof=0`` at most) of a name ``h``,
with ``m = np.mean(h, axis=a, keepdims=True)`` (or with neither ``axis`` nor
``keepdims``, or over leading axes given as literals: a mean that broadcasts against
``h``, :func:`centred_reads.mean_of`) bound before it in the block, ``h``, ``m`` and the
centred values' name each bound once in the function.
"""
from __future__ import annotations

from collections import Counter

import gast
import numpy as np

from s2sad.compiler.centred_reads import difference, mean_of
from s2sad.compiler.names import assign, copy_origin, load, np_attr
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import clone, name_nodes, nodes, same

_WALKED = (gast.If, gast.For, gast.While)


def var_by_mean(body: list, namespace: dict, namer) -> bool:
    """Rewrites ``body`` in place, every block of it; True if it changed."""
    if not any(any(evaluate_ref(n.func, namespace) is f for f in (np.var, np.std))
               for n in nodes_of(body, (gast.Call,))):
        return False
    stores = Counter(n.id for n in name_nodes(body) if not isinstance(n.ctx, gast.Load))
    return _block(body, namespace, namer, stores)


def _block(stmts: list, namespace: dict, namer, stores: Counter) -> bool:
    changed = False
    means: list[tuple[str, gast.Call, str]] = []  # (h, the mean's call, m)
    centred: dict[tuple[str, str], str] = {}  # (h, m) -> c bound to h - m
    k = 0
    while k < len(stmts):
        s = stmts[k]
        for field in ("body", "orelse"):
            if isinstance(s, _WALKED):
                changed |= _block(getattr(s, field), namespace, namer, stores)
        target = _target(s, stores)
        if target is not None and _call_of(s.value, np.mean, namespace) and \
                mean_of(s.value, namespace) is not None and stores[s.value.args[0].id] <= 1:
            means.append((s.value.args[0].id, s.value, target))
        elif target is not None and (pair := difference(s.value)) is not None:
            centred.setdefault(pair, target)
        elif target is not None and (_call_of(s.value, np.var, namespace) or
                                     _call_of(s.value, np.std, namespace)):
            found = next((m for m in means if _same_axes(m[1], s.value)), None)
            if found is not None:
                k += _rewrite(stmts, k, found, centred, namer, namespace)
                changed = True
        k += 1
    return changed


def _rewrite(stmts: list, k: int, mean: tuple, centred: dict, namer, namespace: dict
             ) -> int:
    """``stmts[k]``, ``v = np.var(h, ..)``, as the mean of ``c * c`` (``np.std``: its
    square root); the later ``h - m`` of the block read ``c``.  How many statements went
    in front of it."""
    h, call, m = mean
    var = stmts[k].value
    c, added = centred.get((h, m)), 0
    if c is None:
        c = centred[h, m] = namer.fresh(f"{h}_centred")
        stmts.insert(k, copy_origin(assign(c, gast.BinOp(left=load(h), op=gast.Sub(),
                                                           right=load(m))), stmts[k]))
        added = 1
    keywords = [clone(kw) for kw in var.keywords if kw.arg != "ddof"]
    value: gast.expr = gast.Call(func=clone(call.func), args=[gast.BinOp(
        left=load(c), op=gast.Mult(), right=load(c))], keywords=keywords)
    if evaluate_ref(var.func, namespace) is np.std:  # (NumPy's std: the var's sqrt)
        value = gast.Call(func=np_attr("sqrt"),
                          args=[value], keywords=[])
    stmts[k + added].value = value
    for s in stmts[k + added + 1:]:
        for n in nodes([s]):
            for field, value in gast.iter_fields(n):
                if isinstance(value, gast.BinOp) and _is_difference(value, h, m):
                    setattr(n, field, load(c))
                elif isinstance(value, list):
                    value[:] = [load(c) if isinstance(v, gast.BinOp) and
                                _is_difference(v, h, m) else v for v in value]
    return added


def _target(s: gast.stmt, stores: Counter) -> str | None:
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1:
        return s.targets[0].id
    return None


def _call_of(e: gast.expr, fn: object, namespace: dict) -> bool:
    """``fn(h, axis=.., keepdims=..)`` (``ddof=0`` too) of a name ``h``."""
    return isinstance(e, gast.Call) and len(e.args) == 1 and \
        isinstance(e.args[0], gast.Name) and evaluate_ref(e.func, namespace) is fn and \
        all(kw.arg in ("axis", "keepdims") or kw.arg == "ddof" and
            isinstance(kw.value, gast.Constant) and kw.value.value == 0 for kw in e.keywords)


def _same_axes(mean: gast.Call, var: gast.Call) -> bool:
    """The mean and the variance of one name over the same axes."""
    axes = [next((kw.value for kw in c.keywords if kw.arg == "axis"), None)
            for c in (mean, var)]
    return mean.args[0].id == var.args[0].id and (
        axes[0] is None and axes[1] is None or
        axes[0] is not None and axes[1] is not None and same(axes[0], axes[1]))


def _is_difference(e: gast.BinOp, h: str, m: str) -> bool:
    return isinstance(e.op, gast.Sub) and isinstance(e.left, gast.Name) and \
        isinstance(e.right, gast.Name) and e.left.id == h and e.right.id == m
