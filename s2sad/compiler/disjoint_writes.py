"""Part of the late pass ``fuse``: an adjoint made of zeros and then added into part by
part, where the parts are disjoint slices of one axis, written part by part instead.

The adjoint of gates sliced out of one product (an LSTM's ``z[:, :H]``,
``z[:, H:2 * H]``, ...) is assembled as

    dz = zeros_like(z)
    dz[:, mul_2:] += dg * (1 - g * g)
    dz[:, mul:mul_2] += do * o * (1.0 - o)
    dz[:, H:mul] += df * f * (1.0 - f)
    dz[:, :H] += di * i * (1.0 - i)

A part no earlier part of the run overlaps still holds zeros, so ``+=`` is ``=`` there
(``-= e`` is ``= -e``; one read of the part fewer); where the parts together cover the
axis, no element keeps its zero and ``zeros_like`` is ``np.empty_like``.  The bounds
are compared as multiples ``k * H`` of one length ``H`` (a name bound once to an
array's length: never negative) or as int literals, so ``[0:A)``, ``[A:B)`` ... clamped
to the axis stay in order.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler.names import call_named
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import name_nodes

_INF = (None, "inf")  # the end of the axis


def write_parts(body: list) -> list:
    """``body`` with each such run rewritten (in place)."""
    starts = [(s, block) for s, block, _ in block_statements(body) if _zeros(s)]
    if not starts:
        return body
    stores = Counter(n.id for n in name_nodes(body) if not isinstance(n.ctx, gast.Load))
    lengths = _lengths(body, stores)
    for s, block in starts:
        _rewrite_run(block, block.index(s), lengths, stores)
    return body


def _zeros(s: gast.stmt) -> bool:
    """``d = zeros_like(x)`` (the runtime's, or NumPy's)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and
            len(s.value.args) == 1 and not s.value.keywords):
        return False
    f = s.value.func
    return call_named(s.value, "zeros_like") or isinstance(f, gast.Attribute) and \
        f.attr == "zeros_like" and isinstance(f.value, gast.Name) and f.value.id == "np"


def _rewrite_run(block: list, k: int, lengths: dict, stores: Counter) -> None:
    d = block[k].targets[0].id
    parts: list[tuple[int, tuple]] = []
    axis = None
    for j in range(k + 1, len(block)):
        s = block[j]
        part = _added_part(s, d, lengths, stores)
        if part is None:
            if not parts and _first_add(s, d):  # any index: zeros there still, += is =
                block[j] = _assigned(s)
            if d in {n.id for n in name_nodes(s)}:
                break
            continue
        if axis is None:
            axis = part[0]
        if part[0] != axis or isinstance(s, gast.Assign) and parts:
            break
        if isinstance(s, gast.Assign):  # (the first part, written as = already)
            parts.append((j, part))
        elif all(_disjoint(part[1], other) for _, (_, other) in parts):
            block[j] = _assigned(s)
            parts.append((j, part))
        else:
            break
    if parts and _cover([p for _, (_, p) in parts]):
        zeros = block[k].value
        zeros.func = gast.Attribute(value=gast.Name(id="np", ctx=gast.Load(), annotation=None,
                                                    type_comment=None),
                                    attr="empty_like", ctx=gast.Load())


def _assigned(s: gast.AugAssign) -> gast.Assign:
    """``d[i] += e`` as ``d[i] = e`` (``-= e`` as ``= -e``) where ``d[i]`` holds zeros."""
    value = s.value if isinstance(s.op, gast.Add) else \
        gast.UnaryOp(op=gast.USub(), operand=s.value)
    new = gast.Assign(targets=[s.target], value=value, type_comment=None)
    if hasattr(s, "s2sad_origin"):
        new.s2sad_origin = s.s2sad_origin
    return new


def _first_add(s: gast.stmt, d: str) -> bool:
    """``d[a:b, c:] += e`` at any index with a slice in it (so ``d`` is an
    array: a list's adjoint is not added into by slices; ``=`` into a list would share
    ``e``), neither the index nor ``e`` reading ``d``."""
    if not (isinstance(s, gast.AugAssign) and isinstance(s.op, gast.Add) and
            isinstance(s.target, gast.Subscript) and isinstance(s.target.value, gast.Name)
            and s.target.value.id == d):
        return False  # (-= e stays: = -e would make the negation a new array first)
    idx = s.target.slice
    items = idx.elts if isinstance(idx, gast.Tuple) else [idx]
    return any(isinstance(x, gast.Slice) for x in items) and \
        d not in {n.id for n in name_nodes(s.value)} and \
        d not in {n.id for n in name_nodes(idx)}


def _added_part(s: gast.stmt, d: str, lengths: dict, stores: Counter
                ) -> tuple[int, tuple] | None:
    """(axis, (lower, upper)) of ``d[.., a:b, ..] += e`` (or ``-=``, or ``=`` of a first
    part; every other axis whole)."""
    target = s.targets[0] if isinstance(s, gast.Assign) and len(s.targets) == 1 else \
        s.target if isinstance(s, gast.AugAssign) and isinstance(s.op, (gast.Add, gast.Sub)) \
        else None
    if not (isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and
            target.value.id == d) or d in {n.id for n in name_nodes(s.value)}:
        return None
    idx = target.slice
    items = idx.elts if isinstance(idx, gast.Tuple) else [idx]
    if not all(isinstance(x, gast.Slice) and x.step is None for x in items):
        return None
    cut = [a for a, x in enumerate(items) if x.lower is not None or x.upper is not None]
    if len(cut) != 1:
        return None
    x = items[cut[0]]
    low = (0, None) if x.lower is None else _bound(x.lower, lengths, stores)
    high = _INF if x.upper is None else _bound(x.upper, lengths, stores)
    return None if low is None or high is None else (cut[0], (low, high))


def _bound(e: gast.expr, lengths: dict, stores: Counter) -> tuple | None:
    """(k, H) for ``k * H`` of a length ``H`` (``H`` itself: k = 1), (c, None) for an
    int literal c >= 0; None otherwise."""
    if isinstance(e, gast.Constant) and type(e.value) is int and e.value >= 0:
        return e.value, None
    if isinstance(e, gast.Name) and e.id in lengths:
        return 1, e.id
    if isinstance(e, gast.Name) and stores.get(e.id) == 1 and e.id in lengths.get("", {}):
        return lengths[""][e.id]
    return None


def _lengths(body: list, stores: Counter) -> dict:
    """Names bound once at the top to an array's length (``np.shape(x)[0]``,
    ``x.shape[0]``, ``len(x)``, or one of those ``// k``) -> True, and under ``""`` the
    names bound once to ``k * H`` of such a length -> (k, H)."""
    found: dict = {}
    multiples: dict = {}
    for s in body:
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and stores.get(s.targets[0].id) == 1):
            continue
        name, v = s.targets[0].id, s.value
        if _is_length(v) or isinstance(v, gast.BinOp) and \
                isinstance(v.op, gast.FloorDiv) and _is_length(v.left) and \
                isinstance(v.right, gast.Constant) and type(v.right.value) is int and \
                v.right.value > 0:  # (a length split in parts: never negative either)
            found[name] = True
        elif isinstance(v, gast.BinOp) and isinstance(v.op, gast.Mult):
            for c, h in ((v.left, v.right), (v.right, v.left)):
                if isinstance(c, gast.Constant) and type(c.value) is int and \
                        c.value >= 0 and isinstance(h, gast.Name) and h.id in found:
                    multiples[name] = (c.value, h.id)
    found[""] = multiples
    return found


def _is_length(v: gast.expr) -> bool:
    if not (isinstance(v, gast.Subscript) and isinstance(v.slice, gast.Constant) and
            type(v.slice.value) is int):
        return call_named(v, "len") and len(v.args) == 1
    shape = v.value
    return isinstance(shape, gast.Attribute) and shape.attr == "shape" or \
        isinstance(shape, gast.Call) and isinstance(shape.func, gast.Attribute) and \
        shape.func.attr == "shape" and isinstance(shape.func.value, gast.Name) and \
        shape.func.value.id == "np" and len(shape.args) == 1


def _le(a: tuple, b: tuple) -> bool:
    """Is the bound ``a`` surely at most ``b``?"""
    if b == _INF:
        return True
    if a == _INF:
        return False
    if a[0] == 0:
        return True
    return a[1] == b[1] and a[0] <= b[0]


def _disjoint(p: tuple, q: tuple) -> bool:
    return _le(p[1], q[0]) or _le(q[1], p[0])


def _cover(parts: list) -> bool:
    """Do the parts, in order, run from 0 to the end of the axis, each from where the one
    before ends?"""
    pending = list(parts)
    at: tuple = (0, None)
    while pending:
        nxt = next((p for p in pending if p[0] == at or p[0][0] == 0 and at[0] == 0), None)
        if nxt is None or not _le(nxt[0], nxt[1]):
            return False
        pending.remove(nxt)
        at = nxt[1]
    return at == _INF
