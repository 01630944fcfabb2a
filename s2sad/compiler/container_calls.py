"""Part of stage 3 (:mod:`normalize`): methods that change a local list or dict and
also give a value, written as what Python does in two steps, so the derivative sees
the change as any other write: ``xs.pop(i)`` and ``d.setdefault(k, v)``."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler import inner_tapes
from s2sad.compiler.names import assign, const, load

# methods that change a list, dict or set in place
CONTAINER_CHANGES = {"append", "extend", "insert", "pop", "remove", "clear", "update",
                     "setdefault", "popitem", "reverse", "add", "discard"}

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def popped(norm: Normalizer, node: gast.Call) -> gast.expr:
    """``xs.pop(i)`` (``d.pop(k)``) as values: the item, then ``xs`` without it."""
    xs = norm.name(node.func.value.id)
    where = norm.atom(node.args[0]) if node.args else const(-1)
    item = norm.temp(gast.Subscript(value=load(xs), slice=where, ctx=gast.Load()), "item", node)
    inner_tapes.carried(node, norm.out[-1])  # (a derivative's tape: the item pushed)
    rest = gast.Call(func=load("list_remove"), args=[load(xs), where], keywords=[])
    changed = assign(xs, rest)
    changed.s2sad_augmented = True  # (in place: other names holding xs see it shorter)
    norm.emit(changed, node)
    return item


def set_default(norm: Normalizer, node: gast.Call) -> gast.expr:
    """``d.setdefault(k, v)`` as ``if k not in d: d[k] = v`` then the value ``d[k]``: the
    dict changes where Python changes it (a value taken as a new object would leave the
    write of ``d.setdefault(k, []).append(x)`` unseen, its gradient lost), and what the
    value shares with ``d`` is what ``d[k]`` shares (a write through it is checked)."""
    return norm.expr(default_written(norm, node))


def default_written(norm: Normalizer, node: gast.Call) -> gast.Subscript:
    """Emit ``if k not in d: d[k] = v`` of ``d.setdefault(k, v)``; the item ``d[k]``."""
    from s2sad.compiler.normalize_statements import stmt_If
    d = node.func.value
    key = norm.atom(node.args[0])
    default = norm.atom(node.args[1]) if len(node.args) > 1 else const(None)
    write = gast.Assign(targets=[gast.Subscript(value=load(d.id), slice=key, ctx=gast.Store())],
                        value=default, type_comment=None)
    test = gast.Compare(left=key, ops=[gast.NotIn()], comparators=[load(d.id)])
    branch = gast.If(test=test, body=[write], orelse=[])
    for n in (write, branch):
        n.lineno, n.col_offset = node.lineno, node.col_offset
    current = norm.current
    stmt_If(norm, branch)
    norm.current = current
    return gast.Subscript(value=load(d.id), slice=key, ctx=gast.Load())


def is_set_default(norm: Normalizer, node: gast.expr) -> bool:
    """``d.setdefault(k)`` or ``d.setdefault(k, v)`` of a local ``d``."""
    return norm.method_of_local(node, "setdefault") and 1 <= len(node.args) <= 2 and \
        not node.keywords


def named_receiver(norm: Normalizer, call: gast.expr) -> gast.expr:
    """``e.append(v)`` and the like, of a receiver ``e`` that is neither a name nor an
    item: ``d.setdefault(k, []).append(v)`` as ``d[k].append(v)`` (after the default is
    written), any other as ``t = e; t.append(v)``, so the change is seen where the list
    lives: a dict's item written back, or a name whose sharing the alias stage checks
    (``d.get(k).append(v)`` changes ``d``'s list)."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)) or \
            call.func.attr not in CONTAINER_CHANGES or \
            isinstance(call.func.value, (gast.Name, gast.Subscript, gast.Attribute)):
        return call
    receiver = call.func.value
    if is_set_default(norm, receiver):
        receiver = default_written(norm, receiver)
    else:
        receiver = norm.temp(norm.expr(receiver), "receiver", call)
    method = gast.Attribute(value=receiver, attr=call.func.attr, ctx=gast.Load())
    return gast.Call(func=method, args=call.args, keywords=call.keywords)
