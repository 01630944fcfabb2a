"""Part of the late pass ``simplify``: an adjoint's element cleared and added back, and
a value copied out and back.

The reverse of an update of an element by itself, ``x[i] = x[i] + dt * v[i]`` (or
``r[i % 3] += w * x[i]``), reads the written element's adjoint, clears it (the write
overwrote it) and adds the same number back (the read of ``x[i]`` on the right):

    dmul = dx[i]
    dx = zero_at(dx, i)
    dv = add_at(dv, None, i, dmul * dt)
    dx = add_at(dx, None, i, dmul)

Where nothing between the clear and the sum mentions ``dx`` and the two indices are the
same number (the same name, or names bound in the block to the same expression of
names not bound again in between), the element ends as it began: both statements go,
and an element loop does two element writes fewer per trip.
"""
from __future__ import annotations

import gast

from s2sad.compiler.names import call_named
from s2sad.compiler.walks import block_statements, name_nodes


def drop(body: list, ranks: dict | None = None) -> list:
    """``body`` with each such clear and sum dropped (in place); ``ranks``: the array
    parameters' shape classes (an index read from one, ``i = edges[e, 0]`` with an index
    per axis, is one number, as a counter is)."""
    blocks = [body] + [b for s, _, _ in block_statements(body)
                       for b in (getattr(s, "body", None), getattr(s, "orelse", None))
                       if isinstance(b, list) and b and isinstance(b[0], gast.stmt)]
    counters = None  # (worked out for the first block that clears an element: few do)
    for block in blocks:
        if any(_cleared(s) for s in block):
            if counters is None:
                counters = _counters(body)
                _ELEMENTS.clear()
                _ELEMENTS.update(_element_arrays(body, ranks or {}))
            _drop_in(block, counters)
        _drop_copies_back(block)
    return body


def _counters(body: list) -> set[str]:
    """The counters of ``range`` loops that nothing else binds."""
    loops = [s for s, _, _ in block_statements(body) if isinstance(s, gast.For)]
    return {s.target.id for s in loops if _counted(s)} - {
        n.id for s, _, _ in block_statements(body) if not isinstance(s, gast.For)
        for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)} - {
        n.id for s in loops if not _counted(s) for n in name_nodes(s.target)}


def _drop_copies_back(block: list) -> None:
    """``x = t`` after ``t = x``, neither bound in between (a loop-carried adjoint read
    into a name and given back, ``dlogdet = dtotal; ...; dtotal = dlogdet``): ``x``
    holds that value already."""
    pairs = {pair for s in block if (pair := _copy(s)) is not None}
    if not any((x, t) in pairs for t, x in pairs):
        return  # (no copy given back: no statement's names to walk)
    copies: dict[tuple[str, str], int] = {}  # (t, x) -> position of t = x
    k = 0
    while k < len(block):
        s = block[k]
        pair = _copy(s)
        if pair is not None and (pair[1], pair[0]) in copies:
            del block[k]
            continue
        if copies:  # (a statement's names walked only while a copy may be given back)
            bound = _bound([s])
            copies = {key: r for key, r in copies.items() if not (set(key) & bound)}
        if pair is not None:
            copies[pair] = k
        k += 1


def _copy(s: gast.stmt) -> tuple[str, str] | None:
    """(t, x) of ``t = x`` of two names."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Name) and \
            s.targets[0].id != s.value.id:
        return s.targets[0].id, s.value.id
    return None


def _drop_in(block: list, counters: set[str]) -> None:
    k = 0
    while k < len(block):
        clear = _cleared(block[k])
        back = _added_back(block, k, *clear, counters) if clear else None
        if back is not None:
            del block[back]
            del block[k]
        else:
            k += 1


def _cleared(s: gast.stmt) -> tuple[str, gast.expr] | None:
    """(``d``, index) of ``d = zero_at(d, i)`` (or ``fresh(zero_at(d, i))``: a copy the
    in-place sums after it need where ``d`` is shared, which :mod:`ownership` makes
    again where they still do)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    value = s.value
    if call_named(value, "fresh") and len(value.args) == 1 and not value.keywords:
        value = value.args[0]
    if not (call_named(value, "zero_at") and len(value.args) == 2 and not value.keywords):
        return None
    d, at = value.args
    name = s.targets[0].id
    return (name, at) if isinstance(d, gast.Name) and d.id == name else None


def _added_back(block: list, k: int, d: str, at: gast.expr, counters: set[str]
                ) -> int | None:
    """The position of ``d = add_at(d, None, at, t)`` after ``block[k]`` (the clear),
    ``t`` read as ``t = d[at]`` before it, with nothing in between mentioning ``d``."""
    read = _read_before(block, k, d, at)
    if read is None:
        return None
    t, r = read
    for j in range(k + 1, len(block)):
        s = block[j]
        if _is_sum(s, d, t) and _same_index(block, k, j, at, s.value.args[2]) and \
                _of_counters(_resolved(block, k, at)[1], counters) and \
                not _bound(block[r + 1:j], {t}):
            return j
        if d in _mentioned(s):
            return None
    return None


def _read_before(block: list, k: int, d: str, at: gast.expr) -> tuple[str, int] | None:
    """(``t``, its position) of ``t = d[at]`` before the clear, ``d`` only read and
    ``at``'s names not bound between."""
    for r in range(k - 1, -1, -1):
        s = block[r]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Subscript) \
                and isinstance(s.value.value, gast.Name) and s.value.value.id == d and \
                _same_index(block, r, k, s.value.slice, at):
            return s.targets[0].id, r
        if d in _bound([s]) or not isinstance(s, gast.Assign):
            return None
    return None


def _is_sum(s: gast.stmt, d: str, t: str) -> bool:
    """``d = add_at(d, None, idx, t)``."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and s.targets[0].id == d and
            call_named(s.value, "add_at") and len(s.value.args) == 4 and
            not s.value.keywords):
        return False
    acc, x, _, v = s.value.args
    return isinstance(acc, gast.Name) and acc.id == d and \
        isinstance(x, gast.Constant) and x.value is None and \
        isinstance(v, gast.Name) and v.id == t


def _same_index(block: list, k: int, j: int, a: gast.expr, b: gast.expr) -> bool:
    """Are ``a`` (read at ``block[k]``) and ``b`` (read at ``block[j]``) the same
    number?  Names are followed to their binding in the block before them."""
    if isinstance(a, gast.Tuple) and isinstance(b, gast.Tuple):  # (an element of a matrix)
        return len(a.elts) == len(b.elts) and \
            all(_same_index(block, k, j, x, y) for x, y in zip(a.elts, b.elts))
    ka, ea = _resolved(block, k, a)
    kb, eb = _resolved(block, j, b)
    if gast.dump(ea) != gast.dump(eb):
        return False  # (the same expression of the same values where each is evaluated)
    return not _bound(block[min(ka, kb) + 1:max(ka, kb)], {n.id for n in name_nodes(ea)})


def _slice_call(e: gast.expr) -> bool:
    """``slice(lo, hi)`` or ``slice(lo, hi, step)`` (the reverse sweep's basic slice)."""
    return call_named(e, "slice") and 1 <= len(e.args) <= 3 and not e.keywords


def _of_counters(e: gast.expr, counters: set[str]) -> bool:
    """Is ``e`` int arithmetic of ``range`` loop counters and int literals, or of elements
    of array parameters read at such (an element, never an index array whose repeated
    entries ``add_at`` would sum)?"""
    if isinstance(e, gast.Tuple):
        return all(_of_counters(x, counters) for x in e.elts)
    if _slice_call(e):  # (a basic slice picks no position twice)
        return all(isinstance(x, gast.Constant) and x.value is None or
                   _of_counters(x, counters) for x in e.args)
    if isinstance(e, gast.Subscript):
        index = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        return isinstance(e.value, gast.Name) and _ELEMENTS.get(e.value.id) == len(index) \
            and all(_of_counters(x, counters) for x in index)
    if isinstance(e, gast.BinOp):
        return _of_counters(e.left, counters) and _of_counters(e.right, counters)
    return isinstance(e, gast.Name) and e.id in counters or \
        isinstance(e, gast.Constant) and type(e.value) is int


def _names_resolved(block: list, r: int, e: gast.expr, depth: int = 0
                    ) -> tuple[int, gast.expr]:
    """(where, expression) of int arithmetic ``e`` bound at ``block[r]``, each name in it
    bound earlier in the block to such arithmetic replaced by that (``add = mul + 4``
    after ``mul = 2 * e``: ``2 * e + 4``), a few levels deep: where the earliest is."""
    if depth > 3 or not isinstance(e, (gast.BinOp, gast.Name)):
        return r, e
    if isinstance(e, gast.Name):
        at, found = _resolved(block, r, e)
        return (at, found) if at < r else (r, e)
    left = _names_resolved(block, r, e.left, depth + 1)
    right = _names_resolved(block, r, e.right, depth + 1)
    return min(r, left[0], right[0]), gast.BinOp(left=left[1], op=e.op, right=right[1])


_ELEMENTS: dict[str, int] = {}  # array parameter never bound -> its rank (one ``drop``'s)


def _element_arrays(body: list, ranks: dict) -> dict[str, int]:
    """The array parameters of known rank no statement binds: ``p[i, j]`` with an index
    per axis is one element of them."""
    bound = _bound(body)
    return {p: len(shape) for p, shape in ranks.items()
            if isinstance(shape, tuple) and p not in bound}


def _counted(s: gast.stmt) -> bool:
    """``for i in range(..)`` (or ``reversed(range(..))``) whose body does not bind
    ``i``."""
    if not (isinstance(s, gast.For) and isinstance(s.target, gast.Name)):
        return False
    it = s.iter
    if call_named(it, "reversed") and len(it.args) == 1:
        it = it.args[0]
    return call_named(it, "range") and s.target.id not in _bound(s.body)


def _resolved(block: list, k: int, e: gast.expr) -> tuple[int, gast.expr]:
    """(where, expression): a name bound once in ``block`` before ``k`` to an int
    expression of names and constants, that expression; else ``e`` itself at ``k``.  A
    tuple (an index per axis) has each item resolved, at the first of their places."""
    if isinstance(e, gast.Tuple):
        items = [_resolved(block, k, x) for x in e.elts]
        return min((r for r, _ in items), default=k), \
            gast.Tuple(elts=[x for _, x in items], ctx=gast.Load())
    if _slice_call(e):  # (its bounds, each resolved)
        items = [_resolved(block, k, x) for x in e.args]
        return min((r for r, _ in items), default=k), \
            gast.Call(func=e.func, args=[x for _, x in items], keywords=[])
    if not isinstance(e, gast.Name):
        return k, e
    for r in range(k - 1, -1, -1):
        s = block[r]
        if e.id in _bound([s]):
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                    isinstance(s.value, (gast.BinOp, gast.Constant, gast.Name)) and \
                    all(isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.operator,
                                       gast.expr_context)) for n in _walk(s.value)):
                return _names_resolved(block, r, s.value)
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                    isinstance(s.value, gast.Subscript) and \
                    isinstance(s.value.value, gast.Name) and s.value.value.id in _ELEMENTS:
                return r, s.value  # (an index read from an array parameter)
            return k, e
    return k, e


def _walk(e: gast.AST) -> list:
    return list(gast.walk(e))


def _mentioned(s: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes(s)}


def _bound(stmts: list, names: set[str] | None = None) -> set[str]:
    """The names ``stmts`` bind (of ``names``, when given)."""
    out = {n.id for s in stmts for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)}
    return out if names is None else out & names
