"""Which array elements a loop reads that no later step of the loop overwrites.

Part of stage 6 (reverse).  In ``for t in range(a, b)``, a read ``x[t + r]`` of
the array the loop fills by ``x[t + w] = ...`` is never overwritten afterwards
when every write lands ahead of it (``w > r``): the element still holds the
value read when the reverse sweep runs, so the sweep reads it again from the
final array instead of recording it (a trajectory ``x[t + 1] = f(x[t])``
records nothing).  The writes are SSA updates ``x_new = setitem(x, i, v)``.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler.primitives import evaluate_ref


def final_at_read(read: gast.Subscript, loop: gast.For, header: str,
                  defs: dict[str, list], namespace: dict[str, Any]) -> bool:
    """Does ``read`` (of the loop-carried array, in ``loop``'s body) see the value the
    element keeps until the loop ends?"""
    if not (isinstance(read.value, gast.Name) and _steps_by_one(loop, namespace)):
        return False
    at = offset(read.slice, header, defs)
    if at is None:
        return False
    family = {read.value.id}
    writes: list = []
    for s, nested in _assignments(loop.body, False):
        value = s.value
        if isinstance(value, gast.Name) and value.id in family:
            family.add(s.targets[0].id)
        elif isinstance(value, gast.Call) and value.args and \
                isinstance(value.args[0], gast.Name) and value.args[0].id in family:
            if evaluate_ref(value.func, namespace) is not runtime.setitem or nested:
                return False
            family.add(s.targets[0].id)
            writes.append(value.args[1])
        elif s.targets[0].id in family:
            return False  # the array is made anew in the loop
    offsets = [offset(idx, header, defs) for idx in writes]
    known = [w for w in offsets if w is not None]
    start = _start(loop)
    return start is not None and len(known) == len(offsets) and all(w > at for w in known) \
        and start + min([at, *known]) >= 0  # a negative index counts from the end: no order


def offset(idx: gast.expr, header: str, defs: dict[str, list]) -> int | None:
    """``c`` for an index ``header + c`` (a name defined once as that, or the header)."""
    if isinstance(idx, gast.Name) and idx.id == header:
        return 0
    if isinstance(idx, gast.Name) and len(defs.get(idx.id, ())) == 1:
        value = defs[idx.id][0]
        if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub)):
            left, right = value.left, value.right
            sign = 1 if isinstance(value.op, gast.Add) else -1
            if isinstance(left, gast.Name) and left.id == header and _int(right):
                return sign * right.value
            if sign == 1 and isinstance(right, gast.Name) and right.id == header and _int(left):
                return left.value
    return None


def _int(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) is int


def _start(loop: gast.For) -> int | None:
    """The first value of the loop's counter, when it is a number written in the code."""
    args = loop.iter.args
    if len(args) == 1:
        return 0
    first = args[0]
    return first.value if isinstance(first, gast.Constant) and type(first.value) is int \
        else None


def _steps_by_one(loop: gast.For, namespace: dict[str, Any]) -> bool:
    it = loop.iter
    return isinstance(it, gast.Call) and evaluate_ref(it.func, namespace) is range and \
        1 <= len(it.args) <= 2


def _assignments(stmts: list, nested: bool):
    """(assignment, inside a nested loop) in the order they run."""
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            yield s, nested
        elif isinstance(s, gast.If):
            yield from _assignments(s.body, nested)
            yield from _assignments(s.orelse, nested)
        elif isinstance(s, (gast.For, gast.While)):
            yield from _assignments(s.body, True)
