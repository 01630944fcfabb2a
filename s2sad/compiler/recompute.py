"""Late pass ``recompute``: a cheap number the reverse sweep pops is computed there again.

An element loop's branch flag (``cmp = x[i] > 0``) is pushed on every trip and
popped in the reversed loop; a person writing the gradient tests ``x[i] > 0``
again instead, and the forward loop, left with nothing to do for the reverse
sweep, goes.  Done where the value is a number (a flag, or a name known to hold a
number), an item (``keys[i]``) or the builtin ``min``/``max``/``abs`` of such,
computed without another call from the loop's counter, the function's
parameters (generated code never writes into them) and numbers bound once before
the loop, and the two loops run over the same range, one reversed.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler.names import copy_origin
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_ids, name_nodes, nodes, same, substituted, walk

MAX_NODES = 24  # a comparison or a few arithmetic operations: cheaper than the tape
_PRODUCTS = frozenset({"dot", "inner", "vdot", "matmul"})
_CHEAP = (gast.Name, gast.Constant, gast.Compare, gast.BinOp, gast.UnaryOp, gast.BoolOp,
          gast.Subscript, gast.Tuple, gast.expr_context, gast.cmpop, gast.operator,
          gast.unaryop, gast.boolop)


def recompute(body: list, numbers: set[str], params: set[str]) -> list:
    loops = [s for s in statement_nodes(body) if isinstance(s, gast.For) and
             isinstance(s.target, gast.Name)]  # (an element loop inside a time loop too)
    pushes = {getattr(n, "s2sad_slot", None): (loop, n) for loop in loops for n in loop.body
              if isinstance(n, gast.Expr) and getattr(n, "s2sad_slot", None) is not None}
    if not pushes:
        return body  # (no loop pushes: nothing to compute again; the facts not needed)
    # what holds one value all along: worked out for the first pop that may go (most
    # bodies have none), before any rewrite, as it was when worked out up front
    fixed: set[str] | None = None
    scans = _Scans()
    whole: dict[int, bool] = {}  # forward loop -> every value it pushes made again
    for rev in loops:
        if not _counter_kept(rev):
            continue
        for at, pop in enumerate(rev.body):
            slot = getattr(pop, "s2sad_slot", None)
            forward, push = pushes.get(slot, (None, None))
            pairs = _popped_names(pop, push)
            if forward is None or not reversed_of(rev, forward) or \
                    not scans.counter_kept(forward) or not pairs:
                continue
            fixed = _fixed(body, numbers, params) if fixed is None else fixed
            known = scans.known(forward, fixed)
            if id(forward) not in whole:
                whole[id(forward)] = _moved_whole(body, forward, rev, known, scans)
            calls = whole[id(forward)]
            values = [_value(forward.body, forward.body.index(push), pushed, known, scans,
                             calls) for _, pushed in pairs]
            if all(value is not None and (calls or name in numbers or _tested(rev, name) or
                                          _item(value) or _choice(value) or
                                          any(map(_shape_call, walk(value))))
                   for (name, _), value in zip(pairs, values)):
                rev.body[at:at + 1] = [copy_origin(gast.Assign(
                    targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                       type_comment=None)],
                    value=value, type_comment=None), pop)
                    for (name, _), value in zip(pairs, values)]
                forward.body.remove(push)
                scans.clear()  # (the loops changed: their statements looked at again)
    return body


class _Scans:
    """The names each statement binds, and whether a loop's body binds its counter,
    each worked out once while nothing is rewritten: every pop of a long loop looked
    back over the forward loop's body, walking each statement again (quadratic in the
    loop's length: a 200-line RK step took seconds)."""

    def __init__(self) -> None:
        self.stored: dict[int, tuple[gast.AST, set[str]]] = {}
        self.kept: dict[int, tuple[gast.For, bool]] = {}
        # (block, place of a binding, name, known names) -> its value (``_value``): each
        # pop's chain of bindings followed back once, not once per pop reading it
        self.values: dict[tuple[int, int, str, int, bool], gast.expr | None] = {}
        self.knowns: dict[int, tuple[gast.For, set[str]]] = {}  # loop -> known names

    def clear(self) -> None:
        self.stored.clear()
        self.kept.clear()
        self.values.clear()

    def known(self, loop: gast.For, fixed: set[str]) -> set[str]:
        """The names holding one value all along in ``loop``: ``fixed`` and its counter
        (one set per loop, so that the values worked out in it are told apart)."""
        found = self.knowns.get(id(loop))
        if found is None or found[0] is not loop:
            found = self.knowns[id(loop)] = (loop, fixed | {loop.target.id})
        return found[1]

    def stored_in(self, s: gast.AST) -> set[str]:
        found = self.stored.get(id(s))
        if found is None or found[0] is not s:
            found = self.stored[id(s)] = (s, _stored(s))
        return found[1]

    def counter_kept(self, loop: gast.For) -> bool:
        found = self.kept.get(id(loop))
        if found is None or found[0] is not loop:
            found = self.kept[id(loop)] = (loop, _counter_kept(loop))
        return found[1]


def _popped_names(pop: gast.stmt, push: gast.stmt | None) -> list[tuple[str, str]]:
    """(name popped, name pushed) of a pop of one name (``x = stack.pop()`` of
    ``stack.append(x)``) or of a tuple of names (``i, j = stack.pop()`` of
    ``stack.append((a, b))``: each taken again on its own); else ``[]``."""
    if _single_name_pop(pop, push):
        return [(pop.targets[0].id, pop.targets[0].id)]
    if push is None or not isinstance(pop, gast.Assign) or len(push.value.args) != 1:
        return []
    popped, pushed = pop.targets[0], push.value.args[0]
    if not (isinstance(popped, gast.Tuple) and isinstance(pushed, gast.Tuple) and
            len(popped.elts) == len(pushed.elts) and
            all(isinstance(n, gast.Name) for n in popped.elts + pushed.elts)):
        return []
    names = [n.id for n in popped.elts]
    return list(zip(names, [n.id for n in pushed.elts])) if len(set(names)) == len(names) \
        else []


def _fixed(body: list, numbers: set[str], params: set[str]) -> set[str]:
    """The names holding one value all along: parameters never bound, and numbers (and
    objects read only by item) bound once at the top."""
    stores = _store_counts(body)
    return {p for p in params if p not in stores} | _numbers_bound_once(body, numbers, stores)


def _value(block: list, upto: int, name: str, known: set[str], scans: _Scans,
           calls: bool = False) -> gast.expr | None:
    """``name``'s value at ``block[upto]`` as an expression of ``known`` names only (the
    names the block bound before substituted by their values), or None; ``calls``: a
    product of vectors (``np.dot``) may be part of it."""
    at = next((i for i in range(upto - 1, -1, -1) if name in scans.stored_in(block[i])),
              None)
    if at is None or not _plain_assign(block[at], name):
        return None
    key = (id(block), at, name, id(known), calls)
    if key not in scans.values:
        scans.values[key] = _bound_value(block, at, known, scans, calls)
    found = scans.values[key]
    return None if found is None else clone(found)  # (each use a tree of its own)


def _bound_value(block: list, at: int, known: set[str], scans: _Scans, products: bool
                 ) -> gast.expr | None:
    """The value ``block[at]`` binds, as :func:`_value` gives it."""
    value = clone(block[at].value)
    calls = [n for n in walk(value) if _shape_call(n) or _choice(n) or
             products and _product_call(n)]
    callees = {id(c.func) for c in calls} | {id(getattr(c.func, "value", None)) for c in calls}
    if sum(1 for _ in walk(value)) > MAX_NODES or not all(
            isinstance(n, _CHEAP) or n in calls or id(n) in callees for n in walk(value)):
        return None
    for n in [n for n in walk(value) if isinstance(n, gast.Name)]:
        if n.id in known or id(n) in callees:  # (np of np.shape: the module)
            continue
        inner = _value(block, at, n.id, known, scans, products)
        if inner is None:
            return None
        value = substituted(value, n, inner)
    return value


def _shape_call(n: gast.AST) -> bool:
    """``np.shape(x)`` or ``len(x)`` of a name: a length, cheaper to take again than to
    keep (the name is known to the reverse sweep, so its shape is too)."""
    return isinstance(n, gast.Call) and len(n.args) == 1 and not n.keywords and \
        isinstance(n.args[0], gast.Name) and (
            isinstance(n.func, gast.Name) and n.func.id == "len" or
            isinstance(n.func, gast.Attribute) and n.func.attr == "shape" and
            isinstance(n.func.value, gast.Name) and n.func.value.id == "np")


def _product_call(n: gast.AST) -> bool:
    """``np.dot(a, b)`` (or ``inner``, ``vdot``, ``matmul``): made again only where the
    forward loop goes whole (:func:`_moved_whole`), so it is made once either way."""
    return isinstance(n, gast.Call) and len(n.args) == 2 and not n.keywords and \
        isinstance(n.func, gast.Attribute) and n.func.attr in _PRODUCTS and \
        isinstance(n.func.value, gast.Name) and n.func.value.id == "np"


def _moved_whole(body: list, forward: gast.For, rev: gast.For, known: set[str],
                 scans: _Scans) -> bool:
    """Whether every value ``forward`` pushes can be made again in ``rev`` (products of
    vectors too) and its trips carry nothing from one to the next but a sum nothing
    reads (the function's value, which ``grad`` does not return): then the forward
    loop goes, and what the reversed loop makes again is made once, not twice (a sum of
    ``(np.dot(w, x) - y) ** 2`` over ``zip(xs, ys)``)."""
    taped = [s for s in statement_nodes(forward.body) if getattr(s, "s2sad_slot", None)
             is not None]
    popped = {getattr(s, "s2sad_slot", None) for s in rev.body}
    if not taped or any(s not in forward.body or not isinstance(s, gast.Expr) or
                        s.s2sad_slot not in popped for s in taped) or \
            _carried(forward) - _unread_sums(body, forward):
        return False
    names = [_pushed_names(s) for s in taped]
    return all(found is not None for found in names) and all(
        _value(forward.body, forward.body.index(s), name, known, scans, True) is not None
        for s, found in zip(taped, names) for name in found or ())


def _pushed_names(push: gast.Expr) -> list[str] | None:
    """The names a push pushes (a name, or a tuple of names); None for anything else."""
    args = push.value.args
    items = args[0].elts if len(args) == 1 and isinstance(args[0], gast.Tuple) else args
    return [e.id for e in items] if all(isinstance(e, gast.Name) for e in items) else None


def _carried(loop: gast.For) -> set[str]:
    """The names a statement of the loop's body reads before the body binds them (values
    carried from the trip before)."""
    bound_in_body = set().union(*(_stored(s) for s in loop.body))
    bound: set[str] = set()
    carried: set[str] = set()
    for s in loop.body:
        carried |= (set(name_ids(s, gast.Load)) & bound_in_body) - bound
        bound |= _stored(s)
    return carried


def _unread_sums(body: list, loop: gast.For) -> set[str]:
    """Names the loop's body binds (``t_new = t + p``, ``t = t_new``, ``p = sub ** 2``)
    that no statement reads but the bindings of such names: a running sum nothing
    reads (the function's value, which ``grad`` does not return)."""
    own = [s for s in loop.body if isinstance(s, gast.Assign) and len(s.targets) == 1 and
           isinstance(s.targets[0], gast.Name)]
    reads = Counter(name_ids(body, gast.Load))
    readers: dict[str, Counter] = {}  # name -> the names whose bindings read it
    for s in own:
        for m in name_ids(s.value, gast.Load):
            readers.setdefault(m, Counter())[s.targets[0].id] += 1
    unread = {s.targets[0].id for s in own}
    changed = True
    while changed:
        changed = False
        for n in sorted(unread):
            if sum(c for t, c in readers.get(n, Counter()).items() if t in unread) != reads[n]:
                unread.discard(n)
                changed = True
    return unread


def _choice(n: gast.AST) -> bool:
    """``min(a, b)`` / ``max(a, b, ..)`` (by name, as the forward sweep calls it): one of
    its cheap arguments, chosen by comparisons (``d = min(x[i], y[i])`` in an element
    loop); ``abs(a)`` of one (a Huber loop's ``abs(x[i]) < d``)."""
    return isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and not n.keywords \
        and (n.func.id in ("min", "max") and len(n.args) >= 2 or
             n.func.id == "abs" and len(n.args) == 1)


def reversed_of(rev: gast.For, forward: gast.For) -> bool:
    """``for i in reversed(R)`` after ``for i in R``."""
    it = rev.iter
    return forward is not rev and isinstance(it, gast.Call) and \
        isinstance(it.func, gast.Name) and it.func.id == "reversed" and len(it.args) == 1 and \
        isinstance(forward.target, gast.Name) and forward.target.id == rev.target.id and \
        same(it.args[0], forward.iter)


def _counter_kept(loop: gast.For) -> bool:
    """No statement of the loop's body binds its counter (one walk of the body)."""
    counter = loop.target.id
    return not any(n.id == counter and n.ctx.__class__ is gast.Store
                   for n in name_nodes(loop.body))


def _single_name_pop(pop: gast.stmt, push: gast.stmt | None) -> bool:
    return push is not None and isinstance(pop, gast.Assign) and \
        isinstance(pop.targets[0], gast.Name) and len(push.value.args) == 1 and \
        isinstance(push.value.args[0], gast.Name) and \
        push.value.args[0].id == pop.targets[0].id


def _item(value: gast.expr) -> bool:
    """``keys[i]`` or ``edges[e, 0]``: an item or a view taken again, O(1) whatever it
    holds."""
    index = value.slice.elts if isinstance(value, gast.Subscript) and \
        isinstance(value.slice, gast.Tuple) else [getattr(value, "slice", None)]
    return isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and \
        all(isinstance(i, (gast.Name, gast.Constant)) for i in index)


def _tested(loop: gast.For, name: str) -> bool:
    return any(isinstance(n, (gast.If, gast.While)) and isinstance(n.test, gast.Name) and
               n.test.id == name for n in statement_nodes(loop.body))


def _plain_assign(s: gast.stmt, name: str) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == name


def _stored(s: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(s) if isinstance(n.ctx, gast.Store)}


def _store_counts(body: list) -> dict[str, int]:
    """name -> how many times it is stored (the names' walk, no generator per node)."""
    return Counter(name_ids(body, gast.Store))


def _numbers_bound_once(body: list, numbers: set[str], stores: dict) -> set[str]:
    """Names bound by one statement at the top, never again, holding a number or an
    object only ever read by item or for its length (``keys = list(params)``, ``pred =
    X @ w`` read as ``pred[i]`` and ``np.shape(pred)``; nothing can change it: no other
    name gets it): the same in both loops."""
    once = {s.targets[0].id for s in body if isinstance(s, gast.Assign) and
            len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
            stores.get(s.targets[0].id) == 1}
    return {n for n in once if n in numbers} | (once & _read_by_item_only(body))


def _read_by_item_only(body: list) -> set[str]:
    """Names every read of which takes an item (``x[i]``) or a length (``len(x)``,
    ``np.shape(x)``).  One walk: a node comes before its children, so the reads its
    holder makes by item are known when a name is met (no map of parents)."""
    by_item: set[int] = set()  # ids of the names read by item or for a length
    loads: dict[str, bool] = {}
    name, subscript, call, load = gast.Name, gast.Subscript, gast.Call, gast.Load
    for n in nodes(body):
        cls = n.__class__
        if cls is name:
            if n.ctx.__class__ is load:
                loads[n.id] = loads.get(n.id, True) and id(n) in by_item
        elif cls is subscript:
            if n.value.__class__ is name and n.ctx.__class__ is load:
                by_item.add(id(n.value))
        elif cls is call and _shape_call(n):
            by_item.update((id(n.func), id(n.args[0])))  # (``len`` itself too, as before)
    return {name for name, only in loads.items() if only}
