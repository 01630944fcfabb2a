"""Part of the late pass ``ownership``: updates of an owned array at an index written
as a person writes them: ``x = write_at(x, i, v)`` as ``x[i] = v``, ``g = clear_at(g,
i)`` as ``g[i] = 0.0``, ``d = add_at(d, None, i, e)`` as ``d[i] += e`` (``i`` numbers
or basic slices, ``slice(1, -1)`` printed ``1:-1``), and ``d = add_at(None, x, i, e)``
as ``d = zeros_like(x)`` then ``d[i] = e``: no helper call per element."""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad import runtime
from s2sad.compiler import dims, distinct_indices
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.algebra_terms import added_into, negated
from s2sad.compiler.names import assign, const, copy_origin, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import nodes


def write_inline(facts, real: bool = False,
                 shapes: Callable[[], dims.Facts | None] | None = None) -> bool:
    """``x = write_at(x, i, v)``, ``g = clear_at(g, i)`` and ``d = add_at(d, None, i, e)``
    of an array of known rank at a number ``i``: ``x[i] = v``, ``g[i] = 0.0`` and
    ``d[i] += e``, as a person writes them (no call per element).  The sums only where
    no value is complex (``real``): ``add_at`` adds a complex ``e``'s real part into a
    real ``d``, ``+=`` would raise.  ``shapes``: the shape facts, which prove an index
    holding index arrays picks no element twice (:mod:`distinct_indices`).  Whether it
    wrote one."""
    wrote = False
    for s in facts.flat:
        call = call_of(s)
        if call is not None and len(call.args) == 4 and is_none(call.args[0]):
            if real:
                wrote |= start_inline(facts, s, call, shapes)
            continue
        if call is None or len(call.args) < 2 or not isinstance(call.args[0], gast.Name):
            continue
        fn = evaluate_ref(call.func, facts.namespace)
        name, idx = call.args[0].id, call.args[2 if fn is runtime.add_at else 1]
        if (facts.ranks.get(name) or 0) < 1 or not at_numbers(facts, idx, name, shapes):
            continue
        target = gast.Subscript(value=load(name), slice=as_syntax(idx), ctx=gast.Store())
        if fn is runtime.write_at:
            new = [gast.Assign(targets=[target], value=call.args[2], type_comment=None)]
        elif fn is runtime.clear_at:
            new = [gast.Assign(targets=[target], value=const(0.0), type_comment=None)]
        elif fn is runtime.add_at and is_none(call.args[1]) and name in facts.owned and real:
            new = [added_into(target, _read_only(call.args[3]))]
        else:
            continue
        if s.targets[0].id != name:
            new.append(assign(s.targets[0].id, load(name)))
        block = facts.blocks[id(s)]
        at = [id(x) for x in block].index(id(s))
        block[at:at + 1] = [copy_origin(n, s) for n in new]
        wrote = True
    return wrote

def _read_only(e: gast.expr) -> gast.expr:
    """What ``d[i] += e`` adds: only read, so never a ``fresh`` copy (NumPy copies an
    ``e`` overlapping ``d`` itself)."""
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
            e.func.id == "fresh" and len(e.args) == 1 and not e.keywords:
        return e.args[0]
    return e


def at_numbers(facts, idx: gast.expr, name: str,
               shapes: Callable[[], dims.Facts | None] | None = None) -> bool:
    """``i`` or ``(i, j)``: numbers or basic slices, no more than ``name`` has axes (an
    element or a row: ``x[i, j] = v`` writes what ``write_at`` does; no index repeats),
    or with index arrays that pick no element twice (``(np.arange(n), labels)``)."""
    parts = idx.elts if isinstance(idx, gast.Tuple) else [idx]
    if not 0 < len(parts) <= (facts.ranks.get(name) or 0):
        return False
    arrays = [p for p in parts if ranks_stage.rank_of(p, facts.ranks, facts.namespace) != 0
              and not basic_slice(facts, p)]
    return not arrays or distinct_indices.distinct(arrays, facts.body, facts.namespace,
                                                   shapes)

def basic_slice(facts, p: gast.expr) -> bool:
    """``slice(1, -1)`` of numbers: a basic index (no element twice, as ``x[1:-1]``)."""
    return isinstance(p, gast.Call) and not p.keywords and 1 <= len(p.args) <= 3 and \
        evaluate_ref(p.func, facts.namespace) is slice and all(
            is_none(a) or ranks_stage.rank_of(a, facts.ranks, facts.namespace) == 0
            for a in p.args)

def start_inline(facts, s: gast.Assign, call: gast.Call,
                 shapes: Callable[[], dims.Facts | None] | None = None) -> bool:
    """``d = add_at(None, x, i, e)`` of an array of known rank at a number ``i``:
    ``d = zeros_like(x)`` then ``d[i] = e`` (``+=`` would read the zeros first, and a
    fresh array's pages twice); whether it was one."""
    if evaluate_ref(call.func, facts.namespace) is not runtime.add_at:
        return False
    name, like, idx = s.targets[0].id, call.args[1], call.args[2]
    if (facts.ranks.get(name) or 0) < 1 or not isinstance(like, gast.Name) or \
            not at_numbers(facts, idx, name, shapes) or \
            any(isinstance(n, gast.Name) and n.id == name
                for n in nodes(gast.Tuple(elts=[idx, call.args[3]], ctx=gast.Load()))):
        return False  # (e reads the old d: d = zeros_like(x) first would change what it reads)
    target = gast.Subscript(value=load(name), slice=as_syntax(idx), ctx=gast.Store())
    value = _read_only(call.args[3])
    new = [assign(name, gast.Call(func=load("zeros_like"), args=[like], keywords=[])),
           added_into(target, value) if negated(value) is not None else
           gast.Assign(targets=[target], value=value, type_comment=None)]  # (-= b: no -b)
    block = facts.blocks[id(s)]
    at = [id(x) for x in block].index(id(s))
    block[at:at + 1] = [copy_origin(n, s) for n in new]
    return True


def as_syntax(idx: gast.expr) -> gast.expr:
    """``slice(1, -1)`` (and in a tuple) as ``1:-1``, as a person writes an index."""
    if isinstance(idx, gast.Tuple):
        return gast.Tuple(elts=[as_syntax(p) for p in idx.elts], ctx=idx.ctx)
    if isinstance(idx, gast.Call) and isinstance(idx.func, gast.Name) and \
            idx.func.id == "slice" and not idx.keywords and 1 <= len(idx.args) <= 3:
        bounds = [None if is_none(a) else a for a in idx.args]
        bounds = [None, *bounds] if len(bounds) == 1 else bounds
        return gast.Slice(*(bounds + [None] * (3 - len(bounds))))
    return idx


def call_of(s: gast.stmt) -> gast.Call | None:
    """The call ``s`` assigns (``x = f(...)``)."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call):
        return s.value
    return None


def is_none(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and e.value is None
