"""Late pass ``floats`` (third part): an adjoint that, after its first value, is only
added into, cleared and read by the element, made a list of floats at that value.

The reverse sweep of a loop that reads ``x[i + 1]`` and writes ``x[i]`` (a back
substitution, a recurrence) starts from an array (``dx = 2.0 * (x - t)``) and then, per
step, reads and clears ``dx[i]`` and adds into ``dx[i + 1]``: each of those on an
array costs a NumPy scalar, whose arithmetic costs three to four times a Python float's,
and an element update of an array forty times a list's.  Here the first value is taken
as ``as_floats`` (``x.tolist()`` of a float64 array; anything else as it is) and the
updates are a list's (``dx[i] += e``, ``dx[i] = 0.0``), as :mod:`floats` does for an
adjoint that starts at zeros; the same conditions on the arithmetic hold
(:func:`floats._float_safe`).
"""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np

from s2sad.compiler import dims, floats
from s2sad.compiler.names import call_named, load
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import walk


def adjoints_as_lists(body: list, params: set[str], shapes: Callable[[], dims.Facts],
                      optimistic: list | None = None) -> list:
    """``body`` with such adjoints as lists (``optimistic``: as for
    :func:`floats.elements_as_floats`)."""
    updated = _updated_in_loops(body) - params
    starts = [s for s in body if isinstance(s, gast.Assign) and len(s.targets) == 1 and
              isinstance(s.targets[0], gast.Name) and s.targets[0].id in updated and
              not _update(s.value, s.targets[0].id) and _fresh(s.value)]
    if not starts:
        return body
    safe = floats._float_safe(body)
    if not safe and (optimistic is None or not floats._float_safe(body, True)):
        return body
    tree = gast.Module(body=body, type_ignores=[])
    facts = shapes()
    for start in starts:
        d = start.targets[0].id
        rank = facts.rank(d)
        found = floats.element_uses(start, tree, facts, rank) if rank in (1, 2) else None
        if found is None or not found[0] and not found[1]:
            continue
        adds, clears, reads, uses = found
        loads = sum(1 for n in walk(tree) if isinstance(n, gast.Name) and n.id == d and
                    isinstance(n.ctx, gast.Load))
        if loads != len(adds) + len(clears) + len(reads) + uses:
            continue  # (read anywhere else: an array it stays)
        if not safe and optimistic is not None and "floats" not in optimistic:
            optimistic.append("floats")  # (Python raises where NumPy gives inf: fall back)
        start.value = gast.Call(func=load("as_floats"), args=[start.value], keywords=[])
        floats.as_list(d, adds, clears, reads, facts, rank)
    return body


def _fresh(value: gast.expr) -> bool:
    """A new array (arithmetic, a copy): ``as_floats`` gives it back as it is where it
    makes no list (a long vector), and the updates then write into it; into another
    name's array (``dx = y`` of ``sum(y * x)``, a view) they would change that name."""
    return isinstance(value, (gast.BinOp, gast.UnaryOp)) or any(
        call_named(value, name) for name in ("fresh", "copy_value", "zeros_like")) or \
        isinstance(value, gast.Call) and not value.keywords and \
        isinstance(value.func, gast.Attribute) and isinstance(value.func.value, gast.Name) \
        and value.func.value.id == "np" and \
        isinstance(getattr(np, value.func.attr, None), np.ufunc)  # (np.cos(y): new)


def _updated_in_loops(body: list) -> set[str]:
    """Names a loop adds into or clears by the element (``d = add_at(d, None, i, e)``,
    ``d = zero_at(d, i)``)."""
    out: set[str] = set()
    for loop in body:
        if isinstance(loop, (gast.For, gast.While)):
            out |= {s.targets[0].id for s in statement_nodes(loop.body)
                    if isinstance(s, gast.Assign) and len(s.targets) == 1 and
                    isinstance(s.targets[0], gast.Name) and
                    _update(s.value, s.targets[0].id)}
    return out


def _update(value: gast.expr, d: str) -> bool:
    if call_named(value, "fresh") and len(value.args) == 1:
        value = value.args[0]
    return (call_named(value, "add_at") or call_named(value, "zero_at")) and \
        bool(value.args) and isinstance(value.args[0], gast.Name) and value.args[0].id == d
