"""A ``collections.defaultdict`` the function makes, ``d = defaultdict(float)``, as the
plain dict it behaves like: every read ``d[k]`` is ``d.setdefault(k, 0.0)`` (a missing
key inserted with the default value, as ``defaultdict.__missing__`` does, so ``len(d)``
and ``d.items()`` see it too) and ``d[k] += e`` is ``d[k] = d.setdefault(k, 0.0) + e``.
The later stages know plain dicts and ``setdefault``; a ``defaultdict`` call they would
read as a call of an unknown function returning its argument (the ``float`` type),
refusing the first write into it.

Only where the name is bound once, to that call, and read only by key, by its methods,
by ``len``/``list``/``sorted``/``sum``/``iter``, a ``for`` or ``in``: a dict passed on to a
helper or returned stays a ``defaultdict`` (and refused, named at the user's line).  The
default factories: ``float``, ``int``, ``list``, ``dict``, ``tuple``, ``set``-less
literals, or a ``lambda: <constant>``."""
from __future__ import annotations

import collections
from typing import Any

import gast

from s2sad.compiler.names import const
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import parent_map, walk

_LITERALS: dict[Any, Any] = {float: 0.0, int: 0}
_DISPLAYS = {list: lambda: gast.List(elts=[], ctx=gast.Load()),
             tuple: lambda: gast.Tuple(elts=[], ctx=gast.Load()),
             dict: lambda: gast.Dict(keys=[], values=[])}
_READERS = {len, list, sorted, sum, iter, tuple}
_SIMPLE_KEYS = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Tuple, gast.Attribute,
                gast.Subscript, gast.Compare, gast.BoolOp, gast.IfExp, gast.Call)
# calls a key may make (the same value each time: ``groups[int(v > 0)]``)
_PURE = {int, float, round, str, bool, abs, len, min, max, tuple}


def as_plain_dicts(src: Any) -> None:
    """Rewrite, in ``src.node`` (a ``source.Source``), each ``defaultdict`` it makes and
    uses only as a dict into a plain dict (module docstring)."""
    made = _made(src)
    if not made:
        return
    parents = parent_map(src.node.body)
    for name, (assign, default) in made.items():
        if _only_as_dict(src, name, assign, parents):
            _rewrite(src.node, name, assign, default, parents)


def _made(src: Any) -> dict[str, tuple[gast.Assign, Any]]:
    """name -> (its one binding ``name = defaultdict(factory)``, the default's maker)."""
    found: dict[str, tuple[gast.Assign, Any]] = {}
    for n in walk_statements(src.node):  # (walk's order; no expression holds a statement)
        if isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], gast.Name) and isinstance(n.value, gast.Call) and \
                _resolved(src, n.value.func) is collections.defaultdict and \
                len(n.value.args) == 1 and not n.value.keywords:
            default = _default(src, n.value.args[0])
            if default is not None:
                found[n.targets[0].id] = (n, default)
    return found


def _default(src: Any, factory: gast.expr) -> Any:
    """A function making the default value's node, or None for a factory not known."""
    if isinstance(factory, gast.Lambda) and not factory.args.args and \
            isinstance(factory.body, gast.Constant) and \
            isinstance(factory.body.value, (int, float)):
        value = factory.body.value
        return lambda: const(value)
    made = _resolved(src, factory)
    try:
        if made in _LITERALS:
            value = _LITERALS[made]
            return lambda: const(value)
        return _DISPLAYS.get(made)
    except TypeError:  # (an unhashable object)
        return None


def _resolved(src: Any, node: gast.expr) -> Any:
    if isinstance(node, gast.Name):
        try:
            return src.resolve(node.id)
        except (KeyError, AttributeError):
            return None
    if isinstance(node, gast.Attribute):
        return getattr(_resolved(src, node.value), node.attr, None)
    return None


def _only_as_dict(src: Any, name: str, assign: gast.Assign, parents: dict) -> bool:
    """The name is bound only by ``assign`` and every read of it is a dict's use."""
    for n in walk(src.node):
        if isinstance(n, (gast.FunctionDef, gast.Lambda)) and n is not src.node and \
                any(isinstance(m, gast.Name) and m.id == name for m in walk(n)):
            return False  # (read in a def inside: leave it)
        if not (isinstance(n, gast.Name) and n.id == name):
            continue
        if isinstance(n.ctx, gast.Store):
            if n is not assign.targets[0]:
                return False
        elif not _a_dict_use(src, n, parents):
            return False
    return True


def _a_dict_use(src: Any, n: gast.Name, parents: dict) -> bool:
    up = parents.get(id(n))
    if isinstance(up, gast.Subscript) and up.value is n:
        return isinstance(up.ctx, gast.Store) or _simple(src, up.slice)
    if isinstance(up, gast.Attribute) and up.value is n:
        return True
    if isinstance(up, gast.Call) and up.args == [n] and not up.keywords:
        return _resolved(src, up.func) in _READERS
    if isinstance(up, gast.Compare) and n in up.comparators:
        return True
    if isinstance(up, (gast.For, gast.comprehension)) and up.iter is n:
        return True
    return False


def _simple(src: Any, key: gast.expr) -> bool:
    """A key read twice without a difference (no call in it but of a builtin that makes
    the same value each time)."""
    return all(not isinstance(m, (gast.NamedExpr, gast.Lambda)) and not (
        isinstance(m, gast.Call) and not _pure(src, m.func)) for m in walk(key)) \
        and isinstance(key, _SIMPLE_KEYS)


def _pure(src: Any, func: gast.expr) -> bool:
    try:
        return _resolved(src, func) in _PURE
    except TypeError:  # (an unhashable object)
        return False


def _rewrite(fn: gast.FunctionDef, name: str, assign: gast.Assign, default: Any,
             parents: dict) -> None:
    assign.value = gast.copy_location(gast.Dict(keys=[], values=[]), assign.value)
    for n in list(walk(fn)):
        if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Subscript) and \
                isinstance(n.target.value, gast.Name) and n.target.value.id == name:
            n.value = gast.copy_location(
                gast.BinOp(left=_setdefault(n.target, default), op=n.op, right=n.value), n.value)
            n.op = None
    _replace_reads(fn, name, default)
    for n in list(walk(fn)):  # the augmented writes, now plain ones
        if isinstance(n, gast.AugAssign) and n.op is None:
            _as_assign(fn, n)


def _setdefault(item: gast.Subscript, default: Any) -> gast.Call:
    func = gast.Attribute(value=gast.Name(id=item.value.id, ctx=gast.Load(), annotation=None,
                                          type_comment=None),
                          attr="setdefault", ctx=gast.Load())
    call = gast.Call(func=func, args=[clone(item.slice), default()], keywords=[])
    for m in walk(call):
        gast.copy_location(m, item)
        if hasattr(m, "ctx") and not isinstance(m, gast.Attribute):
            m.ctx = gast.Load()
    return call


def _replace_reads(fn: gast.FunctionDef, name: str, default: Any) -> None:
    """Each ``name[k]`` read (a Load subscript) as ``name.setdefault(k, default)``."""
    parents = parent_map(fn.body)
    for n in list(walk(fn)):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Load) and \
                isinstance(n.value, gast.Name) and n.value.id == name:
            _put(parents[id(n)], n, _setdefault(n, default))


def _put(holder: gast.AST, old: gast.AST, new: gast.AST) -> None:
    for field in holder._fields:
        value = getattr(holder, field, None)
        if value is old:
            setattr(holder, field, new)
        elif isinstance(value, list):
            setattr(holder, field, [new if v is old else v for v in value])


def _as_assign(fn: gast.FunctionDef, aug: gast.AugAssign) -> None:
    parents = parent_map(fn.body)
    holder = parents[id(aug)]
    target = aug.target
    plain = gast.copy_location(gast.Assign(targets=[target], value=aug.value,
                                           type_comment=None), aug)
    _put(holder, aug, plain)
