"""Step of the late pass ``appends``: the adjoint of a stacked list popped as rows.

``hs = []; for t ...: hs.append(h)`` then ``H = np.stack(hs)``: the adjoint of the
stack is the list of ``dH``'s rows (``dhs = fresh(unstack_like(dH, hs, 0))``, a view
and a shape check per row, and a copy of the list), which the reversed loop only takes
apart from the end (``dhs, dh_last = list_pop_last(dhs, h)``).  ``list_pop_last`` cuts
an array adjoint the same way (``dhs[-1]``, then ``dhs[:-1]``), so ``dH`` itself is
popped: the same rows, the same views, in the same order; what a person writes
(``gh += dH[t]``).

Done where the stack is along the first axis (its rows are the list's items, one
shape for all), the list's adjoint is read by nothing but those pops, and the list by
nothing but its appends, the stack and the adjoint (no item changed, read or added
between the stack and its adjoint).
"""
from __future__ import annotations

import gast

from s2sad.compiler.dims import first_axis
from s2sad.compiler.walks import name_nodes, nodes, statement_nodes

_BUILDS = frozenset({"list_append", "list_append_owned"})


def pop_rows(body: list) -> bool:
    """Each such list adjoint made the stacked adjoint itself; whether one was."""
    changed = False
    for s in list(statement_nodes(body)):
        found = _unstacked(s)
        if found is not None and _only_popped(body, s, found[0]) and \
                _only_stacked(body, found[1]):
            _popped_as(body, s, found[0], found[2])
            changed = True
    return changed


def _popped_as(body: list, made: gast.Assign, d: str, g: gast.expr) -> None:
    """``d = g``, or the pops reading ``g`` itself where it is a name bound once that
    nothing else reads."""
    if not isinstance(g, gast.Name) or sum(1 for n in name_nodes(body) if n.id == g.id) > 2:
        made.value = g
        return
    for n in name_nodes(body):
        if n.id == d:
            n.id = g.id
    for s in statement_nodes(body):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(s, field, None)
            if isinstance(block, list) and made in block:
                block.remove(made)
    if made in body:
        body.remove(made)


def _unstacked(s: gast.stmt) -> tuple[str, str, gast.expr] | None:
    """``d = fresh(unstack_like(g, xs, 0))`` (``fresh`` or not, axis 0 or left out):
    (d, xs, g)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    call = s.value
    if _called(call) == "fresh" and len(call.args) == 1:
        call = call.args[0]
    if _called(call) != "unstack_like" or call.keywords or \
            not 2 <= len(call.args) <= 3 or \
            not isinstance(call.args[1], gast.Name) or \
            len(call.args) == 3 and not _zero(call.args[2]):
        return None
    return s.targets[0].id, call.args[1].id, call.args[0]


def _called(e: gast.expr) -> str | None:
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Name):
        return e.func.id
    return None


def _zero(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) is int and e.value == 0


def _only_popped(body: list, made: gast.stmt, d: str) -> bool:
    """Every other statement naming ``d`` is ``d, last = list_pop_last(d, v)``."""
    for s in statement_nodes(body):
        if s is made or isinstance(s, (gast.For, gast.While, gast.If)) or \
                not any(n.id == d for n in name_nodes(s)):
            continue
        target = s.targets[0] if isinstance(s, gast.Assign) and len(s.targets) == 1 \
            else None
        if not (isinstance(target, gast.Tuple) and len(target.elts) == 2 and
                isinstance(target.elts[0], gast.Name) and target.elts[0].id == d and
                _called(s.value) == "list_pop_last" and len(s.value.args) == 2 and
                isinstance(s.value.args[0], gast.Name) and s.value.args[0].id == d and
                not any(n.id == d for n in name_nodes(s.value.args[1])) and
                not (isinstance(target.elts[1], gast.Name) and target.elts[1].id == d)):
            return False
    return True


def _only_stacked(body: list, xs: str) -> bool:
    """``xs`` read only by its appends (``xs = list_append_owned(xs, v)``), one
    ``np.stack(xs)`` along the first axis and the adjoint's ``unstack_like(g, xs, 0)``."""
    stacks = 0
    for e in nodes(body):
        if not isinstance(e, gast.Call):
            continue
        args = [a for a in e.args if isinstance(a, gast.Name) and a.id == xs]
        if not args:
            continue
        name = _called(e)
        if name in _BUILDS and e.args[0] is args[0] and len(args) == 1:
            continue
        if name == "unstack_like" and len(args) == 1 and e.args[1] is args[0]:
            continue
        if _stack_call(e) and e.args[0] is args[0] and len(args) == 1:
            stacks += 1
            continue
        return False
    loads = sum(1 for n in name_nodes(body) if n.id == xs and isinstance(n.ctx, gast.Load))
    calls = sum(1 for e in nodes(body) if isinstance(e, gast.Call)
                for a in e.args if isinstance(a, gast.Name) and a.id == xs)
    return stacks == 1 and loads == calls


def _stack_call(e: gast.Call) -> bool:
    """``np.stack(xs)`` or ``np.stack(xs, 0)`` / ``axis=0``."""
    f = e.func
    return isinstance(f, gast.Attribute) and f.attr == "stack" and \
        isinstance(f.value, gast.Name) and f.value.id == "np" and first_axis(e)
