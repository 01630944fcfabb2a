"""Part of the late pass ``ownership``: an adjoint started as zeros with a few items
written, later added a whole new array, starts as that array and takes the items
after.

A gather's adjoint (``-z[np.arange(n), labels]`` in a loss) makes an adjoint of zeros
and writes its items; another line of the loss then adds a whole array of the same
shape (a sort's adjoint put back, a product's)::

    dz = zeros_like(z)
    dz[rows, labels] -= dloss
    ...
    dz += unsort(dzs, z, order, 1)

Someone writing the gradient takes the array and writes the items into it::

    dz = unsort(dzs, z, order, 1)
    dz[rows, labels] -= dloss

one array of zeros and one pass over it fewer.  The numbers are the same: each item
is ``e - v`` either way (``(0 - v) + e`` is ``e - v`` exactly), and where the index
names one item twice the last write is taken either way (``d[i] = v`` is written
``d[i] += v``: over zeros the same).  Done where the item write is the one statement
after the zeros, nothing between it and the sum reads or binds the adjoint or rebinds
what the write reads, and the array added is a new object (no other name holds it),
float64, of the adjoint's shape (the shape facts), not reading the adjoint.
"""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import assign, copy_origin
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_ids

_ZEROS = (runtime.zeros_like, np.zeros_like, np.zeros)


def onto_dense(flat: list, blocks: dict[int, list], leaks: Callable[[gast.expr], set],
               kinds: dict[str, str], shapes: Callable[[], dims.Facts],
               namespace: dict) -> bool:
    """Rewrite each such adjoint in its block (``flat``: every statement, ``blocks``:
    the block holding each; ``leaks``: the names an expression's object may be held
    by); whether one was."""
    changed = False
    for s in flat:
        block = blocks.get(id(s))
        if block is None or not _zeros(s, namespace):
            continue
        i = next(k for k, t in enumerate(block) if t is s)
        if i + 1 < len(block) and _moved(block, i, leaks, kinds, shapes, namespace):
            changed = True
    return changed


def _zeros(s: gast.stmt, namespace: dict) -> bool:
    """``d = zeros_like(x)`` (``np.zeros(shape)``)."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
        evaluate_ref(s.value.func, namespace) in _ZEROS


def _moved(block: list, i: int, leaks: Callable[[gast.expr], set], kinds: dict[str, str],
           shapes: Callable[[], dims.Facts], namespace: dict) -> bool:
    d = block[i].targets[0].id
    write = block[i + 1]
    if not _item_write(write, d):
        return False
    reads = set(name_ids(write, gast.Load)) - {d}
    for j in range(i + 2, len(block)):
        s = block[j]
        if _sum_into(s, d):
            e = s.value
            if d in name_ids(e, gast.Load) or leaks(e) or \
                    dtypes.of(e, kinds, namespace) != dtypes.F64:
                return False
            facts = shapes()
            shape = facts.of(gast.Name(id=d, ctx=gast.Load(), annotation=None,
                                       type_comment=None))
            if not (dims.known(shape) and dims.same(shape, facts.of(e))):
                return False
            if isinstance(write, gast.Assign):  # (over zeros: the same as adding)
                write = copy_origin(gast.AugAssign(target=write.targets[0], op=gast.Add(),
                                                   value=write.value), write)
            block[j:j + 1] = [copy_origin(assign(d, e, s), s), write]
            del block[i:i + 2]
            return True
        if d in name_ids(s, gast.Load) or d in name_ids(s, gast.Store) or \
                reads & set(name_ids(s, gast.Store)):
            return False
    return False


def _item_write(s: gast.stmt, d: str) -> bool:
    """``d[idx] += v``, ``d[idx] -= v`` or ``d[idx] = v`` (``v`` not reading ``d``)."""
    target = s.target if isinstance(s, gast.AugAssign) and \
        isinstance(s.op, (gast.Add, gast.Sub)) else \
        s.targets[0] if isinstance(s, gast.Assign) and len(s.targets) == 1 else None
    return isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and \
        target.value.id == d and d not in name_ids(s.value, gast.Load) and \
        d not in name_ids(target.slice, gast.Load)


def _sum_into(s: gast.stmt, d: str) -> bool:
    """``d += e``."""
    return isinstance(s, gast.AugAssign) and isinstance(s.op, gast.Add) and \
        isinstance(s.target, gast.Name) and s.target.id == d
