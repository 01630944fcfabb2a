"""Late pass ``assemble``: the adjoint of a list, tuple or dict of known structure built
as one display, as a person writes it::

    dp = add_at(None, p, 'b2', db2)         dp = {'W1': dW1, 'b1': db1,
    dp = add_at(dp, None, 'W2', dW2)   ->         'W2': dW2, 'b2': db2}
    dp = add_at(dp, None, 'b1', db1)
    dp = add_at(dp, None, 'W1', dW1)

``add_at(None, p, k, e)`` makes zeros for every item of ``p`` and adds ``e`` into a new
array: with the structure of ``p`` known (the code is specialised to it,
``call_kinds``) and each constant key added into once, the display holds each ``e``
itself and ``zeros_like(p[k])`` for an item no statement adds into.  A list or tuple's
adjoint is a list (what ``add_at`` makes of either); ``cast_like`` gives it the
argument's type at the return.

The display holds each ``e`` itself when it is a name read nowhere else (no other name
may see the object change) and not bound again before the display; any other ``e`` is
bound where it was added to a name of its own (``db2 = np.sum(dout, axis=(0,))``).
``d`` is read by no statement between the first and the last ``add_at``, and ``p`` not
bound again there (the display replaces the last).  A chain adding into ``d`` itself,
``d = add_at(d, None, 'a', e)`` (a loop's carried dict read twice in a trip), becomes
``d = {'a': d['a'] + e, 'b': d['b'] + f}``, where each item is an array or a number.
A list display read back item by item right after is read directly
(:mod:`display_items`).

In a function of real values, a vector of a short literal length (at most
``VECTOR_ITEMS``, what unpacking ``w, x, y, z = q`` reads) whose adjoint is made by
``add_at(None, q, k, e)`` of numbers ``e`` at constant positions is built the same way,
as ``np.array([dw, dx, dy, dz], q.dtype)`` (``0.0`` where nothing is added; no dtype
where :mod:`dtypes` proves ``q`` float64 and an item float64 too): one call, not
``zeros_like`` and an item update per position, several times the cost on a vector of
four.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler import dims, display_items, dtypes
from s2sad.compiler.names import Namer, assign, const, copy_origin, load, np_attr
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_ids, name_nodes, nodes

VECTOR_ITEMS = 8  # the longest vector whose adjoint is built as a display


def assemble(body: list, shapes: dims.Facts, namespace: dict, namer: Namer,
             kinds: Callable[[], dict[str, str]] | None = None) -> list:
    """``body`` with each chain of ``add_at`` into a container's adjoint as a display;
    ``kinds()``: the names proved float64 or real (:mod:`dtypes`), asked for only when
    a vector's adjoint is a candidate; None: no complex value occurs is not known (no
    vector's adjoint is built)."""
    loads: dict[str, int] = {}
    for name in name_ids(body, gast.Load):
        loads[name] = loads.get(name, 0) + 1
    _Blocks(shapes, namespace, namer, loads, kinds).run(body)
    return display_items.read_directly(body)


class _Blocks:
    """The rewrite of every block (loop and branch bodies too)."""

    def __init__(self, shapes: dims.Facts, namespace: dict, namer: Namer,
                 loads: dict[str, int], kinds: Callable[[], dict[str, str]] | None
                 ) -> None:
        self.shapes, self.namespace, self.namer, self.loads = shapes, namespace, namer, loads
        self.kinds_of = kinds
        self.known_kinds: dict[str, str] | None = None

    def kinds(self) -> dict[str, str]:
        if self.known_kinds is None:
            self.known_kinds = self.kinds_of() if self.kinds_of is not None else {}
        return self.known_kinds

    def run(self, block: list) -> None:
        for s in block:
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    self.run(inner)
        at = 0
        while at < len(block):
            at = self.chain(block, at) + 1

    def chain(self, block: list, at: int) -> int:
        """Rewrite the chain starting at ``block[at]`` if there is one; the index after
        which to look for the next."""
        first = _add_at(block[at], self.namespace)
        if first is None:
            return at
        name = block[at].targets[0].id
        into = _reads(first.args[0], name) and _none(first.args[1])  # (d's items kept)
        if not into and (not _none(first.args[0]) or not isinstance(first.args[1], gast.Name)):
            return at
        like = load(name) if into else first.args[1]
        shape = self.shapes.of(like)
        keys = _keys(shape)
        vector = keys is None and not into and self.kinds_of is not None and \
            _vector(shape)
        if vector:
            keys = list(range(shape[0]))
        if keys is None:
            return at
        parts: list[tuple[Any, gast.expr]] = []  # (key, what is added), a key maybe twice
        chain: list[int] = []
        for k in range(at, len(block)):
            s = block[k]
            call = _add_at(s, self.namespace) if k > at else first
            if call is not None and s.targets[0].id == name and (k == at or _reads(
                    call.args[0], name) and _none(call.args[1])):
                key = call.args[2]
                if not isinstance(key, gast.Constant) or \
                        type(key.value) is not type(keys[0]) or key.value not in keys or \
                        _uses(call.args[3], {name}) or (into or any(
                            k == key.value for k, _ in parts)) and not _summable(
                            _item(shape, key.value)) or vector and not self.number(
                            call.args[3]) or not _summable(_item(shape, key.value)) and \
                        self.number(call.args[3]):
                    return at  # (a container's item added twice: + would concatenate;
                    # a number added into a list item, np.sum(rows[1])'s: add_at spreads it)
                parts.append((key.value, call.args[3]))
                chain.append(k)
                continue
            if _uses(s, {name}) or _binds(s, {like.id} | _names(parts)):
                break
        if vector and not parts:
            return at
        return self.rewrite(block, chain, name, like, keys, parts, into, vector)

    def number(self, e: gast.expr) -> bool:
        """Whether ``e`` is a number (real: the function has no complex value)."""
        return self.shapes.of(e) == ()

    def rewrite(self, block: list, chain: list, name: str, like: gast.Name, keys: list,
                parts: list, into: bool = False, vector: bool = False) -> int:
        """The chain's statements replaced: a part that is not a name read only there
        bound to a name of its own where it was added, the display last (the parts of
        a key added twice summed there: a new array, as ``add_at`` made)."""
        new: list[list] = []
        summed: dict[Any, gast.expr] = {  # (into d: d's own items first, d[k] + e)
            k: gast.Subscript(value=load(name), slice=const(k), ctx=gast.Load())
            for k in keys} if into else {}
        filled = set(keys) if into else self.filled(like, parts)
        for k, (key, part) in zip(chain, parts):
            if not (isinstance(part, gast.Name) and self.loads.get(part.id) == 1 and
                    part.id != like.id):
                own = self.namer.fresh(f"d{key}" if isinstance(key, str) and
                                       key.isidentifier() else f"{name}_{key}")
                new.append([copy_origin(assign(own, part, block[k]), block[k])])
                part = load(own)
            else:
                new.append([])
            summed[key] = part if key not in summed else \
                gast.BinOp(left=summed[key], op=gast.Add(), right=part)
        for key in set(summed) - filled:  # (add_at broadcast e to the item's shape)
            summed[key] = gast.BinOp(left=_zeros_of(like, key), op=gast.Add(),
                                     right=summed[key])
        last = block[chain[-1]]
        display = self.vector_display(keys, summed, like) if vector else \
            _display(keys, summed, like)
        new[-1].append(copy_origin(assign(name, display, last), last))
        for k, stmts in reversed(list(zip(chain, new))):
            block[k:k + 1] = stmts
        self.loads[name] = self.loads.get(name, 0) - len(chain) + (  # (the chain's own)
            len(keys) if into else 1)
        return chain[0] - 1  # (the statements it spans looked at again: chains inside)


    def filled(self, like: gast.Name, parts: list) -> set:
        """The keys whose item some part added there provably fills: one of the item's
        shape, or any part of a container item (a list's adjoint is one).  A number
        added into an array item (``add_at(None, xs, 0, np.sum(..)'s adjoint)``) is
        broadcast by ``add_at``; in the display it must be made the item's shape."""
        shape = self.shapes.of(like)
        found = set()
        for key, part in parts:
            item = _item(shape, key)
            if not _summable(item) or _fills(self.shapes.of(part), item):
                found.add(key)
        return found

    def vector_display(self, keys: list, parts: dict, like: gast.Name) -> gast.expr:
        """``np.array([dw, 0.0, dy], q.dtype)``: the dtype ``zeros_like(q)`` has, left
        out where ``q`` and an item are proved float64 (``0.0`` is one)."""
        values = [parts.get(k, const(0.0)) for k in keys]
        kinds = self.kinds()
        floats = kinds.get(like.id) == dtypes.F64 and (len(parts) < len(keys) or any(
            dtypes.of(v, kinds, self.namespace) == dtypes.F64 for v in values))
        dtype = [] if floats else [gast.Attribute(value=load(like.id), attr="dtype",
                                                  ctx=gast.Load())]
        return gast.Call(func=np_attr("array"),
                         args=[gast.List(elts=values, ctx=gast.Load()), *dtype], keywords=[])


def _zeros_of(like: gast.Name, key: Any) -> gast.expr:
    return gast.Call(func=load("zeros_like"), args=[
        gast.Subscript(value=load(like.id), slice=const(key), ctx=gast.Load())], keywords=[])


def _vector(shape: Any) -> bool:
    """Whether ``shape`` is a vector's of a short literal length."""
    return isinstance(shape, tuple) and len(shape) == 1 and type(shape[0]) is int and \
        1 <= shape[0] <= VECTOR_ITEMS


def _display(keys: list, parts: dict, like: gast.Name) -> gast.expr:
    values = [parts[k] if k in parts else _zeros_of(like, k) for k in keys]
    if isinstance(keys[0], int):
        return gast.List(elts=values, ctx=gast.Load())
    return gast.Dict(keys=[const(k) for k in keys], values=values)


def _keys(shape: Any) -> list | None:
    """The keys of a container of known structure: a dict's, or a list's positions."""
    if isinstance(shape, dims.Keyed) and shape.items and \
            all(type(k) is str for k, _ in shape.items):
        return [k for k, _ in shape.items]
    if isinstance(shape, dims.Items) and shape.shapes:
        return list(range(len(shape.shapes)))
    return None


def _item(shape: Any, key: Any) -> Any:
    """The shape of item ``key`` of a container's shape (a vector's: a number's)."""
    if isinstance(shape, tuple) and not isinstance(shape, dims.Items):
        return ()
    if isinstance(shape, dims.Keyed):
        return next(s for k, s in shape.items if k == key)
    return shape.shapes[key]


def _fills(part: Any, item: Any) -> bool:
    """Whether a part of shape ``part`` added into an item of shape ``item`` is the sum
    (no broadcasting): the shapes equal, or of one rank with each length of the part
    that differs from the item's one of at least 2 (a symbol, or an int): ``add_at``
    would have failed otherwise (``Q`` of a QR, ``(a, None)``, given an ``(a, b)``)."""
    if part == item:
        return True
    return isinstance(part, tuple) and isinstance(item, tuple) and len(part) == len(item) \
        and all(p == i or isinstance(p, str) or type(p) is int and p >= 2
                for p, i in zip(part, item))


def _summable(shape: Any) -> bool:
    """Whether two adjoints of a value of ``shape`` add with ``+``: an array's or a
    number's (never a list's, which ``+`` would concatenate)."""
    return isinstance(shape, tuple)


def _add_at(s: gast.stmt, namespace: dict) -> gast.Call | None:
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
            len(s.value.args) == 4 and not s.value.keywords and \
            evaluate_ref(s.value.func, namespace) is runtime.add_at:
        return s.value
    return None


def _none(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and e.value is None


def _reads(e: gast.expr, name: str) -> bool:
    return isinstance(e, gast.Name) and e.id == name


def _names(parts: list) -> set[str]:
    return {n.id for _, p in parts for n in name_nodes(p)}


def _uses(node: Any, names: set) -> bool:
    """Whether ``node`` reads or binds any of ``names``."""
    return any(isinstance(n, gast.Name) and n.id in names for n in nodes(node))


def _binds(s: gast.stmt, names: set) -> bool:
    """Whether ``s`` binds any of ``names`` (a part moved past it would read the new
    value), or deletes one."""
    return any(isinstance(n, gast.Name) and n.id in names and
               not isinstance(n.ctx, gast.Load) for n in _with_ctx(s))


def _with_ctx(s: gast.stmt) -> Any:
    return gast.walk(s)
