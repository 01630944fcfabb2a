"""Part of the late pass ``share``: a reduction the forward sweep bound to a name is read
through that name where the reverse sweep takes it again.

The adjoint of ``var = np.var(h, axis=1, keepdims=True)`` is written with the mean it
needs, ``h - np.mean(h, axis=1, keepdims=True)``, though a layer norm bound that very
mean a line before, ``mu = np.mean(h, axis=1, keepdims=True)``: a pass over ``h`` again.
In a block, a reduction (``np.sum``, ``np.mean``, ``np.max``, ``np.min``) bound by a
statement ``m = np.mean(h, ...)`` of the block, that a later statement of the same block
makes again with the same arguments and keywords (literals and names), reads ``m``
where neither ``m`` nor a name the call reads is bound or written into in between (a
nested loop or branch counts as binding every name it binds).  The value kept alive
longer is a reduction of a value the later statement reads anyway, so never larger than
it; the numbers are the same (the same call on the same values).
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shared_products import bound_names
from s2sad.compiler.walks import nodes, structure

_REDUCTIONS = (np.sum, np.mean, np.max, np.min, np.amax, np.amin)


def share_reductions(body: list, namespace: dict) -> bool:
    """Rewrites ``body`` in place, every block of it; True if it changed."""
    changed = False
    bound_to: dict[tuple, tuple[str, frozenset]] = {}  # call -> (its name, names it reads)
    for s in body:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                changed |= share_reductions(getattr(s, field), namespace)
        if bound_to and isinstance(s, (gast.Assign, gast.AugAssign, gast.Return)) and \
                s.value is not None:
            changed |= _read_through(s, bound_to, namespace)
        if bound_to:  # (what ``s`` binds matters only to a reduction bound before it)
            bound = bound_names(s)
            bound_to = {k: v for k, v in bound_to.items()
                        if v[0] not in bound and not bound & v[1]}
        made = _reduction_bound(s, namespace)
        if made is not None:
            bound_to[structure(s.value)] = made
    return changed


def _read_through(s: gast.stmt, bound_to: dict, namespace: dict) -> bool:
    """The reductions of ``s`` known bound replaced by their names."""
    changed = False
    for node in list(nodes(s.value)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.Call) and _is_reduction(value, namespace):
                known = bound_to.get(structure(value))
                if known is not None:
                    setattr(node, field, load(known[0]))
                    changed = True
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, gast.Call) and _is_reduction(item, namespace):
                        known = bound_to.get(structure(item))
                        if known is not None:
                            value[i] = load(known[0])
                            changed = True
    if isinstance(s.value, gast.Call) and _is_reduction(s.value, namespace):
        known = bound_to.get(structure(s.value))
        if known is not None:
            s.value = load(known[0])
            changed = True
    return changed


def _reduction_bound(s: gast.stmt, namespace: dict) -> tuple[str, frozenset] | None:
    """(m, the names the call reads) for ``m = np.mean(h, axis=1, ...)`` whose arguments
    are names and literals, ``m`` not among them."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and
            _is_reduction(s.value, namespace)):
        return None
    parts = list(s.value.args) + [k.value for k in s.value.keywords]
    if not all(_plain(p) for p in parts):
        return None
    reads = frozenset(n.id for p in parts for n in nodes(p) if isinstance(n, gast.Name))
    target = s.targets[0].id
    return None if target in reads else (target, reads)


def _plain(e: gast.expr) -> bool:
    """A name, a literal, or a tuple of those."""
    if isinstance(e, gast.Tuple):
        return all(_plain(x) for x in e.elts)
    return isinstance(e, (gast.Name, gast.Constant))


def _is_reduction(call: gast.Call, namespace: dict) -> bool:
    try:
        return evaluate_ref(call.func, namespace) in _REDUCTIONS
    except TypeError:
        return False
