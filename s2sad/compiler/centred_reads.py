"""Part of the late pass ``rows``: values centred on a mean the function bound already read
through the name that holds them.

``np.var``'s adjoint spreads ``2 / n * g`` over the centred values, written
``h - np.mean(h, axis=0, keepdims=True)``, though a batch norm bound both the mean,
``mu = np.mean(h, axis=0)``, and the centred values, ``c = h - mu``, in its forward
sweep: two passes over ``h`` and an array made again.  In a block, where a statement
``m = np.mean(h, ...)`` and a later ``c = h - m`` are bound (in that order), a later
``h - np.mean(h, ...)`` over the same axes, or ``h - m`` itself, reads ``c``; as long
as none of ``h``, ``m`` and ``c`` is bound or written into in between (a nested loop or
branch counts as binding every name it binds or writes), and both means broadcast
against ``h`` as it is: ``keepdims=True``, no axis at all, or leading axes given as
literals (``np.mean(h, axis=0)`` of an ``(n, k)`` array is a ``(k,)`` row that
broadcasts over ``h``'s rows as the ``(1, k)`` one does).  ``h - mean`` then has ``h``'s
shape and ``c``'s numbers: the same mean (NumPy's, taken again on the same values)
subtracted from the same values.  Runs before ``rows`` writes the means as products.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.names import load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shared_products import bound_names
from s2sad.compiler.walks import nodes

_WALKED = (gast.If, gast.For, gast.While)


def read_centred(body: list, namespace: dict) -> bool:
    """Rewrites ``body`` in place, every block of it; True if it changed."""
    if not any(evaluate_ref(n.func, namespace) is np.mean
               for n in nodes_of(body, (gast.Call,))):
        return False
    return _block(body, namespace)


def _block(stmts: list, namespace: dict) -> bool:
    changed = False
    means: dict[str, tuple[str, tuple | None]] = {}  # m -> (h, its axes)
    centred: dict[tuple[str, tuple | None], str] = {}  # (h, axes) -> c bound to h - m
    for s in stmts:
        if isinstance(s, _WALKED):
            for field in ("body", "orelse"):
                changed |= _block(getattr(s, field), namespace)
        if centred and not isinstance(s, _WALKED):
            changed |= _read_through(s, centred, means, namespace)
        bound = bound_names(s)
        means = {m: v for m, v in means.items() if m not in bound and v[0] not in bound}
        centred = {k: c for k, c in centred.items() if c not in bound and k[0] not in bound}
        target = _single_target(s)
        if target is None:
            continue
        key = mean_of(s.value, namespace)
        if key is not None and target != key[0]:
            means[target] = key
        elif difference(s.value) is not None:
            h, m = difference(s.value)  # type: ignore[misc]
            if m in means and means[m][0] == h and h != target:
                centred.setdefault(means[m], target)
    return changed


def _read_through(s: gast.stmt, centred: dict, means: dict, namespace: dict) -> bool:
    """Each ``h - mean`` of ``s`` with a centred name known, replaced by that name."""
    changed = False
    for node in list(nodes(s)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.BinOp):
                c = _centred_name(value, centred, means, namespace)
                if c is not None:
                    setattr(node, field, load(c))
                    changed = True
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    c = _centred_name(item, centred, means, namespace) \
                        if isinstance(item, gast.BinOp) else None
                    if c is not None:
                        value[i] = load(c)
                        changed = True
    return changed


def _centred_name(e: gast.BinOp, centred: dict, means: dict, namespace: dict) -> str | None:
    if not (isinstance(e.op, gast.Sub) and isinstance(e.left, gast.Name)):
        return None
    h = e.left.id
    if isinstance(e.right, gast.Name):
        key = means.get(e.right.id)
        return centred.get(key) if key is not None and key[0] == h else None
    key = mean_of(e.right, namespace)
    return centred.get(key) if key is not None and key[0] == h else None


def mean_of(e: gast.expr, namespace: dict) -> tuple[str, tuple | None] | None:
    """(h, its axes: None for all) of ``np.mean(h, axis=.., keepdims=..)`` of a name
    ``h`` that broadcasts against ``h`` as ``keepdims=True`` would (see the module's
    docstring); None for anything else."""
    if not (isinstance(e, gast.Call) and len(e.args) == 1 and
            isinstance(e.args[0], gast.Name) and
            evaluate_ref(e.func, namespace) is np.mean):
        return None
    given = {kw.arg: kw.value for kw in e.keywords}
    if not set(given) <= {"axis", "keepdims"}:
        return None
    keeps = given.get("keepdims")
    if keeps is not None and not isinstance(keeps, gast.Constant):
        return None
    axes = _axes(given.get("axis"))
    if axes is _UNREAD:
        return None
    kept = keeps is not None and keeps.value is True
    if axes is None or kept or axes == tuple(range(len(axes))):  # type: ignore[arg-type]
        return e.args[0].id, axes  # type: ignore[return-value]
    return None  # (an axis not leading: the mean does not broadcast against h)


_UNREAD = object()  # an axis not given as literals


def _axes(e: gast.expr | None) -> object:
    """The sorted literal axes of ``axis=e`` (None: all), or ``_UNREAD``; a negative
    axis is kept as it is (two means over ``-1`` are over one axis; ``-1`` and ``1``
    are not taken for one)."""
    if e is None or isinstance(e, gast.Constant) and e.value is None:
        return None
    items = e.elts if isinstance(e, gast.Tuple) else [e]
    if not all(isinstance(x, gast.Constant) and type(x.value) is int for x in items):
        return _UNREAD
    axes = sorted(x.value for x in items)
    return tuple(axes) if len(set(axes)) == len(axes) else _UNREAD


def _single_target(s: gast.stmt) -> str | None:
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name):
        return s.targets[0].id
    return None


def difference(e: gast.expr) -> tuple[str, str] | None:
    """(h, m) of ``h - m``, two names: values centred on a mean."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Sub) and \
            isinstance(e.left, gast.Name) and isinstance(e.right, gast.Name):
        return e.left.id, e.right.id
    return None
