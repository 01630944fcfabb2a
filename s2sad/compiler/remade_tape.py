"""Late pass ``remade``: an array the tape holds that one arithmetic operation makes
from other values the reverse sweep has is made again there, not kept.

A loop's tape holds every value its adjoints read, for every trip: ``sub = t - t0``,
``add = 1.0 + e``, ``sq = d * d`` of a vector, each an array as long as the data.
The memory the gradient asks for then grows by one array per value per trip, and it
is handed back and asked for again on every call (a page fault per page).  A person
writing the gradient keeps ``e`` and computes ``1.0 + e`` again where it is needed:
one pass over memory it was about to make anyway.

Done for an item ``v`` of a push, bound by ``v = e`` earlier in the push's own block
(no statement between binding it again, nor writing into it), ``e`` arithmetic (``+ -
* /``, negation) of numeric literals, the function's parameters (generated code never
binds them again nor writes into them) and names no statement between binds or writes
into: each such name is another item of the push, or pushed beside it (a number, an
array of fewer elements than ``v``, or a view of a parameter: little to keep).  The pop
then binds the operands and ``v = e`` is made again right after it (inside an ``if``
whose one branch alone reads ``v``, where that is its first reader: a rejected step's
values are not made).  The same operation on the same values gives the
same numbers, bit for bit.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import gast

from s2sad.compiler import dims, tape
from s2sad.compiler.names import Namer, assign, load, store, written_names
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes, nodes

MAX_NODES = 15  # a few operations: cheaper than an array kept per trip
FEW = 16  # numbers in an operand kept beside the tape's arrays whatever their shape
_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def remake(body: list, params: set[str], facts: Callable[[], dims.Facts],
           namer: Namer) -> bool:
    """Each provable item of each push made again after its pop; whether one was
    (``facts``: the shape facts, worked out when a pushed value is arithmetic)."""
    pops, pushes = tape.pairs(body)
    if not pops or not any(_cheap(v) for v in _pushed_values(body, pushes)):
        return False
    shapes = facts()
    blocks = blocks_of(body)
    rebound = _written_anywhere(body)
    changed = False
    try:
        for slot, pop in pops.items():
            paired = pushes.get(slot, [])
            if len(paired) == 1 and id(paired[0]) in blocks and id(pop) in blocks:
                if _remake_slot(paired[0], pop, blocks, params - rebound, shapes, namer):
                    changed = True
                    _TOUCHED.clear()  # (the blocks holding the pop have grown)
    finally:
        _TOUCHED.clear()
    return changed


def _pushed_values(body: list, pushes: dict) -> list:
    """The values assigned to the names the pushes push (a first look: is there any
    arithmetic to make again at all?)."""
    names = {e.id for ps in pushes.values() for p in ps
             for e in getattr(p.value.args[0], "elts", ()) if isinstance(e, gast.Name)}
    return [s.value for s in statement_nodes(body) if isinstance(s, gast.Assign) and
            len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
            s.targets[0].id in names and (isinstance(s.value, (gast.BinOp, gast.UnaryOp))
                                          or _transposed(s.value))]


def blocks_of(body: list) -> dict[int, tuple[list, int]]:
    """id of each statement -> (its block, its index)."""
    found: dict[int, tuple[list, int]] = {}

    def visit(block: list) -> None:
        for i, s in enumerate(block):
            found[id(s)] = (block, i)
            for part in ("body", "orelse", "finalbody"):
                inner = getattr(s, part, None)
                if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                    visit(inner)
    visit(body)
    return found


def _where(s: gast.stmt, blocks: dict) -> tuple[list, int]:
    """The block of ``s`` and its index there now (statements made again before it
    since the blocks were found move it down)."""
    block = blocks[id(s)][0]
    return block, next(i for i, t in enumerate(block) if t is s)


def _written_anywhere(body: list) -> set[str]:
    """Names some statement binds or writes into (a parameter among them is not kept
    as it came)."""
    out: set[str] = set()
    for n in statement_nodes(body):  # (no expression binds a name: none looked into)
        if isinstance(n, (gast.Assign, gast.AugAssign)):
            out |= written_names(n)
        elif isinstance(n, (gast.For, gast.Delete)):
            out |= {m.id for m in name_nodes(n.target if isinstance(n, gast.For)
                                             else n.targets)}
    return out


def _remake_slot(push: gast.Expr, pop: gast.Assign, blocks: dict, params: set[str],
                 shapes: dims.Facts, namer: Namer) -> bool:
    items, targets = push.value.args[0], pop.targets[0]
    if not (isinstance(items, gast.Tuple) and isinstance(targets, gast.Tuple) and
            len(items.elts) == len(targets.elts) and
            all(isinstance(t, gast.Name) for t in targets.elts)):
        return False
    block, at = _where(push, blocks)
    popped = {e.id: t.id for e, t in zip(items.elts, targets.elts) if isinstance(e, gast.Name)}
    made: list[tuple[str, gast.expr]] = []  # (the pop's name, its expression over pops)
    extra: dict[str, str] = {}  # a name pushed beside -> the name its pop binds
    dropped: set[str] = set()
    for i in _definitions_in_order(block, at, popped):
        name = block[i].targets[0].id
        value = _remade(block[i].value, block[i + 1:at], name, popped, dropped, extra,
                        params, shapes, namer)
        if value is not None:
            made.append((popped[name], value))
            dropped.add(name)
    if not made:
        return False
    kept = [(e, t) for e, t in zip(items.elts, targets.elts)
            if not (isinstance(e, gast.Name) and e.id in dropped)]
    kept += [(load(name), store(bound)) for name, bound in extra.items()]
    items.elts = [e for e, _ in kept]
    targets.elts = [t for _, t in kept]
    _place(pop, blocks, [assign(name, value, pop) for name, value in made])
    return True


def _definitions_in_order(block: list, at: int, popped: dict[str, str]) -> list[int]:
    """Indices of the statements of ``block`` before ``at`` that last bind a pushed name
    (``v = e``, nothing between binding or writing into ``v``), in order."""
    found = []
    pending = set(popped)
    for i in range(at - 1, -1, -1):
        s = block[i]
        touched = _touched(s) & pending
        if not touched:
            continue
        pending -= touched
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and touched == {s.targets[0].id}:
            found.append(i)
    return found[::-1]


_TOUCHED: dict[int, tuple[gast.stmt, set[str]]] = {}  # (one pass's look-ups: see remake)


def _touched(s: gast.stmt) -> set[str]:
    """Names ``s`` (or a statement inside it) binds or writes into (remembered while one
    pass runs: the walks back from each push cross the same statements)."""
    found = _TOUCHED.get(id(s))
    if found is None or found[0] is not s:
        found = _TOUCHED[id(s)] = (s, _written_anywhere([s]))
    return found[1]


def _remade(e: gast.expr, between: list, name: str, popped: dict[str, str],
            dropped: set[str], extra: dict[str, str], params: set[str],
            shapes: dims.Facts, namer: Namer) -> gast.expr | None:
    """``e`` over the names the pop binds, or None where it may not be made again."""
    shape = shapes.of(load(name))
    if not (isinstance(shape, tuple) and shape and dims.known(shape)) or \
            _few(name, shapes) or \
            not _cheap(e) or sum(1 for _ in nodes(e)) > MAX_NODES:
        return None
    changed = _written_anywhere(between)
    renames: dict[str, str] = {}
    wanted: dict[str, str] = {}
    for n in name_nodes(e):
        w = n.id
        if w in params and w not in popped:
            continue
        if w in changed or w == name:  # (``x = x * 1.5 - 0.3`` reads the x before: the
            return None  # pop has the x after, the reverse sweep not the one before)
        if w in popped:
            renames[w] = popped[w]
        elif w in extra:
            renames[w] = extra[w]
        elif _small(w, shape, shapes):
            renames[w] = wanted.setdefault(w, namer.fresh(w + "_at"))
        else:
            return None
    extra.update(wanted)
    out = clone(e)
    for n in name_nodes(out):
        n.id = renames.get(n.id, n.id)
    return out


def _cheap(e: gast.expr) -> bool:
    """Arithmetic of names, numeric literals, items read at a literal (``p[2]``) and
    views (``x[:, None]``, ``x.T``)."""
    if isinstance(e, gast.BinOp):
        return isinstance(e.op, _OPS) and _cheap(e.left) and _cheap(e.right)
    if isinstance(e, gast.UnaryOp):
        return isinstance(e.op, gast.USub) and _cheap(e.operand)
    if isinstance(e, gast.Constant):
        return type(e.value) in (int, float)
    if isinstance(e, gast.Subscript):
        return isinstance(e.value, gast.Name) and _view_index(e.slice)
    return isinstance(e, gast.Name) or _transposed(e)


def _transposed(e: gast.expr) -> bool:
    """``x.T`` of a name: a view, made again for nothing."""
    return isinstance(e, gast.Attribute) and e.attr == "T" and isinstance(e.value, gast.Name)


def _view_index(i: gast.expr) -> bool:
    """An index that reads an item or makes a view: ``2``, ``:``, ``None``, ``(:, None)``."""
    if isinstance(i, gast.Tuple):
        return all(_view_index(x) and not isinstance(x, gast.Tuple) for x in i.elts)
    if isinstance(i, gast.Slice):
        return i.lower is None and i.upper is None and i.step is None
    return isinstance(i, gast.Constant) and (type(i.value) is int or i.value is None)


def _small(w: str, shape: tuple, shapes: dims.Facts) -> bool:
    """Keeping ``w`` costs less than an array of ``shape``: a number or a few, or an array
    whose known shape broadcasts to ``shape`` with an axis fewer or a length 1 for a longer."""
    s = shapes.of(load(w))
    if not isinstance(s, tuple) or not dims.known(s) or len(s) > len(shape):
        return False
    if _few(w, shapes):
        return True  # (a number, or a handful: ``trial`` of ``trial[0] / add``)
    padded = (1,) * (len(shape) - len(s)) + s
    return padded != shape and all(a == b or a == 1 for a, b in zip(padded, shape))


def _few(w: str, shapes: dims.Facts) -> bool:
    """``w`` is a number or a handful of numbers of any rank (a 3 x 3 matrix): keeping it
    costs less than making it again from operands kept in its place."""
    s = shapes.of(load(w))
    return isinstance(s, tuple) and all(type(d) is int for d in s) and math.prod(s) <= FEW


def _place(pop: gast.Assign, blocks: dict, made: list[gast.Assign]) -> None:
    """The remade values put right after ``pop`` (the adjoint statements after it stay
    together, for the passes that join them), or into the one branch of an ``if`` that
    alone reads them where that ``if`` is their first reader (a rejected step's values
    are not made)."""
    block, at = _where(pop, blocks)
    names = {s.targets[0].id for s in made}
    operands = {n.id for s in made for n in name_nodes(s.value)}
    for i in range(at + 1, len(block)):
        s = block[i]
        if _written_anywhere([s]) & (operands | names):
            break  # (an operand bound again first: made right after the pop)
        if not _reads(s, names):
            continue
        if isinstance(s, gast.If) and not _reads_expr(s.test, names):
            body, orelse = _reads(s.body, names), _reads(s.orelse, names)
            if body != orelse:
                branch = s.body if body else s.orelse
                branch[0:0] = made
                return
        break
    block[at + 1:at + 1] = made


def _reads(s: gast.stmt | list, names: set[str]) -> bool:
    return any(isinstance(n.ctx, gast.Load) and n.id in names for n in name_nodes(s))


def _reads_expr(e: gast.expr, names: set[str]) -> bool:
    return any(n.id in names for n in name_nodes(e))
