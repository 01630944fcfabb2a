"""Part of stage 3b: loops over a model's layers, heads and functions, unrolled.

``for layer in self.layers``, ``for i, layer in enumerate(self.layers)``, ``for i in
range(len(self.layers))``, ``for layer, act in zip(self.layers, self.acts)``, ``for
layer in self.layers[:-1]`` or ``reversed(...)``, ``for name, head in
self.heads.items()`` (and the comprehensions and ``sum(...)`` made of such loops): a
sequence or dict of functions or of the user's objects held by a global, fixed when the
derivative is made.  One copy of the body per item, in which the loop's names mean
those items (their calls known, as a global's are: ``layer(h)``) and indices and keys
are constants (``self.layers[i](h)``).  Each item is read at run time where the
function reads it; the sequence's length is checked at each call, and what the
transform read through it is checked by :mod:`resolved` (a change makes it again).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import resolved
from s2sad.compiler.names import const, load, store
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.user_code import is_user_object
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

MAX_UNROLLED = 8  # items of a sequence whose loop is unrolled (a layer list)
_JUMPS = (gast.Continue, gast.Return, gast.Yield, gast.FunctionDef)
DATA = object()  # a Leaf's value where it is an item of data the loop zips in


@dataclass
class Leaf:
    """One value a loop name takes: what it is at the transform, how the function reads
    it at run time, and how :mod:`resolved` reaches it (None for a constant)."""
    value: Any
    expr: gast.expr
    path: resolved.Path | None
    constant: bool = False


def unrolled_constants(norm: Normalizer, s: gast.For) -> bool:
    """Emit the loop ``s`` unrolled over a constant sequence of functions or objects;
    False (nothing emitted) for any other loop.  Where the loop may ``break``, or zips
    in data whose length is known only at run time, the copies are the branches of a
    loop over their index (``if j == 0: ...``), which stops as Python's does."""
    if s.orelse or any(isinstance(x, _JUMPS) for x in walk(s)):
        return False
    scan = Scan()
    items = _items(norm, s.iter, scan)
    if items is None or len(items) > MAX_UNROLLED:
        return False
    if not items and not scan.data:  # (a leaf's empty list of children: no trip)
        norm.out.extend(norm.block(scan.checks))
        return True
    found = [_bind(s.target, item) for item in items]
    bindings = [b for b in found if b is not None]
    if len(bindings) < len(found) or not _of_functions(s.iter, bindings, norm):
        return False
    norm.out.extend(norm.block(scan.checks))
    for placeholder, node in scan.data:  # (the data read once, before the loop)
        value = norm.atom(node, "seq")
        placeholder.id = (value if isinstance(value, gast.Name) else
                          norm.temp(value, "seq")).id
    copies = [_copy(norm, s, binding) for binding in bindings]
    if not scan.data and not any(isinstance(x, gast.Break) for x in walk(s)):
        for block in copies:
            norm.out.extend(block)
        return True
    _dispatch(norm, s, copies, scan)
    return True


class Scan:
    """What reading a loop's iterable needs: the checks of the constant sequences'
    lengths, and the data zipped in (a name for each, bound before the loop)."""

    def __init__(self) -> None:
        self.checks: list = []
        self.data: list[tuple[gast.Name, gast.expr]] = []


def _copy(norm: Normalizer, s: gast.For, binding: list) -> list:
    """The loop's body for one item, normalized with its names known."""
    fixed = not any(isinstance(x, gast.Lambda) for x in walk(s))
    stored = {n.id for b in s.body for n in walk(b)
              if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    head, body, known = [], clone(s.body), []
    for name, leaf in binding:
        head.append(_assign(store(name), clone(leaf.expr), s))
        if leaf.constant and fixed and name not in stored:
            body = [_constant_name(b, name, leaf.value) for b in body]
        elif not leaf.constant and leaf.value is not DATA and (
                is_user_object(leaf.value) or callable(leaf.value)):
            table = norm.objects if is_user_object(leaf.value) else norm.callables
            table[name], norm.paths[name] = leaf.value, leaf.path
            known.append((table, name))
    block = norm.block(head + body)
    for table, name in known:
        del table[name], norm.paths[name]
    return block


def _dispatch(norm: Normalizer, s: gast.For, copies: list, scan: Scan) -> None:
    """``for j in range(n): if j == 0: <copy 0> elif j == 1: ...``: ``n`` the number of
    copies, or fewer where a sequence zipped in is shorter (``zip`` stops there)."""
    from s2sad.compiler.loops import _call
    index = norm.new_local("j")
    n: gast.expr = const(len(copies))
    for placeholder, _ in scan.data:
        length = norm.temp(_call(norm, "len", [load(placeholder.id)]), "n")
        n = norm.temp(_call(norm, "min", [n, length]), "n")
    chain: list = []
    for k in reversed(range(len(copies))):
        test = norm.new_local("is_item")
        chain = [_assign(store(test), gast.Compare(
            left=load(index), ops=[gast.Eq()], comparators=[const(k)]), s),
            gast.If(test=load(test), body=copies[k], orelse=chain)]
        for stmt in chain:  # (the loop's line, in comments and errors)
            norm.emit(_placed(stmt, s), s)
            norm.out.pop()  # (marked as emit marks, placed in the chain)
    loop = gast.For(target=store(index), iter=_call(norm, "range", [n]), body=chain,
                    orelse=[], type_comment=None)
    norm.emit(loop, s)


def _placed(node: gast.AST, like: gast.AST) -> gast.AST:
    """``node``'s own nodes at the line of ``like`` (the loop's: errors and comments)."""
    for n in walk(node):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            gast.copy_location(n, like)
    return node


def _of_functions(it: gast.expr, bindings: list, norm: Normalizer) -> bool:
    """Is some name of the loop a function or object (not only data and indices), or
    is it ``range(len(seq))`` of such a sequence?"""
    leaves = [leaf for b in bindings for _, leaf in b]
    if any(not leaf.constant and (is_user_object(leaf.value) or callable(leaf.value))
           for leaf in leaves):
        return True
    return _call_of(norm, it) is range and _items(norm, it.args[0].args[0], Scan()) is not None


def _items(norm: Normalizer, it: gast.expr, scan: Scan) -> list | None:
    """The items (a Leaf, or a tuple of items) ``it`` yields, or None; ``scan`` gets
    the statements that check at each call that the sequences have their length, and
    the data a ``zip`` reads beside them."""
    if isinstance(it, gast.Call) and not it.args and not it.keywords and \
            isinstance(it.func, gast.Attribute) and it.func.attr in ("items", "values", "keys"):
        return _dict_items(norm, it.func.value, it.func.attr, scan)
    fn = _call_of(norm, it)
    if isinstance(it, gast.Call) and not it.keywords and fn is not None:
        args = it.args
        if fn is enumerate and len(args) == 1:
            inner = _items(norm, args[0], scan)
            return None if inner is None else [
                (_constant(j), item) for j, item in enumerate(inner)]
        if fn is zip and args and not any(isinstance(a, gast.Starred) for a in args):
            return _zipped(norm, args, scan)
        if fn is reversed and len(args) == 1:
            inner = _items(norm, args[0], scan)
            return None if inner is None else inner[::-1]
        if fn is range and len(args) == 1 and _call_of(norm, args[0]) is len and \
                len(args[0].args) == 1:
            inner = _items(norm, args[0].args[0], scan)
            return None if inner is None else [_constant(j) for j in range(len(inner))]
        return None
    if isinstance(it, gast.Subscript) and isinstance(it.slice, gast.Slice):
        inner = _items(norm, it.value, scan)
        bounds = [_int(b) for b in (it.slice.lower, it.slice.upper, it.slice.step)]
        return None if inner is None or any(b is False for b in bounds) else \
            inner[slice(*bounds)]
    return _sequence_items(norm, it, scan)


def _zipped(norm: Normalizer, args: list, scan: Scan) -> list | None:
    """The items of ``zip`` of constant sequences, with data zipped in beside them
    (``zip(self.layers, xs)``: ``xs[j]`` read at run time), at least one constant."""
    parts = [_items(norm, a, Scan()) for a in args]
    if all(p is None for p in parts):
        return None
    n = min(len(p) for p in parts if p is not None)
    columns = []
    for a, part in zip(args, parts):
        if part is not None:
            columns.append(_items(norm, a, scan))
            continue
        placeholder = load("data")
        scan.data.append((placeholder, a))
        columns.append([Leaf(DATA, gast.Subscript(value=placeholder, slice=const(j),
                                                  ctx=gast.Load()), None)
                        for j in range(n)])
    return list(zip(*columns))


def _sequence_items(norm: Normalizer, it: gast.expr, scan: Scan) -> list | None:
    """The items of a tuple or list written of globals, or held by a global."""
    if isinstance(it, (gast.Tuple, gast.List)):
        found = [norm.resolve(e) if isinstance(e, (gast.Name, gast.Attribute)) else None
                 for e in it.elts]
        if any(v is None for v in found):
            return None
        return [Leaf(v, clone(e), norm.path_of(e)) for v, e in zip(found, it.elts)]
    if not isinstance(it, (gast.Name, gast.Attribute)) or \
            isinstance(it, gast.Name) and it.id in norm.locals:
        return None
    seq = norm.resolve(it)
    if type(seq) is dict:
        return _dict_items(norm, it, "keys", scan)
    if type(seq) not in (list, tuple) or len(seq) > MAX_UNROLLED or \
            not seq and not _held_by_object(it, norm):
        return None
    scan.checks.append(_same_length(clone(it), len(seq), it))
    path = norm.path_of(it)
    return [Leaf(v, gast.Subscript(value=clone(it), slice=const(j), ctx=gast.Load()),
                 resolved.step(path, "item", j)) for j, v in enumerate(seq)]


def _held_by_object(it: gast.expr, norm: Normalizer) -> bool:
    """``self.kids`` of an object of the user's (an empty list there is its structure)."""
    return isinstance(it, gast.Attribute) and \
        is_user_object(norm.resolve(it.value) if isinstance(
            it.value, (gast.Name, gast.Attribute)) else None)


def _dict_items(norm: Normalizer, node: gast.expr, view: str, scan: Scan) -> list | None:
    """The keys, values or (key, value) pairs of a dict a global holds (or of a dict
    display of functions: :mod:`function_displays` puts it where a local was read)."""
    if isinstance(node, gast.Dict):
        return _display_items(norm, node, view)
    if not isinstance(node, (gast.Name, gast.Attribute)) or \
            isinstance(node, gast.Name) and node.id in norm.locals:
        return None
    d = norm.resolve(node)
    if type(d) is not dict or not 0 < len(d) <= MAX_UNROLLED or \
            not all(type(k) in (int, str) for k in d):
        return None
    scan.checks.append(_same_length(clone(node), len(d), node))
    path = norm.path_of(node)
    keys = [_constant(k) for k in d]
    values = [Leaf(v, gast.Subscript(value=clone(node), slice=const(k), ctx=gast.Load()),
                   resolved.step(path, "item", k)) for k, v in d.items()]
    return keys if view == "keys" else values if view == "values" else list(zip(keys, values))


def _display_items(norm: Normalizer, node: gast.Dict, view: str) -> list | None:
    keys = [k.value if isinstance(k, gast.Constant) else None for k in node.keys]
    found = [norm.resolve(v) if isinstance(v, (gast.Name, gast.Attribute)) else None
             for v in node.values]
    if not 0 < len(keys) <= MAX_UNROLLED or not all(type(k) in (int, str) for k in keys) \
            or len(set(keys)) < len(keys) or any(v is None for v in found):
        return None
    values = [Leaf(v, clone(e), norm.path_of(e)) for v, e in zip(found, node.values)]
    keyed = [_constant(k) for k in keys]
    return keyed if view == "keys" else values if view == "values" else list(zip(keyed, values))


def _bind(target: gast.expr, item: Any) -> list | None:
    """(name, Leaf) pairs of ``target = item``, or None where the shapes differ."""
    if isinstance(target, gast.Name) and isinstance(item, Leaf):
        return [(target.id, item)]
    if isinstance(target, (gast.Tuple, gast.List)) and isinstance(item, tuple) and \
            len(target.elts) == len(item):
        pairs: list = []
        for t, i in zip(target.elts, item):
            got = _bind(t, i)
            if got is None:
                return None
            pairs += got
        return pairs
    return None


def _call_of(norm: Normalizer, it: gast.expr) -> Any:
    return norm.resolve(it.func) if isinstance(it, gast.Call) else None


def _constant(v: Any) -> Leaf:
    return Leaf(v, const(v), None, constant=True)


def _int(e: gast.expr | None) -> int | None | bool:
    """A slice bound: None, an int (``-1`` written as a negation), else False."""
    if e is None:
        return None
    sign = 1
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        e, sign = e.operand, -1
    return sign * e.value if isinstance(e, gast.Constant) and type(e.value) is int else False


def _constant_name(stmt: gast.stmt, name: str, value: Any) -> gast.stmt:
    """``stmt`` with each read of ``name`` (never bound in the loop's body) ``value``."""
    def swap(v: Any) -> Any:
        if isinstance(v, gast.Name) and v.id == name and isinstance(v.ctx, gast.Load):
            return gast.copy_location(const(value), v)
        return v
    for node in walk(stmt):
        for field, child in gast.iter_fields(node):
            if isinstance(child, list):
                child[:] = [swap(c) for c in child]
            else:
                setattr(node, field, swap(child))
    return stmt


def _assign(target: gast.expr, value: gast.expr, like: gast.AST) -> gast.Assign:
    return gast.copy_location(gast.Assign(targets=[target], value=value, type_comment=None), like)


def _same_length(seq: gast.expr, n: int, like: gast.AST) -> gast.stmt:
    """``if len(seq) != n: raise ...``: the sequence was unrolled as it was when the
    derivative was made; one grown or shrunk since would be read wrong."""
    stmt = gast.parse(f"if len(_s) != {n}:\n    raise RuntimeError('this loop was unrolled "
                      f"for the {n} items its sequence had when the derivative was made, "
                      "and the sequence has changed since: keep it fixed (a tuple), or "
                      "define the function again')").body[0]
    stmt.test.left.args = [clone(seq)]
    for n in walk(stmt):  # (the loop's line, in comments and errors)
        if hasattr(n, "lineno"):
            gast.copy_location(n, like)
    return stmt
