"""Part of the late pass ``shapes``: a value read for its shape alone made without the
calls that keep their argument's shape.

``np.mean(np.sort(r)[:k])`` differentiated reads the kept block only for its size
(``1.0 / sort_item.shape[0]``), yet the forward sweep sorts ``r`` to make it.  Where
every read of a name is of its shape (``v.shape``, ``np.shape(v)``, ``len(v)``,
``np.ndim(v)``, ``np.size(v)``) and its one definition calls a function declared
shape-keeping with its rule (``defkeepsshape``: it raises for no real array) whose
result the shape facts prove shaped as its first argument, the call is its argument:
``sort_item = r[:k]``, a view.
"""
from __future__ import annotations

from collections import Counter

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_ids, nodes
from s2sad.rules.facts import keeps_shape

_SHAPE_CALLS = (np.shape, len, np.ndim, np.size)


def drop_kept_calls(body: list, facts: dims.Facts, namespace: dict) -> bool:
    """Each such call dropped; whether one was."""
    shaped = Counter(_shape_reads(body, namespace))
    if not shaped:
        return False
    loads = Counter(name_ids(body, gast.Load))
    changed = False
    for s in statement_nodes(body):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and \
                0 < loads[s.targets[0].id] == shaped[s.targets[0].id] and \
                len(facts.defs.get(s.targets[0].id, ())) == 1:
            changed |= _drop(s, facts, namespace)
    return changed


def _shape_reads(body: list, namespace: dict) -> list[str]:
    """The names read for their shape alone, once per such read."""
    found = []
    for n in nodes_of(body, (gast.Attribute, gast.Call)):  # (no generator: every round)
        if isinstance(n, gast.Attribute) and n.attr == "shape" and \
                isinstance(n.value, gast.Name):
            found.append(n.value.id)
        elif isinstance(n, gast.Call) and len(n.args) == 1 and not n.keywords and \
                isinstance(n.args[0], gast.Name) and \
                evaluate_ref(n.func, namespace) in _SHAPE_CALLS:
            found.append(n.args[0].id)
    return found


def _drop(s: gast.Assign, facts: dims.Facts, namespace: dict) -> bool:
    """The shape-keeping calls of ``s``'s value replaced by their first arguments."""
    changed = False
    for node in [s, *nodes(s.value)]:
        for field, child in gast.iter_fields(node):
            if field != "targets" and _kept(child, facts, namespace):
                while _kept(child, facts, namespace):
                    child = child.args[0]
                setattr(node, field, child)
                changed = True
    return changed


def _kept(e: object, facts: dims.Facts, namespace: dict) -> bool:
    if not isinstance(e, gast.Call) or not e.args or \
            any(k.arg == "out" for k in e.keywords) or \
            not all(isinstance(a, (gast.Name, gast.Constant))
                    for a in [*e.args[1:], *(k.value for k in e.keywords)]) or \
            not keeps_shape(evaluate_ref(e.func, namespace)):
        return False  # (what else it reads dropped with it: names and literals only)
    shape = facts.of(e)  # (an array's: a number might be read by ``.shape``)
    return dims.known(shape) and len(shape) > 0 and dims.same(shape, facts.of(e.args[0]))
