"""The definitions the shape facts of :mod:`dims` follow: every expression assigned to
a name, a ``range`` loop's counter (an int), and the values a tape pop restores (what
the pushes paired with it by ``s2sad_slot`` pushed at its place)."""
from __future__ import annotations

import gast

from s2sad.compiler.walks import walk_statements

COUNTER = gast.Constant(value=0, kind=None)  # a loop counter's definition: an int, no size


def definitions(body: list) -> dict[str, list]:
    """name -> the expressions assigned to it (``for t in range(..)``: a number);
    ``stack.pop()`` restores a value defined elsewhere: what the pushes paired with it
    (``s2sad_slot``) pushed at its place, else no information."""
    defs: dict[str, list] = {}
    pushed: dict[int, list] = {}
    pops: list = []
    for node in walk_statements(gast.Module(body=body, type_ignores=[])):
        slot = getattr(node, "s2sad_slot", None)
        if slot is not None and isinstance(node, gast.Assign):
            pops.append(node)
        elif slot is not None and isinstance(node, gast.Expr):
            pushed.setdefault(slot, []).append(node.value.args[0])
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name) and not _restores(node.value):
            defs.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, gast.Assign) and pops_last(node):
            pop_parts(node, defs)
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name) and \
                counts(node.iter):
            defs.setdefault(node.target.id, []).append(COUNTER)
    for pop in pops:
        popped(pop, pushed.get(pop.s2sad_slot, []), defs)
    return defs


def popped(pop: gast.Assign, pushes: list, defs: dict[str, list]) -> None:
    """The names a tuple pop binds defined by the items its pushes push there."""
    targets = pop.targets[0]
    if not pushes or len(pop.targets) != 1:
        return
    if isinstance(targets, gast.Name) and not any(isinstance(p, gast.Tuple) for p in pushes):
        _restored(targets.id, pushes, defs)
        return
    if not isinstance(targets, gast.Tuple):
        return
    if not all(isinstance(p, gast.Tuple) and len(p.elts) == len(targets.elts)
               for p in pushes):
        return
    for k, target in enumerate(targets.elts):
        if isinstance(target, gast.Name):
            _restored(target.id, [p.elts[k] for p in pushes], defs)


def _restored(name: str, pushed: list, defs: dict[str, list]) -> None:
    """``name`` popped holds one of ``pushed``; a push of ``name`` itself says nothing
    new (and the definitions of a name assigned once stay one)."""
    new = [p for p in pushed if not (isinstance(p, gast.Name) and p.id == name)]
    if new:
        defs.setdefault(name, []).extend(new)




def pops_last(node: gast.Assign) -> bool:
    """``d, last = list_pop_last(d_new, v)`` (the reverse of an append in place)."""
    t, v = node.targets[0], node.value
    return len(node.targets) == 1 and isinstance(t, gast.Tuple) and len(t.elts) == 2 and \
        all(isinstance(n, gast.Name) for n in t.elts) and isinstance(v, gast.Call) and \
        isinstance(v.func, gast.Name) and v.func.id == "list_pop_last" and len(v.args) == 2


def pop_parts(node: gast.Assign, defs: dict[str, list]) -> None:
    """What ``list_pop_last(d, v)`` gives: ``d[:-1]`` (the list popped, or the array
    cut) and ``d[-1]``."""
    rest, last = node.targets[0].elts
    d = node.value.args[0]
    cut = gast.Slice(lower=None, upper=gast.Constant(value=-1, kind=None), step=None)
    defs.setdefault(rest.id, []).append(gast.Subscript(value=d, slice=cut, ctx=gast.Load()))
    defs.setdefault(last.id, []).append(gast.Subscript(
        value=d, slice=gast.Constant(value=-1, kind=None), ctx=gast.Load()))


def _restores(value: gast.expr) -> bool:
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
        value.func.attr == "pop" and not value.args


def counts(it: gast.expr) -> bool:
    """``range(..)`` or ``reversed(range(..))``: the loop goes through ints."""
    while isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1:
        it = it.args[0]
    return isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
        it.func.id == "range"
