"""Late pass ``ownership``.  Which names hold an object that no other live name, no
stack and no caller can see; updates in place happen only on those.

Two kinds of statements need the answer:

- *in-place by nature*: ``acc = add_at(acc, x, idx, g)`` (an adjoint read by
  ``x[idx]``), ``d += e`` (an adjoint a loop owns), ``write_at`` and
  ``clear_at``.  On an object another live name shares (a cotangent the
  caller passed, an adjoint that is the same array as another adjoint) they
  would change both, so the shared definition is copied once (``fresh``) or,
  where that cannot help, the update is made out of place;
- *copies that need not be*: ``x = setitem(x, idx, v)`` and
  ``d = zero_at(g, idx)`` become ``write_at`` / ``clear_at`` (O(size of the
  written part), not O(size of the array)) when the array is owned and its
  old value is never read again.

The facts are liveness (a name read later on some path) and *leaks*: the names
whose object an expression may return or hold (``unbroadcast(g, x)`` may
return ``g``; ``x[1:]`` is a view of ``x``; ``a * b`` is a new object).  A name
is *owned* when every definition is a new object, an update of itself, or an
object handed over by an owned name that is dead from then on; and it never
hands its object to another name, a stack or a container while still live.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import accumulators, dims, dtypes, inline_writes, popped_owners, returns
from s2sad.compiler import ownership_forms as forms
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.inline_writes import call_of as _call_of
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import call_named, copy_origin, load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.returns import FIRST as _FIRST
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import name_ids, name_nodes, nodes

UNKNOWN = "?"  # an object of unknown origin: never owned
_SHAPE_ATTRS = {"shape", "ndim", "size", "dtype"}
# calls whose result holds none of their arguments' objects
_NEW = {
    np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.copy, np.arange, np.linspace, np.eye, np.identity, np.concatenate,
    np.multiply.outer,
    np.stack, np.vstack, np.hstack, np.dot, np.matmul, np.outer, np.inner, np.sum, np.mean,
    np.prod, np.cumsum, np.cumprod, np.tile, np.repeat, np.kron, np.where, np.clip, np.std,
    np.var, np.max, np.min, np.amax, np.amin, np.tensordot, np.trace, np.diff, np.sort,
    np.linalg.inv, np.linalg.solve, np.linalg.det, np.linalg.norm, np.shape, np.ndim,
    np.size, len, float, int, bool, abs, math.sqrt, math.exp, math.log, math.sin,
    math.cos, runtime.setitem, runtime.zero_at, runtime.fresh, runtime.safe_mul,
    runtime.scatter_add, runtime.scatter_subtract, runtime.inverse, runtime.lu_solve,
    runtime.safe_div, runtime.zeros_like, runtime.shape_of, runtime.floats_zeros,
    runtime.sum_axes,
}
_SHAPE_ONLY_SECOND = {runtime.unbroadcast, runtime.cast_like, runtime.add_at,
                      runtime.repeat_to}
# in place by nature -> the copying function that does the same out of place
_IN_PLACE = {runtime.write_at: "setitem", runtime.clear_at: "zero_at"}
# copying functions -> the in-place function to use on an owned, dead-after array
_CANDIDATES = {runtime.setitem: "write_at", runtime.zero_at: "clear_at"}


def own(body: list, namespace: dict[str, Any], params: set[str], numbers: set[str],
        ranks: dict[str, int], shapes: Callable[[], dims.Facts] | None = None,
        floats: frozenset = frozenset(), real: bool = False,
        known: dims.Facts | None = None, float_numbers: frozenset = frozenset()) -> list:
    """Make every in-place update safe, and copying updates in place where they may be
    (``known``: the shape facts of ``body`` as it is, when worked out already;
    ``shapes``: works the values' shapes out; ``floats``: the float64 array parameters;
    ``real``: no value is complex; ``float_numbers``: the parameters that are Python or
    NumPy float64 numbers)."""
    facts = _Facts(body, namespace, params, numbers, ranks, known)
    facts.no_copies_of_new_objects()
    facts.no_copies_read_by_item()
    facts.copy_views()
    facts.repair_required()
    # (each step below says whether it changed the body: the facts are worked out again
    # only then, the steps before having left them current)
    if facts.use_candidates():
        facts.refresh()
    if inline_writes.write_inline(facts, real, shapes if known is None else lambda: known):
        facts.refresh()
    if shapes is not None and floats:
        kinds = dtypes.dtypes(body, set(floats), params & numbers, namespace, float_numbers)
        summed = accumulators.in_place(list(facts.flat), facts.blocks, facts.owned, shapes,
                                       kinds, namespace, Counter(name_ids(body, gast.Load)))
        if returns.plain(body, facts.owned, kinds, shapes, set(floats)) or summed:
            facts.refresh()
    returns.copy_arguments(body, facts.flat, facts.owned, facts.numbers,
                           params, facts.namespace, facts.is_number)
    return body


class _Facts:
    def __init__(self, body: list, namespace: dict, params: set[str], numbers: set[str],
                 ranks: dict[str, int], known: dims.Facts | None = None) -> None:
        self.body, self.namespace, self.numbers = body, namespace, numbers
        self.ranks = ranks_stage.infer(body, ranks, numbers, namespace) if known is None \
            else ranks_stage.ranks_of(known)
        self.local = {n.id for n in name_nodes(body) if isinstance(n.ctx, gast.Store)} - params
        self.memo: dict = {}  # what each simple statement stores and reads, for liveness
        self.refresh()

    def refresh(self) -> None:
        placed = list(block_statements(self.body))
        self.blocks = {id(s): block for s, block, _ in placed}
        self.depth = {id(s): depth for s, _, depth in placed}
        self.flat = [s for s, _, _ in placed]
        self.after: dict[int, frozenset] = {}
        # (writes keep shapes; the rewrites between refreshes replace the values whose
        # reads they change, or the statements)
        live_after(self.body, self.after, values_only=True, memo=self.memo)
        self.owned = self._owned()

    # ----- what an expression may hold -----

    def leaks(self, e: gast.expr) -> set[str]:
        if isinstance(e, gast.Name):
            return {e.id}
        if isinstance(e, gast.Constant):
            return set()
        if isinstance(e, (gast.BinOp, gast.UnaryOp, gast.Compare)):
            parts = [e.left, e.right] if isinstance(e, gast.BinOp) else []
            return set().union(*(self.leaks(p) for p in parts
                                 if isinstance(p, (gast.List, gast.Tuple))))
        if isinstance(e, (gast.Tuple, gast.List, gast.Set)):
            return set().union(*(self.leaks(x) for x in e.elts))
        if isinstance(e, gast.Dict):
            return set().union(*(self.leaks(x) for x in e.values))
        if isinstance(e, gast.IfExp):
            return self.leaks(e.body) | self.leaks(e.orelse)
        if isinstance(e, gast.BoolOp):
            return set().union(*(self.leaks(x) for x in e.values))
        if isinstance(e, gast.Subscript):
            return set() if self.is_number(e) else self.leaks(e.value)
        if isinstance(e, gast.Attribute):
            if e.attr in _SHAPE_ATTRS:
                return set()
            return self.leaks(e.value) if forms.has_local_root(e, self.local) else {UNKNOWN}
        if isinstance(e, gast.Call):
            return self.call_leaks(e)
        return {UNKNOWN}

    def call_leaks(self, e: gast.Call) -> set[str]:
        fn = evaluate_ref(e.func, self.namespace)
        args = list(e.args) + [k.value for k in e.keywords]
        try:
            if fn in _NEW or isinstance(fn, np.ufunc) and not any(
                    k.arg == "out" for k in e.keywords):
                return set()
            if fn is runtime.copy_value and isinstance(e.args[0], gast.Name) and \
                    self.is_array(e.args[0].id):
                return set()  # (an array's copy; a list's holds its items)
            if fn is np.array and e.args and isinstance(e.args[0], gast.List) and \
                    not any(k.arg == "copy" for k in e.keywords):
                return set()  # (a display's array: a new one, of copies of its items)
            if fn in _FIRST or fn in _CANDIDATES:
                return self.leaks(e.args[0]) if e.args else set()
            if fn is runtime.add_grads:  # (a new sum, or the one that is not None)
                return set().union(*(self.leaks(a) for a in args))
            if fn in _SHAPE_ONLY_SECOND:  # repeat_to: its first argument, or a view
                return self.leaks(e.args[0]) | {UNKNOWN}
        except TypeError:  # an unhashable callable
            pass
        if isinstance(e.func, gast.Attribute):
            args.append(e.func.value)
        return set().union(*(self.leaks(a) for a in args)) | {UNKNOWN}

    def is_number(self, e: gast.Subscript) -> bool:
        """``x[i]`` of a vector by an integer (and the like): a new scalar."""
        return ranks_stage.rank_of(e, self.ranks, self.namespace) == 0

    # ----- owned names -----

    def _owned(self) -> set[str]:
        owned = set(self.local) - self.numbers
        bound = [(s, list(self.bindings(s))) for s in self.flat]  # (the same each round)
        changed = True
        while changed:
            changed = False
            for s, found in bound:
                for target, held in found:
                    live = self.after[id(s)]
                    for m in held - {target}:
                        if m in owned and m in live:
                            owned.discard(m)
                            changed = True
                        if target in owned and (m not in owned or m in live):
                            owned.discard(target)
                            changed = True
        return owned

    def bindings(self, s: gast.stmt) -> Iterator[tuple[str | None, set[str]]]:
        """(name bound or None, the names whose objects it may now hold)."""
        if isinstance(s, gast.Assign) and forms.popped(s):  # d, last = list_pop_last(d, v)
            yield s.targets[0].elts[0].id, self.leaks(s.value.args[0])  # (d itself)
            yield s.targets[0].elts[1].id, {UNKNOWN}
        elif isinstance(s, gast.Assign):
            held = self.leaks(s.value)
            for t in s.targets:
                if isinstance(t, gast.Name):
                    yield t.id, held
                elif isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) and \
                        self.is_array(t.value.id):
                    continue  # (an array's items written: values copied, no object held)
                else:
                    for n in nodes(t):
                        if isinstance(n, gast.Name):
                            yield n.id, held | {UNKNOWN}
        elif isinstance(s, gast.Expr):
            held = self.leaks(s.value)
            if held - {UNKNOWN}:
                yield None, held

    def is_array(self, name: str) -> bool:
        """Is ``name`` surely an array (a rank of at least 1), not a list, tuple or dict?"""
        rank = self.ranks.get(name)
        return isinstance(rank, int) and not isinstance(rank, bool) and rank >= 1

    # ----- rewrites -----

    def no_copies_of_new_objects(self) -> None:
        """``fresh(e)`` of an ``e`` that is a new object (``np.multiply.outer(g, x)``, a
        sum): the copy is waste (an earlier pass copied an expression a later one made
        new).  (Looked for first: most bodies have none, and then nothing changed and
        the facts need no refreshing.)"""
        if not any(call_named(n, "fresh") for n in nodes_of(self.body, (gast.Call,))):
            return
        changed = False
        for node in nodes(self.body):
            for field, child in gast.iter_fields(node):
                items = child if isinstance(child, list) else [child]
                for k, c in enumerate(items):
                    if call_named(c, "fresh") and len(c.args) == 1 and \
                            not self.leaks(c.args[0]):
                        if isinstance(child, list):
                            child[k] = c.args[0]
                        else:
                            setattr(node, field, c.args[0])
                        changed = True
        if changed:
            self.refresh()

    def no_copies_read_by_item(self) -> None:
        """``x = fresh(e)`` of a name only ever read by item (``ditems = fresh(dA[0])``,
        the adjoint of a row of ``np.array([[a, b], ..])`` read as ``ditems[0]``): nothing
        writes into ``x``, so a view serves; dropped where no name updated in place
        loses its ownership by it (``e``'s array updated while ``x`` lives)."""
        copies = [s for s in self.flat if isinstance(s, gast.Assign) and
                  len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
                  call_named(s.value, "fresh") and len(s.value.args) == 1]
        if not copies:
            return
        by_item = forms.read_by_item_only(self.body, {s.targets[0].id for s in copies})
        copies = [s for s in copies if s.targets[0].id in by_item]
        if not copies:
            return
        updated = {name for name, _, _ in self.in_place()} | {
            c[0] for c in (self.candidate(s) for s in self.flat) if c is not None}
        owned = self.owned & updated - by_item
        for s in copies:
            s.value = s.value.args[0]
        self.refresh()
        if not owned <= self.owned:
            for s in copies:
                s.value = forms.call_of_name("fresh", s.value)
            self.refresh()

    def copy_views(self) -> None:
        """``v = d[1:-1]`` of an array updated in place while ``v`` lives (an adjoint's part
        read before the part is cleared): ``v`` a copy of the part, when that makes ``d``
        owned, so every update of ``d`` is in place (one copy of the part, not a copy of
        all of ``d`` per update)."""
        updated = {name for name, _, _ in self.in_place()} | {
            c[0] for c in (self.candidate(s) for s in self.flat) if c is not None}
        for s in self.flat:
            if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(
                    s.targets[0], gast.Name) and isinstance(s.value, gast.Subscript) and
                    isinstance(s.value.value, gast.Name)):
                continue
            name = s.value.value.id
            if name not in updated or name not in self.local or name in self.owned or \
                    self.is_number(s.value) or not self.is_array(name):
                continue  # (an item of a list or dict is no view: np.copy would change it)
            view = s.value
            copied = gast.Subscript(value=view.value, slice=inline_writes.as_syntax(view.slice),
                                    ctx=gast.Load())
            s.value = gast.Call(func=gast.Attribute(value=load("np"), attr="copy",
                                                    ctx=gast.Load()), args=[copied],
                                keywords=[])
            self.refresh()
            if name not in self.owned:
                s.value = view
                self.refresh()

    def repair_required(self) -> None:
        """In-place updates of shared objects: copy the shared definition once, or update
        out of place where a copy cannot make the name owned."""
        needed = {name for name, _, _ in self.in_place()} - self.numbers
        bad = {n for n in needed if n not in self.owned}
        if not bad:
            return
        for s in self.flat:
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
                    s.targets[0].id in bad and not self.self_update(s):
                if not self.copy_what_it_updates(s) and self.leaks(s.value):
                    s.value = forms.call_of_name("fresh", s.value)  # (a new object needs no copy)
        self.refresh()
        for name, _, fix in self.in_place():
            if name not in self.owned:
                fix()
        self.refresh()

    def copy_what_it_updates(self, s: gast.Assign) -> bool:
        """``d = add_at(e, ..)`` updates ``e`` in place: copying its result would be too
        late, so ``e`` is copied on the way in (``add_at(fresh(e), ..)``)."""
        call = _call_of(s)
        if call is None or not call.args or not isinstance(call.args[0], gast.Name):
            return False
        fn = evaluate_ref(call.func, self.namespace)
        if fn is not runtime.add_at and fn not in _IN_PLACE:
            return False
        forms.wrap_first(call)
        return True

    def in_place(self) -> list:
        """(name updated in place, statement, the out-of-place rewrite)."""
        out: list[tuple[str, gast.stmt, Callable[..., None]]] = []
        for s in self.flat:
            if isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Name) and \
                    s.target.id not in self.numbers and s.target.id in self.local:
                out.append((s.target.id, s, lambda s=s: self.out_of_place(s)))
            call = _call_of(s)
            if call is None or not call.args or not isinstance(call.args[0], gast.Name):
                continue
            fn = evaluate_ref(call.func, self.namespace)
            if fn is runtime.add_at:
                out.append((call.args[0].id, s, lambda c=call: forms.wrap_first(c)))
            elif fn in _IN_PLACE:
                out.append((call.args[0].id, s, lambda c=call, f=fn: forms.rename(c, _IN_PLACE[f])))
            for inner in forms.nested_add_ats(call):  # (assemble nests adjoints)
                out.append((inner.args[0].id, s, lambda c=inner: forms.wrap_first(c)))
        return out

    def out_of_place(self, s: gast.AugAssign) -> None:
        """``d += e`` as ``d = d + e``."""
        block = self.blocks[id(s)]
        new = gast.Assign(targets=[s.target], value=gast.BinOp(
            left=load(s.target.id), op=s.op, right=s.value), type_comment=None)
        block[[id(x) for x in block].index(id(s))] = copy_origin(new, s)

    def self_update(self, s: gast.Assign) -> bool:
        call = _call_of(s)
        return call is not None and bool(call.args) and isinstance(call.args[0], gast.Name) \
            and call.args[0].id == s.targets[0].id

    def use_candidates(self) -> bool:
        """``setitem`` / ``zero_at`` of an owned array whose old value is dead: in place.
        An array that is not owned because it comes from the caller (or another name) is
        copied once before the loop that writes into it, when that makes it owned (the
        facts worked out again after that).  Whether a call was made in place."""
        candidates = [c for c in (self.candidate(s) for s in self.flat) if c is not None]
        for name in {name for name, _, _ in candidates if name not in self.owned}:
            depth = min(d for n, _, d in candidates if n == name)
            self.copy_before_loops(name, depth)
            pushes = self.pushes(name, depth) if name not in self.owned else []
            if pushes:
                self.copy_before_loops(name, depth, pushes)
            if name not in self.owned:
                popped_owners.own_popped(self, name)
        renamed = False
        for name, call, _ in candidates:
            if name in self.owned:
                forms.rename(call, _CANDIDATES[evaluate_ref(call.func, self.namespace)])
                renamed = True
        return renamed

    def candidate(self, s: gast.stmt) -> tuple | None:
        """(array name, the copying call, loop depth) of ``x = setitem(x, ...)`` and the
        like whose old value is dead after it."""
        call = _call_of(s)
        if call is None or len(call.args) < 2 or not isinstance(call.args[0], gast.Name):
            return None
        try:
            if evaluate_ref(call.func, self.namespace) not in _CANDIDATES:
                return None
        except TypeError:
            return None
        name = call.args[0].id
        if name != s.targets[0].id and name in self.after[id(s)]:
            return None
        return name, call, self.depth[id(s)]

    def copy_before_loops(self, name: str, depth: int, pushes: list | None = None) -> None:
        """Copy the definitions of ``name`` that are shared (outside the loops that write
        into it) and, given ``pushes``, what those appends put on a list: the list gets a
        copy, ``stack.append(fresh(x))``, one per push instead of one per write of an
        item (the lists hold values: every write of ``x`` is a ``setitem``); keep the
        copies only if that makes the name owned."""
        shared = [s for s in self.flat if isinstance(s, gast.Assign) and
                  _call_of(s) is not None or isinstance(s, gast.Assign) and
                  isinstance(s.targets[0], gast.Name)]
        shared = [s for s in shared if s.targets[0].id == name and not self.self_update(s)
                  and self.leaks(s.value)]
        if depth == 0 or any(self.depth[id(s)] >= depth for s in shared) or \
                not shared and not pushes:
            return
        values = [s.value for s in shared]
        for s in shared:
            s.value = forms.call_of_name("fresh", s.value)
        for holder, k in pushes or ():
            holder[k] = forms.call_of_name("fresh", holder[k])
        self.refresh()
        if name not in self.owned:
            for s, v in zip(shared, values):
                s.value = v
            for holder, k in pushes or ():
                holder[k] = holder[k].args[0]
            self.refresh()

    def pushes(self, name: str, depth: int) -> list:
        """(list of nodes, position) of each ``name`` a ``v.append(...)`` shallower than
        ``depth`` appends: ``stack.append(x)`` in a loop around an inner loop that writes
        ``x`` item by item (an explicit stepper's state, pushed once a step)."""
        return [item for s in self.flat if self.depth[id(s)] < depth
                for item in forms.appended(s, name)]
