"""Late pass ``chains``: a chain of elementwise operations bound to a name computed into
the array its first operation makes, not into a new array per operation.

``dadd = -(ddiv * div / add)`` makes three arrays of n numbers, two of them only to be
read once and dropped; when the function holds many arrays at that point, each new
array asks for fresh memory (a page fault per page, on every call).  NumPy does this
itself only for temporaries of 256 KiB or more.  Written as::

    dadd = ddiv * div
    dadd /= add
    np.negative(dadd, out=dadd)

the chain makes one array and the numbers are the same, operation by operation (each
is the same IEEE operation on the same operands; ``x + t`` is ``t + x``).

Done for a statement ``t = e`` (a name ``t`` that ``e`` does not read) where ``e`` is
a chain of three or more operations (``+ - * /`` and negation; of two, ``x + 2 * y``
reads better as it is than as two statements for one array less), followed through
the left operand (and the right one of ``+`` and ``*``), whose innermost operation is
a ``+ - * /`` of two values; where the innermost result already has the shape of the
whole (no later operand broadcasts it to more axes), of one or two axes of known
lengths, and is float64 (the dtype facts), and every later operand is float64 or a
real number (so each in-place operation keeps float64, as the chain would).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import copy_origin, load, np_attr
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes

_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def in_place(body: list, shapes: dims.Facts, kinds: Callable[[], dict[str, str]],
             namespace: dict[str, Any]) -> bool:
    """Rewrite every block of ``body`` so (in place); True if anything changed
    (``kinds``: the body's dtypes, asked for a chain of known shapes before it is split)."""
    changed = False
    for k in range(len(body) - 1, -1, -1):
        s = body[k]
        for field in ("body", "orelse"):
            block = getattr(s, field, None)
            if isinstance(s, (gast.If, gast.For, gast.While)) and block:
                changed |= in_place(block, shapes, kinds, namespace)
        made = _split(s, shapes, kinds, namespace)
        if made is not None:
            body[k:k + 1] = [copy_origin(m, s) for m in made]
            changed = True
    return changed


def candidates(body: list) -> bool:
    """Whether any statement of ``body`` binds a chain long enough (one walk, before the
    dtype facts are worked out)."""
    return any(isinstance(s, gast.Assign) and len(_chain(s.value)[0]) >= 2
               for s in statement_nodes(body))


def _split(s: gast.stmt, shapes: dims.Facts, kinds: Callable[[], dict[str, str]],
           namespace: dict[str, Any]) -> list | None:
    """The statements ``s`` becomes, or None."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    t = s.targets[0].id
    if any(n.id == t for n in name_nodes(s.value)):
        return None
    steps, inner = _chain(s.value)
    whole = shapes.of(s.value)
    if len(steps) < 2 or not isinstance(whole, tuple) or not 1 <= len(whole) <= 2 or \
            not dims.known(whole) or not dims.same(shapes.of(inner), whole) or \
            dtypes.of(inner, kinds(), namespace) != dtypes.F64 or \
            any(x is not None and dtypes.of(x, kinds(), namespace) not in
                (dtypes.F64, dtypes.REAL) for _, _, x in steps):
        return None
    out: list = [gast.Assign(targets=[s.targets[0]], value=inner, type_comment=None)]
    for side, op, x in reversed(steps):
        out.append(_step(t, side, op, x))
    return out


def _chain(e: gast.expr) -> tuple[list, gast.expr]:
    """(steps from the outside in, the innermost operation): each step ``("neg", None,
    None)`` or ``("left", op, x)`` (``t op x``; ``x + t`` and ``x * t`` read so too: a
    chain through the right of ``-`` or ``/`` ends there, ``x - t`` into ``t`` would
    read badly)."""
    steps: list = []
    while True:
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and \
                _operation(e.operand):
            steps.append(("neg", None, None))
            e = e.operand
        elif _operation(e) and (_operation(e.left) or _negated(e.left)):
            steps.append(("left", e.op, e.right))
            e = e.left
        elif _operation(e) and isinstance(e.op, (gast.Add, gast.Mult)) and \
                (_operation(e.right) or _negated(e.right)):  # (``x * t`` is ``t * x``)
            steps.append(("left", e.op, e.left))
            e = e.right
        else:
            return (steps, e) if _operation(e) else ([], e)


def _operation(e: gast.expr) -> bool:
    return isinstance(e, gast.BinOp) and isinstance(e.op, _OPS)


def _negated(e: gast.expr) -> bool:
    return isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and \
        _operation(e.operand)


def _step(t: str, side: str, op: Any, x: gast.expr | None) -> gast.stmt:
    """One operation of the chain into ``t``: ``t op= x``, or ``np.negative(t, out=t)``."""
    if side == "neg":
        return gast.Expr(value=gast.Call(
            func=np_attr("negative"),
            args=[load(t)], keywords=[gast.keyword(arg="out", value=load(t))]))
    return gast.AugAssign(target=gast.Name(id=t, ctx=gast.Store(), annotation=None,
                                           type_comment=None), op=type(op)(), value=x)
