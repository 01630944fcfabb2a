"""Part of the late pass ``simplify``: an adjoint's element cleared and given back its own
value is left as it is.

The reverse of ``r[i] = r[i] + k * u`` (an element updated in place, read on the right)
reads the element's adjoint, clears it (the write overwrote the element), and then adds
the read's share, which is the same adjoint:

    dmul = dr[i]
    dr[i] = 0.0
    dk += dmul * u
    dr[i] += dmul

Where nothing between the clear and the addition reads or writes ``dr`` or binds ``dmul``
or a name of the index, and ``dmul`` is a number (an element, not a view of a row that
the clear would change), the element ends with the value it had: the clear and the
addition go (two element writes per update of a scalar loop).
"""
from __future__ import annotations

import gast

from s2sad.compiler.statement_walks import blocks
from s2sad.compiler.walks import name_nodes, same


def drop(body: list, numbers: set[str]) -> list:
    """``body`` with each such clear and addition dropped (in place)."""
    for block in blocks(body):
        k = 0
        while k + 1 < len(block):
            read = _element_read(block[k], numbers)
            if read is not None and _is_clear(block[k + 1], read[1]):
                at = _given_back(block, k + 2, *read)
                if at is not None:
                    del block[at]
                    del block[k + 1]
            k += 1
    return body


def _element_read(s: gast.stmt, numbers: set[str]) -> tuple[str, gast.Subscript] | None:
    """(``t``, ``d[idx]``) of ``t = d[idx]``, ``t`` a number, ``d`` a name."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and s.targets[0].id in numbers and \
            isinstance(s.value, gast.Subscript) and isinstance(s.value.value, gast.Name) and \
            s.targets[0].id != s.value.value.id and \
            s.targets[0].id not in {n.id for n in name_nodes(s.value.slice)}:
        return s.targets[0].id, s.value
    return None


def _is_clear(s: gast.stmt, element: gast.Subscript) -> bool:
    """``d[idx] = 0.0`` of the element read."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Subscript) and _same_element(s.targets[0], element) \
        and isinstance(s.value, gast.Constant) and type(s.value.value) in (int, float) and \
        s.value.value == 0


def _given_back(block: list, start: int, t: str, element: gast.Subscript) -> int | None:
    """The place of ``d[idx] += t`` after ``start``, nothing between touching ``d``,
    binding ``t`` or a name of ``idx``; else None."""
    array = element.value.id
    index_names = {n.id for n in name_nodes(element.slice)}
    for at in range(start, len(block)):
        s = block[at]
        if isinstance(s, gast.AugAssign) and isinstance(s.op, gast.Add) and \
                isinstance(s.target, gast.Subscript) and \
                _same_element(s.target, element) and isinstance(s.value, gast.Name) and \
                s.value.id == t:
            return at
        names = list(name_nodes(s))
        if any(n.id == array for n in names) or any(
                isinstance(n.ctx, gast.Store) and n.id in index_names | {t} for n in names):
            return None
    return None


def _same_element(target: gast.Subscript, element: gast.Subscript) -> bool:
    return isinstance(target.value, gast.Name) and target.value.id == element.value.id and \
        same(target.slice, element.slice)
