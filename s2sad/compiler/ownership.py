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

from collections import Counter
from collections.abc import Callable
from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler import (
    accumulators,
    dims,
    dtypes,
    inline_writes,
    popped_owners,
    rebound_copies,
    returns,
    scatter_last,
)
from s2sad.compiler import ownership_forms as forms
from s2sad.compiler.inline_writes import call_of as _call_of
from s2sad.compiler.names import call_named, copy_origin, load, np_attr
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.ownership_facts import CANDIDATES, OwnershipFacts
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_ids, nodes

# in place by nature -> the copying function that does the same out of place
_IN_PLACE = {runtime.write_at: "setitem", runtime.clear_at: "zero_at"}
# adding into their first argument in place, copied on the way in where it is not owned
_ADDING = (runtime.add_at, runtime.add_items)


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
        if scatter_last.onto_dense(list(facts.flat), facts.blocks, facts.leaks, kinds,
                                   shapes, namespace):
            facts.refresh()
    returns.copy_arguments(body, facts.flat, facts.owned, facts.numbers,
                           params, facts.namespace, facts.is_number)
    rebound_copies.drop(facts)
    return body


class _Facts(OwnershipFacts):
    """The rewrites that make updates in place safe, and copies in place."""

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
        all of ``d`` per update).  The views of one array are copied together (two
        statements writing parts of ``u`` in a loop: each part's adjoint read before it
        is cleared, and neither copy alone makes ``d`` owned), then each copy not needed
        for that is dropped again."""
        updated = {name for name, _, _ in self.in_place()} | {
            c[0] for c in (self.candidate(s) for s in self.flat) if c is not None}
        views: dict[str, list[gast.Assign]] = {}
        for s in self.flat:
            if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(
                    s.targets[0], gast.Name) and isinstance(s.value, gast.Subscript) and
                    isinstance(s.value.value, gast.Name)):
                continue
            name = s.value.value.id
            if name not in updated or name not in self.local or name in self.owned or \
                    self.is_number(s.value) or not self.is_array(name):
                continue  # (an item of a list or dict is no view: np.copy would change it)
            views.setdefault(name, []).append(s)
        for name, reads in views.items():
            self._copy_views_of(name, reads)

    def _copy_views_of(self, name: str, reads: list[gast.Assign]) -> None:
        originals = [s.value for s in reads]
        for s in reads:
            view = s.value
            copied = gast.Subscript(value=view.value, slice=inline_writes.as_syntax(view.slice),
                                    ctx=gast.Load())
            s.value = gast.Call(func=np_attr("copy"), args=[copied], keywords=[])
        self.refresh()
        if name not in self.owned:
            for s, view in zip(reads, originals):
                s.value = view
            self.refresh()
            return
        for s, view in zip(reads, originals) if len(reads) > 1 else ():
            copy = s.value
            s.value = view
            self.refresh()
            if name not in self.owned:
                s.value = copy
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
        if fn not in _ADDING and fn not in _IN_PLACE:
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
            if fn in _ADDING:
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
                forms.rename(call, CANDIDATES[evaluate_ref(call.func, self.namespace)])
                renamed = True
        return renamed

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
