"""Part of the late pass ``as_floats``: numbers read out of arrays before a loop (an
element ``a = theta[1]``, a reduction ``h = np.var(r)``) and used in it, taken as Python
floats (``number_as_float``: a NumPy float64 number as a float, anything else as it is).

Arithmetic of a NumPy scalar with a float costs three to four times that of two floats,
and a loop that reads such a number each trip (a recursion's parameter, its starting
value) pays it on every operation the number reaches.  The same conditions as
:mod:`floats`: no operation where the two part ways, or the variant runs optimistic
(a division by zero raises on floats: :mod:`s2sad.fallback` runs the guarded variant,
on NumPy scalars, again)."""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dims, floats
from s2sad.compiler.names import load
from s2sad.compiler.node_scans import nodes_of


def numbers_as_floats(body: list, shapes: Callable[[], dims.Facts],
                      optimistic: list | None = None) -> list:
    """``body`` with each such top-level binding's value read as a float."""
    loops = [k for k, s in enumerate(body) if isinstance(s, (gast.For, gast.While))]
    if not loops:
        return body
    candidates = [k for k, s in enumerate(body[:loops[-1]]) if _read_out(s)]
    if not candidates:
        return body
    safe = floats._float_safe(body)
    if not safe and (optimistic is None or not floats._float_safe(body, True)):
        return body
    looped = {n.id for k in loops for n in nodes_of([body[k]], (gast.Name,))
              if isinstance(n.ctx, gast.Load)}
    if not any(body[k].targets[0].id in looped for k in candidates):
        return body  # (no shape facts worked out for nothing)
    facts = shapes()
    read_out: set[str] = set()  # names of numbers read out of arrays (or made of them)
    changed = False
    for k in candidates:
        s = body[k]
        name = s.targets[0].id
        if facts.of(load(name)) != () or facts.of(s.value) != () or \
                not _of_an_array(s.value, facts, read_out):
            continue
        read_out.add(name)
        if name in looped and any(j > k for j in loops):
            s.value = gast.Call(func=load("number_as_float"), args=[s.value], keywords=[])
            changed = True
    if changed and not safe and optimistic is not None and "floats" not in optimistic:
        optimistic.append("floats")  # (Python raises where NumPy gives inf: fall back)
    return body


def _of_an_array(value: gast.expr, facts: dims.Facts, read_out: set[str]) -> bool:
    """An element of an array (``theta[1]``), a call of arrays (``np.var(r)``), or
    arithmetic of such a number (``np.var(r) * theta[0]``): not of a shape
    (``np.shape(x)[0]``, an int) nor of Python numbers alone."""
    if isinstance(value, gast.Subscript):
        return isinstance(value.value, gast.Name) and (facts.rank(value.value.id) or 0) >= 1
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        operands = [value.left, value.right] if isinstance(value, gast.BinOp) else \
            [value.operand]
        return any(isinstance(e, gast.Name) and e.id in read_out or
                   isinstance(e, gast.Subscript) and _of_an_array(e, facts, read_out)
                   for e in operands)
    return isinstance(value, gast.Call) and any(
        isinstance(a, gast.Name) and (facts.rank(a.id) or 0) >= 1 for a in value.args)


def _read_out(s: gast.stmt) -> bool:
    """``n = x[...]``, ``n = f(...)`` or arithmetic (a number the shapes may prove)."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and \
        isinstance(s.value, (gast.Subscript, gast.Call, gast.BinOp, gast.UnaryOp)) and \
        not (isinstance(s.value, gast.Call) and isinstance(s.value.func, gast.Name) and
             s.value.func.id in ("number_as_float", "float", "len"))
