"""Late pass ``floats`` (fourth part): an array adjoint that a loop only adds numbers into
by the element, its adds gathered in two lists and made after the loop.

The reverse sweep of a loop reading ``v[t]`` and ``v[t + 1]`` adds into ``dv[t]`` and
``dv[t + 1]`` every trip.  Where ``dv`` is an array all along (the forward also uses ``v``
whole, ``v[:-1]``, so it is no list of floats, :mod:`floats`), each add reads a NumPy
scalar and writes it back: ~10x two list appends.  Where every mention of ``dv`` inside
the loop is such an add (``dv = add_at(dv, None, i, e)`` of an int ``i``, or ``(i, j)`` of
a matrix, and a number ``e``) and ``dv`` is a float64 array, nothing in the loop reads it:
the positions and numbers are appended to two lists and ``add_items`` adds them after the
loop, in the loop's order (``np.add.at``: the same sums, rounded the same).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import gast

from s2sad.compiler import dims, dtypes
from s2sad.compiler.floats import element_at
from s2sad.compiler.names import Namer, call_named, copy_origin, load, set_origin
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import walk

_BLOCKS = ("body", "orelse", "finalbody")


def gathered(body: list, shapes: Callable[[], dims.Facts], kinds: Mapping[str, str],
             namer: Namer) -> list:
    """``body`` with such adds gathered (``kinds``: the values' dtypes, looked at only
    where a loop adds into an adjoint)."""
    if not any(_adds(s) for s in statement_nodes(body) if isinstance(s, (gast.For, gast.While))):
        return body
    made: list = []
    out = _block(body, shapes(), kinds, namer, made)
    return out if made else body


def _block(stmts: list, facts: dims.Facts, kinds: Mapping[str, str], namer: Namer,
           made: list) -> list:
    """``stmts`` with the loops' adds gathered, outer loops first (``made``: the
    statements put after loops)."""
    out: list = []
    for s in stmts:
        before: list = []
        after: list = []
        if isinstance(s, (gast.For, gast.While)):
            before, after = _gather(s, facts, kinds, namer)
            made += after
        for field in _BLOCKS:  # (what is left: a loop inside may gather it)
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                setattr(s, field, _block(inner, facts, kinds, namer, made))
        out += before + [s] + after
    return out


def _adds(loop: gast.stmt) -> dict[str, list[gast.Assign]]:
    """The loop's ``d = add_at(d, None, i, e)`` by ``d``."""
    out: dict[str, list[gast.Assign]] = {}
    for s in statement_nodes(loop.body):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and call_named(s.value, "add_at") and \
                len(s.value.args) == 4 and not s.value.keywords and \
                isinstance(s.value.args[0], gast.Name) and \
                s.value.args[0].id == s.targets[0].id and \
                isinstance(s.value.args[1], gast.Constant) and s.value.args[1].value is None:
            out.setdefault(s.targets[0].id, []).append(s)
    return out


def _gather(loop: gast.stmt, facts: dims.Facts, kinds: Mapping[str, str],
            namer: Namer) -> tuple[list, list]:
    """The statements to put before and after ``loop``, its adds replaced by appends."""
    before: list = []
    after: list = []
    replaced: dict[int, list] = {}
    for d, adds in _adds(loop).items():
        rank = facts.rank(d)
        if rank not in (1, 2) or not _only_adds(loop, d, len(adds)) or \
                kinds.get(d) != dtypes.F64 or \
                not all(element_at(s.value.args[2], rank, facts) is not None and
                        facts.of(s.value.args[3]) == () for s in adds):
            continue
        at, ts = namer.fresh(d + "_at"), namer.fresh(d + "_adds")
        before += [_empty(at, d), _empty(ts, d)]
        for s in adds:
            replaced[id(s)] = [copy_origin(_append(at, s.value.args[2], s), s),
                               _append(ts, s.value.args[3], s)]
        made = gast.Assign(targets=[gast.Name(id=d, ctx=gast.Store(), annotation=None,
                                              type_comment=None)],
                           value=gast.Call(func=load("add_items"),
                                           args=[load(d), load(at), load(ts)], keywords=[]),
                           type_comment=None)
        after.append(set_origin(made, f"the loop's adds into {d}, made at once"))
    if replaced:
        _replace(loop, replaced)
    return before, after


def _only_adds(loop: gast.stmt, d: str, n_adds: int) -> bool:
    """Every mention of ``d`` in the loop is one of its ``n_adds`` adds' (bound, read)."""
    return sum(1 for n in walk(loop) if isinstance(n, gast.Name) and n.id == d) == 2 * n_adds


def _empty(name: str, d: str) -> gast.stmt:
    return set_origin(gast.Assign(
        targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)],
        value=gast.List(elts=[], ctx=gast.Load()), type_comment=None),
        f"the loop's adds into {d}, gathered")


def _append(name: str, value: gast.expr, add: gast.Assign) -> gast.stmt:
    call = gast.Call(func=gast.Attribute(value=load(name), attr="append", ctx=gast.Load()),
                     args=[value], keywords=[])
    out = gast.Expr(value=call)
    gast.copy_location(out, add)
    return out


def _replace(node: gast.stmt, replaced: dict[int, list]) -> None:
    """Each statement of ``replaced`` in ``node``'s blocks, at any depth, by its list."""
    for field in (*_BLOCKS, "handlers"):
        inner = getattr(node, field, None)
        if not isinstance(inner, list):
            continue
        out: list = []
        for s in inner:
            if id(s) in replaced:
                out += replaced[id(s)]
            else:
                _replace(s, replaced)
                out.append(s)
        setattr(node, field, out)
