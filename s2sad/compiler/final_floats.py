"""Late pass ``floats`` (second part): a vector the function makes and fills element by
element, read element by element after its last write, read as floats from there.

``cp[i] = c[i] / m`` in one loop, ``cp[i]`` read by the next loop and by the reverse
sweep's loops (the Thomas algorithm, a recurrence's table): every read after the loop
that fills it is a NumPy scalar, whose arithmetic costs three to four times a Python
float's.  After the last top-level statement that binds the vector, where every later
use is a read of one element (or of its shape) and some read is in a loop, the
derivative takes ``as_floats`` of it once (``x.tolist()`` of a float64 vector; anything
else as it is) and reads the elements from that list.  The arguments' own reads are
:mod:`floats`'s; the same conditions on the arithmetic hold (:func:`floats._float_safe`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gast

from s2sad.compiler import dims, floats
from s2sad.compiler.names import Namer, set_origin
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.walks import name_nodes, walk


def final_vectors_as_floats(body: list, params: set[str], shapes: Callable[[], dims.Facts],
                            namer: Namer, optimistic: list | None = None) -> list:
    """``body`` with the vectors it fills read as floats after their last write (see the
    module's docstring); ``optimistic`` as for :func:`floats.elements_as_floats`."""
    loops = [k for k, s in enumerate(body) if isinstance(s, (gast.For, gast.While))]
    if not loops:
        return body
    safe = floats._float_safe(body)
    if not safe and (optimistic is None or not floats._float_safe(body, True)):
        return body
    last = _last_bindings(body, params)
    candidates = {p: k for p, k in last.items() if any(j > k for j in loops)}
    if not candidates:
        return body
    index = _Index([{n.id for n in name_nodes(s)} for s in body],  # (each statement
                   {k: _element_reads(body[k]) for k in loops})  # walked once)
    facts = shapes()
    chosen: dict[int, list[tuple[str, str]]] = {}
    for p, k in sorted(candidates.items()):
        if facts.rank(p) not in (1, 2) or not _read_after(p, body, k, facts, index):
            continue
        items = namer.fresh(p + "_items")
        floats._ReadItems({p: items}, facts).visit(gast.Module(body=body[k + 1:],
                                                                type_ignores=[]))
        chosen.setdefault(k, []).append((p, items))
    if not chosen:
        return body
    if not safe and optimistic is not None and "floats" not in optimistic:
        optimistic.append("floats")  # (Python raises where NumPy gives inf: fall back)
    out: list = []
    for k, s in enumerate(body):
        out.append(s)
        out += [_taken(p, items) for p, items in chosen.get(k, ())]
    return out


def _last_bindings(body: list, params: set[str]) -> dict[str, int]:
    """Name -> the index of the last top-level statement binding it (anywhere inside),
    for the names the body binds and are not parameters."""
    out: dict[str, int] = {}
    for k, s in enumerate(body):
        for n in nodes_of([s], (gast.Name,)):
            if not isinstance(n.ctx, gast.Load) and n.id not in params:
                out[n.id] = k
    return out


@dataclass
class _Index:
    """The names each top-level statement mentions, and those each top-level loop
    subscripts: where a vector's later reads may be, without a walk of every later
    statement per vector (quadratic: a third of the pass on a long integrator)."""

    mentioned: list[set[str]]
    subscripted: dict[int, set[str]]  # index of a loop in the body -> names it subscripts


def _element_reads(loop: gast.stmt) -> set[str]:
    """The names ``loop`` subscripts (``p[i]``): the vectors it may read by element."""
    return {n.value.id for n in nodes_of([loop], (gast.Subscript,))
            if isinstance(n.value, gast.Name)}


def _read_after(p: str, body: list, k: int, facts: dims.Facts, index: _Index) -> bool:
    """:func:`read_by_element` of ``body[k + 1:]``, looked for in the statements that
    mention ``p`` only, and only where a later loop subscripts it (the same answer)."""
    if not any(j > k and p in names for j, names in index.subscripted.items()):
        return False
    return read_by_element(p, [s for j, s in enumerate(body) if j > k and
                               p in index.mentioned[j]], facts)


def read_by_element(p: str, stmts: list, facts: dims.Facts) -> bool:
    """Every use of ``p`` in ``stmts`` reads one element or the shape, and one element
    is read in a loop."""
    found = list(walk(gast.Module(body=stmts, type_ignores=[])))
    if not floats._read_by_element(p, found, floats._parents(found), facts):
        return False
    in_loops = [n for s in stmts if isinstance(s, (gast.For, gast.While))
                for n in walk(s)]
    return any(isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and
               n.value.id == p for n in in_loops)


def _taken(p: str, items: str) -> gast.stmt:
    return set_origin(floats._as_floats(p, items),
                      f"{p} is read element by element from here: as Python floats")
