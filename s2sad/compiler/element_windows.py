"""Element loops that add into windows of one array (see :mod:`element_loops`): finite
element assembly, ``for e in range(n): K[2 * e:2 * e + 4, 2 * e:2 * e + 4] += c * ke``.

Kept as a loop, each trip reads a window, adds and writes it back (and the reverse sweep
reads each window of the adjoint a trip at a time).  The windows of different trips may
overlap (neighbouring elements share nodes), but a trip only adds to its window what it
computed from other values, so the sum over the trips does not depend on their order:
all at once it is one scatter-add, ``K = scatter_add(K, (rows[:, :, None], cols[:, None,
:]), c[:, None, None] * ke)`` (NumPy's ``np.add.at``: repeated positions sum, each in
trip order), whose adjoint gathers the windows of ``dK`` at once.

Only where it is proved: one write in the loop, ``W_new = setitem(W, (slice(lo, hi),
...), W[lo:hi, ...] + v)`` then ``W = W_new``, at the loop's top level, the window read
the same as the one written (their bounds equal forms of the counter) and proved inside
the array in every trip by the shape facts (:mod:`windows`: ``0 <= lo``, ``hi <=
len``, of a width that is an int); ``W`` a float array (made by ``np.zeros`` and the
like: an int one rounds each trip's sum) read nowhere else in the loop; ``v`` a number
of the trip, an array the same in every trip whose shape fits the window (one the loop
does not bind, or a literal it makes, ``np.array([[1.0, -1.0], [-1.0, 1.0]])``, moved
before it), or the product of the two.  The rest of the trip is an element loop's
(numbers).  Windows picked by index arrays (``K[dofs[:, None], dofs] += ke`` of ``dofs
= conn[e]``) are taken where the index read and written are made alike
(:mod:`element_picks`); a position a trip picks twice keeps its last element there, as
Python's ``+=`` does (``last_writes``), not the sum a scatter-add would make.
"""
from __future__ import annotations

from dataclasses import dataclass

import gast
import numpy as np

from s2sad.compiler import dims, element_picks, windows
from s2sad.compiler.element_masks import Keep, Trip, np_call
from s2sad.compiler.names import assign, call_named, const, copy_origin, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes

_FLOAT_MAKERS = (np.zeros, np.ones, np.empty, np.eye, np.identity, np.full)


@dataclass
class Window:
    """The statements of a loop that add into a window of ``array``."""

    array: str
    write: gast.Assign  # W_new = setitem(W, parts, sum)
    lowers: list  # each part's lower bound (None: 0)
    forms: list  # their values (``windows.value``: equal forms, equal values)
    widths: tuple  # each part's width (ints)
    scale: gast.expr | None  # the number the trip adds (times ``block``), if any
    block: gast.Name | None  # the array (the same in every trip) the trip adds
    made: list  # the loop's statements that make ``block`` (moved before it)
    rest: list  # the loop's other statements
    picks: list | None = None  # the index parts of a window picked by index arrays


def find(loop: gast.For, facts: dims.Facts, reads: dict[str, int],
         indices: frozenset[str] = frozenset()) -> Window | None:
    """The window ``loop`` adds into, or None; ``reads``: how often each name is read
    in the loop; ``indices``: the parameters given integer arrays."""
    body = loop.body
    writes = [k for k, s in enumerate(_flat(body)) if call_named(s.value, "setitem")]
    at = [k for k, s in enumerate(body) if isinstance(s, gast.Assign)
          and call_named(s.value, "setitem")]
    if len(writes) != 1 or len(at) != 1 or at[0] + 1 >= len(body):
        return None
    write, rebind = body[at[0]], body[at[0] + 1]
    array, parts, total = write.value.args if len(write.value.args) == 3 else (None,) * 3
    if not (isinstance(array, gast.Name) and isinstance(total, gast.Name)
            and _binds(rebind, array.id, write.targets[0].id)):
        return None
    defs = {s.targets[0].id: s for s in body if isinstance(s, gast.Assign)}
    bound = {s.targets[0].id for s in _flat(body)} | {loop.target.id}
    added = _operands(defs.get(total.id))
    if added is None:
        return None
    read, v = added if _reads_of(defs.get(added[0].id), array.id) else added[::-1]
    window = defs.get(read.id)
    once = (read.id, total.id, write.targets[0].id)
    if window is None or not _reads_of(window, array.id) or \
            reads.get(array.id) != 2 or any(reads.get(n) != 1 for n in once) or \
            not _float_made(array.id, facts):  # (an int array rounds each trip's sum)
        return None
    widths = facts.of(window.value)
    if _reads_window(window, array.id):
        same = _same_window(window.value.slice, parts, loop, body, facts)
        picks, used = None, set[str]()
        if same is None or not (isinstance(widths, tuple) and len(widths) == len(same[0])
                                  and all(type(w) is int for w in widths)):
            return None
    else:
        found = element_picks.same_picks(window.value.slice, parts, defs, bound,
                                         loop.target.id, facts.namespace, indices)
        if found is None:
            return None
        widths = element_picks.picked_shape(found[0], array.id, facts)
        if not isinstance(widths, tuple):
            return None
        same, (picks, used) = ([], []), found
    taken = [window, defs[total.id], write, rebind] + [defs[n] for n in used]
    made = _added(v, _Loop(defs, bound, reads, facts.namespace), facts, widths)
    if made is None:
        return None
    scale, block, made_block, product = made
    taken += made_block + ([product] if product is not None else [])
    return Window(array.id, write, *same, widths, scale, block, made_block,
                  [s for s in body if not any(s is t for t in taken)], picks)


def _flat(body: list) -> list:
    out = []
    for s in body:
        out += _flat(s.body) + _flat(s.orelse) if isinstance(s, gast.If) else [s]
    return out


def _float_made(array: str, facts: dims.Facts) -> bool:
    """Whether ``array`` is made by ``np.zeros``, ``ones``, ``empty``, ``eye``,
    ``identity`` or ``full`` of a float (float64 by default), through copies and writes:
    a float array, whose windows the trips add to exactly as the scatter-add does."""
    seen, names = set(), [array]
    while names:
        name = names.pop()
        seen.add(name)
        for d in facts.defs.get(name, []):
            source = d if isinstance(d, gast.Name) else d.args[0] if \
                call_named(d, "setitem") and isinstance(d.args[0], gast.Name) else None
            if source is not None:
                names += [source.id] if source.id not in seen else []
            elif not (isinstance(d, gast.Call) and _maker(d, facts.namespace)):
                return False
    return True


def _maker(call: gast.Call, namespace: dict) -> bool:
    fn = evaluate_ref(call.func, namespace)
    if not any(fn is f for f in _FLOAT_MAKERS):
        return False
    if fn is np.full and not (len(call.args) == 2 and isinstance(call.args[1], gast.Constant)
                              and type(call.args[1].value) is float):
        return False
    return all(k.arg == "dtype" and evaluate_ref(k.value, namespace) in (float, np.float64)
               for k in call.keywords)


def _binds(s: gast.stmt, name: str, value: str) -> bool:
    return isinstance(s, gast.Assign) and s.targets[0].id == name and \
        isinstance(s.value, gast.Name) and s.value.id == value


def _operands(s: gast.Assign | None) -> tuple | None:
    """The two names ``s`` adds (``sum = a + b``)."""
    if s is None or not (isinstance(s.value, gast.BinOp) and isinstance(s.value.op, gast.Add)
                         and isinstance(s.value.left, gast.Name)
                         and isinstance(s.value.right, gast.Name)):
        return None
    return s.value.left, s.value.right


def _reads_of(s: gast.Assign | None, array: str) -> bool:
    """``s`` is ``R = W[...]``."""
    return s is not None and isinstance(s.value, gast.Subscript) and \
        isinstance(s.value.value, gast.Name) and s.value.value.id == array


def _reads_window(s: gast.Assign | None, array: str) -> bool:
    """``s`` is ``R = W[lo:hi, ...]`` (slices of step 1 only)."""
    if s is None or not _reads_of(s, array):
        return False
    parts = s.value.slice.elts if isinstance(s.value.slice, gast.Tuple) else [s.value.slice]
    return all(isinstance(p, gast.Slice) and p.step is None for p in parts)


def _same_window(read: gast.expr, written: gast.expr, loop: gast.For, body: list,
                 facts: dims.Facts) -> tuple[list, list] | None:
    """The lower bounds of the window read and their forms, when the window written is
    the same in every trip (equal forms of the counter), else None."""
    reads = read.elts if isinstance(read, gast.Tuple) else [read]
    writes = written.elts if isinstance(written, gast.Tuple) else [written]
    if len(reads) != len(writes):
        return None
    scope = _scope(loop, body)
    lowers, starts = [], []
    for r, w in zip(reads, writes):
        if isinstance(w, gast.Call) and call_named(w, "slice") and len(w.args) == 2:
            w_lo, w_hi = w.args
        elif isinstance(w, gast.Slice) and w.step is None:
            w_lo, w_hi = w.lower, w.upper
        else:
            return None
        if r.upper is None or w_hi is None:
            return None  # (to the end: its width is the array's, not an int of it)
        for a, b in ((r.lower, w_lo), (r.upper, w_hi)):
            forms = [windows.value(const(0) if e is None else e, scope, facts.size)
                     for e in (a, b)]
            if None in forms or forms[0] != forms[1]:
                return None
            starts.append(forms[0])
        lowers.append(r.lower)
    return lowers, starts[::2]


def _scope(loop: gast.For, body: list) -> windows.Scope:
    """The names bound once at the loop's top level and its counter, for ``value``."""
    counts: dict[str, int] = {}
    for s in _flat(body):
        counts[s.targets[0].id] = counts.get(s.targets[0].id, 0) + 1
    env = {s.targets[0].id: s.value for s in body
           if isinstance(s, gast.Assign) and counts[s.targets[0].id] == 1}
    args = loop.iter.args
    counter = windows.Counter(args[0] if len(args) == 2 else None, args[-1],
                              windows.EMPTY, 0)
    return windows.Scope(env, {loop.target.id: counter})


@dataclass
class _Loop:
    defs: dict  # a name bound once at the top level -> its statement
    bound: set  # every name bound in the loop, its counter too
    reads: dict  # how often each name is read in it
    namespace: dict


def _added(v: gast.Name, loop: _Loop, facts: dims.Facts, widths: tuple) -> tuple | None:
    """(scale, block, the loop's statements that make the block, the product's
    statement) of what a trip adds."""
    if facts.shapes.get(v.id) == ():
        return v, None, [], None
    block = _invariant(v.id, loop)
    if block is not None:
        return (None, v, block, None) if _fits(facts.shapes.get(v.id), widths) else None
    s = loop.defs.get(v.id)
    if s is None or loop.reads.get(v.id) != 1 or not (isinstance(s.value, gast.BinOp)
                                    and isinstance(s.value.op, gast.Mult)):
        return None
    for number, array in ((s.value.left, s.value.right), (s.value.right, s.value.left)):
        block = _invariant(array.id, loop) if isinstance(array, gast.Name) else None
        if block is not None and _fits(facts.shapes.get(array.id), widths) and \
                (isinstance(number, gast.Constant) and type(number.value) in (int, float)
                 or isinstance(number, gast.Name) and facts.shapes.get(number.id) == ()):
            return number, array, block, s
    return None


def _invariant(name: str, loop: _Loop) -> list | None:
    """The statements of the loop that make ``name`` the same in every trip (``ke =
    np.array([[1.0, -1.0], [-1.0, 1.0]])`` written in the loop: each read only by the
    next), none for a name the loop does not bind; None when it depends on the trip."""
    if name not in loop.defs:
        return None if name in loop.bound else []
    s = loop.defs[name]
    if loop.reads.get(name) != 1 or not _pure(s.value, loop.namespace):
        return None
    out: list = []
    for n in sorted({n.id for n in name_nodes(s.value)}):
        inner = _invariant(n, loop)
        if inner is None:
            return None
        out += inner
    return out + [s]


def _pure(e: gast.expr, namespace: dict) -> bool:
    """An array or list literal or arithmetic, of names and constants only."""
    if isinstance(e, gast.Call):
        parts = e.args + [k.value for k in e.keywords]
        ok = evaluate_ref(e.func, namespace) is np.array
    elif isinstance(e, (gast.List, gast.Tuple)):
        parts, ok = e.elts, True
    elif isinstance(e, gast.BinOp):
        parts, ok = [e.left, e.right], isinstance(e.op, (gast.Add, gast.Sub, gast.Mult,
                                                         gast.Div))
    elif isinstance(e, gast.UnaryOp):
        parts, ok = [e.operand], isinstance(e.op, gast.USub)
    else:
        return False
    return ok and all(isinstance(p, (gast.Name, gast.Constant)) for p in parts)


def _fits(shape: object, widths: tuple) -> bool:
    """An array of ``shape`` broadcasts to the window's shape without changing it."""
    return isinstance(shape, tuple) and len(shape) <= len(widths) and \
        all(d == 1 or dims.same((d,), (w,)) or type(w) is not int
            for d, w in zip(shape[::-1], widths[::-1]))  # (not known: if it does not fit,
    # the scatter-add raises as each trip's write does)


def emit(window: Window, t: Trip) -> list:
    """The statements of ``t`` (which has rewritten ``window.rest``), then the
    scatter-add of every trip's window at once and the array's binding."""
    t.out_at = window.write
    rank = len(window.widths)
    index = _index(window, t, rank)
    value = None
    if window.scale is not None:
        value = t.value(window.scale)
        if t.varies(value):
            value = t.named(_axes(value, rank, None), "scale")
    if window.block is not None:
        value = load(window.block.id) if value is None else t.named(
            gast.BinOp(left=value, op=gast.Mult(), right=load(window.block.id)), "added")
    at = index[0] if len(index) == 1 else gast.Tuple(elts=index, ctx=gast.Load())
    if window.picks is not None:  # (a position a trip picks twice: its last element)
        last = t.named(gast.Call(func=load("last_writes"), args=[
            load(window.array), gast.Tuple(elts=list(index), ctx=gast.Load())],
            keywords=[]), "last")
        value = t.named(gast.BinOp(left=value, op=gast.Mult(), right=last), "kept")
    write = window.write
    call = gast.Call(func=load("scatter_add"), args=[load(window.array), at, value],
                     keywords=[])
    scatter = copy_origin(gast.copy_location(gast.Assign(
        targets=[gast.Name(id=write.targets[0].id, ctx=gast.Store(), annotation=None,
                           type_comment=None)], value=call, type_comment=None), write), write)
    return window.made + t.out + [scatter, assign(window.array, load(write.targets[0].id),
                                                  like=write)]


def _index(window: Window, t: Trip, rank: int) -> list:
    """The index parts of every trip's window (raises Keep where not known)."""
    if window.picks is not None:
        index = element_picks.at_once(window.picks, t, t.facts)
        if index is None:
            raise Keep
        return index
    index, positions = [], {}
    for k, (lower, form, width) in enumerate(zip(window.lowers, window.forms,
                                                 window.widths)):
        start = t.value(const(0) if lower is None else lower)
        key = (form, width)
        if key not in positions:  # (a square window: its rows are its columns)
            if not t.varies(start):
                start = t.every_trip(start, "start")
            offsets = t.named(np_call("arange", [const(width)]), "offsets")
            positions[key] = t.named(gast.BinOp(left=_axes(start, 1, None), op=gast.Add(),
                                                right=offsets), "positions")
        rows = positions[key]
        index.append(rows if rank == 1 else t.named(_axes(rows, rank, k), "rows"))
    return index


def _axes(value: gast.expr, rank: int, keep: int | None) -> gast.Subscript:
    """``value[:, None, ...]``: the trips' axis first, then ``rank`` axes, each of length
    1 but axis ``keep`` (taken from ``value``'s second axis)."""
    parts: list = [gast.Slice(lower=None, upper=None, step=None)]
    parts += [gast.Slice(lower=None, upper=None, step=None) if a == keep else const(None)
              for a in range(rank)]
    return gast.Subscript(value=value, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                          ctx=gast.Load())
