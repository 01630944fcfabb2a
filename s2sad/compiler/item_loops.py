"""Part of stage 3a (desugar): a loop over a list of arrays made in the function that
writes the item it is at in place, ``for p, g in zip(params, grads): p -= lr * g`` (an
optimiser's step), ``for s in states: s *= 2``, made to write through the list:
``for k, (p, g) in enumerate(zip(params, grads)): params[k] -= lr * g; p = params[k]``.
Python does the same (the list's item is the object ``p`` names: the item written and
stored back is the same object), and the alias stage models a write into a list's item,
not a write through a second name of it (was refused: ``p`` shares its memory with
``params``).  Only where the rewrite is what Python does: every binding of the list is a
list display or comprehension whose items are surely mutable (``w.copy()``,
``np.zeros(...)``, ``np.array(...)``: ``p *= 2`` changes them in place; a number's would
rebind ``p`` alone), the loop binds the item to a name it does not bind again, and does
not bind the list.
"""
from __future__ import annotations

import gast

from s2sad.compiler.names import Namer, load
from s2sad.compiler.node_scans import contains
from s2sad.compiler.walks import walk

# np.<name>(...) that makes a new array (augmented assignment changes it in place)
_MAKERS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
           "full_like", "array", "copy", "eye", "identity", "arange", "linspace"}


def through_items(node: gast.FunctionDef, namer: Namer) -> None:
    """Rewrite the loops of ``node`` (in place) as the module's docstring says (no walk
    of every binding where there is no loop or no list display: most functions)."""
    if not contains(node, (gast.For,)) or not contains(node, (gast.List, gast.ListComp)):
        return
    lists = _lists_of_arrays(node)
    if not lists:
        return
    for s in list(walk(node)):
        if isinstance(s, gast.For):
            _rewrite(s, lists, namer, node)


def _lists_of_arrays(node: gast.FunctionDef) -> dict[str, bool]:
    """Locals every binding of which is a list display or comprehension -> whether its
    items are surely mutable too."""
    params = {a.id for a in node.args.args + node.args.kwonlyargs}
    good: dict[str, tuple[bool, bool]] = {}
    for n in walk(node):
        targets = n.targets if isinstance(n, gast.Assign) else \
            [n.target] if isinstance(n, (gast.AugAssign, gast.AnnAssign, gast.For)) else []
        for t in targets:
            for name in (e for e in walk(t) if isinstance(e, gast.Name)):
                listed = isinstance(n, gast.Assign) and t is name and \
                    isinstance(n.value, (gast.List, gast.ListComp))
                mutable = listed and _list_of_arrays(n.value)
                was = good.get(name.id, (True, True))
                good[name.id] = (was[0] and listed, was[1] and mutable)
    return {name: ok[1] for name, ok in good.items() if ok[0] and name not in params}


def _list_of_arrays(value: gast.expr) -> bool:
    if isinstance(value, gast.ListComp):
        return _mutable(value.elt)
    return isinstance(value, gast.List) and bool(value.elts) and \
        all(_mutable(e) for e in value.elts)


def _mutable(e: gast.expr) -> bool:
    """``w.copy()``, ``np.zeros(n)``, ``np.array(x)``: a new array (or list, dict)."""
    if not isinstance(e, gast.Call) or not isinstance(e.func, gast.Attribute):
        return False
    if e.func.attr == "copy" and not e.args and not e.keywords:
        return True
    return isinstance(e.func.value, gast.Name) and e.func.value.id in ("np", "numpy") and \
        e.func.attr in _MAKERS


def _rewrite(loop: gast.For, lists: dict[str, bool], namer: Namer,
             function: gast.FunctionDef) -> None:
    found = _item_and_list(loop)
    if found is None:
        return
    item, listed, at = found
    zipped = _zipped(loop, lists)
    if not lists.get(listed) or not _written_in_place(loop.body, item) or zipped is None or \
            _binds(loop.body, {item, listed, *zipped} | ({at} if at else set())) or \
            any(isinstance(n, gast.If) and _read_as_value(n, item) for st in loop.body
                for n in walk(st)):  # (see below)
        return
    if zipped:  # for p, g in zip(L, G): for k in range(min(len(L), len(G))): p = L[k] ...
        at = namer.fresh("k")
        _as_index_loop(loop, at)
    elif at is None:
        at = namer.fresh("k")
        loop.target = gast.Tuple(elts=[gast.Name(id=at, ctx=gast.Store(), annotation=None,
                                                 type_comment=None), loop.target],
                                 ctx=gast.Store())
        loop.iter = gast.copy_location(gast.Call(func=load("enumerate"), args=[loop.iter],
                                                 keywords=[]), loop.iter)
    outside = _count_reads(function, item) > _count_reads(loop, item)  # (p after the loop)
    loop.body = _through(loop.body, item, listed, at, outside)


def _zipped(loop: gast.For, lists: dict[str, bool]) -> list[str] | None:
    """The lists zipped with the list written (none for a loop over it or its
    enumerate), or None where one of them is not a list made here, or is changed in the
    loop (by a method: ``G.append``)."""
    it = loop.iter
    if not (isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and
            it.func.id == "zip"):
        return []
    names = [a.id for a in it.args[1:] if isinstance(a, gast.Name)]
    called = {n.func.value.id for s in loop.body for n in walk(s) if isinstance(n, gast.Call)
              and isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name)}
    if len(names) != len(it.args) - 1 or any(n not in lists or n in called for n in names):
        return None
    return names


def _as_index_loop(loop: gast.For, at: str) -> None:
    """``for p, g in zip(L, G)`` as ``for k in range(min(len(L), len(G))): p = L[k];
    g = G[k]`` (every zipped value a list made here: its items by position)."""
    lists = [a.id for a in loop.iter.args]
    lengths = [gast.Call(func=load("len"), args=[load(n)], keywords=[]) for n in lists]
    loop.iter = gast.copy_location(gast.Call(func=load("range"), args=[gast.Call(
        func=load("min"), args=lengths, keywords=[]) if len(lengths) > 1 else lengths[0]],
        keywords=[]), loop.iter)
    items = loop.target.elts
    loop.target = gast.Name(id=at, ctx=gast.Store(), annotation=None, type_comment=None)
    loop.body = [gast.copy_location(gast.Assign(
        targets=[gast.Name(id=e.id, ctx=gast.Store(), annotation=None, type_comment=None)],
        value=gast.Subscript(value=load(n), slice=load(at), ctx=gast.Load()),
        type_comment=None), loop) for e, n in zip(items, lists)] + loop.body


def _item_and_list(loop: gast.For) -> tuple[str, str, str | None] | None:
    """(the item's name, the list's, the index's name if the loop has one) of
    ``for p in L``, ``for p, g in zip(L, ...)``, ``for i, p in enumerate(L)``."""
    t, it = loop.target, loop.iter
    if isinstance(t, gast.Name) and isinstance(it, gast.Name):
        return t.id, it.id, None
    if not (isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and it.args and
            not it.keywords and isinstance(t, gast.Tuple) and
            all(isinstance(e, gast.Name) for e in t.elts)):
        return None
    first = it.args[0]
    if it.func.id == "zip" and len(t.elts) == len(it.args) and isinstance(first, gast.Name) \
            and not any(isinstance(a, gast.Starred) for a in it.args):
        return t.elts[0].id, first.id, None
    if it.func.id == "enumerate" and len(it.args) == 1 and len(t.elts) == 2 and \
            isinstance(first, gast.Name):
        return t.elts[1].id, first.id, t.elts[0].id
    return None


def _written_in_place(body: list, item: str) -> bool:
    return any(isinstance(s, gast.AugAssign) and _root(s.target) == item or
               isinstance(s, gast.Assign) and any(
                   isinstance(t, gast.Subscript) and _root(t) == item for t in s.targets)
               for s in _statements(body))


def _binds(body: list, names: set[str]) -> bool:
    """Does ``body`` bind one of ``names`` (a write into it, ``p[i] = v`` or ``p -= v``
    of a mutable ``p``, is no binding), or define a function or lambda (which may read
    the item later)?"""
    found = [n for s in body for n in walk(s)]
    in_place = {id(n.target) for n in found if isinstance(n, gast.AugAssign)}  # (p -= v)
    for n in found:
        if isinstance(n, (gast.FunctionDef, gast.Lambda)):
            return True
        if isinstance(n, gast.Name) and n.id in names and isinstance(n.ctx, gast.Store) \
                and id(n) not in in_place:
            return True
    return False


def _statements(body: list) -> list:
    return [n for s in body for n in walk(s) if isinstance(n, gast.stmt)]


def _root(target: gast.expr) -> str | None:
    while isinstance(target, (gast.Subscript, gast.Attribute)):
        target = target.value
    return target.id if isinstance(target, gast.Name) else None


def _through(body: list, item: str, listed: str, at: str, later: bool) -> list:
    """Each in-place write to ``item`` made to ``listed[at]``, ``item`` bound again to
    the item where it is read after (``later``: after this block)."""
    out = []
    for j, s in enumerate(body):
        after = later or any(_reads(st, item) for st in body[j + 1:])
        for block in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                again = after or not isinstance(s, gast.If) and _reads(s, item)
                setattr(s, block, _through(getattr(s, block), item, listed, at, again))
        writes = isinstance(s, gast.AugAssign) and _root(s.target) == item or \
            isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Subscript) and _root(s.targets[0]) == item
        if not writes:
            out.append(s)
            continue
        at_item = gast.Subscript(value=load(listed), slice=load(at), ctx=gast.Store())
        if isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Name):
            s.target = gast.copy_location(at_item, s.target)  # p -= v: L[k] -= v
        else:  # p[i] = v, p[i] += v: L[k][i] = v
            _ItemAt(item, listed, at).visit(s.target if isinstance(s, gast.AugAssign)
                                            else s.targets[0])
        out.append(s)
        if after:
            out.append(gast.copy_location(gast.Assign(
                targets=[gast.Name(id=item, ctx=gast.Store(), annotation=None,
                                   type_comment=None)],
                value=gast.Subscript(value=load(listed), slice=load(at), ctx=gast.Load()),
                type_comment=None), s))
    return out


def _read_as_value(node: gast.AST, item: str) -> bool:
    """Is ``item`` read in ``node`` other than as what a write changes (``p[i] = v``,
    ``p -= v``: written through the list instead)?"""
    targets = [t for n in walk(node) for t in (
        [n.target] if isinstance(n, gast.AugAssign) else
        n.targets if isinstance(n, gast.Assign) else [])]
    written = {id(e) for t in targets if _root(t) == item for e in walk(t)
               if isinstance(e, gast.Name)}
    return any(isinstance(n, gast.Name) and n.id == item and isinstance(n.ctx, gast.Load)
               and id(n) not in written for n in walk(node))


def _count_reads(node: gast.AST, name: str) -> int:
    """Reads of ``name`` in ``node``, those of a comprehension binding its own
    ``name`` (``sum(v for p in ps)``) left out."""
    found = list(walk(node))
    own = [n for n in found if isinstance(n, (gast.ListComp, gast.GeneratorExp, gast.SetComp,
                                              gast.DictComp)) and
           any(isinstance(e, gast.Name) and e.id == name for g in n.generators
               for e in walk(g.target))]
    shadowed = {id(e) for c in own for e in walk(c)}
    return sum(1 for n in found if isinstance(n, gast.Name) and n.id == name and
               isinstance(n.ctx, gast.Load) and id(n) not in shadowed)


def _reads(st: gast.stmt, name: str) -> bool:
    return any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load)
               for n in walk(st))


class _ItemAt(gast.NodeTransformer):
    """The item's name in a write target read as ``listed[at]``."""

    def __init__(self, item: str, listed: str, at: str) -> None:
        self.item, self.listed, self.at = item, listed, at

    def visit_Subscript(self, n: gast.Subscript) -> gast.AST:
        if isinstance(n.value, gast.Name) and n.value.id == self.item:
            n.value = gast.Subscript(value=load(self.listed), slice=load(self.at),
                                     ctx=gast.Load())
            return n
        self.generic_visit(n)
        return n

