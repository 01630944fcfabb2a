"""Late pass ``batch``: loop-level work of the reverse sweep done once after the loop.

A parameter's adjoint inside a reversed loop is often only accumulated into by a
rank-1 update per step, ``dA += np.multiply.outer(u, v)``.  Where nothing else in the
loop reads or writes it, the loop collects the vectors instead (``dA_rows.append(u)``)
and one product after the loop adds them all, as a person writes it:
``dA += np.array(dA_rows).T @ np.array(dA_cols)`` (two vectors a step, where the
update itself is a matrix).  Matrix products (``dW += h.T @ dz``) and sums of whole
arrays stay in the loop: collecting them costs memory the size of the tape again
and, measured on an RNN, time too (one large product after copying every factor).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import Namer, copy_origin, load, np_attr, store
from s2sad.compiler.walks import substituted, walk


def batch(body: list, facts: dims.Facts, namer: Namer) -> list:
    """Rewrite every loop of ``body`` (nested ones first); ``facts``: value shapes."""
    for at, s in reversed(list(enumerate(body))):
        if isinstance(s, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                batch(getattr(s, field), facts, namer)
        if isinstance(s, gast.For):
            before, after = _batch_loop(s, facts, namer)
            body[at:at + 1] = before + [s] + after
    _start_from_product(body)
    return body


def _start_from_product(body: list) -> None:
    """``d = zeros_like(p)``, nothing reading ``d`` until ``if rows: d += product``:
    ``d = product if rows else zeros_like(p)`` (no zeros added to)."""
    for at in range(len(body) - 1, -1, -1):
        s = body[at]
        if not (isinstance(s, gast.If) and not s.orelse and len(s.body) == 1 and
                isinstance(s.body[0], gast.AugAssign) and isinstance(s.body[0].target,
                                                                     gast.Name)):
            continue
        target = s.body[0].target.id
        start = next((i for i in range(at - 1, -1, -1) if target in _names(body[i])), None)
        if start is None or not _zeros_of(body[start], target):
            continue
        added = s.body[0].value if isinstance(s.body[0].op, gast.Add) else \
            gast.UnaryOp(op=gast.USub(), operand=s.body[0].value)  # (0 - e: -e)
        body[at] = copy_origin(gast.Assign(targets=[store(target)], value=gast.IfExp(
            test=s.test, body=added, orelse=body[start].value), type_comment=None), s)
        del body[start]


def _zeros_of(s: gast.stmt, target: str) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == target and \
        isinstance(s.value, gast.Call) and isinstance(s.value.func, gast.Name) and \
        s.value.func.id == "zeros_like"


def _batch_loop(loop: gast.For, facts: dims.Facts, namer: Namer) -> tuple[list, list]:
    before: list = []
    after: list = []
    if not any(_update(s) is not None for s in loop.body):
        return before, after  # (nothing added into a name: nothing to collect)
    counts = _uses(loop)
    updates: dict[str, int] = {}
    for s in loop.body:
        update = _update(s, signed=True)
        if update is not None and update[0] not in _names(update[1]):
            updates[update[0]] = updates.get(update[0], 0) + 1
    new_body: list = []
    collected: dict[str, str] = {}  # vector name -> the list it is appended to each step
    reused: set[str] = set()  # the lists two rank-1 updates share
    for s in loop.body:
        new_body.append(s)
        update = _update(s)
        if update is None or counts.get(update[0], 0) != updates.get(update[0]) or \
                not _loop_free_target(update[0], loop):
            continue  # read, or written otherwise, in the loop
        target, value = update
        outer = _outer_of(value, facts)
        if outer is not None:
            update_stmt = new_body[-1]
            del new_body[-1]
            rows, cols = (_list_of(part, target + suffix, new_body, collected, namer, before,
                                   loop, update_stmt, reused)
                          for part, suffix in ((outer[0], "_rows"), (outer[1], "_cols")))
            product = gast.BinOp(left=gast.Attribute(value=_array(rows), attr="T",
                                                     ctx=gast.Load()),
                                 op=gast.MatMult(), right=_array(cols))
            after.append(copy_origin(_guarded(rows, target, product), loop))
            copy_origin(after[-1].body[0], loop)
            collected.update({part.id: name for name, part in ((rows, outer[0]),
                                                                (cols, outer[1]))
                              if isinstance(part, gast.Name) and part.id not in collected})
    if collected:
        _batch_reductions(loop, new_body, collected, counts, updates, facts, namer, before,
                          after)
    loop.body = new_body
    return before, _arrays_once(after, namer, loop, _shared(before, after, collected, namer,
                                                            new_body, reused))


def _shared(before: list, after: list, collected: dict[str, str], namer: Namer,
            body: list, reused: set[str]) -> dict[str, str]:
    """The lists two rank-1 updates share, renamed for the vector they collect
    (``x_steps``, not the first update's ``dWh_cols``): old name -> new name."""
    renamed = {items: namer.fresh(vector + "_steps") for vector, items in collected.items()
               if items in reused}
    if not renamed:
        return renamed
    for n in (n for s in before + body + after for n in walk(s)):
        if isinstance(n, gast.Name) and n.id in renamed:
            n.id = renamed[n.id]
    return renamed


def _arrays_once(after: list, namer: Namer, loop: gast.For, shared: dict[str, str]
                 ) -> list:
    """``np.array(items)`` of a list two rank-1 updates share made once, in front of the
    products after the loop (see :func:`_list_of`)."""
    calls: dict[str, list] = {}
    for n in walk(gast.Module(body=after, type_ignores=[])):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr == "array" and len(n.args) == 1 and \
                isinstance(n.args[0], gast.Name) and n.args[0].id in shared.values():
            calls.setdefault(n.args[0].id, []).append(n)
    made = []
    for items, uses in calls.items():
        name = namer.fresh(items + "_array")
        made.append(copy_origin(gast.Assign(targets=[store(name)], value=_array(items),
                                            type_comment=None), loop))
        for call in uses:
            after = [substituted(s, call, load(name)) for s in after]
    return made + after


def _list_of(part: gast.expr, name: str, body: list, collected: dict[str, str],
             namer: Namer, before: list, loop: gast.For, like: gast.stmt,
             reused: set[str]) -> str:
    """The list collecting ``part`` each step: the one a rank-1 update before already
    appends it to where it holds the same value here (a GRU's gate adjoint for both of
    its weight matrices, ``x`` for every input weight: one list, filled once), else a
    new one, appended to at the end of ``body``."""
    if isinstance(part, gast.Name) and part.id in collected and \
            _same_value(body, len(body), part.id, collected):
        reused.add(collected[part.id])
        return collected[part.id]
    fresh = namer.fresh(name)
    body.append(copy_origin(_append(fresh, part), like))
    before.append(copy_origin(_empty(fresh), loop))
    return fresh


def _batch_reductions(loop: gast.For, body: list, collected: dict[str, str],
                      counts: dict, updates: dict, facts: dims.Facts, namer: Namer,
                      before: list, after: list) -> None:
    """``d -= u`` and ``t += u @ v`` of a vector ``u`` the loop already collects (for a
    rank-1 update): one sum after the loop (``d -= np.sum(np.array(rows), axis=0)``,
    ``t += np.sum(np.array(rows) * np.array(t_cols))``, ``v`` collected too) in place of
    a NumPy call per step: small vectors pay the calls, not the additions."""
    for at in range(len(body) - 1, -1, -1):
        update = _update(body[at], signed=True)
        if update is None or counts.get(update[0], 0) != updates.get(update[0]) or \
                not _loop_free_target(update[0], loop) or update[0] in collected:
            continue
        target, value, op = update
        if isinstance(value, gast.Name) and value.id in collected and \
                _rank(value, facts) == 1 and _same_value(body, at, value.id, collected):
            total = gast.Call(func=np_attr("sum"), args=[_array(collected[value.id])],
                              keywords=[gast.keyword(arg="axis", value=gast.Constant(
                                  value=0, kind=None))])
            rows = collected[value.id]
            del body[at]
        elif isinstance(value, gast.BinOp) and isinstance(value.op, gast.MatMult) and \
                all(isinstance(x, gast.Name) and _rank(x, facts) == 1
                    for x in (value.left, value.right)) and \
                (value.left.id in collected or value.right.id in collected):
            known, other = (value.left, value.right) if value.left.id in collected else \
                (value.right, value.left)
            if not _same_value(body, at, known.id, collected):
                continue
            rows = collected[known.id]
            extra = namer.fresh(target + "_cols")
            before.append(copy_origin(_empty(extra), loop))
            body[at] = copy_origin(_append(extra, other), body[at])
            total = gast.Call(func=np_attr("sum"), args=[gast.BinOp(
                left=_array(rows), op=gast.Mult(), right=_array(extra))], keywords=[])
        else:
            continue
        after.append(copy_origin(_guarded(rows, target, total, op), loop))
        copy_origin(after[-1].body[0], loop)


def _same_value(body: list, at: int, name: str, collected: dict[str, str]) -> bool:
    """``name`` holds at statement ``at`` the vector the loop appends to its list: nothing
    between the two binds it again (each runs once a step: both at the top of the loop)."""
    appended = next((k for k, s in enumerate(body) if isinstance(s, gast.Expr) and
                     isinstance(s.value, gast.Call) and s.value.args and
                     isinstance(s.value.args[0], gast.Name) and
                     s.value.args[0].id == name and isinstance(s.value.func, gast.Attribute)
                     and isinstance(s.value.func.value, gast.Name) and
                     s.value.func.value.id == collected[name]), None)
    if appended is None:
        return False
    lo, hi = sorted((at, appended))
    return not any(n.id == name and not isinstance(n.ctx, gast.Load)
                   for s in body[lo + 1:hi] for n in walk(s) if isinstance(n, gast.Name))


def _update(s: gast.stmt, signed: bool = False) -> Any:
    """``d += e`` or ``d = d + e``: (d, e); with ``signed``, ``d -= e`` and ``d = d - e``
    too: (d, e, the operator)."""
    ops = (gast.Add, gast.Sub) if signed else (gast.Add,)
    found = None
    if isinstance(s, gast.AugAssign) and isinstance(s.op, ops) and \
            isinstance(s.target, gast.Name):
        found = s.target.id, s.value, s.op
    elif isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and \
            isinstance(s.value.op, ops) and isinstance(s.value.left, gast.Name) and \
            s.value.left.id == s.targets[0].id:
        found = s.targets[0].id, s.value.right, s.value.op
    return found if found is None or signed else found[:2]


def _uses(loop: gast.For) -> dict[str, int]:
    """How many statements of the loop mention each name."""
    counts: dict[str, int] = {}
    for s in loop.body:
        for name in {n.id for n in walk(s) if isinstance(n, gast.Name)}:
            counts[name] = counts.get(name, 0) + 1
    return counts


def _loop_free_target(target: str, loop: gast.For) -> bool:
    return not any(isinstance(n, gast.Name) and n.id == target
                   for n in walk(loop.target)) and \
        not any(isinstance(n, gast.Name) and n.id == target for n in walk(loop.iter))


def _outer_of(value: gast.expr, facts: dims.Facts) -> tuple | None:
    """``np.multiply.outer(u, v)`` of two vectors: (u, v)."""
    if not (isinstance(value, gast.Call) and len(value.args) == 2 and not value.keywords):
        return None
    f = value.func
    if not (isinstance(f, gast.Attribute) and f.attr == "outer" and
            isinstance(f.value, gast.Attribute) and f.value.attr == "multiply"):
        return None
    shapes = [facts.of(a) for a in value.args]
    if all(isinstance(s, tuple) and len(s) == 1 for s in shapes):
        return value.args[0], value.args[1]
    return None


def _names(e: gast.AST) -> set[str]:
    return {n.id for n in walk(e) if isinstance(n, gast.Name)}


def _rank(e: gast.expr, facts: dims.Facts) -> int | None:
    s = facts.of(e)
    return len(s) if isinstance(s, tuple) else None


def _array(name: str) -> gast.Call:
    return gast.Call(func=np_attr("array"), args=[load(name)], keywords=[])


def _empty(name: str) -> gast.Assign:
    return gast.Assign(targets=[store(name)], value=gast.List(elts=[], ctx=gast.Load()),
                       type_comment=None)


def _append(name: str, value: gast.expr) -> gast.Expr:
    return gast.Expr(value=gast.Call(func=gast.Attribute(
        value=load(name), attr="append", ctx=gast.Load()), args=[value], keywords=[]))


def _guarded(items: str, target: str, value: gast.expr, op: gast.operator | None = None
             ) -> gast.If:
    """``if items: target += value`` (a loop that ran no step added nothing)."""
    return gast.If(test=load(items), body=[gast.AugAssign(
        target=store(target), op=op or gast.Add(), value=value)], orelse=[])
