"""The last late pass: ``del`` each value after the statement that last uses it.

Without it a large intermediate lives until the function returns, and the last
iteration's temporaries of a loop outlive the loop.  Run once, after every other
pass, from liveness over the structured statements: a name is deleted after a
statement that reads or stores it when no later statement may read it, where the
same block bound it for certain (a plain assignment of that block, or one both
branches of an ``if`` make) and it may hold an array; one ``del`` per user line, but
in a line that takes more than ``LONG`` statements (a long expression's adjoint) after
each statement where values die: otherwise every temporary of the line is alive at
its end, and the memory the function asks for grows by all of them (new pages, each
a fault to serve, on every call).
Not where it frees nothing: a value whose last use copies it to another name, pushes
it on the tape or packs it into a tuple, a value a loop left on the tape, a branch
flag, right before ``return`` (the frame goes anyway), after ``break``; nor a loop's
own temporaries inside it (the next trip binds them again: one trip's worth of
memory, freed there, is what a person writing the loop accepts).
"""
from __future__ import annotations

import gast

from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import origin
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes, parent_map

_ENDS = (gast.Return, gast.Break, gast.Continue, gast.Raise)
LONG = 4  # statements of one user line past which its values are deleted as they die


def free(body: list, keep: set[str]) -> list:
    """``keep``: names never deleted (parameters, names known to hold numbers)."""
    after: dict[int, frozenset] = {}
    live_after(body, after)
    return _free(body, after, keep | _flags(body) | _small(body), top=True)


def _free(block: list, after: dict[int, frozenset], keep: set[str], top: bool) -> list:
    """One ``del`` per user line at most: what dies in the statements of one line (one
    origin comment) is deleted after the last of them, or before a loop or a statement
    that binds the name again."""
    bound: set[str] = set()
    pending: list[str] = []
    out: list = []
    on_tape: set[str] = set()
    long = _long_lines(block)
    for s in block:
        compound = isinstance(s, (gast.If, gast.For, gast.While))
        if pending and (compound or origin(s) != origin(out[-1]) or _stores(s) & set(pending)
                        or isinstance(s, _ENDS) or id(s) in long):
            out.append(_delete(pending) if not isinstance(s, gast.Return) else None)
            pending = []
        found = None
        if compound:
            inner = keep | _stored_in(s) if isinstance(s, (gast.For, gast.While)) else keep
            s.body = _free(s.body, after, inner, top=False)
            s.orelse = _free(s.orelse, after, inner, top=False)
            found = list(nodes(s))  # (its dels, then its names: one walk)
            bound -= {t.id for n in found if isinstance(n, gast.Delete)  # freed in there:
                      for t in n.targets if isinstance(t, gast.Name)}  # maybe unbound
        out.append(s)
        binds = _binds(s)
        on_tape = on_tape - binds | _pushed_at_end(s)
        bound |= binds
        uses = _uses(s) if found is None else {n.id for n in found if isinstance(n, gast.Name)}
        dead = sorted(n for n in uses & bound - _held(s) - on_tape if n not in keep
                      and n not in after.get(id(s), ()))
        if not isinstance(s, _ENDS):
            pending += dead
            bound -= set(dead)
    if pending and not top:
        out.append(_delete(pending))
    return [s for s in out if s is not None]


def _long_lines(block: list) -> set[int]:
    """The statements of ``block`` in a run of more than ``LONG`` plain statements from
    one user line (by id)."""
    out: set[int] = set()
    run: list = []
    for s in [*block, None]:
        if run and (s is None or isinstance(s, (gast.If, gast.For, gast.While)) or
                    origin(s) != origin(run[0])):
            if len(run) > LONG:
                out |= {id(t) for t in run}
            run = []
        if s is not None and not isinstance(s, (gast.If, gast.For, gast.While)):
            run.append(s)
    return out


def _delete(names: list[str]) -> gast.Delete:
    return gast.Delete(targets=[gast.Name(id=n, ctx=gast.Del(), annotation=None,
                                          type_comment=None) for n in sorted(names)])


def _stores(s: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes(s) if isinstance(n.ctx, gast.Store)} \
        if not isinstance(s, (gast.For, gast.While)) else set()


def _binds(s: gast.stmt) -> set[str]:
    """Names an assignment binds for certain (an ``if``: names both branches assign)."""
    if isinstance(s, gast.If):
        return _bound_at_end(s.body) & _bound_at_end(s.orelse)
    if not isinstance(s, gast.Assign):
        return set()
    return {n.id for t in s.targets for n in name_nodes(t)
            if isinstance(n.ctx, gast.Store)}


def _bound_at_end(block: list) -> set[str]:
    bound: set[str] = set()
    for s in block:
        if isinstance(s, gast.Delete):
            bound -= {t.id for t in s.targets if isinstance(t, gast.Name)}
        else:
            bound |= _binds(s)
    return bound


def _stored_in(loop: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes(loop.body) if isinstance(n.ctx, gast.Store)}


def _pushed_at_end(s: gast.stmt) -> set[str]:
    """Names a loop pushes after their last binding in its body: after the loop the name
    and the tape hold the same value (deleting the name frees nothing)."""
    if not isinstance(s, (gast.For, gast.While)):
        return set()
    pushed: set[str] = set()
    for inner in s.body:
        pushed -= _binds(inner)
        if _is_push(inner):
            pushed |= _held(inner)
    return pushed


def _is_push(s: gast.stmt) -> bool:
    return isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) and \
        isinstance(s.value.func, gast.Attribute) and s.value.func.attr == "append"


def _uses(s: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes(s)}


def _held(s: gast.stmt) -> set[str]:
    """Names whose value ``s`` keeps a reference to (a copy, a push, a tuple)."""
    value = s.value if isinstance(s, (gast.Assign, gast.Expr)) else None
    if isinstance(value, gast.Name):
        return {value.id}
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            value.func.attr == "append":
        return {a.id for a in value.args if isinstance(a, gast.Name)}
    if isinstance(value, (gast.Tuple, gast.List)):
        return {e.id for e in value.elts if isinstance(e, gast.Name)}
    return set()


def _flags(body: list) -> set[str]:
    """Names tested by ``if`` or ``while``: numbers (an array has no truth value)."""
    return {n.test.id for n in statement_nodes(body) if isinstance(n, (gast.If, gast.While))
            and isinstance(n.test, gast.Name)}


def _small(body: list) -> set[str]:
    """Names whose memory is nothing to free: counters (``n = 0``, ``n = n + 1``),
    shapes, and the tape (only pushed to and popped from: empty once the reverse sweep is done)."""
    values: dict[str, list] = {}
    read: list[gast.Name] = []
    seen: set[int] = set()
    count = 0
    tape: set[int] = set()  # the names read as ``name.append`` or ``name.pop``
    for n in nodes_of(body, (gast.Name, gast.Assign, gast.Attribute)):
        cls = n.__class__
        if cls is gast.Name:
            seen.add(id(n))
            count += 1
            if n.ctx.__class__ is gast.Load:
                read.append(n)
        elif cls is gast.Assign:
            for target in n.targets:
                if isinstance(target, gast.Name):
                    values.setdefault(target.id, []).append(n.value)
        elif cls is gast.Attribute and n.attr in ("append", "pop"):
            tape.add(id(n.value))
    if len(seen) == count:  # (each name node in one place: its holder is the one seen)
        other_use = {n.id for n in read if id(n) not in tape}
    else:  # (a name node held in two places: the holder is the last one, as parent_map)
        parents = parent_map(body)
        other_use = {n.id for n in read if not (
            isinstance(up := parents.get(id(n)), gast.Attribute) and
            up.attr in ("append", "pop"))}
    return {name for name, vs in values.items() if all(_counted(name, v) for v in vs) or
            name not in other_use and all(isinstance(v, gast.List) and not v.elts
                                          for v in vs)}


def _counted(name: str, value: gast.expr) -> bool:
    """A number (``n = 0``, ``n = n + 1``) or a shape (``np.shape(x)``: a few ints)."""
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            value.func.attr == "shape" or isinstance(value, gast.Call) and \
            isinstance(value.func, gast.Name) and value.func.id == "shape_of":
        return True
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (int, float))
    return isinstance(value, gast.BinOp) and isinstance(value.left, gast.Name) and \
        value.left.id == name and isinstance(value.right, gast.Constant)
