"""Late pass step of ``remade``: the value a remade chain ends in pushed, not its start.

:mod:`remade_tape` keeps ``e`` of ``e = np.exp(-a)`` and makes ``add = 1.0 + e`` and
``s = 1.0 / add`` again after the pop, because the adjoints read all three when it
runs.  Once the logistic's adjoint is written from ``s`` alone (``ds * s * (1 - s)``),
the reverse sweep reads ``e`` only to make ``s`` again: two passes over memory a
trip, in every gate of an LSTM or a GRU, where a person keeps ``s`` (an array of the
same shape as ``e``).  So where the statements right after a pop make again, from
popped arrays the reverse sweep reads nowhere else, values the forward sweep bound
with the same expressions, the push keeps those values instead and the statements go.

Done only where the made values are no more than the popped ones they replace and of
their shapes (elementwise arithmetic of popped arrays and literals), each made value
and each operand is bound once in the forward loop's trip before the push and changed
by nothing after (the value pushed is the one the reverse sweep would make: the same
operation on the same arrays), and the names popped and pushed are the same.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dims, tape
from s2sad.compiler.names import load, store, written_names
from s2sad.compiler.walks import name_nodes, same

_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def keep_results(pops: dict, pushes: dict, blocks: dict,
                 shapes: Callable[[], dims.Facts]) -> bool:
    """Each pop whose following statements only make again values its push could keep
    pushes those values; whether one changed (``blocks``: statement id -> (its block,
    its index), as :func:`remade_tape._blocks` finds them)."""
    changed = False
    for slot, pop in pops.items():
        paired = pushes.get(slot, [])
        if len(paired) == 1 and id(paired[0]) in blocks and id(pop) in blocks and \
                _keep(paired[0], pop, blocks, shapes):
            changed = True
    return changed


def _keep(push: gast.Expr, pop: gast.Assign, blocks: dict,
          shapes: Callable[[], dims.Facts]) -> bool:
    items, targets = tape.items_of(push.value.args[0]), tape.items_of(pop.targets[0])
    if not (all(isinstance(e, gast.Name) for e in items + targets) and
            [e.id for e in items] == [t.id for t in targets]):
        return False
    block, at = _where(pop, blocks)
    popped = {t.id for t in targets}
    made = _made_run(block, at + 1, popped)
    if not made:
        return False
    rest = block[:at] + block[at + 1 + len(made):]
    read_after = {n.id for n in name_nodes(rest) if isinstance(n.ctx, gast.Load)}
    inputs = {n.id for s in made for n in name_nodes(s.value)} & popped
    results, left = _results(made, read_after)
    dropped = [s for s in made if s not in left]
    if not results or inputs & read_after or len(results) > len(inputs) or \
            set(results) & popped or not _forward_twins(push, dropped, blocks):
        return False
    if len(inputs) > 1 and not _same_shapes(inputs, results, shapes()):
        return False
    names = [e.id for e in items if e.id not in inputs] + results
    push.value.args[0] = _items(names, load)
    pop.targets[0] = _items(names, store)
    block[at + 1:at + 1 + len(made)] = left
    return True


def _results(made: list[gast.Assign], read_after: set[str]
             ) -> tuple[list[str], list[gast.Assign]]:
    """(the made values to push, the statements still made after the pop: those the
    sweep reads that one operation makes from pushed values alone, ``1 - s`` of ``s``),
    or no values where a statement left would read a value no longer made."""
    results: list[str] = []
    left: list[gast.Assign] = []
    for s in made:
        name = s.targets[0].id
        if name not in read_after:
            continue
        operands = {n.id for n in name_nodes(s.value)}
        if operands <= set(results) | {t.targets[0].id for t in left}:
            left.append(s)
        else:
            results.append(name)
    return results, left


def _items(names: list[str], make: Callable[[str], gast.Name]) -> gast.expr:
    """A push's value or a pop's target: one name, or a tuple of them."""
    if len(names) == 1:
        return make(names[0])
    ctx = gast.Load() if make is load else gast.Store()
    return gast.Tuple(elts=[make(n) for n in names], ctx=ctx)


def _where(s: gast.stmt, blocks: dict) -> tuple[list, int]:
    block = blocks[id(s)][0]
    return block, next(i for i, t in enumerate(block) if t is s)


def _made_run(block: list, start: int, popped: set[str]) -> list[gast.Assign]:
    """The statements from ``start`` on that bind a name, once, to elementwise arithmetic
    of literals, popped names and names bound earlier in the run."""
    run: list[gast.Assign] = []
    known = set(popped)
    for s in block[start:]:
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and _elementwise(s.value) and
                {n.id for n in name_nodes(s.value)} <= known and
                s.targets[0].id not in known):
            break
        run.append(s)
        known.add(s.targets[0].id)
    return run


def _elementwise(e: gast.expr) -> bool:
    if isinstance(e, gast.BinOp):
        return isinstance(e.op, _OPS) and _elementwise(e.left) and _elementwise(e.right)
    if isinstance(e, gast.UnaryOp):
        return isinstance(e.op, gast.USub) and _elementwise(e.operand)
    if isinstance(e, gast.Constant):
        return type(e.value) in (int, float)
    return isinstance(e, gast.Name)


def _forward_twins(push: gast.Expr, made: list[gast.Assign], blocks: dict) -> bool:
    """Each made statement is one the forward trip ran before the push, bound once in
    the trip, its operands and its name changed by no statement between it and the push
    nor after it (the value pushed is the one made again)."""
    block, at = _where(push, blocks)
    for s in made:
        name = s.targets[0].id
        binds = [i for i, t in enumerate(block) if name in written_names(t) or
                 _binds_inside(t, name)]
        if len(binds) != 1 or binds[0] >= at:
            return False
        twin = block[binds[0]]
        if not (isinstance(twin, gast.Assign) and same(twin.value, s.value)):
            return False
        operands = {n.id for n in name_nodes(s.value)}
        if any((written_names(t) | _bound_inside(t)) & operands
               for t in block[binds[0] + 1:]):
            return False
    return True


def _binds_inside(s: gast.stmt, name: str) -> bool:
    return name in _bound_inside(s)


def _bound_inside(s: gast.stmt) -> set[str]:
    """Names a compound statement (a loop, an ``if``) binds or writes in its blocks."""
    found: set[str] = set()
    for part in ("body", "orelse", "finalbody"):
        for t in getattr(s, part, None) or ():
            if isinstance(t, gast.stmt):
                found |= written_names(t) | _bound_inside(t)
    if isinstance(s, gast.For):
        found |= {n.id for n in name_nodes(s.target)}
    return found


def _same_shapes(inputs: set[str], results: list[str], facts: dims.Facts) -> bool:
    """Every result shaped like an input (known shapes): no more memory kept."""
    known = [facts.of(load(n)) for n in sorted(inputs)]
    if not all(isinstance(s, tuple) and dims.known(s) for s in known):
        return False
    return all(facts.of(load(r)) in known for r in results)
