"""Python sets in the differentiated function: ``keep = {0, 2, 4}``, ``seen = set()``,
``seen.add(k)``, ``seen.discard(k)``, ``if i in keep``.  A set holds hashable items
(numbers, strings, tuples) and gives none of them back in an order a derivative could
follow: it is read by membership, which has no derivative.  A set display is
``set((a, b, c))`` (stage 2), and a change of a local set, ``s.add(v)`` or
``s.discard(v)``, is ``s = set_added(s, v)`` (a value, a new set, as ``list_append``
is a list's), a function with no derivative."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler.names import assign, load
from s2sad.compiler.node_scans import contains, mentions
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

# a set's methods that change it -> the runtime function making the changed set (only
# a set's: a dict's ``update`` is another, :mod:`assignments`)
CHANGES = {"add": "set_added", "discard": "set_discarded"}
_SET_CALLS = frozenset({"set", "frozenset"})


def lowered(node: gast.FunctionDef) -> None:
    """Each set display ``{a, b}`` of ``node`` as ``set((a, b))``; a loop over a set
    (a display, or a name only ever bound to one) over ``list(s)``, its items in the
    order Python's loop takes them (the later stages loop over a sequence by index).
    Nothing to do, and no walk, without a set display or a call of ``set``."""
    if not contains(node, (gast.Set,)) and not mentions(node, _SET_CALLS):
        return
    sets = _set_names(node)
    for n in walk(node):
        if isinstance(n, (gast.For, gast.comprehension)) and (
                isinstance(n.iter, gast.Set) or
                isinstance(n.iter, gast.Name) and n.iter.id in sets):
            n.iter = gast.copy_location(gast.Call(func=load("list"), args=[n.iter],
                                                  keywords=[]), n.iter)
    for n in walk(node):
        for field, value in gast.iter_fields(n):
            if isinstance(value, gast.Set):
                setattr(n, field, _as_call(value))
            elif isinstance(value, list):
                value[:] = [_as_call(v) if isinstance(v, gast.Set) else v for v in value]


def _set_names(node: gast.FunctionDef) -> set[str]:
    """The names every assignment of which binds a set (a display, ``set(...)``)."""
    bound: dict[str, bool] = {}
    for n in walk(node):
        if isinstance(n, gast.Assign):
            for t in n.targets:
                if isinstance(t, gast.Name):
                    bound[t.id] = bound.get(t.id, True) and _makes_set(n.value)
        elif isinstance(n, (gast.AugAssign, gast.For, gast.comprehension)):
            target = n.target
            if isinstance(target, gast.Name):
                bound[target.id] = False
    return {name for name, made in bound.items() if made}


def _makes_set(value: gast.expr) -> bool:
    return isinstance(value, gast.Set) or isinstance(value, gast.Call) and \
        isinstance(value.func, gast.Name) and value.func.id in ("set", "frozenset")


def _as_call(display: gast.Set) -> gast.Call:
    items = gast.Tuple(elts=display.elts, ctx=gast.Load())
    return gast.copy_location(gast.Call(func=load("set"), args=[
        gast.copy_location(items, display)], keywords=[]), display)


def set_changed(norm: Normalizer, s: gast.stmt, call: gast.expr) -> bool:
    """``seen.add(v)`` (``discard``) of a local name that is no object of
    the user's class: ``seen = set_added(seen, v)``."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and
            call.func.attr in CHANGES and isinstance(call.func.value, gast.Name) and
            norm.is_local(call.func.value) and call.func.value.id not in norm.instances and
            len(call.args) == 1 and not call.keywords):
        return False
    name = norm.name(call.func.value.id)
    value = gast.Call(func=load(CHANGES[call.func.attr]),
                      args=[load(name), norm.atom(call.args[0])], keywords=[])
    norm.emit(assign(name, value), s)
    return True
