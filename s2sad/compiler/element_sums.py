"""Late pass ``scalars``: an adjoint's element added to step after step of a loop, as a number.

A loop that reads ``k[0]`` of a parameter vector in every step adds to ``dk[0]`` in
every step of the reverse sweep: ``dk = add_at(dk, None, 0, e)``, an item read, a sum
and an item write on the array each time.  Where the loop does nothing else with
``dk`` (reads none of it, writes it nowhere else, and no name the loop reads can be
``dk`` or a view of it), the element is read once before the loop, the steps add to
that number (``dk_0 = dk_0 + e``) and the array takes it back once after the loop,
as a person writes it.  The sums are the same float64 additions in the same order:
only for float64 vectors (``dtypes``) with number contributions (``dims``).
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.dtypes import F64
from s2sad.compiler.names import Namer, assign, copy_origin, load
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import name_ids, name_nodes

_LOOPS = (gast.For, gast.While)


def sum_as_numbers(body: list, facts: dims.Facts, kinds: dict[str, str], namer: Namer
                   ) -> bool:
    """Rewrite every loop of ``body`` (outer ones first); True when one changed.
    ``kinds``: the dtypes of :mod:`dtypes` (no complex value anywhere: the caller's)."""
    order = [s for s, _, _ in block_statements(body)]
    return _block(body, _Context(order, facts, kinds, namer))


def in_loops(body: list) -> bool:
    """Does a loop of ``body`` add to an element at an int index (the cheap test first)?"""
    return any(depth > 0 and _element_update(s) is not None
               for s, _, depth in block_statements(body))


class _Context:
    def __init__(self, order: list, facts: dims.Facts, kinds: dict[str, str],
                 namer: Namer) -> None:
        self.order, self.facts, self.kinds, self.namer = order, facts, kinds, namer


def _block(block: list, ctx: _Context) -> bool:
    changed = False
    at = 0
    while at < len(block):
        s = block[at]
        before: list = []
        after: list = []
        if isinstance(s, _LOOPS):
            before, after = _loop(s, ctx)
        if isinstance(s, (gast.If, *_LOOPS)):
            for field in ("body", "orelse"):
                changed |= _block(getattr(s, field), ctx)
        block[at:at + 1] = before + [s] + after
        at += len(before) + 1 + len(after)
        changed |= bool(before)
    return changed


def _loop(loop: gast.stmt, ctx: _Context) -> tuple[list, list]:
    """The reads before ``loop`` and the writes after it of the elements it sums into."""
    updates: dict[str, list[gast.Assign]] = {}
    for s, _, _ in block_statements(loop.body):
        target = _element_update(s)
        if target is not None:
            updates.setdefault(target, []).append(s)
    if not updates:
        return [], []
    mentions: dict[str, int] = {}
    for name in name_ids(loop, gast.Load) + name_ids(loop, gast.Store):
        mentions[name] = mentions.get(name, 0) + 1
    before, after = [], []
    for target, stmts in sorted(updates.items()):
        if mentions[target] != 2 * len(stmts) or not _summable(target, stmts, ctx) or \
                _aliased(target, loop, mentions, ctx) or _mixed_signs(stmts):
            continue
        sums: dict[int, str] = {}
        for s in stmts:
            index, value = s.value.args[2].value, s.value.args[3]
            if index not in sums:
                sums[index] = ctx.namer.fresh(_sum_name(target, index))
                before.append(copy_origin(assign(sums[index], _item(target, index)), s))
                after.append(copy_origin(assign(target, _call(
                    "setitem", load(target), _index(index), load(sums[index]))), s))
            s.value = gast.BinOp(left=load(sums[index]), op=gast.Add(), right=value)
            s.targets = [gast.Name(id=sums[index], ctx=gast.Store(), annotation=None,
                                   type_comment=None)]
    return before, after


def _element_update(s: gast.stmt) -> str | None:
    """``d = add_at(d, None, 3, e)`` (an int index, ``e`` not reading ``d``): ``d``."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and
            isinstance(s.value.func, gast.Name) and s.value.func.id == "add_at" and
            len(s.value.args) == 4 and not s.value.keywords):
        return None
    target = s.targets[0].id
    acc, like, index, value = s.value.args
    if not (isinstance(acc, gast.Name) and acc.id == target and
            isinstance(like, gast.Constant) and like.value is None and
            isinstance(index, gast.Constant) and type(index.value) is int):
        return None
    return None if any(n.id == target for n in name_nodes(value)) else target


def _mixed_signs(stmts: list) -> bool:
    """``d[-1]`` and ``d[4]`` may be one element (of five): not summed apart."""
    return len({s.value.args[2].value >= 0 for s in stmts}) > 1


def _sum_name(target: str, index: int) -> str:
    return f"{target}_{index}" if index >= 0 else f"{target}_last" if index == -1 else \
        f"{target}_end{-index}"


def _summable(target: str, stmts: list, ctx: _Context) -> bool:
    """A float64 vector, numbers added to it: the same sums as numbers."""
    return ctx.kinds.get(target) == F64 and ctx.facts.rank(target) == 1 and \
        all(ctx.facts.of(s.value.args[3]) == () for s in stmts)


def _aliased(target: str, loop: gast.stmt, mentions: dict[str, int], ctx: _Context
             ) -> bool:
    """Could a name the loop mentions hold ``target`` or a view of it?  (A statement
    anywhere, before the loop or after it in an enclosing one, that reads ``target``
    and binds another name: a copy, a view, a container holding it.)"""
    for s in ctx.order:
        if isinstance(s, (gast.If, *_LOOPS)) or target not in name_ids(s, gast.Load):
            continue
        bound = set(name_ids(s, gast.Store)) - {target}
        if bound & set(mentions):
            return True
    return False


def _item(name: str, index: int) -> gast.Subscript:
    return gast.Subscript(value=load(name), slice=_index(index), ctx=gast.Load())


def _index(index: int) -> gast.expr:
    if index >= 0:
        return gast.Constant(value=index, kind=None)
    return gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=-index, kind=None))


def _call(name: str, *args: gast.expr) -> gast.Call:
    return gast.Call(func=load(name), args=list(args), keywords=[])
