"""Part of stage 3b: every ``for`` becomes a loop over ``range``.

``for v in xs`` (an array's rows, a list, a tuple), ``enumerate``, ``zip``
and ``reversed`` become index loops that read ``xs[i]``, so the reverse
sweep sends each element's adjoint back with the indexing rule.
Comprehensions become loops that append to a fresh list; ``sum`` of one, a loop that
adds each term to a running total.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler import lazy_reads
from s2sad.compiler.class_records import loop_items
from s2sad.compiler.constant_loops import MAX_UNROLLED, unrolled_constants
from s2sad.compiler.names import const, load, store
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def _call(norm: Normalizer, fn: str, args: list) -> gast.Call:
    return gast.Call(func=load(norm.global_name(fn)), args=args, keywords=[])


def _item(seq: gast.expr, index: str) -> gast.Subscript:
    return gast.Subscript(value=seq, slice=load(index), ctx=gast.Load())


def _assign(target: gast.expr, value: gast.expr, like: gast.AST) -> gast.Assign:
    return gast.copy_location(gast.Assign(targets=[target], value=value, type_comment=None), like)


def _emit_loop(norm: Normalizer, s: gast.For, index: str, bounds: list, prefix: list) -> None:
    body = norm.block(prefix + s.body)
    loop = gast.For(target=store(index), iter=_call(norm, "range", bounds), body=body,
                    orelse=[], type_comment=None)
    norm.emit(loop, s)


def _dict_view(norm: Normalizer, it: gast.expr) -> str | None:
    """``d.items()``, ``d.keys()``, ``d.values()`` of a local: which one."""
    if isinstance(it, gast.Call) and not it.args and isinstance(it.func, gast.Attribute) and \
            it.func.attr in ("items", "keys", "values") and norm.is_local(it.func.value):
        return it.func.attr
    return None


def _lower_dict_view(norm: Normalizer, s: gast.For, view: str) -> None:
    """``for k, v in d.items()``: a loop over the keys that reads ``d[k]``."""
    d = norm.atom(s.iter.func.value, "d")
    keys = norm.temp(_call(norm, "list", [d]), "keys")
    n = norm.temp(_call(norm, "len", [keys]), "n")
    index = norm.new_local("i")
    key = norm.new_local("key")
    prefix = [_assign(gast.Name(id=key, ctx=gast.Store(), annotation=None, type_comment=None),
                      _item(keys, index), s)]
    item = gast.Subscript(value=d, slice=load(key), ctx=gast.Load())
    if view == "items":
        k, v = s.target.elts
        prefix += [_assign(k, load(key), s), _assign(v, item, s)]
    else:
        prefix.append(_assign(s.target, load(key) if view == "keys" else item, s))
    _emit_loop(norm, s, index, [n], prefix)


def lower_for(norm: Normalizer, s: gast.For) -> None:
    it = s.iter
    lazy_reads.refuse_fed_generator(norm, s)
    grown = _grown(norm, s)
    if grown is not None:
        raise norm.error(s, f"a for loop over {grown} whose body changes its length",
                         "Python's loop also runs over the items added (and stops short of "
                         "those removed), which a loop over the items it found would not; "
                         f"write it as a while loop: i = 0; while i < len({grown}): "
                         f"v = {grown}[i]; ...; i += 1")
    fn = norm.resolve(it.func) if isinstance(it, gast.Call) else None
    view = _dict_view(norm, it)
    if view is not None and (view != "items" or isinstance(s.target, gast.Tuple)):
        _lower_dict_view(norm, s, view)
    elif _unrolled(norm, s) or unrolled_constants(norm, s):
        return
    elif fn is range and isinstance(s.target, gast.Name):
        bounds = [norm.atom(a) for a in it.args]
        if norm.stores[s.target.id] == 1:  # (the counter, an int: k * v of a record)
            norm.numbers[s.target.id] = int
        _emit_loop(norm, s, norm.name(s.target.id), bounds, [])
    elif fn is enumerate and isinstance(s.target, gast.Tuple) and len(s.target.elts) == 2 \
            and not _is_view(norm, it.args[0]):
        _lower_enumerate(norm, s, it)
    else:  # a sequence, or zip / enumerate / reversed of sequences, nested as they like
        n, element = _view(norm, it, _stored(s.body))
        index = norm.new_local("i")
        _emit_loop(norm, s, index, [n], [_assign(s.target, element(load(index)), s)])


# list methods that change its length
_LENGTH_CHANGERS = {"append", "extend", "insert", "pop", "remove", "clear"}


def _grown(norm: Normalizer, s: gast.For) -> str | None:
    """The list a loop iterates (``for v in xs``, of ``enumerate``/``zip``/``reversed``
    of it) whose length its body changes by a method (``xs.append(v)``, ``xs.pop()``;
    no array has these), else None.  (``xs += [v]`` there is refused by the alias stage:
    the loop's list and ``xs`` are one list, written in place.)"""
    it = s.iter
    while isinstance(it, gast.Call) and norm.resolve(it.func) in (enumerate, reversed) \
            and it.args:
        it = it.args[0]
    names = {a.id for a in (it.args if isinstance(it, gast.Call) and
                            norm.resolve(it.func) is zip else [it]) if isinstance(a, gast.Name)}
    for n in (n for b in s.body for n in walk(b)):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in _LENGTH_CHANGERS and isinstance(n.func.value, gast.Name) \
                and n.func.value.id in names:
            return n.func.value.id
    return None


_JUMPS = (gast.Break, gast.Continue, gast.Return, gast.Yield, gast.FunctionDef)


def _unrolled(norm: Normalizer, s: gast.For) -> bool:
    """``for W, b in params``, ``for i in range(len(params))`` or ``for i, (W, b) in
    enumerate(params)`` over a list or tuple parameter of known length (the code is
    specialised to it, ``call_kinds``), never rebound (nor, in a function inlined, its
    parameter bound to it): one copy of the body per item, reading ``params[0]``,
    ``params[1]``, ...  Each copy then knows its item's shape (layers of different
    widths), and the reverse sweep needs no stack."""
    found = _unrolled_items(norm, s.iter)
    if found is None or s.orelse or any(isinstance(x, _JUMPS) for x in walk(s)):
        return False
    name, kind = found
    n = norm.lengths[norm.name(name.id)]
    seq = norm.atom(name, "seq")
    for j in range(n):
        item = gast.Subscript(value=clone(seq), slice=const(j), ctx=gast.Load())
        value = item if kind == "items" else const(j) if kind == "range" else \
            gast.Tuple(elts=[const(j), item], ctx=gast.Load())
        norm.out.extend(norm.block([_assign(clone(s.target), value, s)] + clone(s.body)))
    return True


def _unrolled_items(norm: Normalizer, it: gast.expr) -> tuple[gast.Name, str] | None:
    """(the parameter, how the loop reads it) of a loop ``_unrolled`` takes, else None."""
    fn = norm.resolve(it.func) if isinstance(it, gast.Call) else None
    kind, name = "items", it
    if fn is enumerate and len(it.args) == 1 and not it.keywords:
        kind, name = "enumerate", it.args[0]
    elif fn is range and len(it.args) == 1 and isinstance(it.args[0], gast.Call) and \
            norm.resolve(it.args[0].func) is len and len(it.args[0].args) == 1:
        kind, name = "range", it.args[0].args[0]
    if not isinstance(name, gast.Name) or name.id not in norm.locals or norm.stores[name.id]:
        return None
    n = norm.lengths.get(norm.name(name.id))
    return (name, kind) if n is not None and n <= MAX_UNROLLED else None


def _is_view(norm: Normalizer, node: gast.expr) -> bool:
    fn = norm.resolve(node.func) if isinstance(node, gast.Call) else None
    return fn in (zip, enumerate, reversed)


def _stored(stmts: list) -> set[str]:
    return {n.id for s in stmts for n in walk(s)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _items_written(stmts: list, it: gast.expr) -> bool:
    """The loop writes items of the name it goes through (``states[k] = ...``): a list
    (a dict's items are written by key, not by the counter of an enumerate)."""
    return isinstance(it, gast.Name) and any(
        isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) and
        isinstance(n.value, gast.Name) and n.value.id == it.id for s in stmts for n in walk(s))


def _view(norm: Normalizer, it: gast.expr, rebound: set[str]):
    """The length of an iterable and how to build its item ``i``, for sequences and
    ``zip``, ``enumerate`` and ``reversed`` of them (read by index, never iterated).
    A name the loop body binds again is read through a name of its own: Python iterates
    over the object the name held when the loop began."""
    fn = norm.resolve(it.func) if isinstance(it, gast.Call) else None
    if fn is zip:
        parts = [_view(norm, a, rebound) for a in _spread(norm, it)]
        lengths = [n for n, _ in parts]
        n = lengths[0] if len(lengths) == 1 else norm.temp(_call(norm, "min", lengths), "n")
        return n, lambda i: gast.Tuple(elts=[e(i) for _, e in parts], ctx=gast.Load())
    if fn is enumerate:
        n, inner = _view(norm, it.args[0], rebound)
        start = it.args[1] if len(it.args) > 1 else next(
            (k.value for k in it.keywords if k.arg == "start"), None)
        count = (lambda i: i) if start is None else (
            lambda i: gast.BinOp(left=i, op=gast.Add(), right=start))
        return n, lambda i: gast.Tuple(elts=[count(i), inner(i)], ctx=gast.Load())
    if fn is reversed:
        n, inner = _view(norm, it.args[0], rebound)
        last = norm.temp(gast.BinOp(left=n, op=gast.Sub(), right=const(1)), "last")
        return n, lambda i: inner(gast.BinOp(left=last, op=gast.Sub(), right=i))
    if getattr(fn, "__module__", None) == "itertools" or fn is filter:  # an iterator:
        it = gast.copy_location(_call(norm, "list", [it]), it)  # its items, in a list
    seq = norm.atom(it, "seq")
    if isinstance(it, gast.Name) and it.id in rebound:
        seq = norm.temp(seq, "seq")
    seq = keys_if_dict(norm, it, seq)
    n = norm.temp(_call(norm, "len", [seq]), "n")
    return n, lambda i: _item_at(seq, i)


def keys_if_dict(norm: Normalizer, it: gast.expr, seq: gast.expr,
                 count: int | None = None) -> gast.expr:
    """What a loop over ``it`` (read into ``seq``) goes through by index (unpacking too,
    ``a, b = it``, into ``count`` names: checked as Python checks it, and the length
    known from then on): of a name or a keyed item, which may hold a dict,
    ``iteration_items`` (a dict's keys); a list or tuple parameter of known length is
    not one."""
    if isinstance(it, gast.Name) and norm.is_local(it) and \
            norm.name(it.id) not in norm.lengths or _keyed_item(it):
        counted = [] if count is None else [gast.Constant(value=count, kind=None)]
        items = gast.Call(func=norm.ref(runtime.iteration_items), args=[seq, *counted],
                          keywords=[])
        return norm.temp(items, "seq")
    return seq


def _spread(norm: Normalizer, it: gast.Call) -> list:
    """The arguments of ``zip(*rows)``: of a list or tuple parameter of known length,
    its items ``rows[0], rows[1], ...``; else refused."""
    args: list = []
    for a in it.args:
        if not isinstance(a, gast.Starred):
            args.append(a)
            continue
        n = norm.lengths.get(norm.name(a.value.id)) if isinstance(a.value, gast.Name) and \
            norm.is_local(a.value) else None
        if n is None:
            raise norm.error(it, "zip(*xs) of a sequence whose length is not written",
                             "go through the columns as rows of the transpose, "
                             "for col in np.asarray(xs).T, or index xs[i][j]")
        args += [gast.Subscript(value=a.value, slice=const(k), ctx=gast.Load())
                 for k in range(n)]
    return args


def _keyed_item(it: gast.expr) -> bool:
    """``p['layer']``, ``p['layers'][k]``: an item of a container a string keys, which
    may be a dict (its keys are iterated)."""
    while isinstance(it, gast.Subscript):
        if isinstance(it.slice, gast.Constant) and isinstance(it.slice.value, str):
            return True
        it = it.value
    return False


def _item_at(seq: gast.expr, index: gast.expr) -> gast.Subscript:
    return gast.Subscript(value=seq, slice=index, ctx=gast.Load())


def _lower_enumerate(norm: Normalizer, s: gast.For, it: gast.Call) -> None:
    seq = norm.atom(it.args[0], "seq")
    if isinstance(it.args[0], gast.Name) and it.args[0].id in _stored(s.body):
        seq = norm.temp(seq, "seq")  # iterated as the loop found it
    if not _items_written(s.body, it.args[0]):  # (a list written as it is enumerated:
        seq = keys_if_dict(norm, it.args[0], seq)  # read by index; enumerate(d): keys)
    n = norm.temp(_call(norm, "len", [seq]), "n")
    counter, value = s.target.elts
    start = it.args[1] if len(it.args) > 1 else next(
        (k.value for k in it.keywords if k.arg == "start"), None)
    if isinstance(counter, gast.Name) and start is None:
        index = norm.name(counter.id)
        prefix = []
    else:
        index = norm.new_local("i")
        count = load(index) if start is None else gast.BinOp(left=load(index), op=gast.Add(),
                                                             right=start)
        prefix = [_assign(counter, count, s)]
    _emit_loop(norm, s, index, [n], prefix + [_assign(value, _item(seq, index), s)])


def _own_names(norm: Normalizer, node: Any) -> Any:
    """A comprehension's loop names are its own (Python 3): give them fresh names so they
    neither read nor overwrite the function's variables of the same name."""
    node = clone(node)
    names = {n.id for g in node.generators for n in walk(g.target)
             if isinstance(n, gast.Name)}
    fresh = {n: norm.new_local(n) for n in sorted(names)}
    results = [node.key, node.value] if isinstance(node, gast.DictComp) else [node.elt]
    parts = results + [g.target for g in node.generators] + [
        c for g in node.generators for c in g.ifs] + [g.iter for g in node.generators[1:]]
    for part in parts:
        for n in walk(part):
            if isinstance(n, gast.Name) and n.id in fresh:
                n.id = fresh[n.id]
    for g in node.generators:  # (b.energy() for b in bodies: a list of records)
        found = loop_items(g.target, g.iter, norm.item_lists)
        if found is not None:
            norm.instances[found[0]] = found[1]
    return node


def lower_comprehension(norm: Normalizer, node: gast.ListComp | gast.DictComp) -> gast.expr:
    """``[e for ...]`` as a loop appending to a new list; ``{k: v for ...}`` as a loop
    setting the items of a new dict."""
    node = _own_names(norm, node)
    result = norm.new_local("items")
    empty = gast.Dict(keys=[], values=[]) if isinstance(node, gast.DictComp) else \
        gast.List(elts=[], ctx=gast.Load())
    norm.emit(gast.Assign(targets=[store(result)], value=empty, type_comment=None), node)
    inner: list = [gast.copy_location(_add_item(result, node), node)]
    for gen in reversed(node.generators):
        for cond in reversed(gen.ifs):
            inner = [gast.copy_location(gast.If(test=cond, body=inner, orelse=[]), node)]
        inner = [gast.copy_location(gast.For(target=gen.target, iter=gen.iter, body=inner,
                                             orelse=[], type_comment=None), node)]
    norm.out.extend(norm.block(inner))
    return load(result)


def lower_sum(norm: Normalizer, node: gast.Call) -> gast.expr:
    """``sum(e for ...)`` (or of a list comprehension) as a loop adding each ``e`` to a
    running total, from ``start`` or 0: what ``sum`` computes (in order, one addition
    per term, Python 3.11's float loop included), with no list of the terms, whose
    adjoint (a list built one item at a time) costs a copy per item."""
    comp = _own_names(norm, node.args[0])
    total = norm.new_local("total")
    start = node.args[1] if len(node.args) == 2 else const(0)
    if isinstance(start, (gast.List, gast.Tuple)):  # sum(rows, []): its + concatenates
        norm.sequences = set(norm.sequences) | {total}
    add = gast.Assign(targets=[store(total)], value=gast.BinOp(
        left=load(total), op=gast.Add(), right=comp.elt), type_comment=None)
    inner: list = [gast.copy_location(add, node)]
    for gen in reversed(comp.generators):
        for cond in reversed(gen.ifs):
            inner = [gast.copy_location(gast.If(test=cond, body=inner, orelse=[]), node)]
        inner = [gast.copy_location(gast.For(target=gen.target, iter=gen.iter, body=inner,
                                             orelse=[], type_comment=None), node)]
    first = gast.copy_location(gast.Assign(targets=[store(total)], value=start,
                                           type_comment=None), node)
    norm.out.extend(norm.block([first, *inner]))
    return load(total)


def _add_item(result: str, node: gast.ListComp | gast.DictComp) -> gast.stmt:
    if isinstance(node, gast.DictComp):
        return gast.Assign(targets=[gast.Subscript(value=load(result), slice=node.key,
                                                   ctx=gast.Store())],
                           value=node.value, type_comment=None)
    append = gast.Attribute(value=load(result), attr="append", ctx=gast.Load())
    return gast.Expr(value=gast.Call(func=append, args=[node.elt], keywords=[]))
